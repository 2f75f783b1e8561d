package dev.userbatch.job;

import dev.userbatch.batch.RequestException;
import dev.userbatch.config.JobsConfig;
import dev.userbatch.operation.Operations;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.security.MessageDigest;
import java.util.UUID;

/**
 * Takes uploads: a new job is staged from the body ({@link UploadStream}); an upload with an
 * Idempotency-Key its caller used before is answered with that key's job when its body (and
 * operation, format, options) are the same, and refused otherwise.
 */
public final class JobUploads {
  private final Vertx vertx;
  private final JobStore store;
  private final Operations operations;
  private final JobsConfig config;
  private final String owner = "upload/" + UUID.randomUUID();

  public JobUploads(Vertx vertx, JobStore store, Operations operations, JobsConfig config) {
    this.vertx = vertx;
    this.store = store;
    this.operations = operations;
    this.config = config;
  }

  /** An acknowledged upload: its job, and whether it is the replay of an earlier upload. */
  public record Accepted(JobRecord job, boolean replayed) {}

  public Future<Accepted> accept(JobUpload upload, ReadStream<Buffer> body) {
    UUID id = UUID.randomUUID();
    return store
        .createStaging(
            id,
            upload.operation(),
            upload.format(),
            upload.options(),
            upload.createdBy(),
            upload.idempotencyKey(),
            owner,
            config.leaseMs() * 10)
        .compose(
            created ->
                new UploadStream(
                        vertx,
                        store,
                        config,
                        id,
                        upload,
                        operations.preparer(upload.operation()),
                        body)
                    .start()
                    .map(job -> new Accepted(job, false)))
        .recover(
            err ->
                err instanceof JobStore.KeyTaken ? replay(upload, body) : Future.failedFuture(err));
  }

  private Future<Accepted> replay(JobUpload upload, ReadStream<Buffer> body) {
    return store
        .byKey(upload.createdBy(), upload.idempotencyKey())
        .compose(
            found -> {
              if (found.isEmpty() || found.get().job().status() == JobStatus.STAGING) {
                return Future.failedFuture(
                    new RequestException(
                        409,
                        "IDEMPOTENCY_KEY_IN_USE",
                        "An upload with this Idempotency-Key is being received; retry later"));
              }
              return hash(upload, body)
                  .compose(
                      hash ->
                          MessageDigest.isEqual(hash, found.get().requestHash())
                              ? Future.succeededFuture(new Accepted(found.get().job(), true))
                              : Future.failedFuture(
                                  new RequestException(
                                      422,
                                      "IDEMPOTENCY_KEY_REUSED",
                                      "This Idempotency-Key was used for a different upload "
                                          + "(operation, format, options or body differ)")));
            });
  }

  /** The request hash of a body read to its end (and dropped). */
  private Future<byte[]> hash(JobUpload upload, ReadStream<Buffer> body) {
    MessageDigest digest = UploadStream.sha256();
    digest.update(upload.hashPrefix());
    Promise<byte[]> hashed = Promise.promise();
    long[] received = {0};
    body.handler(
        buffer -> {
          received[0] += buffer.length();
          if (received[0] > config.maxUploadBytes()) {
            hashed.tryFail(UploadStream.tooLarge(config.maxUploadBytes()));
          } else {
            digest.update(buffer.getBytes());
          }
        });
    body.exceptionHandler(hashed::tryFail);
    body.endHandler(ignored -> hashed.tryComplete(digest.digest()));
    body.resume();
    return hashed.future();
  }
}
