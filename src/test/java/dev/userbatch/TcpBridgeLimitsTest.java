package dev.userbatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.userbatch.batch.Scopes;
import dev.userbatch.config.ServiceConfig;
import dev.userbatch.support.ApiTest;
import dev.userbatch.support.BridgeSocket;
import dev.userbatch.support.SeparateService;
import dev.userbatch.support.TestData;
import dev.userbatch.support.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 5: the TCP bridge cannot be used to exhaust the server. A frame longer than the
 * limit closes the connection as soon as its length is read; idle connections are closed; at most
 * so many connections are open; the bridge binds to loopback unless told otherwise and can speak
 * TLS; registering twice does not double the deliveries; a registration ends when its token
 * expires.
 */
class TcpBridgeLimitsTest extends ApiTest {
  private static final int MAX_FRAME = 4096;

  /** Small limits, to hit them. */
  private static TestService limited;

  private static int limitedPort;

  /** Default limits. */
  private static TestService plain;

  private static int plainPort;

  @BeforeAll
  static void startBridges() {
    limitedPort = TestService.freePort();
    limited =
        TestService.start(
            base ->
                SeparateService.config(
                    base,
                    Map.of(
                        "BRIDGE_PORT",
                        String.valueOf(limitedPort),
                        "BRIDGE_MAX_FRAME_BYTES",
                        String.valueOf(MAX_FRAME),
                        "BRIDGE_IDLE_TIMEOUT_SECONDS",
                        "2",
                        "BRIDGE_MAX_CONNECTIONS",
                        "3"),
                    null));
    plainPort = TestService.freePort();
    plain =
        TestService.start(
            base ->
                SeparateService.config(
                    base, Map.of("BRIDGE_PORT", String.valueOf(plainPort)), null));
  }

  @AfterAll
  static void stopBridges() {
    limited.close();
    plain.close();
  }

  @Test
  void theDefaultsAreLoopbackOneMebibyteAndBounded() {
    ServiceConfig defaults = ServiceConfig.load(Map.of());
    assertThat(defaults.bridge().bridgeHost()).isEqualTo("127.0.0.1");
    assertThat(defaults.bridge().bridgeMaxFrameBytes()).isEqualTo(1024 * 1024);
    assertThat(defaults.bridge().bridgeIdleTimeoutSeconds()).isPositive();
    assertThat(defaults.bridge().bridgeMaxConnections()).isPositive();
    assertThat(defaults.bridge().tls()).isFalse();
  }

  @Test
  void badLimitsFailStartUpNamingTheVariable() {
    assertThatThrownBy(() -> ServiceConfig.load(Map.of("BRIDGE_MAX_FRAME_BYTES", "0")))
        .hasMessageContaining("BRIDGE_MAX_FRAME_BYTES");
    assertThatThrownBy(() -> ServiceConfig.load(Map.of("BRIDGE_TLS_CERT_FILE", "/tmp/cert.pem")))
        .hasMessageContaining("BRIDGE_TLS_KEY_FILE");
  }

  @Test
  void aFrameLongerThanTheLimitClosesTheConnectionBeforeItIsBuffered() throws Exception {
    try (BridgeSocket socket = BridgeSocket.connect("127.0.0.1", limitedPort)) {
      // a frame of exactly the limit is served
      JsonObject ping = new JsonObject().put("type", "ping");
      String padded = ping.encode();
      padded =
          padded.substring(0, padded.length() - 1) + " ".repeat(MAX_FRAME - padded.length()) + "}";
      byte[] exact = padded.getBytes(StandardCharsets.UTF_8);
      assertThat(exact).hasSize(MAX_FRAME);
      socket.sendRaw(ByteBuffer.allocate(4 + MAX_FRAME).putInt(MAX_FRAME).put(exact).array());
      assertThat(socket.read(5_000))
          .as("pong to a frame of the limit")
          .isEqualTo(new JsonObject().put("type", "pong"));
      // one byte more is refused as soon as the length arrives: the body is never sent
      socket.sendRaw(ByteBuffer.allocate(4).putInt(MAX_FRAME + 1).array());
      JsonObject refusal = socket.read(5_000);
      assertThat(refusal).as("err frame for an oversized frame").isNotNull();
      assertThat(refusal.getString("type")).isEqualTo("err");
      assertThat(refusal.getString("message")).isEqualTo("frame_too_large");
      assertThat(socket.closedWithin(5_000))
          .as("connection closed after an oversized length")
          .isTrue();
    }
    // a negative length (2^31 and more) too
    try (BridgeSocket socket = BridgeSocket.connect("127.0.0.1", limitedPort)) {
      socket.sendRaw(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xF0});
      assertThat(socket.closedWithin(5_000))
          .as("connection closed after a negative length")
          .isTrue();
    }
  }

  @Test
  void anIdleConnectionIsClosedAndAPingingOneIsNot() throws Exception {
    try (BridgeSocket idle = BridgeSocket.connect("127.0.0.1", limitedPort);
        BridgeSocket busy = BridgeSocket.connect("127.0.0.1", limitedPort)) {
      long start = System.nanoTime();
      // the busy one pings every half second while the idle one says nothing
      boolean idleClosed = false;
      while (!idleClosed && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(8)) {
        assertThat(busy.pings()).isTrue();
        idleClosed = idle.closedWithin(500);
      }
      assertThat(idleClosed).as("idle connection closed within 8 s (idle timeout 2 s)").isTrue();
      assertThat(System.nanoTime() - start)
          .as("not before the idle timeout")
          .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(1_500));
      assertThat(busy.pings()).as("a connection in use stays open").isTrue();
    }
  }

  @Test
  void connectionsBeyondTheLimitAreRefused() throws Exception {
    List<BridgeSocket> open = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        BridgeSocket socket = BridgeSocket.connect("127.0.0.1", limitedPort);
        open.add(socket);
        assertThat(socket.pings()).as("connection %d of 3", i + 1).isTrue();
      }
      try (BridgeSocket fourth = BridgeSocket.connect("127.0.0.1", limitedPort)) {
        JsonObject refusal = fourth.read(5_000);
        assertThat(refusal).as("err frame to the fourth connection").isNotNull();
        assertThat(refusal.getString("message")).isEqualTo("too_many_connections");
        assertThat(fourth.closedWithin(5_000)).isTrue();
      }
      // a closed connection frees its place (the server notices the close asynchronously)
      open.remove(0).close();
      long deadline = System.currentTimeMillis() + 5_000;
      boolean admitted = false;
      while (!admitted && System.currentTimeMillis() < deadline) {
        BridgeSocket again = BridgeSocket.connect("127.0.0.1", limitedPort);
        open.add(again);
        again.send(new JsonObject().put("type", "ping"));
        JsonObject answer = again.read(5_000);
        admitted = answer != null && "pong".equals(answer.getString("type"));
      }
      assertThat(admitted).as("a new connection is admitted once one closed").isTrue();
    } finally {
      for (BridgeSocket socket : open) {
        socket.close();
      }
    }
  }

  @Test
  void theBridgeListensOnLoopbackOnlyByDefault() throws Exception {
    assertThat(plain.app.config().bridge().bridgeHost()).isEqualTo("127.0.0.1");
    try (BridgeSocket socket = BridgeSocket.connect("127.0.0.1", plainPort)) {
      assertThat(socket.pings()).isTrue();
    }
    InetAddress external = nonLoopbackAddress();
    assumeTrue(external != null, "this machine has a non-loopback IPv4 address");
    assertThatThrownBy(
            () -> {
              try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(external, plainPort), 2_000);
              }
            })
        .as("connecting on " + external)
        .isInstanceOf(IOException.class);
  }

  private static InetAddress nonLoopbackAddress() throws IOException {
    for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress address : nic.inetAddresses().toList()) {
        if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
          return address;
        }
      }
    }
    return null;
  }

  @Test
  void registeringTwiceDeliversEachEventOnce() throws Exception {
    String subject = "bridge-twice-" + UUID.randomUUID();
    String token = plain.token(subject, Scopes.READ, Scopes.WRITE);
    try (BridgeSocket socket = BridgeSocket.connect("127.0.0.1", plainPort)) {
      for (int i = 0; i < 3; i++) {
        socket.register("users.events", token);
      }
      assertThat(socket.pings()).as("no refusal of the repeated register").isTrue();
      String first = createOneUser(plain, "twice-a");
      String second = createOneUser(plain, "twice-b");
      // every event for the first user arrives before the one for the second
      int firstEvents = 0;
      long deadline = System.currentTimeMillis() + 15_000;
      boolean secondSeen = false;
      while (!secondSeen && System.currentTimeMillis() < deadline) {
        JsonObject frame = socket.read(Math.max(1, deadline - System.currentTimeMillis()));
        if (frame == null || !"users.events".equals(frame.getString("address"))) {
          continue;
        }
        JsonArray ids = frame.getJsonObject("body").getJsonArray("userIds", new JsonArray());
        firstEvents += ids.contains(first) ? 1 : 0;
        secondSeen = ids.contains(second);
      }
      assertThat(secondSeen).as("event of the second create").isTrue();
      assertThat(firstEvents).as("deliveries of one event after three registers").isEqualTo(1);
    }
  }

  @Test
  void aRegistrationEndsWhenItsTokenExpires() throws Exception {
    JWTAuth signer =
        JWTAuth.create(
            plain.clientVertx,
            new JWTAuthOptions()
                .addPubSecKey(
                    new PubSecKeyOptions()
                        .setAlgorithm("HS256")
                        .setBuffer(TestService.JWT_SECRET)));
    String shortLived =
        signer.generateToken(
            new JsonObject().put("sub", "bridge-expiring").put("scope", Scopes.READ),
            new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(3));
    String longLived = plain.token("bridge-watcher", Scopes.READ);
    try (BridgeSocket expiring = BridgeSocket.connect("127.0.0.1", plainPort);
        BridgeSocket watcher = BridgeSocket.connect("127.0.0.1", plainPort)) {
      expiring.register("users.events", shortLived);
      watcher.register("users.events", longLived);
      assertThat(expiring.pings()).isTrue();
      assertThat(watcher.pings()).isTrue();
      JsonObject ended = expiring.readUntil(frame -> "err".equals(frame.getString("type")), 10_000);
      assertThat(ended.getString("message")).isEqualTo("token_expired");
      assertThat(ended.getString("address")).isEqualTo("users.events");
      // an event after the expiry reaches the watcher, and not the expired registration
      String id = createOneUser(plain, "expired");
      watcher.readUntil(
          frame ->
              frame
                  .getJsonObject("body", new JsonObject())
                  .getJsonArray("userIds", new JsonArray())
                  .contains(id),
          15_000);
      expiring.send(new JsonObject().put("type", "ping"));
      JsonObject next = expiring.read(5_000);
      assertThat(next)
          .as("the next frame on the expired registration's socket is the pong")
          .isEqualTo(new JsonObject().put("type", "pong"));
    }
  }

  @Test
  void withTlsTheBridgeSpeaksTlsOnly() throws Exception {
    Path dir = Files.createTempDirectory("bridge-tls");
    KeyStore keyStore = selfSigned(dir);
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Files.writeString(cert, pem("CERTIFICATE", keyStore.getCertificate("bridge").getEncoded()));
    Files.writeString(
        key,
        pem(
            "PRIVATE KEY",
            ((PrivateKey) keyStore.getKey("bridge", "changeit".toCharArray())).getEncoded()));
    int port = TestService.freePort();
    TestService tls =
        TestService.start(
            base ->
                SeparateService.config(
                    base,
                    Map.of(
                        "BRIDGE_PORT", String.valueOf(port),
                        "BRIDGE_TLS_CERT_FILE", cert.toString(),
                        "BRIDGE_TLS_KEY_FILE", key.toString()),
                    null));
    try {
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(keyStore);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      SSLSocket secure = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
      secure.setSoTimeout(10_000);
      secure.startHandshake();
      try (BridgeSocket socket = new BridgeSocket(secure)) {
        assertThat(socket.pings()).as("ping over TLS").isTrue();
      }
      try (BridgeSocket clear = BridgeSocket.connect("127.0.0.1", port)) {
        clear.send(new JsonObject().put("type", "ping"));
        boolean ponged;
        try {
          JsonObject answer = clear.read(3_000);
          ponged = answer != null && "pong".equals(answer.getString("type"));
        } catch (IOException | RuntimeException notAFrame) {
          ponged = false;
        }
        assertThat(ponged).as("a clear-text ping is not answered").isFalse();
      }
    } finally {
      tls.close();
    }
  }

  /** A self-signed RSA certificate for 127.0.0.1, made by the JDK's keytool. */
  private static KeyStore selfSigned(Path dir) throws Exception {
    Path store = dir.resolve("bridge.p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process process =
        new ProcessBuilder(
                keytool.toString(),
                "-genkeypair",
                "-alias",
                "bridge",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-validity",
                "2",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "san=ip:127.0.0.1",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                "changeit",
                "-keypass",
                "changeit")
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as("keytool: " + output).isZero();
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keyStore.load(in, "changeit".toCharArray());
    }
    return keyStore;
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  private String createOneUser(TestService instance, String tag) {
    JsonArray users = TestData.usersWithHash("bridge-" + tag, 1);
    HttpResponse<Buffer> response =
        sync(
            instance
                .http
                .post("/batch/users/create")
                .sendJsonObject(TestData.createRequest(users, null)));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject().getJsonArray("data").getJsonObject(0).getString("id");
  }
}
