package dev.userbatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.batch.Scopes;
import dev.userbatch.support.FaultSupport;
import dev.userbatch.support.PrometheusText;
import dev.userbatch.support.TestService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A 100,000-item response to a client that reads slowly: the server holds about one slice of it
 * encoded at a time (it waits for the socket to drain), and stops encoding when the client leaves.
 * The lookup of 100,000 unknown ids answers with a 3.9 MB {@code missing} array, streamed in slices
 * of 500 ids (19.5 KB).
 */
class StreamedResponseBackPressureTest {
  private static final int IDS = 100_000;

  /** A 36-character id, its quotes and a comma. */
  private static final int MISSING_BYTES = IDS * 39;

  /** One slice (500 ids, 19.5 KB) and the small fields that share its piece, with room to spare. */
  private static final long ONE_SLICE_BOUND = 2 * 500 * 39;

  private static final int CLIENT_RECEIVE_BUFFER = 4 * 1024;

  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private static TestService own;
  private static String request;

  @BeforeAll
  static void start() {
    own =
        FaultSupport.startService(Map.of("MAX_ITEMS_PER_REQUEST", String.valueOf(IDS)), null, null);
    JsonArray ids = new JsonArray();
    for (int i = 0; i < IDS; i++) {
      ids.add(UUID.randomUUID().toString());
    }
    String body =
        new JsonObject()
            .put("ids", ids)
            .put("options", new JsonObject().put("chunkSize", 1000).put("maxConcurrency", 4))
            .encode();
    request =
        "POST /batch/users/lookup HTTP/1.1\r\n"
            + "Host: 127.0.0.1\r\n"
            + "Authorization: Bearer "
            + own.token("slow-reader", Scopes.READ)
            + "\r\n"
            + "Content-Type: application/json\r\n"
            + "Content-Length: "
            + body.getBytes(StandardCharsets.UTF_8).length
            + "\r\n"
            + "Connection: close\r\n\r\n"
            + body;
  }

  @AfterAll
  static void stop() {
    if (own != null) {
      own.close();
    }
  }

  @Test
  void aSlowReaderCostsTheServerAboutOneSlice() throws Exception {
    PrometheusText before = metrics();
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    try (Socket socket = slowClient()) {
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[2048];
      int read;
      while ((read = in.read(buffer)) >= 0) {
        received.write(buffer, 0, read);
        Thread.sleep(1); // the slow client itself, not synchronisation: about 2 MB/s at most
      }
    }
    String response = received.toString(StandardCharsets.UTF_8);
    int headersEnd = response.indexOf("\r\n\r\n");
    assertThat(response).startsWith("HTTP/1.1 200 ");
    assertThat(response.substring(0, headersEnd).toLowerCase())
        .contains("transfer-encoding: chunked");
    JsonObject json = new JsonObject(dechunk(response.substring(headersEnd + 4)));
    assertThat(json.getJsonObject("stats").getInteger("requested")).isEqualTo(IDS);
    assertThat(json.getJsonArray("missing")).hasSize(IDS);
    assertThat(json.getJsonArray("data")).isEmpty();

    PrometheusText after = awaitStreams(before, "completed", 1);
    System.out.printf(
        "slow reader of %d bytes: at most %.0f bytes held encoded and unwritten%n",
        response.length(), delta(before, after, "batch_response_stream_peak_pending_bytes_sum"));
    assertThat(delta(before, after, "batch_response_stream_peak_pending_bytes_count")).isEqualTo(1);
    assertThat(delta(before, after, "batch_response_stream_encoded_bytes_sum"))
        .isGreaterThan(MISSING_BYTES);
    assertThat(delta(before, after, "batch_response_stream_peak_pending_bytes_sum"))
        .as("most bytes the server held encoded and unwritten for this one connection")
        .isLessThanOrEqualTo(ONE_SLICE_BOUND);
    assertThat(after.value("batch_response_stream_pending_bytes", Map.of())).isZero();
  }

  @Test
  void aClientThatLeavesStopsTheEncoding() throws Exception {
    PrometheusText before = metrics();
    try (Socket socket = slowClient()) {
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[2048];
      int total = 0;
      while (total < 16 * 1024) {
        int read = in.read(buffer);
        assertThat(read).as("the response ended before the client left").isPositive();
        total += read;
      }
    }
    PrometheusText after = awaitStreams(before, "abandoned", 1);
    System.out.printf(
        "client gone after 16 KB: %.0f bytes encoded%n",
        delta(before, after, "batch_response_stream_encoded_bytes_sum"));
    assertThat(delta(before, after, "batch_response_stream_encoded_bytes_sum"))
        .as("bytes encoded for a client that left after 16 KB")
        .isLessThan(MISSING_BYTES / 4.0);
    assertThat(
            FaultSupport.waitFor(
                10_000,
                () -> metrics().value("batch_response_stream_pending_bytes", Map.of()) == 0))
        .as("nothing held for the departed client")
        .isTrue();
  }

  private static Socket slowClient() throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(CLIENT_RECEIVE_BUFFER);
    socket.setSoTimeout(120_000);
    socket.connect(new InetSocketAddress("127.0.0.1", own.port()));
    OutputStream out = socket.getOutputStream();
    out.write(request.getBytes(StandardCharsets.UTF_8));
    out.flush();
    return socket;
  }

  /** Polls /metrics until {@code count} more streams ended with {@code outcome}. */
  private static PrometheusText awaitStreams(PrometheusText before, String outcome, int count) {
    Map<String, String> labels = Map.of("outcome", outcome);
    PrometheusText[] last = {before};
    boolean reached =
        FaultSupport.waitFor(
            30_000,
            () -> {
              last[0] = metrics();
              return last[0].value("batch_response_streams_total", labels)
                      - before.value("batch_response_streams_total", labels)
                  >= count;
            });
    assertThat(reached).as("a stream ended as %s", outcome).isTrue();
    return last[0];
  }

  private static double delta(PrometheusText before, PrometheusText after, String name) {
    return after.value(name, Map.of()) - before.value(name, Map.of());
  }

  private static PrometheusText metrics() {
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + own.port() + "/metrics"))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      return PrometheusText.parse(response.body());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The payload of an HTTP/1.1 chunked body (ASCII JSON here, so characters are bytes). */
  private static String dechunk(String chunked) {
    StringBuilder body = new StringBuilder();
    int at = 0;
    while (true) {
      int lineEnd = chunked.indexOf("\r\n", at);
      int size = Integer.parseInt(chunked.substring(at, lineEnd).trim(), 16);
      if (size == 0) {
        return body.toString();
      }
      body.append(chunked, lineEnd + 2, lineEnd + 2 + size);
      at = lineEnd + 2 + size + 2;
    }
  }
}
