package dev.userbatch.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * An error status from the service, with the code and message of its error body when it has one.
 */
final class ApiException extends Exception {
  private final int status;
  private final String code;

  ApiException(int status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  /** Reads the service's error body ({@code {"success":false,"code":..,"message":..}}), if any. */
  static ApiException of(int status, String body) {
    try {
      JsonObject json = new JsonObject(body);
      return new ApiException(
          status, json.getString("code", "HTTP_" + status), json.getString("message", body));
    } catch (DecodeException | ClassCastException e) {
      return new ApiException(status, "HTTP_" + status, body.isBlank() ? "(no body)" : body);
    }
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }

  @Override
  public String toString() {
    return status + " " + code + ": " + getMessage();
  }
}
