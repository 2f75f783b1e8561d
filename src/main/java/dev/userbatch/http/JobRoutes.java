package dev.userbatch.http;

import dev.userbatch.batch.RequestException;
import dev.userbatch.batch.Scopes;
import dev.userbatch.config.ServiceConfig;
import dev.userbatch.idempotency.IdempotencyStore;
import dev.userbatch.job.JobCursor;
import dev.userbatch.job.JobFormat;
import dev.userbatch.job.JobOptions;
import dev.userbatch.job.JobReads;
import dev.userbatch.job.JobRecord;
import dev.userbatch.job.JobStore;
import dev.userbatch.job.JobUpload;
import dev.userbatch.job.JobUploads;
import dev.userbatch.job.JobsVerticle;
import dev.userbatch.operation.Operations;
import dev.userbatch.security.BearerAuth;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.SecurityPolicyHandler;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * The import-job routes under {@value #JOBS}: upload (streamed, see {@code job.UploadStream}),
 * list, read, cancel; the streams of one job are in {@link JobStreams}.
 */
final class JobRoutes {
  static final String JOBS = "/batch/users/jobs";
  private static final int DEFAULT_PAGE = 20;
  private static final int MAX_PAGE = 100;

  private final ServiceConfig config;
  private final Operations operations;
  private final JobStore store;
  private final JobUploads uploads;

  private JobRoutes(
      ServiceConfig config, Operations operations, JobStore store, JobUploads uploads) {
    this.config = config;
    this.operations = operations;
    this.store = store;
    this.uploads = uploads;
  }

  static void mount(
      Vertx vertx,
      Router router,
      ServiceConfig config,
      Operations operations,
      Pool pool,
      Function<String, Handler<RoutingContext>> requires) {
    JobStore store = new JobStore(pool);
    JobUploads uploads = new JobUploads(vertx, store, operations, config.jobs());
    JobRoutes routes = new JobRoutes(config, operations, store, uploads);
    JobStreams streams = new JobStreams(store, new JobReads(pool));
    // Nothing of the body is read before the caller is known and the upload checked.
    SecurityPolicyHandler pause =
        ctx -> {
          ctx.request().pause();
          ctx.next();
        };
    router.post(JOBS).handler(pause).handler(requires.apply(Scopes.WRITE)).handler(routes::upload);
    router.get(JOBS).handler(requires.apply(Scopes.READ)).handler(routes::list);
    router.get(JOBS + "/:id").handler(requires.apply(Scopes.READ)).handler(routes::read);
    router.delete(JOBS + "/:id").handler(requires.apply(Scopes.WRITE)).handler(routes::cancel);
    router.get(JOBS + "/:id/events").handler(requires.apply(Scopes.READ)).handler(streams::events);
    router
        .get(JOBS + "/:id/failures")
        .handler(requires.apply(Scopes.READ))
        .handler(streams::failures);
    router
        .get(JOBS + "/:id/results")
        .handler(requires.apply(Scopes.READ))
        .handler(streams::results);
  }

  private void upload(RoutingContext ctx) {
    JobUpload upload;
    try {
      upload = uploadOf(ctx);
    } catch (RequestException refused) {
      refuseUpload(ctx, refused);
      return;
    }
    uploads
        .accept(upload, ctx.request())
        .onSuccess(
            accepted -> {
              if (accepted.replayed()) {
                ctx.response().putHeader("Idempotent-Replayed", "true");
              } else {
                ctx.vertx().eventBus().publish(JobsVerticle.WAKE_ADDRESS, null);
              }
              ctx.response().putHeader(HttpHeaders.LOCATION, JOBS + "/" + accepted.job().id());
              JsonResponses.send(ctx, 202, accepted.job().toJson());
            })
        .onFailure(
            err -> {
              if (err instanceof RequestException refused) {
                refuseUpload(ctx, refused);
              } else {
                ctx.fail(err);
              }
            });
  }

  private static Void cancelled(
      RoutingContext ctx, UUID id, boolean asked, java.util.Optional<JobRecord> job) {
    if (job.isEmpty()) {
      ctx.fail(JobStreams.notFound(id));
    } else if (!asked) {
      ctx.fail(
          new RequestException(
              409,
              "JOB_FINISHED",
              "Job " + id + " is " + job.get().status().wireName() + " already"));
    } else {
      JsonResponses.send(ctx, 202, job.get().toJson());
    }
    return null;
  }

  /** A refused upload's connection is closed: the rest of its body is not worth reading. */
  private static void refuseUpload(RoutingContext ctx, RequestException refused) {
    if (!ctx.request().isEnded()) {
      ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
    }
    ctx.fail(refused);
  }

  private JobUpload uploadOf(RoutingContext ctx) {
    var operation = JobOptions.operation(ctx.request().getParam("operation"));
    var options = JobOptions.parse(operation, ctx.queryParams(), operations.validator());
    String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    JobFormat format =
        JobFormat.ofContentType(contentType)
            .orElseThrow(
                () ->
                    new RequestException(
                        415,
                        "UNSUPPORTED_MEDIA_TYPE",
                        "Content-Type must be application/x-ndjson or text/csv, got "
                            + (contentType == null ? "none" : "'" + contentType + "'")));
    String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
    long max = config.jobs().maxUploadBytes();
    if (length != null && parseLength(length) > max) {
      throw new RequestException(
          413, "UPLOAD_TOO_LARGE", "The upload is larger than the limit of " + max + " bytes");
    }
    String key = ctx.request().getHeader(IdempotencyStore.HEADER);
    if (key != null
        && (key.isEmpty()
            || key.length() > IdempotencyStore.MAX_KEY_LENGTH
            || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
      throw new RequestException(
          400,
          "INVALID_IDEMPOTENCY_KEY",
          IdempotencyStore.HEADER
              + " must be 1 to "
              + IdempotencyStore.MAX_KEY_LENGTH
              + " visible ASCII characters");
    }
    BearerAuth.Caller caller = ctx.get(BatchEndpoint.CALLER);
    return new JobUpload(operation, options, format, caller.actor(), key);
  }

  private static long parseLength(String length) {
    try {
      return Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      return 0; // Vert.x itself refuses a malformed Content-Length
    }
  }

  private void list(RoutingContext ctx) {
    int limit = DEFAULT_PAGE;
    String limitParam = ctx.request().getParam("limit");
    if (limitParam != null) {
      try {
        limit = Integer.parseInt(limitParam.trim());
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_PAGE) {
        ctx.fail(
            new RequestException(
                400, "INVALID_LIMIT", "limit must be an integer from 1 to " + MAX_PAGE));
        return;
      }
    }
    String before = ctx.request().getParam("before");
    JobCursor cursor;
    try {
      cursor = before == null || before.isEmpty() ? null : JobCursor.parse(before);
    } catch (RequestException refused) {
      ctx.fail(refused);
      return;
    }
    int page = limit;
    store
        .list(cursor, page + 1)
        .onSuccess(
            jobs -> {
              List<JobRecord> shown = jobs.size() > page ? jobs.subList(0, page) : jobs;
              JsonArray array = new JsonArray();
              shown.forEach(job -> array.add(job.toJson()));
              String next =
                  jobs.size() > page ? JobCursor.after(shown.get(page - 1)).encode() : null;
              JsonResponses.send(ctx, 200, new JsonObject().put("jobs", array).put("next", next));
            })
        .onFailure(ctx::fail);
  }

  private void read(RoutingContext ctx) {
    UUID id = JobStreams.jobId(ctx);
    if (id == null) {
      return;
    }
    store
        .find(id)
        .onSuccess(
            job -> {
              if (job.isEmpty()) {
                ctx.fail(JobStreams.notFound(id));
              } else {
                JsonResponses.send(ctx, 200, job.get().toJson());
              }
            })
        .onFailure(ctx::fail);
  }

  private void cancel(RoutingContext ctx) {
    UUID id = JobStreams.jobId(ctx);
    if (id == null) {
      return;
    }
    store
        .requestCancel(id)
        .compose(
            asked -> {
              if (asked) {
                ctx.vertx().eventBus().publish(JobsVerticle.CANCEL_ADDRESS, id.toString());
              }
              return store.find(id).map(job -> cancelled(ctx, id, asked, job));
            })
        .onFailure(ctx::fail);
  }
}
