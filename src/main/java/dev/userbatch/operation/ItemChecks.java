package dev.userbatch.operation;

import dev.userbatch.batch.ErrorCode;
import dev.userbatch.batch.FieldError;
import dev.userbatch.batch.ItemFailure;
import dev.userbatch.batch.Operation;
import java.util.List;
import java.util.stream.Collectors;

/** Shared shaping of per-item validation failures. */
final class ItemChecks {
  private ItemChecks() {}

  /** One failure for all of an item's schema errors, pointing at the first bad field. */
  static ItemFailure schemaFailure(Operation operation, int index, List<FieldError> errors) {
    String message = errors.stream().map(FieldError::message).collect(Collectors.joining("; "));
    String path = errors.get(0).under(operation.itemPath(index, "")).path();
    return new ItemFailure(index, null, message, ErrorCode.VALIDATION_ERROR, path);
  }

  static ItemFailure fieldFailure(Operation operation, int index, String field, String message) {
    return new ItemFailure(
        index, null, message, ErrorCode.VALIDATION_ERROR, operation.itemPath(index, field));
  }
}
