package dev.userbatch.operation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.batch.Operation;
import dev.userbatch.validation.SchemaValidator;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.ParameterizedType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The operation table against the contract files: each entry's routes are exactly the batch paths
 * of openapi.json (both ways), its schema files exist and hold its items field, and the names the
 * table gives (wire names, paths, addresses, event types) are distinct and found back.
 */
class OperationTableTest {
  private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "patch");

  private static JsonObject resource(String name) throws IOException {
    try (InputStream in = OperationTableTest.class.getClassLoader().getResourceAsStream(name)) {
      assertThat(in).as(name).isNotNull();
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void theTableAndTheBatchPathsOfOpenApiAgreeBothWays() throws IOException {
    JsonObject paths = resource("openapi.json").getJsonObject("paths");
    List<String> documented = new ArrayList<>();
    for (String path : paths.fieldNames()) {
      // Import jobs (/batch/users/jobs/**) run the table's operations; they are not entries of it.
      if (path.startsWith(Operation.PATH_PREFIX)
          && !path.startsWith(Operation.PATH_PREFIX + "jobs")) {
        for (String method : paths.getJsonObject(path).fieldNames()) {
          if (HTTP_METHODS.contains(method)) {
            documented.add(method.toUpperCase(Locale.ROOT) + " " + path);
          }
        }
      }
    }
    List<String> table =
        Stream.of(Operation.values())
            .flatMap(operation -> operation.httpRoutes().stream())
            .toList();
    assertThat(table).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(documented);
    assertThat(table)
        .contains(
            "GET /batch/users/lookup",
            "POST /batch/users/lookup",
            "DELETE /batch/users/soft-delete");
  }

  @Test
  void everySchemaFileExistsAndHoldsTheItemsField() {
    for (Operation operation : Operation.values()) {
      JsonObject envelope = SchemaValidator.load(operation.envelopeSchema());
      assertThat(envelope.getJsonObject("properties").containsKey(operation.itemsField()))
          .as(operation + ": " + operation.envelopeSchema())
          .isTrue();
      assertThat(envelope.getJsonArray("required").getList())
          .as(operation.wireName())
          .contains(operation.itemsField());
      assertThat(SchemaValidator.load(operation.itemSchema()))
          .as(operation.itemSchema())
          .isNotNull();
    }
    assertThat(SchemaValidator.SCHEMAS)
        .doesNotHaveDuplicates()
        .containsAll(Operation.SHARED_SCHEMAS)
        .allSatisfy(file -> assertThat(SchemaValidator.load(file)).as(file).isNotNull());
  }

  @Test
  void namesAreDistinctAndFoundBack() {
    assertThat(Stream.of(Operation.values()).map(Operation::wireName))
        .doesNotHaveDuplicates()
        .allMatch(name -> name.matches("[a-z]+(-[a-z]+)*"));
    assertThat(Stream.of(Operation.values()).map(Operation::path)).doesNotHaveDuplicates();
    assertThat(Stream.of(Operation.values()).flatMap(operation -> operation.eventType().stream()))
        .doesNotHaveDuplicates()
        .allMatch(type -> type.startsWith("USERS_BATCH_"));
    for (Operation operation : Operation.values()) {
      assertThat(Operation.fromWireName(operation.wireName())).contains(operation);
      assertThat(Operation.fromApiAddress(operation.apiAddress())).contains(operation);
      assertThat(operation.apiAddress()).isEqualTo("users.batch." + operation.wireName());
      assertThat(operation.workerAddress()).isEqualTo("users.chunk." + operation.wireName());
      assertThat(operation.toString()).isEqualTo(operation.wireName());
      assertThat(operation.eventType().isPresent())
          .as(operation.wireName())
          .isEqualTo(operation.kind() == Operation.Kind.WRITE);
    }
    assertThat(Operation.fromWireName("purge")).isEmpty();
    assertThat(Operation.fromApiAddress("users.batch.purge")).isEmpty();
    assertThat(Operation.fromApiAddress("users.chunk.create")).isEmpty();
    assertThat(Operation.fromApiAddress(null)).isEmpty();
  }

  @Test
  void everyOperationHasAPreparerOfItsPayloadType() {
    Operations operations = Operations.create(new SchemaValidator(), 8);
    for (Operation operation : Operation.values()) {
      ItemPreparer<?> preparer = operations.preparer(operation);
      ParameterizedType declared =
          Stream.of(preparer.getClass().getGenericInterfaces())
              .filter(
                  type ->
                      type instanceof ParameterizedType p && p.getRawType() == ItemPreparer.class)
              .map(ParameterizedType.class::cast)
              .findFirst()
              .orElseThrow();
      assertThat(declared.getActualTypeArguments()[0])
          .as(operation.wireName())
          .isEqualTo(operation.payload().type());
    }
  }
}
