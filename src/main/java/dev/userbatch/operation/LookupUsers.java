package dev.userbatch.operation;

import dev.userbatch.batch.BatchOperation;
import dev.userbatch.batch.BatchOptions;
import dev.userbatch.batch.DuplicateItem;
import dev.userbatch.batch.ItemFailure;
import dev.userbatch.batch.PreparedBatch;
import dev.userbatch.batch.PreparedItem;
import dev.userbatch.validation.SchemaValidator;
import dev.userbatch.validation.UserIds;
import io.vertx.core.json.JsonArray;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Batch lookup by id: each id is checked on its own, repeats are folded into the first one. */
public final class LookupUsers implements BatchOperation {
  public static final String INVALID_UUID = "Invalid UUID format";

  private final SchemaValidator validator;

  public LookupUsers(SchemaValidator validator) {
    this.validator = validator;
  }

  @Override
  public String name() {
    return "lookup";
  }

  @Override
  public String envelopeSchema() {
    return "lookup-request.json";
  }

  @Override
  public String itemsField() {
    return "ids";
  }

  @Override
  public Kind kind() {
    return Kind.LOOKUP;
  }

  @Override
  public String pastTense() {
    return "found";
  }

  @Override
  public PreparedBatch prepare(JsonArray ids, BatchOptions options) {
    return prepareIds(validator, ids, "$.ids");
  }

  /** Shared by every operation whose items are user ids. */
  static PreparedBatch prepareIds(SchemaValidator validator, JsonArray ids, String itemsPath) {
    List<PreparedItem> items = new ArrayList<>(ids.size());
    List<ItemFailure> failures = new ArrayList<>();
    List<DuplicateItem> duplicates = new ArrayList<>();
    Map<String, Integer> firstIndex = new HashMap<>();
    for (int index = 0; index < ids.size(); index++) {
      Object raw = ids.getValue(index);
      // The schema is the documented contract; the exact parse is what a worker will rely on.
      UUID parsed = UserIds.parse(raw);
      if (parsed == null || !validator.validate("user-id.json", raw).isEmpty()) {
        failures.add(ItemChecks.fieldFailure(index, itemsPath, "", INVALID_UUID));
        continue;
      }
      String id = parsed.toString();
      Integer first = firstIndex.putIfAbsent(id, index);
      if (first != null) {
        duplicates.add(new DuplicateItem(index, raw, first));
        continue;
      }
      items.add(new PreparedItem(index, id));
    }
    return new PreparedBatch(items, failures, List.of(), duplicates, ids.size(), ids::getValue);
  }
}
