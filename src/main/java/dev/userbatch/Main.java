package dev.userbatch;

import dev.userbatch.cli.Cli;
import dev.userbatch.config.LogFormat;
import dev.userbatch.config.ServiceConfig;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of the fat jar: {@code serve} (also with no arguments: the service as it always ran)
 * or one of the import-jobs client commands of {@link Cli}.
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    Cli cli = new Cli(Main::serve);
    int code =
        cli.execute(
            args,
            new PrintWriter(System.out, true, StandardCharsets.UTF_8),
            new PrintWriter(System.err, true, StandardCharsets.UTF_8));
    if (!cli.serving()) {
      System.exit(code);
    }
  }

  private static void serve() {
    try {
      LogFormat
          .configured(); // logback has already guessed at an invalid value: stop here, naming it
      UserBatchApp app = UserBatchApp.start(ServiceConfig.load());
      Runtime.getRuntime().addShutdownHook(new Thread(app::close, "shutdown"));
    } catch (Exception e) {
      LOG.error("Start-up failed: {}", e.getMessage(), e);
      System.exit(1);
    }
  }
}
