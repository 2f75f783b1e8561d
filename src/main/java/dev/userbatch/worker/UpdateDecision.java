package dev.userbatch.worker;

import dev.userbatch.batch.ChunkOutcome;
import dev.userbatch.batch.ErrorCode;
import dev.userbatch.batch.Operation;
import dev.userbatch.batch.PreparedItem;
import dev.userbatch.batch.UserUpdate;
import dev.userbatch.user.UserRepository.LockedUser;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What an update chunk does, decided in memory from the locked rows and nothing else: which items
 * fail (user not found, version conflict, email in use), which are applied, which of them really
 * move to another email, and whose current email must be parked first because another mover of the
 * chunk takes it (a swap or a rotation). Kept apart from the SQL so that it can be tested alone.
 *
 * @param accepted the items to apply, in chunk order
 * @param movers the accepted items that change the email
 * @param parked the users whose current email another mover wants: freed before the update
 */
record UpdateDecision(
    List<PreparedItem<UserUpdate>> accepted, List<PreparedItem<UserUpdate>> movers, UUID[] parked) {

  /** Decides every item of {@code items}; the failures go into {@code outcome}. */
  static UpdateDecision decide(
      List<PreparedItem<UserUpdate>> items,
      List<LockedUser> locked,
      ChunkOutcome<UserUpdate> outcome) {
    Map<UUID, LockedUser> byId = new HashMap<>();
    Map<String, UUID> holderOfEmail = new HashMap<>();
    for (LockedUser user : locked) {
      byId.put(user.id(), user);
      if (!user.deleted()) {
        holderOfEmail.put(user.email(), user.id());
      }
    }
    for (PreparedItem<UserUpdate> item : items) {
      UserUpdate change = item.value();
      LockedUser current = byId.get(change.id());
      if (current == null || current.deleted()) {
        outcome.fail(item, ErrorCode.USER_NOT_FOUND, "User not found");
      } else if (change.expectedVersion() != null
          && change.expectedVersion() != current.version()) {
        outcome.fail(
            item,
            ErrorCode.VERSION_CONFLICT,
            "Version conflict: expected version "
                + change.expectedVersion()
                + " but the current version is "
                + current.version());
      }
    }
    List<PreparedItem<UserUpdate>> movers = decideEmails(items, byId, holderOfEmail, outcome);
    List<PreparedItem<UserUpdate>> accepted =
        items.stream().filter(item -> !outcome.isDecided(item)).toList();
    return new UpdateDecision(
        accepted, List.copyOf(movers), swapParticipants(movers, holderOfEmail));
  }

  UUID[] ids() {
    return accepted.stream().map(item -> item.value().id()).toArray(UUID[]::new);
  }

  String[] names() {
    return accepted.stream().map(item -> item.value().name()).toArray(String[]::new);
  }

  /** The new email of each accepted item, null where the email stays as it is. */
  String[] emails() {
    return accepted.stream()
        .map(item -> movers.contains(item) ? item.value().email() : null)
        .toArray(String[]::new);
  }

  /**
   * Decides the email changes. A wanted email is free when nobody active holds it, or when its
   * holder is a user of this chunk that moves to another email itself (a swap or a rotation).
   * Failing one mover can take the email away from another, so this runs until nothing changes.
   * Returns the accepted changes that really change the email.
   */
  private static List<PreparedItem<UserUpdate>> decideEmails(
      List<PreparedItem<UserUpdate>> items,
      Map<UUID, LockedUser> byId,
      Map<String, UUID> holderOfEmail,
      ChunkOutcome<UserUpdate> outcome) {
    List<PreparedItem<UserUpdate>> movers = new ArrayList<>();
    for (PreparedItem<UserUpdate> item : items) {
      String email = item.value().email();
      if (email != null
          && !outcome.isDecided(item)
          && !email.equals(byId.get(item.value().id()).email())) {
        movers.add(item);
      }
    }
    boolean changed = true;
    while (changed) {
      changed = false;
      for (PreparedItem<UserUpdate> mover : List.copyOf(movers)) {
        UUID holder = holderOfEmail.get(mover.value().email());
        boolean free =
            holder == null || movers.stream().anyMatch(m -> m.value().id().equals(holder));
        if (!free) {
          outcome.fail(
              mover,
              ErrorCode.EMAIL_IN_USE,
              "Email already in use by another user",
              Operation.UPDATE.itemPath(mover.index(), "data.email"));
          movers.remove(mover);
          changed = true;
        }
      }
    }
    return movers;
  }

  /** Movers whose current email another mover wants: their old email must be freed first. */
  private static UUID[] swapParticipants(
      List<PreparedItem<UserUpdate>> movers, Map<String, UUID> holderOfEmail) {
    List<UUID> parked = new ArrayList<>();
    for (PreparedItem<UserUpdate> mover : movers) {
      UUID holder = holderOfEmail.get(mover.value().email());
      if (holder != null && !parked.contains(holder)) {
        parked.add(holder);
      }
    }
    return parked.toArray(UUID[]::new);
  }
}
