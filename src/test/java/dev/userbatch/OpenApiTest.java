package dev.userbatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.batch.BatchOptions;
import dev.userbatch.batch.ErrorCode;
import dev.userbatch.batch.Operation;
import dev.userbatch.batch.PreparedBatch;
import dev.userbatch.batch.Scopes;
import dev.userbatch.http.RouteCoverage;
import dev.userbatch.operation.Operations;
import dev.userbatch.support.ApiTest;
import dev.userbatch.validation.SchemaValidator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.pointer.JsonPointer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * /openapi.json, /schemas/ and /docs: the document is src/main/resources/openapi.json served as it
 * is, OpenAPI 3.1, refers to the validation schema files (served beside it) instead of copying
 * them, covers every route the router serves (the service refuses to start otherwise), every batch
 * operation and every ErrorCode, and every example in it validates (request examples with the
 * service's own SchemaValidator and item rules); Swagger UI loads from the webjar without a token.
 */
class OpenApiTest extends ApiTest {
  /** Where the test pretends the document lives; its relative references resolve against this. */
  private static final String DOC_URI = "https://userbatch.test/openapi.json";

  private static final String BEARER = "bearerAuth";
  private static final String SCHEMAS_PREFIX = "#/components/schemas/";
  private static final Set<String> HTTP_METHODS =
      Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
  private static final List<String> EXPECTED_OPERATIONS =
      List.of(
          "POST /batch/users/create",
          "GET /batch/users/lookup",
          "POST /batch/users/lookup",
          "PATCH /batch/users/update",
          "PATCH /batch/users/last-login",
          "DELETE /batch/users/soft-delete",
          "POST /batch/users/restore",
          "GET /health/live",
          "GET /health/ready",
          "GET /metrics",
          "GET /openapi.json",
          "GET /schemas/{file}",
          "GET /docs",
          "GET /docs/{asset}");
  private static final List<String> BATCH_STATUSES =
      List.of("200", "207", "422", "400", "401", "403", "413", "429", "503");

  private static JsonObject document;

  /** Every file the document refers to (directly or through another file), by its absolute URI. */
  private static final Map<String, JsonObject> referencedFiles = new LinkedHashMap<>();

  private static final SchemaValidator VALIDATOR = new SchemaValidator();

  @BeforeAll
  static void fetchDocument() throws Exception {
    HttpResponse<Buffer> response = sync(service.anonymousHttp.get("/openapi.json").send());
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(response.getHeader("content-type")).startsWith("application/json");
    try (InputStream file =
        OpenApiTest.class.getClassLoader().getResourceAsStream("openapi.json")) {
      assertThat(response.body().getBytes()).as("served as it is").isEqualTo(file.readAllBytes());
    }
    document = new JsonObject(response.bodyAsString()); // throws when it is not a JSON object
    fetchReferencedFiles(DOC_URI, document);
  }

  /**
   * Follows every reference to another file, as Swagger UI does: over HTTP, relative to the
   * referring file.
   */
  private static void fetchReferencedFiles(String base, JsonObject from) {
    List<String> refs = new ArrayList<>();
    collectRefs(from, refs);
    for (String ref : refs) {
      String file = withoutFragment(URI.create(base).resolve(ref).toString());
      if (file.equals(DOC_URI) || referencedFiles.containsKey(file)) {
        continue;
      }
      String path = URI.create(file).getPath();
      HttpResponse<Buffer> response = sync(service.anonymousHttp.get(path).send());
      assertThat(response.statusCode()).as(ref + " from " + base + " → GET " + path).isEqualTo(200);
      assertThat(response.getHeader("content-type")).as(path).startsWith("application/json");
      JsonObject schema = new JsonObject(response.bodyAsString());
      assertThat(schema.containsKey("$id"))
          .as(path + " has no $id: it is identified by where it is served")
          .isFalse();
      referencedFiles.put(file, schema);
      fetchReferencedFiles(file, schema);
    }
  }

  private static String withoutFragment(String uri) {
    int hash = uri.indexOf('#');
    return hash < 0 ? uri : uri.substring(0, hash);
  }

  @Test
  void documentIsOpenApi31() {
    assertThat(document.getString("openapi")).isEqualTo("3.1.0");
    assertThat(document.getJsonObject("info").getString("title")).isNotBlank();
    assertThat(document.getJsonObject("info").getString("version")).isNotBlank();
    JsonObject bearer =
        document.getJsonObject("components").getJsonObject("securitySchemes").getJsonObject(BEARER);
    assertThat(bearer.getString("type")).isEqualTo("http");
    assertThat(bearer.getString("scheme")).isEqualTo("bearer");
    assertThat(bearer.getString("bearerFormat")).isEqualTo("JWT");
    assertThat(bearer.getString("description")).contains(Scopes.READ, Scopes.WRITE);
    // every reference points at something: in the document, or in a file served beside it
    Map<String, JsonObject> documents = new LinkedHashMap<>(referencedFiles);
    documents.put(DOC_URI, document);
    int checked = 0;
    for (Map.Entry<String, JsonObject> from : documents.entrySet()) {
      List<String> refs = new ArrayList<>();
      collectRefs(from.getValue(), refs);
      for (String ref : refs) {
        assertThat(target(from.getKey(), ref)).as(ref + " in " + from.getKey()).isNotNull();
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(100);
    // operation ids are unique
    List<String> ids =
        operations().stream().map(op -> op.operation.getString("operationId")).toList();
    assertThat(ids).doesNotContainNull().doesNotHaveDuplicates();
  }

  /**
   * The router itself is checked at start-up (OpenApiRoutes.requireDocumented): this service
   * started.
   */
  @Test
  void everyRouteTheRouterServesIsDocumented() {
    List<String> documented =
        operations().stream().map(op -> op.method.toUpperCase() + " " + op.path).toList();
    assertThat(documented).containsAll(EXPECTED_OPERATIONS);
  }

  @Test
  void theRouteCheckReportsRoutesTheDocumentLacks() {
    Router router = Router.router(service.clientVertx);
    router.route().handler(ctx -> ctx.next()); // no path: not an endpoint
    router.post("/batch/users/create").handler(ctx -> ctx.end());
    router.get("/docs").handler(ctx -> ctx.end());
    router.get("/docs/").handler(ctx -> ctx.end());
    router.get("/docs/swagger-initializer.js").handler(ctx -> ctx.end());
    router.get("/docs/*").handler(ctx -> ctx.end());
    router.post("/batch/users/purge").handler(ctx -> ctx.end()); // not documented
    router.put("/batch/users/update").handler(ctx -> ctx.end()); // documented path, other method
    router.route("/admin/*").handler(ctx -> ctx.end()); // any method, undocumented prefix
    router.get("/schemas/:file").handler(ctx -> ctx.end());
    assertThat(RouteCoverage.undocumentedRoutes(document, router.getRoutes()))
        .containsExactlyInAnyOrder(
            "POST /batch/users/purge", "PUT /batch/users/update", "ANY /admin/*");
  }

  @Test
  void theValidationSchemaFilesAreReferencedNotCopied() {
    Set<String> expected = new LinkedHashSet<>();
    for (String file : SchemaValidator.SCHEMAS) {
      String uri = URI.create(DOC_URI).resolve("schemas/" + file).toString();
      expected.add(uri);
      // served exactly as the validator reads them
      assertThat(referencedFiles.get(uri)).as(file).isEqualTo(SchemaValidator.load(file));
    }
    assertThat(referencedFiles.keySet()).containsExactlyInAnyOrderElementsOf(expected);
    for (String other :
        List.of("/schemas/no-such.json", "/schemas/..%2Fopenapi.json", "/schemas/")) {
      assertThat(sync(service.anonymousHttp.get(other).send()).statusCode())
          .as(other)
          .isEqualTo(404);
    }
    JsonObject schemas = document.getJsonObject("components").getJsonObject("schemas");
    assertThat(schemas.fieldNames())
        .as("no copy of a schema file")
        .allSatisfy(
            name ->
                assertThat(schemas.getJsonObject(name).containsKey("title")).as(name).isFalse());
    // the envelopes: the file, with the item schema shown (the files leave their items unvalidated)
    for (Operation operation : Operation.values()) {
      JsonObject envelope = schemas.getJsonObject(componentName(operation.envelopeSchema()));
      assertThat(envelope.getJsonArray("allOf"))
          .as(operation.wireName())
          .containsExactly(new JsonObject().put("$ref", "schemas/" + operation.envelopeSchema()));
      JsonObject items = envelope.getJsonObject("properties").getJsonObject(operation.itemsField());
      assertThat(items.getJsonObject("items").getString("$ref")).startsWith("schemas/");
      assertThat(
              SchemaValidator.load(operation.envelopeSchema())
                  .getJsonObject("properties")
                  .getJsonObject(operation.itemsField())
                  .containsKey("items"))
          .as("the file itself leaves items unvalidated")
          .isFalse();
    }
    // the envelope files still let invalid items through, to be failed one by one
    assertThat(
            VALIDATOR.validate(
                "create-request.json",
                new JsonObject()
                    .put("users", new JsonArray().add(new JsonObject().put("unknown", 1)))))
        .isEmpty();
  }

  @Test
  void batchOperationsMatchTheServiceOperationsAndTheirScopes() {
    JsonObject paths = document.getJsonObject("paths");
    for (Operation operation : Operation.values()) {
      String path = "/batch/users/" + operation.wireName();
      JsonObject item = paths.getJsonObject(path);
      assertThat(item).as(path).isNotNull();
      String envelope = componentName(operation.envelopeSchema());
      String scope = operation.kind() == Operation.Kind.LOOKUP ? Scopes.READ : Scopes.WRITE;
      assertThat(operation.scope()).isEqualTo(scope);
      for (String method : item.fieldNames()) {
        JsonObject op = item.getJsonObject(method);
        assertThat(op.getJsonArray("security"))
            .as(method + " " + path)
            .containsExactly(new JsonObject().put(BEARER, new JsonArray().add(scope)));
        assertThat(op.getString("description")).contains(scope);
        assertThat(op.getJsonObject("responses").fieldNames()).containsAll(BATCH_STATUSES);
        assertThat(
                op.getJsonObject("responses")
                    .getJsonObject("200")
                    .getJsonObject("headers")
                    .fieldNames())
            .contains(
                "X-Correlation-Id", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset");
        List<String> headerParams =
            op.getJsonArray("parameters").stream()
                .map(p -> resolve((JsonObject) p).getString("name"))
                .toList();
        assertThat(headerParams).contains("X-Correlation-Id");
        if (scope.equals(Scopes.WRITE)) {
          assertThat(headerParams).contains("Idempotency-Key");
          assertThat(
                  op.getJsonObject("responses")
                      .getJsonObject("200")
                      .getJsonObject("headers")
                      .fieldNames())
              .contains("Idempotent-Replayed");
        }
        if (op.containsKey("requestBody")) {
          assertThat(
                  op.getJsonObject("requestBody")
                      .getJsonObject("content")
                      .getJsonObject("application/json")
                      .getJsonObject("schema")
                      .getString("$ref"))
              .isEqualTo(SCHEMAS_PREFIX + envelope);
        } else {
          assertThat(method + " " + path).isEqualTo("get /batch/users/lookup");
        }
      }
    }
    JsonObject responses = document.getJsonObject("components").getJsonObject("responses");
    assertThat(
            resolve(responses.getJsonObject("TooManyRequests"))
                .getJsonObject("headers")
                .fieldNames())
        .contains("Retry-After", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset");
    for (String open :
        List.of(
            "/health/live",
            "/health/ready",
            "/openapi.json",
            "/schemas/{file}",
            "/docs",
            "/docs/{asset}")) {
      assertThat(paths.getJsonObject(open).getJsonObject("get").getJsonArray("security"))
          .as(open)
          .isEmpty();
    }
  }

  @Test
  void errorCodesAreErrorCodeValues() {
    JsonArray codes =
        document
            .getJsonObject("components")
            .getJsonObject("schemas")
            .getJsonObject("ErrorCode")
            .getJsonArray("enum");
    assertThat(codes.getList())
        .containsExactlyElementsOf(Arrays.stream(ErrorCode.values()).map(Enum::name).toList());
    JsonObject failure =
        document.getJsonObject("components").getJsonObject("schemas").getJsonObject("ItemFailure");
    assertThat(failure.getJsonObject("properties").getJsonObject("code").getString("$ref"))
        .isEqualTo(SCHEMAS_PREFIX + "ErrorCode");
  }

  @Test
  void requestExamplesPassTheServiceValidation() {
    Operations operations = Operations.create(VALIDATOR, 8);
    int checked = 0;
    for (Operation operation : Operation.values()) {
      for (DocumentedOperation op : operations()) {
        if (!op.path.equals(operation.path()) || !op.operation.containsKey("requestBody")) {
          continue;
        }
        JsonObject media =
            op.operation
                .getJsonObject("requestBody")
                .getJsonObject("content")
                .getJsonObject("application/json");
        List<Object> examples = examplesOf(media);
        assertThat(examples).as(op + " has a request example").isNotEmpty();
        String itemFile =
            document
                .getJsonObject("components")
                .getJsonObject("schemas")
                .getJsonObject(componentName(operation.envelopeSchema()))
                .getJsonObject("properties")
                .getJsonObject(operation.itemsField())
                .getJsonObject("items")
                .getString("$ref")
                .substring("schemas/".length());
        for (Object example : examples) {
          JsonObject envelope = (JsonObject) example;
          assertThat(VALIDATOR.validate(operation.envelopeSchema(), envelope))
              .as(op + " " + envelope)
              .isEmpty();
          JsonArray items = envelope.getJsonArray(operation.itemsField());
          for (Object item : items) {
            assertThat(VALIDATOR.validate(itemFile, item)).as(op + " item " + item).isEmpty();
          }
          // and the rules beyond the schema (exactly one password field, email syntax, …)
          PreparedBatch<?> prepared =
              operations
                  .preparer(operation)
                  .prepare(items, BatchOptions.fromJson(envelope.getJsonObject("options")));
          assertThat(prepared.failures()).as(op + " " + envelope).isEmpty();
          assertThat(prepared.items()).hasSize(items.size());
          checked++;
        }
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(6);

    // GET lookup: the query parameters' examples make a valid envelope
    JsonObject get =
        document.getJsonObject("paths").getJsonObject("/batch/users/lookup").getJsonObject("get");
    JsonObject envelope = new JsonObject();
    JsonObject options = new JsonObject();
    for (Object p : get.getJsonArray("parameters")) {
      JsonObject parameter = resolve((JsonObject) p);
      if (!parameter.getString("in").equals("query")) {
        continue;
      }
      assertThat(parameter.containsKey("example")).as(parameter.getString("name")).isTrue();
      if (parameter.getString("name").equals("ids")) {
        envelope.put("ids", parameter.getValue("example"));
      } else {
        options.put(parameter.getString("name"), parameter.getValue("example"));
      }
    }
    envelope.put("options", options);
    assertThat(options.fieldNames())
        .containsExactlyInAnyOrder("chunkSize", "maxConcurrency", "continueOnError");
    assertThat(VALIDATOR.validate("lookup-request.json", envelope)).isEmpty();
    for (Object id : envelope.getJsonArray("ids")) {
      assertThat(VALIDATOR.validate("user-id.json", id)).isEmpty();
    }
  }

  @Test
  void everyExampleValidatesAgainstTheDocumentsOwnSchema() {
    SchemaRepository repository =
        SchemaRepository.create(
            new JsonSchemaOptions()
                .setDraft(Draft.DRAFT202012)
                .setBaseUri(DOC_URI)
                .setOutputFormat(OutputFormat.Basic));
    // copies: the repository annotates the schema objects it is given
    repository.dereference(DOC_URI, JsonSchema.of(document.copy()));
    referencedFiles.forEach((uri, file) -> repository.dereference(uri, JsonSchema.of(file.copy())));
    List<Map.Entry<String, JsonObject>> holders = new ArrayList<>();
    collectExampleHolders(document, "", holders);
    int checked = 0;
    for (Map.Entry<String, JsonObject> holder : holders) {
      JsonObject schema = rewriteLocalRefs(holder.getValue().getJsonObject("schema"));
      for (Object example : examplesOf(holder.getValue())) {
        OutputUnit result = repository.validator(JsonSchema.of(schema)).validate(example);
        assertThat(result.getValid())
            .as(holder.getKey() + ": " + example + " → " + result.getErrors())
            .isTrue();
        checked++;
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(20);
    // and the document's schemas do check something: an invalid body fails
    JsonObject createRequest =
        rewriteLocalRefs(new JsonObject().put("$ref", "#/components/schemas/create-request"));
    OutputUnit invalid =
        repository
            .validator(JsonSchema.of(createRequest))
            .validate(
                new JsonObject()
                    .put("users", new JsonArray().add(new JsonObject().put("email", "a@b.c"))));
    assertThat(invalid.getValid()).isFalse();
  }

  @Test
  void swaggerUiIsServedFromTheWebjar() {
    for (String page : List.of("/docs", "/docs/")) {
      HttpResponse<Buffer> html = sync(service.anonymousHttp.get(page).send());
      assertThat(html.statusCode()).as(page).isEqualTo(200);
      assertThat(html.getHeader("content-type")).startsWith("text/html");
      String body = html.bodyAsString();
      assertThat(body).contains("id=\"swagger-ui\"");
      Matcher links = Pattern.compile("(?:href|src)=\"([^\"]+)\"").matcher(body);
      Set<String> assets = new LinkedHashSet<>();
      while (links.find()) {
        assets.add(URI.create("http://localhost" + page).resolve(links.group(1)).getPath());
      }
      assertThat(assets)
          .contains(
              "/docs/swagger-ui.css",
              "/docs/swagger-ui-bundle.js",
              "/docs/swagger-ui-standalone-preset.js",
              "/docs/swagger-initializer.js");
      for (String asset : assets) {
        HttpResponse<Buffer> file = sync(service.anonymousHttp.get(asset).send());
        assertThat(file.statusCode()).as(asset).isEqualTo(200);
        assertThat(file.body().length()).as(asset).isPositive();
        if (asset.endsWith(".js")) {
          assertThat(file.getHeader("content-type")).as(asset).contains("javascript");
        } else if (asset.endsWith(".css")) {
          assertThat(file.getHeader("content-type")).as(asset).startsWith("text/css");
        }
      }
    }
    String bundle =
        sync(service.anonymousHttp.get("/docs/swagger-ui-bundle.js").send()).bodyAsString();
    assertThat(bundle).contains("SwaggerUIBundle");
    String initializer =
        sync(service.anonymousHttp.get("/docs/swagger-initializer.js").send()).bodyAsString();
    assertThat(initializer).contains("../openapi.json").doesNotContain("petstore");
    assertThat(sync(service.anonymousHttp.get("/docs/no-such-file.js").send()).statusCode())
        .isEqualTo(404);
  }

  // ---------------------------------------------------------------- helpers

  private record DocumentedOperation(String method, String path, JsonObject operation) {
    @Override
    public String toString() {
      return method.toUpperCase() + " " + path;
    }
  }

  private static List<DocumentedOperation> operations() {
    List<DocumentedOperation> operations = new ArrayList<>();
    JsonObject paths = document.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (HTTP_METHODS.contains(method)) {
          operations.add(new DocumentedOperation(method, path, item.getJsonObject(method)));
        }
      }
    }
    return operations;
  }

  /**
   * The component name the document gives an envelope file: {@code create-request.json} → {@code
   * create-request}.
   */
  private static String componentName(String schemaFile) {
    return schemaFile.substring(0, schemaFile.length() - ".json".length());
  }

  /**
   * What a reference in the file at {@code base} points at (the document, or a file it refers to);
   * null when nothing.
   */
  private static Object target(String base, String ref) {
    String uri = URI.create(base).resolve(ref).toString();
    String address = withoutFragment(uri);
    JsonObject file = address.equals(DOC_URI) ? document : referencedFiles.get(address);
    String fragment = URI.create(uri).getFragment();
    return file == null || fragment == null || fragment.isEmpty()
        ? file
        : JsonPointer.from(fragment).queryJson(file);
  }

  /** Follows a local $ref (components/parameters, components/responses). */
  private static JsonObject resolve(JsonObject node) {
    String ref = node.getString("$ref");
    return ref == null ? node : (JsonObject) JsonPointer.from(ref.substring(1)).queryJson(document);
  }

  private static void collectRefs(Object node, List<String> into) {
    if (node instanceof JsonObject object) {
      object.forEach(
          e -> {
            if (e.getKey().equals("$ref") && e.getValue() instanceof String ref) {
              into.add(ref);
            } else {
              collectRefs(e.getValue(), into);
            }
          });
    } else if (node instanceof JsonArray array) {
      array.forEach(v -> collectRefs(v, into));
    }
  }

  /** Media types, parameters and headers: objects with a schema and an example or examples. */
  private static void collectExampleHolders(
      Object node, String pointer, List<Map.Entry<String, JsonObject>> into) {
    if (node instanceof JsonObject object) {
      if (object.getValue("schema") instanceof JsonObject
          && (object.containsKey("example") || object.containsKey("examples"))) {
        into.add(Map.entry(pointer, object));
      }
      object.forEach(e -> collectExampleHolders(e.getValue(), pointer + "/" + e.getKey(), into));
    } else if (node instanceof JsonArray array) {
      for (int i = 0; i < array.size(); i++) {
        collectExampleHolders(array.getValue(i), pointer + "/" + i, into);
      }
    }
  }

  private static List<Object> examplesOf(JsonObject holder) {
    List<Object> examples = new ArrayList<>();
    if (holder.containsKey("example")) {
      examples.add(holder.getValue("example"));
    }
    JsonObject named = holder.getJsonObject("examples");
    if (named != null) {
      for (String name : named.fieldNames()) {
        Object example = named.getValue(name);
        assertThat(example)
            .as("example " + name + " in " + holder.encode())
            .isInstanceOf(JsonObject.class);
        assertThat(((JsonObject) example).containsKey("value")).as("example " + name).isTrue();
        examples.add(((JsonObject) example).getValue("value"));
      }
    }
    return examples;
  }

  /**
   * A schema taken out of the document, with its references made absolute (into the document or its
   * files).
   */
  private static JsonObject rewriteLocalRefs(JsonObject schema) {
    return (JsonObject) absoluteRefs(schema.copy());
  }

  /** Resolves every {@code $ref} under {@code node} against the document's address, in place. */
  private static Object absoluteRefs(Object node) {
    if (node instanceof JsonObject object) {
      for (String key : List.copyOf(object.fieldNames())) {
        Object value = object.getValue(key);
        if (key.equals("$ref") && value instanceof String ref) {
          object.put(key, URI.create(DOC_URI).resolve(ref).toString());
        } else {
          absoluteRefs(value);
        }
      }
    } else if (node instanceof JsonArray array) {
      array.forEach(OpenApiTest::absoluteRefs);
    }
    return node;
  }
}
