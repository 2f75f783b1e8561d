package dev.userbatch.job;

import dev.userbatch.batch.ChunkResult;
import dev.userbatch.batch.ErrorCode;
import dev.userbatch.batch.ItemFailure;
import dev.userbatch.config.JobsConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.Json;
import java.util.ArrayDeque;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's run of one job, from the chunks not yet done to the end (or until the node loses the
 * lease, or stops): at most {@code maxConcurrency} chunks in flight (one when the job's chunks must
 * run in order), each read from its staged row, sent to the workers, and recorded done with its
 * counts and failures in one statement. The lease is renewed every third of its length; the renewal
 * also brings a cancel asked on another node. Runs on one event loop.
 */
final class JobRun {
  private static final Logger LOG = LoggerFactory.getLogger(JobRun.class);
  private static final int PAGE = 500;

  private final Vertx vertx;
  private final JobStore store;
  private final JobChunkSender sender;
  private final JobsConfig config;
  private final JobRecord job;
  private final String owner;
  private final int stopChunk;
  private final int concurrency;

  /** The job ran before (another run was cut short): any chunk may have been sent already. */
  private final boolean resumed;

  private final ArrayDeque<Integer> queue = new ArrayDeque<>();
  private final Promise<Void> done = Promise.promise();
  private int lastQueued = -1;
  private boolean exhausted;
  private boolean fetching;
  private int inFlight;
  private boolean stopping;
  private boolean halted;
  private boolean cancelled;
  private String error;
  private long renewTimer;

  JobRun(
      Vertx vertx,
      JobStore store,
      JobChunkSender sender,
      JobsConfig config,
      JobStore.Claimed claimed,
      String owner) {
    this.vertx = vertx;
    this.store = store;
    this.sender = sender;
    this.config = config;
    this.job = claimed.job();
    this.owner = owner;
    this.stopChunk = claimed.stopChunk() == null ? Integer.MAX_VALUE : claimed.stopChunk();
    this.concurrency = job.ordered() ? 1 : job.options().maxConcurrency();
    this.resumed = claimed.resumed();
    this.stopping = job.cancelRequested();
    this.cancelled = job.cancelRequested();
  }

  UUID id() {
    return job.id();
  }

  /** Completes when the run is over: the job finished, or this node let it go. */
  Future<Void> run() {
    renewTimer = vertx.setPeriodic(Math.max(200, config.leaseMs() / 3), t -> renew());
    LOG.atInfo()
        .addKeyValue("jobId", job.id())
        .addKeyValue("operation", job.operation().wireName())
        .addKeyValue("processed", job.processed())
        .addKeyValue("total", job.total())
        .log("job run started");
    pump();
    return done.future();
  }

  Future<Void> finished() {
    return done.future();
  }

  /** Cancel asked: the chunks in flight finish, no other is sent. */
  void cancel() {
    cancelled = true;
    stopping = true;
    pump();
  }

  /**
   * This node stops, or lost the lease: the chunks in flight finish, the job is left for another
   * run (it is not finished).
   */
  void halt() {
    halted = true;
    stopping = true;
    pump();
  }

  private void renew() {
    store
        .renew(job.id(), owner, config.leaseMs())
        .onSuccess(
            held -> {
              if (held.isEmpty()) {
                LOG.atWarn().addKeyValue("jobId", job.id()).log("job lease lost; run stops");
                halt();
              } else if (held.get()) {
                cancel();
              }
            })
        .onFailure(err -> LOG.warn("job lease renewal failed: {}", err.toString()));
  }

  private void pump() {
    if (done.future().isComplete()) {
      return;
    }
    while (!stopping && inFlight < concurrency && !queue.isEmpty()) {
      dispatch(queue.poll());
    }
    if (!stopping && queue.isEmpty() && !exhausted && !fetching) {
      fetching = true;
      store
          .pendingChunks(job.id(), lastQueued, stopChunk, PAGE)
          .onComplete(
              page -> {
                fetching = false;
                if (page.failed()) {
                  LOG.warn(
                      "job {}: reading its chunks failed: {}", job.id(), page.cause().toString());
                  halt();
                  return;
                }
                queue.addAll(page.result());
                if (!page.result().isEmpty()) {
                  lastQueued = page.result().get(page.result().size() - 1);
                }
                exhausted = page.result().size() < PAGE;
                pump();
              });
      return;
    }
    if (inFlight == 0 && !fetching && (stopping || (queue.isEmpty() && exhausted))) {
      end();
    }
  }

  private void end() {
    vertx.cancelTimer(renewTimer);
    Future<Void> ending =
        halted
            ? store.release(job.id(), owner)
            : new NotProcessedSweep(store, job, notProcessedReason())
                .run()
                .compose(ignored -> store.finish(job.id(), owner, error));
    ending.onComplete(
        ignored -> {
          LOG.atInfo()
              .addKeyValue("jobId", job.id())
              .addKeyValue("finished", !halted)
              .log(halted ? "job run stopped; the job is left for another run" : "job finished");
          done.tryComplete();
        });
  }

  private String notProcessedReason() {
    if (error != null) {
      return "Not processed: the job failed (" + error + ")";
    }
    return cancelled
        ? "Not processed: the job was cancelled"
        : "Not processed: the job stopped at an earlier failure (continueOnError is false)";
  }

  private void dispatch(int chunk) {
    inFlight++;
    store
        .chunkBody(job.id(), chunk)
        .compose(
            body -> {
              if (body == null) {
                return Future.succeededFuture(); // done meanwhile (another run of the job)
              }
              ChunkBody staged;
              try {
                staged = ChunkBody.decode(chunk, body, job.operation());
              } catch (RuntimeException unreadable) {
                error = "Chunk " + chunk + " of the job could not be read: " + unreadable;
                stopping = true;
                return Future.succeededFuture();
              }
              return attempt(staged, 1).compose(completion -> record(completion, 1));
            })
        .onComplete(
            result -> {
              inFlight--;
              if (result.failed()) {
                LOG.atError()
                    .addKeyValue("jobId", job.id())
                    .addKeyValue("chunk", chunk)
                    .addKeyValue("error", result.cause().toString())
                    .log("job chunk could not be run or recorded");
                halt();
              }
              pump();
            });
  }

  /** The chunk's outcome; a chunk that failed as a whole is sent again, a few times. */
  private Future<ChunkCompletion> attempt(ChunkBody chunk, int attempt) {
    return sender
        .send(job.operation(), job.id(), chunk, job.options(), resumed ? attempt + 1 : attempt)
        .map(result -> completion(chunk, result))
        .recover(
            err -> {
              if (JobChunkSender.noWorkers(err) || halted) {
                return Future.failedFuture(err); // not the chunk's fault: left for a later run
              }
              ErrorCode code = JobChunkSender.codeOf(err);
              if (attempt < config.chunkAttempts()) {
                long delay = 500L << Math.min(6, attempt - 1);
                return vertx.timer(delay).compose(t -> attempt(chunk, attempt + 1));
              }
              return Future.succeededFuture(
                  wholeChunkFailed(chunk, code, sender.messageOf(code, err)));
            });
  }

  /** Recording is retried while the lease holds: a chunk's outcome must not be lost. */
  private Future<Void> record(ChunkCompletion completion, int attempt) {
    boolean stopAfter = !job.options().continueOnError() && !completion.failures().isEmpty();
    return store
        .completeChunk(job.id(), completion, stopAfter)
        .map(
            cancelRequested -> {
              if (cancelRequested) {
                cancelled = true;
              }
              if (cancelRequested || stopAfter) {
                stopping = true;
              }
              return (Void) null;
            })
        .recover(
            err ->
                attempt < 5 && !halted
                    ? vertx.timer(1000L * attempt).compose(t -> record(completion, attempt + 1))
                    : Future.failedFuture(err));
  }

  private ChunkCompletion completion(ChunkBody chunk, ChunkResult result) {
    UUID[] succeeded = result.data().stream().map(user -> user.id()).toArray(UUID[]::new);
    List<StagedFailure> failures =
        result.failures().stream().map(failure -> staged(job, chunk, failure)).toList();
    return new ChunkCompletion(
        chunk.chunk(), succeeded, succeeded.length, result.skipped().size(), failures);
  }

  ChunkCompletion wholeChunkFailed(ChunkBody chunk, ErrorCode code, String message) {
    return wholeChunkFailed(job, chunk, code, message);
  }

  static ChunkCompletion wholeChunkFailed(
      JobRecord job, ChunkBody chunk, ErrorCode code, String message) {
    List<StagedFailure> failures =
        chunk.items().stream()
            .map(item -> staged(job, chunk, ItemFailure.of(item.index(), code, message)))
            .toList();
    return new ChunkCompletion(chunk.chunk(), new UUID[0], 0, 0, failures);
  }

  static StagedFailure staged(JobRecord job, ChunkBody chunk, ItemFailure failure) {
    StagedItem item =
        chunk.items().stream().filter(i -> i.index() == failure.index()).findFirst().orElseThrow();
    String prefix = job.operation().itemPath(failure.index(), "");
    String path = failure.path();
    if (path != null && path.startsWith(prefix)) {
      path = "$" + path.substring(prefix.length());
    }
    return new StagedFailure(
        item.index(),
        item.line(),
        Json.encode(ShownItem.ofStaged(item.value())),
        failure.code().name(),
        failure.error(),
        path);
  }
}
