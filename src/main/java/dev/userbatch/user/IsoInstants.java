package dev.userbatch.user;

import java.time.Instant;
import java.time.LocalDate;
import java.time.Month;
import java.time.Year;

/**
 * Writes and reads timestamps exactly as {@link Instant#toString()} and {@link Instant#parse} do
 * ({@code 2026-01-02T03:04:05.123456Z}: 0, 3, 6 or 9 fraction digits), without the general ISO
 * formatter and parser for the years 0000 to 9999, which cost several times as much: a 300-user
 * lookup served from the cache reads and writes 900 timestamps. Anything else is left to {@link
 * Instant}, so the result is always the same.
 */
final class IsoInstants {
  private static final int[] SCALE = {
    1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000
  };
  private static final long FIRST_DAY = LocalDate.of(0, 1, 1).toEpochDay();
  private static final long LAST_DAY = LocalDate.of(9999, 12, 31).toEpochDay();

  private IsoInstants() {}

  static String format(Instant instant) {
    long epochDay = Math.floorDiv(instant.getEpochSecond(), 86_400);
    if (epochDay < FIRST_DAY || epochDay > LAST_DAY) {
      return instant.toString();
    }
    int secondOfDay = (int) Math.floorMod(instant.getEpochSecond(), 86_400);
    LocalDate date = LocalDate.ofEpochDay(epochDay);
    StringBuilder text = new StringBuilder(30);
    append(text, date.getYear(), 4).append('-');
    append(text, date.getMonthValue(), 2).append('-');
    append(text, date.getDayOfMonth(), 2).append('T');
    append(text, secondOfDay / 3_600, 2).append(':');
    append(text, secondOfDay / 60 % 60, 2).append(':');
    append(text, secondOfDay % 60, 2);
    int nanos = instant.getNano();
    if (nanos != 0) {
      text.append('.');
      if (nanos % 1_000_000 == 0) {
        append(text, nanos / 1_000_000, 3);
      } else if (nanos % 1_000 == 0) {
        append(text, nanos / 1_000, 6);
      } else {
        append(text, nanos, 9);
      }
    }
    return text.append('Z').toString();
  }

  private static StringBuilder append(StringBuilder text, int value, int digits) {
    for (int scale = SCALE[digits - 1]; scale > 0; scale /= 10) {
      text.append((char) ('0' + value / scale % 10));
    }
    return text;
  }

  static Instant parse(String text) {
    int length = text.length();
    int fractionDigits = length == 20 ? 0 : length > 21 ? length - 21 : -1;
    if (!hasShape(text, fractionDigits)) {
      return Instant.parse(text);
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 2);
    int day = digits(text, 8, 2);
    int hour = digits(text, 11, 2);
    int minute = digits(text, 14, 2);
    int second = digits(text, 17, 2);
    int nanos =
        fractionDigits == 0 ? 0 : digits(text, 20, fractionDigits) * SCALE[9 - fractionDigits];
    if (year < 0
        || month < 1
        || month > 12
        || day < 1
        || day > Month.of(month).length(Year.isLeap(year))
        || hour < 0
        || hour > 23
        || minute < 0
        || minute > 59
        || second < 0
        || second > 59
        || nanos < 0) {
      return Instant.parse(text);
    }
    long epochDay = LocalDate.of(year, month, day).toEpochDay();
    return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
  }

  /** Dashes, colons, the T, the point and the final Z where Instant.toString puts them. */
  private static boolean hasShape(String text, int fractionDigits) {
    return (fractionDigits == 0
            || fractionDigits == 3
            || fractionDigits == 6
            || fractionDigits == 9)
        && text.charAt(4) == '-'
        && text.charAt(7) == '-'
        && text.charAt(10) == 'T'
        && text.charAt(13) == ':'
        && text.charAt(16) == ':'
        && (fractionDigits == 0 || text.charAt(19) == '.')
        && text.charAt(text.length() - 1) == 'Z';
  }

  /** The decimal number of {@code count} digits at {@code from}, or -1 when one is not a digit. */
  private static int digits(String text, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
