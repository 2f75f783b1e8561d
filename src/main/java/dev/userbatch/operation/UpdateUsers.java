package dev.userbatch.operation;

import dev.userbatch.batch.BatchOperation;
import dev.userbatch.batch.BatchOptions;
import dev.userbatch.batch.ErrorCode;
import dev.userbatch.batch.ItemFailure;
import dev.userbatch.batch.PreparedBatch;
import dev.userbatch.batch.PreparedItem;
import dev.userbatch.user.DisplayName;
import dev.userbatch.user.EmailAddress;
import dev.userbatch.validation.FieldError;
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
public final class UpdateUsers implements BatchOperation {
  public static final String PASSWORD_REFUSED = "Password updates must be handled by the authentication service";
  static final String ITEMS_PATH = "$.updates";

  private final SchemaValidator validator;

  public UpdateUsers(SchemaValidator validator) {
    this.validator = validator;
  }

  @Override
  public String name() {
    return "update";
  }

  @Override
  public String envelopeSchema() {
    return "update-request.json";
  }

  @Override
  public String itemsField() {
    return "updates";
  }

  @Override
  public Kind kind() {
    return Kind.WRITE;
  }

  @Override
  public String pastTense() {
    return "updated";
  }

  /** Email changes can free and claim emails across chunks: keep their order. */
  @Override
  public boolean needsOrderedChunks(PreparedBatch batch) {
    return batch.items().stream().anyMatch(item -> ((JsonObject) item.value()).containsKey("email"));
  }

  @Override
  public PreparedBatch prepare(JsonArray updates, BatchOptions options) {
    List<PreparedItem> items = new ArrayList<>(updates.size());
    List<ItemFailure> failures = new ArrayList<>();
    Map<String, Integer> firstById = new HashMap<>();
    Map<String, Integer> firstByEmail = new HashMap<>();
    for (int index = 0; index < updates.size(); index++) {
      Object raw = updates.getValue(index);
      if (raw instanceof JsonObject item && item.getValue("data") instanceof JsonObject data
          && data.containsKey("password")) {
        failures.add(ItemChecks.fieldFailure(index, ITEMS_PATH, "data.password", PASSWORD_REFUSED));
        continue;
      }
      List<FieldError> errors = validator.validate("update-item.json", raw);
      if (!errors.isEmpty()) {
        failures.add(ItemChecks.schemaFailure(index, ITEMS_PATH, errors));
        continue;
      }
      JsonObject item = (JsonObject) raw;
      JsonObject data = item.getJsonObject("data");
      UUID parsedId = UserIds.parse(item.getValue("id"));
      if (parsedId == null) {
        failures.add(ItemChecks.fieldFailure(index, ITEMS_PATH, "id", LookupUsers.INVALID_UUID));
        continue;
      }
      String id = parsedId.toString();
      JsonObject prepared = new JsonObject().put("id", id);
      if (data.containsKey("name")) {
        String nameProblem = DisplayName.problem(data.getString("name"));
        if (nameProblem != null) {
          failures.add(ItemChecks.fieldFailure(index, ITEMS_PATH, "data.name", nameProblem));
          continue;
        }
        prepared.put("name", DisplayName.normalize(data.getString("name")));
      }
      if (data.containsKey("email")) {
        String email = EmailAddress.normalize(data.getString("email"));
        if (!EmailAddress.isValid(email)) {
          failures.add(ItemChecks.fieldFailure(index, ITEMS_PATH, "data.email", "Invalid email format"));
          continue;
        }
        prepared.put("email", email);
      }
      Integer sameUser = firstById.get(id);
      if (sameUser != null) {
        failures.add(ItemChecks.fieldFailure(index, ITEMS_PATH, "id",
            "Duplicate id: item " + sameUser + " of this request already updates this user"));
        continue;
      }
      if (prepared.containsKey("email")) {
        Integer sameEmail = firstByEmail.putIfAbsent(prepared.getString("email"), index);
        if (sameEmail != null) {
          failures.add(new ItemFailure(index, null, "Email is claimed by item " + sameEmail + " of this request",
              ErrorCode.DUPLICATE_EMAIL, ITEMS_PATH + "[" + index + "].data.email"));
          continue;
        }
      }
      firstById.put(id, index);
      if (item.containsKey("expectedVersion")) {
        prepared.put("expectedVersion", item.getInteger("expectedVersion"));
      }
      items.add(new PreparedItem(index, prepared));
    }
    return new PreparedBatch(items, failures, List.of(), List.of(), updates.size(), i -> redact(updates.getValue(i)));
  }

  /** The item as echoed in a failure: a password (refused, but still a secret) is never sent back. */
  static Object redact(Object item) {
    if (!(item instanceof JsonObject update) || !(update.getValue("data") instanceof JsonObject data)) {
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
