package dev.userbatch.operation;

import dev.userbatch.batch.BatchOperation;
import dev.userbatch.batch.BatchOptions;
import dev.userbatch.batch.PreparedBatch;
import dev.userbatch.validation.SchemaValidator;
import io.vertx.core.json.JsonArray;

/** An operation whose items are user ids in {@code userIds}: last-login, soft-delete, restore. */
public final class UserIdsOperation implements BatchOperation {
  private final SchemaValidator validator;
  private final String name;
  private final String pastTense;

  public UserIdsOperation(SchemaValidator validator, String name, String pastTense) {
    this.validator = validator;
    this.name = name;
    this.pastTense = pastTense;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String envelopeSchema() {
    return "user-ids-request.json";
  }

  @Override
  public String itemsField() {
    return "userIds";
  }

  @Override
  public Kind kind() {
    return Kind.WRITE;
  }

  @Override
  public String pastTense() {
    return pastTense;
  }

  @Override
  public PreparedBatch prepare(JsonArray ids, BatchOptions options) {
    return LookupUsers.prepareIds(validator, ids, "$.userIds");
  }
}
