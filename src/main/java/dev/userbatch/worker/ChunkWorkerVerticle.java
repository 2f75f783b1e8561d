package dev.userbatch.worker;

import dev.userbatch.batch.ChunkRequest;
import dev.userbatch.batch.ChunkResult;
import dev.userbatch.batch.ErrorCode;
import dev.userbatch.cache.CacheGeneration;
import dev.userbatch.cache.UserCache;
import dev.userbatch.config.ServiceConfig;
import dev.userbatch.batch.ChunkHeaders;
import dev.userbatch.db.Clients;
import dev.userbatch.metrics.BatchMetrics;
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
 * instances: CPU work happens here, never on an event loop, and password hashing on the
 * {@link PasswordHashing} pool these workers share.
 */
public final class ChunkWorkerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ChunkWorkerVerticle.class);
  /** Readiness probes ask a worker to answer here. */
  public static final String PING_ADDRESS = "users.worker.ping";

  private final ServiceConfig config;
  private final PasswordHasher hasher;
  private final BatchMetrics metrics;
  private final CacheGeneration cacheGeneration;
  private Pool pool;
  private Redis redis;
  private PasswordHashing hashing;

  public ChunkWorkerVerticle(ServiceConfig config, PasswordHasher hasher, BatchMetrics metrics,
                             CacheGeneration cacheGeneration) {
    this.config = config;
    this.hasher = hasher;
    this.metrics = metrics;
    this.cacheGeneration = cacheGeneration;
  }

  @Override
  public Future<?> start() {
    pool = Clients.chunkPool(vertx, config);
    redis = Clients.redis(vertx, config);
    UserRepository repository = new UserRepository(pool);
    hashing = new PasswordHashing(vertx, hasher, config.passwordWork().passwordHashQueueMax());
    UserCache cache = new UserCache(redis, config.cacheTtlSeconds(), config.cacheTimeoutMs(), metrics, cacheGeneration);
    Map<String, ChunkHandler> handlers = Map.of(
        "create", new CreateChunkHandler(repository, cache, hashing, config.storage(), metrics),
        "lookup", new LookupChunkHandler(repository, cache),
        "update", new UpdateChunkHandler(repository, cache),
        "last-login", new LastLoginChunkHandler(repository, cache),
        "soft-delete", new SoftDeleteChunkHandler(repository, cache),
        "restore", new RestoreChunkHandler(repository, cache, config.restoreWindowDays()));
    List<Future<Void>> registrations = new ArrayList<>();
    registrations.add(vertx.eventBus().consumer(PING_ADDRESS, message -> message.reply("pong")).completion());
    handlers.forEach((operation, handler) -> {
      MessageConsumer<ChunkRequest> consumer = vertx.eventBus()
          .consumer("users.chunk." + operation, message -> handle(operation, handler, message));
      registrations.add(consumer.completion());
    });
    return Future.all(registrations);
  }

  private void handle(String operation, ChunkHandler handler, Message<ChunkRequest> message) {
    ChunkRequest chunk = message.body();
    String correlationId = message.headers().get(ChunkHeaders.CORRELATION_ID);
    long started = System.nanoTime();
    Future<ChunkResult> result;
    try {
      result = handler.process(chunk, Deadline.in(chunk.timeBudgetMs()));
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onSuccess(reply -> {
      LOG.atDebug()
          .addKeyValue("correlationId", correlationId)
          .addKeyValue("operation", operation)
          .addKeyValue("chunk", chunk.chunkNumber())
          .addKeyValue("items", chunk.items().size())
          .addKeyValue("successful", reply.data().size())
          .addKeyValue("failed", reply.failures().size())
          .addKeyValue("durationMs", (System.nanoTime() - started) / 1_000_000)
          .log("chunk processed");
      message.reply(reply);
    }).onFailure(err -> {
      ErrorCode code = SystemErrors.codeOf(err);
      LOG.atError()
          .addKeyValue("correlationId", correlationId)
          .addKeyValue("operation", operation)
          .addKeyValue("chunk", chunk.chunkNumber())
          .addKeyValue("items", chunk.items().size())
          .addKeyValue("code", code.name())
          .addKeyValue("error", SystemErrors.describe(err))
          .setCause(SystemErrors.safeCause(err))
          .log("chunk failed as a whole");
      message.fail(code.ordinal(), SystemErrors.messageOf(code, err));
    });
  }

  @Override
  public Future<?> stop() {
    redis.close();
    return Future.all(hashing.close(), pool.close());
  }
}
