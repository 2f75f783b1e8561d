package dev.userbatch.job;

import dev.userbatch.batch.RequestException;
import dev.userbatch.config.JobsConfig;
import dev.userbatch.operation.ItemPreparer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Reads one upload into its staging job: the body is cut into records as it arrives; every {@code
 * jobStageLines} records (or 4 MB of them) the stream is paused while the slice is validated (on a
 * worker thread) and written (one statement), then resumed, so the client sends no faster than the
 * service stages, and memory holds one slice whatever the upload's size. The job is sealed (queued)
 * only once every record is staged; until then a failure deletes it.
 */
final class UploadStream {
  private static final int MAX_SLICE_CHARS = 4 * 1024 * 1024;

  private final Vertx vertx;
  private final JobStore store;
  private final JobsConfig config;
  private final UUID jobId;
  private final JobUpload upload;
  private final ItemPreparer<?> preparer;
  private final ReadStream<Buffer> body;
  private final MessageDigest digest;
  private final LineSplitter splitter;
  private final CsvRecords csv;
  private final Promise<JobRecord> result = Promise.promise();
  private JobStager stager;
  private List<SourceRecord> pending = new ArrayList<>();
  private int pendingChars;
  private long received;
  private boolean busy;
  private boolean ended;
  private boolean ordered;
  private int skipped;

  UploadStream(
      Vertx vertx,
      JobStore store,
      JobsConfig config,
      UUID jobId,
      JobUpload upload,
      ItemPreparer<?> preparer,
      ReadStream<Buffer> body) {
    this.vertx = vertx;
    this.store = store;
    this.config = config;
    this.jobId = jobId;
    this.upload = upload;
    this.preparer = preparer;
    this.body = body;
    this.digest = sha256();
    digest.update(upload.hashPrefix());
    if (upload.format() == JobFormat.CSV) {
      this.csv = new CsvRecords(config.maxLineBytes(), this::csvRecord);
      this.splitter = new LineSplitter(config.maxLineBytes(), csv::line);
    } else {
      this.csv = null;
      this.stager = new JobStager(upload.operation(), upload.options(), preparer, null);
      this.splitter = new LineSplitter(config.maxLineBytes(), this::ndjsonLine);
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The sealed job; a failed upload's job is deleted before this fails. */
  Future<JobRecord> start() {
    body.handler(this::data);
    body.exceptionHandler(this::fail);
    body.endHandler(ignored -> end());
    body.resume();
    return result.future();
  }

  private void data(Buffer buffer) {
    if (result.future().isComplete()) {
      return;
    }
    received += buffer.length();
    if (received > config.maxUploadBytes()) {
      fail(tooLarge(config.maxUploadBytes()));
      return;
    }
    digest.update(buffer.getBytes());
    try {
      splitter.feed(buffer);
    } catch (RequestException refused) {
      fail(refused);
      return;
    }
    if (pending.size() >= config.stageLines() || pendingChars >= MAX_SLICE_CHARS) {
      flush();
    }
  }

  static RequestException tooLarge(long max) {
    return new RequestException(
        413, "UPLOAD_TOO_LARGE", "The upload is larger than the limit of " + max + " bytes");
  }

  private void ndjsonLine(int number, String text, String problem) {
    if (problem == null && text.isBlank()) {
      return;
    }
    add(
        problem != null
            ? SourceRecord.unreadable(number, problem)
            : SourceRecord.text(number, text));
  }

  private void csvRecord(SourceRecord record) {
    if (stager == null) {
      if (record.problem() != null) {
        throw new RequestException(400, CsvColumns.INVALID_CSV_HEADER, record.problem());
      }
      CsvColumns columns = CsvColumns.of(upload.operation(), record.fields());
      stager = new JobStager(upload.operation(), upload.options(), preparer, columns);
      return;
    }
    add(record);
  }

  private void add(SourceRecord record) {
    pending.add(record);
    pendingChars += record.weight();
  }

  /** Stages what is pending, with the stream paused meanwhile. */
  private void flush() {
    if (busy || result.future().isComplete()) {
      return;
    }
    busy = true;
    boolean last = ended;
    if (!last) {
      body.pause(); // an ended request cannot be paused (nor resumed)
    }
    List<SourceRecord> slice = pending;
    pending = new ArrayList<>();
    pendingChars = 0;
    vertx
        .executeBlocking(
            () -> {
              List<StageBatch> batches = new ArrayList<>(2);
              if (stager != null) {
                batches.add(stager.stage(slice));
                if (last) {
                  batches.add(stager.finish());
                }
              }
              return batches;
            },
            false)
        .compose(this::write)
        .onSuccess(
            ignored -> {
              busy = false;
              if (last) {
                seal();
              } else if (ended
                  || pending.size() >= config.stageLines()
                  || pendingChars >= MAX_SLICE_CHARS) {
                flush();
              } else {
                body.resume();
              }
            })
        .onFailure(this::fail);
  }

  private Future<Void> write(List<StageBatch> batches) {
    Future<Void> written = Future.succeededFuture();
    for (StageBatch batch : batches) {
      ordered |= batch.ordered();
      skipped += batch.skipped();
      if (!batch.chunks().isEmpty() || !batch.failures().isEmpty()) {
        written =
            written.compose(
                ignored -> store.stage(jobId, batch, upload.operation(), config.leaseMs() * 10));
      }
    }
    return written;
  }

  private void end() {
    if (result.future().isComplete()) {
      return;
    }
    try {
      splitter.end();
      if (csv != null) {
        csv.end();
      }
    } catch (RequestException refused) {
      fail(refused);
      return;
    }
    if (stager == null) {
      fail(
          new RequestException(
              400, CsvColumns.INVALID_CSV_HEADER, "The CSV upload has no header row"));
      return;
    }
    ended = true;
    flush();
  }

  private void seal() {
    store
        .seal(
            jobId,
            stager.items(),
            stager.chunks(),
            skipped,
            ordered,
            stager.stopChunk(),
            digest.digest())
        .onSuccess(result::tryComplete)
        .onFailure(this::fail);
  }

  private void fail(Throwable err) {
    if (result.future().isComplete()) {
      return;
    }
    try {
      body.handler(ignored -> {}); // what is left of the body is read and dropped
      body.resume();
    } catch (IllegalStateException ended) {
      // the body was read to its end already
    }
    store.delete(jobId).onComplete(ignored -> result.tryFail(err));
  }
}
