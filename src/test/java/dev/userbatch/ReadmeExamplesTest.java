package dev.userbatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.support.ApiTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The README's curl examples, run as printed (bash, curl) against the test service. */
class ReadmeExamplesTest extends ApiTest {

  @Test
  void endpointExamplesWorkAsPrinted() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    int section = readme.indexOf("\n## API\n");
    assertThat(section).as("README section ## API").isNotNegative();
    int start = readme.indexOf("```bash\n", section) + "```bash\n".length();
    String script = readme.substring(start, readme.indexOf("```", start));

    ProcessBuilder bash =
        new ProcessBuilder("bash", "-euo", "pipefail", "-c", script).redirectErrorStream(true);
    bash.environment().put("BASE", "http://127.0.0.1:" + service.port());
    bash.environment().put("TOKEN", service.token("readme", "users:read", "users:write"));
    Process process = bash.start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = new String(process.getInputStream().readAllBytes());

    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output)
        .contains("Successfully created 2 out of 2 users")
        .contains("Found 2 out of 2 users")
        .contains("Successfully updated 2 out of 2 users")
        .contains("Successfully updated last login for 2 out of 2 users")
        .contains("Successfully deleted 1 out of 1 users")
        .contains("Successfully restored 1 out of 1 users")
        .containsIgnoringCase("Idempotent-Replayed: true")
        .contains("Dry run: Successfully created 1 out of 1 users; nothing was written")
        .contains("\"outcome\":\"UP\"")
        .contains("batch_operations_total{operation=\"create\"")
        .contains("\"openapi\"")
        .doesNotContain("\"success\":false");
  }
}
