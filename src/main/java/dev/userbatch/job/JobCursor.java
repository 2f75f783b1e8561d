package dev.userbatch.job;

import dev.userbatch.batch.RequestException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Where a page of the job list ends: the last job's creation time (microseconds) and id, as the
 * opaque {@code <micros>_<id>} the API hands out in {@code next}.
 */
public record JobCursor(OffsetDateTime createdAt, UUID id) {

  public static JobCursor after(JobRecord job) {
    return new JobCursor(job.createdAt().atOffset(ZoneOffset.UTC), job.id());
  }

  public String encode() {
    Instant at = createdAt.toInstant();
    long micros = at.getEpochSecond() * 1_000_000L + at.getNano() / 1_000;
    return micros + "_" + id;
  }

  /** A 400 INVALID_CURSOR when it is not one this service handed out. */
  public static JobCursor parse(String text) {
    try {
      int sep = text.indexOf('_');
      long micros = Long.parseLong(text.substring(0, sep));
      Instant at =
          Instant.ofEpochSecond(
              Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000);
      return new JobCursor(at.atOffset(ZoneOffset.UTC), UUID.fromString(text.substring(sep + 1)));
    } catch (RuntimeException e) {
      throw new RequestException(400, "INVALID_CURSOR", "before is not a cursor this service gave");
    }
  }
}
