package dev.userbatch.config;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Clustered mode (part of {@link ServiceConfig}): several nodes share the chunk work over the
 * Vert.x event bus, clustered by Hazelcast. Off unless {@code CLUSTER=true}; then nothing of
 * Hazelcast starts.
 *
 * @param enabled {@code CLUSTER}: join a cluster
 * @param role {@code ROLE}: what this node runs, see {@link Role}
 * @param nodeName {@code NODE_NAME}: the {@code node} label of this node's metrics; null: {@code
 *     CLUSTER_HOST:CLUSTER_PORT}, unique within the cluster
 * @param clusterName {@code CLUSTER_NAME}: nodes of one deployment share it
 * @param clusterSecret {@code CLUSTER_SECRET}: shared by every member; a node without it derives
 *     another Hazelcast cluster name and is refused
 * @param members {@code CLUSTER_MEMBERS}: {@code host:port} of the Hazelcast members to join by
 *     TCP/IP; empty: the join configured in {@code clusterConfigFile} (Kubernetes DNS, …)
 * @param host {@code CLUSTER_HOST}: the one IP address Hazelcast binds to and announces (never all
 *     interfaces)
 * @param port {@code CLUSTER_PORT}: Hazelcast's port
 * @param eventBusHost {@code EVENT_BUS_HOST}: the address of the event-bus (TLS) server; null:
 *     {@code host}
 * @param eventBusPort {@code EVENT_BUS_PORT}: its port
 * @param configFile {@code CLUSTER_CONFIG_FILE}: the Hazelcast XML the settings above are applied
 *     to
 * @param keyStore {@code CLUSTER_KEY_STORE}: PKCS#12 file with this node's key and certificate
 *     (event-bus TLS, both directions)
 * @param keyStorePassword {@code CLUSTER_KEY_STORE_PASSWORD}
 * @param trustStore {@code CLUSTER_TRUST_STORE}: PKCS#12 file with the certificate(s) of the
 *     cluster's CA: only members whose certificate it signed can connect
 * @param trustStorePassword {@code CLUSTER_TRUST_STORE_PASSWORD}
 */
public record ClusterConfig(
    boolean enabled,
    Role role,
    String nodeName,
    String clusterName,
    String clusterSecret,
    List<String> members,
    String host,
    int port,
    String eventBusHost,
    int eventBusPort,
    String configFile,
    String keyStore,
    String keyStorePassword,
    String trustStore,
    String trustStorePassword) {

  /**
   * Same floor as the other shared secrets: the secret is what keeps strangers out of the
   * membership.
   */
  public static final int MIN_SECRET_LENGTH = 32;

  /** What a node runs. */
  public enum Role {
    /** Everything, as a single node does. */
    ALL,
    /**
     * HTTP, the event-bus API, the TCP bridge, the outbox relay and the retention purge; no chunk
     * workers.
     */
    API,
    /** Chunk workers only (plus /health and /metrics on the HTTP port). */
    WORKER;

    public boolean runsWorkers() {
      return this != API;
    }

    public boolean servesApi() {
      return this != WORKER;
    }

    static Role parse(String value) {
      try {
        return Role.valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "Configuration role (env ROLE) must be all, api or worker, got '" + value + "'");
      }
    }
  }

  public ClusterConfig {
    members = List.copyOf(members);
    if (!enabled) {
      if (role != Role.ALL) {
        throw new IllegalArgumentException(
            "ROLE="
                + role.name().toLowerCase(Locale.ROOT)
                + " needs CLUSTER=true: a single node must run everything");
      }
    } else {
      require(clusterName, "clusterName");
      require(clusterSecret, "clusterSecret");
      if (clusterSecret.length() < MIN_SECRET_LENGTH) {
        throw new IllegalArgumentException(
            "Configuration clusterSecret (env CLUSTER_SECRET) must be at least "
                + MIN_SECRET_LENGTH
                + " characters");
      }
      require(keyStore, "clusterKeyStore");
      require(trustStore, "clusterTrustStore");
      requireAddress(host, "clusterHost");
      if (eventBusHost != null) {
        requireAddress(eventBusHost, "eventBusHost");
      }
      requirePort(port, "clusterPort", false);
      requirePort(eventBusPort, "eventBusPort", true);
      members.forEach(ClusterConfig::requireMember);
    }
  }

  /** The event bus listens where Hazelcast does unless told otherwise. */
  public String eventBusAddress() {
    return eventBusHost != null ? eventBusHost : host;
  }

  /** The {@code node} label: the configured name, or this member's Hazelcast address. */
  public String node() {
    return nodeName != null ? nodeName : host + ":" + port;
  }

  /** Without the secret and the key store passwords. */
  @Override
  public String toString() {
    return "ClusterConfig[enabled="
        + enabled
        + ", role="
        + role
        + ", node="
        + node()
        + ", clusterName="
        + clusterName
        + ", members="
        + members
        + ", host="
        + host
        + ", port="
        + port
        + ", eventBus="
        + eventBusAddress()
        + ":"
        + eventBusPort
        + ", configFile="
        + configFile
        + ", keyStore="
        + keyStore
        + ", trustStore="
        + trustStore
        + "]";
  }

  static ClusterConfig fromJson(JsonObject json) {
    return new ClusterConfig(
        SecurityConfig.strictBoolean(json, "cluster"),
        Role.parse(String.valueOf(json.getValue("role", "all"))),
        text(json, "nodeName"),
        text(json, "clusterName"),
        text(json, "clusterSecret"),
        list(text(json, "clusterMembers")),
        text(json, "clusterHost"),
        Math.toIntExact(ServiceConfig.longField(json, "clusterPort")),
        text(json, "eventBusHost"),
        Math.toIntExact(ServiceConfig.longField(json, "eventBusPort")),
        text(json, "clusterConfigFile"),
        text(json, "clusterKeyStore"),
        text(json, "clusterKeyStorePassword"),
        text(json, "clusterTrustStore"),
        text(json, "clusterTrustStorePassword"));
  }

  private static List<String> list(String csv) {
    List<String> items = new ArrayList<>();
    if (csv != null) {
      for (String item : csv.split(",")) {
        if (!item.isBlank()) {
          items.add(item.trim());
        }
      }
    }
    return items;
  }

  private static void require(String value, String field) {
    if (value == null) {
      throw new IllegalArgumentException("CLUSTER=true needs " + ServiceConfig.envName(field));
    }
  }

  /**
   * The IPv4 address of one interface: Hazelcast binds to interfaces by address, and a wildcard
   * would open the cluster port on every network the machine is on.
   */
  private static void requireAddress(String value, String field) {
    String env = ServiceConfig.envName(field);
    if (value == null || !IPV4.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "Configuration "
              + field
              + " (env "
              + env
              + ") must be the IPv4 address of one interface, got '"
              + value
              + "'");
    }
    if (value.equals("0.0.0.0")) {
      throw new IllegalArgumentException(
          "Configuration "
              + field
              + " (env "
              + env
              + ") must name one interface, not all of them (0.0.0.0)");
    }
  }

  private static final Pattern IPV4 =
      Pattern.compile(
          "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");

  private static void requirePort(int port, String field, boolean zeroAllowed) {
    if (port < (zeroAllowed ? 0 : 1) || port > 65535) {
      throw new IllegalArgumentException(
          "Configuration "
              + field
              + " (env "
              + ServiceConfig.envName(field)
              + ") must be a port number, got "
              + port);
    }
  }

  private static void requireMember(String member) {
    int colon = member.lastIndexOf(':');
    boolean valid = colon > 0 && colon < member.length() - 1;
    if (valid) {
      try {
        int port = Integer.parseInt(member.substring(colon + 1));
        valid = port > 0 && port <= 65535;
      } catch (NumberFormatException e) {
        valid = false;
      }
    }
    if (!valid) {
      throw new IllegalArgumentException(
          "Configuration clusterMembers (env CLUSTER_MEMBERS) must be host:port,"
              + " separated by commas; got '"
              + member
              + "'");
    }
  }

  private static String text(JsonObject json, String field) {
    Object value = json.getValue(field);
    return value == null || String.valueOf(value).isBlank() ? null : String.valueOf(value).trim();
  }
}
