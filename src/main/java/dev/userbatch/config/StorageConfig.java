package dev.userbatch.config;

import io.vertx.core.json.JsonObject;
import java.util.Locale;

/**
 * What the service keeps, for how long, and how imported password hashes are judged (part of {@link
 * ServiceConfig}).
 *
 * @param idempotencyHmacKey key of the HMAC over idempotent request bodies; null: generated once
 *     under DATA_DIR. Every node of one deployment must use the same key.
 * @param retentionAuditDays audit rows kept this long after their batch finished (0: forever)
 * @param retentionBatchChangesDays change records kept this long once their event is relayed (0:
 *     forever)
 * @param retentionOutboxDays relayed outbox events kept this long (0: forever)
 * @param purgeIntervalMs period of the purge job
 * @param purgeBatchSize rows deleted per statement by the purge job
 * @param weakHashPolicy what happens to an imported hash below the floor
 * @param weakHashMinBcryptCost bcrypt floor (cost)
 * @param weakHashMinPbkdf2Iterations pbkdf2 floor (iterations)
 * @param readAuditSynchronousCommit a lookup's audit row is committed as every other row (true, the
 *     default), or without waiting for its WAL flush (false): a crash of PostgreSQL itself may then
 *     lose the read-audit rows of at most the last 3 × wal_writer_delay (600 ms by default); a
 *     crash of the service loses none, since users are still returned only after the row's INSERT
 *     has returned. Write batches are never affected.
 */
public record StorageConfig(
    String idempotencyHmacKey,
    int retentionAuditDays,
    int retentionBatchChangesDays,
    int retentionOutboxDays,
    long purgeIntervalMs,
    int purgeBatchSize,
    WeakHashPolicy weakHashPolicy,
    int weakHashMinBcryptCost,
    long weakHashMinPbkdf2Iterations,
    boolean readAuditSynchronousCommit) {

  /** An imported hash below the floor is stored and flagged {@code needs_rehash}, or refused. */
  public enum WeakHashPolicy {
    FLAG,
    REFUSE
  }

  /** HMAC-SHA256 keys shorter than this are refused: the key is what stops guessing. */
  public static final int MIN_HMAC_KEY_LENGTH = 32;

  public StorageConfig {
    if (idempotencyHmacKey != null && idempotencyHmacKey.length() < MIN_HMAC_KEY_LENGTH) {
      throw new IllegalArgumentException(
          "Configuration idempotencyHmacKey (env IDEMPOTENCY_HMAC_KEY) must be at least "
              + MIN_HMAC_KEY_LENGTH
              + " characters");
    }
    atLeast("retentionAuditDays", retentionAuditDays, 0);
    atLeast("retentionBatchChangesDays", retentionBatchChangesDays, 0);
    atLeast("retentionOutboxDays", retentionOutboxDays, 0);
    atLeast("purgeIntervalMs", purgeIntervalMs, 1);
    atLeast("purgeBatchSize", purgeBatchSize, 1);
    if (weakHashMinBcryptCost < 4 || weakHashMinBcryptCost > 31) {
      throw new IllegalArgumentException(
          "Configuration weakHashMinBcryptCost (env WEAK_HASH_MIN_BCRYPT_COST) must be between 4 and 31");
    }
    atLeast("weakHashMinPbkdf2Iterations", weakHashMinPbkdf2Iterations, 1000);
  }

  public StorageConfig withIdempotencyHmacKey(String key) {
    return new StorageConfig(
        key,
        retentionAuditDays,
        retentionBatchChangesDays,
        retentionOutboxDays,
        purgeIntervalMs,
        purgeBatchSize,
        weakHashPolicy,
        weakHashMinBcryptCost,
        weakHashMinPbkdf2Iterations,
        readAuditSynchronousCommit);
  }

  static StorageConfig fromJson(JsonObject json) {
    Object key = json.getValue("idempotencyHmacKey");
    return new StorageConfig(
        key == null || String.valueOf(key).isBlank() ? null : String.valueOf(key),
        (int) ServiceConfig.longField(json, "retentionAuditDays"),
        (int) ServiceConfig.longField(json, "retentionBatchChangesDays"),
        (int) ServiceConfig.longField(json, "retentionOutboxDays"),
        ServiceConfig.longField(json, "purgeIntervalMs"),
        (int) ServiceConfig.longField(json, "purgeBatchSize"),
        policy(String.valueOf(json.getValue("weakHashPolicy"))),
        (int) ServiceConfig.longField(json, "weakHashMinBcryptCost"),
        ServiceConfig.longField(json, "weakHashMinPbkdf2Iterations"),
        flag(json, "readAuditSynchronousCommit"));
  }

  private static boolean flag(JsonObject json, String field) {
    String value = String.valueOf(json.getValue(field)).trim().toLowerCase(Locale.ROOT);
    if (!value.equals("true") && !value.equals("false")) {
      throw new IllegalArgumentException(
          "Configuration "
              + field
              + " (env "
              + ServiceConfig.envName(field)
              + ") must be true or false, got '"
              + json.getValue(field)
              + "'");
    }
    return value.equals("true");
  }

  private static WeakHashPolicy policy(String value) {
    try {
      return WeakHashPolicy.valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Configuration weakHashPolicy (env WEAK_HASH_POLICY) must be flag or refuse, got '"
              + value
              + "'");
    }
  }

  private static void atLeast(String field, long value, long min) {
    if (value < min) {
      throw new IllegalArgumentException(
          "Configuration "
              + field
              + " (env "
              + ServiceConfig.envName(field)
              + ") must be at least "
              + min
              + ", got "
              + value);
    }
  }
}
