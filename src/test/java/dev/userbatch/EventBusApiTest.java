package dev.userbatch;

import static dev.userbatch.support.EventSupport.idsOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.support.ApiTest;
import dev.userbatch.support.FaultSupport;
import dev.userbatch.support.TestData;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Issue 6, item 2: the event-bus API, called by a separately deployed verticle exactly as a
 * co-deployed service would: every {@code users.batch.*} address, headers {@code correlationId},
 * {@code actor} and {@code idempotencyKey}, replies shaped like the HTTP responses with the status
 * in a header, and refusals as failed replies carrying the HTTP error body.
 */
class EventBusApiTest extends ApiTest {

  /** What one call came back with. */
  record Outcome(
      boolean ok, Object body, Map<String, String> headers, int failureCode, String failure) {
    JsonObject json() {
      return (JsonObject) body;
    }

    String status() {
      return headers.get("status");
    }

    JsonObject error() {
      return new JsonObject(failure);
    }
  }

  /** A co-deployed verticle that talks to the service only through the event bus. */
  static final class Caller extends VerticleBase {
    final String actor;
    final String run;
    final Function<Caller, Future<?>> scenario;
    final Map<String, Outcome> outcomes = new ConcurrentHashMap<>();

    Caller(String actor, String run, Function<Caller, Future<?>> scenario) {
      this.actor = actor;
      this.run = run;
      this.scenario = scenario;
    }

    Future<Outcome> call(String name, String operation, Object body, String idempotencyKey) {
      DeliveryOptions options =
          new DeliveryOptions()
              .addHeader("correlationId", run + "-" + name)
              .addHeader("actor", actor);
      if (idempotencyKey != null) {
        options.addHeader("idempotencyKey", idempotencyKey);
      }
      return vertx
          .eventBus()
          .request("users.batch." + operation, body, options)
          .map(reply -> outcome(reply))
          .recover(
              err ->
                  Future.succeededFuture(
                      err instanceof ReplyException rejected
                          ? new Outcome(
                              false, null, Map.of(), rejected.failureCode(), rejected.getMessage())
                          : new Outcome(false, null, Map.of(), -1, String.valueOf(err))))
          .onSuccess(outcome -> outcomes.put(name, outcome));
    }

    private static Outcome outcome(Message<Object> reply) {
      Map<String, String> headers = new LinkedHashMap<>();
      reply.headers().forEach(header -> headers.put(header.getKey(), header.getValue()));
      return new Outcome(true, reply.body(), headers, 0, null);
    }

    private static JsonArray ids(JsonArray users) {
      JsonArray ids = new JsonArray();
      users.forEach(u -> ids.add(((JsonObject) u).getString("id")));
      return ids;
    }

    @Override
    public Future<?> start() {
      return scenario.apply(this);
    }

    /** Every operation once, chained as a co-deployed service would. */
    Future<?> everyOperation() {
      JsonArray users = TestData.usersWithHash("bus-" + run, 3);
      users.add(
          new JsonObject()
              .put("email", "broken")
              .put("name", "Bad")
              .put("passwordHash", TestData.BCRYPT));
      JsonObject options = new JsonObject().put("chunkSize", 2);
      return call(
              "create",
              "create",
              new JsonObject().put("users", users).put("options", options),
              null)
          .compose(
              created -> {
                JsonArray ids = ids(created.json().getJsonArray("data"));
                JsonArray updates = new JsonArray();
                ids.forEach(
                    id ->
                        updates.add(
                            new JsonObject()
                                .put("id", id)
                                .put("data", new JsonObject().put("name", "Via Bus"))));
                JsonObject byIds = new JsonObject().put("userIds", ids.copy());
                return call(
                        "lookup",
                        "lookup",
                        new JsonObject().put("ids", ids.copy()).put("options", options),
                        null)
                    .compose(
                        x ->
                            call(
                                "update", "update", new JsonObject().put("updates", updates), null))
                    .compose(x -> call("last-login", "last-login", byIds.copy(), null))
                    .compose(
                        x ->
                            call(
                                "soft-delete",
                                "soft-delete",
                                new JsonObject()
                                    .put("userIds", new JsonArray().add(ids.getString(0))),
                                null))
                    .compose(
                        x ->
                            call(
                                "restore",
                                "restore",
                                new JsonObject()
                                    .put("userIds", new JsonArray().add(ids.getString(0))),
                                null))
                    .compose(
                        x ->
                            call(
                                "all-failed",
                                "last-login",
                                new JsonObject()
                                    .put(
                                        "userIds",
                                        new JsonArray().add(UUID.randomUUID().toString())),
                                null));
              });
    }

    /** Requests that are refused, and one sent twice with an idempotency key. */
    Future<?> refusalsAndReplays() {
      return call(
              "chunk-too-big",
              "create",
              new JsonObject()
                  .put("users", TestData.usersWithHash("bus-big-" + run, 1))
                  .put("options", new JsonObject().put("chunkSize", 5000)),
              null)
          .compose(x -> call("not-an-object", "update", "not an object", null))
          .compose(
              x ->
                  call(
                      "array-body",
                      "soft-delete",
                      new JsonArray().add(UUID.randomUUID().toString()),
                      null))
          .compose(
              x -> {
                JsonObject body =
                    new JsonObject().put("users", TestData.usersWithHash("bus-idem-" + run, 2));
                String key = "bus-key-" + run;
                return call("idempotent-1", "create", body, key)
                    .compose(y -> call("idempotent-2", "create", body, key));
              });
    }
  }

  /** The structure of a JSON value: key names and value types, arrays by their first element. */
  private static Object shape(Object value) {
    if (value instanceof JsonObject object) {
      Map<String, Object> shape = new LinkedHashMap<>();
      object.fieldNames().stream()
          .sorted()
          .forEach(name -> shape.put(name, shape(object.getValue(name))));
      return shape;
    }
    if (value instanceof JsonArray array) {
      return array.isEmpty() ? List.of() : List.of(shape(array.getValue(0)));
    }
    return value == null ? "null" : value.getClass().getSimpleName();
  }

  private HttpResponse<Buffer> http(HttpMethod method, String path, JsonObject body) {
    return sync(service.http.request(method, path).sendJsonObject(body));
  }

  @Test
  void aCoDeployedVerticleCallsEveryOperation() {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String actor = "bus-caller-" + run;
    Caller caller = new Caller(actor, run, Caller::everyOperation);
    String deployment = FaultSupport.await(service.app.vertx().deployVerticle(caller), 60);
    try {
      Map<String, Outcome> out = caller.outcomes;
      Map<String, String> statuses = new LinkedHashMap<>();
      for (String name :
          List.of(
              "create", "lookup", "update", "last-login", "soft-delete", "restore", "all-failed")) {
        Outcome outcome = out.get(name);
        assertThat(outcome.ok()).as(name + ": " + outcome).isTrue();
        statuses.put(name, outcome.status());
        assertThat(outcome.headers().get("correlationId")).isEqualTo(run + "-" + name);
        assertThat(outcome.headers().get("replayed")).isEqualTo("false");
      }
      assertThat(statuses)
          .containsExactly(
              Map.entry("create", "207"),
              Map.entry("lookup", "200"),
              Map.entry("update", "200"),
              Map.entry("last-login", "200"),
              Map.entry("soft-delete", "200"),
              Map.entry("restore", "200"),
              Map.entry("all-failed", "422"));

      JsonObject created = out.get("create").json();
      List<String> ids = idsOf(created.getJsonArray("data"));
      assertThat(created.getBoolean("success")).isFalse();
      assertThat(created.getJsonObject("stats"))
          .isEqualTo(
              new JsonObject()
                  .put("total", 4)
                  .put("successful", 3)
                  .put("failed", 1)
                  .put("duplicates", 0)
                  .put("chunks", 2));
      assertThat(created.getJsonArray("failed").getJsonObject(0).getString("code"))
          .isEqualTo("VALIDATION_ERROR");
      assertThat(created.getJsonArray("failed").getJsonObject(0).getInteger("index")).isEqualTo(3);
      JsonObject lookup = out.get("lookup").json();
      assertThat(lookup.getString("message")).isEqualTo("Found 3 out of 3 users");
      assertThat(lookup.getJsonArray("data")).isEqualTo(created.getJsonArray("data"));
      assertThat(out.get("update").json().getJsonArray("data").getJsonObject(0).getString("name"))
          .isEqualTo("Via Bus");
      assertThat(
              out.get("all-failed")
                  .json()
                  .getJsonArray("failed")
                  .getJsonObject(0)
                  .getString("code"))
          .isEqualTo("USER_NOT_FOUND");

      // the database has what the replies say
      for (String id : ids) {
        Row row = userRow(id);
        assertThat(row.getString("name")).isEqualTo("Via Bus");
        assertThat(row.getOffsetDateTime("last_login_at")).isNotNull();
        assertThat(row.getOffsetDateTime("deleted_at")).isNull();
      }
      assertThat(userRow(ids.get(0)).getInteger("version"))
          .isEqualTo(4); // create, update, delete, restore

      // the same shape as the HTTP responses of the same operations
      JsonArray httpUsers = TestData.usersWithHash("bus-http-" + run, 3);
      httpUsers.add(
          new JsonObject()
              .put("email", "broken")
              .put("name", "Bad")
              .put("passwordHash", TestData.BCRYPT));
      HttpResponse<Buffer> httpCreate =
          http(
              HttpMethod.POST,
              "/batch/users/create",
              TestData.createRequest(httpUsers, new JsonObject().put("chunkSize", 2)));
      assertThat(httpCreate.statusCode()).isEqualTo(207);
      List<String> httpIds = idsOf(httpCreate.bodyAsJsonObject().getJsonArray("data"));
      JsonArray httpIdArray = new JsonArray(new ArrayList<>(httpIds));
      JsonArray httpUpdates = new JsonArray();
      httpIds.forEach(
          id ->
              httpUpdates.add(
                  new JsonObject()
                      .put("id", id)
                      .put("data", new JsonObject().put("name", "Via Bus"))));
      Map<String, HttpResponse<Buffer>> viaHttp = new LinkedHashMap<>();
      viaHttp.put("create", httpCreate);
      viaHttp.put(
          "lookup",
          http(HttpMethod.POST, "/batch/users/lookup", new JsonObject().put("ids", httpIdArray)));
      viaHttp.put(
          "update",
          http(
              HttpMethod.PATCH,
              "/batch/users/update",
              new JsonObject().put("updates", httpUpdates)));
      viaHttp.put(
          "last-login",
          http(
              HttpMethod.PATCH,
              "/batch/users/last-login",
              new JsonObject().put("userIds", httpIdArray)));
      viaHttp.put(
          "soft-delete",
          http(
              HttpMethod.DELETE,
              "/batch/users/soft-delete",
              new JsonObject().put("userIds", new JsonArray().add(httpIds.get(0)))));
      viaHttp.put(
          "restore",
          http(
              HttpMethod.POST,
              "/batch/users/restore",
              new JsonObject().put("userIds", new JsonArray().add(httpIds.get(0)))));
      viaHttp.put(
          "all-failed",
          http(
              HttpMethod.PATCH,
              "/batch/users/last-login",
              new JsonObject().put("userIds", new JsonArray().add(UUID.randomUUID().toString()))));
      viaHttp.forEach(
          (name, response) -> {
            JsonObject bus = out.get(name).json();
            JsonObject web = response.bodyAsJsonObject();
            assertThat(String.valueOf(response.statusCode()))
                .as(name)
                .isEqualTo(out.get(name).status());
            assertThat(shape(bus))
                .as("shape of %s: bus %s, HTTP %s", name, bus, web)
                .isEqualTo(shape(web));
            assertThat(bus.getString("message")).as(name).isEqualTo(web.getString("message"));
            assertThat(bus.getBoolean("success")).as(name).isEqualTo(web.getBoolean("success"));
          });

      // the audit trail records the actor and correlation id from the headers
      var audit =
          sync(
              sql(
                  "SELECT correlation_id, operation, actor, client_ip FROM audit_log "
                      + "WHERE correlation_id LIKE $1 ORDER BY started_at",
                  run + "-%"));
      Map<String, String> actors = new LinkedHashMap<>();
      audit.forEach(
          row ->
              actors.put(
                  row.getString("correlation_id").substring(run.length() + 1),
                  row.getString("operation") + "/" + row.getString("actor")));
      assertThat(actors)
          .containsEntry("create", "create/" + actor)
          .containsEntry("lookup", "lookup/" + actor)
          .containsEntry("update", "update/" + actor)
          .containsEntry("last-login", "last-login/" + actor)
          .containsEntry("soft-delete", "soft-delete/" + actor)
          .containsEntry("restore", "restore/" + actor)
          .containsEntry("all-failed", "last-login/" + actor);
    } finally {
      FaultSupport.await(service.app.vertx().undeploy(deployment), 30);
    }
  }

  @Test
  void refusalsAndIdempotencyKeys() {
    String run = UUID.randomUUID().toString().substring(0, 8);
    Caller caller = new Caller("bus-refusals-" + run, run, Caller::refusalsAndReplays);
    String deployment = FaultSupport.await(service.app.vertx().deployVerticle(caller), 60);
    try {
      Map<String, Outcome> out = caller.outcomes;

      // an option out of range: a failed reply with the status and the HTTP error body
      Outcome big = out.get("chunk-too-big");
      assertThat(big.ok()).isFalse();
      assertThat(big.failureCode()).isEqualTo(400);
      JsonObject error = big.error();
      assertThat(error.getString("code")).isEqualTo("VALIDATION_ERROR");
      assertThat(error.getBoolean("success")).isFalse();
      assertThat(error.getJsonArray("errors").stream().map(e -> ((JsonObject) e).getString("path")))
          .contains("$.options.chunkSize");
      assertThat(
              error.getJsonArray("errors").stream().map(e -> ((JsonObject) e).getString("field")))
          .contains("chunkSize");
      HttpResponse<Buffer> viaHttp =
          http(
              HttpMethod.POST,
              "/batch/users/create",
              new JsonObject()
                  .put("users", TestData.usersWithHash("bus-big-http", 1))
                  .put("options", new JsonObject().put("chunkSize", 5000)));
      assertThat(viaHttp.statusCode()).isEqualTo(400);
      assertThat(error).as("the same error body as HTTP").isEqualTo(viaHttp.bodyAsJsonObject());

      // a body that is not a JSON object
      for (String name : List.of("not-an-object", "array-body")) {
        Outcome refused = out.get(name);
        assertThat(refused.ok()).as(name).isFalse();
        assertThat(refused.failureCode()).as(name).isEqualTo(400);
        assertThat(refused.error().getString("code")).as(name).isEqualTo("INVALID_JSON");
      }
      assertThat(
              sync(sql(
                      "SELECT count(*) AS n FROM audit_log WHERE correlation_id IN ($1, $2, $3)",
                      run + "-chunk-too-big",
                      run + "-not-an-object",
                      run + "-array-body"))
                  .iterator()
                  .next()
                  .getLong("n"))
          .as("refused requests start no batch")
          .isZero();

      // idempotencyKey: the second call replays the first response without creating anyone again
      Outcome first = out.get("idempotent-1");
      Outcome second = out.get("idempotent-2");
      assertThat(first.ok()).as(String.valueOf(first)).isTrue();
      assertThat(first.status()).isEqualTo("200");
      assertThat(first.headers().get("replayed")).isEqualTo("false");
      assertThat(second.ok()).as(String.valueOf(second)).isTrue();
      assertThat(second.headers().get("replayed")).isEqualTo("true");
      assertThat(second.status()).isEqualTo("200");
      assertThat(second.json()).isEqualTo(first.json());
      List<String> emails = new ArrayList<>();
      first
          .json()
          .getJsonArray("data")
          .forEach(u -> emails.add(((JsonObject) u).getString("email")));
      assertThat(
              sync(sql(
                      "SELECT count(*) AS n FROM users WHERE lower(email) = ANY($1::text[])",
                      (Object) emails.toArray(String[]::new)))
                  .iterator()
                  .next()
                  .getLong("n"))
          .isEqualTo(2L);
      assertThat(
              sync(sql(
                      "SELECT count(*) AS n FROM audit_log WHERE correlation_id = $1",
                      run + "-idempotent-2"))
                  .iterator()
                  .next()
                  .getLong("n"))
          .as("a replay runs no batch")
          .isZero();
    } finally {
      FaultSupport.await(service.app.vertx().undeploy(deployment), 30);
    }
  }
}
