package dev.userbatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.support.ApiTest;
import dev.userbatch.support.TestData;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 item 7: the command-line client end to end against the running service: progress on
 * standard error, the summary, the failure file, the exit code, and a retry of the failed lines
 * that names the original file's lines; also in a JVM of its own, as a person runs it.
 */
class CliEndToEndTest extends ApiTest {
  private static final String HASH = TestData.BCRYPT;

  @TempDir Path dir;

  /** What one command printed and answered. */
  record Run(int code, String out, String err) {}

  private Run cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--url",
            "http://127.0.0.1:" + service.port(),
            "--token",
            service.token("cli-test", "users:read", "users:write")));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        new Cli(
                () -> {
                  throw new AssertionError("serve must not run");
                })
            .execute(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  private static String email(String tag, int i) {
    return tag + "-" + i + "@cli.example.com";
  }

  private long usersWithPrefix(String tag) {
    Row row =
        sync(sql("SELECT count(*) AS n FROM users WHERE email LIKE $1", tag + "-%"))
            .iterator()
            .next();
    return row.getLong("n");
  }

  @Test
  void importWritesFailureFileExitsOneAndRetryOfFixedLinesCompletes() throws IOException {
    String tag = "cli" + System.nanoTime();
    Path csv = dir.resolve("users.csv");
    List<String> lines = new ArrayList<>(List.of("email,name,passwordHash"));
    for (int i = 0; i < 300; i++) {
      lines.add(email(tag, i) + ",User " + i + "," + HASH);
    }
    lines.set(3, "not-an-email,Bad Email," + HASH); // line 4 of the file
    lines.set(101, email(tag, 100) + ",," + HASH); // line 102: no name
    Files.write(csv, lines, StandardCharsets.UTF_8);

    Run run = cli("import", csv.toString(), "--progress", "lines", "--progress-interval", "0");

    assertThat(run.code()).as(run.err()).isEqualTo(ExitCodes.ITEMS_FAILED);
    assertThat(run.err())
        .contains("accepted: 300 items staged")
        .contains("100.0 %  300/300 items")
        .contains("2 failures written to " + dir.resolve("users.failures.ndjson"))
        .doesNotContain("\r");
    assertThat(field(run.out(), "status")).isEqualTo("completed_with_errors");
    assertThat(field(run.out(), "succeeded")).isEqualTo("298");
    assertThat(field(run.out(), "failed")).isEqualTo("2");
    assertThat(field(run.out(), "VALIDATION_ERROR")).isEqualTo("2");
    Path failureFile = dir.resolve("users.failures.ndjson");
    List<JsonObject> failures =
        Files.readAllLines(failureFile).stream().map(JsonObject::new).toList();
    assertThat(failures).extracting(f -> f.getInteger("line")).containsExactly(4, 102);
    assertThat(failures).extracting(f -> f.getString("code")).containsOnly("VALIDATION_ERROR");
    assertThat(failures.get(0).getJsonObject("item").getString("passwordHash")).isNotEqualTo(HASH);
    assertThat(usersWithPrefix(tag)).isEqualTo(298);
    String jobId = acceptedJob(run.err());

    // fix one of the two lines: the retry sends both, one fails again, named by its line in
    // users.csv (102), not in the two-line file that was sent
    lines.set(3, email(tag, 2) + ",Fixed Email," + HASH);
    Files.write(csv, lines, StandardCharsets.UTF_8);
    Run retry = cli("retry", jobId, "--from", csv.toString(), "--progress", "none");
    assertThat(retry.code()).as(retry.err()).isEqualTo(ExitCodes.ITEMS_FAILED);
    assertThat(retry.err()).contains("sending again 2 failed lines of " + csv);
    assertThat(field(retry.out(), "total")).isEqualTo("2");
    assertThat(field(retry.out(), "failed")).isEqualTo("1");
    List<JsonObject> again = Files.readAllLines(failureFile).stream().map(JsonObject::new).toList();
    assertThat(again).hasSize(1);
    assertThat(again.get(0).getInteger("line")).isEqualTo(102);
    assertThat(again.get(0).getString("job")).isEqualTo(acceptedJob(retry.err()));
    assertThat(usersWithPrefix(tag)).isEqualTo(299);

    String retryId = acceptedJob(retry.err());
    lines.set(101, email(tag, 100) + ",Fixed Name," + HASH);
    Files.write(csv, lines, StandardCharsets.UTF_8);
    Run last = cli("retry", retryId, "--from", csv.toString(), "--progress", "none");
    assertThat(last.code()).as(last.err()).isEqualTo(ExitCodes.OK);
    assertThat(last.err()).contains("failed lines from " + failureFile);
    assertThat(field(last.out(), "status")).isEqualTo("completed");
    assertThat(field(last.out(), "total")).isEqualTo("1");
    assertThat(failureFile).doesNotExist();
    assertThat(usersWithPrefix(tag)).isEqualTo(300);
  }

  @Test
  void cancelStatusAndRefusalsHaveTheirExitCodes() throws Exception {
    String tag = "clicancel" + System.nanoTime();
    Path ndjson = dir.resolve("many.ndjson");
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      body.append(
          new JsonObject()
              .put("email", email(tag, i))
              .put("name", "N " + i)
              .put("passwordHash", HASH)
              .encode());
      body.append('\n');
    }
    Files.writeString(ndjson, body);
    Run started =
        cli(
            "import",
            ndjson.toString(),
            "--detach",
            "--chunk-size",
            "50",
            "--max-concurrency",
            "1");
    assertThat(started.code()).as(started.err()).isZero();
    String id = started.out().strip();

    Run cancel = cli("cancel", id);
    assertThat(cancel.code()).as(cancel.err()).isZero();
    assertThat(cancel.err()).contains("job " + id + ": cancel requested");

    String status = "";
    for (int i = 0; i < 300 && !status.equals("cancelled"); i++) {
      Run shown = cli("status", id, "--json");
      status = new JsonObject(shown.out()).getString("status");
      TimeUnit.MILLISECONDS.sleep(100);
    }
    assertThat(status).isEqualTo("cancelled");
    String summary = cli("status", id).out();
    assertThat(field(summary, "status")).isEqualTo("cancelled");
    assertThat(Long.parseLong(field(summary, "NOT_PROCESSED").replace(",", ""))).isPositive();

    Run again = cli("cancel", id);
    assertThat(again.code()).isEqualTo(ExitCodes.REFUSED);
    assertThat(again.err()).contains("409 JOB_FINISHED");

    Run unknown = cli("status", java.util.UUID.randomUUID().toString());
    assertThat(unknown.code()).isEqualTo(ExitCodes.REFUSED);
    assertThat(unknown.err()).contains("404 JOB_NOT_FOUND");

    Run listed = cli("jobs", "--limit", "50");
    assertThat(listed.code()).isZero();
    assertThat(listed.out()).startsWith("ID ").contains(id + "  cancelled");
  }

  @Test
  void inAJvmOfItsOwnWithoutTerminalItPrintsPlainProgressLines() throws Exception {
    String tag = "cliproc" + System.nanoTime();
    Path ndjson = dir.resolve("people.ndjson");
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 2_000; i++) {
      body.append(
          new JsonObject()
              .put("email", email(tag, i))
              .put("name", "P " + i)
              .put("passwordHash", HASH)
              .encode());
      body.append("\n");
    }
    Files.writeString(ndjson, body);
    Path tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, service.token("cli-proc", "users:read", "users:write") + "\n");
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "dev.userbatch.Main",
                "import",
                ndjson.toString(),
                "--url",
                "http://127.0.0.1:" + service.port(),
                "--token-file",
                tokenFile.toString())
            .redirectError(dir.resolve("stderr.txt").toFile())
            .redirectOutput(dir.resolve("stdout.txt").toFile())
            .start();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String err = Files.readString(dir.resolve("stderr.txt"));
    String out = Files.readString(dir.resolve("stdout.txt"));
    assertThat(process.exitValue()).as(err).isZero();
    assertThat(err).contains("accepted: 2,000 items staged").contains("100.0 %  2,000/2,000 items");
    assertThat(err).doesNotContain("\r").doesNotContain("\u001b");
    assertThat(field(out, "status")).isEqualTo("completed");
    assertThat(field(out, "succeeded")).isEqualTo("2,000");
    assertThat(dir.resolve("people.failures.ndjson")).doesNotExist();
    assertThat(usersWithPrefix(tag)).isEqualTo(2_000);
  }

  /** The value of one row of a summary table ("failed 2" → "2"). */
  private static String field(String table, String name) {
    for (String line : table.split("\\R")) {
      String[] cells = line.strip().split("\\s{2,}", 2);
      if (cells.length == 2 && cells[0].equals(name)) {
        return cells[1];
      }
    }
    throw new AssertionError("no row " + name + " in:\n" + table);
  }

  /** The job id in "job <id> accepted". */
  private static String acceptedJob(String err) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("job (\\S+) accepted").matcher(err);
    assertThat(m.find()).as(err).isTrue();
    return m.group(1);
  }
}
