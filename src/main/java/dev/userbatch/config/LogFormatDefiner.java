package dev.userbatch.config;

import ch.qos.logback.core.PropertyDefinerBase;

/**
 * Tells {@code logback.xml} which console appender to attach ({@code <define
 * name="LOG_APPENDER">}). A variable set on the logger context wins over the process's, as in
 * logback's own substitution. It never throws: logback would drop the failure and log nothing at
 * all. An invalid value logs as {@code auto} would, and {@code Main} then stops start-up with a
 * message naming LOG_FORMAT.
 */
public final class LogFormatDefiner extends PropertyDefinerBase {

  @Override
  public String getPropertyValue() {
    String value = getContext() == null ? null : getContext().getProperty(LogFormat.VARIABLE);
    LogFormat format;
    try {
      format = LogFormat.parse(value != null ? value : LogFormat.setting());
    } catch (IllegalArgumentException invalid) {
      format = LogFormat.AUTO;
    }
    return format.appender(LogFormat.atTerminal());
  }
}
