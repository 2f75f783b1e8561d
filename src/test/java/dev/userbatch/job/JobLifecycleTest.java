package dev.userbatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.batch.Scopes;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Cancel, the event stream, Idempotency-Key, scopes, refusals and the job events. */
class JobLifecycleTest extends JobSupport {

  private static String plaintextUsers(String tag, int count) {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < count; i++) {
      body.append(
              new JsonObject()
                  .put("email", tag + "-" + i + "@example.com")
                  .put("name", "User " + i)
                  .put("password", "correct horse battery " + i)
                  .encode())
          .append('\n');
    }
    return body.toString();
  }

  @Test
  void cancelStopsTheJobAndTheRestIsNotProcessed() {
    String tag = unique("cancel");
    HttpResponse<Buffer> accepted =
        upload(
            "operation=create&chunkSize=2&maxConcurrency=1",
            "application/x-ndjson",
            plaintextUsers(tag, 200));
    assertThat(accepted.statusCode()).isEqualTo(202);
    String id = accepted.bodyAsJsonObject().getString("id");
    long deadline = System.currentTimeMillis() + 30_000;
    while (sync(service.http.get(JOBS + "/" + id).send())
                .bodyAsJsonObject()
                .getJsonObject("counts")
                .getInteger("succeeded")
            < 2
        && System.currentTimeMillis() < deadline) {
      sleep(50);
    }
    HttpResponse<Buffer> cancel = sync(service.http.delete(JOBS + "/" + id).send());
    assertThat(cancel.statusCode()).as(cancel.bodyAsString()).isEqualTo(202);
    assertThat(cancel.bodyAsJsonObject().getBoolean("cancelRequested")).isTrue();
    JsonObject job = awaitFinal(id);
    assertThat(job.getString("status")).isEqualTo("cancelled");
    JsonObject counts = job.getJsonObject("counts");
    int succeeded = counts.getInteger("succeeded");
    assertThat(succeeded).isBetween(2, 199);
    assertThat(counts.getInteger("processed")).isEqualTo(200);
    assertThat(counts.getInteger("failed")).isEqualTo(200 - succeeded);
    assertThat(job.getJsonObject("failuresByCode"))
        .isEqualTo(new JsonObject().put("NOT_PROCESSED", 200 - succeeded));
    List<JsonObject> failures = ndjson(JOBS + "/" + id + "/failures");
    assertThat(failures).hasSize(200 - succeeded);
    assertThat(failures.get(0).getInteger("line")).isEqualTo(succeeded + 1);
    assertThat(failures.get(0).getJsonObject("item").getString("password")).isEqualTo("[REDACTED]");
    Row users =
        sync(sql("SELECT count(*) FROM users WHERE email LIKE $1", tag + "-%")).iterator().next();
    assertThat(users.getLong(0)).isEqualTo(succeeded);
    Row secrets =
        sync(sql(
                "SELECT count(*) FROM import_job_chunks WHERE job_id = $1 AND body IS NOT NULL",
                UUID.fromString(id)))
            .iterator()
            .next();
    assertThat(secrets.getLong(0)).as("no staged item outlives the job").isZero();

    HttpResponse<Buffer> again = sync(service.http.delete(JOBS + "/" + id).send());
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(again.bodyAsJsonObject().getString("code")).isEqualTo("JOB_FINISHED");
    HttpResponse<Buffer> unknown = sync(service.http.delete(JOBS + "/" + UUID.randomUUID()).send());
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.bodyAsJsonObject().getString("code")).isEqualTo("JOB_NOT_FOUND");
  }

  @Test
  void theEventStreamEndsWithTheFinalRecord() {
    String tag = unique("sse");
    HttpResponse<Buffer> accepted =
        upload(
            "operation=create&chunkSize=1&maxConcurrency=1",
            "application/x-ndjson",
            plaintextUsers(tag, 20));
    String id = accepted.bodyAsJsonObject().getString("id");
    HttpResponse<Buffer> events = sync(service.http.get(JOBS + "/" + id + "/events").send());
    assertThat(events.statusCode()).isEqualTo(200);
    assertThat(events.getHeader("content-type")).startsWith("text/event-stream");
    List<String> names = new ArrayList<>();
    List<JsonObject> records = new ArrayList<>();
    for (String event : events.bodyAsString().split("\n\n")) {
      String[] lines = event.split("\n");
      assertThat(lines).hasSize(2);
      names.add(lines[0].substring("event: ".length()));
      records.add(new JsonObject(lines[1].substring("data: ".length())));
    }
    assertThat(names.get(names.size() - 1)).isEqualTo("end");
    assertThat(names.subList(0, names.size() - 1)).containsOnly("progress");
    JsonObject last = records.get(records.size() - 1);
    assertThat(last.getString("status")).isEqualTo("completed");
    assertThat(last.getJsonObject("counts").getInteger("succeeded")).isEqualTo(20);
  }

  @Test
  void anIdempotencyKeyReplaysTheSameJob() {
    String tag = unique("idem");
    String body = plaintextUsers(tag, 3);
    String key = "jobs-" + tag;
    HttpResponse<Buffer> first = uploadWithKey(key, body);
    HttpResponse<Buffer> second = uploadWithKey(key, body);
    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(second.statusCode()).isEqualTo(202);
    assertThat(second.getHeader("Idempotent-Replayed")).isEqualTo("true");
    assertThat(second.bodyAsJsonObject().getString("id"))
        .isEqualTo(first.bodyAsJsonObject().getString("id"));
    assertThat(first.getHeader("Location"))
        .isEqualTo(JOBS + "/" + first.bodyAsJsonObject().getString("id"));
    HttpResponse<Buffer> other = uploadWithKey(key, plaintextUsers(tag + "x", 3));
    assertThat(other.statusCode()).isEqualTo(422);
    assertThat(other.bodyAsJsonObject().getString("code")).isEqualTo("IDEMPOTENCY_KEY_REUSED");
    awaitFinal(first.bodyAsJsonObject().getString("id"));
    Row created =
        sync(sql("SELECT count(*) FROM users WHERE email LIKE $1", tag + "-%")).iterator().next();
    assertThat(created.getLong(0)).isEqualTo(3);
  }

  private HttpResponse<Buffer> uploadWithKey(String key, String body) {
    return sync(
        service
            .http
            .post(JOBS + "?operation=create")
            .putHeader("Content-Type", "application/x-ndjson")
            .putHeader("Idempotency-Key", key)
            .sendBuffer(Buffer.buffer(body)));
  }

  @Test
  void scopesAndRefusals() {
    String readOnly = "Bearer " + service.token("reader", Scopes.READ);
    HttpResponse<Buffer> forbidden =
        sync(
            service
                .anonymousHttp
                .post(JOBS + "?operation=create")
                .putHeader("Authorization", readOnly)
                .putHeader("Content-Type", "application/x-ndjson")
                .sendBuffer(Buffer.buffer("{}\n")));
    assertThat(forbidden.statusCode()).isEqualTo(403);
    HttpResponse<Buffer> list =
        sync(
            service
                .anonymousHttp
                .get(JOBS + "?limit=1")
                .putHeader("Authorization", readOnly)
                .send());
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(sync(service.anonymousHttp.get(JOBS).send()).statusCode()).isEqualTo(401);

    assertRefused(
        upload("operation=lookup", "application/x-ndjson", "\"x\"\n"), 400, "UNKNOWN_OPERATION");
    assertRefused(
        upload("operation=create&chunkSize=0", "application/x-ndjson", "{}\n"),
        400,
        "INVALID_OPTION");
    assertRefused(
        upload("operation=create&atomic=true", "application/x-ndjson", "{}\n"),
        400,
        "INVALID_OPTION");
    assertRefused(
        upload("operation=update&onConflict=skip", "application/x-ndjson", "{}\n"),
        400,
        "INVALID_OPTION");
    assertRefused(
        upload("operation=create", "application/json", "{}"), 415, "UNSUPPORTED_MEDIA_TYPE");
    assertRefused(
        upload("operation=create", "text/csv", "mail,name\nx,y\n"), 400, "INVALID_CSV_HEADER");
    assertRefused(
        upload("operation=create", "text/csv", "email,password\nx,y\n"), 400, "INVALID_CSV_HEADER");
    assertRefused(upload("operation=create", "text/csv", ""), 400, "INVALID_CSV_HEADER");
  }

  private static void assertRefused(HttpResponse<Buffer> response, int status, String code) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.bodyAsJsonObject().getString("code")).isEqualTo(code);
  }

  @Test
  void listIsNewestFirstAndPaged() {
    String first =
        upload("operation=create", "application/x-ndjson", "").bodyAsJsonObject().getString("id");
    String second =
        upload("operation=create", "application/x-ndjson", "").bodyAsJsonObject().getString("id");
    JsonObject page = sync(service.http.get(JOBS + "?limit=1").send()).bodyAsJsonObject();
    assertThat(page.getJsonArray("jobs").getJsonObject(0).getString("id")).isEqualTo(second);
    JsonObject next =
        sync(service.http.get(JOBS + "?limit=1&before=" + page.getString("next")).send())
            .bodyAsJsonObject();
    assertThat(next.getJsonArray("jobs").getJsonObject(0).getString("id")).isEqualTo(first);
    assertThat(sync(service.http.get(JOBS + "?limit=0").send()).statusCode()).isEqualTo(400);
    assertThat(sync(service.http.get(JOBS + "?before=nonsense").send()).statusCode())
        .isEqualTo(400);
  }

  @Test
  void aJobWritesItsStartAndCompletionEvents() {
    String tag = unique("events");
    JsonObject job = runJob("operation=create", "application/x-ndjson", plaintextUsers(tag, 2));
    long deadline = System.currentTimeMillis() + 10_000;
    List<String> published = new ArrayList<>();
    while (System.currentTimeMillis() < deadline) {
      published.clear();
      for (Row row :
          sync(
              sql(
                  "SELECT type FROM outbox_events WHERE payload->>'jobId' = $1 "
                      + "AND bus_published_at IS NOT NULL AND stream_published_at IS NOT NULL "
                      + "ORDER BY created_at",
                  job.getString("id")))) {
        published.add(row.getString(0));
      }
      if (published.size() == 2) {
        break;
      }
      sleep(100);
    }
    assertThat(published).containsExactly("USERS_JOB_STARTED", "USERS_JOB_COMPLETED");
    Row completed =
        sync(sql(
                "SELECT payload::text FROM outbox_events WHERE payload->>'jobId' = $1 AND type = 'USERS_JOB_COMPLETED'",
                job.getString("id")))
            .iterator()
            .next();
    JsonObject payload = new JsonObject(completed.getString(0));
    assertThat(payload.getString("status")).isEqualTo("completed");
    assertThat(payload.getJsonObject("counts").getInteger("succeeded")).isEqualTo(2);
  }
}
