package dev.userbatch.retention;

import dev.userbatch.config.ServiceConfig;
import dev.userbatch.db.Clients;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the {@link RetentionPurge} every PURGE_INTERVAL_MS; passes never overlap. */
public final class RetentionPurgeVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RetentionPurgeVerticle.class);

  private final ServiceConfig config;
  private Pool pool;
  private RetentionPurge purge;
  private long timer;
  private boolean running;

  public RetentionPurgeVerticle(ServiceConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    pool = Clients.relayPool(vertx, config);
    purge = new RetentionPurge(pool, config.storage());
    timer = vertx.setPeriodic(config.storage().purgeIntervalMs(), t -> pass());
    return Future.succeededFuture();
  }

  private void pass() {
    if (running) {
      return;
    }
    running = true;
    purge
        .runOnce()
        .onSuccess(
            result ->
                result.ifPresent(
                    deleted -> {
                      if (deleted.values().stream().anyMatch(n -> n > 0)) {
                        LOG.atInfo()
                            .addKeyValue("deleted", deleted)
                            .log("retention purge deleted expired rows");
                      }
                    }))
        .onFailure(
            err -> LOG.warn("Retention purge failed; the next pass retries: {}", err.toString()))
        .onComplete(ignored -> running = false);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return pool.close();
  }
}
