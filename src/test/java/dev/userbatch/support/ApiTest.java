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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.UUID;

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

  protected Future<HttpResponse<Buffer>> send(io.vertx.core.http.HttpMethod method, String path, JsonObject body) {
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
    return post("/batch/users/create", TestData.createRequest(users, null)).map(response -> {
      if (response.statusCode() != 200) {
        throw new IllegalStateException("setup create failed: " + response.bodyAsString());
      }
      return response.bodyAsJsonObject().getJsonArray("data");
    });
  }

  protected static UUID[] ids(JsonArray users) {
    UUID[] ids = new UUID[users.size()];
    for (int i = 0; i < users.size(); i++) {
      ids[i] = UUID.fromString(users.getJsonObject(i).getString("id"));
    }
    return ids;
  }
}
