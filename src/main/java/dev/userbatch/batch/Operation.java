package dev.userbatch.batch;

import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The operations of the service: the one table that says, for each, how it is called and what it is
 * called. The HTTP routes, the event-bus API and the Java facade, the TCP bridge's permissions, the
 * chunk workers' addresses, the event types, the audit rows, the metrics and rate-limit keys, the
 * schema files the validator loads and (checked by a test) the paths of openapi.json all come from
 * here.
 *
 * <p>Some names follow from the wire name by rule, so that they cannot drift apart: {@link #path()}
 * {@code /batch/users/<name>}, {@link #apiAddress()} {@code users.batch.<name>}, {@link
 * #workerAddress()} {@code users.chunk.<name>}, and {@link #auditVerb()} the name itself.
 *
 * <p>What an operation does lives in its own classes, found from here by exhaustive switches (a new
 * entry does not compile until it has them): its {@code operation.ItemPreparer} in {@code
 * operation.Operations}, its chunk handler in {@code worker.ChunkWorkerVerticle}.
 */
public enum Operation {
  // Arguments: wire name, method, also GET ?ids=, kind, envelope schema, item schema, items
  // field, payload, event type, past tense (for messages).
  CREATE(
      "create",
      HttpMethod.POST,
      false,
      Kind.WRITE,
      "create-request.json",
      "create-user.json",
      "users",
      NewUser.CODEC,
      "USERS_BATCH_CREATED",
      "created"),
  LOOKUP(
      "lookup",
      HttpMethod.POST,
      true,
      Kind.LOOKUP,
      "lookup-request.json",
      "user-id.json",
      "ids",
      UserId.CODEC,
      null,
      "found"),
  UPDATE(
      "update",
      HttpMethod.PATCH,
      false,
      Kind.WRITE,
      "update-request.json",
      "update-item.json",
      "updates",
      UserUpdate.CODEC,
      "USERS_BATCH_UPDATED",
      "updated"),
  LAST_LOGIN(
      "last-login",
      HttpMethod.PATCH,
      false,
      Kind.WRITE,
      "user-ids-request.json",
      "user-id.json",
      "userIds",
      UserId.CODEC,
      "USERS_BATCH_LAST_LOGIN",
      "updated last login for"),
  SOFT_DELETE(
      "soft-delete",
      HttpMethod.DELETE,
      false,
      Kind.WRITE,
      "user-ids-request.json",
      "user-id.json",
      "userIds",
      UserId.CODEC,
      "USERS_BATCH_DELETED",
      "deleted"),
  RESTORE(
      "restore",
      HttpMethod.POST,
      false,
      Kind.WRITE,
      "user-ids-request.json",
      "user-id.json",
      "userIds",
      UserId.CODEC,
      "USERS_BATCH_RESTORED",
      "restored");

  /**
   * Reads (no audit row while it runs, no event, no idempotency key) or writes; and the scope each
   * needs.
   */
  public enum Kind {
    WRITE(Scopes.WRITE),
    LOOKUP(Scopes.READ);

    private final String scope;

    Kind(String scope) {
      this.scope = scope;
    }
  }

  public static final String PATH_PREFIX = "/batch/users/";
  public static final String API_ADDRESS_PREFIX = "users.batch.";
  public static final String WORKER_ADDRESS_PREFIX = "users.chunk.";

  /** Schema files every operation's schemas refer to. */
  public static final List<String> SHARED_SCHEMAS = List.of("options.json", "user-id.json");

  private static final Map<String, Operation> BY_WIRE_NAME =
      Stream.of(values())
          .collect(Collectors.toUnmodifiableMap(Operation::wireName, Function.identity()));

  private final String wireName;
  private final HttpMethod method;
  private final boolean getByQuery;
  private final Kind kind;
  private final String envelopeSchema;
  private final String itemSchema;
  private final String itemsField;
  private final PayloadCodec<?> payload;
  private final String eventType;
  private final String pastTense;

  Operation(
      String wireName,
      HttpMethod method,
      boolean getByQuery,
      Kind kind,
      String envelopeSchema,
      String itemSchema,
      String itemsField,
      PayloadCodec<?> payload,
      String eventType,
      String pastTense) {
    this.wireName = wireName;
    this.method = method;
    this.getByQuery = getByQuery;
    this.kind = kind;
    this.envelopeSchema = envelopeSchema;
    this.itemSchema = itemSchema;
    this.itemsField = itemsField;
    this.payload = payload;
    this.eventType = eventType;
    this.pastTense = pastTense;
  }

  /**
   * The operation's name everywhere outside Java: URLs, addresses, logs, metrics, audit rows,
   * config keys.
   */
  public String wireName() {
    return wireName;
  }

  /**
   * The wire name, so that a log line or a message built by concatenation reads as the API does.
   */
  @Override
  public String toString() {
    return wireName;
  }

  public static Optional<Operation> fromWireName(String wireName) {
    return Optional.ofNullable(BY_WIRE_NAME.get(wireName));
  }

  /** The operation served at an event-bus API address ({@code users.batch.<name>}), if any. */
  public static Optional<Operation> fromApiAddress(String address) {
    return address != null && address.startsWith(API_ADDRESS_PREFIX)
        ? fromWireName(address.substring(API_ADDRESS_PREFIX.length()))
        : Optional.empty();
  }

  /** The method of the route that takes the envelope as its JSON body. */
  public HttpMethod method() {
    return method;
  }

  public String path() {
    return PATH_PREFIX + wireName;
  }

  /**
   * Also served as {@code GET} with the items in the query string ({@code ?ids=a,b&chunkSize=…}).
   */
  public boolean getByQuery() {
    return getByQuery;
  }

  /** Every HTTP route of the operation, as {@code "METHOD /path"}. */
  public List<String> httpRoutes() {
    List<String> routes = new ArrayList<>();
    routes.add(method.name() + " " + path());
    if (getByQuery) {
      routes.add(HttpMethod.GET.name() + " " + path());
    }
    return routes;
  }

  public Kind kind() {
    return kind;
  }

  /** The token scope a caller needs, over HTTP and over the TCP bridge alike. */
  public String scope() {
    return kind.scope;
  }

  /** Schema file of the request envelope, e.g. {@code create-request.json}. */
  public String envelopeSchema() {
    return envelopeSchema;
  }

  /** Schema file of one item, e.g. {@code create-user.json}. */
  public String itemSchema() {
    return itemSchema;
  }

  /** Field of the envelope that holds the items, e.g. {@code users}. */
  public String itemsField() {
    return itemsField;
  }

  /** {@code $.users}: where the items are, in the notation of failure paths. */
  public String itemsPath() {
    return "$." + itemsField;
  }

  /** {@code $.users[3].email} ({@code field} empty: the item itself). */
  public String itemPath(int index, String field) {
    return itemsPath() + "[" + index + "]" + (field.isEmpty() ? "" : "." + field);
  }

  /** What one chunk item of this operation is, and how it crosses the wire. */
  public PayloadCodec<? extends ChunkItem> payload() {
    return payload;
  }

  /** Only create has {@code options.onConflict}. */
  public boolean takesOnConflict() {
    return this == CREATE;
  }

  /** The wire names of the operations that take {@code options.onConflict}, for messages. */
  public static String takingOnConflict() {
    return Stream.of(values())
        .filter(Operation::takesOnConflict)
        .map(Operation::wireName)
        .collect(Collectors.joining(", "));
  }

  /**
   * The type of the event a write batch emits, e.g. {@code USERS_BATCH_CREATED}; empty for a
   * lookup.
   */
  public Optional<String> eventType() {
    return Optional.ofNullable(eventType);
  }

  /** Past tense for the success message: "Successfully created 2 out of 2 users". */
  public String pastTense() {
    return pastTense;
  }

  /** The event-bus API address, {@code users.batch.<name>}. */
  public String apiAddress() {
    return API_ADDRESS_PREFIX + wireName;
  }

  /** Where the chunk workers take this operation's chunks, {@code users.chunk.<name>}. */
  public String workerAddress() {
    return WORKER_ADDRESS_PREFIX + wireName;
  }

  /** What {@code audit_log.operation} records for a batch of this operation. */
  public String auditVerb() {
    return wireName;
  }

  /** Every schema file the operations use: what the validator loads and /schemas/ serves. */
  public static List<String> schemaFiles() {
    return Stream.concat(
            SHARED_SCHEMAS.stream(),
            Stream.of(values())
                .flatMap(operation -> Stream.of(operation.envelopeSchema, operation.itemSchema)))
        .distinct()
        .toList();
  }
}
