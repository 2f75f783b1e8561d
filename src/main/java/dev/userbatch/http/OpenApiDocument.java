package dev.userbatch.http;

import dev.userbatch.batch.ErrorCode;
import dev.userbatch.idempotency.IdempotencyStore;
import dev.userbatch.security.Scopes;
import dev.userbatch.validation.SchemaValidator;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The OpenAPI 3.1 description of every HTTP endpoint, built from the same JSON Schema files that
 * validate requests ({@link SchemaValidator#SCHEMAS}), so that the document cannot drift from
 * what the service accepts.
 *
 * <p>Each schema file becomes {@code components/schemas/<file name without .json>}: its
 * {@code $id} and {@code $schema} are dropped (an {@code $id} would change the base against
 * which Swagger UI resolves references) and every {@code $ref} to another file is rewritten to
 * {@code #/components/schemas/<name>}. The envelopes deliberately leave their item arrays
 * unvalidated (each item is validated on its own, so that one bad item fails alone); the
 * document's copy shows the item schema with {@code items: {$ref}} ({@link #ITEMS}). The files
 * themselves are never changed. The item error codes come from {@link ErrorCode#values()}.
 */
public final class OpenApiDocument {
  public static final String OPENAPI_VERSION = "3.1.0";
  public static final String SCHEMAS_PREFIX = "#/components/schemas/";
  /** Marks a document whose router serves routes that the document lacks (see {@link #undocumentedRoutes}). */
  public static final String UNDOCUMENTED_ROUTES = "x-undocumented-routes";
  public static final String BEARER = "bearerAuth";

  /** Where an envelope keeps its items, and the schema each item is validated against on its own. */
  public record Items(String field, String itemSchema) {
  }

  /** Envelope component name → its item array. Checked against the envelope file when the document is built. */
  public static final Map<String, Items> ITEMS = Map.of(
      "create-request", new Items("users", "create-user"),
      "lookup-request", new Items("ids", "user-id"),
      "update-request", new Items("updates", "update-item"),
      "user-ids-request", new Items("userIds", "user-id"));

  private static final String ID_1 = "0190a3e4-5b6c-7d8e-9f01-23456789abcd";
  private static final String ID_2 = "0190a3e4-5b6c-7d8e-9f01-23456789abce";
  private static final String ID_3 = "0190a3e4-5b6c-7d8e-9f01-23456789abcf";
  private static final String BCRYPT = "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW";
  private static final String TIME = "2025-01-15T10:30:00Z";

  private static final Pattern DOC_PARAM = Pattern.compile("\\{[^/}]+}");
  private static final Pattern ROUTE_PARAM = Pattern.compile(":[A-Za-z0-9_]+");

  private OpenApiDocument() {
  }

  /** The component name of a schema file: {@code create-request.json} → {@code create-request}. */
  public static String componentName(String schemaFile) {
    return schemaFile.endsWith(".json") ? schemaFile.substring(0, schemaFile.length() - 5) : schemaFile;
  }

  /** Builds the whole document; fails with IllegalStateException when a schema file cannot be represented. */
  public static JsonObject build() {
    JsonObject schemas = new JsonObject();
    for (String file : SchemaValidator.SCHEMAS) {
      schemas.put(componentName(file), fromSchemaFile(file));
    }
    ITEMS.forEach((envelope, items) -> showItems(schemas, envelope, items));
    responseSchemas().forEach(schemas::put);

    JsonObject components = new JsonObject()
        .put("schemas", schemas)
        .put("parameters", parameters())
        .put("headers", headers())
        .put("responses", responses())
        .put("securitySchemes", securitySchemes());

    return new JsonObject()
        .put("openapi", OPENAPI_VERSION)
        .put("info", new JsonObject()
            .put("title", "user-batch-service")
            .put("version", version())
            .put("description", "Batch user management: create, lookup, update, last-login, soft delete and "
                + "restore of up to MAX_ITEMS_PER_REQUEST (default 10,000) users per request, with a result for "
                + "every item. Request envelopes and items are validated with the JSON Schemas shown under "
                + "components/schemas (the same files the service validates with). Each item is validated on "
                + "its own: one bad item fails alone and is reported in `failed`.\n\n"
                + "Status: 200 every item succeeded, 207 some failed, 422 all failed, 400 invalid envelope, "
                + "413 too large, 429 rate limited, 503 unavailable before the batch started. Every response "
                + "carries X-Correlation-Id (the caller's, or a generated one).\n\n"
                + "Authentication: `Authorization: Bearer <JWT>` with scope `" + Scopes.READ + "` for lookups and `"
                + Scopes.WRITE + "` for every write."))
        .put("servers", new JsonArray().add(new JsonObject().put("url", "/")))
        .put("tags", new JsonArray()
            .add(tag("users", "Batch operations on users"))
            .add(tag("operations", "Health and metrics"))
            .add(tag("documentation", "This document and Swagger UI")))
        .put("paths", paths())
        .put("components", components);
  }

  // ---------------------------------------------------------------- schema files

  private static JsonObject fromSchemaFile(String file) {
    JsonObject schema = SchemaValidator.load(file).copy();
    schema.remove("$schema");
    schema.remove("$id");
    return (JsonObject) rewrite(schema, file, "");
  }

  /** Rewrites every {@code $ref} of {@code node} (from {@code file}) to point into components/schemas. */
  private static Object rewrite(Object node, String file, String pointer) {
    if (node instanceof JsonObject object) {
      JsonObject out = new JsonObject();
      for (Map.Entry<String, Object> entry : object) {
        String key = entry.getKey();
        Object value = entry.getValue();
        if (key.equals("$ref") && value instanceof String ref) {
          out.put(key, componentRef(ref, file));
        } else if ((key.equals("$id") || key.equals("$anchor") || key.equals("$dynamicAnchor")) && value instanceof String) {
          throw new IllegalStateException("schema " + file + " has " + key + " at " + pointer
              + "; the OpenAPI document cannot represent nested identifiers");
        } else {
          out.put(key, rewrite(value, file, pointer + "/" + key));
        }
      }
      return out;
    }
    if (node instanceof JsonArray array) {
      JsonArray out = new JsonArray();
      for (int i = 0; i < array.size(); i++) {
        out.add(rewrite(array.getValue(i), file, pointer + "/" + i));
      }
      return out;
    }
    return node;
  }

  private static String componentRef(String ref, String file) {
    URI target = URI.create(SchemaValidator.BASE_URI + file).resolve(ref);
    String fragment = target.getFragment();
    String text = target.toString();
    int hash = text.indexOf('#');
    String document = hash < 0 ? text : text.substring(0, hash);
    if (!document.startsWith(SchemaValidator.BASE_URI)
        || !SchemaValidator.SCHEMAS.contains(document.substring(SchemaValidator.BASE_URI.length()))) {
      throw new IllegalStateException("schema " + file + " refers to " + ref
          + ", which is not one of SchemaValidator.SCHEMAS");
    }
    if (fragment != null && !fragment.isEmpty() && !fragment.startsWith("/")) {
      throw new IllegalStateException("schema " + file + " refers to the anchor " + ref + "; only JSON pointers are supported");
    }
    return SCHEMAS_PREFIX + componentName(document.substring(SchemaValidator.BASE_URI.length()))
        + (fragment == null ? "" : fragment);
  }

  /** Adds {@code items: {$ref: item schema}} to the document's copy of an envelope. */
  private static void showItems(JsonObject schemas, String envelope, Items items) {
    JsonObject schema = schemas.getJsonObject(envelope);
    JsonObject property = schema == null ? null
        : schema.getJsonObject("properties", new JsonObject()).getJsonObject(items.field());
    if (property == null || !"array".equals(property.getValue("type")) || !schemas.containsKey(items.itemSchema())) {
      throw new IllegalStateException("OpenApiDocument.ITEMS is out of date: " + envelope + " has no array "
          + items.field() + ", or " + items.itemSchema() + " is not a schema file");
    }
    if (property.containsKey("items")) {
      throw new IllegalStateException(envelope + "." + items.field()
          + " validates its items in the envelope now; remove it from OpenApiDocument.ITEMS");
    }
    property.put("items", ref(items.itemSchema()));
    property.getMap().putIfAbsent("description", "Each element is validated on its own against " + items.itemSchema()
        + ": an invalid element fails alone (reported in `failed`), it does not refuse the request.");
  }

  // ---------------------------------------------------------------- response schemas

  private static Map<String, JsonObject> responseSchemas() {
    Map<String, JsonObject> schemas = new LinkedHashMap<>();
    schemas.put("User", object("A user as returned in responses. Passwords and hashes never appear.")
        .put("required", new JsonArray().add("id").add("email").add("name").add("version"))
        .put("properties", new JsonObject()
            .put("id", ref("user-id"))
            .put("email", new JsonObject().put("type", "string").put("description", "Trimmed and lower-cased"))
            .put("name", new JsonObject().put("type", "string"))
            .put("version", new JsonObject().put("type", "integer").put("minimum", 1)
                .put("description", "Bumped by every update and soft delete; see expectedVersion"))
            .put("createdAt", dateTime(false))
            .put("updatedAt", dateTime(false))
            .put("lastLoginAt", dateTime(true))
            .put("deletedAt", dateTime(false).put("description", "Present only on soft-deleted users"))));
    List<String> codes = Arrays.stream(ErrorCode.values()).map(Enum::name).toList();
    String systemCodes = Arrays.stream(ErrorCode.values()).filter(ErrorCode::isSystem).map(Enum::name)
        .collect(Collectors.joining(", "));
    schemas.put("ErrorCode", new JsonObject()
        .put("type", "string")
        .put("enum", new JsonArray(new ArrayList<>(codes)))
        .put("description", "Why one item failed. System errors (" + systemCodes + ") fail a whole chunk and are "
            + "not the caller's fault: retrying exactly the failed items later is safe."));
    schemas.put("ItemFailure", object("One item that failed (or, in `skipped`, was skipped).")
        .put("required", new JsonArray().add("index").add("item").add("error").add("code"))
        .put("properties", new JsonObject()
            .put("index", new JsonObject().put("type", "integer").put("minimum", 0)
                .put("description", "Position of the item in the request's item array"))
            .put("item", new JsonObject().put("description",
                "The item as sent; secrets (password, passwordHash) read [REDACTED]"))
            .put("error", new JsonObject().put("type", "string").put("description", "A sentence"))
            .put("code", ref("ErrorCode"))
            .put("path", new JsonObject().put("type", "string")
                .put("description", "JSON path of the bad field (validation errors), e.g. $.users[1].email"))));
    schemas.put("DuplicateItem", object("An id listed again in the same request; it counts once.")
        .put("required", new JsonArray().add("index").add("item").add("duplicateOf"))
        .put("properties", new JsonObject()
            .put("index", new JsonObject().put("type", "integer").put("minimum", 0))
            .put("item", new JsonObject().put("description", "The repeated item as sent"))
            .put("duplicateOf", new JsonObject().put("type", "integer").put("minimum", 0)
                .put("description", "Index of the first occurrence"))));
    schemas.put("WriteStats", object("Counts of a write operation.")
        .put("required", new JsonArray().add("total").add("successful").add("failed").add("duplicates").add("chunks"))
        .put("properties", new JsonObject()
            .put("total", count("Items that count (repeats excluded)"))
            .put("successful", count(null))
            .put("failed", count(null))
            .put("skipped", count("Create with onConflict skip only"))
            .put("duplicates", count("Items folded into an earlier identical item"))
            .put("chunks", count("Chunks processed"))));
    schemas.put("LookupStats", object("Counts of a lookup.")
        .put("required", new JsonArray().add("requested").add("found").add("missing").add("failed")
            .add("duplicates").add("chunks"))
        .put("properties", new JsonObject()
            .put("requested", count(null))
            .put("found", count(null))
            .put("missing", count("Ids that do not exist or are deleted"))
            .put("failed", count("Ids that are not UUIDs"))
            .put("duplicates", count(null))
            .put("chunks", count(null))));
    schemas.put("BatchResult", object("The result of a batch: what happened to every item.")
        .put("required", new JsonArray().add("success").add("message").add("data").add("failed").add("stats"))
        .put("properties", new JsonObject()
            .put("success", new JsonObject().put("type", "boolean").put("description", "true when no item failed"))
            .put("message", new JsonObject().put("type", "string"))
            .put("data", new JsonObject().put("type", "array").put("items", ref("User"))
                .put("description", "The processed users, in input order"))
            .put("failed", new JsonObject().put("type", "array").put("items", ref("ItemFailure")))
            .put("stats", new JsonObject().put("anyOf", new JsonArray().add(ref("WriteStats")).add(ref("LookupStats"))))
            .put("missing", new JsonObject().put("type", "array").put("items", ref("user-id"))
                .put("description", "Lookup only: ids that do not exist (or are deleted)"))
            .put("duplicates", new JsonObject().put("type", "array").put("items", ref("DuplicateItem"))
                .put("description", "Present when an id was listed more than once"))
            .put("skipped", new JsonObject().put("type", "array").put("items", ref("ItemFailure"))
                .put("description", "Create with onConflict skip: the items whose email exists already"))
            .put("dryRun", new JsonObject().put("type", "boolean").put("description",
                "Present (true) when options.dryRun was set: nothing was written"))
            .put("atomic", new JsonObject().put("type", "boolean").put("description",
                "Present (true) when options.atomic was set"))));
    schemas.put("FieldError", object("One invalid field of a refused request.")
        .put("required", new JsonArray().add("path").add("field").add("message"))
        .put("properties", new JsonObject()
            .put("path", new JsonObject().put("type", "string").put("description", "JSON path, e.g. $.options.chunkSize"))
            .put("field", new JsonObject().put("type", "string"))
            .put("message", new JsonObject().put("type", "string"))));
    schemas.put("ErrorResponse", object("A request refused as a whole.")
        .put("required", new JsonArray().add("success").add("code").add("message"))
        .put("properties", new JsonObject()
            .put("success", new JsonObject().put("const", false))
            .put("code", new JsonObject().put("type", "string").put("description",
                "Machine-readable reason, e.g. VALIDATION_ERROR, INVALID_JSON, TOO_MANY_ITEMS, PAYLOAD_TOO_LARGE, "
                    + "UNAUTHORIZED, FORBIDDEN, RATE_LIMITED, RATE_LIMIT_UNAVAILABLE, DATABASE_UNAVAILABLE, "
                    + "INVALID_IDEMPOTENCY_KEY, IDEMPOTENCY_KEY_IN_USE, IDEMPOTENCY_KEY_REUSED, NOT_FOUND, "
                    + "METHOD_NOT_ALLOWED, INTERNAL"))
            .put("message", new JsonObject().put("type", "string"))
            .put("errors", new JsonObject().put("type", "array").put("items", ref("FieldError"))
                .put("description", "The invalid fields, when the envelope broke its schema"))));
    schemas.put("HealthStatus", object("vertx-health-check format.")
        .put("required", new JsonArray().add("status"))
        .put("properties", new JsonObject()
            .put("status", new JsonObject().put("enum", new JsonArray().add("UP").add("DOWN")))
            .put("outcome", new JsonObject().put("enum", new JsonArray().add("UP").add("DOWN")))
            .put("checks", new JsonObject().put("type", "array").put("items", object(null)
                .put("required", new JsonArray().add("id").add("status"))
                .put("properties", new JsonObject()
                    .put("id", new JsonObject().put("type", "string"))
                    .put("status", new JsonObject().put("enum", new JsonArray().add("UP").add("DOWN")))
                    .put("data", new JsonObject().put("type", "object")))))));
    return schemas;
  }

  // ---------------------------------------------------------------- parameters, headers, responses, security

  private static JsonObject parameters() {
    return new JsonObject()
        .put("CorrelationId", new JsonObject()
            .put("name", CorrelationId.HEADER).put("in", "header").put("required", false)
            .put("description", "Correlation id of the request (X-Request-Id is accepted too); generated when "
                + "absent or malformed, echoed in the response, logged with every line of the request")
            .put("schema", correlationIdSchema())
            .put("example", "checkout-7f3a9c"))
        .put("IdempotencyKey", new JsonObject()
            .put("name", IdempotencyStore.HEADER).put("in", "header").put("required", false)
            .put("description", "Makes a write safe to retry: the first request with a key runs and its response "
                + "is stored; a retry with the same key and body replays it (Idempotent-Replayed: true) without "
                + "touching users; the same key with another body is refused (422 IDEMPOTENCY_KEY_REUSED), and "
                + "while the first request still runs, 409 IDEMPOTENCY_KEY_IN_USE. Keys are per caller.")
            .put("schema", new JsonObject().put("type", "string").put("minLength", 1)
                .put("maxLength", IdempotencyStore.MAX_KEY_LENGTH).put("pattern", "^[!-~]+$"))
            .put("example", "import-2025-01-15-part-1"));
  }

  private static JsonObject correlationIdSchema() {
    return new JsonObject().put("type", "string").put("pattern", "^[A-Za-z0-9._:-]{1,128}$");
  }

  private static JsonObject headers() {
    return new JsonObject()
        .put("X-Correlation-Id", header("The request's correlation id (the caller's, or a generated one)",
            correlationIdSchema()))
        .put("Idempotent-Replayed", header("true when this response is the stored response of an earlier request "
            + "with the same Idempotency-Key", new JsonObject().put("type", "string").put("enum", new JsonArray().add("true"))))
        .put("RateLimit-Limit", header("Items allowed per window for this operation (absent when rate limiting is off)",
            integer(0)))
        .put("RateLimit-Remaining", header("Items left in the current window", integer(0)))
        .put("RateLimit-Reset", header("Seconds until the window resets", integer(0)))
        .put("Retry-After", header("Seconds to wait before retrying", integer(1)))
        .put("WWW-Authenticate", header("The bearer challenge (RFC 6750), with error and scope when relevant",
            new JsonObject().put("type", "string")));
  }

  private static JsonObject responses() {
    return new JsonObject()
        .put("BadRequest", error("Invalid envelope: not JSON, not an object, no item array, an unknown field or "
                + "an option out of range (never clamped)", List.of(),
            Map.of("validation", new JsonObject().put("success", false).put("code", "VALIDATION_ERROR")
                    .put("message", "Invalid request: chunkSize must be at most 1000")
                    .put("errors", new JsonArray().add(new JsonObject().put("path", "$.options.chunkSize")
                        .put("field", "chunkSize").put("message", "chunkSize must be at most 1000"))),
                "invalidJson", new JsonObject().put("success", false).put("code", "INVALID_JSON")
                    .put("message", "Request body is not valid JSON"))))
        .put("Unauthorized", error("No bearer token, or an invalid or expired one", List.of("WWW-Authenticate"),
            Map.of("unauthorized", new JsonObject().put("success", false).put("code", "UNAUTHORIZED")
                .put("message", "Authentication required: send Authorization: Bearer <token>"))))
        .put("Forbidden", error("The token lacks the operation's scope", List.of("WWW-Authenticate"),
            Map.of("forbidden", new JsonObject().put("success", false).put("code", "FORBIDDEN")
                .put("message", "The token lacks the scope " + Scopes.WRITE))))
        .put("Conflict", error("A request with the same Idempotency-Key is still running", List.of(),
            Map.of("inUse", new JsonObject().put("success", false).put("code", "IDEMPOTENCY_KEY_IN_USE")
                .put("message", "A request with this Idempotency-Key is still being processed; retry later"))))
        .put("PayloadTooLarge", error("Body larger than MAX_BODY_BYTES, an array longer than MAX_ITEMS_PER_REQUEST "
                + "(TOO_MANY_ITEMS), or more than 16 JSON values per allowed item (TOO_MANY_VALUES)",
            List.of(), Map.of("tooManyItems", new JsonObject().put("success", false).put("code", "TOO_MANY_ITEMS")
                .put("message", "$.users has more than 10000 elements; at most 10000 are allowed per request "
                    + "(MAX_ITEMS_PER_REQUEST)"))))
        .put("TooManyRequests", error("Rate limit: items per minute per caller and operation", List.of("Retry-After",
                "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"),
            Map.of("rateLimited", new JsonObject().put("success", false).put("code", "RATE_LIMITED")
                .put("message", "Rate limit exceeded for create: this request has 500 items and 100 of 1000 items "
                    + "per minute remain; retry in 20 s"))))
        .put("ServiceUnavailable", error("Nothing was done: the database was unavailable before the batch started, "
                + "the rate limiter cannot be checked and is configured to refuse, or the service is at capacity "
                + "(OVERLOADED, refused at the door)", List.of("Retry-After"),
            Map.of("database", new JsonObject().put("success", false).put("code", "DATABASE_UNAVAILABLE")
                .put("message", "The batch was not started: its audit record could not be written (database unavailable)"))))
        .put("InternalError", error("An unexpected error; the log has the details under the correlation id",
            List.of(), Map.of()));
  }

  private static JsonObject securitySchemes() {
    return new JsonObject()
        .put(BEARER, new JsonObject()
            .put("type", "http").put("scheme", "bearer").put("bearerFormat", "JWT")
            .put("description", "A JWT whose `scope` (space-separated) or `scp` (string or list) claim holds `"
                + Scopes.READ + "` (lookups) and/or `" + Scopes.WRITE + "` (create, update, last-login, soft "
                + "delete, restore). Its `sub` is the actor recorded in the audit trail. Missing or invalid "
                + "token: 401; missing scope: 403."))
        .put("metricsToken", new JsonObject()
            .put("type", "http").put("scheme", "bearer")
            .put("description", "The static METRICS_TOKEN; /metrics is open when it is not set."));
  }

  // ---------------------------------------------------------------- paths

  private static JsonObject paths() {
    JsonObject paths = new JsonObject();
    paths.put("/batch/users/create", new JsonObject().put("post", batch("createUsers", "Create users",
        "Creates users. Each item has exactly one of `password` (8+ characters, hashed with Argon2id) or "
            + "`passwordHash` (an existing bcrypt, argon2, scrypt or pbkdf2 hash, stored as is). Emails are unique "
            + "among users that are not deleted (DUPLICATE_EMAIL); with `onConflict: skip` they are reported in "
            + "`skipped` instead.", Scopes.WRITE, "create-request", new JsonObject()
            .put("passwords", example("Plaintext password and imported hash", new JsonObject()
                .put("users", new JsonArray()
                    .add(new JsonObject().put("email", "alice@example.com").put("name", "Alice")
                        .put("password", "correct horse battery"))
                    .add(new JsonObject().put("email", "bob@example.com").put("name", "Bob").put("passwordHash", BCRYPT)))
                .put("options", new JsonObject().put("chunkSize", 100).put("continueOnError", true))))
            .put("importSkippingExisting", example("Import, skipping emails that exist already (dry run first)",
                new JsonObject()
                    .put("users", new JsonArray().add(new JsonObject().put("email", "carol@example.com")
                        .put("name", "Carol").put("passwordHash", BCRYPT)))
                    .put("options", new JsonObject().put("onConflict", "skip").put("dryRun", true)))),
        createResults())));

    JsonObject lookupGet = batch("lookupUsersByQuery", "Look users up (query string)",
        "Looks users up by id; for up to about 1,000 ids (the request line is limited to 128 KiB). The query "
            + "string is turned into the same envelope as the POST body and validated by lookup-request.",
        Scopes.READ, null, null, lookupResults());
    lookupGet.getJsonArray("parameters")
        .add(new JsonObject().put("name", "ids").put("in", "query").put("required", true)
            .put("description", "Comma-separated user ids (the parameter may also be repeated)")
            .put("style", "form").put("explode", false)
            .put("schema", new JsonObject().put("$ref", SCHEMAS_PREFIX + "lookup-request/properties/ids"))
            .put("example", new JsonArray().add(ID_1).add(ID_2)))
        .add(option("chunkSize", 100))
        .add(option("maxConcurrency", 5))
        .add(option("continueOnError", true));
    paths.put("/batch/users/lookup", new JsonObject()
        .put("get", lookupGet)
        .put("post", batch("lookupUsers", "Look users up",
            "Looks users up by id; ids that do not exist or are deleted are listed in `missing`, ids that are not "
                + "UUIDs fail alone, ids listed twice count once. Served from the cache, falling back to PostgreSQL.",
            Scopes.READ, "lookup-request", new JsonObject().put("ids", example("Two ids, bigger chunks",
                new JsonObject().put("ids", new JsonArray().add(ID_1).add(ID_2))
                    .put("options", new JsonObject().put("chunkSize", 500)))), lookupResults())));

    paths.put("/batch/users/update", new JsonObject().put("patch", batch("updateUsers", "Update users",
        "Changes name and/or email. `expectedVersion` (optional) must equal the stored version "
            + "(VERSION_CONFLICT otherwise). `password` is refused: password updates belong to the authentication "
            + "service. Emails can be swapped between users of one chunk.", Scopes.WRITE, "update-request",
        new JsonObject().put("nameAndEmail", example("A rename guarded by expectedVersion, and an email change",
            new JsonObject().put("updates", new JsonArray()
                    .add(new JsonObject().put("id", ID_1).put("data", new JsonObject().put("name", "Alice Updated"))
                        .put("expectedVersion", 1))
                    .add(new JsonObject().put("id", ID_2).put("data", new JsonObject().put("email", "bob.new@example.com"))))
                .put("options", new JsonObject().put("chunkSize", 50)))), null)));

    paths.put("/batch/users/last-login", new JsonObject().put("patch", batch("recordLastLogin", "Record logins",
        "Sets lastLoginAt to the database's now; does not change version.", Scopes.WRITE, "user-ids-request",
        new JsonObject().put("twoUsers", example("Two users logged in",
            new JsonObject().put("userIds", new JsonArray().add(ID_1).add(ID_2))
                .put("options", new JsonObject().put("chunkSize", 200)))), null)));

    paths.put("/batch/users/soft-delete", new JsonObject().put("delete", batch("softDeleteUsers", "Soft-delete users",
        "Sets deletedAt and bumps version; the user disappears from lookups and its email is free again. "
            + "A user already deleted fails with ALREADY_DELETED. The ids travel in a JSON body.",
        Scopes.WRITE, "user-ids-request", new JsonObject().put("stopOnFirstError", example(
            "Delete one user, stopping at the first failure",
            new JsonObject().put("userIds", new JsonArray().add(ID_2))
                .put("options", new JsonObject().put("continueOnError", false)))), null)));

    paths.put("/batch/users/restore", new JsonObject().put("post", batch("restoreUsers", "Restore users",
        "Undoes a soft delete within RESTORE_WINDOW_DAYS (RESTORE_WINDOW_EXPIRED after), unless another active "
            + "user took the email meanwhile (EMAIL_IN_USE). A user that is not deleted fails with NOT_DELETED.",
        Scopes.WRITE, "user-ids-request", new JsonObject().put("oneUser", example("Restore one user",
            new JsonObject().put("userIds", new JsonArray().add(ID_2)))), null)));

    paths.put("/health/live", new JsonObject().put("get", health("healthLive", "Liveness",
        "UP when the process answers.")));
    paths.put("/health/ready", new JsonObject().put("get", health("healthReady", "Readiness",
        "UP when PostgreSQL answers and a chunk worker answers over the event bus. Redis is reported (with "
            + "available false when down) but does not fail readiness.")));
    paths.put("/metrics", new JsonObject().put("get", open("metrics", "operations", "Prometheus metrics",
        "Prometheus text format: batch_operations_total, batch_operation_duration_seconds, batch_chunk_size, "
            + "batch_error_rate, batch_items_total, cache, HTTP, SQL, Redis, event-bus and JVM metrics. Open "
            + "unless METRICS_TOKEN is set.")
        .put("security", new JsonArray().add(new JsonObject()).add(new JsonObject().put("metricsToken", new JsonArray())))
        .put("responses", new JsonObject()
            .put("200", content("Metrics", "text/plain", new JsonObject().put("type", "string")))
            .put("401", ref("#/components/responses/", "Unauthorized")))));
    paths.put("/openapi.json", new JsonObject().put("get", open("openApiDocument", "documentation",
        "This document", "The OpenAPI 3.1 description of the service.")
        .put("responses", new JsonObject().put("200", content("The document", "application/json",
            new JsonObject().put("type", "object"))))));
    paths.put("/docs", new JsonObject().put("get", open("swaggerUi", "documentation", "Swagger UI",
        "Swagger UI for this document (also at /docs/), served from the bundled webjar; no internet needed.")
        .put("responses", new JsonObject().put("200", content("HTML page", "text/html",
            new JsonObject().put("type", "string"))))));
    paths.put("/docs/{asset}", new JsonObject().put("get", open("swaggerUiAsset", "documentation",
        "Swagger UI files", "The scripts, style sheets and icons of Swagger UI.")
        .put("parameters", new JsonArray().add(new JsonObject().put("name", "asset").put("in", "path")
            .put("required", true).put("schema", new JsonObject().put("type", "string"))
            .put("example", "swagger-ui-bundle.js")))
        .put("responses", new JsonObject()
            .put("200", new JsonObject().put("description", "The file"))
            .put("404", content("No such file", "application/json", ref("ErrorResponse"))))));
    return paths;
  }

  private static JsonObject batch(String operationId, String summary, String description, String scope,
                                  String envelope, JsonObject examples, JsonObject results) {
    boolean write = scope.equals(Scopes.WRITE);
    JsonArray parameters = new JsonArray().add(ref("#/components/parameters/", "CorrelationId"));
    if (write) {
      parameters.add(ref("#/components/parameters/", "IdempotencyKey"));
    }
    JsonObject operation = new JsonObject()
        .put("operationId", operationId)
        .put("tags", new JsonArray().add("users"))
        .put("summary", summary)
        .put("description", description + "\n\nRequires a bearer token with scope `" + scope + "`.")
        .put("security", new JsonArray().add(new JsonObject().put(BEARER, new JsonArray().add(scope))))
        .put("x-required-scope", scope)
        .put("parameters", parameters);
    if (envelope != null) {
      operation.put("requestBody", new JsonObject()
          .put("required", true)
          .put("description", "The envelope (" + envelope + ".json); each item is validated on its own against "
              + ITEMS.get(envelope).itemSchema() + ".json")
          .put("content", new JsonObject().put("application/json", new JsonObject()
              .put("schema", ref(envelope))
              .put("examples", examples))));
    }
    JsonObject replayed = write ? new JsonObject().put("Idempotent-Replayed", headerRef("Idempotent-Replayed")) : null;
    JsonObject responses = new JsonObject()
        .put("200", result("Every item succeeded", replayed, results == null ? null : results.getJsonObject("200")))
        .put("207", result("Some items failed (see failed)", replayed, results == null ? null : results.getJsonObject("207")))
        .put("422", write
            ? result("Every item failed; or the Idempotency-Key was used with another body "
                + "(ErrorResponse, code IDEMPOTENCY_KEY_REUSED)", replayed, null)
            : result("Every item failed", null, null))
        .put("400", ref("#/components/responses/", "BadRequest"))
        .put("401", ref("#/components/responses/", "Unauthorized"))
        .put("403", ref("#/components/responses/", "Forbidden"));
    if (write) {
      JsonObject schema = responses.getJsonObject("422").getJsonObject("content").getJsonObject("application/json");
      schema.put("schema", new JsonObject().put("anyOf", new JsonArray().add(ref("BatchResult")).add(ref("ErrorResponse"))));
      responses.put("409", ref("#/components/responses/", "Conflict"));
    }
    responses
        .put("413", ref("#/components/responses/", "PayloadTooLarge"))
        .put("429", ref("#/components/responses/", "TooManyRequests"))
        .put("500", ref("#/components/responses/", "InternalError"))
        .put("503", ref("#/components/responses/", "ServiceUnavailable"));
    return operation.put("responses", responses);
  }

  private static JsonObject result(String description, JsonObject extraHeaders, JsonObject examples) {
    JsonObject headers = new JsonObject()
        .put("X-Correlation-Id", headerRef("X-Correlation-Id"))
        .put("RateLimit-Limit", headerRef("RateLimit-Limit"))
        .put("RateLimit-Remaining", headerRef("RateLimit-Remaining"))
        .put("RateLimit-Reset", headerRef("RateLimit-Reset"));
    if (extraHeaders != null) {
      extraHeaders.forEach(e -> headers.put(e.getKey(), e.getValue()));
    }
    JsonObject media = new JsonObject().put("schema", ref("BatchResult"));
    if (examples != null) {
      media.put("examples", examples);
    }
    return new JsonObject().put("description", description).put("headers", headers)
        .put("content", new JsonObject().put("application/json", media));
  }

  private static JsonObject createResults() {
    JsonObject alice = user(ID_1, "alice@example.com", "Alice");
    JsonObject bob = user(ID_2, "bob@example.com", "Bob");
    return new JsonObject()
        .put("200", new JsonObject().put("created", example("Both users created", new JsonObject()
            .put("success", true).put("message", "Successfully created 2 out of 2 users")
            .put("data", new JsonArray().add(alice).add(bob))
            .put("failed", new JsonArray())
            .put("stats", new JsonObject().put("total", 2).put("successful", 2).put("failed", 0)
                .put("duplicates", 0).put("chunks", 1)))))
        .put("207", new JsonObject().put("partial", example("One item was invalid", new JsonObject()
            .put("success", false).put("message", "Batch operation completed with errors")
            .put("data", new JsonArray().add(alice))
            .put("failed", new JsonArray().add(new JsonObject().put("index", 1)
                .put("item", new JsonObject().put("email", "bad").put("name", "B").put("password", "[REDACTED]"))
                .put("error", "Invalid email format").put("code", ErrorCode.VALIDATION_ERROR.name())
                .put("path", "$.users[1].email")))
            .put("stats", new JsonObject().put("total", 2).put("successful", 1).put("failed", 1)
                .put("duplicates", 0).put("chunks", 1)))));
  }

  private static JsonObject lookupResults() {
    return new JsonObject()
        .put("200", new JsonObject().put("found", example("One found, one missing, one repeated", new JsonObject()
            .put("success", true).put("message", "Found 1 out of 2 users")
            .put("data", new JsonArray().add(user(ID_1, "alice@example.com", "Alice")))
            .put("failed", new JsonArray())
            .put("stats", new JsonObject().put("requested", 2).put("found", 1).put("missing", 1).put("failed", 0)
                .put("duplicates", 1).put("chunks", 1))
            .put("missing", new JsonArray().add(ID_3))
            .put("duplicates", new JsonArray().add(new JsonObject().put("index", 2).put("item", ID_1)
                .put("duplicateOf", 0))))))
        .put("207", new JsonObject().put("badId", example("An id that is not a UUID fails alone", new JsonObject()
            .put("success", false).put("message", "Batch operation completed with errors")
            .put("data", new JsonArray().add(user(ID_1, "alice@example.com", "Alice")))
            .put("failed", new JsonArray().add(new JsonObject().put("index", 1).put("item", "not-a-uuid")
                .put("error", "Invalid UUID format").put("code", ErrorCode.VALIDATION_ERROR.name())
                .put("path", "$.ids[1]")))
            .put("stats", new JsonObject().put("requested", 2).put("found", 1).put("missing", 0).put("failed", 1)
                .put("duplicates", 0).put("chunks", 1))
            .put("missing", new JsonArray()))));
  }

  private static JsonObject user(String id, String email, String name) {
    return new JsonObject().put("id", id).put("email", email).put("name", name).put("version", 1)
        .put("createdAt", TIME).put("updatedAt", TIME).putNull("lastLoginAt");
  }

  private static JsonObject option(String name, Object example) {
    return new JsonObject().put("name", name).put("in", "query").put("required", false)
        .put("description", "options." + name + " of the POST body (same range and default)")
        .put("schema", new JsonObject().put("$ref", SCHEMAS_PREFIX + "options/properties/" + name))
        .put("example", example);
  }

  private static JsonObject health(String operationId, String summary, String description) {
    JsonObject schema = ref("HealthStatus");
    return open(operationId, "operations", summary, description)
        .put("responses", new JsonObject()
            .put("200", content("UP", "application/json", schema))
            .put("503", content("DOWN", "application/json", schema.copy())));
  }

  /** An operation without authentication. */
  private static JsonObject open(String operationId, String tag, String summary, String description) {
    return new JsonObject()
        .put("operationId", operationId)
        .put("tags", new JsonArray().add(tag))
        .put("summary", summary)
        .put("description", description + "\n\nNo authentication.")
        .put("security", new JsonArray())
        .put("parameters", new JsonArray().add(ref("#/components/parameters/", "CorrelationId")));
  }

  // ---------------------------------------------------------------- route check

  /**
   * Each route of {@code routes} that has a path and is not in {@code document}, as
   * {@code "METHOD /path"} ({@code "ANY /path"} for a route without methods). Path parameters
   * ({@code :id}, {@code {id}}), prefix routes ({@code /docs/*} ↔ {@code /docs/{asset}}) and a
   * trailing slash are matched loosely; regular-expression routes cannot be checked and are skipped.
   */
  public static List<String> undocumentedRoutes(JsonObject document, List<Route> routes) {
    // normalised document path (as a pattern: a template segment matches any one segment) -> methods
    Map<Pattern, Set<String>> documented = new LinkedHashMap<>();
    JsonObject paths = document.getJsonObject("paths", new JsonObject());
    for (String path : paths.fieldNames()) {
      String normalized = normalizeDocumentPath(path);
      StringBuilder regex = new StringBuilder();
      int at = 0;
      for (int i = normalized.indexOf("{}"); i >= 0; i = normalized.indexOf("{}", at)) {
        regex.append(Pattern.quote(normalized.substring(at, i))).append("[^/]+");
        at = i + 2;
      }
      regex.append(Pattern.quote(normalized.substring(at)));
      documented.computeIfAbsent(Pattern.compile(regex.toString()), p -> new TreeSet<>())
          .addAll(paths.getJsonObject(path).fieldNames().stream()
              .map(m -> m.toUpperCase(Locale.ROOT)).toList());
    }
    Set<String> missing = new TreeSet<>();
    for (Route route : routes) {
      if (route.getPath() == null || route.isRegexPath()) {
        continue;
      }
      String key = normalizeRoutePath(route.getPath(), route.isExactPath());
      Set<String> methods = null;
      for (Map.Entry<Pattern, Set<String>> entry : documented.entrySet()) {
        if (entry.getKey().matcher(key).matches()) {
          methods = methods == null ? new TreeSet<>() : methods;
          methods.addAll(entry.getValue());
        }
      }
      String shown = route.getPath() + (route.isExactPath() || route.getPath().endsWith("*") ? "" : "*");
      Set<HttpMethod> served = route.methods();
      if (served == null || served.isEmpty()) {
        if (methods == null) {
          missing.add("ANY " + shown);
        }
        continue;
      }
      for (HttpMethod method : served) {
        if (methods == null || !methods.contains(method.name())) {
          missing.add(method.name() + " " + shown);
        }
      }
    }
    return List.copyOf(missing);
  }

  static String normalizeDocumentPath(String path) {
    return trimSlash(DOC_PARAM.matcher(path).replaceAll("{}"));
  }

  static String normalizeRoutePath(String path, boolean exact) {
    String p = ROUTE_PARAM.matcher(path).replaceAll("{}");
    if (p.endsWith("*")) {
      p = p.substring(0, p.length() - 1);
      exact = false;
    }
    if (!exact) {
      p = (p.endsWith("/") ? p : p + "/") + "{}";
    }
    return trimSlash(p);
  }

  private static String trimSlash(String path) {
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  // ---------------------------------------------------------------- small builders

  private static String version() {
    String version = OpenApiDocument.class.getPackage().getImplementationVersion();
    return version != null ? version : "0.1.0-SNAPSHOT";
  }

  private static JsonObject tag(String name, String description) {
    return new JsonObject().put("name", name).put("description", description);
  }

  private static JsonObject ref(String component) {
    return new JsonObject().put("$ref", SCHEMAS_PREFIX + component);
  }

  private static JsonObject ref(String prefix, String component) {
    return new JsonObject().put("$ref", prefix + component);
  }

  private static JsonObject headerRef(String name) {
    return ref("#/components/headers/", name);
  }

  private static JsonObject object(String description) {
    JsonObject schema = new JsonObject().put("type", "object");
    return description == null ? schema : schema.put("description", description);
  }

  private static JsonObject dateTime(boolean nullable) {
    return new JsonObject().put("type", nullable ? new JsonArray().add("string").add("null") : "string")
        .put("format", "date-time");
  }

  private static JsonObject count(String description) {
    JsonObject schema = integer(0);
    return description == null ? schema : schema.put("description", description);
  }

  private static JsonObject integer(int minimum) {
    return new JsonObject().put("type", "integer").put("minimum", minimum);
  }

  private static JsonObject header(String description, JsonObject schema) {
    return new JsonObject().put("description", description).put("schema", schema);
  }

  private static JsonObject example(String summary, Object value) {
    return new JsonObject().put("summary", summary).put("value", value);
  }

  private static JsonObject content(String description, String mediaType, JsonObject schema) {
    return new JsonObject().put("description", description)
        .put("content", new JsonObject().put(mediaType, new JsonObject().put("schema", schema)));
  }

  private static JsonObject error(String description, List<String> extraHeaders, Map<String, JsonObject> examples) {
    JsonObject headers = new JsonObject().put("X-Correlation-Id", headerRef("X-Correlation-Id"));
    extraHeaders.forEach(h -> headers.put(h, headerRef(h)));
    JsonObject media = new JsonObject().put("schema", ref("ErrorResponse"));
    if (!examples.isEmpty()) {
      JsonObject named = new JsonObject();
      new TreeSet<>(examples.keySet()).forEach(k -> named.put(k, example(k, examples.get(k))));
      media.put("examples", named);
    }
    return new JsonObject().put("description", description).put("headers", headers)
        .put("content", new JsonObject().put("application/json", media));
  }
}
