package dev.userbatch.batch;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A request refused or failed as a whole, whatever refused it (the envelope's validation, the
 * body's limits, the token, the rate limit, the admission door, the idempotency store, an
 * unexpected error) and whichever way it came (HTTP, the event bus, the TCP bridge): its status,
 * its code, its message, the invalid fields if any, and the HTTP headers that go with it ({@code
 * Retry-After}, {@code WWW-Authenticate}). {@link #body()} is the one error body of the service.
 * Stackless: it is an answer, not a bug.
 */
public final class RequestException extends RuntimeException {
  public static final String RETRY_AFTER = "Retry-After";
  public static final String WWW_AUTHENTICATE = "WWW-Authenticate";

  private final int status;
  private final String code;
  private final List<FieldError> errors;
  private final Map<String, String> headers;

  private RequestException(
      int status,
      String code,
      String message,
      List<FieldError> errors,
      Map<String, String> headers) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.errors = List.copyOf(errors);
    this.headers = Map.copyOf(headers);
  }

  public RequestException(int status, String code, String message, List<FieldError> errors) {
    this(status, code, message, errors, Map.of());
  }

  public RequestException(int status, String code, String message) {
    this(status, code, message, List.of(), Map.of());
  }

  /** A 400 VALIDATION_ERROR that lists every invalid field. */
  public static RequestException invalid(List<FieldError> errors) {
    StringBuilder message = new StringBuilder("Invalid request: ");
    for (int i = 0; i < errors.size(); i++) {
      message.append(i == 0 ? "" : "; ").append(errors.get(i).message());
    }
    return new RequestException(400, "VALIDATION_ERROR", message.toString(), errors);
  }

  /** A 500 INTERNAL that sends the caller to the log, never the cause's text. */
  public static RequestException internal(String correlationId) {
    return new RequestException(
        500,
        "INTERNAL",
        "Internal error; the server log has the details under correlation id " + correlationId);
  }

  /** The same refusal with one more HTTP header. */
  public RequestException withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new RequestException(status, code, getMessage(), errors, more);
  }

  /** The same refusal, telling the client when to try again. */
  public RequestException retryAfter(long seconds) {
    return withHeader(RETRY_AFTER, String.valueOf(seconds));
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public List<FieldError> errors() {
    return errors;
  }

  /** HTTP headers of the answer; the event bus has no use for them. */
  public Map<String, String> headers() {
    return headers;
  }

  /**
   * {@code {"success": false, "code", "message", "errors"}}; {@code errors} only when there are
   * some.
   */
  public JsonObject body() {
    JsonObject body =
        new JsonObject().put("success", false).put("code", code).put("message", getMessage());
    return errors.isEmpty() ? body : body.put("errors", errorsJson());
  }

  /**
   * The body of a failed event-bus reply: the same, with {@code errors} always present (maybe
   * empty).
   */
  public JsonObject eventBusBody() {
    return body().put("errors", errorsJson());
  }

  private JsonArray errorsJson() {
    JsonArray array = new JsonArray();
    errors.forEach(error -> array.add(error.toJson()));
    return array;
  }
}
