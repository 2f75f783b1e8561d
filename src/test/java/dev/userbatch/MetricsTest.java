package dev.userbatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.userbatch.support.ApiTest;
import dev.userbatch.support.PrometheusText;
import dev.userbatch.support.PrometheusText.Sample;
import dev.userbatch.support.TestData;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} after a mixed batch run: the seed's four metrics with the right labels,
 * moved by exactly what the run did (the service is shared, so before/after deltas), the Vert.x and
 * JVM families, and no label value that identifies a user or a client.
 */
class MetricsTest extends ApiTest {
  private static final Pattern UUID_LIKE =
      Pattern.compile(
          ".*[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}.*");
  private static final Pattern IPV4 =
      Pattern.compile(".*\\b\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\b.*");
  private static final Pattern IPV6 =
      Pattern.compile(".*\\b[0-9a-fA-F]{0,4}:[0-9a-fA-F]{0,4}:[0-9a-fA-F:]*\\b.*");
  private static final List<String> OPERATIONS =
      List.of("create", "lookup", "update", "soft-delete");

  private PrometheusText scrape() {
    HttpResponse<Buffer> response = sync(get("/metrics"));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("content-type")).startsWith("text/plain");
    return PrometheusText.parse(response.bodyAsString());
  }

  private static Map<String, String> op(String operation) {
    return Map.of("operation", operation);
  }

  private static Map<String, String> opStatus(String operation, String status) {
    return Map.of("operation", operation, "status", status);
  }

  private static Map<String, String> opOutcome(String operation, String outcome) {
    return Map.of("operation", operation, "outcome", outcome);
  }

  /** after - before of one series (a series that did not exist before counts from 0). */
  private static double delta(
      PrometheusText before, PrometheusText after, String name, Map<String, String> labels) {
    return after.value(name, labels) - before.value(name, labels);
  }

  /**
   * Issue 12, item 13: "average chunk size used" is the size of the chunks processed, not the
   * option.
   */
  @Test
  void chunkSizeRecordsTheSizeOfEachChunkProcessed() {
    PrometheusText before = scrape();
    JsonArray one = createdUsers("metrics-chunk", 1); // the default chunkSize (100) for one item
    PrometheusText afterOne = scrape();
    assertThat(delta(before, afterOne, "batch_chunk_size_count", op("create"))).isEqualTo(1.0);
    assertThat(delta(before, afterOne, "batch_chunk_size_sum", op("create"))).isEqualTo(1.0);

    JsonArray ids = new JsonArray().add(id(one, 0));
    for (int i = 0; i < 4; i++) {
      ids.add(UUID.randomUUID().toString());
    }
    HttpResponse<Buffer> looked =
        sync(
            post(
                "/batch/users/lookup",
                new JsonObject()
                    .put("ids", ids)
                    .put("options", new JsonObject().put("chunkSize", 2))));
    assertThat(looked.statusCode()).as(looked.bodyAsString()).isEqualTo(200);
    PrometheusText after = scrape();
    // 5 ids in chunks of 2: 2, 2 and 1
    assertThat(delta(afterOne, after, "batch_chunk_size_count", op("lookup"))).isEqualTo(3.0);
    assertThat(delta(afterOne, after, "batch_chunk_size_sum", op("lookup"))).isEqualTo(5.0);
  }

  @Test
  void mixedBatchRunMovesTheSeedMetricsByExactlyWhatItDid() {
    JsonArray existing = createdUsers("metrics-pre", 2); // cached by the create's write-through
    String a = existing.getJsonObject(0).getString("id");
    String b = existing.getJsonObject(1).getString("id");
    String unknown = UUID.randomUUID().toString();
    PrometheusText before = scrape();

    // create: 3 valid + 1 invalid, chunkSize 2 → 207, status partial
    JsonArray users =
        TestData.usersWithHash("metrics-create", 3)
            .add(TestData.userWithHash("not-an-email", "Bad"));
    HttpResponse<Buffer> created =
        sync(
            post(
                "/batch/users/create",
                TestData.createRequest(users, new JsonObject().put("chunkSize", 2))));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(207);
    JsonArray createdUsers = created.bodyAsJsonObject().getJsonArray("data");

    // lookup: 2 cached users, 1 unknown id (missing), 1 malformed id (failed) → 207, status partial
    HttpResponse<Buffer> looked =
        sync(
            post(
                "/batch/users/lookup",
                new JsonObject()
                    .put("ids", new JsonArray().add(a).add(b).add(unknown).add("not-a-uuid"))
                    .put("options", new JsonObject().put("chunkSize", 7))));
    assertThat(looked.statusCode()).as(looked.bodyAsString()).isEqualTo(207);
    assertThat(looked.bodyAsJsonObject().getJsonObject("stats").getInteger("found")).isEqualTo(2);

    // update: one user → 200, status success
    HttpResponse<Buffer> updated =
        call(
            HttpMethod.PATCH,
            "/batch/users/update",
            new JsonObject()
                .put(
                    "updates",
                    new JsonArray()
                        .add(
                            new JsonObject()
                                .put("id", a)
                                .put("data", new JsonObject().put("name", "M"))))
                .put("options", new JsonObject().put("chunkSize", 5)));
    assertThat(updated.statusCode()).as(updated.bodyAsString()).isEqualTo(200);

    // soft-delete of an id that does not exist → 422, status failed
    HttpResponse<Buffer> deleted =
        call(
            HttpMethod.DELETE,
            "/batch/users/soft-delete",
            new JsonObject()
                .put("userIds", new JsonArray().add(UUID.randomUUID().toString()))
                .put("options", new JsonObject().put("chunkSize", 3)));
    assertThat(deleted.statusCode()).as(deleted.bodyAsString()).isEqualTo(422);

    // a request refused as a whole → 400, status rejected
    HttpResponse<Buffer> rejected =
        sync(post("/batch/users/create", new JsonObject().put("nope", 1)));
    assertThat(rejected.statusCode()).isEqualTo(400);

    PrometheusText after = scrape();

    // batch_operations_total{operation,status}
    assertThat(delta(before, after, "batch_operations_total", opStatus("create", "partial")))
        .isEqualTo(1.0);
    assertThat(delta(before, after, "batch_operations_total", opStatus("create", "rejected")))
        .isEqualTo(1.0);
    assertThat(delta(before, after, "batch_operations_total", opStatus("create", "success")))
        .isEqualTo(0.0);
    assertThat(delta(before, after, "batch_operations_total", opStatus("lookup", "partial")))
        .isEqualTo(1.0);
    assertThat(delta(before, after, "batch_operations_total", opStatus("update", "success")))
        .isEqualTo(1.0);
    assertThat(delta(before, after, "batch_operations_total", opStatus("soft-delete", "failed")))
        .isEqualTo(1.0);
    double allOperations =
        after.samples().stream()
                .filter(s -> s.name().equals("batch_operations_total"))
                .mapToDouble(Sample::value)
                .sum()
            - before.samples().stream()
                .filter(s -> s.name().equals("batch_operations_total"))
                .mapToDouble(Sample::value)
                .sum();
    assertThat(allOperations).as("exactly the five requests of this test").isEqualTo(5.0);

    // batch_operation_duration_seconds{operation}: a histogram, one observation per completed batch
    for (String operation : OPERATIONS) {
      assertThat(delta(before, after, "batch_operation_duration_seconds_count", op(operation)))
          .as(operation)
          .isEqualTo(1.0);
      assertThat(delta(before, after, "batch_operation_duration_seconds_sum", op(operation)))
          .as(operation)
          .isGreaterThan(0.0)
          .isLessThan(30.0);
      assertThat(
              delta(
                  before,
                  after,
                  "batch_operation_duration_seconds_bucket",
                  Map.of("operation", operation, "le", "+Inf")))
          .as(operation)
          .isEqualTo(1.0);
      long buckets =
          after.samples().stream()
              .filter(
                  s ->
                      s.name().equals("batch_operation_duration_seconds_bucket")
                          && s.has(op(operation)))
              .count();
      assertThat(buckets).as("histogram buckets of " + operation).isGreaterThan(10);
    }
    // the rejected request never ran: no duration for it beyond the partial create
    assertThat(after.hasSeries("batch_operation_duration_seconds_count", op("create"))).isTrue();

    // batch_chunk_size{operation}: one observation per chunk processed, of its real size
    // (create: 3 valid items in chunks of 2 → 2 and 1; the others fit one chunk)
    assertThat(delta(before, after, "batch_chunk_size_count", op("create"))).isEqualTo(2.0);
    assertThat(delta(before, after, "batch_chunk_size_sum", op("create"))).isEqualTo(3.0);
    assertThat(delta(before, after, "batch_chunk_size_count", op("lookup"))).isEqualTo(1.0);
    assertThat(delta(before, after, "batch_chunk_size_sum", op("lookup"))).isEqualTo(3.0);
    assertThat(delta(before, after, "batch_chunk_size_sum", op("update"))).isEqualTo(1.0);
    assertThat(delta(before, after, "batch_chunk_size_sum", op("soft-delete"))).isEqualTo(1.0);

    // batch_items_total{operation,outcome}
    assertThat(delta(before, after, "batch_items_total", opOutcome("create", "successful")))
        .isEqualTo(3.0);
    assertThat(delta(before, after, "batch_items_total", opOutcome("create", "failed")))
        .isEqualTo(1.0);
    assertThat(delta(before, after, "batch_items_total", opOutcome("lookup", "successful")))
        .isEqualTo(2.0);
    assertThat(delta(before, after, "batch_items_total", opOutcome("lookup", "missing")))
        .isEqualTo(1.0);
    assertThat(delta(before, after, "batch_items_total", opOutcome("lookup", "failed")))
        .isEqualTo(1.0);
    assertThat(delta(before, after, "batch_items_total", opOutcome("update", "successful")))
        .isEqualTo(1.0);
    assertThat(delta(before, after, "batch_items_total", opOutcome("update", "failed")))
        .isEqualTo(0.0);
    assertThat(delta(before, after, "batch_items_total", opOutcome("soft-delete", "failed")))
        .isEqualTo(1.0);

    // batch_error_rate{operation}: failed items / items since start, a ratio
    for (String operation : OPERATIONS) {
      assertThat(after.hasSeries("batch_error_rate", op(operation))).as(operation).isTrue();
      double rate = after.value("batch_error_rate", op(operation));
      assertThat(rate).as(operation).isBetween(0.0, 1.0);
      double failed = after.value("batch_items_total", opOutcome(operation, "failed"));
      double counted =
          failed
              + after.value("batch_items_total", opOutcome(operation, "successful"))
              + after.value("batch_items_total", opOutcome(operation, "missing"))
              + after.value("batch_items_total", opOutcome(operation, "skipped"));
      assertThat(rate)
          .as("error rate of " + operation + " = failed / items")
          .isCloseTo(failed / counted, within(1e-9));
    }
    assertThat(after.value("batch_error_rate", op("soft-delete"))).isGreaterThan(0.0);

    // batch_cache_requests_total{result}: the lookup's two cached users hit, the unknown id missed
    assertThat(delta(before, after, "batch_cache_requests_total", Map.of("result", "hit")))
        .isEqualTo(2.0);
    assertThat(delta(before, after, "batch_cache_requests_total", Map.of("result", "miss")))
        .isEqualTo(1.0);

    // Vert.x HTTP server, pools, event bus; JVM memory, GC, threads
    // the route label is the matched route pattern (bounded), whatever routes precede it
    assertThat(createRequests(after, "207") - createRequests(before, "207")).isEqualTo(1.0);
    assertThat(createRequests(after, "400") - createRequests(before, "400")).isEqualTo(1.0);
    assertThat(after.hasMetricStartingWith("vertx_http_server_response_time_seconds_bucket"))
        .isTrue();
    assertThat(after.hasSeries("vertx_pool_in_use", Map.of("pool_type", "sql"))).isTrue();
    assertThat(after.hasSeries("vertx_pool_in_use", Map.of("pool_type", "worker"))).isTrue();
    assertThat(after.hasMetricStartingWith("vertx_pool_queue_time_seconds")).isTrue();
    assertThat(
            delta(
                before,
                after,
                "vertx_eventbus_sent_total",
                Map.of("address", "users.chunk.create")))
        .as("two chunks of the create")
        .isEqualTo(2.0);
    assertThat(after.hasMetricStartingWith("vertx_eventbus_handlers")).isTrue();
    assertThat(after.hasSeries("jvm_memory_used_bytes", Map.of("area", "heap"))).isTrue();
    assertThat(after.hasMetricStartingWith("jvm_gc_")).isTrue();
    assertThat(after.hasMetricStartingWith("jvm_threads_live_threads")).isTrue();
    assertThat(after.hasMetricStartingWith("jvm_threads_states_threads")).isTrue();

    assertNoIdentifyingLabels(after, List.of(existing, createdUsers));
  }

  private static double createRequests(PrometheusText metrics, String code) {
    return metrics.samples().stream()
        .filter(
            s ->
                s.name().equals("vertx_http_server_requests_total")
                    && s.has(Map.of("method", "POST", "code", code))
                    && s.labels().getOrDefault("route", "").endsWith("/batch/users/create"))
        .mapToDouble(Sample::value)
        .sum();
  }

  @Test
  void noLabelValueIsAUserIdAnEmailOrAClientAddress() {
    JsonArray users = createdUsers("metrics-labels", 1);
    String id = users.getJsonObject(0).getString("id");
    String email = users.getJsonObject(0).getString("email");
    // paths that carry ids and emails, unmatched routes, forwarded addresses
    sync(
        service.http.get("/batch/users/" + id).putHeader("X-Forwarded-For", "203.0.113.77").send());
    sync(service.http.get("/users/" + email).send());
    sync(service.http.get("/" + id + "/" + id).send());
    sync(get("/batch/users/lookup?ids=" + id));
    sync(
        service
            .http
            .post("/batch/users/lookup")
            .putHeader("X-Forwarded-For", "203.0.113.77")
            .sendJsonObject(new JsonObject().put("ids", new JsonArray().add(id))));

    assertNoIdentifyingLabels(scrape(), List.of(users));
  }

  private static void assertNoIdentifyingLabels(PrometheusText metrics, List<JsonArray> userSets) {
    Set<String> forbidden = new HashSet<>();
    for (JsonArray users : userSets) {
      for (Object user : users) {
        forbidden.add(((JsonObject) user).getString("id"));
        forbidden.add(((JsonObject) user).getString("email"));
      }
    }
    List<String> offending = new ArrayList<>();
    for (Sample sample : metrics.samples()) {
      for (Map.Entry<String, String> label : sample.labels().entrySet()) {
        String value = label.getValue();
        if (label.getKey().equals("le") || label.getKey().equals("quantile")) {
          continue;
        }
        boolean bad =
            value.contains("@")
                || UUID_LIKE.matcher(value).matches()
                || IPV4.matcher(value).matches()
                || IPV6.matcher(value).matches()
                || forbidden.stream().anyMatch(value::contains);
        if (bad) {
          offending.add(sample.name() + "{" + label.getKey() + "=\"" + value + "\"}");
        }
      }
    }
    assertThat(offending).as("label values that identify a user or a client").isEmpty();
  }
}
