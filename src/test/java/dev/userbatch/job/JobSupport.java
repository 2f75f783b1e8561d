package dev.userbatch.job;

import dev.userbatch.support.ApiTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/** Helpers of the import-job tests: upload, wait for the end, read the NDJSON streams. */
abstract class JobSupport extends ApiTest {
  static final String JOBS = "/batch/users/jobs";
  static final String HASH = "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW";

  HttpResponse<Buffer> upload(String query, String contentType, String body) {
    return sync(
        service
            .http
            .post(JOBS + "?" + query)
            .putHeader("Content-Type", contentType)
            .sendBuffer(Buffer.buffer(body)));
  }

  /** Uploads and waits for the job to be final; its record. */
  JsonObject runJob(String query, String contentType, String body) {
    HttpResponse<Buffer> accepted = upload(query, contentType, body);
    if (accepted.statusCode() != 202) {
      throw new AssertionError(
          "upload refused: " + accepted.statusCode() + " " + accepted.bodyAsString());
    }
    return awaitFinal(accepted.bodyAsJsonObject().getString("id"));
  }

  JsonObject awaitFinal(String id) {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      JsonObject job = sync(service.http.get(JOBS + "/" + id).send()).bodyAsJsonObject();
      String status = job.getString("status");
      if (!status.equals("queued") && !status.equals("running")) {
        return job;
      }
      sleep(100);
    }
    throw new AssertionError("job " + id + " did not finish");
  }

  List<JsonObject> ndjson(String path) {
    HttpResponse<Buffer> response = sync(service.http.get(path).send());
    if (response.statusCode() != 200) {
      throw new AssertionError(path + ": " + response.statusCode() + " " + response.bodyAsString());
    }
    List<JsonObject> lines = new ArrayList<>();
    String body = response.bodyAsString();
    if (body == null) {
      return lines;
    }
    for (String line : body.split("\n")) {
      if (!line.isEmpty()) {
        lines.add(new JsonObject(line));
      }
    }
    return lines;
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static String unique(String tag) {
    return tag + "-" + System.nanoTime();
  }
}
