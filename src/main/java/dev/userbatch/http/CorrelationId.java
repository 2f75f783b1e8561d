package dev.userbatch.http;

import dev.userbatch.audit.CorrelationIds;
import io.vertx.ext.web.RoutingContext;

/**
 * Takes the caller's X-Correlation-Id (or X-Request-Id) when it is a sane token (see {@link
 * CorrelationIds}), otherwise makes one; stores it on the context and echoes it on the response.
 */
final class CorrelationId {
  static final String KEY = "correlationId";
  static final String HEADER = "X-Correlation-Id";

  private CorrelationId() {}

  static void assign(RoutingContext ctx) {
    String id = ctx.request().getHeader(HEADER);
    if (id == null) {
      id = ctx.request().getHeader("X-Request-Id");
    }
    id = CorrelationIds.orNew(id);
    ctx.put(KEY, id);
    ctx.response().putHeader(HEADER, id);
    ctx.next();
  }
}
