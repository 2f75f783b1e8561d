package dev.userbatch.operation;

import dev.userbatch.batch.BatchOperation;
import dev.userbatch.validation.SchemaValidator;

import java.util.List;

/** The operations of the service, built once and shared by every verticle instance. */
public record Operations(
    SchemaValidator validator,
    CreateUsers create,
    LookupUsers lookup,
    UpdateUsers update,
    UserIdsOperation lastLogin,
    UserIdsOperation softDelete,
    UserIdsOperation restore) {

  public static Operations create(SchemaValidator validator, int passwordMinLength) {
    return new Operations(validator,
        new CreateUsers(validator, passwordMinLength),
        new LookupUsers(validator),
        new UpdateUsers(validator),
        new UserIdsOperation(validator, "last-login", "updated last login for"),
        new UserIdsOperation(validator, "soft-delete", "deleted"),
        new UserIdsOperation(validator, "restore", "restored"));
  }

  public List<BatchOperation> all() {
    return List.of(create, lookup, update, lastLogin, softDelete, restore);
  }
}
