package dev.userbatch.job;

import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Cuts a byte stream into lines as it arrives, whatever the buffer boundaries: {@code \n} or {@code
 * \r\n} ends a line, a UTF-8 byte order mark at the start is dropped. A line never holds more than
 * {@code maxLineBytes} in memory: a longer one is reported as a problem (its bytes are dropped as
 * they come), and so is one that is not valid UTF-8.
 */
final class LineSplitter {
  /** Where the lines go, in order, numbered from 1. */
  interface Sink {
    /** {@code text} is the line; or it is null and {@code problem} says why. */
    void line(int number, String text, String problem);
  }

  private final int maxLineBytes;
  private final Sink sink;
  private final CharsetDecoder utf8 =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
  private byte[] current = new byte[256];
  private int length;
  private boolean tooLong;
  private int lineNumber = 1;

  LineSplitter(int maxLineBytes, Sink sink) {
    this.maxLineBytes = maxLineBytes;
    this.sink = sink;
  }

  void feed(Buffer buffer) {
    byte[] bytes = buffer.getBytes();
    for (int i = 0; i < bytes.length; i++) {
      byte b = bytes[i];
      if (b == '\n') {
        emit();
      } else if (!tooLong) {
        if (length == maxLineBytes) {
          tooLong = true;
        } else {
          if (length == current.length) {
            current = Arrays.copyOf(current, Math.min(maxLineBytes, current.length * 2));
          }
          current[length++] = b;
        }
      }
    }
  }

  /** The end of the stream: a last line without its newline is still a line. */
  void end() {
    if (length > 0 || tooLong) {
      emit();
    }
  }

  private void emit() {
    int number = lineNumber++;
    int end = length > 0 && current[length - 1] == '\r' ? length - 1 : length;
    String text = null;
    String problem = null;
    if (tooLong) {
      problem = "Line " + number + " is longer than " + maxLineBytes + " bytes";
    } else {
      try {
        text = utf8.decode(ByteBuffer.wrap(current, 0, end)).toString();
        if (number == 1 && text.startsWith("\uFEFF")) {
          text = text.substring(1);
        }
      } catch (CharacterCodingException e) {
        problem = "Line " + number + " is not valid UTF-8";
      }
    }
    length = 0;
    tooLong = false;
    if (current.length > 4096) {
      current = new byte[256];
    }
    sink.line(number, text, problem);
  }
}
