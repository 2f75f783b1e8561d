package dev.userbatch;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.read.ListAppender;
import dev.userbatch.support.ApiTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/**
 * The structured logs of batch requests: every line of one request carries its correlation id, from
 * the router to the worker verticles; passwords, hashes and emails never reach a log line; and the
 * production JSON encoder writes the key-value pairs as parseable JSON.
 */
class LoggingTest extends ApiTest {
  private static final String RUNNER = "dev.userbatch.runner.BatchRunner";
  private static final String WORKER = "dev.userbatch.worker.ChunkWorkerVerticle";
  private static final String BCRYPT_ALPHABET =
      "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private ListAppender<ILoggingEvent> appender;
  private Logger root;
  private Level rootLevel;
  private final Map<String, Level> levels = new HashMap<>();

  @BeforeEach
  void captureLogs() {
    root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    rootLevel = root.getLevel();
    appender = new ListAppender<>();
    appender.setContext(root.getLoggerContext());
    appender.start();
    root.addAppender(appender);
    // the per-batch start and per-chunk lines are DEBUG; the tests below follow a request through
    // them
    for (String name : List.of(RUNNER, WORKER)) {
      Logger logger = (Logger) LoggerFactory.getLogger(name);
      levels.put(name, logger.getLevel());
      logger.setLevel(Level.DEBUG);
    }
  }

  @AfterEach
  void stopCapturing() {
    root.detachAppender(appender);
    appender.stop();
    root.setLevel(rootLevel);
    levels.forEach((name, level) -> ((Logger) LoggerFactory.getLogger(name)).setLevel(level));
  }

  /** A snapshot; appends happen under the appender's lock. */
  private List<ILoggingEvent> events() {
    synchronized (appender) {
      return new ArrayList<>(appender.list);
    }
  }

  private static Map<String, Object> kv(ILoggingEvent event) {
    Map<String, Object> pairs = new HashMap<>();
    List<KeyValuePair> list = event.getKeyValuePairs();
    if (list != null) {
      list.forEach(pair -> pairs.put(pair.key, pair.value));
    }
    return pairs;
  }

  private List<ILoggingEvent> eventsOf(String correlationId) {
    return events().stream().filter(e -> correlationId.equals(kv(e).get("correlationId"))).toList();
  }

  private static List<ILoggingEvent> with(
      List<ILoggingEvent> events, String logger, String message) {
    return events.stream()
        .filter(e -> e.getLoggerName().equals(logger) && e.getFormattedMessage().equals(message))
        .toList();
  }

  private static JsonObject createBody(String tag, int count, int chunkSize) {
    JsonArray users = new JsonArray();
    for (int i = 0; i < count; i++) {
      users.add(
          new JsonObject()
              .put("email", tag + "-" + UUID.randomUUID() + "@example.com")
              .put("name", "Log " + i)
              .put("passwordHash", dev.userbatch.support.TestData.BCRYPT));
    }
    return new JsonObject()
        .put("users", users)
        .put("options", new JsonObject().put("chunkSize", chunkSize));
  }

  @Test
  void theCallersCorrelationIdIsEchoedAndCarriedFromTheRouterToTheWorkers() {
    String correlationId = "it-logs-" + UUID.randomUUID();
    HttpResponse<Buffer> response =
        sync(
            service
                .http
                .post("/batch/users/create")
                .putHeader("X-Correlation-Id", correlationId)
                .sendJsonObject(createBody("log-cid", 3, 1)));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(response.getHeader("X-Correlation-Id")).isEqualTo(correlationId);

    List<ILoggingEvent> mine = eventsOf(correlationId);
    List<ILoggingEvent> started = with(mine, RUNNER, "batch started");
    List<ILoggingEvent> finished = with(mine, RUNNER, "batch finished");
    List<ILoggingEvent> chunks = with(mine, WORKER, "chunk processed");
    assertThat(started).hasSize(1);
    assertThat(finished).hasSize(1);
    assertThat(chunks).as("one line per chunk, from the workers").hasSize(3);

    Map<String, Object> start = kv(started.get(0));
    assertThat(start)
        .containsEntry("operation", "create")
        .containsEntry("items", 3)
        .containsEntry("invalid", 0);
    assertThat(new JsonObject((String) start.get("options")).getInteger("chunkSize")).isEqualTo(1);
    assertThat(started.get(0).getThreadName()).startsWith("vert.x-eventloop-thread");

    Map<String, Object> end = kv(finished.get(0));
    assertThat(end)
        .containsEntry("operation", "create")
        .containsEntry("total", 3)
        .containsEntry("successful", 3)
        .containsEntry("failed", 0)
        .containsEntry("chunks", 3)
        .containsEntry("status", 200)
        .containsKey("durationMs");

    for (ILoggingEvent chunk : chunks) {
      assertThat(chunk.getThreadName())
          .as("chunk lines come from worker threads")
          .startsWith("vert.x-worker-thread");
      assertThat(kv(chunk))
          .containsEntry("operation", "create")
          .containsEntry("items", 1)
          .containsEntry("successful", 1)
          .containsEntry("failed", 0)
          .containsKeys("chunk", "durationMs");
    }
    assertThat(chunks.stream().map(c -> kv(c).get("chunk")).toList())
        .containsExactlyInAnyOrder(0, 1, 2);
  }

  /**
   * At the default INFO level a request costs one line, "batch finished", which says what it was
   * asked.
   */
  @Test
  void atInfoABatchLogsOneLine() {
    levels.forEach((name, level) -> ((Logger) LoggerFactory.getLogger(name)).setLevel(level));
    root.setLevel(Level.INFO);
    String correlationId = "it-one-line-" + UUID.randomUUID();
    HttpResponse<Buffer> response =
        sync(
            service
                .http
                .post("/batch/users/create")
                .putHeader("X-Correlation-Id", correlationId)
                .sendJsonObject(createBody("log-one-line", 3, 1)));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    List<ILoggingEvent> mine = eventsOf(correlationId);
    assertThat(mine)
        .extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly("batch finished");
    Map<String, Object> end = kv(mine.get(0));
    assertThat(end)
        .containsEntry("operation", "create")
        .containsEntry("total", 3)
        .containsEntry("chunks", 3);
    assertThat(new JsonObject((String) end.get("options")).getInteger("chunkSize")).isEqualTo(1);
  }

  @Test
  void xRequestIdIsTakenWhenThereIsNoCorrelationId() {
    String requestId = "req-" + UUID.randomUUID();
    HttpResponse<Buffer> response =
        sync(
            service
                .http
                .post("/batch/users/create")
                .putHeader("X-Request-Id", requestId)
                .sendJsonObject(createBody("log-reqid", 1, 10)));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.getHeader("X-Correlation-Id")).isEqualTo(requestId);
    assertThat(with(eventsOf(requestId), WORKER, "chunk processed")).hasSize(1);
  }

  @Test
  void withoutTheHeaderAGeneratedIdIsEchoedAndLogged() {
    HttpResponse<Buffer> response =
        sync(service.http.post("/batch/users/create").sendJsonObject(createBody("log-gen", 2, 1)));
    assertThat(response.statusCode()).isEqualTo(200);
    String generated = response.getHeader("X-Correlation-Id");
    assertThat(generated).isNotBlank();
    assertThat(UUID.fromString(generated).toString()).isEqualTo(generated);
    List<ILoggingEvent> mine = eventsOf(generated);
    assertThat(with(mine, RUNNER, "batch started")).hasSize(1);
    assertThat(with(mine, RUNNER, "batch finished")).hasSize(1);
    assertThat(with(mine, WORKER, "chunk processed")).hasSize(2);
  }

  @Test
  void anUnsafeCorrelationIdIsReplacedNotEchoedIntoLogsOrHeaders() {
    String unsafe = "abc\" injected=\"1 <script>";
    HttpResponse<Buffer> response =
        sync(
            service
                .http
                .post("/batch/users/create")
                .putHeader("X-Correlation-Id", unsafe)
                .sendJsonObject(createBody("log-unsafe", 1, 10)));
    assertThat(response.statusCode()).isEqualTo(200);
    String used = response.getHeader("X-Correlation-Id");
    assertThat(used).isNotEqualTo(unsafe).matches("[0-9a-f-]{36}");
    assertThat(with(eventsOf(used), RUNNER, "batch finished")).hasSize(1);
    assertThat(events())
        .noneMatch(e -> String.valueOf(kv(e).get("correlationId")).contains("injected"));

    String tooLong = "x".repeat(129);
    HttpResponse<Buffer> second =
        sync(
            service
                .http
                .post("/batch/users/create")
                .putHeader("X-Correlation-Id", tooLong)
                .sendJsonObject(createBody("log-long", 1, 10)));
    assertThat(second.getHeader("X-Correlation-Id")).isNotEqualTo(tooLong).hasSize(36);
  }

  @Test
  void aRejectedRequestIsLoggedWithItsCorrelationId() {
    String correlationId = "it-rejected-" + UUID.randomUUID();
    HttpResponse<Buffer> response =
        sync(
            service
                .http
                .post("/batch/users/create")
                .putHeader("X-Correlation-Id", correlationId)
                .sendJsonObject(new JsonObject().put("users", "nope")));
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.getHeader("X-Correlation-Id")).isEqualTo(correlationId);
    List<ILoggingEvent> rejected = with(eventsOf(correlationId), RUNNER, "batch rejected");
    assertThat(rejected).hasSize(1);
    assertThat(kv(rejected.get(0)))
        .containsEntry("status", 400)
        .containsEntry("operation", "create");
  }

  // ---------------------------------------------------------------------------------------------
  // secrets

  private static String markerBcrypt() {
    String seed =
        UUID.randomUUID().toString().replace("-", "")
            + UUID.randomUUID().toString().replace("-", "");
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 53; i++) {
      body.append(
          BCRYPT_ALPHABET.charAt(Character.digit(seed.charAt(i % seed.length()), 16) * 4 + i % 4));
    }
    return "$2b$12$" + body;
  }

  private HttpResponse<Buffer> send(
      HttpMethod method, String path, String correlationId, JsonObject body) {
    HttpRequest<Buffer> request =
        service.http.request(method, path).putHeader("X-Correlation-Id", correlationId);
    return sync(request.sendJsonObject(body));
  }

  @Test
  void passwordsHashesAndEmailsNeverReachTheLogsInAnyOperation() {
    root.setLevel(Level.DEBUG); // LOG_LEVEL=DEBUG must not leak either
    String run = UUID.randomUUID().toString();
    String password = "MARKER-PW-" + run;
    String otherPassword = "MARKER-PW2-" + run;
    String hash = markerBcrypt();
    String emailA = "marker-a-" + run + "@example.com";
    String emailB = "marker-b-" + run + "@example.com";
    String emailC = "marker-c-" + run + "@example.com";
    String emailBad = "marker-bad-" + run + "@@example";
    List<String> secrets =
        List.of(password, otherPassword, hash, emailA, emailB, emailC, emailBad, run);
    String cid = "it-secrets-" + UUID.randomUUID();

    // create: a plaintext password, an imported hash, an invalid email with a password, a repeat, a
    // short password
    HttpResponse<Buffer> created =
        send(
            HttpMethod.POST,
            "/batch/users/create",
            cid,
            new JsonObject()
                .put(
                    "users",
                    new JsonArray()
                        .add(
                            new JsonObject()
                                .put("email", emailA)
                                .put("name", "Marker A")
                                .put("password", password))
                        .add(
                            new JsonObject()
                                .put("email", emailB)
                                .put("name", "Marker B")
                                .put("passwordHash", hash))
                        .add(
                            new JsonObject()
                                .put("email", emailBad)
                                .put("name", "Bad")
                                .put("password", otherPassword))
                        .add(
                            new JsonObject()
                                .put("email", emailA.toUpperCase(Locale.ROOT))
                                .put("name", "Again")
                                .put("password", otherPassword))
                        .add(
                            new JsonObject()
                                .put("email", emailC)
                                .put("name", "Both")
                                .put("password", password)
                                .put("passwordHash", hash)))
                .put("options", new JsonObject().put("chunkSize", 1)));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(207);
    JsonArray data = created.bodyAsJsonObject().getJsonArray("data");
    assertThat(data).hasSize(2);
    String idA = data.getJsonObject(0).getString("id");
    String idB = data.getJsonObject(1).getString("id");

    // create again: the email exists in the database
    assertThat(
            send(
                    HttpMethod.POST,
                    "/batch/users/create",
                    cid,
                    new JsonObject()
                        .put(
                            "users",
                            new JsonArray()
                                .add(
                                    new JsonObject()
                                        .put("email", emailB)
                                        .put("name", "Clash")
                                        .put("passwordHash", hash))))
                .statusCode())
        .isEqualTo(422);
    // a malformed body that carries a password
    HttpResponse<Buffer> malformed =
        sync(
            service
                .http
                .post("/batch/users/create")
                .putHeader("X-Correlation-Id", cid)
                .putHeader("content-type", "application/json")
                .sendBuffer(
                    Buffer.buffer(
                        "{\"users\":[{\"email\":\""
                            + emailC
                            + "\",\"password\":\""
                            + password
                            + "\"")));
    assertThat(malformed.statusCode()).isEqualTo(400);
    // a whole-request rejection that carries secrets
    assertThat(
            send(
                    HttpMethod.POST,
                    "/batch/users/create",
                    cid,
                    new JsonObject()
                        .put(
                            "users",
                            new JsonArray()
                                .add(
                                    new JsonObject()
                                        .put("email", emailC)
                                        .put("password", password)))
                        .put("secret", hash))
                .statusCode())
        .isEqualTo(400);

    // lookup (body and query string)
    assertThat(
            send(
                    HttpMethod.POST,
                    "/batch/users/lookup",
                    cid,
                    new JsonObject().put("ids", new JsonArray().add(idA).add(idB).add(emailA)))
                .statusCode())
        .isEqualTo(207);
    assertThat(
            sync(service
                    .http
                    .get("/batch/users/lookup?ids=" + idA + "," + idB)
                    .putHeader("X-Correlation-Id", cid)
                    .send())
                .statusCode())
        .isEqualTo(200);

    // update: rename, change an email, try to set a password, take another user's email
    HttpResponse<Buffer> updated =
        send(
            HttpMethod.PATCH,
            "/batch/users/update",
            cid,
            new JsonObject()
                .put(
                    "updates",
                    new JsonArray()
                        .add(
                            new JsonObject()
                                .put("id", idA)
                                .put("data", new JsonObject().put("name", "Marker A2")))
                        .add(
                            new JsonObject()
                                .put("id", idB)
                                .put("data", new JsonObject().put("email", emailC)))
                        .add(
                            new JsonObject()
                                .put("id", idA)
                                .put("data", new JsonObject().put("password", otherPassword)))
                        .add(
                            new JsonObject()
                                .put("id", idA)
                                .put("data", new JsonObject().put("passwordHash", hash)))));
    assertThat(updated.statusCode()).as(updated.bodyAsString()).isEqualTo(207);
    HttpResponse<Buffer> clash =
        send(
            HttpMethod.PATCH,
            "/batch/users/update",
            cid,
            new JsonObject()
                .put(
                    "updates",
                    new JsonArray()
                        .add(
                            new JsonObject()
                                .put("id", idA)
                                .put("data", new JsonObject().put("email", emailC)))));
    assertThat(clash.statusCode()).as(clash.bodyAsString()).isEqualTo(422);

    // last login, soft delete, restore
    JsonObject both = new JsonObject().put("userIds", new JsonArray().add(idA).add(idB));
    assertThat(send(HttpMethod.PATCH, "/batch/users/last-login", cid, both).statusCode())
        .isEqualTo(200);
    assertThat(send(HttpMethod.DELETE, "/batch/users/soft-delete", cid, both).statusCode())
        .isEqualTo(200);
    assertThat(send(HttpMethod.POST, "/batch/users/restore", cid, both).statusCode())
        .isEqualTo(200);
    assertThat(
            send(
                    HttpMethod.POST,
                    "/batch/users/restore",
                    cid,
                    new JsonObject().put("userIds", new JsonArray().add(idA).add(emailB)))
                .statusCode())
        .isEqualTo(422);

    List<ILoggingEvent> captured = events();
    assertThat(with(eventsOf(cid), RUNNER, "batch finished"))
        .as("the batches were logged")
        .hasSizeGreaterThanOrEqualTo(9);
    Encoder<ILoggingEvent> json = productionJsonEncoder();
    List<String> leaks = new ArrayList<>();
    for (ILoggingEvent event : captured) {
      String text =
          everythingOf(event) + "\n" + new String(json.encode(event), StandardCharsets.UTF_8);
      String lower = text.toLowerCase(Locale.ROOT);
      for (String secret : secrets) {
        if (lower.contains(secret.toLowerCase(Locale.ROOT))) {
          leaks.add(secret + " in " + event.getLoggerName() + ": " + text);
        }
      }
    }
    assertThat(leaks).as("log events that carry a secret or an email").isEmpty();
  }

  /** Message, arguments, key-value pairs, MDC and the whole throwable chain of one event. */
  private static String everythingOf(ILoggingEvent event) {
    StringBuilder text =
        new StringBuilder(event.getFormattedMessage()).append('\n').append(event.getMessage());
    if (event.getArgumentArray() != null) {
      for (Object arg : event.getArgumentArray()) {
        text.append('\n').append(arg);
      }
    }
    if (event.getKeyValuePairs() != null) {
      event
          .getKeyValuePairs()
          .forEach(pair -> text.append('\n').append(pair.key).append('=').append(pair.value));
    }
    text.append('\n').append(event.getMDCPropertyMap());
    appendThrowable(text, event.getThrowableProxy(), 0);
    return text.toString();
  }

  private static void appendThrowable(StringBuilder text, IThrowableProxy proxy, int depth) {
    if (proxy == null || depth > 10) {
      return;
    }
    text.append('\n').append(proxy.getClassName()).append(": ").append(proxy.getMessage());
    for (StackTraceElementProxy element : proxy.getStackTraceElementProxyArray()) {
      text.append('\n').append(element.getSTEAsString());
    }
    appendThrowable(text, proxy.getCause(), depth + 1);
    for (IThrowableProxy suppressed : proxy.getSuppressed()) {
      appendThrowable(text, suppressed, depth + 1);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // the production encoder

  /** The encoder of the "json" appender that src/main/resources/logback.xml attaches by default. */
  private static Encoder<ILoggingEvent> productionJsonEncoder() {
    try {
      URL config = LoggingTest.class.getClassLoader().getResource("logback.xml");
      assertThat(config).as("logback.xml on the classpath").isNotNull();
      assertThat(config.toString()).doesNotContain("test-classes");
      LoggerContext context = new LoggerContext();
      context.putProperty("LOG_FORMAT", "json");
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(config);
      Appender<ILoggingEvent> appender =
          context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("json");
      assertThat(appender).as("root logs to the json appender by default").isNotNull();
      Encoder<ILoggingEvent> encoder =
          ((OutputStreamAppender<ILoggingEvent>) appender).getEncoder();
      assertThat(encoder).isInstanceOf(JsonEncoder.class);
      return encoder;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void theProductionJsonEncoderWritesOneParseableObjectPerEventWithTheKeyValuePairs() {
    String correlationId = "it-json-" + UUID.randomUUID();
    HttpResponse<Buffer> response =
        sync(
            service
                .http
                .post("/batch/users/create")
                .putHeader("X-Correlation-Id", correlationId)
                .sendJsonObject(createBody("log-json", 2, 1)));
    assertThat(response.statusCode()).isEqualTo(200);
    List<ILoggingEvent> mine = eventsOf(correlationId);
    Encoder<ILoggingEvent> encoder = productionJsonEncoder();

    ILoggingEvent started = with(mine, RUNNER, "batch started").get(0);
    String line = new String(encoder.encode(started), StandardCharsets.UTF_8);
    assertThat(line).endsWith("\n");
    assertThat(line.strip()).doesNotContain("\n");
    JsonObject json = new JsonObject(line);
    assertThat(json.getString("level")).isEqualTo("DEBUG");
    assertThat(json.getString("loggerName")).isEqualTo(RUNNER);
    assertThat(json.getString("formattedMessage")).isEqualTo("batch started");
    assertThat(json.getString("threadName")).startsWith("vert.x-eventloop-thread");
    assertThat(json.getLong("timestamp")).isGreaterThan(0L);
    Map<String, Object> pairs = new HashMap<>();
    for (Object entry : json.getJsonArray("kvpList")) {
      pairs.putAll(((JsonObject) entry).getMap());
    }
    assertThat(pairs)
        .containsEntry("correlationId", correlationId)
        .containsEntry("operation", "create");
    assertThat(String.valueOf(pairs.get("items"))).isEqualTo("2");
    assertThat(new JsonObject(String.valueOf(pairs.get("options"))).getInteger("chunkSize"))
        .as("a JSON-valued pair survives escaping")
        .isEqualTo(1);

    ILoggingEvent chunk = with(mine, WORKER, "chunk processed").get(0);
    JsonObject chunkJson =
        new JsonObject(new String(encoder.encode(chunk), StandardCharsets.UTF_8));
    assertThat(chunkJson.getString("threadName")).startsWith("vert.x-worker-thread");
    assertThat(
            chunkJson.getJsonArray("kvpList").stream()
                .anyMatch(e -> correlationId.equals(((JsonObject) e).getValue("correlationId"))))
        .isTrue();

    // a system error with a stack trace and awkward characters stays one parseable object
    Logger logger = (Logger) LoggerFactory.getLogger(WORKER);
    LoggingEvent error =
        new LoggingEvent(
            Logger.class.getName(),
            logger,
            Level.ERROR,
            "chunk failed as a whole",
            new IllegalStateException(
                "line one\nline \"two\"\t\\ end", new RuntimeException("cause")),
            null);
    error.addKeyValuePair(new KeyValuePair("correlationId", correlationId));
    error.addKeyValuePair(new KeyValuePair("error", "quote \" backslash \\ newline \n tab \t"));
    JsonObject errorJson =
        new JsonObject(new String(encoder.encode(error), StandardCharsets.UTF_8));
    assertThat(errorJson.getString("level")).isEqualTo("ERROR");
    JsonObject throwable = errorJson.getJsonObject("throwable");
    assertThat(throwable.getString("className")).isEqualTo(IllegalStateException.class.getName());
    assertThat(throwable.getString("message")).isEqualTo("line one\nline \"two\"\t\\ end");
    assertThat(throwable.getJsonArray("stepArray")).isNotEmpty();
    assertThat(throwable.getJsonObject("cause").getString("message")).isEqualTo("cause");
    Map<String, Object> errorPairs = new HashMap<>();
    errorJson.getJsonArray("kvpList").forEach(e -> errorPairs.putAll(((JsonObject) e).getMap()));
    assertThat(errorPairs).containsEntry("error", "quote \" backslash \\ newline \n tab \t");
  }
}
