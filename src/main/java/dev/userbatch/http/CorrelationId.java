package dev.userbatch.http;

import io.vertx.ext.web.RoutingContext;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Takes the caller's X-Correlation-Id (or X-Request-Id) when it is a sane token, otherwise makes
 * one; stores it on the context and echoes it on the response.
 */
final class CorrelationId {
  static final String KEY = "correlationId";
  static final String HEADER = "X-Correlation-Id";
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private CorrelationId() {
  }

  static void assign(RoutingContext ctx) {
    String id = ctx.request().getHeader(HEADER);
    if (id == null) {
      id = ctx.request().getHeader("X-Request-Id");
    }
    if (id == null || !SAFE.matcher(id).matches()) {
      id = UUID.randomUUID().toString();
    }
    ctx.put(KEY, id);
    ctx.response().putHeader(HEADER, id);
    ctx.next();
  }
}
