package dev.userbatch.batch;

/**
 * The one list of machine-readable failure codes used by every operation. New codes go at the
 * end: workers send the ordinal as the event-bus failure code.
 */
public enum ErrorCode {
  VALIDATION_ERROR(false),
  DUPLICATE_EMAIL(false),
  EMAIL_IN_USE(false),
  USER_NOT_FOUND(false),
  ALREADY_DELETED(false),
  VERSION_CONFLICT(false),
  /** The batch stopped (continueOnError false) before this item was attempted. */
  NOT_PROCESSED(false),
  DATABASE_UNAVAILABLE(true),
  CACHE_UNAVAILABLE(true),
  TIMEOUT(true),
  INTERNAL(true),
  /** Restore of a user that is not deleted. */
  NOT_DELETED(false),
  /** Restore of a user deleted longer ago than the restore window. */
  RESTORE_WINDOW_EXPIRED(false),
  /**
   * The connection to PostgreSQL broke while the chunk's COMMIT ran: its changes may or may not be
   * stored. Read the items back (lookup) before retrying them.
   */
  COMMIT_UNKNOWN(true),
  /** The chunk's plaintext passwords did not fit in the bounded hashing queue; nothing was written. */
  OVERLOADED(true);

  private final boolean system;

  ErrorCode(boolean system) {
    this.system = system;
  }

  /** System errors are not the caller's fault: retrying the same item later may succeed. */
  public boolean isSystem() {
    return system;
  }
}
