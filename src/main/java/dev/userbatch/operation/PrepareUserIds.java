package dev.userbatch.operation;

import dev.userbatch.batch.BatchOptions;
import dev.userbatch.batch.DuplicateItem;
import dev.userbatch.batch.ItemFailure;
import dev.userbatch.batch.Operation;
import dev.userbatch.batch.PreparedBatch;
import dev.userbatch.batch.PreparedItem;
import dev.userbatch.batch.UserId;
import dev.userbatch.validation.SchemaValidator;
import dev.userbatch.validation.UserIds;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The items of an operation that are user ids (lookup, last-login, soft-delete, restore): each id
 * is checked on its own, and repeats are folded into the first one.
 */
final class PrepareUserIds implements ItemPreparer<UserId> {
  static final String INVALID_UUID = "Invalid UUID format";

  private final SchemaValidator validator;
  private final Operation operation;

  PrepareUserIds(SchemaValidator validator, Operation operation) {
    this.validator = validator;
    this.operation = operation;
  }

  @Override
  public PreparedBatch<UserId> prepare(JsonArray ids, BatchOptions options) {
    List<PreparedItem<UserId>> items = new ArrayList<>(ids.size());
    List<ItemFailure> failures = new ArrayList<>();
    List<DuplicateItem> duplicates = new ArrayList<>();
    Map<UUID, Integer> firstIndex = new HashMap<>();
    for (int index = 0; index < ids.size(); index++) {
      Object raw = ids.getValue(index);
      // The schema is the documented contract; the exact parse is what the SQL gets.
      UUID id = UserIds.parse(raw);
      if (id == null || !validator.validate(operation.itemSchema(), raw).isEmpty()) {
        failures.add(ItemChecks.fieldFailure(operation, index, "", INVALID_UUID));
        continue;
      }
      Integer first = firstIndex.putIfAbsent(id, index);
      if (first != null) {
        duplicates.add(new DuplicateItem(index, raw, first));
        continue;
      }
      items.add(new PreparedItem<>(index, new UserId(id)));
    }
    return new PreparedBatch<>(
        items, failures, List.of(), duplicates, ids.size(), ids::getValue, false);
  }
}
