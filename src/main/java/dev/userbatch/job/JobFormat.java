package dev.userbatch.job;

import java.util.Locale;
import java.util.Optional;

/** The two upload formats, by their media type. */
public enum JobFormat {
  NDJSON("application/x-ndjson"),
  CSV("text/csv");

  private final String mediaType;

  JobFormat(String mediaType) {
    this.mediaType = mediaType;
  }

  public String mediaType() {
    return mediaType;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** From a Content-Type header value (parameters such as {@code charset} are ignored). */
  public static Optional<JobFormat> ofContentType(String contentType) {
    if (contentType == null) {
      return Optional.empty();
    }
    String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    for (JobFormat format : values()) {
      if (format.mediaType.equals(type)) {
        return Optional.of(format);
      }
    }
    return Optional.empty();
  }

  public static JobFormat fromWireName(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
