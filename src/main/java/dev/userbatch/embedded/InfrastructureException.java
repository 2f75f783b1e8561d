package dev.userbatch.embedded;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Start-up error: a configured PostgreSQL/Redis is unreachable, no server could be found, or an
 * embedded server could not be started. The message is meant for humans and never contains
 * passwords.
 */
public class InfrastructureException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public InfrastructureException(String message) {
    super(message);
  }

  public InfrastructureException(String message, Throwable cause) {
    super(message, cause);
  }

  /** "msg: cause msg: root msg", without repeats, for humans. */
  static String causeText(Throwable t) {
    Set<String> parts = new LinkedHashSet<>();
    for (Throwable c = t;
        c != null && parts.size() < 4;
        c = c.getCause() == c ? null : c.getCause()) {
      String m = c.getMessage();
      if (m == null || m.isBlank()) {
        m = c.getClass().getSimpleName();
      } else if (c instanceof java.net.UnknownHostException) {
        m = "unknown host " + m;
      }
      m = m.trim();
      while (m.endsWith(".")) {
        m = m.substring(0, m.length() - 1);
      }
      boolean dup = false;
      for (String p : parts) {
        if (p.contains(m)) {
          dup = true;
          break;
        }
      }
      if (!dup) {
        parts.add(m);
      }
    }
    return String.join(": ", parts);
  }
}
