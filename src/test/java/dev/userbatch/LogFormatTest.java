package dev.userbatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.userbatch.config.LogFormat;
import dev.userbatch.support.ChildService;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * LOG_FORMAT=auto|json|text, in child JVMs configured by the production {@code logback.xml} (on the
 * test class path, {@code logback-test.xml} would win). Most children are given a bad HTTP_PORT so
 * that they log one start-up failure and exit at once: the appender is chosen before that line.
 */
class LogFormatTest {
  /**
   * The text appender's pattern: {@code %d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg}.
   */
  private static final Pattern TEXT_LINE =
      Pattern.compile(
          "\\d{2}:\\d{2}:\\d{2}\\.\\d{3} (INFO |WARN |ERROR) \\[[^\\]]+\\] [\\w.]+ - .+");

  private static final String BAD_PORT =
      "Configuration httpPort (env HTTP_PORT) must be an integer";

  @Test
  void parsesTheThreeValuesAndRefusesOthersNamingTheVariable() {
    assertThat(LogFormat.parse(null)).isEqualTo(LogFormat.AUTO);
    assertThat(LogFormat.parse(" ")).isEqualTo(LogFormat.AUTO);
    assertThat(LogFormat.parse("auto")).isEqualTo(LogFormat.AUTO);
    assertThat(LogFormat.parse("JSON")).isEqualTo(LogFormat.JSON);
    assertThat(LogFormat.parse(" Text ")).isEqualTo(LogFormat.TEXT);
    assertThatThrownBy(() -> LogFormat.parse("xml"))
        .hasMessage("Configuration LOG_FORMAT must be auto, json or text, got 'xml'");
  }

  @Test
  void autoIsTextAtATerminalAndJsonOtherwise() {
    assertThat(LogFormat.AUTO.appender(true)).isEqualTo("text");
    assertThat(LogFormat.AUTO.appender(false)).isEqualTo("json");
    assertThat(LogFormat.JSON.appender(true)).isEqualTo("json");
    assertThat(LogFormat.TEXT.appender(false)).isEqualTo("text");
  }

  @Test
  void aRunningServiceWithTextWritesReadableLines() throws InterruptedException {
    try (ChildService child =
        ChildService.start(
            "log-text", "256m", Map.of("LOG_FORMAT", "text"), List.of(productionConfig()))) {
      String listening = "user-batch-service listening on port " + child.port();
      List<String> lines = awaitLine(child, listening);
      assertThat(lines)
          .as(child.logTail())
          .anyMatch(
              line ->
                  TEXT_LINE.matcher(line).matches()
                      && line.contains(" INFO  [")
                      && line.contains(listening))
          .noneMatch(line -> line.startsWith("{"));
    }
  }

  /** The port opens a moment before the line that says so is written. */
  private static List<String> awaitLine(ChildService child, String text)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    List<String> lines = child.logLines();
    while (lines.stream().noneMatch(line -> line.contains(text))
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
      lines = child.logLines();
    }
    return lines;
  }

  @Test
  void jsonAndAutoWithoutATerminalWriteOneJsonObjectPerLine() throws Exception {
    for (String format : new String[] {"json", "auto", ""}) {
      Run run = startupFailure(format, false);
      assertThat(run.exitCode).as(run.output).isEqualTo(1);
      List<String> lines = run.output.lines().filter(line -> !line.isBlank()).toList();
      assertThat(lines).as("LOG_FORMAT=%s: %s", format, run.output).isNotEmpty();
      for (String line : lines) {
        JsonObject json = new JsonObject(line);
        assertThat(json.getString("level")).isEqualTo("ERROR");
        assertThat(json.getString("formattedMessage")).contains(BAD_PORT);
      }
    }
  }

  @Test
  void textWritesReadableLinesWithoutATerminal() throws Exception {
    Run run = startupFailure("text", false);
    assertThat(run.exitCode).as(run.output).isEqualTo(1);
    String first = run.output.lines().findFirst().orElse("");
    assertThat(first)
        .as(run.output)
        .matches(TEXT_LINE)
        .contains("ERROR [main] dev.userbatch.Main - Start-up failed: " + BAD_PORT);
  }

  @Test
  void autoAtATerminalWritesReadableLines() throws Exception {
    assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/script")),
        "util-linux script gives the child a terminal");
    Run run = startupFailure("auto", true);
    assertThat(run.exitCode).as(run.output).isEqualTo(1);
    String first = run.output.lines().findFirst().orElse("");
    assertThat(first).as(run.output).matches(TEXT_LINE).contains("Start-up failed: " + BAD_PORT);
    assertThat(run.output).doesNotContain("{\"");
  }

  @Test
  void anInvalidValueStopsStartUpNamingTheVariable() throws Exception {
    Run run = startupFailure("xml", false);
    assertThat(run.exitCode).as(run.output).isEqualTo(1);
    assertThat(run.output)
        .contains("Start-up failed: Configuration LOG_FORMAT must be auto, json or text, got 'xml'")
        .doesNotContain(BAD_PORT);
  }

  private record Run(int exitCode, String output) {}

  /**
   * Runs the service with LOG_FORMAT=format and a bad HTTP_PORT; at a terminal (through script(1))
   * or into a pipe.
   */
  private static Run startupFailure(String format, boolean terminal)
      throws IOException, InterruptedException {
    List<String> java =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            productionConfig(),
            "-cp",
            System.getProperty("java.class.path"),
            "dev.userbatch.Main");
    List<String> command = new ArrayList<>();
    if (terminal) {
      command.addAll(
          List.of(
              "/usr/bin/script",
              "-qec",
              String.join(" ", java.stream().map(LogFormatTest::quoted).toList()),
              "/dev/null"));
    } else {
      command.addAll(java);
    }
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("LOG_FORMAT", format);
    builder.environment().put("HTTP_PORT", "not-a-port");
    Process process = builder.start();
    process.getOutputStream().close();
    String output =
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
            .replace("\r", "");
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();
    return new Run(process.exitValue(), output);
  }

  private static String productionConfig() {
    URL config = LogFormatTest.class.getClassLoader().getResource("logback.xml");
    assertThat(config).as("logback.xml on the class path").isNotNull();
    assertThat(config.toString()).doesNotContain("test-classes");
    return "-Dlogback.configurationFile=" + config;
  }

  private static String quoted(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }
}
