package dev.userbatch.job;

import java.util.List;

/**
 * One item of an upload as read off the stream, before it is decoded: an NDJSON line ({@code text})
 * or a CSV record ({@code fields}), with the 1-based line where it starts; or, when it could not be
 * read at all ({@code problem}: too long, not UTF-8, an unterminated quote), why.
 */
public record SourceRecord(int line, String text, List<String> fields, String problem) {

  static SourceRecord text(int line, String text) {
    return new SourceRecord(line, text, null, null);
  }

  static SourceRecord fields(int line, List<String> fields) {
    return new SourceRecord(line, null, fields, null);
  }

  static SourceRecord unreadable(int line, String problem) {
    return new SourceRecord(line, null, null, problem);
  }

  /** Roughly what it holds in memory, to bound a staging batch by size as well as by count. */
  int weight() {
    if (text != null) {
      return text.length();
    }
    if (fields != null) {
      int sum = 0;
      for (String field : fields) {
        sum += field.length() + 16;
      }
      return sum;
    }
    return 16;
  }
}
