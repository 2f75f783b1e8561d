package dev.userbatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.batch.Scopes;
import dev.userbatch.support.ApiTest;
import dev.userbatch.support.TestData;
import io.vertx.core.http.HttpMethod;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Hostile traffic against the running service: a few thousand generated requests (random JSON of
 * random shapes, wrong types in known fields, deep nesting, strings up to about 1 MB, invalid
 * UTF-8, random bytes, wrong methods and content types, random paths under /batch and random query
 * strings), sent byte for byte over 8 keep-alive connections, all with a valid token (a few with a
 * bad one). Every request must get an answer within 10 s, none a 5xx, and the service must still be
 * ready afterwards. The seed is fixed (override with {@code -Dfuzz.seed=…}) and printed with the
 * counts per status.
 */
class FuzzTest extends ApiTest {
  private static final int REQUESTS = 2_500;
  private static final int IN_FLIGHT = 8;
  private static final long TIMEOUT_MS = 10_000;

  /**
   * After a timeout, how long to keep listening to report whether the answer came late or never.
   */
  private static final long LATE_ANSWER_WAIT_MS = 20_000;

  private static final long SEED = Long.getLong("fuzz.seed", 0x5EC0_2026L);
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private static final String[] ROUTES = {
    "/batch/users/create",
    "/batch/users/lookup",
    "/batch/users/update",
    "/batch/users/last-login",
    "/batch/users/soft-delete",
    "/batch/users/restore"
  };
  private static final HttpMethod[] ROUTE_METHODS = {
    HttpMethod.POST,
    HttpMethod.POST,
    HttpMethod.PATCH,
    HttpMethod.PATCH,
    HttpMethod.DELETE,
    HttpMethod.POST
  };
  private static final String[] ITEM_FIELDS = {
    "users", "ids", "updates", "userIds", "userIds", "userIds"
  };
  private static final String[] KNOWN_KEYS = {
    "users",
    "ids",
    "updates",
    "userIds",
    "options",
    "email",
    "name",
    "password",
    "passwordHash",
    "id",
    "data",
    "expectedVersion",
    "chunkSize",
    "maxConcurrency",
    "continueOnError",
    "atomic",
    "dryRun",
    "onConflict",
    "__proto__",
    "constructor",
    "$ref",
    ""
  };
  private static final HttpMethod[] ALL_METHODS = {
    HttpMethod.GET,
    HttpMethod.POST,
    HttpMethod.PUT,
    HttpMethod.PATCH,
    HttpMethod.DELETE,
    HttpMethod.HEAD,
    HttpMethod.OPTIONS,
    HttpMethod.TRACE
  };
  private static final String[] CONTENT_TYPES = {
    null,
    "text/plain",
    "application/xml",
    "application/octet-stream",
    "multipart/form-data; boundary=xyz",
    "multipart/form-data",
    "application/x-www-form-urlencoded",
    "application/json; charset=ISO-8859-1",
    "application/json; charset=utf-16",
    "application/json;;;",
    "*/*",
    "application/merge-patch+json",
    "garbage",
    ""
  };

  /** One generated request; {@code chunked}: the body is sent with chunked transfer encoding. */
  private record Fuzzed(
      String kind,
      HttpMethod method,
      String uri,
      Map<String, String> headers,
      byte[] body,
      boolean chunked,
      String id) {
    Fuzzed(String kind, HttpMethod method, String uri, Map<String, String> headers, byte[] body) {
      this(kind, method, uri, headers, body, false, "fuzz-" + SEQUENCE.incrementAndGet());
    }

    Fuzzed asChunked() {
      return new Fuzzed(kind, method, uri, headers, body, true, id);
    }

    String describe() {
      String text =
          body == null
              ? "<no body>"
              : new String(body, 0, Math.min(body.length, 400), StandardCharsets.UTF_8);
      return id
          + " "
          + kind
          + (chunked ? " (chunked)" : "")
          + " "
          + method
          + " "
          + (uri.length() > 300 ? uri.substring(0, 300) + "…" : uri)
          + " "
          + headers
          + " body("
          + (body == null ? 0 : body.length)
          + " bytes): "
          + text;
    }
  }

  /** The generator: every choice comes from one seeded Random, so a seed replays the run. */
  private static final class Generator {
    private final Random random;
    private final String token;

    Generator(long seed, String token) {
      this.random = new Random(seed);
      this.token = token;
    }

    Fuzzed next() {
      Fuzzed request = pick();
      return request.body() != null && random.nextInt(10) == 0 ? request.asChunked() : request;
    }

    private Fuzzed pick() {
      int dice = random.nextInt(100);
      if (dice < 22) {
        return jsonTo("random-json", randomJson(0, 5));
      } else if (dice < 42) {
        return wrongTypes();
      } else if (dice < 48) {
        return deepNesting();
      } else if (dice < 51) {
        return hugeString();
      } else if (dice < 57) {
        return invalidUtf8();
      } else if (dice < 62) {
        return randomBytes();
      } else if (dice < 69) {
        return wrongMethod();
      } else if (dice < 75) {
        return wrongContentType();
      } else if (dice < 80) {
        return randomPath();
      } else if (dice < 90) {
        return randomQuery();
      } else if (dice < 95) {
        return plausible();
      } else {
        return badAuthorization();
      }
    }

    private Map<String, String> headers(String contentType) {
      Map<String, String> headers = new TreeMap<>();
      headers.put("Authorization", "Bearer " + token);
      if (contentType != null) {
        headers.put("Content-Type", contentType);
      }
      if (random.nextInt(10) == 0) {
        headers.put("X-Forwarded-For", headerSafe(randomString(20)));
      }
      if (random.nextInt(10) == 0) {
        headers.put("X-Correlation-Id", headerSafe(randomString(random.nextInt(300))));
      }
      if (random.nextInt(10) == 0) {
        headers.put("Idempotency-Key", headerSafe(randomString(random.nextInt(300))));
      }
      return headers;
    }

    /** What an HTTP client can send as a header value: printable ASCII. */
    private static String headerSafe(String text) {
      return text.replaceAll("[^ -~]", "x");
    }

    private int route() {
      return random.nextInt(ROUTES.length);
    }

    private Fuzzed jsonTo(String kind, String json) {
      int r = route();
      return new Fuzzed(
          kind,
          ROUTE_METHODS[r],
          ROUTES[r],
          headers("application/json"),
          json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A JSON text of random shape; strings may hold control characters and lone surrogate escapes.
     */
    private String randomJson(int depth, int maxDepth) {
      int kind = depth >= maxDepth ? random.nextInt(6) : random.nextInt(9);
      switch (kind) {
        case 0:
          return "null";
        case 1:
          return random.nextBoolean() ? "true" : "false";
        case 2:
          return randomNumber();
        case 3:
        case 4:
        case 5:
          return jsonString(randomString(random.nextInt(40)));
        case 6:
        case 7:
          {
            StringBuilder object = new StringBuilder("{");
            int size = random.nextInt(6);
            for (int i = 0; i < size; i++) {
              if (i > 0) {
                object.append(',');
              }
              String key =
                  random.nextInt(3) == 0
                      ? randomString(8)
                      : KNOWN_KEYS[random.nextInt(KNOWN_KEYS.length)];
              object.append(jsonString(key)).append(':').append(randomJson(depth + 1, maxDepth));
            }
            return object.append('}').toString();
          }
        default:
          {
            StringBuilder array = new StringBuilder("[");
            int size = random.nextInt(8);
            for (int i = 0; i < size; i++) {
              if (i > 0) {
                array.append(',');
              }
              array.append(randomJson(depth + 1, maxDepth));
            }
            return array.append(']').toString();
          }
      }
    }

    private String randomNumber() {
      switch (random.nextInt(10)) {
        case 0:
          return "1e" + random.nextInt(1_000_000);
        case 1:
          return "-1e" + random.nextInt(1_000_000);
        case 2:
          return "9".repeat(1 + random.nextInt(200));
        case 3:
          return "0." + "1".repeat(1 + random.nextInt(100));
        case 4:
          return String.valueOf(random.nextLong());
        case 5:
          return String.valueOf(random.nextDouble() * 1e300);
        case 6:
          return "-0";
        case 7:
          return String.valueOf(Integer.MAX_VALUE + (long) random.nextInt(10));
        default:
          return String.valueOf(random.nextInt(2000) - 500);
      }
    }

    private String randomString(int length) {
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < length; i++) {
        switch (random.nextInt(12)) {
          case 0 -> text.append((char) random.nextInt(0x20));
          case 1 -> text.append((char) (0x80 + random.nextInt(0x780)));
          case 2 -> text.append((char) (0x4E00 + random.nextInt(0x1000)));
          case 3 -> text.appendCodePoint(0x1F600 + random.nextInt(0x50));
          case 4 ->
              text.append(
                  new char[] {
                        '\'', '"', '\\', ';', '-', '%', '$', '{', '}', '<', '>', '@', '\u202E',
                        '\u2028', '\u0000', '\uFEFF'
                      }
                      [random.nextInt(16)]);
          case 5 -> text.append((char) (0xD800 + random.nextInt(0x800))); // a lone surrogate
          default -> text.append((char) (0x20 + random.nextInt(0x5F)));
        }
      }
      return text.toString();
    }

    /** JSON string literal: escapes what must be escaped, and writes surrogates as \\u escapes. */
    private static String jsonString(String text) {
      StringBuilder literal = new StringBuilder("\"");
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '"' || c == '\\') {
          literal.append('\\').append(c);
        } else if (c < 0x20 || Character.isSurrogate(c)) {
          literal.append(String.format("\\u%04x", (int) c));
        } else {
          literal.append(c);
        }
      }
      return literal.append('"').toString();
    }

    private String wrongTypeValue() {
      return switch (random.nextInt(10)) {
        case 0 -> "null";
        case 1 -> "true";
        case 2 -> randomNumber();
        case 3 -> "[]";
        case 4 -> "{}";
        case 5 -> "[" + jsonString(randomString(5)) + "]";
        case 6 -> jsonString("");
        case 7 -> jsonString(randomString(random.nextInt(300)));
        case 8 -> jsonString(UUID.randomUUID().toString());
        default -> jsonString(TestData.email("fuzz"));
      };
    }

    /** The right envelope and item shapes with wrong types, or right types with hostile values. */
    private Fuzzed wrongTypes() {
      int r = route();
      StringBuilder items = new StringBuilder("[");
      int count = random.nextInt(5);
      for (int i = 0; i < count; i++) {
        if (i > 0) {
          items.append(',');
        }
        items.append(
            switch (r) {
              case 0 ->
                  "{\"email\":"
                      + wrongTypeValue()
                      + ",\"name\":"
                      + wrongTypeValue()
                      + (random.nextBoolean() ? ",\"password\":" + wrongTypeValue() : "")
                      + (random.nextBoolean() ? ",\"passwordHash\":" + wrongTypeValue() : "")
                      + "}";
              case 2 ->
                  "{\"id\":"
                      + wrongTypeValue()
                      + ",\"data\":"
                      + (random.nextBoolean()
                          ? wrongTypeValue()
                          : "{\"name\":"
                              + wrongTypeValue()
                              + ",\"email\":"
                              + wrongTypeValue()
                              + "}")
                      + (random.nextBoolean() ? ",\"expectedVersion\":" + wrongTypeValue() : "")
                      + "}";
              default -> wrongTypeValue();
            });
      }
      items.append(']');
      String itemsValue = random.nextInt(5) == 0 ? wrongTypeValue() : items.toString();
      String options =
          random.nextBoolean()
              ? ""
              : ",\"options\":{\"chunkSize\":"
                  + wrongTypeValue()
                  + ",\"maxConcurrency\":"
                  + wrongTypeValue()
                  + ",\"continueOnError\":"
                  + wrongTypeValue()
                  + (random.nextBoolean()
                      ? ",\"atomic\":"
                          + wrongTypeValue()
                          + ",\"dryRun\":"
                          + wrongTypeValue()
                          + ",\"onConflict\":"
                          + wrongTypeValue()
                      : "")
                  + "}";
      String json = "{\"" + ITEM_FIELDS[r] + "\":" + itemsValue + options + "}";
      return new Fuzzed(
          "wrong-types",
          ROUTE_METHODS[r],
          ROUTES[r],
          headers("application/json"),
          json.getBytes(StandardCharsets.UTF_8));
    }

    private Fuzzed deepNesting() {
      int depth = 10 + random.nextInt(random.nextBoolean() ? 100 : 50_000);
      String open = random.nextBoolean() ? "[" : "{\"a\":";
      String close = open.equals("[") ? "]" : "}";
      String nested = open.repeat(depth) + "1" + close.repeat(depth);
      int r = route();
      String json = random.nextBoolean() ? "{\"" + ITEM_FIELDS[r] + "\":[" + nested + "]}" : nested;
      return new Fuzzed(
          "deep-nesting",
          ROUTE_METHODS[r],
          ROUTES[r],
          headers("application/json"),
          json.getBytes(StandardCharsets.UTF_8));
    }

    private Fuzzed hugeString() {
      int length = 100_000 + random.nextInt(950_000);
      String huge = random.nextBoolean() ? "x".repeat(length) : randomString(length / 4);
      int r = route();
      String json =
          switch (random.nextInt(3)) {
            case 0 ->
                "{\"users\":[{\"email\":"
                    + jsonString(huge)
                    + ",\"name\":\"n\",\"password\":\"password-1\"}]}";
            case 1 -> "{\"" + ITEM_FIELDS[r] + "\":[" + jsonString(huge) + "]}";
            default -> "{" + jsonString(huge) + ":1}";
          };
      return new Fuzzed(
          "huge-string",
          ROUTE_METHODS[r],
          ROUTES[r],
          headers("application/json"),
          json.getBytes(StandardCharsets.UTF_8));
    }

    private Fuzzed invalidUtf8() {
      byte[] valid =
          (random.nextBoolean()
                  ? randomJson(0, 3)
                  : "{\"users\":[{\"email\":\"a@example.com\","
                      + "\"name\":\"xx\",\"password\":\"password-1\"}]}")
              .getBytes(StandardCharsets.UTF_8);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int[][] bad = {
        {0xFF},
        {0xFE},
        {0x80},
        {0xC0, 0xAF},
        {0xC0, 0x80},
        {0xED, 0xA0, 0x80},
        {0xF4, 0x90, 0x80, 0x80},
        {0xE2, 0x82},
        {0xF0},
        {0xC3}
      };
      int at = valid.length == 0 ? 0 : random.nextInt(valid.length);
      out.write(valid, 0, at);
      for (int b : bad[random.nextInt(bad.length)]) {
        out.write(b);
      }
      out.write(valid, at, valid.length - at);
      int r = route();
      return new Fuzzed(
          "invalid-utf8",
          ROUTE_METHODS[r],
          ROUTES[r],
          headers("application/json"),
          out.toByteArray());
    }

    private Fuzzed randomBytes() {
      byte[] body = new byte[random.nextInt(4096)];
      random.nextBytes(body);
      if (body.length > 0 && random.nextBoolean()) {
        body[0] = '{';
      }
      int r = route();
      return new Fuzzed(
          "random-bytes",
          ROUTE_METHODS[r],
          ROUTES[r],
          headers(
              random.nextBoolean()
                  ? "application/json"
                  : CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)]),
          body);
    }

    private Fuzzed wrongMethod() {
      int r = route();
      HttpMethod method;
      do {
        method = ALL_METHODS[random.nextInt(ALL_METHODS.length)];
      } while (method.equals(ROUTE_METHODS[r]) || (r == 1 && method.equals(HttpMethod.GET)));
      byte[] body = random.nextBoolean() ? null : randomJson(0, 3).getBytes(StandardCharsets.UTF_8);
      return new Fuzzed(
          "wrong-method",
          method,
          ROUTES[r],
          headers(body == null ? null : "application/json"),
          body);
    }

    private Fuzzed wrongContentType() {
      int r = route();
      String body =
          random.nextBoolean()
              ? randomJson(0, 3)
              : random.nextBoolean()
                  ? "--xyz\r\nContent-Disposition: form-data; name=\"users\"\r\n\r\n[]\r\n--xyz--\r\n"
                  : "users=" + randomString(20) + "&options=%zz&&=&a";
      return new Fuzzed(
          "content-type",
          ROUTE_METHODS[r],
          ROUTES[r],
          headers(CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)]),
          body.getBytes(StandardCharsets.UTF_8));
    }

    private Fuzzed randomPath() {
      String[] paths = {
        "/batch",
        "/batch/",
        "/batch/users",
        "/batch/users/",
        "/batch/users/create/",
        "/batch/users/create/extra",
        "/batch/users/CREATE",
        "/batch/users/%2e%2e/create",
        "/batch/users/../../metrics",
        "/batch//users//create",
        "/batch/users/create;jsessionid=1",
        "/batch/users/create%00",
        "/batch/users/" + URLEncoder.encode(randomString(10), StandardCharsets.UTF_8),
        "/batch/" + "a/".repeat(random.nextInt(200)),
        "/batch/users/lookup/" + UUID.randomUUID(),
        "/batch/%zz",
        "/batch/users/%",
        "/batch/users/create?x=%zz"
      };
      String path = paths[random.nextInt(paths.length)];
      HttpMethod method = ALL_METHODS[random.nextInt(ALL_METHODS.length)];
      byte[] body = random.nextBoolean() ? null : randomJson(0, 3).getBytes(StandardCharsets.UTF_8);
      return new Fuzzed(
          "random-path", method, path, headers(body == null ? null : "application/json"), body);
    }

    private Fuzzed randomQuery() {
      StringBuilder query = new StringBuilder();
      int params = random.nextInt(6);
      for (int i = 0; i < params; i++) {
        if (query.length() > 0) {
          query.append('&');
        }
        String[] names = {
          "ids", "ids", "chunkSize", "maxConcurrency", "continueOnError", "atomic", "x", ""
        };
        String name = names[random.nextInt(names.length)];
        query.append(name).append('=');
        query.append(
            switch (random.nextInt(8)) {
              case 0 -> "%zz";
              case 1 -> "%";
              case 2 -> URLEncoder.encode(randomString(random.nextInt(30)), StandardCharsets.UTF_8);
              case 3 -> randomIds(random.nextInt(1200));
              case 4 -> randomNumber();
              case 5 -> ",,,," + UUID.randomUUID() + ",,";
              case 6 -> random.nextBoolean() ? "true" : "yes";
              default -> UUID.randomUUID().toString().toUpperCase();
            });
      }
      String uri = "/batch/users/lookup" + (random.nextInt(10) == 0 ? "" : "?") + query;
      return new Fuzzed("random-query", HttpMethod.GET, uri, headers(null), null);
    }

    private String randomIds(int count) {
      StringBuilder ids = new StringBuilder();
      for (int i = 0; i < count; i++) {
        if (i > 0) {
          ids.append(',');
        }
        ids.append(random.nextInt(20) == 0 ? "not-a-uuid" : UUID.randomUUID().toString());
      }
      return ids.toString();
    }

    /** Well-formed requests among the noise: the service must keep doing real work correctly. */
    private Fuzzed plausible() {
      int r = route();
      String json =
          switch (r) {
            case 0 ->
                "{\"users\":[{\"email\":"
                    + jsonString(TestData.email("fuzz"))
                    + ",\"name\":\"Fuzz\","
                    + "\"passwordHash\":"
                    + jsonString(TestData.BCRYPT)
                    + "}],\"options\":{\"chunkSize\":"
                    + (1 + random.nextInt(100))
                    + "}}";
            case 2 ->
                "{\"updates\":[{\"id\":\""
                    + UUID.randomUUID()
                    + "\",\"data\":{\"name\":\"Fuzz\"}}]}";
            default ->
                "{\""
                    + ITEM_FIELDS[r]
                    + "\":[\""
                    + UUID.randomUUID()
                    + "\","
                    + "\""
                    + UUID.randomUUID()
                    + "\"]}";
          };
      return new Fuzzed(
          "plausible",
          ROUTE_METHODS[r],
          ROUTES[r],
          headers("application/json"),
          json.getBytes(StandardCharsets.UTF_8));
    }

    private Fuzzed badAuthorization() {
      Fuzzed request = plausible();
      Map<String, String> headers = new TreeMap<>(request.headers());
      headers.put(
          "Authorization",
          switch (random.nextInt(5)) {
            case 0 -> "Bearer " + headerSafe(randomString(50));
            case 1 -> "Bearer " + token.substring(0, token.length() - 2);
            case 2 -> "Bearer " + "a".repeat(7000);
            case 3 -> "Basic " + "Zm9vOmJhcg==";
            default -> "Bearer";
          });
      return new Fuzzed(
          "bad-authorization", request.method(), request.uri(), headers, request.body());
    }
  }

  @Test
  void thousandsOfHostileRequestsGetAnAnswerAndNoServerError() throws Exception {
    System.out.println("FuzzTest seed: " + SEED + " (replay with -Dfuzz.seed=" + SEED + ")");
    String token = service.token("fuzz-" + SEED, Scopes.READ, Scopes.WRITE);
    Generator generator = new Generator(SEED, token);
    BlockingQueue<Fuzzed> requests = new LinkedBlockingQueue<>();
    for (int i = 0; i < REQUESTS; i++) {
      requests.add(generator.next());
    }
    Map<Integer, AtomicInteger> byStatus = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> byKind = new ConcurrentHashMap<>();
    List<String> serverErrors = Collections.synchronizedList(new ArrayList<>());
    List<String> unanswered = Collections.synchronizedList(new ArrayList<>());
    List<String> notJson = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger connections = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(IN_FLIGHT);
    long started = System.nanoTime();
    try {
      // IN_FLIGHT clients, each on its own keep-alive connection (a new one when the server closes
      // it)
      for (int worker = 0; worker < IN_FLIGHT; worker++) {
        pool.submit(
            () -> {
              try (RawHttp http = new RawHttp(service.port(), connections)) {
                Fuzzed request;
                while ((request = requests.poll()) != null) {
                  byKind
                      .computeIfAbsent(request.kind(), k -> new AtomicInteger())
                      .incrementAndGet();
                  try {
                    Answer answer = http.exchange(request);
                    byStatus
                        .computeIfAbsent(answer.status(), s -> new AtomicInteger())
                        .incrementAndGet();
                    if (answer.status() >= 500) {
                      serverErrors.add(
                          answer.status() + " " + answer.body() + " ← " + request.describe());
                    }
                    if (answer.status() >= 400
                        && !request.method().equals(HttpMethod.HEAD)
                        && !answer.json()) {
                      notJson.add(
                          answer.status() + " " + answer.body() + " ← " + request.describe());
                    }
                  } catch (IOException | RuntimeException e) {
                    unanswered.add(e + " ← " + request.describe());
                  }
                }
              }
              return null;
            });
      }
      pool.shutdown();
      assertThat(pool.awaitTermination(120, TimeUnit.SECONDS)).as("the fuzz run finished").isTrue();
    } finally {
      pool.shutdownNow();
    }
    long elapsedMs = (System.nanoTime() - started) / 1_000_000;
    System.out.println(
        "FuzzTest: "
            + REQUESTS
            + " requests in "
            + elapsedMs
            + " ms over "
            + connections.get()
            + " connections, by status: "
            + new TreeMap<>(byStatus)
            + ", by kind: "
            + new TreeMap<>(byKind)
            + ", unanswered: "
            + unanswered.size());
    serverErrors.forEach(error -> System.out.println("FuzzTest 5xx: " + error));
    unanswered.forEach(error -> System.out.println("FuzzTest unanswered: " + error));
    // reported, not failed: e.g. a path with a bad %-escape is refused by Vert.x Web itself (text
    // body)
    System.out.println("FuzzTest: " + notJson.size() + " error answers without a JSON {code} body");
    notJson.stream()
        .limit(5)
        .forEach(
            answer ->
                System.out.println(
                    "FuzzTest not JSON: "
                        + (answer.length() > 300 ? answer.substring(0, 300) + "…" : answer)));

    int ready;
    try (RawHttp http = new RawHttp(service.port(), connections)) {
      ready =
          http.exchange(new Fuzzed("health", HttpMethod.GET, "/health/ready", Map.of(), null))
              .status();
    }
    assertThat(serverErrors).as("requests answered with a 5xx").isEmpty();
    assertThat(unanswered).as("requests without an answer within " + TIMEOUT_MS + " ms").isEmpty();
    assertThat(byStatus.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(REQUESTS);
    assertThat(elapsedMs).as("fuzz run time").isLessThan(60_000);
    assertThat(ready).as("GET /health/ready after the fuzz run").isEqualTo(200);
  }

  /** A response: status, whether the body is JSON saying what failed, the start of the body. */
  private record Answer(int status, boolean json, String body) {}

  /**
   * HTTP/1.1 over a plain socket with keep-alive: the request is written byte for byte as generated
   * (any method, any URI, any header), the response is read by its framing (Content-Length,
   * chunked, or until the server closes). Every read waits at most {@value #TIMEOUT_MS} ms.
   */
  private static final class RawHttp implements AutoCloseable {
    private final int port;
    private final AtomicInteger connections;
    private Socket socket;
    private InputStream in;

    RawHttp(int port, AtomicInteger connections) {
      this.port = port;
      this.connections = connections;
    }

    Answer exchange(Fuzzed request) throws IOException {
      if (socket == null) {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout((int) TIMEOUT_MS);
        socket.setTcpNoDelay(true);
        in = new BufferedInputStream(socket.getInputStream());
        connections.incrementAndGet();
      }
      boolean written = false;
      long sent = System.nanoTime();
      try {
        OutputStream out = socket.getOutputStream();
        out.write(bytes(request));
        out.flush();
        written = true;
        return read(request.method().equals(HttpMethod.HEAD));
      } catch (SocketTimeoutException e) {
        // a failure all the same; for the report, see whether (and when) the answer comes at all
        String late;
        try {
          socket.setSoTimeout((int) LATE_ANSWER_WAIT_MS);
          int status = read(request.method().equals(HttpMethod.HEAD)).status();
          late = "answered " + status + " after " + (System.nanoTime() - sent) / 1_000_000 + " ms";
        } catch (IOException | RuntimeException again) {
          late =
              "no answer after " + (System.nanoTime() - sent) / 1_000_000 + " ms (" + again + ")";
        }
        close();
        throw new IOException("no answer within " + TIMEOUT_MS + " ms (" + late + ")", e);
      } catch (IOException e) {
        close();
        throw written ? e : new IOException("could not send the request (" + e + ")", e);
      }
    }

    private static byte[] bytes(Fuzzed request) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      StringBuilder head =
          new StringBuilder(request.method().name())
              .append(' ')
              .append(request.uri())
              .append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
      request
          .headers()
          .forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
      head.append("X-Request-Id: ")
          .append(request.id())
          .append("\r\n"); // the correlation id in the logs
      byte[] body = request.body();
      if (body != null) {
        head.append(
            request.chunked()
                ? "Transfer-Encoding: chunked\r\n"
                : "Content-Length: " + body.length + "\r\n");
      }
      out.writeBytes(head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
      if (body != null && !request.chunked()) {
        out.writeBytes(body);
      } else if (body != null) {
        int half = body.length / 2;
        for (int[] chunk : new int[][] {{0, half}, {half, body.length}}) {
          if (chunk[1] > chunk[0]) {
            out.writeBytes(
                (Integer.toHexString(chunk[1] - chunk[0]) + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body, chunk[0], chunk[1] - chunk[0]);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
          }
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      return out.toByteArray();
    }

    private Answer read(boolean head) throws IOException {
      String statusLine = line();
      String[] parts = statusLine.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
        throw new IOException("not an HTTP response: " + statusLine);
      }
      int status = Integer.parseInt(parts[1]);
      long length = -1;
      boolean chunked = false;
      boolean close = parts[0].equals("HTTP/1.0");
      String contentType = "";
      for (String header = line(); !header.isEmpty(); header = line()) {
        String lower = header.toLowerCase(java.util.Locale.ROOT);
        String value = lower.substring(lower.indexOf(':') + 1).trim();
        if (lower.startsWith("content-length:")) {
          length = Long.parseLong(value);
        } else if (lower.startsWith("transfer-encoding:")) {
          chunked = value.contains("chunked");
        } else if (lower.startsWith("connection:")) {
          close = value.contains("close");
        } else if (lower.startsWith("content-type:")) {
          contentType = value;
        }
      }
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      if (head || status == 204 || status == 304 || status < 200) {
        // no body
      } else if (chunked) {
        for (long size = Long.parseLong(line().split(";")[0].trim(), 16);
            size > 0;
            size = Long.parseLong(line().split(";")[0].trim(), 16)) {
          body.writeBytes(in.readNBytes((int) size));
          line();
        }
        for (String trailer = line(); !trailer.isEmpty(); trailer = line()) {
          // trailers are ignored
        }
      } else if (length >= 0) {
        byte[] bytes = in.readNBytes((int) length);
        if (bytes.length < length) {
          throw new IOException(
              "response body cut short after " + bytes.length + " of " + length + " bytes");
        }
        body.writeBytes(bytes);
      } else {
        body.writeBytes(in.readAllBytes());
        close = true;
      }
      if (close) {
        close();
      }
      String text = body.toString(StandardCharsets.UTF_8);
      boolean json = false;
      if (contentType.startsWith("application/json")) {
        try {
          io.vertx.core.json.JsonObject answer = new io.vertx.core.json.JsonObject(text);
          json = answer.getString("code") != null || answer.getJsonArray("failed") != null;
        } catch (RuntimeException notJson) {
          // json stays false
        }
      }
      return new Answer(status, json, text.length() > 200 ? text.substring(0, 200) : text);
    }

    private String line() throws IOException {
      StringBuilder line = new StringBuilder();
      for (int c = in.read(); c != '\n'; c = in.read()) {
        if (c == -1) {
          throw new EOFException(
              "connection closed by the server" + (line.length() > 0 ? " after " + line : ""));
        }
        if (c != '\r') {
          line.append((char) c);
        }
      }
      return line.toString();
    }

    @Override
    public void close() {
      if (socket != null) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // closing anyway
        }
        socket = null;
      }
    }
  }
}
