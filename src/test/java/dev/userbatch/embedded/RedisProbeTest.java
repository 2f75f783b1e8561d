package dev.userbatch.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.userbatch.config.EmbeddedMode;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

/** The start-up Redis probe: what counts as "a Redis server answers" and what the failures say. */
class RedisProbeTest {

  @Test
  void aServerThatWantsAPasswordAnswersNoauthAndCountsAsReachable() throws Exception {
    int port = freePort();
    RedisServer server =
        RedisServer.newRedisServer()
            .port(port)
            .setting("bind 127.0.0.1")
            .setting("save \"\"")
            .setting("requirepass s3cret")
            .build();
    server.start();
    try {
      RedisProbe.check("redis://127.0.0.1:" + port, Duration.ofSeconds(3));
      // credentials are not the probe's business (as before): the service's client reports a wrong
      // password
      RedisProbe.check("redis://:wrong@127.0.0.1:" + port + "/3", Duration.ofSeconds(3));
    } finally {
      server.stop();
    }
  }

  @Test
  void aServerThatNeverRepliesFailsAfterTheTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      long t0 = System.nanoTime();
      assertThatThrownBy(
              () ->
                  RedisProbe.check(
                      "redis://127.0.0.1:" + silent.getLocalPort(), Duration.ofMillis(500)))
          .isInstanceOf(IOException.class)
          .hasMessage("no reply to PING within 500 ms");
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(5000);
    }
  }

  @Test
  void aReplyOtherThanPongIsRejected() throws Exception {
    try (ServerSocket fake = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      Thread replier = new Thread(() -> answerEveryPing(fake, "+NOTPONG\r\n"));
      replier.setDaemon(true);
      replier.start();
      assertThatThrownBy(
              () ->
                  RedisProbe.check(
                      "redis://127.0.0.1:" + fake.getLocalPort(), Duration.ofSeconds(3)))
          .isInstanceOf(IOException.class)
          .hasMessage("unexpected reply to PING: NOTPONG");
    }
  }

  @Test
  void redissSpeaksTlsSoAPlainServerFailsTheHandshake() {
    assumeTrue(listening(6379), "needs local Redis on 6379");
    assertThatThrownBy(() -> RedisProbe.check("rediss://127.0.0.1:6379", Duration.ofMillis(800)))
        .isInstanceOf(IOException.class);
  }

  @Test
  void somethingThatIsNotRedisIsRejected() {
    assumeTrue(listening(5432), "needs local PostgreSQL on 5432");
    // PostgreSQL closes the connection on a startup packet it cannot read
    assertThatThrownBy(() -> RedisProbe.check("redis://127.0.0.1:5432", Duration.ofSeconds(3)))
        .isInstanceOf(IOException.class)
        .hasMessage("unexpected reply to PING: <connection closed>");
  }

  @Test
  void anUnknownHostIsNamed() {
    assertThatThrownBy(() -> RedisProbe.check("redis://nohost.invalid:6379", Duration.ofSeconds(3)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("nohost.invalid");
  }

  @Test
  void theFutureFormRunsOnAVertxItIsGiven() throws Exception {
    assumeTrue(listening(6379), "needs local Redis on 6379");
    Vertx vertx = Vertx.vertx();
    try {
      RedisProbe.ping(vertx, "redis://127.0.0.1:6379/8", Duration.ofSeconds(3))
          .toCompletionStage()
          .toCompletableFuture()
          .get(5, TimeUnit.SECONDS);
      assertThat(RedisProbe.ping(vertx, "http://127.0.0.1:6379", Duration.ofSeconds(3)).failed())
          .isTrue();
      // the probe closed its own client only: the instance it was given still works
      assertThat(
              vertx
                  .executeBlocking(() -> "alive")
                  .toCompletionStage()
                  .toCompletableFuture()
                  .get(5, TimeUnit.SECONDS))
          .isEqualTo("alive");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void onlySchemeHostAndPortAreProbed() {
    assertThat(RedisProbe.endpointOf("redis://:s3cret@cache:6380/2"))
        .isEqualTo("redis://cache:6380");
    assertThat(RedisProbe.endpointOf("REDISS://user:pw@cache")).isEqualTo("rediss://cache:6379");
    assertThat(RedisProbe.endpointOf(" redis://[::1]:7000 ")).isEqualTo("redis://[::1]:7000");
    assertThatThrownBy(() -> RedisProbe.endpointOf("http://cache:6379"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RedisProbe.endpointOf(" "))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aMalformedConfiguredUrlIsReportedAsSuch() {
    assertThatThrownBy(
            () -> InfrastructureEndpoints.resolve(null, "mysql://h:1", EmbeddedMode.NEVER, null))
        .isInstanceOf(InfrastructureException.class)
        .hasMessage(
            "REDIS_URL is set to mysql://h:1 which is not a valid Redis URL; expected "
                + "redis://[:password@]host:port[/db]");
  }

  // ------------------------------------------------------------------------------------------

  private static void answerEveryPing(ServerSocket server, String reply) {
    try (Socket s = server.accept();
        BufferedReader in =
            new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))) {
      OutputStream out = s.getOutputStream();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.equalsIgnoreCase("PING")) {
          out.write(reply.getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
      }
    } catch (IOException e) {
      // the probe closed the connection
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
