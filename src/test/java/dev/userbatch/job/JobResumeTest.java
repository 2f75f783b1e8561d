package dev.userbatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.support.ApiTest;
import dev.userbatch.support.ChildService;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * {@code kill -9} of the node running a job, halfway, then a restart: the job resumes from its
 * staged chunks once the lease runs out, and completes with every item applied exactly once (no
 * user missing, none created twice, no item failed by its own earlier attempt). In the {@code jobs}
 * profile.
 */
@EnabledIfSystemProperty(named = "jobs.multi", matches = "true")
class JobResumeTest extends ApiTest {
  private static final int USERS = 40_000;
  private static final Map<String, String> NODE =
      Map.of(
          "JOB_MAX_RUNNING_PER_NODE", "1", "JOB_LEASE_MS", "3000", "JOB_POLL_INTERVAL_MS", "500");

  @Test
  void aJobKilledHalfwayCompletesWithEveryItemOnce() throws Exception {
    String tag = "resume-" + System.nanoTime();
    ChildJobs jobs = new ChildJobs();
    String id;
    ChildService first = ChildService.start("jobs-resume-1", "256m", NODE);
    try {
      id =
          jobs.upload(
                  first.port(),
                  "operation=create&chunkSize=100&maxConcurrency=4",
                  ChildJobs.users(tag, USERS))
              .getString("id");
      long deadline = System.currentTimeMillis() + 120_000;
      int processed = 0;
      while (processed < USERS / 5 && System.currentTimeMillis() < deadline) {
        processed = jobs.job(first.port(), id).getJsonObject("counts").getInteger("processed");
        Thread.sleep(20);
      }
      assertThat(processed).as("the job is under way").isBetween(USERS / 5, USERS - 1);
      ProcessHandle.of(first.pid()).orElseThrow().destroyForcibly(); // SIGKILL
      ProcessHandle.of(first.pid()).ifPresent(p -> p.onExit().join());
    } finally {
      first.close();
    }
    Row halfway =
        sync(sql("SELECT status, processed FROM import_jobs WHERE id = $1", UUID.fromString(id)))
            .iterator()
            .next();
    assertThat(halfway.getString("status")).isEqualTo("running");
    assertThat(halfway.getInteger("processed")).isLessThan(USERS);

    try (ChildService second = ChildService.start("jobs-resume-2", "256m", NODE)) {
      JsonObject job = jobs.awaitFinal(second.port(), id, 300_000);
      assertThat(job).as("the job did not finish; " + second.logTail()).isNotNull();
      assertThat(job.getString("status")).as(job.encode()).isEqualTo("completed");
      assertThat(job.getJsonObject("counts"))
          .isEqualTo(
              new JsonObject()
                  .put("total", USERS)
                  .put("processed", USERS)
                  .put("succeeded", USERS)
                  .put("failed", 0)
                  .put("skipped", 0));
      Row stored =
          sync(sql(
                  "SELECT count(*), count(DISTINCT lower(email)) FROM users WHERE email LIKE $1",
                  tag + "-%"))
              .iterator()
              .next();
      assertThat(stored.getLong(0)).isEqualTo(USERS);
      assertThat(stored.getLong(1)).isEqualTo(USERS);
      Row chunks =
          sync(sql(
                  "SELECT count(*) FILTER (WHERE done_at IS NULL), "
                      + "coalesce(sum(cardinality(succeeded_ids)), 0) FROM import_job_chunks WHERE job_id = $1",
                  UUID.fromString(id)))
              .iterator()
              .next();
      assertThat(chunks.getLong(0)).isZero();
      assertThat(chunks.getLong(1)).isEqualTo(USERS);
      assertThat(second.logLines())
          .as("the restarted node resumed the job")
          .anyMatch(line -> line.contains("job finished") && line.contains(id));
    }
  }
}
