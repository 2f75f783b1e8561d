package dev.userbatch.job;

import dev.userbatch.batch.BatchOptions;
import dev.userbatch.batch.ErrorCode;
import dev.userbatch.batch.ItemFailure;
import dev.userbatch.batch.Operation;
import dev.userbatch.batch.PreparedBatch;
import dev.userbatch.batch.PreparedItem;
import dev.userbatch.operation.ItemPreparer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the records of one upload into staged chunks, a slice at a time: each record is decoded
 * (NDJSON line or CSV record), the slice is checked by the operation's own preparer (the same
 * checks as a synchronous request), and the valid items are cut into chunks of {@code chunkSize} in
 * upload order. Items that fail keep their line. Checks across items (a repeated email or id) see
 * one slice; repeats in different slices are found by the database as the chunks run. Not
 * thread-safe: one slice at a time (CPU work, on a worker thread).
 */
final class JobStager {
  private static final Pattern OTHER_ITEM = Pattern.compile("item (\\d+) of this request");

  private final Operation operation;
  private final BatchOptions options;
  private final ItemPreparer<?> preparer;
  private final CsvColumns columns;
  private List<StagedItem> partial = new ArrayList<>();
  private int nextIndex;
  private int nextChunk;
  private boolean failedOnce;
  private Integer stopChunk;

  /** {@code columns}: the CSV mapping, null for NDJSON. */
  JobStager(
      Operation operation, BatchOptions options, ItemPreparer<?> preparer, CsvColumns columns) {
    this.operation = operation;
    this.options = options;
    this.preparer = preparer;
    this.columns = columns;
  }

  int items() {
    return nextIndex;
  }

  int chunks() {
    return nextChunk;
  }

  /** continueOnError false: the first chunk not to send (the one after the first failure). */
  Integer stopChunk() {
    return stopChunk;
  }

  StageBatch stage(List<SourceRecord> records) {
    List<StagedFailure> failures = new ArrayList<>();
    JsonArray decoded = new JsonArray(new ArrayList<>(records.size()));
    int[] indexes = new int[records.size()];
    int[] lines = new int[records.size()];
    for (SourceRecord record : records) {
      int index = nextIndex++;
      String problem = record.problem();
      Object item = null;
      if (problem == null) {
        try {
          item =
              record.text() != null
                  ? Json.decodeValue(record.text())
                  : columns.toItem(record.fields());
        } catch (DecodeException e) {
          problem = "Line " + record.line() + " is not valid JSON";
        } catch (IllegalArgumentException e) {
          problem = "Line " + record.line() + ": " + e.getMessage();
        }
      }
      if (problem != null) {
        failures.add(
            new StagedFailure(
                index, record.line(), null, ErrorCode.VALIDATION_ERROR.name(), problem, null));
        continue;
      }
      indexes[decoded.size()] = index;
      lines[decoded.size()] = record.line();
      decoded.add(item);
    }
    PreparedBatch<?> prepared = preparer.prepare(decoded, options);
    for (ItemFailure failure : prepared.failures()) {
      int local = failure.index();
      failures.add(
          new StagedFailure(
              indexes[local],
              lines[local],
              Json.encode(ShownItem.ofInput(decoded.getValue(local))),
              failure.code().name(),
              inUploadTerms(failure.error(), lines),
              itemPath(failure.path(), local)));
    }
    failures.sort((a, b) -> Integer.compare(a.index(), b.index()));
    int firstFailure = failures.isEmpty() ? Integer.MAX_VALUE : failures.get(0).index();
    List<ChunkBody> chunks = new ArrayList<>();
    for (PreparedItem<?> item : prepared.items()) {
      int local = item.index();
      if (!options.continueOnError() && !failedOnce && indexes[local] > firstFailure) {
        cutAtFirstFailure(chunks);
      }
      partial.add(new StagedItem(indexes[local], lines[local], item.value()));
      if (partial.size() == options.chunkSize()) {
        chunks.add(new ChunkBody(nextChunk++, partial));
        partial = new ArrayList<>();
      }
    }
    if (!options.continueOnError() && !failedOnce && !failures.isEmpty()) {
      cutAtFirstFailure(chunks);
    }
    int skipped = prepared.skipped().size() + prepared.duplicates().size();
    return new StageBatch(chunks, failures, records.size(), skipped, prepared.orderedChunks());
  }

  /** The items before the first failure form a chunk of their own; no chunk after it is sent. */
  private void cutAtFirstFailure(List<ChunkBody> chunks) {
    failedOnce = true;
    if (!partial.isEmpty()) {
      chunks.add(new ChunkBody(nextChunk++, partial));
      partial = new ArrayList<>();
    }
    stopChunk = nextChunk;
  }

  /** The last, partly filled chunk. */
  StageBatch finish() {
    List<ChunkBody> chunks = new ArrayList<>();
    if (!partial.isEmpty()) {
      chunks.add(new ChunkBody(nextChunk++, partial));
      partial = new ArrayList<>();
    }
    return new StageBatch(chunks, List.of(), 0, 0, false);
  }

  /** "item 3 of this request" (an index in the slice) → "line 17 of this upload". */
  private static String inUploadTerms(String error, int[] lines) {
    Matcher m = OTHER_ITEM.matcher(error);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      int local = Integer.parseInt(m.group(1));
      m.appendReplacement(out, "line " + lines[local] + " of this upload");
    }
    m.appendTail(out);
    return out.toString();
  }

  /** {@code $.users[3].email} → {@code $.email}: the path inside the item. */
  private String itemPath(String path, int local) {
    String prefix = operation.itemPath(local, "");
    return path != null && path.startsWith(prefix) ? "$" + path.substring(prefix.length()) : path;
  }
}
