package dev.userbatch.config;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The one typed configuration of the service. Defaults come from {@code conf/application.json} (the
 * file next to the working directory if present, otherwise the copy inside the jar); each field can
 * be overridden by an environment variable of the same name in UPPER_SNAKE_CASE.
 */
public record ServiceConfig(
    int httpPort,
    int bridgePort,
    String pgUrl,
    String redisUrl,
    Path dataDir,
    EmbeddedMode embedded,
    int maxItemsPerRequest,
    int atomicMaxItems,
    long maxBodyBytes,
    int cacheTtlSeconds,
    int restoreWindowDays,
    int idempotencyRetentionHours,
    int workerInstances,
    int pgPoolSize,
    long chunkTimeoutMs,
    long dbTimeoutMs,
    long cacheTimeoutMs,
    long shutdownTimeoutMs,
    long eventRelayIntervalMs,
    long eventStreamMaxLength,
    Set<String> trustedProxies,
    SecurityConfig security,
    StorageConfig storage,
    BridgeConfig bridge,
    PasswordWorkConfig passwordWork,
    CapacityConfig capacity,
    ClusterConfig cluster,
    ChunkDeliveryConfig chunkDelivery,
    JobsConfig jobs) {

  static final String CONFIG_RESOURCE = "conf/application.json";

  public ServiceConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(embedded, "embedded");
    Objects.requireNonNull(storage, "storage");
    Objects.requireNonNull(bridge, "bridge");
    Objects.requireNonNull(passwordWork, "passwordWork");
    Objects.requireNonNull(capacity, "capacity");
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(chunkDelivery, "chunkDelivery");
    Objects.requireNonNull(jobs, "jobs");
    requirePositive("httpPort", httpPort, true);
    requirePositive("bridgePort", bridgePort, true);
    requirePositive("maxItemsPerRequest", maxItemsPerRequest, false);
    requirePositive("atomicMaxItems", atomicMaxItems, false);
    requirePositive("maxBodyBytes", maxBodyBytes, false);
    requirePositive("cacheTtlSeconds", cacheTtlSeconds, false);
    requirePositive("restoreWindowDays", restoreWindowDays, false);
    requirePositive("idempotencyRetentionHours", idempotencyRetentionHours, false);
    requirePositive("workerInstances", workerInstances, false);
    requirePositive("pgPoolSize", pgPoolSize, false);
    requirePositive("chunkTimeoutMs", chunkTimeoutMs, false);
    requirePositive("dbTimeoutMs", dbTimeoutMs, false);
    requirePositive("cacheTimeoutMs", cacheTimeoutMs, false);
    requirePositive("shutdownTimeoutMs", shutdownTimeoutMs, false);
    requirePositive("eventRelayIntervalMs", eventRelayIntervalMs, false);
    requirePositive("eventStreamMaxLength", eventStreamMaxLength, false);
  }

  /** Defaults from conf/, then the process environment. */
  public static ServiceConfig load() {
    return load(System.getenv());
  }

  public static ServiceConfig load(Map<String, String> env) {
    JsonObject json = readDefaults(env.get("CONFIG_FILE"));
    for (String field : json.fieldNames().toArray(String[]::new)) {
      String value = env.get(envName(field));
      if (value != null && !value.isBlank()) {
        json.put(field, value.trim());
      }
    }
    return fromJson(json);
  }

  public static ServiceConfig fromJson(JsonObject json) {
    return new ServiceConfig(
        intField(json, "httpPort"),
        intField(json, "bridgePort"),
        blankToNull(json.getValue("pgUrl")),
        blankToNull(json.getValue("redisUrl")),
        Path.of(String.valueOf(json.getValue("dataDir"))),
        EmbeddedMode.parse(String.valueOf(json.getValue("embedded"))),
        intField(json, "maxItemsPerRequest"),
        intField(json, "atomicMaxItems"),
        longField(json, "maxBodyBytes"),
        intField(json, "cacheTtlSeconds"),
        intField(json, "restoreWindowDays"),
        intField(json, "idempotencyRetentionHours"),
        intField(json, "workerInstances"),
        intField(json, "pgPoolSize"),
        longField(json, "chunkTimeoutMs"),
        longField(json, "dbTimeoutMs"),
        longField(json, "cacheTimeoutMs"),
        longField(json, "shutdownTimeoutMs"),
        longField(json, "eventRelayIntervalMs"),
        longField(json, "eventStreamMaxLength"),
        csv(json.getValue("trustedProxies")),
        SecurityConfig.fromJson(json),
        StorageConfig.fromJson(json),
        BridgeConfig.fromJson(json),
        PasswordWorkConfig.fromJson(json),
        CapacityConfig.fromJson(
            json,
            intField(json, "workerInstances"),
            Runtime.getRuntime().availableProcessors(),
            Runtime.getRuntime().maxMemory(),
            longField(json, "maxBodyBytes")),
        ClusterConfig.fromJson(json),
        ChunkDeliveryConfig.fromJson(json),
        JobsConfig.fromJson(json));
  }

  public ServiceConfig withEndpoints(String newPgUrl, String newRedisUrl) {
    return with(httpPort, bridgePort, newPgUrl, newRedisUrl, security, storage, jobs);
  }

  public ServiceConfig withSecurity(SecurityConfig newSecurity) {
    return with(httpPort, bridgePort, pgUrl, redisUrl, newSecurity, storage, jobs);
  }

  public ServiceConfig withStorage(StorageConfig newStorage) {
    return with(httpPort, bridgePort, pgUrl, redisUrl, security, newStorage, jobs);
  }

  public ServiceConfig withJobs(JobsConfig newJobs) {
    return with(httpPort, bridgePort, pgUrl, redisUrl, security, storage, newJobs);
  }

  public ServiceConfig withBridgePort(int port) {
    return with(httpPort, port, pgUrl, redisUrl, security, storage, jobs);
  }

  public ServiceConfig withHttpPort(int port) {
    return with(port, bridgePort, pgUrl, redisUrl, security, storage, jobs);
  }

  /** A copy with the components that start-up and tests change; the others stay. */
  private ServiceConfig with(
      int newHttpPort,
      int newBridgePort,
      String newPgUrl,
      String newRedisUrl,
      SecurityConfig newSecurity,
      StorageConfig newStorage,
      JobsConfig newJobs) {
    return new ServiceConfig(
        newHttpPort,
        newBridgePort,
        newPgUrl,
        newRedisUrl,
        dataDir,
        embedded,
        maxItemsPerRequest,
        atomicMaxItems,
        maxBodyBytes,
        cacheTtlSeconds,
        restoreWindowDays,
        idempotencyRetentionHours,
        workerInstances,
        pgPoolSize,
        chunkTimeoutMs,
        dbTimeoutMs,
        cacheTimeoutMs,
        shutdownTimeoutMs,
        eventRelayIntervalMs,
        eventStreamMaxLength,
        trustedProxies,
        newSecurity,
        newStorage,
        bridge,
        passwordWork,
        capacity,
        cluster,
        chunkDelivery,
        newJobs);
  }

  /** camelCase field name to the environment variable that overrides it: pgUrl → PG_URL. */
  static String envName(String field) {
    return field.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase();
  }

  private static JsonObject readDefaults(String explicitFile) {
    try {
      Path file = Path.of(explicitFile != null ? explicitFile : CONFIG_RESOURCE);
      if (Files.isRegularFile(file)) {
        return new JsonObject(Files.readString(file));
      }
      if (explicitFile != null) {
        throw new IllegalArgumentException("CONFIG_FILE " + explicitFile + " does not exist");
      }
      try (InputStream in =
          ServiceConfig.class.getClassLoader().getResourceAsStream(CONFIG_RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException(CONFIG_RESOURCE + " is missing from the classpath");
        }
        return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int intField(JsonObject json, String field) {
    return Math.toIntExact(longField(json, field));
  }

  static long longField(JsonObject json, String field) {
    Object value = json.getValue(field);
    try {
      return value instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(value));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Configuration "
              + field
              + " (env "
              + envName(field)
              + ") must be an integer, got '"
              + value
              + "'");
    }
  }

  /** "10.0.0.1, 10.0.0.2" → {10.0.0.1, 10.0.0.2}. */
  private static Set<String> csv(Object value) {
    if (value == null) {
      return Set.of();
    }
    Set<String> items = new LinkedHashSet<>();
    for (String item : String.valueOf(value).split(",")) {
      if (!item.isBlank()) {
        items.add(item.trim());
      }
    }
    return Set.copyOf(items);
  }

  private static String blankToNull(Object value) {
    return value == null || String.valueOf(value).isBlank() ? null : String.valueOf(value);
  }

  private static void requirePositive(String field, long value, boolean zeroAllowed) {
    if (value < 0 || (!zeroAllowed && value == 0)) {
      throw new IllegalArgumentException(
          "Configuration "
              + field
              + " (env "
              + envName(field)
              + ") must be positive, got "
              + value);
    }
  }
}
