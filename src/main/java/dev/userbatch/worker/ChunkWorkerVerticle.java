package dev.userbatch.worker;

import dev.userbatch.batch.ChunkRequest;
import dev.userbatch.batch.ChunkResult;
import dev.userbatch.batch.ErrorCode;
import dev.userbatch.cache.UserCache;
import dev.userbatch.config.ServiceConfig;
import dev.userbatch.db.Clients;
import dev.userbatch.user.PasswordHasher;
import dev.userbatch.user.UserRepository;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs chunks for every operation. Deployed with the worker threading model and several
 * instances: password hashing and other CPU work happen here, never on an event loop.
 */
public final class ChunkWorkerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ChunkWorkerVerticle.class);

  private final ServiceConfig config;
  private final PasswordHasher hasher;
  private Pool pool;
  private Redis redis;

  public ChunkWorkerVerticle(ServiceConfig config, PasswordHasher hasher) {
    this.config = config;
    this.hasher = hasher;
  }

  @Override
  public Future<?> start() {
    pool = Clients.pgPool(vertx, config);
    redis = Clients.redis(vertx, config);
    UserRepository repository = new UserRepository(pool);
    UserCache cache = new UserCache(redis, config.cacheTtlSeconds(), Clients.CACHE_TIMEOUT_MS);
    Map<String, ChunkHandler> handlers = Map.of(
        "create", new CreateChunkHandler(repository, cache, hasher),
        "lookup", new LookupChunkHandler(repository, cache),
        "update", new UpdateChunkHandler(repository, cache),
        "last-login", new LastLoginChunkHandler(repository, cache),
        "soft-delete", new SoftDeleteChunkHandler(repository, cache),
        "restore", new RestoreChunkHandler(repository, cache, config.restoreWindowDays()));
    List<Future<Void>> registrations = new ArrayList<>();
    handlers.forEach((operation, handler) -> {
      MessageConsumer<ChunkRequest> consumer = vertx.eventBus()
          .consumer("users.chunk." + operation, message -> handle(operation, handler, message));
      registrations.add(consumer.completion());
    });
    return Future.all(registrations);
  }

  private void handle(String operation, ChunkHandler handler, Message<ChunkRequest> message) {
    ChunkRequest chunk = message.body();
    Future<ChunkResult> result;
    try {
      result = handler.process(chunk);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onSuccess(message::reply).onFailure(err -> {
      ErrorCode code = SystemErrors.codeOf(err);
      LOG.error("{} chunk {} failed ({} items, {})", operation, chunk.chunkNumber(), chunk.items().size(), code, err);
      message.fail(code.ordinal(), SystemErrors.messageOf(code, err));
    });
  }

  @Override
  public Future<?> stop() {
    redis.close();
    return pool.close();
  }
}
