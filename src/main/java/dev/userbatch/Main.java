package dev.userbatch;

import dev.userbatch.config.LogFormat;
import dev.userbatch.config.ServiceConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Entry point of the fat jar. */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
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
