package dev.userbatch.operation;

import dev.userbatch.batch.Operation;
import dev.userbatch.validation.SchemaValidator;
import java.util.EnumMap;
import java.util.Map;

/** The preparer of every operation, built once and shared by every verticle instance. */
public final class Operations {
  private final SchemaValidator validator;
  private final Map<Operation, ItemPreparer<?>> preparers;

  private Operations(SchemaValidator validator, Map<Operation, ItemPreparer<?>> preparers) {
    this.validator = validator;
    this.preparers = preparers;
  }

  public static Operations create(SchemaValidator validator, int passwordMinLength) {
    Map<Operation, ItemPreparer<?>> preparers = new EnumMap<>(Operation.class);
    for (Operation operation : Operation.values()) {
      // Exhaustive: a new operation does not compile until it has its preparer.
      preparers.put(
          operation,
          switch (operation) {
            case CREATE -> new CreateUsers(validator, passwordMinLength);
            case UPDATE -> new UpdateUsers(validator);
            case LOOKUP, LAST_LOGIN, SOFT_DELETE, RESTORE ->
                new PrepareUserIds(validator, operation);
          });
    }
    return new Operations(validator, Map.copyOf(preparers));
  }

  public SchemaValidator validator() {
    return validator;
  }

  public ItemPreparer<?> preparer(Operation operation) {
    return preparers.get(operation);
  }
}
