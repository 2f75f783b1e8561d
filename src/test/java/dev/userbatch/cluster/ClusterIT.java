package dev.userbatch.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.batch.Scopes;
import dev.userbatch.config.ClusterConfig;
import dev.userbatch.config.ServiceConfig;
import dev.userbatch.metrics.Telemetry;
import dev.userbatch.support.ClusterKeys;
import dev.userbatch.support.FaultSupport;
import dev.userbatch.support.JarNode;
import dev.userbatch.support.TestData;
import dev.userbatch.support.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, items 1, 2, 5, 6 and the first test of item 8, on real separate JVMs: the fat jar,
 * started as an operator starts it, on loopback. Two members, node-a (ROLE=all, where requests
 * arrive) and node-b (ROLE=worker), share the chunk work; other nodes come and go in the tests.
 * Runs in the {@code cluster} profile ({@code mvn -Pcluster verify}), after the jar is built.
 * Start-up and batch times go to {@code target/cluster-it/timings.txt}.
 */
class ClusterIT {
  private static final String SECRET = "cluster-it-secret-" + UUID.randomUUID();
  private static final int BATCH = 10_000;
  private static final Pattern UUID_TEXT =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final Pattern TIMESTAMP =
      Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");

  /** The ports of one node. */
  private record Ports(int http, int cluster, int eventBus) {
    static Ports free() {
      return new Ports(TestService.freePort(), TestService.freePort(), TestService.freePort());
    }

    String member() {
      return "127.0.0.1:" + cluster;
    }
  }

  private static ClusterKeys keys;
  private static ClusterKeys strangerKeys;
  private static String token;
  private static Ports portsA;
  private static Ports portsB;
  private static JarNode a;
  private static JarNode b;

  @BeforeAll
  static void startTwoNodes() {
    keys = ClusterKeys.make("cluster-it", "node-a", "node-b", "node-c");
    strangerKeys = ClusterKeys.make("cluster-it-stranger", "stranger");
    token = TestService.shared().token("cluster-it", Scopes.READ, Scopes.WRITE);
    portsA = Ports.free();
    portsB = Ports.free();
    String members = portsA.member() + "," + portsB.member();
    a =
        JarNode.start(
            "node-a", portsA.http(), clustered("node-a", portsA, members, "all", keys, SECRET));
    b =
        JarNode.start(
            "node-b", portsB.http(), clustered("node-b", portsB, members, "worker", keys, SECRET));
    assertThat(FaultSupport.waitFor(60_000, () -> members(a) == 2)).as(a.logTail()).isTrue();
    timing(
        "start-up of a clustered node (process start to /health/live): node-a %d ms (first member), "
            + "node-b %d ms (joins node-a)",
        a.startUpMs(), b.startUpMs());
  }

  @AfterAll
  static void stopNodes() {
    if (b != null) {
      b.close();
    }
    if (a != null) {
      a.close();
    }
  }

  @Test
  void twoNodesShareATenThousandUserBatchAndAnswerItemForItemAsOneNodeDoes() {
    String run = UUID.randomUUID().toString().substring(0, 8);
    String singleTag = "single-" + run;
    String clusterTag = "cluster-" + run;
    HttpResponse<String> single;
    long singleMs;
    try (JarNode alone = JarNode.start("single", TestService.freePort(), Map.of())) {
      assertThat(alone.readyCheck("cluster")).isNull();
      timing("start-up of a single (not clustered) node, for comparison: %d ms", alone.startUpMs());
      preExisting(alone, singleTag);
      long started = System.nanoTime();
      single = alone.post("/batch/users/create", token, batch(singleTag));
      singleMs = (System.nanoTime() - started) / 1_000_000;
    }
    preExisting(a, clusterTag);
    double chunksA = a.chunksProcessed("create");
    double chunksB = b.chunksProcessed("create");
    long started = System.nanoTime();
    HttpResponse<String> clustered = a.post("/batch/users/create", token, batch(clusterTag));
    long clusterMs = (System.nanoTime() - started) / 1_000_000;
    timing(
        "10,000-user create (pre-hashed, 5%% failing), after a 500-user warm-up: one node %d ms, "
            + "two nodes %d ms (node-a ran %.0f chunks, node-b %.0f)",
        singleMs,
        clusterMs,
        a.chunksProcessed("create") - chunksA,
        b.chunksProcessed("create") - chunksB);

    assertThat(clustered.statusCode()).isEqualTo(207).isEqualTo(single.statusCode());
    JsonObject clusterBody = new JsonObject(clustered.body());
    JsonObject singleBody = new JsonObject(single.body());
    assertThat(clusterBody.getJsonObject("stats").getInteger("total")).isEqualTo(BATCH);
    assertThat(clusterBody.getJsonObject("stats").getInteger("successful")).isEqualTo(BATCH - 30);
    assertThat(
            clusterBody.getJsonArray("failed").stream()
                .map(f -> ((JsonObject) f).getString("code"))
                .distinct())
        .containsExactlyInAnyOrder("VALIDATION_ERROR", "DUPLICATE_EMAIL");
    JsonObject expected = comparable(singleBody, singleTag);
    JsonObject actual = comparable(clusterBody, clusterTag);
    assertThat(actual.getJsonArray("data").size()).isEqualTo(expected.getJsonArray("data").size());
    for (int i = 0; i < expected.getJsonArray("data").size(); i++) {
      assertThat(actual.getJsonArray("data").getValue(i))
          .as("data[%d]", i)
          .isEqualTo(expected.getJsonArray("data").getValue(i));
    }
    assertThat(actual).isEqualTo(expected);
    // both members took a share of the chunks: node-b only through the clustered event bus
    assertThat(a.chunksProcessed("create") - chunksA).isPositive();
    assertThat(b.chunksProcessed("create") - chunksB).isPositive();
    assertThat(countUsers(clusterTag)).isEqualTo(BATCH - 30 + 500);
  }

  @Test
  void eachMemberReportsTheClusterAndLabelsItsMetricsWithItsNode() {
    JsonObject cluster = a.readyCheck("cluster");
    assertThat(cluster.getString("status")).isEqualTo("UP");
    assertThat(cluster.getJsonObject("data").getInteger("members")).isEqualTo(2);
    assertThat(cluster.getJsonObject("data").getInteger("workerNodes")).isEqualTo(2);
    assertThat(a.readyCheck("workers").getString("status")).isEqualTo("UP");
    // the worker node answers /health and /metrics on its HTTP port, and nothing of the API
    assertThat(b.get("/health/ready").statusCode()).isEqualTo(200);
    assertThat(b.readyCheck("cluster").getJsonObject("data").getInteger("members")).isEqualTo(2);
    assertThat(
            b.post("/batch/users/create", token, new JsonObject().put("users", new JsonArray()))
                .statusCode())
        .isEqualTo(404);
    assertThat(a.metrics().samples())
        .isNotEmpty()
        .allMatch(s -> "node-a".equals(s.labels().get("node")));
    assertThat(b.metrics().samples())
        .isNotEmpty()
        .allMatch(s -> "node-b".equals(s.labels().get("node")));
    String joined = "cluster member joined member=\"" + portsB.member() + "\"";
    assertThat(FaultSupport.waitFor(10_000, () -> a.log().contains(joined))).as(a.log()).isTrue();
    assertThat(b.log())
        .contains("cluster member joined member=\"" + portsA.member() + "\"")
        .contains("clustered event bus started node=\"node-b\" role=\"worker\" members=\"2\"");
  }

  @Test
  void anApiNodeRunsNoWorkersItsBatchesRunOnTheOthersAndItsLeavingIsLogged() {
    Ports portsC = Ports.free();
    String members = portsA.member() + "," + portsB.member() + "," + portsC.member();
    String tag = "api-node-" + UUID.randomUUID().toString().substring(0, 8);
    double others = a.chunksProcessed("create") + b.chunksProcessed("create");
    try (JarNode c =
        JarNode.start(
            "node-c", portsC.http(), clustered("node-c", portsC, members, "api", keys, SECRET))) {
      assertThat(FaultSupport.waitFor(30_000, () -> members(a) == 3)).isTrue();
      JsonObject cluster = c.readyCheck("cluster").getJsonObject("data");
      assertThat(cluster.getInteger("members")).isEqualTo(3);
      assertThat(cluster.getInteger("workerNodes")).isEqualTo(2);
      assertThat(c.readyCheck("workers").getString("status")).isEqualTo("UP");
      HttpResponse<String> created =
          c.post(
              "/batch/users/create",
              token,
              new JsonObject().put("users", TestData.usersWithHash(tag, 300)));
      assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
      assertThat(c.chunksProcessed("create")).isZero();
      assertThat(a.chunksProcessed("create") + b.chunksProcessed("create") - others).isEqualTo(3);
    }
    assertThat(FaultSupport.waitFor(30_000, () -> members(a) == 2)).isTrue();
    // The membership view changes before Hazelcast's event thread has logged the departure.
    String left = "cluster member left member=\"" + portsC.member() + "\"";
    assertThat(FaultSupport.waitFor(10_000, () -> a.log().contains(left))).as(a.log()).isTrue();
    assertThat(countUsers(tag)).isEqualTo(300);
  }

  @Test
  void aNodeWithoutTheSecretCannotJoinAndOneWithoutTheTrustStoreCannotSend() throws Exception {
    Ports portsS1 = Ports.free();
    Ports portsS2 = Ports.free();
    String members = portsA.member() + "," + portsB.member();
    // a key of the cluster CA (node-c's: nothing stops two nodes from sharing one) but another
    // secret
    Map<String, String> noSecret =
        clustered(
            "s1", "node-c", portsS1, members, "api", keys, "another-secret-" + UUID.randomUUID());
    noSecret.put("CHUNK_TIMEOUT_MS", "10000");
    Map<String, String> ownCa =
        clustered("s2", "stranger", portsS2, members, "api", strangerKeys, SECRET);
    ownCa.put("CHUNK_TIMEOUT_MS", "10000");
    double before = a.chunksProcessed("create") + b.chunksProcessed("create");
    String tag = "stranger-" + UUID.randomUUID().toString().substring(0, 8);
    try (JarNode s1 = JarNode.launch("stranger-no-secret", portsS1.http(), noSecret);
        JarNode s2 = JarNode.launch("stranger-own-ca", portsS2.http(), ownCa)) {
      s1.awaitLive(180_000);
      s2.awaitLive(180_000);
      // without the secret: Hazelcast refuses the join, the node is a cluster of one without
      // workers
      assertThat(s1.readyCheck("cluster").getJsonObject("data").getInteger("members")).isEqualTo(1);
      assertThat(a.log()).doesNotContain("member=\"" + portsS1.member() + "\"");
      HttpResponse<String> refused =
          s1.post(
              "/batch/users/create",
              token,
              new JsonObject().put("users", TestData.usersWithHash(tag + "-s1", 50)));
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);

      // with the secret but a CA of its own: Hazelcast lets it in (membership is the secret's), the
      // event bus does not: no chunk it sends is taken, nothing is written
      assertThat(FaultSupport.waitFor(30_000, () -> members(a) == 3)).as(a.logTail()).isTrue();
      HttpResponse<String> unsent =
          s2.post(
              "/batch/users/create",
              token,
              new JsonObject().put("users", TestData.usersWithHash(tag + "-s2", 200)));
      assertThat(unsent.statusCode()).as(unsent.body()).isEqualTo(422);
      assertThat(new JsonObject(unsent.body()).getJsonObject("stats").getInteger("successful"))
          .isZero();
      assertThat(s2.metrics().samples())
          .noneMatch(
              s ->
                  s.name().equals("vertx_eventbus_received_total")
                      && "remote".equals(s.labels().get("side"))
                      && s.value() > 0);
    }
    assertThat(countUsers(tag)).isZero();
    assertThat(a.chunksProcessed("create") + b.chunksProcessed("create")).isEqualTo(before);
    assertThat(FaultSupport.waitFor(30_000, () -> members(a) == 2)).isTrue();
  }

  @Test
  void theEventBusPortCompletesNoTlsSessionWithoutAKeyTheClusterCaSigned() throws Exception {
    assertThat(tlsSessionAccepted(portsA.eventBus(), null)).as("no client certificate").isFalse();
    assertThat(
            tlsSessionAccepted(
                portsA.eventBus(),
                keyManagers(strangerKeys.keyStore("stranger"), strangerKeys.password())))
        .as("a certificate of another CA")
        .isFalse();
    assertThat(
            tlsSessionAccepted(
                portsA.eventBus(), keyManagers(keys.keyStore("node-c"), keys.password())))
        .as("a certificate of the cluster CA (the control)")
        .isTrue();
  }

  /**
   * Readiness's view of membership, on a node of a cluster of its own in this JVM: a member while
   * Hazelcast runs, not one once Hazelcast has stopped under Vert.x (which would still call its
   * cluster manager active).
   */
  @Test
  void aNodeWhoseHazelcastStoppedIsNoLongerAMember() throws Exception {
    Ports ports = Ports.free();
    Map<String, String> env =
        clustered(
            "in-jvm",
            "node-c",
            ports,
            ports.member(),
            "all",
            keys,
            "in-jvm-secret-" + UUID.randomUUID());
    ClusterConfig cluster = ServiceConfig.load(env).cluster();
    Vertx vertx = ClusteredVertx.start(cluster, new Telemetry(cluster.node()), new VertxOptions());
    try {
      ClusterView view = ClusterView.of(vertx);
      assertThat(view.member()).isTrue();
      assertThat(view.members()).isEqualTo(1);
      assertThat(FaultSupport.await(view.nodesWith("users.worker.ping"), 10)).isZero();
      ((HazelcastClusterManager) ((VertxInternal) vertx).clusterManager())
          .getHazelcastInstance()
          .getLifecycleService()
          .terminate();
      assertThat(view.member()).isFalse();
    } finally {
      // leaving a cluster whose Hazelcast is gone may fail; only the threads matter here
      vertx
          .close()
          .toCompletionStage()
          .toCompletableFuture()
          .handle((ok, err) -> null)
          .get(30, TimeUnit.SECONDS);
    }
  }

  private static Map<String, String> clustered(
      String node, Ports ports, String members, String role, ClusterKeys stores, String secret) {
    return clustered(node, node, ports, members, role, stores, secret);
  }

  /**
   * The settings of a member named {@code node} that presents the key {@code key} of {@code
   * stores}.
   */
  private static Map<String, String> clustered(
      String node,
      String key,
      Ports ports,
      String members,
      String role,
      ClusterKeys stores,
      String secret) {
    Map<String, String> env = new HashMap<>();
    env.put("CLUSTER", "true");
    env.put("ROLE", role);
    env.put("NODE_NAME", node);
    env.put("CLUSTER_SECRET", secret);
    env.put("CLUSTER_MEMBERS", members);
    env.put("CLUSTER_HOST", "127.0.0.1");
    env.put("CLUSTER_PORT", String.valueOf(ports.cluster()));
    env.put("EVENT_BUS_PORT", String.valueOf(ports.eventBus()));
    env.put("CLUSTER_KEY_STORE", stores.keyStore(key).toString());
    env.put("CLUSTER_KEY_STORE_PASSWORD", stores.password());
    env.put("CLUSTER_TRUST_STORE", stores.trustStore().toString());
    env.put("CLUSTER_TRUST_STORE_PASSWORD", stores.password());
    return env;
  }

  private static int members(JarNode node) {
    JsonObject cluster = node.readyCheck("cluster");
    return cluster == null || cluster.getJsonObject("data") == null
        ? -1
        : cluster.getJsonObject("data").getInteger("members", -1);
  }

  /**
   * The batch: 10,000 creates of which 10 have an invalid email (refused by the coordinator), 10
   * the email of an existing user and 10 that of the item before them (refused by the workers, on
   * whichever node): 9,970 created.
   */
  private static JsonObject batch(String tag) {
    JsonArray users = new JsonArray();
    for (int i = 0; i < BATCH; i++) {
      String email =
          switch (i % 1000) {
            case 250 -> tag + "-existing-" + i / 1000 + "@example.com";
            case 500 -> "not-an-email-" + tag + "-" + i;
            case 750 -> tag + "-" + (i - 1) + "@example.com";
            default -> tag + "-" + i + "@example.com";
          };
      users.add(TestData.userWithHash(email, "User " + i));
    }
    return new JsonObject()
        .put("users", users)
        .put("options", new JsonObject().put("maxConcurrency", 8));
  }

  /** The 10 users the batch collides with, among 500 created first (which warms the node up). */
  private static void preExisting(JarNode node, String tag) {
    JsonArray users = new JsonArray();
    for (int i = 0; i < 500; i++) {
      String email =
          i < 10 ? tag + "-existing-" + i + "@example.com" : tag + "-warm-up-" + i + "@example.com";
      users.add(TestData.userWithHash(email, "Warm-up " + i));
    }
    HttpResponse<String> created =
        node.post("/batch/users/create", token, new JsonObject().put("users", users));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
  }

  /**
   * The response with what differs by nature between two runs taken out: the run's tag in every
   * string, and each created user's id and timestamps (checked for their form, then removed).
   */
  private static JsonObject comparable(JsonObject response, String tag) {
    JsonObject copy = new JsonObject(response.encode().replace(tag, "TAG"));
    for (Object item : copy.getJsonArray("data")) {
      JsonObject user = (JsonObject) item;
      assertThat(user.getString("id")).matches(UUID_TEXT);
      assertThat(user.getString("createdAt")).matches(TIMESTAMP);
      assertThat(user.getString("updatedAt")).isEqualTo(user.getString("createdAt"));
      user.remove("id");
      user.remove("createdAt");
      user.remove("updatedAt");
    }
    return copy;
  }

  private static long countUsers(String tag) {
    return FaultSupport.await(
            TestService.shared()
                .pg
                .preparedQuery("SELECT count(*) FROM users WHERE email LIKE $1")
                .execute(Tuple.of(tag + "-%")),
            30)
        .iterator()
        .next()
        .getLong(0);
  }

  /**
   * Whether the event-bus server keeps a TLS session open with a client that presents {@code
   * keyManagers}' certificate (none when null) and trusts any server. A member says nothing until
   * it has a message to send, so an accepted session is one whose first read times out; a refused
   * one ends in a handshake alert or a closed connection.
   */
  private static boolean tlsSessionAccepted(int port, KeyManager[] keyManagers) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyManagers, new TrustManager[] {new TrustAnyServer()}, null);
    try (SSLSocket socket =
        (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(3000);
      socket.startHandshake();
      return socket.getInputStream().read() != -1;
    } catch (SocketTimeoutException silentPeer) {
      return true;
    } catch (SSLException | SocketException refused) {
      return false;
    }
  }

  private static KeyManager[] keyManagers(Path store, String password) throws Exception {
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keyStore.load(in, password.toCharArray());
    }
    KeyManagerFactory factory =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(keyStore, password.toCharArray());
    return factory.getKeyManagers();
  }

  /** The test client checks the server's side, not its own: it trusts any server certificate. */
  private static final class TrustAnyServer implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

  private static void timing(String format, Object... args) {
    String line = String.format(format, args);
    System.out.println("[cluster-it] " + line);
    try {
      Path file = Path.of("target", "cluster-it", "timings.txt");
      Files.createDirectories(file.getParent());
      Files.writeString(
          file,
          line + System.lineSeparator(),
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
