package dev.userbatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client's parts that need no service: event-stream parsing, progress, failed lines. */
class ClientPartsTest {
  @TempDir Path dir;

  @Test
  void eventStreamIsParsedAsBrowsersDo() {
    List<ServerSentEvents.Event> events = new ArrayList<>();
    ServerSentEvents parser = new ServerSentEvents(events::add);
    for (String line :
        List.of(
            ": comment",
            "event: progress",
            "data: {\"a\":1}",
            "",
            "",
            "data:first",
            "data: second",
            "id: 7",
            "",
            "event: end",
            "data: {\"status\":\"completed\"}",
            "")) {
      parser.line(line);
    }
    assertThat(events)
        .containsExactly(
            new ServerSentEvents.Event("progress", "{\"a\":1}"),
            new ServerSentEvents.Event("message", "first\nsecond"),
            new ServerSentEvents.Event("end", "{\"status\":\"completed\"}"));
  }

  @Test
  void progressLineShowsBarCountsRateEtaAndFailures() {
    JsonObject record =
        new JsonObject()
            .put("status", "running")
            .put(
                "counts",
                new JsonObject().put("total", 10_000).put("processed", 4_000).put("failed", 3))
            .put("rate", 1250.4)
            .put("etaSeconds", 75);
    assertThat(ProgressDisplay.describe(record))
        .isEqualTo(
            "[############------------------]  40.0 %  4,000/10,000 items  1,250 items/s"
                + "  ETA 1m15s  3 failed  running");
    assertThat(ProgressDisplay.duration(3725)).isEqualTo("1h02m");
    assertThat(ProgressDisplay.duration(9)).isEqualTo("9s");
  }

  @Test
  void withoutTerminalProgressIsPlainLinesAtMostOncePerIntervalAndAlwaysTheLast() {
    StringWriter text = new StringWriter();
    AtomicLong now = new AtomicLong();
    ProgressDisplay display =
        new ProgressDisplay(new PrintWriter(text), ProgressDisplay.Mode.LINES, now::get, 5_000);
    for (int second = 0; second <= 12; second++) {
      now.set(second * 1_000_000_000L);
      display.job(record(second * 100, 1200, "running"), false);
    }
    display.job(record(1200, 1200, "completed"), true);
    String[] lines = text.toString().split("\n");
    assertThat(lines).hasSize(4); // at 0 s, 5 s, 10 s, and the end
    assertThat(lines[1]).contains("500/1,200 items");
    assertThat(lines[3]).contains("100.0 %").endsWith("completed");
    assertThat(text.toString()).doesNotContain("\r").doesNotContain("\u001b");
  }

  @Test
  void atTerminalTheBarIsRedrawnInPlace() {
    StringWriter text = new StringWriter();
    AtomicLong now = new AtomicLong();
    ProgressDisplay display =
        new ProgressDisplay(new PrintWriter(text), ProgressDisplay.Mode.BAR, now::get, 5_000);
    display.job(record(10, 100, "running"), false);
    now.set(1_000_000_000L);
    display.job(record(100, 100, "completed"), true);
    assertThat(text.toString()).startsWith("\r[###").contains("\r[##############################]");
    assertThat(text.toString()).endsWith(System.lineSeparator());
  }

  @Test
  void failedLinesAreCutOutWithTheCsvHeaderAndMappedBack() throws IOException {
    Path source = dir.resolve("users.csv");
    Files.writeString(
        source,
        "email,name,password\r\na@x.io,A,pw1\r\nb@x.io,B,pw2\nc@x.io,C,pw3\nd@x.io,D,pw4\n",
        StandardCharsets.UTF_8);
    BitSet failed = new BitSet();
    failed.set(3);
    failed.set(5);
    Path target = dir.resolve("retry.csv");
    FailedLines lines = FailedLines.copy(source, target, failed, true);
    assertThat(Files.readString(target))
        .isEqualTo("email,name,password\nb@x.io,B,pw2\nd@x.io,D,pw4\n");
    assertThat(lines.written()).isEqualTo(3);
    assertThat(lines.originalLine(2)).isEqualTo(3);
    assertThat(lines.originalLine(3)).isEqualTo(5);
    assertThat(lines.remap(new JsonObject("{\"line\":3,\"index\":1,\"code\":\"EMAIL_IN_USE\"}")))
        .isEqualTo(new JsonObject().put("line", 5).put("index", 1).put("code", "EMAIL_IN_USE"));
  }

  @Test
  void ndjsonRetryHasNoHeaderAndAWrongFileIsRefused() throws IOException {
    Path source = dir.resolve("users.ndjson");
    Files.writeString(source, "{\"n\":1}\n\n{\"n\":3}\n");
    BitSet failed = new BitSet();
    failed.set(1);
    failed.set(3);
    Path target = dir.resolve("retry.ndjson");
    FailedLines.copy(source, target, failed, false);
    assertThat(Files.readString(target)).isEqualTo("{\"n\":1}\n{\"n\":3}\n");
    failed.set(9);
    assertThatThrownBy(() -> FailedLines.copy(source, target, failed, false))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("has 3 lines, but the job failed line 9");
  }

  @Test
  void formatAndFailureFileFollowTheFileName() {
    assertThat(JobFormat.of(Path.of("users.CSV"))).isEqualTo(JobFormat.CSV);
    assertThat(JobFormat.of(Path.of("a/users.jsonl"))).isEqualTo(JobFormat.NDJSON);
    assertThat(JobFormat.of(Path.of("users.txt"))).isNull();
    assertThat(JobFormat.failureFileFor(Path.of("data", "users.csv")))
        .isEqualTo(Path.of("data", "users.failures.ndjson"));
  }

  @Test
  void exitCodeSaysWhetherItemsFailedOrTheJobDidNotComplete() {
    assertThat(JobFollower.exitCode(record(5, 5, "completed"))).isEqualTo(ExitCodes.OK);
    JsonObject withErrors = record(5, 5, "completed_with_errors");
    withErrors.getJsonObject("counts").put("failed", 1);
    assertThat(JobFollower.exitCode(withErrors)).isEqualTo(ExitCodes.ITEMS_FAILED);
    assertThat(JobFollower.exitCode(record(2, 5, "cancelled")))
        .isEqualTo(ExitCodes.JOB_NOT_COMPLETED);
    assertThat(JobFollower.exitCode(record(0, 5, "failed"))).isEqualTo(ExitCodes.JOB_NOT_COMPLETED);
  }

  @Test
  void usageErrorsExitWith2AndNameTheProblem() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        new Cli(() -> {})
            .execute(
                new String[] {"import", dir.resolve("missing.csv").toString(), "--token", "t"},
                new PrintWriter(out),
                new PrintWriter(err));
    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("cannot read").contains("missing.csv");
  }

  @Test
  void noCommandServes() {
    boolean[] served = new boolean[1];
    Cli cli = new Cli(() -> served[0] = true);
    assertThat(
            cli.execute(
                new String[0],
                new PrintWriter(new StringWriter()),
                new PrintWriter(new StringWriter())))
        .isZero();
    assertThat(served[0]).isTrue();
    assertThat(cli.serving()).isTrue();
  }

  private static JsonObject record(long processed, long total, String status) {
    return new JsonObject()
        .put("status", status)
        .put(
            "counts",
            new JsonObject().put("total", total).put("processed", processed).put("failed", 0));
  }
}
