package dev.userbatch.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.userbatch.user.User;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Everything a chunk worker takes or answers crosses the wire of a clustered event bus and comes
 * back equal: a chunk of every operation (so of every payload type), a result with users, failures,
 * skips and missing ids, and a whole-chunk failure, its code by name. Payload records refuse what
 * breaks their rules, on the wire too.
 */
class ChunkWireTest {
  private static final Instant T = Instant.parse("2026-01-02T03:04:05.123456Z");

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(Class<T> type, T value) {
    JsonRecordCodec.Registration<?> registration =
        JsonRecordCodec.chunkCodecs().stream()
            .filter(r -> r.type() == type)
            .findFirst()
            .orElseThrow();
    JsonRecordCodec<T> codec = (JsonRecordCodec<T>) registration.codec();
    Buffer wire = Buffer.buffer().appendString("xyz"); // decoding starts where the message does
    codec.encodeToWire(wire, value);
    T decoded = codec.decodeFromWire(3, wire);
    assertThat(decoded).isNotSameAs(value);
    assertThat(codec.transform(value)).as("local delivery hands over the instance").isSameAs(value);
    return decoded;
  }

  private static <T extends ChunkItem> ChunkRequest<T> chunk(Operation operation, List<T> values) {
    List<PreparedItem<T>> items = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      items.add(new PreparedItem<>(i * 3 + 1, values.get(i)));
    }
    BatchOptions options =
        new BatchOptions(250, 3, false, true, true, BatchOptions.OnConflict.SKIP);
    return new ChunkRequest<>(operation, UUID.randomUUID(), 7, options, 9_500, items);
  }

  /** Sample items of every payload type (a new kind of item needs its samples here). */
  private static final Map<Class<? extends ChunkItem>, List<? extends ChunkItem>> SAMPLES =
      Map.of(
          NewUser.class,
              List.of(
                  new NewUser(
                      UUID.randomUUID(), "a@example.com", "Ann", "correct horse battery", null),
                  new NewUser(
                      UUID.randomUUID(),
                      "b@example.com",
                      "Bob",
                      null,
                      "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW")),
          UserUpdate.class,
              List.of(
                  new UserUpdate(UUID.randomUUID(), "Ann", null, null),
                  new UserUpdate(UUID.randomUUID(), null, "new@example.com", 4),
                  new UserUpdate(UUID.randomUUID(), "Both", "both@example.com", 1)),
          UserId.class, List.of(new UserId(UUID.randomUUID()), new UserId(UUID.randomUUID())));

  @Test
  void aChunkOfEveryOperationComesBackEqual() {
    for (Operation operation : Operation.values()) {
      List<? extends ChunkItem> items = SAMPLES.get(operation.payload().type());
      assertThat(items).as("samples of " + operation.payload().type().getSimpleName()).isNotNull();
      ChunkRequest<?> chunk = chunk(operation, items);
      assertThat(roundTrip(ChunkRequest.class, chunk)).as(operation.wireName()).isEqualTo(chunk);
    }
    ChunkRequest<?> unaudited =
        new ChunkRequest<>(
            Operation.LOOKUP,
            (ChunkKey) null,
            1,
            BatchOptions.defaults(),
            1,
            List.of(new PreparedItem<>(0, new UserId(UUID.randomUUID()))));
    assertThat(roundTrip(ChunkRequest.class, unaudited)).isEqualTo(unaudited);
    assertThat(unaudited.key()).isNull();
  }

  @Test
  void theChunkKeyAndTheDeliveryNumberTravelWithTheChunk() {
    ChunkKey key = new ChunkKey(UUID.randomUUID(), 41);
    ChunkRequest<?> third =
        new ChunkRequest<>(
                Operation.CREATE,
                key,
                1,
                BatchOptions.defaults(),
                5_000,
                List.of(new PreparedItem<>(2, SAMPLES.get(NewUser.class).get(1))))
            .redelivery()
            .redelivery();
    ChunkRequest<?> decoded = roundTrip(ChunkRequest.class, third);
    assertThat(decoded).isEqualTo(third);
    assertThat(decoded.key()).isEqualTo(key);
    assertThat(decoded.delivery()).isEqualTo(3);
    assertThat(decoded.chunkNumber()).isEqualTo(41);
  }

  @Test
  void aReplayedResultSaysSo() {
    ChunkResult replayed =
        new ChunkResult(
            List.of(),
            List.of(ItemFailure.of(0, ErrorCode.INTERNAL, "x")),
            List.of(),
            List.of(),
            true);
    assertThat(roundTrip(ChunkResult.class, replayed).replayed()).isTrue();
    assertThat(
            roundTrip(ChunkResult.class, new ChunkResult(List.of(), List.of(), List.of()))
                .replayed())
        .isFalse();
  }

  @Test
  void aResultComesBackEqual() {
    User active =
        new User(UUID.randomUUID(), "a@example.com", "Ann", 3, T, T.plusSeconds(60), null, null);
    User deleted =
        new User(
            UUID.randomUUID(), "b@example.com", "Bob", 2, T, T, T.plusMillis(5), T.plusSeconds(1));
    ChunkResult result =
        new ChunkResult(
            List.of(active, deleted),
            List.of(
                ItemFailure.of(4, ErrorCode.USER_NOT_FOUND, "User not found"),
                new ItemFailure(
                    5,
                    null,
                    "Invalid email format",
                    ErrorCode.VALIDATION_ERROR,
                    "$.updates[5].data.email")),
            List.of(
                new ItemFailure(
                    6,
                    null,
                    "User with this email already exists",
                    ErrorCode.DUPLICATE_EMAIL,
                    "$.users[6].email")),
            List.of(UUID.randomUUID(), UUID.randomUUID()));
    assertThat(roundTrip(ChunkResult.class, result)).isEqualTo(result);
  }

  @Test
  void aWholeChunkFailureKeepsItsCodeByName() {
    for (ErrorCode code : ErrorCode.values()) {
      ChunkFailure decoded = roundTrip(ChunkFailure.class, new ChunkFailure(code, "why " + code));
      assertThat(decoded.code()).isEqualTo(code);
      assertThat(decoded.getMessage()).isEqualTo("why " + code);
    }
    Buffer wire = Buffer.buffer();
    JsonRecordCodec.chunkCodecs().stream()
        .filter(r -> r.type() == ChunkFailure.class)
        .findFirst()
        .orElseThrow()
        .codec()
        .encodeToWire(wire, cast(new ChunkFailure(ErrorCode.COMMIT_UNKNOWN, "m")));
    assertThat(wire.toString()).contains("\"COMMIT_UNKNOWN\"");
  }

  @SuppressWarnings("unchecked")
  private static <T> T cast(Object value) {
    return (T) value;
  }

  @Test
  void aUserBecomesTheDocumentedJsonAndBack() {
    User user = new User(UUID.randomUUID(), "a@example.com", "Ann", 1, T, T, null, null);
    JsonObject json = user.toJson();
    assertThat(json.fieldNames())
        .containsExactly("id", "email", "name", "version", "createdAt", "updatedAt", "lastLoginAt");
    assertThat(json.getString("createdAt")).isEqualTo("2026-01-02T03:04:05.123456Z");
    assertThat(json.containsKey("lastLoginAt")).isTrue();
    assertThat(User.fromJson(json)).isEqualTo(user);
    User deleted = new User(user.id(), user.email(), user.name(), 2, T, T, T, T.plusSeconds(3));
    assertThat(deleted.toJson().getString("deletedAt")).isEqualTo("2026-01-02T03:04:08.123456Z");
    assertThat(User.fromJson(deleted.toJson())).isEqualTo(deleted);
  }

  @Test
  void payloadsRefuseWhatBreaksTheirRulesOnTheWireToo() {
    UUID id = UUID.randomUUID();
    assertThatThrownBy(() -> new NewUser(id, "a@example.com", "A", null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new NewUser(id, "a@example.com", "A", "secret-password", "$2b$..."))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new UserUpdate(id, null, null, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new UserId(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(
            () ->
                NewUser.CODEC.decode(
                    new JsonObject()
                        .put("id", id.toString())
                        .put("email", "a@b.c")
                        .put("name", "A")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> UserId.CODEC.decode(42)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> UserUpdate.CODEC.decode("not an object"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new NewUser(id, "a@example.com", "A", "secret-password", null).toString())
        .doesNotContain("secret-password")
        .contains("[REDACTED]");
  }
}
