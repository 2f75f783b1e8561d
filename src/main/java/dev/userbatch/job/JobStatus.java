package dev.userbatch.job;

import java.util.Locale;

/**
 * Where a job is. {@code STAGING} is internal: the upload is not acknowledged yet, and the API does
 * not show the job.
 */
public enum JobStatus {
  STAGING,
  QUEUED,
  RUNNING,
  COMPLETED,
  COMPLETED_WITH_ERRORS,
  FAILED,
  CANCELLED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static JobStatus fromWireName(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }

  public boolean isFinal() {
    return this == COMPLETED
        || this == COMPLETED_WITH_ERRORS
        || this == FAILED
        || this == CANCELLED;
  }
}
