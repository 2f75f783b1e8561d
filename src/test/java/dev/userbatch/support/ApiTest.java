package dev.userbatch.support;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** Base of the HTTP tests: the shared running service and small helpers to call and inspect it. */
@ExtendWith(VertxExtension.class)
public abstract class ApiTest {
  protected static TestService service;

  @BeforeAll
  static void startService() {
    service = TestService.shared();
  }

  protected Future<HttpResponse<Buffer>> post(String path, JsonObject body) {
    return service.http.post(path).sendJsonObject(body);
  }

  protected Future<HttpResponse<Buffer>> send(
      io.vertx.core.http.HttpMethod method, String path, JsonObject body) {
    return service.http.request(method, path).sendJsonObject(body);
  }

  protected Future<HttpResponse<Buffer>> get(String pathAndQuery) {
    return service.http.get(pathAndQuery).send();
  }

  protected Future<RowSet<Row>> sql(String query, Object... params) {
    return service.pg.preparedQuery(query).execute(Tuple.from(params));
  }

  protected Future<Response> redis(Command command, Object... args) {
    Request request = Request.cmd(command);
    for (Object arg : args) {
      request.arg(String.valueOf(arg));
    }
    return service.redis.send(request);
  }

  /** Creates users through the API (with imported hashes) and returns the created user views. */
  protected Future<JsonArray> createUsers(JsonArray users) {
    return post("/batch/users/create", TestData.createRequest(users, null))
        .map(
            response -> {
              if (response.statusCode() != 200) {
                throw new IllegalStateException("setup create failed: " + response.bodyAsString());
              }
              return response.bodyAsJsonObject().getJsonArray("data");
            });
  }

  /**
   * Blocks the test thread (never an event loop) until the future completes; for try/finally-style
   * tests.
   */
  protected static <T> T sync(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sends a JSON body with any method and waits for the response. */
  protected HttpResponse<Buffer> call(
      io.vertx.core.http.HttpMethod method, String path, JsonObject body) {
    return sync(send(method, path, body));
  }

  /** Creates {@code count} users with unique emails and waits for them; returns their views. */
  protected JsonArray createdUsers(String tag, int count) {
    return sync(createUsers(TestData.usersWithHash(tag, count)));
  }

  /** The stored row of one user (public columns), or null when there is none. */
  protected Row userRow(String id) {
    RowSet<Row> rows =
        sync(
            sql(
                "SELECT id, email, name, version, created_at, updated_at, last_login_at, deleted_at "
                    + "FROM users WHERE id = $1",
                UUID.fromString(id)));
    return rows.size() == 0 ? null : rows.iterator().next();
  }

  /** The raw Redis value of a user's cache entry ({@code <version>|<json>}), or null. */
  /**
   * The cache entry of a user as {@code <version>|<json>}, without its generation; null if absent.
   */
  protected String cached(String id) {
    Response value = sync(redis(Command.GET, "user:" + id));
    return value == null ? null : withoutGeneration(value.toString());
  }

  /** Stored entries are {@code <version>|<generation>|<json>}; tests compare version and json. */
  protected static String withoutGeneration(String entry) {
    int first = entry.indexOf('|');
    int second = entry.indexOf('|', first + 1);
    return entry.substring(0, first + 1) + entry.substring(second + 1);
  }

  /** The id of the i-th user of a response's data. */
  protected static String id(JsonArray users, int i) {
    return users.getJsonObject(i).getString("id");
  }

  /** The failure reported for the item at {@code index}. */
  protected static JsonObject failure(JsonObject json, int index) {
    for (Object f : json.getJsonArray("failed")) {
      if (((JsonObject) f).getInteger("index") == index) {
        return (JsonObject) f;
      }
    }
    throw new AssertionError("no failure for index " + index + " in " + json.encode());
  }

  protected static UUID[] ids(JsonArray users) {
    UUID[] ids = new UUID[users.size()];
    for (int i = 0; i < users.size(); i++) {
      ids[i] = UUID.fromString(users.getJsonObject(i).getString("id"));
    }
    return ids;
  }
}
