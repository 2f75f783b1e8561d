package dev.userbatch.support;

import dev.userbatch.config.ServiceConfig;
import java.util.HashMap;
import java.util.Map;

/**
 * Configurations of separate service instances beside the shared one, on its PostgreSQL and Redis.
 */
public final class SeparateService {
  /**
   * Separate instances of these tests hold no long requests: a short grace period keeps closing
   * quick.
   */
  public static final String SHUTDOWN_TIMEOUT_MS = "3000";

  private SeparateService() {}

  /**
   * The configuration an operator would get from these environment variables, on {@code base}'s
   * port and DATA_DIR (unless {@code env} names one), the shared service's PostgreSQL and Redis
   * (unless {@code redisUrl} is given), with {@code base}'s JWT secret (the test secret).
   */
  public static ServiceConfig config(ServiceConfig base, Map<String, String> env, String redisUrl) {
    ServiceConfig shared = TestService.shared().app.config();
    Map<String, String> all = new HashMap<>();
    all.put("DATA_DIR", base.dataDir().toString());
    all.put("SHUTDOWN_TIMEOUT_MS", SHUTDOWN_TIMEOUT_MS);
    all.putAll(env);
    ServiceConfig loaded =
        ServiceConfig.load(all)
            .withHttpPort(base.httpPort())
            .withEndpoints(shared.pgUrl(), redisUrl != null ? redisUrl : shared.redisUrl());
    return loaded.withSecurity(loaded.security().withJwtSecret(base.security().jwtSecret()));
  }
}
