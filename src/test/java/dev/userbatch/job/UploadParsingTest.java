package dev.userbatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lines and CSV records cut from a stream at every possible buffer boundary. */
class UploadParsingTest {

  private static List<String> lines(byte[] bytes, int maxLine, int split) {
    List<String> out = new ArrayList<>();
    LineSplitter splitter =
        new LineSplitter(
            maxLine,
            (n, text, problem) -> out.add(n + ":" + (text != null ? text : "!" + problem)));
    splitter.feed(Buffer.buffer().appendBytes(bytes, 0, split));
    splitter.feed(Buffer.buffer().appendBytes(bytes, split, bytes.length - split));
    splitter.end();
    return out;
  }

  @Test
  void linesSurviveEverySplitPointMultiByteCharactersAndCrLf() {
    byte[] bytes = "\uFEFFZoë\r\n\r\nnaïve 🙂\nlast".getBytes(StandardCharsets.UTF_8);
    for (int split = 0; split <= bytes.length; split++) {
      assertThat(lines(bytes, 100, split))
          .as("split at " + split)
          .containsExactly("1:Zoë", "2:", "3:naïve 🙂", "4:last");
    }
  }

  @Test
  void aLongLineAndBadUtf8FailAloneAndTheNextLineIsRead() {
    byte[] bytes = new byte[] {'a', 'b', 'c', 'd', 'e', '\n', (byte) 0xC3, '(', '\n', 'o', 'k'};
    assertThat(lines(bytes, 4, 3))
        .containsExactly(
            "1:!Line 1 is longer than 4 bytes", "2:!Line 2 is not valid UTF-8", "3:ok");
  }

  @Test
  void csvRecordsQuotesAndLineBreaksInsideFields() {
    List<SourceRecord> records = new ArrayList<>();
    CsvRecords csv = new CsvRecords(1000, records::add);
    String text =
        "a,\"b,c\",\"say \"\"hi\"\"\"\n\n\"two\nlines\",x,\n\"bad\"x,y\nq\"uote,z\n\"open";
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      csv.line(i + 1, lines[i], null);
    }
    csv.end();
    assertThat(records).hasSize(5);
    assertThat(records.get(0).fields()).containsExactly("a", "b,c", "say \"hi\"");
    assertThat(records.get(1).line()).isEqualTo(3);
    assertThat(records.get(1).fields()).containsExactly("two\nlines", "x", "");
    assertThat(records.get(2).problem()).contains("line 5").contains("after the closing quote");
    assertThat(records.get(3).problem()).contains("line 6").contains("inside an unquoted field");
    assertThat(records.get(4).problem()).contains("line 7").contains("never ends");
  }
}
