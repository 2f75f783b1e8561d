package dev.userbatch.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.batch.BatchOptions;
import dev.userbatch.batch.ChunkKey;
import dev.userbatch.batch.ChunkOutcome;
import dev.userbatch.batch.ChunkRequest;
import dev.userbatch.batch.ErrorCode;
import dev.userbatch.batch.ItemFailure;
import dev.userbatch.batch.Operation;
import dev.userbatch.batch.PreparedItem;
import dev.userbatch.batch.UserUpdate;
import dev.userbatch.user.UserRepository.LockedUser;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The update decision without a database: the locked rows as PostgreSQL would return them, the
 * chunk's items, and what is failed, applied, moved and parked. Swaps and rotations of emails
 * inside one chunk go through; an email held outside the chunk fails its mover, and that failure
 * can take the email away from the next mover, down the chain.
 */
class UpdateDecisionTest {
  private static final UUID A = UUID.fromString("00000000-0000-7000-8000-00000000000a");
  private static final UUID B = UUID.fromString("00000000-0000-7000-8000-00000000000b");
  private static final UUID C = UUID.fromString("00000000-0000-7000-8000-00000000000c");
  private static final UUID OUTSIDER = UUID.fromString("00000000-0000-7000-8000-0000000000ff");

  private static LockedUser user(UUID id, String email) {
    return new LockedUser(id, email, 1, false);
  }

  /** The decision and the failures it wrote, by index. */
  private record Decided(UpdateDecision decision, Map<Integer, ItemFailure> failures) {
    List<Integer> accepted() {
      return decision.accepted().stream().map(PreparedItem::index).toList();
    }

    List<String> emails() {
      return Arrays.asList(decision.emails());
    }

    ErrorCode codeOf(int index) {
      return failures.get(index).code();
    }
  }

  private static Decided decide(List<LockedUser> locked, UserUpdate... updates) {
    List<PreparedItem<UserUpdate>> items = new ArrayList<>();
    for (int i = 0; i < updates.length; i++) {
      items.add(new PreparedItem<>(i, updates[i]));
    }
    ChunkRequest<UserUpdate> chunk =
        new ChunkRequest<>(
            Operation.UPDATE, (ChunkKey) null, 1, BatchOptions.defaults(), 1_000, items);
    ChunkOutcome<UserUpdate> outcome = new ChunkOutcome<>(chunk);
    UpdateDecision decision = UpdateDecision.decide(chunk.items(), locked, outcome);
    // Undecided (accepted) items read as INTERNAL in an unfinished outcome: leave them out.
    List<Integer> accepted = decision.accepted().stream().map(PreparedItem::index).toList();
    Map<Integer, ItemFailure> failures = new TreeMap<>();
    outcome.build().failures().stream()
        .filter(f -> !accepted.contains(f.index()))
        .forEach(f -> failures.put(f.index(), f));
    return new Decided(decision, failures);
  }

  @Test
  void aNameChangeIsAppliedWithoutTouchingTheEmail() {
    Decided d = decide(List.of(user(A, "a@x.io")), new UserUpdate(A, "Ann", null, null));
    assertThat(d.accepted()).containsExactly(0);
    assertThat(d.failures()).isEmpty();
    assertThat(d.decision().names()).containsExactly("Ann");
    assertThat(d.emails()).containsExactly((String) null);
    assertThat(d.decision().movers()).isEmpty();
    assertThat(d.decision().parked()).isEmpty();
  }

  @Test
  void aMissingOrDeletedUserIsNotFound() {
    Decided d =
        decide(
            List.of(new LockedUser(B, "b@x.io", 1, true)),
            new UserUpdate(A, "Ann", null, null),
            new UserUpdate(B, "Bob", null, null));
    assertThat(d.accepted()).isEmpty();
    assertThat(d.codeOf(0)).isEqualTo(ErrorCode.USER_NOT_FOUND);
    assertThat(d.codeOf(1)).isEqualTo(ErrorCode.USER_NOT_FOUND);
  }

  @Test
  void aStaleExpectedVersionIsAConflictAndTheCurrentOneIsNot() {
    Decided d =
        decide(
            List.of(new LockedUser(A, "a@x.io", 3, false), new LockedUser(B, "b@x.io", 3, false)),
            new UserUpdate(A, "Ann", null, 2),
            new UserUpdate(B, "Bob", null, 3));
    assertThat(d.accepted()).containsExactly(1);
    assertThat(d.codeOf(0)).isEqualTo(ErrorCode.VERSION_CONFLICT);
    assertThat(d.failures().get(0).error())
        .isEqualTo("Version conflict: expected version 2 but the current version is 3");
  }

  @Test
  void anEmailHeldOutsideTheChunkIsInUse() {
    Decided d =
        decide(
            List.of(user(A, "a@x.io"), user(OUTSIDER, "taken@x.io")),
            new UserUpdate(A, null, "taken@x.io", null));
    assertThat(d.accepted()).isEmpty();
    assertThat(d.codeOf(0)).isEqualTo(ErrorCode.EMAIL_IN_USE);
    assertThat(d.failures().get(0).path()).isEqualTo("$.updates[0].data.email");
  }

  @Test
  void anEmailHeldByADeletedUserIsFree() {
    Decided d =
        decide(
            List.of(user(A, "a@x.io"), new LockedUser(OUTSIDER, "old@x.io", 1, true)),
            new UserUpdate(A, null, "old@x.io", null));
    assertThat(d.accepted()).containsExactly(0);
    assertThat(d.emails()).containsExactly("old@x.io");
    assertThat(d.decision().parked()).isEmpty();
  }

  @Test
  void keepingTheSameEmailIsNoMove() {
    Decided d = decide(List.of(user(A, "a@x.io")), new UserUpdate(A, "Ann", "a@x.io", null));
    assertThat(d.accepted()).containsExactly(0);
    assertThat(d.decision().movers()).isEmpty();
    assertThat(d.emails()).containsExactly((String) null);
  }

  @Test
  void twoUsersSwapEmailsAndBothOldEmailsAreParkedFirst() {
    Decided d =
        decide(
            List.of(user(A, "a@x.io"), user(B, "b@x.io")),
            new UserUpdate(A, null, "b@x.io", null),
            new UserUpdate(B, null, "a@x.io", null));
    assertThat(d.failures()).isEmpty();
    assertThat(d.accepted()).containsExactly(0, 1);
    assertThat(d.emails()).containsExactly("b@x.io", "a@x.io");
    assertThat(d.decision().parked()).containsExactlyInAnyOrder(A, B);
  }

  @Test
  void threeUsersRotateEmails() {
    Decided d =
        decide(
            List.of(user(A, "a@x.io"), user(B, "b@x.io"), user(C, "c@x.io")),
            new UserUpdate(A, null, "b@x.io", null),
            new UserUpdate(B, null, "c@x.io", null),
            new UserUpdate(C, null, "a@x.io", null));
    assertThat(d.failures()).isEmpty();
    assertThat(d.emails()).containsExactly("b@x.io", "c@x.io", "a@x.io");
    assertThat(d.decision().parked()).containsExactlyInAnyOrder(A, B, C);
  }

  @Test
  void takingTheEmailOfAUserWhoMovesToAFreeOneParksOnlyThatUser() {
    Decided d =
        decide(
            List.of(user(A, "a@x.io"), user(B, "b@x.io")),
            new UserUpdate(A, null, "b@x.io", null),
            new UserUpdate(B, null, "free@x.io", null));
    assertThat(d.accepted()).containsExactly(0, 1);
    assertThat(d.decision().parked()).containsExactly(B);
  }

  @Test
  void aFailedMoverKeepsItsEmailSoTheChainBehindItFailsToo() {
    // C wants an outsider's email and fails; so C keeps c@, so B cannot have it; so A cannot have
    // b@.
    Decided d =
        decide(
            List.of(
                user(A, "a@x.io"), user(B, "b@x.io"), user(C, "c@x.io"), user(OUTSIDER, "o@x.io")),
            new UserUpdate(A, null, "b@x.io", null),
            new UserUpdate(B, null, "c@x.io", null),
            new UserUpdate(C, null, "o@x.io", null));
    assertThat(d.accepted()).isEmpty();
    assertThat(d.failures().keySet()).containsExactly(0, 1, 2);
    assertThat(d.failures().values())
        .extracting(ItemFailure::code)
        .containsOnly(ErrorCode.EMAIL_IN_USE);
    assertThat(d.decision().parked()).isEmpty();
  }

  @Test
  void aUserWhoseOwnChangeFailsDoesNotGiveUpTheEmail() {
    Decided d =
        decide(
            List.of(new LockedUser(A, "a@x.io", 1, false), new LockedUser(B, "b@x.io", 5, false)),
            new UserUpdate(A, "Ann", "b@x.io", null),
            new UserUpdate(B, null, "new@x.io", 4));
    assertThat(d.codeOf(1)).isEqualTo(ErrorCode.VERSION_CONFLICT);
    assertThat(d.codeOf(0)).isEqualTo(ErrorCode.EMAIL_IN_USE);
    assertThat(d.accepted()).isEmpty();
  }

  @Test
  void theNameOfAMoverIsAppliedWithItsEmail() {
    Decided d =
        decide(
            List.of(user(A, "a@x.io"), user(B, "b@x.io")),
            new UserUpdate(A, "Ann", "new@x.io", 1),
            new UserUpdate(B, "Bob", null, null));
    assertThat(d.accepted()).containsExactly(0, 1);
    assertThat(d.decision().names()).containsExactly("Ann", "Bob");
    assertThat(d.emails()).containsExactly("new@x.io", null);
    assertThat(d.decision().ids()).containsExactly(A, B);
  }
}
