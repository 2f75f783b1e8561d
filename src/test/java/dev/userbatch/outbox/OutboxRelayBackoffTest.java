package dev.userbatch.outbox;

import static dev.userbatch.support.FaultSupport.await;
import static dev.userbatch.support.FaultSupport.sleep;
import static dev.userbatch.support.FaultSupport.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.audit.AuditTrail;
import dev.userbatch.config.ServiceConfig;
import dev.userbatch.support.CuttableProxy;
import dev.userbatch.support.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 11c: while Redis is down the relay tries again less and less often (doubling,
 * capped at 64 intervals), not once per interval; once Redis is back it relays the pending event.
 */
class OutboxRelayBackoffTest {
  private static final long INTERVAL_MS = 20;

  @Test
  void theRelayBacksOffWhileRedisIsDownAndRelaysOnceItIsBack() {
    TestService shared = TestService.shared();
    URI redis = URI.create(shared.app.config().redisUrl());
    UUID batch = UUID.randomUUID();
    Vertx vertx = Vertx.vertx();
    try (CuttableProxy proxy = new CuttableProxy(redis.getHost(), redis.getPort())) {
      proxy.setDown(true);
      ServiceConfig config =
          ServiceConfig.load(
              Map.of(
                  "PG_URL",
                  shared.app.config().pgUrl(),
                  "REDIS_URL",
                  "redis://127.0.0.1:" + proxy.port() + redis.getPath(),
                  "EVENT_RELAY_INTERVAL_MS",
                  String.valueOf(INTERVAL_MS),
                  "CACHE_TIMEOUT_MS",
                  "500"));
      OutboxRelayVerticle relay = new OutboxRelayVerticle(config);
      assertThat(relay.maxBackoffMs()).isEqualTo(64 * INTERVAL_MS);
      await(vertx.deployVerticle(relay), 30);

      // A batch of "this instance" that just finished, with one changed user: relayed at once.
      await(
          shared
              .pg
              .preparedQuery(
                  "INSERT INTO audit_log (id, operation, total, successful, finished_at) "
                      + "VALUES ($1, 'create', 1, 1, now())")
              .execute(Tuple.of(batch)),
          10);
      await(
          shared
              .pg
              .preparedQuery(
                  "INSERT INTO batch_changes (batch_id, chunk_number, user_ids) "
                      + "VALUES ($1, 0, ARRAY[gen_random_uuid()])")
              .execute(Tuple.of(batch)),
          10);
      await(
          shared
              .pg
              .preparedQuery(
                  "INSERT INTO outbox_events (event_id, type) VALUES ($1, 'USERS_BATCH_CREATED')")
              .execute(Tuple.of(batch)),
          10);
      vertx
          .eventBus()
          .publish(
              AuditTrail.ADDRESS,
              new JsonObject()
                  .put("id", batch.toString())
                  .put("operation", "create")
                  .put("successful", 1)
                  .put("dryRun", false));

      assertThat(waitFor(10_000, () -> proxy.refusedConnections() > 0))
          .as("the relay tries Redis")
          .isTrue();
      // Measured over 3 s once the wait has reached its cap (1.28 s): one attempt per interval
      // would be about 150 connections; backing off, about 3.
      sleep(2_000);
      int before = proxy.refusedConnections();
      sleep(3_000);
      int attempts = proxy.refusedConnections() - before;
      assertThat(attempts).as("connection attempts in 3 s while Redis is down").isBetween(1, 8);

      proxy.setDown(false);
      assertThat(
              waitFor(
                  10_000,
                  () ->
                      await(
                              shared
                                  .pg
                                  .preparedQuery(
                                      "SELECT stream_published_at IS NOT NULL AS done FROM outbox_events WHERE event_id = $1")
                                  .execute(Tuple.of(batch)),
                              10)
                          .iterator()
                          .next()
                          .getBoolean("done")))
          .as("relayed to the stream once Redis is back")
          .isTrue();
      Response entries =
          await(
              shared.redis.send(
                  Request.cmd(Command.XREVRANGE)
                      .arg(OutboxRelayVerticle.STREAM)
                      .arg("+")
                      .arg("-")
                      .arg("COUNT")
                      .arg("200")),
              10);
      assertThat(entries.toString()).contains(batch.toString());
    } finally {
      await(vertx.close(), 30);
    }
  }
}
