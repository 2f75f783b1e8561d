package dev.userbatch.config;

import java.io.Console;

/**
 * {@code LOG_FORMAT}: how console log lines look. {@link #JSON} is one object per line, for log
 * collectors; {@link #TEXT} is one readable line per event, for people; {@link #AUTO} (the default)
 * is text when the process runs at a terminal and JSON otherwise (a pipe, a file, a service
 * manager).
 *
 * <p>Logback reads the setting before any configuration is loaded ({@link LogFormatDefiner}) and
 * can only guess at a value it does not know; {@code Main} reads it again and stops start-up,
 * naming the variable, so a typo never silently changes the format.
 */
public enum LogFormat {
  AUTO,
  JSON,
  TEXT;

  public static final String VARIABLE = "LOG_FORMAT";

  /** Case-insensitive; unset or blank is {@link #AUTO}. */
  public static LogFormat parse(String value) {
    if (value == null || value.isBlank()) {
      return AUTO;
    }
    for (LogFormat format : values()) {
      if (format.name().equalsIgnoreCase(value.trim())) {
        return format;
      }
    }
    throw new IllegalArgumentException(
        "Configuration " + VARIABLE + " must be auto, json or text, got '" + value + "'");
  }

  /**
   * The format this process was started with: a system property first, then the environment, as
   * logback reads variables.
   */
  public static LogFormat configured() {
    return parse(setting());
  }

  static String setting() {
    String property = System.getProperty(VARIABLE);
    return property != null ? property : System.getenv(VARIABLE);
  }

  /** The name of the console appender of {@code logback.xml} that writes this format. */
  public String appender(boolean terminal) {
    return switch (this) {
      case JSON -> "json";
      case TEXT -> "text";
      case AUTO -> terminal ? "text" : "json";
    };
  }

  /**
   * Whether standard input and output are a terminal. Before Java 22 that is exactly when {@link
   * System#console()} exists; from Java 22 a console may exist without a terminal, and {@code
   * Console.isTerminal()} (absent from Java 17, hence the reflection) tells.
   */
  public static boolean atTerminal() {
    Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException beforeJava22) {
      return true;
    }
  }
}
