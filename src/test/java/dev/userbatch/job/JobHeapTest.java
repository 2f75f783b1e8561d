package dev.userbatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.support.ApiTest;
import dev.userbatch.support.ChildService;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A 100,000-user create job, uploaded in one stream, run by a service in its own JVM with {@code
 * -Xmx256m}: it completes, every user is stored once, and the heap held. In the {@code jobs}
 * profile ({@code mvn -B -Pjobs verify}), where the test JVM's own service runs no jobs, so the job
 * runs where the heap is bounded.
 */
@EnabledIfSystemProperty(named = "jobs.multi", matches = "true")
class JobHeapTest extends ApiTest {
  private static final int USERS = 100_000;

  @Test
  void aHundredThousandUsersUnder256Mb() {
    String tag = "heap-" + System.nanoTime();
    ChildJobs jobs = new ChildJobs();
    try (ChildService child =
        ChildService.start("jobs-heap", "256m", Map.of("JOB_MAX_RUNNING_PER_NODE", "2"))) {
      long started = System.nanoTime();
      JsonObject accepted =
          jobs.upload(child.port(), "operation=create&chunkSize=500", ChildJobs.users(tag, USERS));
      long uploadedMs = (System.nanoTime() - started) / 1_000_000;
      JsonObject job = jobs.awaitFinal(child.port(), accepted.getString("id"), 600_000);
      long doneMs = (System.nanoTime() - started) / 1_000_000;
      assertThat(child.isAlive()).as(child.logTail()).isTrue();
      assertThat(job).as("the job did not finish; " + child.logTail()).isNotNull();
      assertThat(job.getString("status")).isEqualTo("completed");
      assertThat(job.getJsonObject("counts").getInteger("succeeded")).isEqualTo(USERS);
      long stored =
          sync(sql("SELECT count(DISTINCT email) FROM users WHERE email LIKE $1", tag + "-%"))
              .iterator()
              .next()
              .getLong(0);
      assertThat(stored).isEqualTo(USERS);
      assertThat(child.logLines())
          .as("the child ran the job")
          .anyMatch(
              line -> line.contains("job finished") && line.contains(accepted.getString("id")));
      System.out.printf(
          "100k-user job: uploaded+staged in %d ms, completed in %d ms, peak heap %d MB%n",
          uploadedMs, doneMs, child.peakHeapMb());
    }
  }
}
