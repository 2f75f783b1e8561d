package dev.userbatch.operation;

import dev.userbatch.batch.BatchOptions;
import dev.userbatch.batch.ErrorCode;
import dev.userbatch.batch.FieldError;
import dev.userbatch.batch.ItemFailure;
import dev.userbatch.batch.Operation;
import dev.userbatch.batch.PreparedBatch;
import dev.userbatch.batch.PreparedItem;
import dev.userbatch.batch.UserUpdate;
import dev.userbatch.user.DisplayName;
import dev.userbatch.user.EmailAddress;
import dev.userbatch.validation.SchemaValidator;
import dev.userbatch.validation.UserIds;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Batch update of name and email. Per item: the schema, no password change, a valid email; across
 * the request: one update per user, and one claim per new email (the first item wins).
 */
public final class UpdateUsers implements ItemPreparer<UserUpdate> {
  public static final String PASSWORD_REFUSED =
      "Password updates must be handled by the authentication service";
  private static final Operation OPERATION = Operation.UPDATE;

  private final SchemaValidator validator;

  public UpdateUsers(SchemaValidator validator) {
    this.validator = validator;
  }

  @Override
  public PreparedBatch<UserUpdate> prepare(JsonArray updates, BatchOptions options) {
    List<PreparedItem<UserUpdate>> items = new ArrayList<>(updates.size());
    List<ItemFailure> failures = new ArrayList<>();
    Map<UUID, Integer> firstById = new HashMap<>();
    Map<String, Integer> firstByEmail = new HashMap<>();
    for (int index = 0; index < updates.size(); index++) {
      Object raw = updates.getValue(index);
      if (raw instanceof JsonObject item
          && item.getValue("data") instanceof JsonObject data
          && data.containsKey("password")) {
        failures.add(ItemChecks.fieldFailure(OPERATION, index, "data.password", PASSWORD_REFUSED));
        continue;
      }
      List<FieldError> errors = validator.validate(OPERATION.itemSchema(), raw);
      if (!errors.isEmpty()) {
        failures.add(ItemChecks.schemaFailure(OPERATION, index, errors));
        continue;
      }
      JsonObject item = (JsonObject) raw;
      JsonObject data = item.getJsonObject("data");
      UUID id = UserIds.parse(item.getValue("id"));
      if (id == null) {
        failures.add(ItemChecks.fieldFailure(OPERATION, index, "id", PrepareUserIds.INVALID_UUID));
        continue;
      }
      String name = null;
      if (data.containsKey("name")) {
        String nameProblem = DisplayName.problem(data.getString("name"));
        if (nameProblem != null) {
          failures.add(ItemChecks.fieldFailure(OPERATION, index, "data.name", nameProblem));
          continue;
        }
        name = DisplayName.normalize(data.getString("name"));
      }
      String email = null;
      if (data.containsKey("email")) {
        email = EmailAddress.normalize(data.getString("email"));
        if (!EmailAddress.isValid(email)) {
          failures.add(
              ItemChecks.fieldFailure(OPERATION, index, "data.email", "Invalid email format"));
          continue;
        }
      }
      Integer sameUser = firstById.get(id);
      if (sameUser != null) {
        failures.add(
            ItemChecks.fieldFailure(
                OPERATION,
                index,
                "id",
                "Duplicate id: item " + sameUser + " of this request already updates this user"));
        continue;
      }
      if (email != null) {
        Integer sameEmail = firstByEmail.putIfAbsent(email, index);
        if (sameEmail != null) {
          failures.add(
              new ItemFailure(
                  index,
                  null,
                  "Email is claimed by item " + sameEmail + " of this request",
                  ErrorCode.DUPLICATE_EMAIL,
                  OPERATION.itemPath(index, "data.email")));
          continue;
        }
      }
      firstById.put(id, index);
      items.add(
          new PreparedItem<>(
              index, new UserUpdate(id, name, email, item.getInteger("expectedVersion"))));
    }
    // Email changes can free and claim emails across chunks: such batches keep their chunks in
    // order.
    boolean ordered = items.stream().anyMatch(item -> item.value().changesEmail());
    return new PreparedBatch<>(
        items,
        failures,
        List.of(),
        List.of(),
        updates.size(),
        i -> redact(updates.getValue(i)),
        ordered);
  }

  /**
   * The item as echoed in a failure: a password (refused, but still a secret) is never sent back.
   */
  static Object redact(Object item) {
    if (!(item instanceof JsonObject update)
        || !(update.getValue("data") instanceof JsonObject data)) {
      return item;
    }
    JsonObject copy = update.copy();
    JsonObject redactedData = copy.getJsonObject("data");
    for (String secret : new String[] {"password", "passwordHash"}) {
      if (data.containsKey(secret)) {
        redactedData.put(secret, CreateUsers.REDACTED);
      }
    }
    return copy;
  }
}
