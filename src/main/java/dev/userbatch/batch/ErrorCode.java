package dev.userbatch.batch;

/** The one list of machine-readable failure codes used by every operation. */
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
  INTERNAL(true);

  private final boolean system;

  ErrorCode(boolean system) {
    this.system = system;
  }

  /** System errors are not the caller's fault: retrying the same item later may succeed. */
  public boolean isSystem() {
    return system;
  }
}
