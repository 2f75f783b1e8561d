package dev.userbatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.support.ApiTest;
import dev.userbatch.support.TestData;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 4, as a property: in every operation (create, lookup by POST and GET, update,
 * last-login, soft-delete, restore), a request made of valid items followed by randomly mutated ids
 * and items never gets a 5xx or an INTERNAL item failure, and never fails one of its valid items.
 * The valid items come first, so that "the first one wins" rules (duplicate ids, claimed emails)
 * never count against them. Seeded ({@code -Dfuzz.seed=…}, printed in every failure message), and
 * bounded: {@link #ROUNDS} rounds or {@link #BUDGET_MS}, whichever comes first.
 */
class ItemMutationFuzzTest extends ApiTest {
  private static final int ROUNDS = 25;
  private static final long BUDGET_MS = 60_000;
  private static final long SEED = Long.getLong("fuzz.seed", 0x1712_2026L);

  /**
   * Characters a mutation inserts or substitutes: hex, separators, every line terminator,
   * look-alikes.
   */
  private static final String ALPHABET =
      "0123456789abcdefABCDEFgG-_+ ,\t\n\r\u000b\f\u0085\u2028\u2029\u0000"
          + "\u0663\uFF10\uFF41\u00e9\u200b\uFEFF";

  private static final Object[] ODD_VALUES = {
    null,
    "",
    " ",
    0,
    -1,
    1.5,
    true,
    Long.MAX_VALUE,
    new JsonObject(),
    new JsonArray(),
    new JsonArray().add("x"),
    "a".repeat(300),
    "[REDACTED]",
    "x@y",
    "\n"
  };

  private final Random random = new Random(SEED);

  @Test
  void mutatedItemsNeverFailAsInternalNorTakeAValidNeighbourDown() {
    JsonArray stable = createdUsers("mutation-stable", 3);
    JsonArray targets = createdUsers("mutation-target", 6);
    long deadline = System.currentTimeMillis() + BUDGET_MS;
    int requests = 0;
    for (int round = 0; round < ROUNDS && System.currentTimeMillis() < deadline; round++) {
      String neighbour = id(stable, random.nextInt(stable.size()));
      String target = id(targets, random.nextInt(targets.size()));

      check(
          "lookup POST",
          HttpMethod.POST,
          "/batch/users/lookup",
          "ids",
          neighbour,
          mutatedIds(target));
      checkLookupByGet(neighbour, target);
      check(
          "last-login",
          HttpMethod.PATCH,
          "/batch/users/last-login",
          "userIds",
          neighbour,
          mutatedIds(target));
      JsonObject update =
          new JsonObject()
              .put("id", neighbour)
              .put("data", new JsonObject().put("name", "Round " + round));
      check(
          "update",
          HttpMethod.PATCH,
          "/batch/users/update",
          "updates",
          update,
          mutatedUpdates(target));
      JsonObject newUser = TestData.userWithHash(TestData.email("mutation-new"), "New " + round);
      check("create", HttpMethod.POST, "/batch/users/create", "users", newUser, mutatedCreates());
      // A fresh neighbour for the pair: soft-delete must succeed for it, then restore.
      String deletable = id(createdUsers("mutation-delete", 1), 0);
      check(
          "soft-delete",
          HttpMethod.DELETE,
          "/batch/users/soft-delete",
          "userIds",
          deletable,
          mutatedIds(target));
      check(
          "restore",
          HttpMethod.POST,
          "/batch/users/restore",
          "userIds",
          deletable,
          mutatedIds(target));
      requests += 7;
    }
    assertThat(requests).as("seed %d: requests sent", SEED).isGreaterThanOrEqualTo(7 * 5);
  }

  /** Sends the valid item at index 0 and the mutated ones after it; checks the properties. */
  private void check(
      String operation,
      HttpMethod method,
      String path,
      String field,
      Object valid,
      List<Object> mutated) {
    JsonArray items = new JsonArray().add(valid);
    mutated.forEach(items::add);
    JsonObject body = new JsonObject().put(field, items);
    if (random.nextInt(3) == 0) {
      body.put(
          "options",
          new JsonObject()
              .put("chunkSize", 1 + random.nextInt(4))
              .put("maxConcurrency", 1 + random.nextInt(3)));
    }
    assertProperties(operation, body.encode(), call(method, path, body), valid);
  }

  private void checkLookupByGet(String neighbour, String target) {
    StringBuilder ids = new StringBuilder(neighbour);
    for (Object id : mutatedIds(target)) {
      if (id instanceof String s) {
        ids.append(',').append(s);
      }
    }
    String uri =
        "/batch/users/lookup?ids=" + URLEncoder.encode(ids.toString(), StandardCharsets.UTF_8);
    assertProperties("lookup GET", uri, sync(get(uri)), neighbour);
  }

  private void assertProperties(
      String operation, String request, HttpResponse<Buffer> response, Object valid) {
    String context =
        "seed "
            + SEED
            + " (-Dfuzz.seed), "
            + operation
            + " "
            + request
            + " -> "
            + response.statusCode()
            + " "
            + response.bodyAsString();
    assertThat(response.statusCode()).as(context).isIn(200, 207, 422);
    JsonObject json = response.bodyAsJsonObject();
    for (Object f : json.getJsonArray("failed")) {
      JsonObject failure = (JsonObject) f;
      assertThat(failure.getString("code")).as(context).isNotEqualTo("INTERNAL");
      assertThat(failure.getInteger("index")).as("the valid item failed; " + context).isNotZero();
    }
    String validId = valid instanceof JsonObject item ? item.getString("id") : (String) valid;
    JsonArray data = json.getJsonArray("data");
    boolean done =
        data.stream()
            .map(u -> (JsonObject) u)
            .anyMatch(
                user ->
                    validId == null
                        ? user.getString("email")
                            .equals(((JsonObject) valid).getString("email").toLowerCase())
                        : user.getString("id").equals(validId));
    assertThat(done).as("the valid item is in data; " + context).isTrue();
  }

  private List<Object> mutatedIds(String id) {
    List<Object> ids = new ArrayList<>();
    for (int n = 1 + random.nextInt(4); n > 0; n--) {
      ids.add(mutateId(id));
    }
    return ids;
  }

  private Object mutateId(String id) {
    if (random.nextInt(8) == 0) {
      return ODD_VALUES[random.nextInt(ODD_VALUES.length)];
    }
    StringBuilder s = new StringBuilder(random.nextBoolean() ? id : id.toUpperCase());
    for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
      char c = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
      int at = random.nextInt(s.length() + 1);
      switch (random.nextInt(4)) {
        case 0 -> s.insert(at, c);
        case 1 -> s.append(c);
        case 2 -> s.deleteCharAt(Math.min(at, s.length() - 1));
        default -> s.setCharAt(Math.min(at, s.length() - 1), c);
      }
      if (s.isEmpty()) {
        break;
      }
    }
    return s.toString();
  }

  private List<Object> mutatedUpdates(String target) {
    List<Object> updates = new ArrayList<>();
    for (int n = 1 + random.nextInt(3); n > 0; n--) {
      JsonObject update =
          new JsonObject()
              .put("id", target)
              .put(
                  "data",
                  new JsonObject().put("name", "Mutant").put("email", TestData.email("mutant")))
              .put("expectedVersion", 1);
      updates.add(mutateItem(update, "id"));
    }
    return updates;
  }

  private List<Object> mutatedCreates() {
    List<Object> users = new ArrayList<>();
    for (int n = 1 + random.nextInt(3); n > 0; n--) {
      JsonObject user =
          random.nextBoolean()
              ? TestData.userWithHash(TestData.email("mutant"), "Mutant")
              : new JsonObject()
                  .put("email", TestData.email("mutant"))
                  .put("name", "Mutant")
                  .put("password", "long enough password");
      users.add(mutateItem(user, null));
    }
    return users;
  }

  /**
   * An item with one to three changes: a field's value mutated or replaced, a field removed or
   * added.
   */
  private Object mutateItem(JsonObject item, String idField) {
    if (random.nextInt(10) == 0) {
      return ODD_VALUES[random.nextInt(ODD_VALUES.length)];
    }
    for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
      List<String> names = new ArrayList<>(item.fieldNames());
      String name = names.isEmpty() ? "id" : names.get(random.nextInt(names.size()));
      switch (random.nextInt(5)) {
        case 0 -> item.remove(name);
        case 1 ->
            item.put(
                List.of(
                        "id",
                        "email",
                        "name",
                        "password",
                        "passwordHash",
                        "data",
                        "expectedVersion",
                        "extra")
                    .get(random.nextInt(8)),
                ODD_VALUES[random.nextInt(ODD_VALUES.length)]);
        case 2 -> {
          if (item.getValue("data") instanceof JsonObject data) {
            data.put(
                random.nextBoolean() ? "email" : "name",
                random.nextBoolean()
                    ? ODD_VALUES[random.nextInt(ODD_VALUES.length)]
                    : mutateId(TestData.email("m")));
          }
        }
        default -> {
          String field = idField != null && random.nextBoolean() ? idField : name;
          Object value = item.getValue(field);
          item.put(
              field,
              value instanceof String s
                  ? mutateId(s)
                  : ODD_VALUES[random.nextInt(ODD_VALUES.length)]);
        }
      }
    }
    return item;
  }
}
