package dev.userbatch;

import dev.userbatch.batch.BatchOptions;
import dev.userbatch.batch.ChunkRequest;
import dev.userbatch.batch.ChunkResult;
import dev.userbatch.batch.ItemFailure;
import dev.userbatch.batch.PreparedItem;
import dev.userbatch.support.ApiTest;
import dev.userbatch.support.TestData;
import dev.userbatch.user.UuidV7;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12, item 4, the worker side: a chunk that reaches a worker with items it cannot read
 * (however they got there) is answered item by item. Each unreadable item is its own
 * VALIDATION_ERROR with the path of the bad field, and the readable neighbour is processed.
 */
class WorkerItemReadingTest extends ApiTest {

  private ChunkResult process(String operation, Object... values) {
    List<PreparedItem> items = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      items.add(new PreparedItem(i, values[i]));
    }
    ChunkRequest chunk = new ChunkRequest(operation, UUID.randomUUID().toString(), 0, BatchOptions.defaults(), 10_000,
        List.copyOf(items));
    return sync(service.app.vertx().eventBus().<ChunkResult>request("users.chunk." + operation, chunk)
        .map(reply -> reply.body()));
  }

  /** path of each failed item by index, and every failure must be a VALIDATION_ERROR. */
  private static Map<Integer, String> validationFailures(ChunkResult result) {
    Map<Integer, String> paths = new TreeMap<>();
    for (ItemFailure failure : result.failures()) {
      assertThat(failure.code().name()).as(failure.toString()).isEqualTo("VALIDATION_ERROR");
      paths.put(failure.index(), failure.path());
    }
    return paths;
  }

  @Test
  void idOperationsFailOnlyTheIdsTheyCannotRead() {
    JsonArray users = createdUsers("worker-read", 4);
    String bad = id(users, 0) + "\n";
    ChunkResult looked = process("lookup", id(users, 0), bad, 42, "1-1-1-1-1");
    assertThat(looked.data().size()).isEqualTo(1);
    assertThat(looked.data().getJsonObject(0).getString("id")).isEqualTo(id(users, 0));
    assertThat(validationFailures(looked)).isEqualTo(Map.of(1, "$.ids[1]", 2, "$.ids[2]", 3, "$.ids[3]"));

    ChunkResult loggedIn = process("last-login", id(users, 1), new JsonObject(), bad);
    assertThat(loggedIn.data().size()).isEqualTo(1);
    assertThat(validationFailures(loggedIn)).isEqualTo(Map.of(1, "$.userIds[1]", 2, "$.userIds[2]"));
    assertThat(userRow(id(users, 1)).getOffsetDateTime("last_login_at")).isNotNull();

    ChunkResult deleted = process("soft-delete", bad, id(users, 2));
    assertThat(deleted.data().size()).isEqualTo(1);
    assertThat(validationFailures(deleted)).isEqualTo(Map.of(0, "$.userIds[0]"));
    assertThat(userRow(id(users, 2)).getOffsetDateTime("deleted_at")).isNotNull();

    ChunkResult restored = process("restore", id(users, 2), id(users, 2).toUpperCase() + " ");
    assertThat(restored.data().size()).isEqualTo(1);
    assertThat(validationFailures(restored)).isEqualTo(Map.of(1, "$.userIds[1]"));
    assertThat(userRow(id(users, 2)).getOffsetDateTime("deleted_at")).isNull();

    ChunkResult nothingReadable = process("soft-delete", bad, 7);
    assertThat(nothingReadable.data().size()).isZero();
    assertThat(validationFailures(nothingReadable)).isEqualTo(Map.of(0, "$.userIds[0]", 1, "$.userIds[1]"));
  }

  @Test
  void updateFailsOnlyTheChangesItCannotRead() {
    JsonArray users = createdUsers("worker-read-update", 1);
    ChunkResult updated = process("update",
        new JsonObject().put("id", id(users, 0)).put("name", "Read"),
        new JsonObject().put("id", id(users, 0) + "\u2028").put("name", "Bad id"),
        new JsonObject().put("id", UUID.randomUUID().toString()).put("name", 5),
        new JsonObject().put("id", UUID.randomUUID().toString()).put("expectedVersion", "1"),
        "not an object");
    assertThat(updated.data().size()).isEqualTo(1);
    assertThat(validationFailures(updated)).isEqualTo(Map.of(1, "$.updates[1].id", 2, "$.updates[2].name",
        3, "$.updates[3].expectedVersion", 4, "$.updates[4]"));
    assertThat(userRow(id(users, 0)).getString("name")).isEqualTo("Read");
  }

  @Test
  void createFailsOnlyTheUsersItCannotRead() {
    String good = TestData.email("worker-read-create");
    ChunkResult created = process("create",
        new JsonObject().put("id", UuidV7.next().toString()).put("email", good).put("name", "Readable")
            .put("passwordHash", TestData.BCRYPT),
        new JsonObject().put("id", "not-a-uuid").put("email", TestData.email("x")).put("name", "X")
            .put("passwordHash", TestData.BCRYPT),
        new JsonObject().put("id", UuidV7.next().toString()).put("email", List.of()).put("name", "Y")
            .put("passwordHash", TestData.BCRYPT),
        new JsonObject().put("id", UuidV7.next().toString()).put("email", TestData.email("z")).put("name", "Z"),
        17);
    assertThat(created.data().size()).isEqualTo(1);
    assertThat(created.data().getJsonObject(0).getString("email")).isEqualTo(good);
    assertThat(validationFailures(created)).isEqualTo(Map.of(1, "$.users[1].id", 2, "$.users[2].email",
        3, "$.users[3].password", 4, "$.users[4]"));
    assertThat(sync(sql("SELECT count(*) FROM users WHERE email = $1", good)).iterator().next().getLong(0))
        .isEqualTo(1L);
  }
}
