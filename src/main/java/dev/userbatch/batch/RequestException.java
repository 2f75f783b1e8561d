package dev.userbatch.batch;

import dev.userbatch.validation.FieldError;

import java.util.List;

/** A request rejected as a whole (bad envelope, too large): becomes a JSON error response. */
public class RequestException extends RuntimeException {
  private final int status;
  private final String code;
  private final List<FieldError> errors;

  public RequestException(int status, String code, String message, List<FieldError> errors) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.errors = List.copyOf(errors);
  }

  public RequestException(int status, String code, String message) {
    this(status, code, message, List.of());
  }

  public static RequestException invalid(List<FieldError> errors) {
    StringBuilder message = new StringBuilder("Invalid request: ");
    for (int i = 0; i < errors.size(); i++) {
      message.append(i == 0 ? "" : "; ").append(errors.get(i).message());
    }
    return new RequestException(400, "VALIDATION_ERROR", message.toString(), errors);
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
}
