package dev.userbatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.batch.Scopes;
import dev.userbatch.runner.Admission;
import dev.userbatch.support.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 items 3 and 12: beyond maxBatchesInFlight and the admission queue a request is refused
 * at once with 503 OVERLOADED and Retry-After; a queued request waits at most
 * admissionQueueTimeoutMs; a place is given back when its connection goes, and an upload that stops
 * half-way loses its connection after bodyReadTimeoutMs. The places are held by such stalled
 * uploads: admission is taken before the body is read.
 */
class AdmissionTest {
  private static TestService limited;
  private static Admission admission;

  @BeforeAll
  static void start() {
    limited =
        TestService.start(
            config -> {
              Map<String, String> env = new HashMap<>(System.getenv());
              env.put("MAX_BATCHES_IN_FLIGHT", "1");
              env.put("ADMISSION_QUEUE_SIZE", "1");
              env.put("ADMISSION_QUEUE_TIMEOUT_MS", "1500");
              env.put("BODY_READ_TIMEOUT_MS", "8000");
              env.put("DATA_DIR", config.dataDir().toString());
              dev.userbatch.config.ServiceConfig loaded =
                  dev.userbatch.config.ServiceConfig.load(env)
                      .withHttpPort(config.httpPort())
                      .withEndpoints(config.pgUrl(), config.redisUrl());
              return loaded.withSecurity(loaded.security().withJwtSecret(TestService.JWT_SECRET));
            });
    admission = Admission.of(limited.app.vertx(), limited.app.config().capacity());
  }

  @AfterAll
  static void stop() {
    if (limited != null) {
      limited.close();
    }
  }

  /** Headers and the first bytes of a 1,000-byte body, and no more. */
  private static Socket stalledUpload() throws IOException {
    Socket socket = new Socket("127.0.0.1", limited.port());
    socket.setSoTimeout(15_000);
    String token = limited.token("admission-test", Scopes.READ);
    OutputStream out = socket.getOutputStream();
    out.write(
        ("POST /batch/users/lookup HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                + token
                + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"ids\":[")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return socket;
  }

  private static void await(String what, IntSupplier actual, int expected) {
    long deadline = System.currentTimeMillis() + 10_000;
    while (actual.getAsInt() != expected) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError(what + " is " + actual.getAsInt() + ", expected " + expected);
      }
      try {
        TimeUnit.MILLISECONDS.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private static HttpResponse<Buffer> lookup() throws Exception {
    return limited
        .http
        .get("/batch/users/lookup?ids=" + UUID.randomUUID())
        .send()
        .toCompletionStage()
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  private static String readResponse(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[4096];
    int read = in.read(buffer);
    return read < 0 ? "" : new String(buffer, 0, read, StandardCharsets.UTF_8);
  }

  @Test
  void beyondTheQueueIsAFast503AndTheQueueWaitIsBounded() throws Exception {
    try (Socket holder = stalledUpload()) {
      await("batches in flight", admission::inFlight, 1);
      try (Socket queued = stalledUpload()) {
        await("requests waiting", admission::waiting, 1);

        long started = System.nanoTime();
        HttpResponse<Buffer> refused = lookup();
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(503);
        assertThat(refused.getHeader("Retry-After")).isEqualTo("1");
        JsonObject body = refused.bodyAsJsonObject();
        assertThat(body.getString("code")).isEqualTo("OVERLOADED");
        assertThat(body.getString("message"))
            .contains("MAX_BATCHES_IN_FLIGHT", "ADMISSION_QUEUE_SIZE");
        assertThat(tookMs).as("refused at the door, not after the queue wait").isLessThan(1500);

        // The queued one gives up after ADMISSION_QUEUE_TIMEOUT_MS (1.5 s) with the same 503.
        String queuedAnswer = readResponse(queued);
        assertThat(queuedAnswer)
            .startsWith("HTTP/1.1 503")
            .contains("Retry-After: 1", "OVERLOADED", "ADMISSION_QUEUE_TIMEOUT_MS");
        await("requests waiting", admission::waiting, 0);
      }
    }
    // The stalled upload's connection is gone: its place is free again.
    await("batches in flight", admission::inFlight, 0);
    HttpResponse<Buffer> served = lookup();
    assertThat(served.statusCode()).as(served.bodyAsString()).isEqualTo(200);
  }

  @Test
  void aStalledUploadLosesItsConnectionAndItsPlace() throws Exception {
    await("batches in flight", admission::inFlight, 0);
    try (Socket stalled = stalledUpload()) {
      await("batches in flight", admission::inFlight, 1);
      long started = System.nanoTime();
      // BODY_READ_TIMEOUT_MS is 8 s: the server closes the connection without an answer.
      String answer;
      try {
        answer = readResponse(stalled);
      } catch (java.net.SocketException reset) {
        answer = "";
      }
      long tookMs = (System.nanoTime() - started) / 1_000_000;
      assertThat(answer).isEmpty();
      assertThat(tookMs).isGreaterThan(4_000);
      await("batches in flight", admission::inFlight, 0);
    }
    HttpResponse<Buffer> served = lookup();
    assertThat(served.statusCode()).as(served.bodyAsString()).isEqualTo(200);
  }

  @Test
  void aQueuedRequestWhoseBodyArrivedWhileWaitingIsServedOnceAPlaceIsFree() throws Exception {
    await("batches in flight", admission::inFlight, 0);
    io.vertx.core.Future<HttpResponse<Buffer>> queued;
    try (Socket holder = stalledUpload()) {
      await("batches in flight", admission::inFlight, 1);
      queued =
          limited
              .http
              .post("/batch/users/lookup")
              .sendJsonObject(
                  new JsonObject()
                      .put(
                          "ids",
                          new io.vertx.core.json.JsonArray().add(UUID.randomUUID().toString())));
      await("requests waiting", admission::waiting, 1);
    }
    // The holder's connection is gone; the queued request (its whole body sent meanwhile) runs.
    HttpResponse<Buffer> served =
        queued.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(served.statusCode()).as(served.bodyAsString()).isEqualTo(200);
    assertThat(served.bodyAsJsonObject().getJsonArray("missing")).hasSize(1);
  }
}
