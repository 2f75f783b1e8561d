package dev.userbatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class NdjsonCreateJobTest extends JobSupport {

  @Test
  void createJobStagesRunsAndReportsEveryLine() {
    String tag = unique("ndjson");
    String body =
        "{\"email\":\"a-"
            + tag
            + "@example.com\",\"name\":\"A\",\"passwordHash\":\""
            + HASH
            + "\"}\n"
            + "not json\n"
            + "\n"
            + "{\"email\":\"b-"
            + tag
            + "@example.com\",\"name\":\"B\",\"password\":\"correct horse battery\"}\n"
            + "{\"email\":\"bad\",\"name\":\"C\",\"password\":\"correct horse battery\"}\n";
    JsonObject job = runJob("operation=create&chunkSize=1", "application/x-ndjson", body);
    assertThat(job.getString("status")).isEqualTo("completed_with_errors");
    assertThat(job.getJsonObject("counts"))
        .isEqualTo(
            new JsonObject()
                .put("total", 4)
                .put("processed", 4)
                .put("succeeded", 2)
                .put("failed", 2)
                .put("skipped", 0));
    assertThat(job.getJsonObject("failuresByCode"))
        .isEqualTo(new JsonObject().put("VALIDATION_ERROR", 2));
    List<JsonObject> failures = ndjson(JOBS + "/" + job.getString("id") + "/failures");
    assertThat(failures).hasSize(2);
    assertThat(failures.get(0).getInteger("line")).isEqualTo(2);
    assertThat(failures.get(0).getInteger("index")).isEqualTo(1);
    assertThat(failures.get(1).getInteger("line")).isEqualTo(5);
    assertThat(failures.get(1).getJsonObject("item").getString("password")).isEqualTo("[REDACTED]");
    List<JsonObject> results = ndjson(JOBS + "/" + job.getString("id") + "/results");
    assertThat(results)
        .extracting(r -> r.getString("email"))
        .containsExactly("a-" + tag + "@example.com", "b-" + tag + "@example.com");
    assertThat(userRow(results.get(1).getString("id"))).isNotNull();
  }
}
