package dev.userbatch.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * Measurement 6: one create of BIG_USERS users with passwordHash in a single request, against the
 * service that run.sh started with a small heap (BIG_XMX); writes OUT (JSON) and removes the users.
 */
final class BigCreate {
  private BigCreate() {}

  static void run(Settings settings) throws Exception {
    int n = Env.integer("BIG_USERS", 100_000);
    String prefix = settings.prefix() + "big-";
    Vertx vertx = Vertx.vertx();
    JsonObject result = new JsonObject().put("users", n);
    try {
      ServiceHttp service =
          new ServiceHttp(
              settings.baseUrl(),
              Authorization.header(vertx),
              Duration.ofSeconds(Env.integer("BIG_TIMEOUT", 300)));
      String body =
          Payloads.create(Payloads.users(settings.prefix(), "big", n, false), null).encode();
      Env.log(
          "create "
              + n
              + " users with passwordHash in one request ("
              + body.length() / 1024 / 1024
              + " MB body)");
      Reply reply = service.call("POST", "/batch/users/create", body);
      String problem = reply.problem(n);
      result
          .put("requestBytes", body.length())
          .put("status", reply.status())
          .put("ms", Stats.round(reply.ms()))
          .put(
              "successful",
              reply.json().getJsonObject("stats", new JsonObject()).getInteger("successful"))
          .put("responseBytes", reply.body() == null ? 0 : reply.body().length())
          .put("success", problem == null)
          .put("problem", problem);
      Env.log(
          "big create: "
              + (problem == null ? "OK" : problem)
              + String.format(" in %.0f ms", reply.ms()));
      try (BenchDb db = BenchDb.connect(settings.pgUrl());
          BenchRedis redis = BenchRedis.connect(vertx, settings.redisUrl())) {
        result.put("cleanedRows", Leftovers.users(db, redis, prefix));
      } catch (Exception e) {
        Env.log("cleanup failed: " + e);
        result.put("cleanupProblem", e.toString());
      }
    } finally {
      vertx.close();
    }
    Session.write(settings.out(), result);
  }
}
