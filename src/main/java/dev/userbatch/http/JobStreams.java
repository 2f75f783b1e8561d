package dev.userbatch.http;

import dev.userbatch.batch.RequestException;
import dev.userbatch.job.JobReads;
import dev.userbatch.job.JobRecord;
import dev.userbatch.job.JobStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.function.IntFunction;

/**
 * The streams of one job: its progress as Server-Sent Events (at most one a second, then the final
 * record, then the end of the stream), its failures and its results as NDJSON, page by page at the
 * client's pace (the next page is read once the previous one has left).
 */
final class JobStreams {
  private static final long PROGRESS_INTERVAL_MS = 1_000;
  private static final int FAILURES_PER_PAGE = 1_000;
  private static final String NDJSON = "application/x-ndjson";

  private final JobStore store;
  private final JobReads reads;

  JobStreams(JobStore store, JobReads reads) {
    this.store = store;
    this.reads = reads;
  }

  /** The job id of the path; null (and a 404 sent) when it is not a UUID. */
  static UUID jobId(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    try {
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      ctx.fail(new RequestException(404, "JOB_NOT_FOUND", "No job " + id));
      return null;
    }
  }

  static RequestException notFound(UUID id) {
    return new RequestException(404, "JOB_NOT_FOUND", "No job " + id);
  }

  /** Runs {@code then} with the job, or answers 404. */
  private void withJob(RoutingContext ctx, java.util.function.Consumer<JobRecord> then) {
    UUID id = jobId(ctx);
    if (id == null) {
      return;
    }
    store
        .find(id)
        .onSuccess(
            job -> {
              if (job.isEmpty()) {
                ctx.fail(notFound(id));
              } else {
                then.accept(job.get());
              }
            })
        .onFailure(ctx::fail);
  }

  void events(RoutingContext ctx) {
    withJob(
        ctx,
        job -> {
          HttpServerResponse response = ctx.response();
          response
              .setChunked(true)
              .putHeader("content-type", "text/event-stream")
              .putHeader("cache-control", "no-cache")
              .putHeader("x-accel-buffering", "no");
          new ProgressStream(ctx, response, job).start();
        });
  }

  /** One client's event stream. */
  private final class ProgressStream {
    private final RoutingContext ctx;
    private final HttpServerResponse response;
    private JobRecord last;
    private long timer = -1;

    ProgressStream(RoutingContext ctx, HttpServerResponse response, JobRecord first) {
      this.ctx = ctx;
      this.response = response;
      this.last = first;
    }

    void start() {
      if (last.status().isFinal()) {
        end(last);
        return;
      }
      send("progress", last);
      timer = ctx.vertx().setPeriodic(PROGRESS_INTERVAL_MS, t -> tick());
      response.closeHandler(ignored -> ctx.vertx().cancelTimer(timer));
    }

    private void tick() {
      store
          .find(last.id())
          .onSuccess(
              found -> {
                if (response.closed() || response.ended() || found.isEmpty()) {
                  return;
                }
                JobRecord now = found.get();
                if (now.status().isFinal()) {
                  ctx.vertx().cancelTimer(timer);
                  end(now);
                } else if (changed(now) && !response.writeQueueFull()) {
                  last = now;
                  send("progress", now);
                }
              });
    }

    private boolean changed(JobRecord now) {
      return now.processed() != last.processed()
          || now.status() != last.status()
          || now.cancelRequested() != last.cancelRequested();
    }

    private void send(String event, JobRecord job) {
      response.write("event: " + event + "\ndata: " + job.toJson().encode() + "\n\n");
    }

    private void end(JobRecord job) {
      send("end", job);
      response.end();
    }
  }

  void failures(RoutingContext ctx) {
    withJob(
        ctx,
        job ->
            stream(
                ctx.response(), after -> reads.failures(job.id(), after, FAILURES_PER_PAGE), -1));
  }

  void results(RoutingContext ctx) {
    withJob(
        ctx,
        job ->
            stream(
                ctx.response(),
                after ->
                    after >= job.chunkCount() - 1
                        ? Future.succeededFuture(new JobReads.Page(Buffer.buffer(), -1))
                        : reads
                            .results(job.id(), after)
                            .map(
                                page ->
                                    new JobReads.Page(
                                        page, after + JobReads.RESULT_CHUNKS_PER_PAGE)),
                -1));
  }

  /** Writes pages until one says it is the last; waits for the client between pages. */
  private static void stream(
      HttpServerResponse response, IntFunction<Future<JobReads.Page>> pages, int from) {
    response.setStatusCode(200).setChunked(true).putHeader("content-type", NDJSON);
    next(response, pages, from);
  }

  private static void next(
      HttpServerResponse response, IntFunction<Future<JobReads.Page>> pages, int after) {
    pages
        .apply(after)
        .onFailure(err -> response.reset())
        .onSuccess(
            page -> {
              if (response.closed()) {
                return;
              }
              if (page.ndjson().length() > 0) {
                response.write(page.ndjson());
              }
              if (page.next() < 0) {
                response.end();
                return;
              }
              drained(response).onSuccess(ignored -> next(response, pages, page.next()));
            });
  }

  private static Future<Void> drained(HttpServerResponse response) {
    if (!response.writeQueueFull()) {
      return Future.succeededFuture();
    }
    Promise<Void> drained = Promise.promise();
    response.drainHandler(ignored -> drained.tryComplete());
    return drained.future();
  }
}
