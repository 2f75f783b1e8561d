package dev.userbatch.job;

import dev.userbatch.config.ServiceConfig;
import dev.userbatch.db.Clients;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs import jobs on this node: every {@code jobPollIntervalMs} (and at once when an upload of
 * this node is acknowledged, {@link #WAKE_ADDRESS}) it takes runnable jobs (queued, or abandoned by
 * a node whose lease ran out) up to {@code jobMaxRunningPerNode}, and runs each ({@link JobRun}). A
 * cancel is published on {@link #CANCEL_ADDRESS} so that the node running the job stops it at once;
 * the lease renewal brings it too, should the message be lost. On stop, the runs let their chunks
 * in flight finish and hand their jobs on.
 */
public final class JobsVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(JobsVerticle.class);

  /** Local: an upload was acknowledged, look for work now. */
  public static final String WAKE_ADDRESS = "users.jobs.wake";

  /** Published to every node: the body is the id of a job whose cancel was asked. */
  public static final String CANCEL_ADDRESS = "users.jobs.cancel";

  private final ServiceConfig config;
  private final String owner;
  private final Map<UUID, JobRun> running = new LinkedHashMap<>();
  private Pool pool;
  private JobStore store;
  private JobChunkSender sender;
  private long timer;
  private boolean polling;
  private boolean stopping;

  public JobsVerticle(ServiceConfig config) {
    this.config = config;
    String node = config.cluster().node();
    this.owner = (node == null ? "node" : node) + "/" + UUID.randomUUID();
  }

  @Override
  public Future<?> start() {
    pool = Clients.jobsPool(vertx, config);
    store = new JobStore(pool);
    sender = new JobChunkSender(vertx, config.chunkTimeoutMs());
    timer = vertx.setPeriodic(config.jobs().pollIntervalMs(), t -> poll());
    Future<Void> wake =
        vertx.eventBus().localConsumer(WAKE_ADDRESS, message -> poll()).completion();
    Future<Void> cancel =
        vertx
            .eventBus()
            .<String>consumer(
                CANCEL_ADDRESS,
                message -> {
                  JobRun run = running.get(UUID.fromString(message.body()));
                  if (run != null) {
                    run.cancel();
                  }
                })
            .completion();
    return Future.all(wake, cancel);
  }

  private void poll() {
    if (polling || stopping || running.size() >= config.jobs().maxRunningPerNode()) {
      return;
    }
    polling = true;
    store
        .deleteAbandonedStaging()
        .compose(ignored -> store.claim(owner, config.jobs().leaseMs()))
        .onComplete(
            claimed -> {
              polling = false;
              if (claimed.failed()) {
                LOG.warn("looking for jobs failed: {}", claimed.cause().toString());
                return;
              }
              if (claimed.result().isEmpty()) {
                return;
              }
              JobRun run =
                  new JobRun(vertx, store, sender, config.jobs(), claimed.result().get(), owner);
              running.put(run.id(), run);
              run.run().onComplete(ignored -> running.remove(run.id()));
              poll(); // there may be more
            });
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(timer);
    List<Future<Void>> runs = new ArrayList<>();
    for (JobRun run : List.copyOf(running.values())) {
      run.halt();
      runs.add(run.finished());
    }
    // run() futures complete once their chunks in flight are back and the lease is released.
    return Future.join(runs).eventually(pool::close);
  }
}
