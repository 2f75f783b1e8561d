// Benchmark program for issue 8. Single-file Java program, run by bench/run.sh as
//   java -cp target/user-batch-service-0.1.0-SNAPSHOT-fat.jar bench/Bench.java suite|big|report
//
//   suite   measurements 1-5 against a running service (BASE_URL), writes $OUT (JSON)
//   big     one create request of BIG_USERS users with passwordHash (run against the -Xmx256m service)
//   report  merges suite + big + heap samples, prints the table, writes bench/results/latest.{json,svg}
//
// Only the fat jar's libraries are used: java.net.http for HTTP, pgjdbc (CopyManager) for COPY,
// the Vert.x Redis client for MGET/DEL, and the service's own PasswordHasher for the Argon2id rate.

import dev.userbatch.user.PasswordHasher;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

public class Bench {
  static final String BCRYPT = "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW";
  static final String BLOCKED_MARKER = "has been blocked for";

  public static void main(String[] args) throws Exception {
    Locale.setDefault(Locale.ROOT);
    String mode = args.length == 0 ? "suite" : args[0];
    switch (mode) {
      case "suite" -> new Suite().run();
      case "big" -> new Big().run();
      case "report" -> System.exit(new Report().run());
      case "cleanup" -> cleanupRun();
      default -> {
        System.err.println("usage: java -cp <fat jar> bench/Bench.java suite|big|report|cleanup");
        System.exit(2);
      }
    }
  }

  // ------------------------------------------------------------------------------------------------
  // shared helpers

  static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v.trim();
  }

  static int envInt(String name, int fallback) {
    return Integer.parseInt(env(name, String.valueOf(fallback)));
  }

  static void log(String message) {
    System.err.println("[bench " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + "] " + message);
  }

  static String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    new SecureRandom().nextBytes(b);
    StringBuilder sb = new StringBuilder();
    for (byte x : b) {
      sb.append(String.format("%02x", x));
    }
    return sb.toString();
  }

  /** postgresql://user[:pass]@host[:port]/db[?params] (or a jdbc: URL) to a pgjdbc URL. */
  static String jdbcUrl(String pgUrl) {
    if (pgUrl.startsWith("jdbc:")) {
      return pgUrl;
    }
    String rest = pgUrl.replaceFirst("^postgres(ql)?://", "");
    String query = null;
    int q = rest.indexOf('?');
    if (q >= 0) {
      query = rest.substring(q + 1);
      rest = rest.substring(0, q);
    }
    String user = null;
    String password = null;
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      String info = rest.substring(0, at);
      rest = rest.substring(at + 1);
      int colon = info.indexOf(':');
      user = URLDecoder.decode(colon >= 0 ? info.substring(0, colon) : info, StandardCharsets.UTF_8);
      password = colon >= 0 ? URLDecoder.decode(info.substring(colon + 1), StandardCharsets.UTF_8) : null;
    }
    int slash = rest.indexOf('/');
    String hostPort = slash >= 0 ? rest.substring(0, slash) : rest;
    String db = slash >= 0 && slash + 1 < rest.length() ? rest.substring(slash + 1) : (user != null ? user : "postgres");
    StringBuilder sb = new StringBuilder("jdbc:postgresql://").append(hostPort.isEmpty() ? "localhost" : hostPort)
        .append('/').append(db);
    char sep = '?';
    if (user != null && !user.isEmpty()) {
      sb.append(sep).append("user=").append(URLEncoder.encode(user, StandardCharsets.UTF_8));
      sep = '&';
    }
    if (password != null) {
      sb.append(sep).append("password=").append(URLEncoder.encode(password, StandardCharsets.UTF_8));
      sep = '&';
    }
    if (query != null && !query.isEmpty()) {
      sb.append(sep).append(query);
    }
    return sb.toString();
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  /** RFC 9562 version-7 UUID, like the service's own ids (time-ordered, so inserts land at the index's right edge). */
  static UUID uuidV7(Random random) {
    long millis = System.currentTimeMillis();
    long msb = (millis << 16) | (0x7L << 12) | random.nextInt(1 << 12);
    long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb);
  }

  /** Lines of the service log containing Vert.x's blocked-thread warning: {total, event-loop only}. */
  static long[] blockedWarnings(Path log) {
    if (log == null || !Files.isRegularFile(log)) {
      return new long[] {0, 0};
    }
    long total = 0;
    long eventLoop = 0;
    try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
      for (String line : (Iterable<String>) lines::iterator) {
        if (line.contains(BLOCKED_MARKER)) {
          total++;
          if (line.contains("eventloop")) {
            eventLoop++;
          }
        }
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      log("could not read " + log + ": " + e);
    }
    return new long[] {total, eventLoop};
  }

  static double median(List<Double> values) {
    return percentile(values, 50);
  }

  /** Nearest-rank percentile. */
  static double percentile(List<Double> values, double p) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    if (p == 50 && sorted.size() % 2 == 0) {
      return (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  static JsonObject figure(String label, String unit, List<Double> samples) {
    JsonArray s = new JsonArray();
    samples.forEach(v -> s.add(round(v)));
    JsonObject f = new JsonObject().put("label", label).put("unit", unit).put("samples", s);
    if (!samples.isEmpty()) {
      f.put("min", round(Collections.min(samples))).put("median", round(median(samples)))
          .put("max", round(Collections.max(samples)));
    }
    return f;
  }

  static double round(double v) {
    return Double.isFinite(v) ? Math.round(v * 1000.0) / 1000.0 : v;
  }

  static JsonArray users(String prefix, String tag, int count, boolean plaintext) {
    JsonArray users = new JsonArray();
    for (int i = 0; i < count; i++) {
      JsonObject u = new JsonObject().put("email", prefix + tag + "-" + i + "@example.com").put("name", "Bench User " + i);
      if (plaintext) {
        u.put("password", "bench-password-" + tag + "-" + i);
      } else {
        u.put("passwordHash", BCRYPT);
      }
      users.add(u);
    }
    return users;
  }

  static List<String> ids(JsonObject response) {
    List<String> ids = new ArrayList<>();
    JsonArray data = response.getJsonArray("data", new JsonArray());
    for (int i = 0; i < data.size(); i++) {
      ids.add(data.getJsonObject(i).getString("id"));
    }
    return ids;
  }

  /** Deletes every row (and cache entry) whose email starts with prefix. */
  static long cleanup(Connection pg, RedisConnection redis, String prefix) throws Exception {
    List<String> ids = new ArrayList<>();
    try (Statement st = pg.createStatement();
         ResultSet rs = st.executeQuery("SELECT id FROM users WHERE email LIKE '" + prefix + "%'")) {
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
    }
    for (int from = 0; from < ids.size(); from += 1000) {
      Request del = Request.cmd(Command.DEL);
      ids.subList(from, Math.min(ids.size(), from + 1000)).forEach(id -> del.arg("user:" + id));
      await(redis.send(del));
    }
    try (Statement st = pg.createStatement()) {
      return st.executeUpdate("DELETE FROM users WHERE email LIKE '" + prefix + "%'");
    }
  }

  /** Removes everything run RUN_ID left behind: its users (and their cache entries) and its COPY table. */
  static void cleanupRun() throws Exception {
    String run = env("RUN_ID", null);
    if (run == null || !run.matches("[0-9a-z]+")) {
      throw new IllegalArgumentException("RUN_ID must be set to the run's id");
    }
    Class.forName("org.postgresql.Driver");
    Vertx vertx = Vertx.vertx();
    try (Connection pg = DriverManager.getConnection(jdbcUrl(env("PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")))) {
      RedisConnection redis = await(Redis.createClient(vertx,
          new RedisOptions().setConnectionString(env("REDIS_URL", "redis://127.0.0.1:6379"))).connect());
      long rows = cleanup(pg, redis, "bench-" + run + "-");
      try (Statement st = pg.createStatement()) {
        st.execute("DROP TABLE IF EXISTS bench_users_copy_" + run);
      }
      redis.close();
      log("cleanup of run " + run + ": " + rows + " leftover rows deleted");
    } finally {
      vertx.close();
    }
  }

  // ------------------------------------------------------------------------------------------------
  // HTTP

  static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10))
      .build();

  record Resp(int status, String body, double ms, String error) {
    JsonObject json() {
      try {
        return body == null || body.isEmpty() ? new JsonObject() : new JsonObject(body);
      } catch (RuntimeException e) {
        return new JsonObject();
      }
    }

    /** Null if the response is a 200 whose stats count n successes (or n found, for lookups). */
    String problem(int expected) {
      if (error != null) {
        return error;
      }
      JsonObject stats = json().getJsonObject("stats", new JsonObject());
      Integer done = stats.containsKey("found") ? stats.getInteger("found") : stats.getInteger("successful");
      if (status != 200 || done == null || done != expected) {
        String head = body == null ? "" : body.substring(0, Math.min(300, body.length()));
        return "HTTP " + status + ", " + done + " of " + expected + " done: " + head;
      }
      return null;
    }
  }

  /**
   * The Authorization header value, if the service wants one: BENCH_TOKEN; else an HS256 token minted
   * with JWT_SECRET (the service's own setting); else the development token the service writes to
   * TOKEN_FILE (DATA_DIR/dev-token) when no key is configured; else none.
   */
  static final String AUTHORIZATION = authorization();

  static String authorization() {
    String token = env("BENCH_TOKEN", null);
    if (token == null && env("JWT_SECRET", null) != null) {
      token = mintHs256(env("JWT_SECRET", null));
    }
    if (token == null) {
      String file = env("TOKEN_FILE", null);
      try {
        if (file != null && Files.isRegularFile(Path.of(file))) {
          token = Files.readString(Path.of(file)).trim();
        }
      } catch (IOException e) {
        log("cannot read " + file + ": " + e);
      }
    }
    return token == null || token.isEmpty() ? null : "Bearer " + token;
  }

  static String mintHs256(String secret) {
    try {
      long now = System.currentTimeMillis() / 1000;
      JsonObject claims = new JsonObject().put("sub", "bench").put("scope", "users:read users:write")
          .put("iat", now).put("exp", now + 4 * 3600);
      if (env("JWT_ISSUER", null) != null) {
        claims.put("iss", env("JWT_ISSUER", null));
      }
      if (env("JWT_AUDIENCE", null) != null) {
        claims.put("aud", env("JWT_AUDIENCE", null));
      }
      java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
      String signingInput = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
          + "." + b64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return signingInput + "." + b64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static Resp call(String base, String method, String path, String body, Duration timeout) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout);
    if (AUTHORIZATION != null) {
      request.header("Authorization", AUTHORIZATION);
    }
    if (body != null) {
      request.header("content-type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpRequest built = request.build();
    long t0 = System.nanoTime();
    try {
      HttpResponse<String> response = HTTP.send(built, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      double ms = (System.nanoTime() - t0) / 1e6;
      return new Resp(response.statusCode(), response.body(), ms, null);
    } catch (IOException e) {
      return new Resp(-1, null, (System.nanoTime() - t0) / 1e6, e.getClass().getSimpleName() + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Resp(-1, null, (System.nanoTime() - t0) / 1e6, "interrupted");
    }
  }

  // ------------------------------------------------------------------------------------------------
  // measurements 1-5

  static final class Suite {
    final String run = env("RUN_ID", randomHex(4));
    final String prefix = "bench-" + run + "-";
    final String base = env("BASE_URL", "http://127.0.0.1:8080");
    final String pgUrl = env("PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres");
    final String redisUrl = env("REDIS_URL", "redis://127.0.0.1:6379");
    final int reps = envInt("REPS", 3);
    /** Lookups and MGET take milliseconds, so they are repeated more often for a stable median. */
    final int lookupReps = envInt("LOOKUP_REPS", 3 * envInt("REPS", 3));
    final int duration = envInt("DURATION", 60);
    final int clients = envInt("CLIENTS", 16);
    final Path serviceLog = Path.of(env("SERVICE_LOG", "bench/work/service.log"));
    final Path out = Path.of(env("OUT", "bench/work/suite.json"));
    final String copyTable = "bench_users_copy_" + run;
    /** Every measured request takes seconds at most; a hung service must not stall the run for long. */
    final Duration bigTimeout = Duration.ofSeconds(envInt("REQUEST_TIMEOUT", 120));
    boolean serviceDown;

    final JsonObject figures = new JsonObject();
    final JsonArray problems = new JsonArray();
    final JsonObject result = new JsonObject();
    final JsonObject loads = new JsonObject();
    final Random random = new Random();
    final List<List<String>> sets500 = new ArrayList<>();
    final List<List<String>> setsDefault = new ArrayList<>();

    Connection pg;
    Vertx vertx;
    RedisConnection redis;

    void run() throws Exception {
      Class.forName("org.postgresql.Driver");
      pg = DriverManager.getConnection(jdbcUrl(pgUrl));
      pg.setAutoCommit(true);
      vertx = Vertx.vertx();
      redis = await(Redis.createClient(vertx, new RedisOptions().setConnectionString(redisUrl)).connect());
      long[] blocked0 = blockedWarnings(serviceLog);
      result.put("run", run).put("startedAt", Instant.now().toString())
          .put("config", new JsonObject().put("reps", reps).put("lookupReps", lookupReps)
              .put("durationSeconds", duration).put("clients", clients)
              .put("baseUrl", base))
          .put("machine", new JsonObject().put("cores", Runtime.getRuntime().availableProcessors())
              .put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"))
              .put("java", System.getProperty("java.version")))
          .put("usersRowsAtStart", scalar("SELECT count(*) FROM users"))
          .put("postgresVersion", scalarText("SHOW server_version"));
      try {
        phase("warm-up", this::warmUp);
        phase("create-hash", this::createWithHash);
        phase("plaintext", this::plaintext);
        phase("lookup", this::lookup);
        phase("id-ops", this::idOps);
        phase("mixed", this::mixed);
      } finally {
        try {
          log("cleaning up rows with email LIKE '" + prefix + "%'");
          result.put("cleanedRows", cleanup(pg, redis, prefix));
          exec("DROP TABLE IF EXISTS " + copyTable);
        } catch (Exception e) {
          problems.add("cleanup: " + e);
        }
        long[] blocked1 = blockedWarnings(serviceLog);
        result.put("blockedWarningsTotal", blocked1[0] - blocked0[0])
            .put("blockedWarningsEventLoopTotal", blocked1[1] - blocked0[1])
            .put("figures", figures).put("problems", problems).put("loadAverageAtPhaseStart", loads)
            .put("loadAverageAtEnd", loadAverage()).put("finishedAt", Instant.now().toString());
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, result.encodePrettily());
        log("suite results written to " + out);
        redis.close();
        vertx.close();
        pg.close();
      }
    }

    interface Body {
      void run() throws Exception;
    }

    void phase(String name, Body body) {
      if (serviceDown || call(base, "GET", "/health/live", null, Duration.ofSeconds(10)).status() != 200) {
        serviceDown = true;
        problem("phase " + name, "skipped: the service does not answer GET /health/live with 200");
        return;
      }
      long t0 = System.nanoTime();
      log("phase " + name + " ... (load average " + loadAverage() + ")");
      loads.put(name, loadAverage());
      try {
        body.run();
      } catch (Exception | AssertionError e) {
        log("phase " + name + " FAILED: " + e);
        problems.add(name + ": " + e);
      }
      log("phase " + name + " done in " + Math.round((System.nanoTime() - t0) / 1e9) + " s");
    }

    void problem(String what, String message) {
      String text = what + ": " + message;
      log("PROBLEM " + text);
      problems.add(text);
    }

    Resp post(String method, String path, JsonObject body) {
      return call(base, method, path, body.encode(), bigTimeout);
    }

    /** Runs the request, records a problem unless all n items succeeded, returns the response. */
    Resp expectAll(String what, String method, String path, JsonObject body, int n) {
      String encoded = body.encode();
      Resp r = call(base, method, path, encoded, bigTimeout);
      String problem = r.problem(n);
      if (problem != null) {
        problem(what, problem);
        failedResponses.put(r, Boolean.TRUE);
      }
      return r;
    }

    /** Failed requests per figure id: their times are not samples. */
    final java.util.Map<String, Integer> failedCounts = new java.util.HashMap<>();
    final java.util.Map<Resp, Boolean> failedResponses = new java.util.IdentityHashMap<>();

    /** Adds the response's time to samples unless the request failed (then counts the failure under id). */
    void sample(List<Double> samples, Resp r, String id) {
      if (failedResponses.containsKey(r)) {
        failedCounts.merge(id, 1, Integer::sum);
      } else {
        samples.add(r.ms());
      }
    }

    void putFigure(String id, String label, String unit, List<Double> samples) {
      figures.put(id, figure(label, unit, samples).put("failed", failedCounts.getOrDefault(id, 0)));
    }

    long scalar(String sql) throws SQLException {
      try (Statement st = pg.createStatement(); ResultSet rs = st.executeQuery(sql)) {
        rs.next();
        return rs.getLong(1);
      }
    }

    String scalarText(String sql) throws SQLException {
      try (Statement st = pg.createStatement(); ResultSet rs = st.executeQuery(sql)) {
        rs.next();
        return rs.getString(1);
      }
    }

    void exec(String sql) throws SQLException {
      try (Statement st = pg.createStatement()) {
        st.execute(sql);
      }
    }

    // -- 0. warm-up: run every measured path several times, so that the measured runs see
    // JIT-compiled code (a fresh service takes about ten 10k-user creates to reach its steady speed)

    void warmUp() throws Exception {
      int rounds = envInt("WARMUP_ROUNDS", 8);
      for (int i = 0; i < rounds; i++) {
        JsonObject body = new JsonObject().put("users", users(prefix, "warm" + i, 10_000, false));
        if (i % 2 == 0) {
          body.put("options", new JsonObject().put("chunkSize", 500));
        }
        Resp r = expectAll("warm-up create", "POST", "/batch/users/create", body, 10_000);
        List<String> ids = ids(r.json());
        for (int j = 0; j < 5 && !ids.isEmpty(); j++) {
          lookupRequest(ids.subList(0, Math.min(1000, ids.size())), null);
        }
        if (i < 2 && ids.size() >= 2000) {
          List<String> some = ids.subList(0, 2000);
          expectAll("warm-up update", "PATCH", "/batch/users/update", updateBody(some, "warm" + i), some.size());
          expectAll("warm-up last-login", "PATCH", "/batch/users/last-login",
              new JsonObject().put("userIds", new JsonArray(new ArrayList<>(some))), some.size());
          expectAll("warm-up soft delete", "DELETE", "/batch/users/soft-delete",
              new JsonObject().put("userIds", new JsonArray(new ArrayList<>(some))), some.size());
        }
      }
      Resp r = expectAll("warm-up plaintext create", "POST", "/batch/users/create",
          new JsonObject().put("users", users(prefix, "warmpw", 64, true)), 64);
      List<String> ids = ids(r.json());
      if (!ids.isEmpty()) {
        expectAll("warm-up update", "PATCH", "/batch/users/update", updateBody(ids, "warm"), ids.size());
      }
    }

    // -- 1. create 10,000 users with passwordHash vs COPY of identical rows

    void createWithHash() throws Exception {
      exec("DROP TABLE IF EXISTS " + copyTable);
      exec("CREATE TABLE " + copyTable + " (LIKE users INCLUDING ALL)");
      CopyManager copy = pg.unwrap(PGConnection.class).getCopyAPI();
      List<Double> c500 = new ArrayList<>();
      List<Double> cDefault = new ArrayList<>();
      List<Double> copyMs = new ArrayList<>();
      int n = 10_000;
      for (int rep = 0; rep < reps; rep++) {
        JsonArray u500 = users(prefix, "c500-r" + rep, n, false);
        Resp r500 = expectAll("create 10k chunkSize 500 rep " + rep, "POST", "/batch/users/create",
            new JsonObject().put("users", u500).put("options", new JsonObject().put("chunkSize", 500)), n);
        sample(c500, r500, "create10kHashChunk500");
        sets500.add(ids(r500.json()));

        JsonArray uDefault = users(prefix, "cdef-r" + rep, n, false);
        Resp rDefault = expectAll("create 10k default rep " + rep, "POST", "/batch/users/create",
            new JsonObject().put("users", uDefault), n);
        sample(cDefault, rDefault, "create10kHashDefault");
        setsDefault.add(ids(rDefault.json()));

        exec("TRUNCATE " + copyTable);
        StringBuilder text = new StringBuilder(n * 128);
        for (int i = 0; i < n; i++) {
          JsonObject user = uDefault.getJsonObject(i);
          text.append(uuidV7(random)).append('\t').append(copyEscape(user.getString("email"))).append('\t')
              .append(copyEscape(user.getString("name"))).append('\t').append(copyEscape(user.getString("passwordHash")))
              .append('\n');
        }
        String rows = text.toString();
        long t0 = System.nanoTime();
        long copied = copy.copyIn("COPY " + copyTable + " (id, email, name, password_hash) FROM STDIN", new StringReader(rows));
        double copyTime = (System.nanoTime() - t0) / 1e6;
        if (copied != n) {
          problem("COPY rep " + rep, "copied " + copied + " rows, expected " + n);
          failedCounts.merge("copy10k", 1, Integer::sum);
        } else {
          copyMs.add(copyTime);
        }
        log(String.format("  rep %d: create chunk500 %.0f ms, create default %.0f ms, COPY %.0f ms",
            rep, r500.ms(), rDefault.ms(), copyTime));
      }
      putFigure("create10kHashChunk500", "create 10k passwordHash, chunkSize 500", "ms", c500);
      putFigure("create10kHashDefault", "create 10k passwordHash, default chunkSize", "ms", cDefault);
      putFigure("copy10k", "COPY 10k identical rows (same indexes)", "ms", copyMs);
    }

    static String copyEscape(String s) {
      return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }

    // -- 2. create 1,000 users with plaintext passwords vs cores x single-thread Argon2id rate

    void plaintext() throws Exception {
      PasswordHasher hasher = PasswordHasher.owaspDefault();
      for (int i = 0; i < 5; i++) {
        hasher.hash("warm-up-password-" + i);
      }
      int cores = Runtime.getRuntime().availableProcessors();
      int n = 1000;
      List<Double> rate = new ArrayList<>();
      List<Double> createMs = new ArrayList<>();
      List<Double> achieved = new ArrayList<>();
      long[] blocked0 = blockedWarnings(serviceLog);
      List<Double> parallel = new ArrayList<>();
      for (int rep = 0; rep < reps; rep++) {
        // the single-thread rate right before and right after the request, averaged: the machine is shared
        double before = hashRate(hasher, 1, "b" + rep);
        Resp r = expectAll("create 1000 plaintext rep " + rep, "POST", "/batch/users/create",
            new JsonObject().put("users", users(prefix, "pw-r" + rep, n, true)), n);
        double after = hashRate(hasher, 1, "a" + rep);
        double perSecond = (before + after) / 2;
        rate.add(perSecond);
        sample(createMs, r, "createPlaintext1000");
        if (!failedResponses.containsKey(r)) {
          achieved.add(n / (r.ms() / 1000.0));
        } else {
          failedCounts.merge("createPlaintextRate", 1, Integer::sum);
        }
        parallel.add(hashRate(hasher, cores, "p" + rep));
        log(String.format("  rep %d: single-thread Argon2id %.1f/s (before %.1f, after %.1f), %d threads %.1f/s; "
                + "create 1000 plaintext %.0f ms = %.1f users/s",
            rep, perSecond, before, after, cores, parallel.get(parallel.size() - 1), r.ms(), n / (r.ms() / 1000.0)));
      }
      putFigure("argon2AllCores", "Argon2id rate with " + cores + " threads (bench JVM)", "hashes/s", parallel);
      long[] blocked1 = blockedWarnings(serviceLog);
      putFigure("argon2SingleThread", "Argon2id single-thread rate (bench JVM)", "hashes/s", rate);
      putFigure("createPlaintext1000", "create 1000 plaintext passwords, default options", "ms", createMs);
      putFigure("createPlaintextRate", "plaintext create rate", "users/s", achieved);
      result.put("cores", cores)
          .put("plaintextBlockedWarnings", blocked1[0] - blocked0[0])
          .put("plaintextBlockedWarningsEventLoop", blocked1[1] - blocked0[1]);
    }

    /** Argon2id hashes per second over about 2 s on {@code threads} threads of this JVM. */
    static double hashRate(PasswordHasher hasher, int threads, String tag) throws Exception {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        long t0 = System.nanoTime();
        List<java.util.concurrent.Future<Integer>> parts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int thread = t;
          parts.add(pool.submit(() -> {
            int hashes = 0;
            while (hashes < 10 || System.nanoTime() - t0 < 2_000_000_000L) {
              hasher.hash("rate-password-" + tag + "-" + thread + "-" + hashes);
              hashes++;
            }
            return hashes;
          }));
        }
        int total = 0;
        for (var part : parts) {
          total += part.get();
        }
        return total / ((System.nanoTime() - t0) / 1e9);
      } finally {
        pool.shutdown();
      }
    }

    static String loadAverage() {
      try {
        String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
        return f[0] + " " + f[1] + " " + f[2];
      } catch (IOException | RuntimeException e) {
        return "n/a";
      }
    }

    // -- 3. lookup 1,000 ids cold and warm vs raw MGET

    Resp lookupRequest(List<String> ids, Integer chunkSize) {
      JsonObject body = new JsonObject().put("ids", new JsonArray(new ArrayList<>(ids)));
      if (chunkSize != null) {
        body.put("options", new JsonObject().put("chunkSize", chunkSize));
      }
      return call(base, "POST", "/batch/users/lookup", body.encode(), bigTimeout);
    }

    void deleteKeys(List<String> ids) throws Exception {
      Request del = Request.cmd(Command.DEL);
      ids.forEach(id -> del.arg("user:" + id));
      await(redis.send(del));
    }

    int cachedCount(List<String> ids) throws Exception {
      Request mget = Request.cmd(Command.MGET);
      ids.forEach(id -> mget.arg("user:" + id));
      Response r = await(redis.send(mget));
      int found = 0;
      for (int i = 0; i < r.size(); i++) {
        if (r.get(i) != null) {
          found++;
        }
      }
      return found;
    }

    void lookup() throws Exception {
      if (setsDefault.isEmpty() || setsDefault.get(0).size() < 1000) {
        throw new IllegalStateException("no 1,000 created users to look up");
      }
      List<String> ids = List.copyOf(setsDefault.get(0).subList(0, 1000));
      for (Integer chunk : new Integer[] {1000, null}) {
        String tag = chunk == null ? "Default" : "Chunk" + chunk;
        String label = chunk == null ? "default chunkSize" : "chunkSize " + chunk;
        for (int i = 0; i < 2; i++) { // warm-up
          deleteKeys(ids);
          lookupRequest(ids, chunk);
          lookupRequest(ids, chunk);
        }
        List<Double> cold = new ArrayList<>();
        List<Double> warm = new ArrayList<>();
        for (int rep = 0; rep < lookupReps; rep++) {
          deleteKeys(ids);
          int before = cachedCount(ids);
          Resp c = lookupRequest(ids, chunk);
          String p = c.problem(1000);
          if (p != null) {
            problem("cold lookup " + label + " rep " + rep, p);
            failedResponses.put(c, Boolean.TRUE);
          }
          int after = cachedCount(ids);
          Resp w = lookupRequest(ids, chunk);
          p = w.problem(1000);
          if (p != null) {
            problem("warm lookup " + label + " rep " + rep, p);
            failedResponses.put(w, Boolean.TRUE);
          }
          sample(cold, c, "lookupCold" + tag);
          sample(warm, w, "lookupWarm" + tag);
          if (rep < 3 || rep == lookupReps - 1) {
            log(String.format("  %s rep %d: cold %.1f ms (cached before %d, after %d), warm %.1f ms",
                label, rep, c.ms(), before, after, w.ms()));
          }
          if (before != 0 || after != 1000) {
            problem("lookup " + label + " rep " + rep, "cache not as expected: " + before
                + " keys cached before the cold lookup, " + after + " after it");
            failedCounts.merge("lookupCold" + tag, 1, Integer::sum);
          }
        }
        putFigure("lookupCold" + tag, "lookup 1000 ids cold, " + label, "ms", cold);
        putFigure("lookupWarm" + tag, "lookup 1000 ids warm, " + label, "ms", warm);
      }
      // the ceiling: one MGET of the same 1,000 keys over the same client library
      Request mget = Request.cmd(Command.MGET);
      ids.forEach(id -> mget.arg("user:" + id));
      for (int i = 0; i < 5; i++) {
        await(redis.send(mget));
      }
      List<Double> mgetMs = new ArrayList<>();
      for (int rep = 0; rep < lookupReps; rep++) {
        long t0 = System.nanoTime();
        Response r = await(redis.send(mget));
        double mgetTime = (System.nanoTime() - t0) / 1e6;
        if (r.size() != 1000) {
          problem("MGET rep " + rep, r.size() + " values");
          failedCounts.merge("mget1000", 1, Integer::sum);
        } else {
          mgetMs.add(mgetTime);
        }
      }
      log("  MGET " + mgetMs + " ms");
      putFigure("mget1000", "raw MGET of the same 1000 keys (Vert.x Redis client)", "ms", mgetMs);
    }

    // -- 4. update, last-login, soft delete of 10,000 users

    static JsonObject updateBody(List<String> ids, String tag) {
      JsonArray updates = new JsonArray();
      for (int i = 0; i < ids.size(); i++) {
        updates.add(new JsonObject().put("id", ids.get(i)).put("data", new JsonObject().put("name", "Renamed " + tag + " " + i)));
      }
      return new JsonObject().put("updates", updates);
    }

    void idOps() throws Exception {
      List<Double> update = new ArrayList<>();
      List<Double> lastLogin = new ArrayList<>();
      List<Double> softDelete = new ArrayList<>();
      for (int rep = 0; rep < reps; rep++) {
        if (rep >= sets500.size() || sets500.get(rep).size() != 10_000) {
          throw new IllegalStateException("no set of 10,000 created users for rep " + rep);
        }
        List<String> ids = sets500.get(rep);
        int n = ids.size();
        Resp u = expectAll("update 10k rep " + rep, "PATCH", "/batch/users/update", updateBody(ids, "r" + rep), n);
        Resp l = expectAll("last-login 10k rep " + rep, "PATCH", "/batch/users/last-login",
            new JsonObject().put("userIds", new JsonArray(new ArrayList<>(ids))), n);
        Resp d = expectAll("soft delete 10k rep " + rep, "DELETE", "/batch/users/soft-delete",
            new JsonObject().put("userIds", new JsonArray(new ArrayList<>(ids))), n);
        sample(update, u, "update10k");
        sample(lastLogin, l, "lastLogin10k");
        sample(softDelete, d, "softDelete10k");
        log(String.format("  rep %d: update %.0f ms, last-login %.0f ms, soft delete %.0f ms", rep, u.ms(), l.ms(), d.ms()));
      }
      putFigure("update10k", "update names of 10k users", "ms", update);
      putFigure("lastLogin10k", "last-login of 10k users", "ms", lastLogin);
      putFigure("softDelete10k", "soft delete of 10k users", "ms", softDelete);
    }

    // -- 5. sustained mixed load

    void mixed() throws Exception {
      List<String> pool = new ArrayList<>();
      setsDefault.forEach(pool::addAll);
      if (pool.size() < clients * 10) {
        throw new IllegalStateException("not enough created users for the mixed load (" + pool.size() + ")");
      }
      Collections.shuffle(pool, random);
      int slice = pool.size() / clients;
      String[] opNames = {"create", "lookup", "update"};
      int[] itemsPerOp = {10, 50, 10};
      List<List<List<Double>>> latencies = new ArrayList<>(); // client -> op -> ms
      AtomicLong errors = new AtomicLong();
      AtomicLong items = new AtomicLong();
      List<String> errorSamples = Collections.synchronizedList(new ArrayList<>());
      long[] blocked0 = blockedWarnings(serviceLog);
      ExecutorService executor = Executors.newFixedThreadPool(clients);
      long start = System.nanoTime();
      long end = start + duration * 1_000_000_000L;
      List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        List<List<Double>> mine = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        latencies.add(mine);
        List<String> own = pool.subList(c * slice, (c + 1) * slice);
        int client = c;
        futures.add(executor.submit(() -> {
          Random rnd = new Random(client * 7919L + System.nanoTime());
          int seq = 0;
          while (System.nanoTime() < end) {
            int op = rnd.nextInt(3);
            String method;
            String path;
            JsonObject body;
            switch (op) {
              case 0 -> {
                method = "POST";
                path = "/batch/users/create";
                body = new JsonObject().put("users", users(prefix, "mix-c" + client + "-" + seq++, 10, false));
              }
              case 1 -> {
                method = "POST";
                path = "/batch/users/lookup";
                JsonArray ids = new JsonArray();
                java.util.Set<String> chosen = new java.util.LinkedHashSet<>();
                while (chosen.size() < 50) {
                  chosen.add(pool.get(rnd.nextInt(pool.size())));
                }
                chosen.forEach(ids::add);
                body = new JsonObject().put("ids", ids);
              }
              default -> {
                method = "PATCH";
                path = "/batch/users/update";
                int from = rnd.nextInt(own.size() - 10);
                body = updateBody(own.subList(from, from + 10), "mix" + seq++);
              }
            }
            Resp r = call(base, method, path, body.encode(), Duration.ofSeconds(120));
            mine.get(op).add(r.ms());
            String problem = r.problem(itemsPerOp[op]);
            if (problem != null) {
              errors.incrementAndGet();
              if (errorSamples.size() < 10) {
                errorSamples.add(opNames[op] + ": " + problem);
              }
            } else {
              items.addAndGet(itemsPerOp[op]);
            }
          }
        }));
      }
      for (var f : futures) {
        f.get();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      executor.shutdown();
      long[] blocked1 = blockedWarnings(serviceLog);
      List<Double> all = new ArrayList<>();
      JsonObject perOp = new JsonObject();
      for (int op = 0; op < 3; op++) {
        List<Double> lat = new ArrayList<>();
        for (List<List<Double>> client : latencies) {
          lat.addAll(client.get(op));
        }
        all.addAll(lat);
        perOp.put(opNames[op], new JsonObject().put("requests", lat.size()).put("p50", round(percentile(lat, 50)))
            .put("p99", round(percentile(lat, 99))).put("max", round(lat.isEmpty() ? Double.NaN : Collections.max(lat))));
      }
      JsonObject mixed = new JsonObject()
          .put("durationSeconds", round(seconds))
          .put("clients", clients)
          .put("mix", "1/3 create (10 users, passwordHash), 1/3 lookup (50 ids), 1/3 update (10 names)")
          .put("requests", all.size())
          .put("requestsPerSecond", round(all.size() / seconds))
          .put("itemsPerSecond", round(items.get() / seconds))
          .put("p50", round(percentile(all, 50)))
          .put("p99", round(percentile(all, 99)))
          .put("max", round(all.isEmpty() ? Double.NaN : Collections.max(all)))
          .put("errors", errors.get())
          .put("errorSamples", new JsonArray(new ArrayList<>(errorSamples)))
          .put("blockedWarnings", blocked1[0] - blocked0[0])
          .put("blockedWarningsEventLoop", blocked1[1] - blocked0[1])
          .put("perOperation", perOp);
      result.put("mixed", mixed);
      log("  mixed: " + mixed.encode());
    }
  }

  // ------------------------------------------------------------------------------------------------
  // 6. one 100,000-user create (run against the -Xmx256m service)

  static final class Big {
    void run() throws Exception {
      String run = env("RUN_ID", randomHex(4));
      String prefix = "bench-" + run + "-";
      String base = env("BASE_URL", "http://127.0.0.1:8080");
      int n = envInt("BIG_USERS", 100_000);
      int timeout = envInt("BIG_TIMEOUT", 300);
      Path out = Path.of(env("OUT", "bench/work/big.json"));
      String body = new JsonObject().put("users", users(prefix, "big", n, false)).encode();
      log("create " + n + " users with passwordHash in one request (" + body.length() / 1024 / 1024 + " MB body)");
      Resp r = call(base, "POST", "/batch/users/create", body, Duration.ofSeconds(timeout));
      String problem = r.problem(n);
      JsonObject stats = r.json().getJsonObject("stats", new JsonObject());
      JsonObject result = new JsonObject()
          .put("users", n)
          .put("requestBytes", body.length())
          .put("status", r.status())
          .put("ms", round(r.ms()))
          .put("successful", stats.getInteger("successful"))
          .put("responseBytes", r.body() == null ? 0 : r.body().length())
          .put("success", problem == null)
          .put("problem", problem);
      log("big create: " + (problem == null ? "OK" : problem) + String.format(" in %.0f ms", r.ms()));
      r = null;
      try {
        Class.forName("org.postgresql.Driver");
        Vertx vertx = Vertx.vertx();
        try (Connection pg = DriverManager.getConnection(jdbcUrl(env("PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")))) {
          RedisConnection redis = await(Redis.createClient(vertx,
              new RedisOptions().setConnectionString(env("REDIS_URL", "redis://127.0.0.1:6379"))).connect());
          result.put("cleanedRows", cleanup(pg, redis, prefix + "big-"));
          redis.close();
        } finally {
          vertx.close();
        }
      } catch (Exception e) {
        log("cleanup failed: " + e);
        result.put("cleanupProblem", e.toString());
      }
      Files.createDirectories(out.toAbsolutePath().getParent());
      Files.writeString(out, result.encodePrettily());
    }
  }

  // ------------------------------------------------------------------------------------------------
  // report: table, JSON, SVG

  record Check(String id, String label, double ratio, String op, double target, boolean pass, String detail) {
    JsonObject toJson() {
      return new JsonObject().put("id", id).put("label", label).put("ratio", Double.isFinite(ratio) ? round(ratio) : null)
          .put("target", op + " " + fmt(target)).put("pass", pass).put("detail", detail);
    }
  }

  static String fmt(double v) {
    if (!Double.isFinite(v)) {
      return "n/a";
    }
    if (Math.abs(v) >= 100) {
      return String.format("%.0f", v);
    }
    if (Math.abs(v) >= 10) {
      return String.format("%.1f", v);
    }
    return String.format("%.2f", v);
  }

  static final class Report {
    JsonObject suite;
    JsonObject figures;
    final List<String[]> rows = new ArrayList<>();
    final List<Check> checks = new ArrayList<>();

    /** The median, or NaN when the figure is missing or any of its requests failed (then no check can pass). */
    double med(String id) {
      JsonObject f = figures.getJsonObject(id);
      if (f == null || f.getDouble("median") == null) {
        return Double.NaN;
      }
      return f.getInteger("failed", 0) > 0 ? Double.NaN : f.getDouble("median");
    }

    String spread(String id) {
      JsonObject f = figures.getJsonObject(id);
      if (f == null || f.getDouble("median") == null) {
        return f != null && f.getInteger("failed", 0) > 0 ? "all " + f.getInteger("failed") + " failed" : "n/a";
      }
      String unit = f.getString("unit");
      int failed = f.getInteger("failed", 0);
      return fmt(f.getDouble("median")) + " " + unit + " [" + fmt(f.getDouble("min")) + "-" + fmt(f.getDouble("max")) + "]"
          + (failed > 0 ? " (" + failed + " failed)" : "");
    }

    void row(String figure, String value, String ceiling, String ratio, String target, String result) {
      rows.add(new String[] {figure, value, ceiling, ratio, target, result});
    }

    Check ratioCheck(String id, String label, double ratio, String op, double target, String detail) {
      boolean pass = Double.isFinite(ratio) && (op.equals("<=") ? ratio <= target : op.equals("<") ? ratio < target : ratio >= target);
      Check c = new Check(id, label, ratio, op, target, pass, detail);
      checks.add(c);
      return c;
    }

    Check boolCheck(String id, String label, boolean pass, String detail) {
      Check c = new Check(id, label, Double.NaN, "=", Double.NaN, pass, detail);
      checks.add(c);
      return c;
    }

    static String opText(String op) {
      return switch (op) {
        case "<=" -> "<=";
        case ">=" -> ">=";
        default -> op;
      };
    }

    int run() throws Exception {
      Path suiteFile = Path.of(env("SUITE_JSON", "bench/work/suite.json"));
      Path bigFile = Path.of(env("BIG_JSON", "bench/work/big.json"));
      Path resultsDir = Path.of(env("RESULTS_DIR", "bench/results"));
      suite = Files.isRegularFile(suiteFile) ? new JsonObject(Files.readString(suiteFile)) : new JsonObject();
      figures = suite.getJsonObject("figures", new JsonObject());
      JsonObject big = Files.isRegularFile(bigFile) ? new JsonObject(Files.readString(bigFile)) : new JsonObject();
      JsonObject heap = heap(big);
      int cores = suite.getInteger("cores", suite.getJsonObject("machine", new JsonObject()).getInteger("cores", 1));

      // 1. create with hash vs COPY
      double copy = med("copy10k");
      for (String[] v : new String[][] {{"create10kHashChunk500", "create 10k passwordHash, chunkSize 500"},
          {"create10kHashDefault", "create 10k passwordHash, default chunkSize"}}) {
        Check c = ratioCheck(v[0] + "VsCopy", v[1] + " / COPY", med(v[0]) / copy, "<=", 3, null);
        row(v[1], spread(v[0]), "COPY " + fmt(copy) + " ms", fmt(c.ratio()), "<= 3", c.pass() ? "PASS" : "FAIL");
      }
      row("COPY 10k identical rows, same indexes", spread("copy10k"), "", "", "", "");

      // 2. plaintext
      double single = med("argon2SingleThread");
      double ceiling = cores * single;
      double achieved = med("createPlaintextRate");
      Check pc = ratioCheck("plaintextVsArgon2", "plaintext create rate / (cores x 1-thread Argon2id)", achieved / ceiling,
          ">=", 0.85, null);
      row("create 1000 plaintext, default options", spread("createPlaintext1000") + " = " + fmt(achieved) + " users/s",
          cores + " x " + fmt(single) + "/s = " + fmt(ceiling) + "/s", fmt(pc.ratio()), ">= 0.85", pc.pass() ? "PASS" : "FAIL");
      row("Argon2id single thread (bench JVM)", spread("argon2SingleThread"), "", "", "", "");
      row("Argon2id " + cores + " threads (bench JVM), info", spread("argon2AllCores"), cores + " x 1-thread",
          fmt(med("argon2AllCores") / ceiling), "", "");
      long plainBlocked = suite.getLong("plaintextBlockedWarnings", -1L);
      Check bc = boolCheck("plaintextBlockedWarnings", "no blocked-thread warnings during plaintext creates",
          plainBlocked == 0, plainBlocked + " warnings (" + suite.getLong("plaintextBlockedWarningsEventLoop", -1L)
              + " event loop)");
      row("blocked-thread warnings, plaintext phase", String.valueOf(plainBlocked), "", "", "= 0", bc.pass() ? "PASS" : "FAIL");

      // 3. lookups
      double mget = med("mget1000");
      for (String tag : new String[] {"Chunk1000", "Default"}) {
        String label = tag.equals("Default") ? "default chunkSize" : "chunkSize 1000";
        double cold = med("lookupCold" + tag);
        double warm = med("lookupWarm" + tag);
        Check cc = ratioCheck("lookupCold" + tag + "VsWarm", "lookup cold / warm, " + label, cold / warm, "<=", 3, null);
        row("lookup 1000 cold, " + label, spread("lookupCold" + tag), "warm " + fmt(warm) + " ms", fmt(cc.ratio()), "<= 3",
            cc.pass() ? "PASS" : "FAIL");
        Check wc = ratioCheck("lookupWarm" + tag + "VsMget", "lookup warm / MGET, " + label, warm / mget, "<=", 2, null);
        row("lookup 1000 warm, " + label, spread("lookupWarm" + tag), "MGET " + fmt(mget) + " ms", fmt(wc.ratio()), "<= 2",
            wc.pass() ? "PASS" : "FAIL");
      }
      row("raw MGET 1000 keys (Vert.x Redis)", spread("mget1000"), "", "", "", "");

      // 4. id operations
      row("update names, 10k users", spread("update10k"), "COPY " + fmt(copy) + " ms", fmt(med("update10k") / copy), "", "");
      row("last-login, 10k users", spread("lastLogin10k"), "COPY " + fmt(copy) + " ms", fmt(med("lastLogin10k") / copy), "", "");
      row("soft delete, 10k users", spread("softDelete10k"), "COPY " + fmt(copy) + " ms", fmt(med("softDelete10k") / copy), "", "");

      // 5. mixed load
      JsonObject mixed = suite.getJsonObject("mixed");
      if (mixed != null) {
        row("mixed load: " + mixed.getInteger("clients") + " clients, " + fmt(mixed.getDouble("durationSeconds")) + " s",
            fmt(mixed.getDouble("requestsPerSecond")) + " req/s, " + fmt(mixed.getDouble("itemsPerSecond")) + " items/s",
            "", "", "", "");
        double p50 = mixed.getDouble("p50");
        double p99 = mixed.getDouble("p99");
        Check lc = ratioCheck("mixedP99VsP50", "mixed load p99 / p50", p99 / p50, "<", 10, null);
        row("mixed load latency p50 / p99", fmt(p50) + " / " + fmt(p99) + " ms", "p50 " + fmt(p50) + " ms", fmt(lc.ratio()),
            "< 10", lc.pass() ? "PASS" : "FAIL");
        long errors = mixed.getLong("errors");
        Check ec = boolCheck("mixedErrors", "mixed load: zero errors", errors == 0, errors + " errors in "
            + mixed.getInteger("requests") + " requests");
        row("mixed load errors", errors + " of " + mixed.getInteger("requests"), "", "", "= 0", ec.pass() ? "PASS" : "FAIL");
        row("blocked-thread warnings, mixed load", String.valueOf(mixed.getLong("blockedWarnings")), "", "", "", "");
      } else {
        boolCheck("mixedErrors", "mixed load: zero errors", false, "mixed load did not run");
        row("mixed load", "did not run", "", "", "", "FAIL");
      }

      // 6. big create under -Xmx256m
      boolean bigOk = big.getBoolean("success", false) && heap.getBoolean("serviceAliveAfter", true)
          && !heap.getBoolean("outOfMemory", false);
      String bigValue = big.isEmpty() ? "did not run"
          : (bigOk ? "OK" : "FAILED (" + (big.getInteger("status", -1) < 0 ? "no response" : "HTTP " + big.getInteger("status"))
              + (heap.getBoolean("outOfMemory", false) ? ", service died of OutOfMemoryError" : "") + ")") + " in " + fmt(big.getDouble("ms", Double.NaN) / 1000)
              + " s, peak heap " + fmt(heap.getDouble("peakMB", Double.NaN)) + " MB, max after GC "
              + fmt(heap.getDouble("gcAfterPeakMB", Double.NaN)) + " MB, " + heap.getInteger("fullGcs", 0) + " full GCs";
      Check hc = boolCheck("big100kUnder256m", "create " + big.getInteger("users", 100_000) + " users succeeds with "
          + env("BIG_XMX", "-Xmx256m"), bigOk, bigValue + (big.getString("problem") == null ? "" : "; " + big.getString("problem")));
      row("create " + big.getInteger("users", 100_000) + " passwordHash, " + env("BIG_XMX", "-Xmx256m"), bigValue,
          "heap max " + fmt(heap.getDouble("capacityMB", Double.NaN)) + " MB", "", "succeeds", hc.pass() ? "PASS" : "FAIL");

      String table = table();
      System.out.println();
      System.out.println("user-batch-service benchmark, run " + suite.getString("run") + ", " + suite.getString("startedAt")
          + ", " + cores + " cores, REPS=" + suite.getJsonObject("config", new JsonObject()).getInteger("reps")
          + ", LOOKUP_REPS=" + suite.getJsonObject("config", new JsonObject()).getInteger("lookupReps")
          + ", mixed load " + suite.getJsonObject("config", new JsonObject()).getInteger("durationSeconds") + " s x "
          + suite.getJsonObject("config", new JsonObject()).getInteger("clients") + " clients"
          + "; values are median [min-max]; ratios use medians");
      System.out.println("load average (1/5/15 min) at the start of each phase: "
          + suite.getJsonObject("loadAverageAtPhaseStart", new JsonObject()).encode().replace("\"", "")
          + ", at the end: " + suite.getString("loadAverageAtEnd", "n/a") + " (on " + cores + " cores; it includes this run's own service, client and database)");
      System.out.println(table);
      long passed = checks.stream().filter(Check::pass).count();
      System.out.println("targets: " + passed + " of " + checks.size() + " PASS");
      JsonArray problems = suite.getJsonArray("problems", new JsonArray());
      if (!problems.isEmpty()) {
        System.out.println("problems during the run:");
        problems.forEach(p -> System.out.println("  - " + p));
      }

      JsonArray checksJson = new JsonArray();
      checks.forEach(c -> checksJson.add(c.toJson()));
      JsonObject latest = suite.copy().put("big", big).put("bigHeap", heap).put("checks", checksJson)
          .put("table", table);
      Files.createDirectories(resultsDir);
      Files.writeString(resultsDir.resolve("latest.json"), latest.encodePrettily());
      Files.writeString(resultsDir.resolve("latest.svg"), svg());
      log("wrote " + resultsDir.resolve("latest.json") + " and " + resultsDir.resolve("latest.svg"));
      return env("STRICT", "0").equals("1") && passed < checks.size() ? 1 : 0;
    }

    String table() {
      String[] header = {"figure", "value (median [min-max])", "ceiling / reference", "ratio", "target", "result"};
      int[] width = new int[header.length];
      List<String[]> all = new ArrayList<>();
      all.add(header);
      all.addAll(rows);
      for (String[] r : all) {
        for (int i = 0; i < r.length; i++) {
          width[i] = Math.max(width[i], r[i].length());
        }
      }
      StringBuilder sb = new StringBuilder();
      for (int k = 0; k < all.size(); k++) {
        String[] r = all.get(k);
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < r.length; i++) {
          line.append(i == 0 ? "" : " | ").append(String.format("%-" + width[i] + "s", r[i]));
        }
        sb.append(line.toString().stripTrailing()).append('\n');
        if (k == 0) {
          StringBuilder rule = new StringBuilder();
          for (int i = 0; i < width.length; i++) {
            rule.append(i == 0 ? "" : "-+-").append("-".repeat(width[i]));
          }
          sb.append(rule).append('\n');
        }
      }
      return sb.toString();
    }

    /** Peak heap of the big-create service: jstat samples of used heap, and the before-GC sizes in the GC log. */
    JsonObject heap(JsonObject big) throws IOException {
      JsonObject heap = new JsonObject();
      String jstatFile = env("JSTAT_LOG", "");
      double jstatPeakKb = 0;
      int samples = 0;
      if (!jstatFile.isEmpty() && Files.isRegularFile(Path.of(jstatFile))) {
        List<String> lines = Files.readAllLines(Path.of(jstatFile));
        List<String> header = null;
        for (String line : lines) {
          String[] t = line.trim().split("\\s+");
          if (t.length > 3 && t[0].equals("S0C")) {
            header = List.of(t);
            continue;
          }
          if (header == null || t.length != header.size()) {
            continue;
          }
          try {
            double used = 0;
            for (String col : new String[] {"S0U", "S1U", "EU", "OU"}) {
              used += Double.parseDouble(t[header.indexOf(col)]);
            }
            jstatPeakKb = Math.max(jstatPeakKb, used);
            samples++;
          } catch (RuntimeException ignored) {
            // a partial line while the JVM exits
          }
        }
      }
      heap.put("jstatSamples", samples).put("jstatPeakMB", round(jstatPeakKb / 1024));
      String gcFile = env("GC_LOG", "");
      double beforePeak = 0;
      double afterPeak = 0;
      double capacity = 0;
      int gcs = 0;
      int fullGcs = 0;
      if (!gcFile.isEmpty() && Files.isRegularFile(Path.of(gcFile))) {
        Pattern p = Pattern.compile("(\\d+(?:\\.\\d+)?)([KMG])->(\\d+(?:\\.\\d+)?)([KMG])\\((\\d+(?:\\.\\d+)?)([KMG])\\)");
        for (String line : Files.readAllLines(Path.of(gcFile))) {
          Matcher m = p.matcher(line);
          if (m.find()) {
            gcs++;
            if (line.contains("Pause Full")) {
              fullGcs++;
            }
            beforePeak = Math.max(beforePeak, mb(m.group(1), m.group(2)));
            afterPeak = Math.max(afterPeak, mb(m.group(3), m.group(4)));
            capacity = Math.max(capacity, mb(m.group(5), m.group(6)));
          }
        }
      }
      heap.put("gcEvents", gcs).put("fullGcs", fullGcs).put("gcBeforePeakMB", round(beforePeak)).put("gcAfterPeakMB", round(afterPeak))
          .put("capacityMB", round(capacity));
      heap.put("peakMB", round(Math.max(jstatPeakKb / 1024, beforePeak)));
      String serviceLog = env("BIG_SERVICE_LOG", "");
      if (!serviceLog.isEmpty() && Files.isRegularFile(Path.of(serviceLog))) {
        String text = Files.readString(Path.of(serviceLog));
        heap.put("outOfMemory", text.contains("OutOfMemoryError"));
        heap.put("blockedWarnings", text.lines().filter(l -> l.contains(BLOCKED_MARKER)).count());
      }
      String alive = env("BIG_SERVICE_ALIVE", "");
      if (!alive.isEmpty()) {
        heap.put("serviceAliveAfter", alive.equals("1"));
      }
      return heap;
    }

    static double mb(String value, String unit) {
      double v = Double.parseDouble(value);
      return switch (unit) {
        case "K" -> v / 1024;
        case "G" -> v * 1024;
        default -> v;
      };
    }

    static String esc(String s) {
      return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Ratio checks as bars on a log axis with the target marked; the other checks as badges below. */
    String svg() {
      List<Check> ratios = checks.stream().filter(c -> Double.isFinite(c.target())).collect(Collectors.toList());
      List<Check> flags = checks.stream().filter(c -> !Double.isFinite(c.target())).collect(Collectors.toList());
      int left = 330;
      int chartW = 520;
      int rowH = 34;
      int top = 70;
      int width = left + chartW + 200;
      int height = top + ratios.size() * rowH + 50 + flags.size() * 26 + 30;
      double lo = Math.log10(0.1);
      double hi = Math.log10(100);
      java.util.function.DoubleUnaryOperator x = v -> left + (Math.log10(Math.max(0.1, Math.min(100, v))) - lo) / (hi - lo) * chartW;
      StringBuilder s = new StringBuilder();
      s.append(String.format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
          + "font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">%n", width, height, width, height));
      s.append(String.format("<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>%n", width, height));
      s.append(String.format("<text x=\"12\" y=\"22\" font-size=\"15\" font-weight=\"bold\">%s</text>%n",
          esc("user-batch-service benchmark: measured ratio vs target (issue 8)")));
      s.append(String.format("<text x=\"12\" y=\"40\" fill=\"#555\">%s</text>%n", esc("run " + suite.getString("run", "?") + ", "
          + suite.getString("startedAt", "") + ", " + suite.getJsonObject("machine", new JsonObject()).getInteger("cores", 0)
          + " cores; log scale; bar = measured ratio (medians), black line = target; green = PASS, red = FAIL")));
      int axisY = top + ratios.size() * rowH;
      for (double g : new double[] {0.1, 0.3, 1, 3, 10, 30, 100}) {
        double gx = x.applyAsDouble(g);
        s.append(String.format("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e0e0e0\"/>%n", gx, top - 8, gx, axisY));
        s.append(String.format("<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%s</text>%n", gx, axisY + 16,
            g < 1 ? String.valueOf(g) : String.valueOf((int) g)));
      }
      s.append(String.format("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">ratio</text>%n",
          left + chartW / 2, axisY + 32));
      for (int i = 0; i < ratios.size(); i++) {
        Check c = ratios.get(i);
        int y = top + i * rowH;
        String color = c.pass() ? "#2e9d4a" : "#d64541";
        s.append(String.format("<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n", left - 8, y + 15, esc(c.label())));
        if (Double.isFinite(c.ratio())) {
          double bx = x.applyAsDouble(c.ratio());
          s.append(String.format("<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"20\" fill=\"%s\" opacity=\"0.85\"/>%n",
              left, y + 2, Math.max(1, bx - left), color));
          double textX = Math.min(Math.max(bx, x.applyAsDouble(c.target())) + 6, left + chartW + 6);
          s.append(String.format("<text x=\"%.1f\" y=\"%d\">%s</text>%n", textX, y + 16,
              esc(fmt(c.ratio()) + " (target " + opText(c.op()) + " " + fmt(c.target()) + ")")));
        } else {
          s.append(String.format("<text x=\"%d\" y=\"%d\" fill=\"%s\">not measured</text>%n", left + 4, y + 16, color));
        }
        double tx = x.applyAsDouble(c.target());
        s.append(String.format("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#000\" stroke-width=\"2\"/>%n",
            tx, y - 1, tx, y + 25));
      }
      int fy = axisY + 56;
      for (Check c : flags) {
        String color = c.pass() ? "#2e9d4a" : "#d64541";
        s.append(String.format("<rect x=\"12\" y=\"%d\" width=\"44\" height=\"18\" rx=\"3\" fill=\"%s\"/>%n", fy - 13, color));
        s.append(String.format("<text x=\"34\" y=\"%d\" text-anchor=\"middle\" fill=\"#fff\" font-weight=\"bold\">%s</text>%n",
            fy, c.pass() ? "PASS" : "FAIL"));
        String text = c.label() + (c.detail() == null ? "" : ": " + c.detail());
        if (text.length() > 150) {
          text = text.substring(0, 147) + "...";
        }
        s.append(String.format("<text x=\"64\" y=\"%d\">%s</text>%n", fy, esc(text)));
        fy += 26;
      }
      s.append("</svg>\n");
      return s.toString();
    }
  }
}
