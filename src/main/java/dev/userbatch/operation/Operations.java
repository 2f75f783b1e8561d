package dev.userbatch.operation;

import dev.userbatch.validation.SchemaValidator;

/** The operations of the service, built once and shared by every verticle instance. */
public record Operations(SchemaValidator validator, CreateUsers create, LookupUsers lookup) {

  public static Operations create(SchemaValidator validator) {
    return new Operations(validator, new CreateUsers(validator), new LookupUsers(validator));
  }
}
