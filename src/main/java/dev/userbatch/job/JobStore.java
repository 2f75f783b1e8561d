package dev.userbatch.job;

import dev.userbatch.batch.BatchOptions;
import dev.userbatch.batch.Operation;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Jobs in PostgreSQL: staging, the record, leases, chunk outcomes (SQL in {@link JobSql}). */
public final class JobStore {
  private final Pool pool;

  public JobStore(Pool pool) {
    this.pool = pool;
  }

  public Pool pool() {
    return pool;
  }

  /** An Idempotency-Key the caller used before: its job (maybe still staging) and body hash. */
  public record KeyedJob(JobRecord job, byte[] requestHash) {}

  /** The idempotency key is taken (by another upload of the same caller). */
  public static final class KeyTaken extends RuntimeException {
    KeyTaken() {
      super("idempotency key taken", null, false, false);
    }
  }

  Future<Void> createStaging(
      UUID id,
      Operation operation,
      JobFormat format,
      BatchOptions options,
      String createdBy,
      String idempotencyKey,
      String owner,
      long leaseMs) {
    Tuple args =
        Tuple.of(
            id,
            operation.wireName(),
            format.wireName(),
            options.toJson(),
            createdBy,
            idempotencyKey,
            owner,
            leaseMs);
    return pool.preparedQuery(JobSql.CREATE_STAGING)
        .execute(args)
        .<Void>mapEmpty()
        .recover(
            err ->
                Future.failedFuture(
                    err instanceof PgException pg && "23505".equals(pg.getSqlState())
                        ? new KeyTaken()
                        : err));
  }

  public Future<Optional<KeyedJob>> byKey(String createdBy, String key) {
    return pool.preparedQuery(JobSql.BY_KEY)
        .execute(Tuple.of(createdBy, key))
        .map(
            rows ->
                rows.size() == 0 ? Optional.empty() : Optional.of(keyed(rows.iterator().next())));
  }

  private static KeyedJob keyed(Row row) {
    Buffer hash = row.getBuffer("request_hash");
    return new KeyedJob(JobRecord.fromRow(row), hash == null ? null : hash.getBytes());
  }

  Future<Void> stage(UUID jobId, StageBatch batch, Operation operation, long leaseMs) {
    int chunks = batch.chunks().size();
    Integer[] numbers = new Integer[chunks];
    Integer[] counts = new Integer[chunks];
    String[] bodies = new String[chunks];
    for (int i = 0; i < chunks; i++) {
      ChunkBody chunk = batch.chunks().get(i);
      numbers[i] = chunk.chunk();
      counts[i] = chunk.items().size();
      bodies[i] = chunk.encode(operation);
    }
    FailureArrays failures = FailureArrays.of(batch.failures());
    Tuple args =
        Tuple.tuple()
            .addUUID(jobId)
            .addArrayOfInteger(numbers)
            .addArrayOfInteger(counts)
            .addArrayOfString(bodies);
    failures.addTo(args);
    args.addLong(leaseMs);
    return pool.preparedQuery(JobSql.STAGE).execute(args).mapEmpty();
  }

  Future<JobRecord> seal(
      UUID jobId,
      int total,
      int chunkCount,
      int skipped,
      boolean ordered,
      Integer stopChunk,
      byte[] requestHash) {
    Tuple args =
        Tuple.tuple()
            .addUUID(jobId)
            .addInteger(total)
            .addInteger(chunkCount)
            .addInteger(skipped)
            .addBoolean(ordered)
            .addInteger(stopChunk)
            .addBuffer(Buffer.buffer(requestHash));
    return pool.preparedQuery(JobSql.SEAL)
        .execute(args)
        .map(rows -> JobRecord.fromRow(rows.iterator().next()));
  }

  Future<Void> delete(UUID jobId) {
    return pool.preparedQuery(JobSql.DELETE).execute(Tuple.of(jobId)).mapEmpty();
  }

  Future<Integer> deleteAbandonedStaging() {
    return pool.preparedQuery(JobSql.DELETE_ABANDONED).execute().map(RowSet::rowCount);
  }

  public Future<Optional<JobRecord>> find(UUID id) {
    return pool.preparedQuery(JobSql.FIND)
        .execute(Tuple.of(id))
        .map(
            rows ->
                rows.size() == 0
                    ? Optional.empty()
                    : Optional.of(JobRecord.fromRow(rows.iterator().next())));
  }

  /** A page of jobs, newest first, older than the cursor's job (null: from the newest). */
  public Future<List<JobRecord>> list(JobCursor before, int limit) {
    Tuple args =
        Tuple.tuple()
            .addOffsetDateTime(before == null ? null : before.createdAt())
            .addUUID(before == null ? null : before.id())
            .addInteger(limit);
    return pool.preparedQuery(JobSql.LIST)
        .execute(args)
        .map(
            rows -> {
              List<JobRecord> jobs = new ArrayList<>(rows.size());
              rows.forEach(row -> jobs.add(JobRecord.fromRow(row)));
              return jobs;
            });
  }

  /**
   * Asks a job to stop; the node that runs it (or the next to take it) stops it. False when the job
   * is not queued or running (unknown, or final: the caller tells which by reading it).
   */
  public Future<Boolean> requestCancel(UUID id) {
    return pool.preparedQuery(JobSql.REQUEST_CANCEL)
        .execute(Tuple.of(id))
        .map(rows -> rows.size() > 0);
  }

  /** A job this node now runs, if any is runnable, with its stop chunk. */
  Future<Optional<Claimed>> claim(String owner, long leaseMs) {
    return pool.preparedQuery(JobSql.CLAIM)
        .execute(Tuple.of(owner, leaseMs))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return Optional.empty();
              }
              Row row = rows.iterator().next();
              return Optional.of(
                  new Claimed(
                      JobRecord.fromRow(row),
                      row.getInteger("stop_chunk"),
                      "running".equals(row.getString("was"))));
            });
  }

  /** A job taken by this node; {@code resumed}: another run had taken it before. */
  record Claimed(JobRecord job, Integer stopChunk, boolean resumed) {}

  /** Empty: the lease is lost (another node took the job, or it ended); else cancel requested. */
  Future<Optional<Boolean>> renew(UUID id, String owner, long leaseMs) {
    return pool.preparedQuery(JobSql.RENEW)
        .execute(Tuple.of(id, owner, leaseMs))
        .map(
            rows ->
                rows.size() == 0
                    ? Optional.empty()
                    : Optional.of(rows.iterator().next().getBoolean(0)));
  }

  Future<Void> release(UUID id, String owner) {
    return pool.preparedQuery(JobSql.RELEASE).execute(Tuple.of(id, owner)).mapEmpty();
  }

  Future<List<Integer>> pendingChunks(UUID id, int after, int before, int limit) {
    return pool.preparedQuery(JobSql.PENDING_CHUNKS)
        .execute(Tuple.of(id, after, before, limit))
        .map(
            rows -> {
              List<Integer> chunks = new ArrayList<>(rows.size());
              rows.forEach(row -> chunks.add(row.getInteger(0)));
              return chunks;
            });
  }

  /** The chunk's staged body; null when it is done already. */
  Future<String> chunkBody(UUID id, int chunk) {
    return pool.preparedQuery(JobSql.CHUNK_BODY)
        .execute(Tuple.of(id, chunk))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString(0));
  }

  /** Records a chunk's outcome once; the result says whether cancel was requested meanwhile. */
  Future<Boolean> completeChunk(UUID id, ChunkCompletion done, boolean stopAfter) {
    Tuple args =
        Tuple.tuple().addUUID(id).addInteger(done.chunk()).addArrayOfUUID(done.succeededIds());
    FailureArrays.of(done.failures()).addTo(args);
    args.addInteger(done.processed())
        .addInteger(done.succeeded())
        .addInteger(done.failures().size())
        .addInteger(done.skipped())
        .addJsonObject(done.failuresByCode())
        .addBoolean(stopAfter);
    return pool.preparedQuery(JobSql.COMPLETE_CHUNK)
        .execute(args)
        .map(rows -> rows.size() > 0 && rows.iterator().next().getBoolean(0));
  }

  /** Ends a job (see {@link JobSql#FINISH}); {@code owner} null for a queued job. */
  Future<Void> finish(UUID id, String owner, String error) {
    return pool.preparedQuery(JobSql.FINISH)
        .execute(Tuple.tuple().addUUID(id).addString(owner).addString(error))
        .mapEmpty();
  }
}
