package dev.userbatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.userbatch.batch.BatchOptions;
import dev.userbatch.batch.ChunkFailure;
import dev.userbatch.batch.ChunkKey;
import dev.userbatch.batch.ChunkRequest;
import dev.userbatch.batch.ChunkResult;
import dev.userbatch.batch.ErrorCode;
import dev.userbatch.batch.NewUser;
import dev.userbatch.batch.Operation;
import dev.userbatch.batch.PreparedItem;
import dev.userbatch.batch.UserId;
import dev.userbatch.support.ApiTest;
import dev.userbatch.support.TestData;
import dev.userbatch.user.UuidV7;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The chunk workers as the coordinator meets them: typed chunks at each operation's worker address,
 * answered with typed results; a chunk that fails as a whole is answered with its ErrorCode by
 * name; and a message that is not a chunk of the address's operation is answered at once
 * (INTERNAL), not left to time out. Chunks with items of another operation's type cannot be built
 * at all.
 */
class ChunkWorkerMessagesTest extends ApiTest {

  private <T extends dev.userbatch.batch.ChunkItem> Future<ChunkResult> process(
      Operation operation, List<T> values) {
    List<PreparedItem<T>> items = new java.util.ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      items.add(new PreparedItem<>(i, values.get(i)));
    }
    ChunkRequest<T> chunk =
        new ChunkRequest<>(operation, UUID.randomUUID(), 0, BatchOptions.defaults(), 10_000, items);
    return service
        .app
        .vertx()
        .eventBus()
        .<ChunkResult>request(operation.workerAddress(), chunk)
        .map(reply -> reply.body());
  }

  @Test
  void idChunksAreAnsweredWithTypedUsersAndMissingIds() {
    JsonArray users = createdUsers("worker-typed", 2);
    UUID first = UUID.fromString(id(users, 0));
    UUID absent = UuidV7.next();
    ChunkResult looked =
        sync(process(Operation.LOOKUP, List.of(new UserId(first), new UserId(absent))));
    assertThat(looked.data()).hasSize(1);
    assertThat(looked.data().get(0).id()).isEqualTo(first);
    assertThat(looked.data().get(0).email()).isEqualTo(users.getJsonObject(0).getString("email"));
    assertThat(looked.missing()).containsExactly(absent);
    assertThat(looked.failures()).isEmpty();

    ChunkResult deleted =
        sync(process(Operation.SOFT_DELETE, List.of(new UserId(first), new UserId(absent))));
    assertThat(deleted.data()).extracting(user -> user.id()).containsExactly(first);
    assertThat(deleted.data().get(0).deletedAt()).isNotNull();
    assertThat(deleted.failures())
        .singleElement()
        .satisfies(
            failure -> {
              assertThat(failure.index()).isEqualTo(1);
              assertThat(failure.code()).isEqualTo(ErrorCode.USER_NOT_FOUND);
            });
    assertThat(userRow(first.toString()).getOffsetDateTime("deleted_at")).isNotNull();
  }

  @Test
  void aCreateChunkInsertsItsNewUsers() {
    String email = TestData.email("worker-typed-create");
    UUID id = UuidV7.next();
    ChunkResult created =
        sync(
            process(
                Operation.CREATE, List.of(new NewUser(id, email, "Typed", null, TestData.BCRYPT))));
    assertThat(created.failures()).isEmpty();
    assertThat(created.data())
        .singleElement()
        .satisfies(
            user -> {
              assertThat(user.id()).isEqualTo(id);
              assertThat(user.email()).isEqualTo(email);
              assertThat(user.version()).isEqualTo(1);
            });
    assertThat(userRow(id.toString()).getString("email")).isEqualTo(email);
  }

  @Test
  void aMessageThatIsNotAChunkOfTheOperationIsAnsweredAsInternalAtOnce() {
    DeliveryOptions quick = new DeliveryOptions().setSendTimeout(5_000);
    for (Object body :
        List.<Object>of(
            new JsonObject().put("ids", new JsonArray().add(UUID.randomUUID().toString())),
            new ChunkRequest<>(
                Operation.RESTORE,
                (ChunkKey) null,
                1,
                BatchOptions.defaults(),
                1_000,
                List.of(new PreparedItem<>(0, new UserId(UUID.randomUUID())))))) {
      Throwable failure =
          service
              .app
              .vertx()
              .eventBus()
              .request(Operation.LOOKUP.workerAddress(), body, quick)
              .toCompletionStage()
              .toCompletableFuture()
              .handle((ok, err) -> err)
              .join();
      assertThat(failure).as(String.valueOf(body)).isInstanceOf(ChunkFailure.class);
      assertThat(((ChunkFailure) failure).code()).isEqualTo(ErrorCode.INTERNAL);
      assertThat(failure.getMessage()).isEqualTo("Internal error: the chunk could not be read");
    }
  }

  @Test
  void aChunkCannotCarryItemsOfAnotherOperation() {
    assertThatThrownBy(
            () ->
                new ChunkRequest<>(
                    Operation.CREATE,
                    (ChunkKey) null,
                    1,
                    BatchOptions.defaults(),
                    1_000,
                    List.of(new PreparedItem<>(0, new UserId(UUID.randomUUID())))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("create chunks carry NewUser items, not UserId");
    ChunkRequest<UserId> lookup =
        new ChunkRequest<>(
            Operation.LOOKUP,
            (ChunkKey) null,
            1,
            BatchOptions.defaults(),
            1_000,
            List.of(new PreparedItem<>(0, new UserId(UUID.randomUUID()))));
    assertThat(lookup.carrying(UserId.class)).isSameAs(lookup);
    assertThatThrownBy(() -> lookup.carrying(NewUser.class))
        .isInstanceOf(IllegalStateException.class);
  }
}
