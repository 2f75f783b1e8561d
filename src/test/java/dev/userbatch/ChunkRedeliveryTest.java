package dev.userbatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.batch.BatchOptions;
import dev.userbatch.batch.ChunkItem;
import dev.userbatch.batch.ChunkKey;
import dev.userbatch.batch.ChunkRequest;
import dev.userbatch.batch.ChunkResult;
import dev.userbatch.batch.ErrorCode;
import dev.userbatch.batch.ItemFailure;
import dev.userbatch.batch.NewUser;
import dev.userbatch.batch.Operation;
import dev.userbatch.batch.PreparedItem;
import dev.userbatch.batch.UserUpdate;
import dev.userbatch.support.ApiTest;
import dev.userbatch.support.TestData;
import dev.userbatch.user.User;
import dev.userbatch.user.UuidV7;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * At-least-once chunks, exactly-once effects (issue 15, item 3), at the worker: a chunk key that
 * already committed is answered with its recorded result and applies nothing again, whether the
 * sender says it is a redelivery or not, and whether the earlier delivery has finished or is
 * running at the same time.
 */
class ChunkRedeliveryTest extends ApiTest {

  private static <T extends ChunkItem> ChunkRequest<T> chunk(
      Operation operation, ChunkKey key, int delivery, List<T> values) {
    List<PreparedItem<T>> items = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      items.add(new PreparedItem<>(10 + i, values.get(i)));
    }
    return new ChunkRequest<>(operation, key, delivery, BatchOptions.defaults(), 20_000, items);
  }

  private static Future<ChunkResult> deliver(ChunkRequest<?> chunk) {
    return service
        .app
        .vertx()
        .eventBus()
        .<ChunkResult>request(chunk.operation().workerAddress(), chunk)
        .map(reply -> reply.body());
  }

  private static List<UUID> ids(ChunkResult result) {
    return result.data().stream().map(User::id).toList();
  }

  private Row changeRecord(ChunkKey key) {
    var rows =
        sync(
            sql(
                "SELECT user_ids, result FROM batch_changes WHERE batch_id = $1 AND chunk_number = $2",
                key.scope(),
                key.index()));
    assertThat(rows.size()).as("one completion record for " + key).isEqualTo(1);
    return rows.iterator().next();
  }

  private long usersWithEmail(String email) {
    return sync(sql("SELECT count(*) AS n FROM users WHERE email = $1", email))
        .iterator()
        .next()
        .getLong("n");
  }

  @Test
  void aCreateChunkDeliveredAgainAnswersItsRecordedResultAndCreatesNothing() {
    String taken = TestData.email("redelivery-taken");
    createUsers(new io.vertx.core.json.JsonArray().add(TestData.userWithHash(taken, "Holder")));
    String fresh = TestData.email("redelivery-fresh");
    String plain = TestData.email("redelivery-plain");
    List<NewUser> users =
        List.of(
            new NewUser(UuidV7.next(), fresh, "Fresh", null, TestData.BCRYPT),
            new NewUser(UuidV7.next(), taken, "Clash", null, TestData.BCRYPT),
            new NewUser(UuidV7.next(), plain, "Plain", "correct horse battery", null));
    ChunkKey key = new ChunkKey(UUID.randomUUID(), 3);

    ChunkResult first = sync(deliver(chunk(Operation.CREATE, key, 1, users)));
    assertThat(first.replayed()).isFalse();
    assertThat(ids(first)).containsExactly(users.get(0).id(), users.get(2).id());
    assertThat(first.failures())
        .extracting(ItemFailure::index, ItemFailure::code)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(11, ErrorCode.DUPLICATE_EMAIL));

    // A coordinator's resend (delivery 2) and a sender that does not know it sent before (1).
    for (int delivery : new int[] {2, 1}) {
      ChunkResult again = sync(deliver(chunk(Operation.CREATE, key, delivery, users)));
      assertThat(again.replayed()).as("delivery " + delivery).isTrue();
      assertThat(again.data()).as("delivery " + delivery).isEqualTo(first.data());
      assertThat(again.failures()).as("delivery " + delivery).isEqualTo(first.failures());
      assertThat(again.skipped()).isEmpty();
    }
    assertThat(usersWithEmail(fresh)).isEqualTo(1);
    assertThat(usersWithEmail(plain)).isEqualTo(1);
    assertThat(usersWithEmail(taken)).isEqualTo(1);
    Row record = changeRecord(key);
    assertThat(record.getArrayOfUUIDs("user_ids"))
        .containsExactlyInAnyOrder(users.get(0).id(), users.get(2).id());
    assertThat(record.getJsonObject("result").encode())
        .as("the record names users by id only")
        .doesNotContain(fresh, plain, "Fresh");
  }

  @Test
  void twoDeliveriesAtOnceApplyTheChunkOnceAndAnswerAlike() {
    List<NewUser> users = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      users.add(
          new NewUser(
              UuidV7.next(),
              TestData.email("redelivery-race-" + i),
              "Race " + i,
              "correct horse battery " + i,
              null));
    }
    ChunkKey key = new ChunkKey(UUID.randomUUID(), 0);
    List<ChunkResult> answers =
        sync(
            Future.all(
                    deliver(chunk(Operation.CREATE, key, 1, users)),
                    deliver(chunk(Operation.CREATE, key, 2, users)))
                .map(all -> List.<ChunkResult>of(all.resultAt(0), all.resultAt(1))));
    for (ChunkResult answer : answers) {
      assertThat(answer.failures()).as("no item of its own reported as taken").isEmpty();
      assertThat(ids(answer)).containsExactlyElementsOf(users.stream().map(NewUser::id).toList());
    }
    assertThat(answers.stream().filter(ChunkResult::replayed).count())
        .as("exactly one delivery applied the chunk")
        .isEqualTo(1);
    for (NewUser user : users) {
      assertThat(usersWithEmail(user.email())).isEqualTo(1);
    }
    changeRecord(key);
  }

  @Test
  void anUpdateChunkDeliveredAgainDoesNotUpdateTwice() {
    var created = createdUsers("redelivery-update", 2);
    UUID first = UUID.fromString(id(created, 0));
    UUID second = UUID.fromString(id(created, 1));
    List<UserUpdate> updates =
        List.of(
            new UserUpdate(first, "Renamed", null, 1),
            new UserUpdate(second, null, TestData.email("redelivery-new"), 1));
    ChunkKey key = new ChunkKey(UUID.randomUUID(), 9);
    ChunkResult applied = sync(deliver(chunk(Operation.UPDATE, key, 1, updates)));
    assertThat(applied.failures()).isEmpty();
    assertThat(applied.data()).extracting(User::version).containsExactly(2, 2);

    ChunkResult again = sync(deliver(chunk(Operation.UPDATE, key, 2, updates)));
    assertThat(again.replayed()).isTrue();
    assertThat(again.failures()).as("no VERSION_CONFLICT with its own first delivery").isEmpty();
    assertThat(again.data()).isEqualTo(applied.data());
    assertThat(userRow(first.toString()).getInteger("version")).isEqualTo(2);
    assertThat(userRow(second.toString()).getInteger("version")).isEqualTo(2);
  }

  @Test
  void aDryRunLeavesNoRecordAndRunsAgain() {
    List<NewUser> users =
        List.of(
            new NewUser(
                UuidV7.next(), TestData.email("redelivery-dry"), "Dry", null, TestData.BCRYPT));
    ChunkKey key = new ChunkKey(UUID.randomUUID(), 0);
    BatchOptions dry = new BatchOptions(100, 5, true, false, true, BatchOptions.OnConflict.FAIL);
    for (int delivery = 1; delivery <= 2; delivery++) {
      ChunkRequest<NewUser> chunk =
          new ChunkRequest<>(
              Operation.CREATE,
              key,
              delivery,
              dry,
              20_000,
              List.of(new PreparedItem<>(0, users.get(0))));
      ChunkResult result = sync(deliver(chunk));
      assertThat(result.replayed()).isFalse();
      assertThat(result.data()).hasSize(1);
    }
    assertThat(sync(sql("SELECT 1 FROM batch_changes WHERE batch_id = $1", key.scope())).size())
        .isZero();
  }
}
