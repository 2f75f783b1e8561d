package dev.userbatch.worker;

import dev.userbatch.batch.ChunkFailure;
import dev.userbatch.batch.ChunkHeaders;
import dev.userbatch.batch.ChunkItem;
import dev.userbatch.batch.ChunkRequest;
import dev.userbatch.batch.ChunkResult;
import dev.userbatch.batch.ErrorCode;
import dev.userbatch.batch.Operation;
import dev.userbatch.cache.CacheGeneration;
import dev.userbatch.cache.UserCache;
import dev.userbatch.config.ServiceConfig;
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
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs chunks for every operation of the table, each at its worker address with its handler.
 * Deployed with the worker threading model and several instances: CPU work happens here, never on
 * an event loop, and password hashing on the {@link PasswordHashing} pool these workers share. A
 * chunk that fails as a whole is answered with a {@link ChunkFailure}: its code by name.
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
  private Pool generationPool;
  private Redis redis;
  private PasswordHashing hashing;
  private UserCache cache;
  private ChunkCompletions completions;

  public ChunkWorkerVerticle(
      ServiceConfig config,
      PasswordHasher hasher,
      BatchMetrics metrics,
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
    completions = new ChunkCompletions(repository);
    generationPool = Clients.cacheGenerationPool(vertx, config);
    cache =
        new UserCache(
            vertx,
            redis,
            generationPool,
            config.cacheTtlSeconds(),
            config.cacheTimeoutMs(),
            metrics,
            cacheGeneration);
    List<Future<Void>> registrations = new ArrayList<>();
    registrations.add(
        vertx.eventBus().consumer(PING_ADDRESS, message -> message.reply("pong")).completion());
    for (Operation operation : Operation.values()) {
      ChunkHandler<?> handler = handler(operation, repository, cache);
      if (handler.itemType() != operation.payload().type()) {
        throw new IllegalStateException(
            "The chunk handler of "
                + operation
                + " takes "
                + handler.itemType().getSimpleName()
                + " items, but the operation table says "
                + operation.payload().type().getSimpleName());
      }
      MessageConsumer<Object> consumer =
          vertx
              .eventBus()
              .consumer(operation.workerAddress(), message -> handle(operation, handler, message));
      registrations.add(consumer.completion());
    }
    return Future.all(registrations);
  }

  /** Exhaustive: a new operation does not compile until it has its chunk handler. */
  private ChunkHandler<?> handler(Operation operation, UserRepository repository, UserCache cache) {
    return switch (operation) {
      case CREATE -> new CreateChunkHandler(repository, cache, hashing, config.storage(), metrics);
      case LOOKUP -> new LookupChunkHandler(repository, cache);
      case UPDATE -> new UpdateChunkHandler(repository, cache);
      case LAST_LOGIN -> new LastLoginChunkHandler(repository, cache);
      case SOFT_DELETE -> new SoftDeleteChunkHandler(repository, cache);
      case RESTORE -> new RestoreChunkHandler(repository, cache, config.restoreWindowDays());
    };
  }

  private void handle(Operation operation, ChunkHandler<?> handler, Message<Object> message) {
    String correlationId = message.headers().get(ChunkHeaders.CORRELATION_ID);
    ChunkRequest<?> chunk = chunkOf(operation, message);
    if (chunk == null) {
      LOG.atError()
          .addKeyValue("correlationId", correlationId)
          .addKeyValue("operation", operation.wireName())
          .log("message to a chunk worker that is not a chunk of its operation");
      message.reply(
          new ChunkFailure(ErrorCode.INTERNAL, "Internal error: the chunk could not be read"));
      return;
    }
    long started = System.nanoTime();
    Future<ChunkResult> result;
    try {
      result =
          chunk.delivery() > 1 && operation.kind() == Operation.Kind.WRITE
              ? completions
                  .recorded(pool, chunk)
                  .compose(
                      recorded ->
                          recorded != null
                              ? WriteChunks.repairCache(cache, recorded)
                              : process(handler, chunk))
              : process(handler, chunk);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result
        .onSuccess(
            reply -> {
              LOG.atDebug()
                  .addKeyValue("correlationId", correlationId)
                  .addKeyValue("operation", operation.wireName())
                  .addKeyValue("chunk", chunk.chunkNumber())
                  .addKeyValue("delivery", chunk.delivery())
                  .addKeyValue("items", chunk.items().size())
                  .addKeyValue("successful", reply.data().size())
                  .addKeyValue("replayed", reply.replayed())
                  .addKeyValue("failed", reply.failures().size())
                  .addKeyValue("durationMs", (System.nanoTime() - started) / 1_000_000)
                  .log("chunk processed");
              message.reply(reply);
            })
        .onFailure(
            err -> {
              ErrorCode code = SystemErrors.codeOf(err);
              LOG.atError()
                  .addKeyValue("correlationId", correlationId)
                  .addKeyValue("operation", operation.wireName())
                  .addKeyValue("chunk", chunk.chunkNumber())
                  .addKeyValue("items", chunk.items().size())
                  .addKeyValue("code", code.name())
                  .addKeyValue("error", SystemErrors.describe(err))
                  .setCause(SystemErrors.safeCause(err))
                  .log("chunk failed as a whole");
              message.reply(new ChunkFailure(code, SystemErrors.messageOf(code, err)));
            });
  }

  /**
   * The message's chunk, or null when it is not a chunk of {@code operation} (or cannot be
   * decoded).
   */
  private static ChunkRequest<?> chunkOf(Operation operation, Message<Object> message) {
    try {
      // A body from another node is decoded here: a failure must be answered, not left to time out.
      return message.body() instanceof ChunkRequest<?> chunk && chunk.operation() == operation
          ? chunk
          : null;
    } catch (RuntimeException undecodable) {
      return null;
    }
  }

  private static <T extends ChunkItem> Future<ChunkResult> process(
      ChunkHandler<T> handler, ChunkRequest<?> chunk) {
    return handler.process(chunk.carrying(handler.itemType()), Deadline.in(chunk.timeBudgetMs()));
  }

  @Override
  public Future<?> stop() {
    redis.close();
    return Future.all(hashing.close(), pool.close(), generationPool.close());
  }
}
