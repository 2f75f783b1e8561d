package dev.userbatch.batch;

/**
 * The one list of machine-readable item failure codes used by every operation; each travels by its
 * name (in responses, in chunk results, in {@link ChunkFailure}). System errors (not the caller's
 * fault, a whole chunk fails, retrying later may succeed) are DATABASE_UNAVAILABLE, TIMEOUT,
 * INTERNAL, COMMIT_UNKNOWN and OVERLOADED.
 */
public enum ErrorCode {
  VALIDATION_ERROR,
  DUPLICATE_EMAIL,
  EMAIL_IN_USE,
  USER_NOT_FOUND,
  ALREADY_DELETED,
  VERSION_CONFLICT,
  /** The batch stopped (continueOnError false) before this item was attempted. */
  NOT_PROCESSED,
  DATABASE_UNAVAILABLE,
  TIMEOUT,
  INTERNAL,
  /** Restore of a user that is not deleted. */
  NOT_DELETED,
  /** Restore of a user deleted longer ago than the restore window. */
  RESTORE_WINDOW_EXPIRED,
  /**
   * The connection to PostgreSQL broke while the chunk's COMMIT ran: its changes may or may not be
   * stored. Read the items back (lookup) before retrying them.
   */
  COMMIT_UNKNOWN,
  /**
   * The chunk's plaintext passwords did not fit in the bounded hashing queue; nothing was written.
   */
  OVERLOADED
}
