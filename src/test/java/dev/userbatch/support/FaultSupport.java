package dev.userbatch.support;

import dev.userbatch.config.ServiceConfig;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Helpers of the idempotency, atomic/dry-run and fault tests. */
public final class FaultSupport {
  public static final String KEY_HEADER = "Idempotency-Key";
  public static final String REPLAYED_HEADER = "Idempotent-Replayed";

  private FaultSupport() {}

  /**
   * A separate service with configuration overridden the way an operator would (environment
   * variable names, e.g. {@code CHUNK_TIMEOUT_MS}), on the given endpoints (null: the defaults).
   */
  public static TestService startService(Map<String, String> env, String pgUrl, String redisUrl) {
    return TestService.start(
        base -> {
          Map<String, String> all = new HashMap<>(env);
          all.put("DATA_DIR", base.dataDir().toString());
          return ServiceConfig.load(all)
              .withSecurity(base.security())
              .withHttpPort(base.httpPort())
              .withEndpoints(
                  pgUrl != null ? pgUrl : base.pgUrl(),
                  redisUrl != null ? redisUrl : base.redisUrl());
        });
  }

  /** Sends a JSON body, with an Idempotency-Key when {@code key} is not null. */
  public static Future<HttpResponse<Buffer>> send(
      TestService service, HttpMethod method, String path, String key, JsonObject body) {
    HttpRequest<Buffer> request = service.http.request(method, path);
    if (key != null) {
      request.putHeader(KEY_HEADER, key);
    }
    return request.sendJsonObject(body);
  }

  public static <T> T await(Future<T> future, long seconds) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Polls {@code condition} every 20 ms; false when it did not hold within {@code millis}. */
  public static boolean waitFor(long millis, BooleanSupplier condition) {
    long deadline = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      sleep(20);
    }
    return condition.getAsBoolean();
  }

  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
