package dev.userbatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.support.ApiTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 item 3: the strict JSON pass refuses bodies whose decoding would cost more than any
 * valid request, with a 413 naming the array or the limit (the memory side is MemoryBoundTest).
 */
class RequestLimitsTest extends ApiTest {

  private HttpResponse<Buffer> sendRaw(HttpMethod method, String path, String body) {
    return sync(
        service
            .http
            .request(method, path)
            .putHeader("content-type", "application/json")
            .sendBuffer(Buffer.buffer(body)));
  }

  private static String repeated(String element, int times) {
    StringBuilder out = new StringBuilder(element.length() * times + times);
    for (int i = 0; i < times; i++) {
      out.append(i == 0 ? "" : ",").append(element);
    }
    return out.toString();
  }

  private int maxItems() {
    return service.app.config().maxItemsPerRequest();
  }

  @Test
  void anItemsArrayOneLongerThanTheLimitIs413NamingIt() {
    HttpResponse<Buffer> response =
        sendRaw(
            HttpMethod.POST,
            "/batch/users/lookup",
            "{\"ids\":[" + repeated("{}", maxItems() + 1) + "]}");
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(413);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getString("code")).isEqualTo("TOO_MANY_ITEMS");
    assertThat(body.getString("message"))
        .isEqualTo(
            "$.ids has more than "
                + maxItems()
                + " elements; at most "
                + maxItems()
                + " are allowed per request (MAX_ITEMS_PER_REQUEST)");
  }

  @Test
  void anArrayInsideAnItemIsLimitedToo() {
    HttpResponse<Buffer> response =
        sendRaw(
            HttpMethod.POST,
            "/batch/users/create",
            "{\"users\":[{\"name\":\"a\",\"email\":[" + repeated("1", maxItems() + 1) + "]}]}");
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(413);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getString("code")).isEqualTo("TOO_MANY_ITEMS");
    assertThat(body.getString("message"))
        .startsWith("$.users[0].email has more than " + maxItems() + " elements");
  }

  @Test
  void moreValuesThanSixteenPerItemIs413() {
    // No array is too long, but every item is an array of 16 numbers: 17 values each.
    String item = "[" + repeated("1", 16) + "]";
    HttpResponse<Buffer> response =
        sendRaw(
            HttpMethod.PATCH,
            "/batch/users/update",
            "{\"updates\":[" + repeated(item, maxItems()) + "]}");
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(413);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(body.getString("code")).isEqualTo("TOO_MANY_VALUES");
    long limit = (long) maxItems() * 16 + 64;
    assertThat(body.getString("message"))
        .startsWith(
            "Request body has more than "
                + limit
                + " JSON values; at most 16 "
                + "per item of MAX_ITEMS_PER_REQUEST ("
                + maxItems()
                + ") are allowed, refused at $.updates[");
  }

  @Test
  void aFullValidRequestIsNotRefusedByTheValueBudget() {
    // 10,000 update items of the largest valid shape (6 values each) stay within the budget: the
    // refusal comes from the checks of the items (unknown ids), not from the limits.
    StringBuilder items = new StringBuilder();
    for (int i = 0; i < maxItems(); i++) {
      items
          .append(i == 0 ? "" : ",")
          .append("{\"id\":\"")
          .append(java.util.UUID.randomUUID())
          .append("\",\"data\":{\"email\":\"a")
          .append(i)
          .append("@example.com\",\"name\":\"n\"},\"expectedVersion\":1}");
    }
    HttpResponse<Buffer> response =
        sendRaw(
            HttpMethod.PATCH,
            "/batch/users/update",
            "{\"updates\":[" + items + "],\"options\":{\"dryRun\":true}}");
    assertThat(response.statusCode()).as(response.bodyAsString()).isNotEqualTo(413);
    assertThat(response.bodyAsJsonObject().getString("code"))
        .isNotIn("TOO_MANY_ITEMS", "TOO_MANY_VALUES");
  }
}
