package dev.userbatch.job;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * RFC 4180 records from the lines of an upload ({@link LineSplitter}): fields separated by commas,
 * a field in double quotes may hold commas, line breaks and doubled quotes ({@code ""}). A record
 * that spans lines keeps the line where it starts. Blank lines between records are skipped. A
 * record that breaks the rules (a quote inside an unquoted field, text after a closing quote, a
 * quote never closed, longer than {@code maxRecordChars}) becomes a problem record, and reading
 * goes on with the next line.
 */
final class CsvRecords {
  private enum State {
    FIELD_START,
    UNQUOTED,
    QUOTED,
    AFTER_QUOTE
  }

  private final int maxRecordChars;
  private final Consumer<SourceRecord> sink;
  private final List<String> fields = new ArrayList<>();
  private final StringBuilder field = new StringBuilder();
  private State state = State.FIELD_START;
  private boolean inRecord;
  private int startLine;
  private int chars;
  private String problem;

  CsvRecords(int maxRecordChars, Consumer<SourceRecord> sink) {
    this.maxRecordChars = maxRecordChars;
    this.sink = sink;
  }

  /** One line from the splitter. */
  void line(int number, String text, String lineProblem) {
    if (!inRecord) {
      startLine = number;
      if (lineProblem == null && text.isEmpty()) {
        return;
      }
    }
    if (lineProblem != null) {
      problem = problem != null ? problem : lineProblem;
      finishRecord();
      return;
    }
    inRecord = true;
    chars += text.length() + 1;
    if (chars > maxRecordChars && problem == null) {
      problem = "Record starting at line " + startLine + " is longer than " + maxRecordChars;
    }
    for (int i = 0; i < text.length() && !(problem != null && state != State.QUOTED); i++) {
      char c = text.charAt(i);
      switch (state) {
        case FIELD_START -> {
          if (c == '"') {
            state = State.QUOTED;
          } else if (c == ',') {
            endField();
          } else {
            append(c);
            state = State.UNQUOTED;
          }
        }
        case UNQUOTED -> {
          if (c == ',') {
            endField();
          } else if (c == '"') {
            fail("a double quote inside an unquoted field (quote the field and double the quote)");
          } else {
            append(c);
          }
        }
        case QUOTED -> {
          if (c == '"') {
            if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
              append('"');
              i++;
            } else {
              state = State.AFTER_QUOTE;
            }
          } else {
            append(c);
          }
        }
        case AFTER_QUOTE -> {
          if (c == ',') {
            endField();
          } else {
            fail("text after the closing quote of a field");
          }
        }
      }
    }
    if (state == State.QUOTED) {
      append('\n'); // the record goes on, inside a quoted field, on the next line
      return;
    }
    finishRecord();
  }

  /** The end of the upload. */
  void end() {
    if (inRecord) {
      if (state == State.QUOTED && problem == null) {
        problem = "Record starting at line " + startLine + " has a quoted field that never ends";
      }
      finishRecord();
    }
  }

  private void append(char c) {
    if (problem == null) {
      field.append(c);
    }
  }

  private void fail(String why) {
    if (problem == null) {
      problem = "Record starting at line " + startLine + " is not valid CSV: " + why;
    }
  }

  private void endField() {
    fields.add(field.toString());
    field.setLength(0);
    state = State.FIELD_START;
  }

  private void finishRecord() {
    SourceRecord record;
    if (problem != null) {
      record = SourceRecord.unreadable(startLine, problem);
    } else {
      endField();
      record = SourceRecord.fields(startLine, List.copyOf(fields));
    }
    fields.clear();
    field.setLength(0);
    state = State.FIELD_START;
    inRecord = false;
    chars = 0;
    problem = null;
    sink.accept(record);
  }
}
