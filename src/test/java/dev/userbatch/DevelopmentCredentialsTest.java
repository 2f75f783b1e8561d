package dev.userbatch;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.userbatch.batch.Scopes;
import dev.userbatch.config.ServiceConfig;
import dev.userbatch.security.DevelopmentCredentials;
import dev.userbatch.support.ApiTest;
import dev.userbatch.support.SeparateService;
import dev.userbatch.support.TestData;
import dev.userbatch.support.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The zero-configuration first run: with no key and DEV_MODE on (the default), a generated secret
 * and a ready token under DATA_DIR, both readable by their owner only (also when DATA_DIR has to be
 * created, and when an older, world-readable secret is found), announced by a WARN line.
 */
class DevelopmentCredentialsTest extends ApiTest {
  /**
   * The idempotency HMAC key is generated beside the development credentials, with the same care.
   */
  private static final String IDEMPOTENCY_KEY_FILE = "idempotency-hmac.key";

  private static UnaryOperator<ServiceConfig> withoutKeys(Path dataDir) {
    return base -> {
      ServiceConfig config =
          SeparateService.config(base, Map.of("DATA_DIR", dataDir.toString()), null);
      return config.withSecurity(config.security().withJwtSecret(null));
    };
  }

  /**
   * Starts a service without keys in {@code dataDir} and returns the WARN lines it logged about dev
   * credentials.
   */
  private static List<String> startCapturingWarnings(Path dataDir, List<TestService> started) {
    Logger logger = (Logger) LoggerFactory.getLogger(DevelopmentCredentials.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.setContext(logger.getLoggerContext());
    appender.start();
    logger.addAppender(appender);
    try {
      started.add(TestService.start(withoutKeys(dataDir)));
    } finally {
      logger.detachAppender(appender);
    }
    return appender.list.stream()
        .filter(e -> e.getLevel() == Level.WARN)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  private static HttpResponse<Buffer> create(TestService target, String token) {
    return sync(
        target
            .anonymousHttp
            .post("/batch/users/create")
            .putHeader("Authorization", "Bearer " + token)
            .sendJsonObject(TestData.createRequest(TestData.usersWithHash("dev-token", 1), null)));
  }

  @Test
  void aMissingDataDirIsCreatedOwnerOnlyWithOwnerOnlyFilesAndTheTokenWorks() throws Exception {
    Path dataDir = Files.createTempDirectory("dev-mode").resolve("not").resolve("yet");
    List<TestService> started = new java.util.ArrayList<>();
    try {
      List<String> warnings = startCapturingWarnings(dataDir, started);
      TestService dev = started.get(0);
      assertThat(dev.app.config().security().jwtSecret())
          .isNotBlank()
          .isNotEqualTo(TestService.JWT_SECRET);
      assertThat(Files.getPosixFilePermissions(dataDir))
          .isEqualTo(PosixFilePermissions.fromString("rwx------"));
      for (String name :
          List.of(
              DevelopmentCredentials.SECRET_FILE,
              DevelopmentCredentials.TOKEN_FILE,
              IDEMPOTENCY_KEY_FILE)) {
        assertThat(Files.getPosixFilePermissions(dataDir.resolve(name)))
            .as(name)
            .isEqualTo(PosixFilePermissions.fromString("rw-------"));
      }
      try (Stream<Path> files = Files.list(dataDir)) {
        assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
            .as("no temporary file left behind")
            .containsExactly("dev-token", IDEMPOTENCY_KEY_FILE, "jwt-secret");
      }
      Path tokenFile = dataDir.resolve(DevelopmentCredentials.TOKEN_FILE);
      assertThat(warnings).as("one loud WARN line naming the token file and DEV_MODE").hasSize(1);
      assertThat(warnings.get(0))
          .contains("NOT FOR PRODUCTION")
          .contains(tokenFile.toAbsolutePath().toString())
          .contains("DEV_MODE=false");

      String token = Files.readString(tokenFile).trim();
      HttpResponse<Buffer> created = create(dev, token);
      assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(200);
      String id = created.bodyAsJsonObject().getJsonArray("data").getJsonObject(0).getString("id");
      HttpResponse<Buffer> looked =
          sync(
              dev.anonymousHttp
                  .get("/batch/users/lookup?ids=" + id)
                  .putHeader("Authorization", "Bearer " + token)
                  .send());
      assertThat(looked.statusCode()).as(looked.bodyAsString()).isEqualTo(200);
      assertThat(looked.bodyAsJsonObject().getJsonArray("data")).hasSize(1);
      // the generated secret is the only key: the test suite's tokens do not open it
      assertThat(create(dev, service.token("x", Scopes.WRITE)).statusCode()).isEqualTo(401);
    } finally {
      started.forEach(TestService::close);
    }
  }

  @Test
  void anExistingSecretIsKeptAndTightenedAndTheTokenIsRewrittenOwnerOnly() throws Exception {
    Path dataDir = Files.createTempDirectory("dev-mode-existing");
    String secret = "an-older-development-secret-of-more-than-32-bytes";
    Files.writeString(dataDir.resolve(DevelopmentCredentials.SECRET_FILE), secret);
    Files.setPosixFilePermissions(
        dataDir.resolve(DevelopmentCredentials.SECRET_FILE),
        PosixFilePermissions.fromString("rw-r--r--"));
    Files.writeString(dataDir.resolve(DevelopmentCredentials.TOKEN_FILE), "stale");
    Files.setPosixFilePermissions(
        dataDir.resolve(DevelopmentCredentials.TOKEN_FILE),
        PosixFilePermissions.fromString("rw-rw-rw-"));
    List<TestService> started = new java.util.ArrayList<>();
    try {
      List<String> warnings = startCapturingWarnings(dataDir, started);
      TestService dev = started.get(0);
      assertThat(dev.app.config().security().jwtSecret()).isEqualTo(secret);
      for (String name :
          List.of(
              DevelopmentCredentials.SECRET_FILE,
              DevelopmentCredentials.TOKEN_FILE,
              IDEMPOTENCY_KEY_FILE)) {
        assertThat(Files.getPosixFilePermissions(dataDir.resolve(name)))
            .as(name)
            .isEqualTo(PosixFilePermissions.fromString("rw-------"));
      }
      assertThat(warnings).anyMatch(w -> w.contains("was readable by other users"));
      String token = Files.readString(dataDir.resolve(DevelopmentCredentials.TOKEN_FILE)).trim();
      assertThat(token).isNotEqualTo("stale");
      assertThat(create(dev, token).statusCode()).isEqualTo(200);
    } finally {
      started.forEach(TestService::close);
    }
  }
}
