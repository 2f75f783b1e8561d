package dev.userbatch.operation;

import dev.userbatch.batch.BatchOptions;
import dev.userbatch.batch.ErrorCode;
import dev.userbatch.batch.FieldError;
import dev.userbatch.batch.ItemFailure;
import dev.userbatch.batch.NewUser;
import dev.userbatch.batch.Operation;
import dev.userbatch.batch.PreparedBatch;
import dev.userbatch.batch.PreparedItem;
import dev.userbatch.user.DisplayName;
import dev.userbatch.user.EmailAddress;
import dev.userbatch.user.PasswordHashFormat;
import dev.userbatch.user.UuidV7;
import dev.userbatch.validation.SchemaValidator;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Batch creation: each user is checked against {@code create-user.json}, normalised (email trimmed
 * and lower-cased, name trimmed), checked for a repeated email inside the request, and given its id
 * here, before any chunk is sent, so that a retried chunk inserts nothing twice.
 */
public final class CreateUsers implements ItemPreparer<NewUser> {
  public static final String EMAIL_EXISTS = "User with this email already exists";
  private static final Operation OPERATION = Operation.CREATE;

  /** What a failure shows in place of a secret; public so that callers can recognise it. */
  public static final String REDACTED = "[REDACTED]";

  private final SchemaValidator validator;
  private final int passwordMinLength;

  public CreateUsers(SchemaValidator validator, int passwordMinLength) {
    this.validator = validator;
    this.passwordMinLength = passwordMinLength;
  }

  @Override
  public PreparedBatch<NewUser> prepare(JsonArray users, BatchOptions options) {
    List<PreparedItem<NewUser>> items = new ArrayList<>(users.size());
    List<ItemFailure> failures = new ArrayList<>();
    List<ItemFailure> skipped = new ArrayList<>();
    boolean skipConflicts = options.onConflict() == BatchOptions.OnConflict.SKIP;
    Map<String, Integer> firstIndexByEmail = new HashMap<>();
    for (int index = 0; index < users.size(); index++) {
      Object raw = users.getValue(index);
      List<FieldError> errors = validator.validate(OPERATION.itemSchema(), raw);
      if (!errors.isEmpty()) {
        failures.add(ItemChecks.schemaFailure(OPERATION, index, errors));
        continue;
      }
      JsonObject user = (JsonObject) raw;
      String email = EmailAddress.normalize(user.getString("email"));
      Optional<ItemFailure> problem = check(index, user, email);
      if (problem.isPresent()) {
        failures.add(problem.get());
        continue;
      }
      Integer first = firstIndexByEmail.putIfAbsent(email, index);
      if (first != null) {
        (skipConflicts ? skipped : failures)
            .add(
                new ItemFailure(
                    index,
                    null,
                    EMAIL_EXISTS + " (same email as item " + first + " of this request)",
                    ErrorCode.DUPLICATE_EMAIL,
                    OPERATION.itemPath(index, "email")));
        continue;
      }
      UUID id = UuidV7.next();
      String name = DisplayName.normalize(user.getString("name"));
      items.add(
          new PreparedItem<>(
              index,
              new NewUser(
                  id, email, name, user.getString("password"), user.getString("passwordHash"))));
    }
    return new PreparedBatch<>(
        items, failures, skipped, List.of(), users.size(), i -> redact(users.getValue(i)), false);
  }

  private Optional<ItemFailure> check(int index, JsonObject user, String email) {
    boolean hasPassword = user.containsKey("password");
    boolean hasHash = user.containsKey("passwordHash");
    // A redacted echo sent back as is (the seed's retry of failed.map(f => f.item)) would
    // otherwise store the marker as the user's password, or fail later as a bad hash.
    for (String secret : new String[] {"password", "passwordHash"}) {
      if (REDACTED.equals(user.getValue(secret))) {
        return Optional.of(
            ItemChecks.fieldFailure(
                OPERATION,
                index,
                secret,
                secret
                    + " is the redaction marker "
                    + REDACTED
                    + " of an earlier response, not a password: resubmit the original item (the failure's "
                    + "index says which one)"));
      }
    }
    if (hasPassword == hasHash) {
      return Optional.of(
          ItemChecks.fieldFailure(
              OPERATION,
              index,
              hasPassword ? "passwordHash" : "password",
              "Exactly one of password or passwordHash is required"));
    }
    if (!EmailAddress.isValid(email)) {
      return Optional.of(
          ItemChecks.fieldFailure(OPERATION, index, "email", "Invalid email format"));
    }
    String nameProblem = DisplayName.problem(user.getString("name"));
    if (nameProblem != null) {
      return Optional.of(ItemChecks.fieldFailure(OPERATION, index, "name", nameProblem));
    }
    if (hasPassword && user.getString("password").length() < passwordMinLength) {
      return Optional.of(
          ItemChecks.fieldFailure(
              OPERATION,
              index,
              "password",
              "password must be at least " + passwordMinLength + " characters long"));
    }
    if (hasHash) {
      return PasswordHashFormat.problem(user.getString("passwordHash"))
          .map(problem -> ItemChecks.fieldFailure(OPERATION, index, "passwordHash", problem));
    }
    return Optional.empty();
  }

  /** The caller's item as shown in a failure: secrets replaced, everything else as sent. */
  static Object redact(Object item) {
    if (!(item instanceof JsonObject user)) {
      return item;
    }
    JsonObject copy = user.copy();
    for (String secret : new String[] {"password", "passwordHash"}) {
      if (copy.containsKey(secret)) {
        copy.put(secret, REDACTED);
      }
    }
    return copy;
  }
}
