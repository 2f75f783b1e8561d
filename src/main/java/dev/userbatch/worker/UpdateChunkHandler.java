package dev.userbatch.worker;

import dev.userbatch.batch.ChunkOutcome;
import dev.userbatch.batch.ChunkRequest;
import dev.userbatch.batch.ChunkResult;
import dev.userbatch.batch.ErrorCode;
import dev.userbatch.batch.PreparedItem;
import dev.userbatch.batch.UserUpdate;
import dev.userbatch.cache.UserCache;
import dev.userbatch.batch.Operation;
import dev.userbatch.user.User;
import dev.userbatch.user.UserRepository;
import dev.userbatch.user.UserRepository.LockedUser;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Updates one chunk in one transaction: lock the chunk's users and the holders of the wanted
 * emails (in id order), decide every item in memory, then apply all accepted changes with one
 * statement (two when users of the chunk swap emails).
 */
final class UpdateChunkHandler implements ChunkHandler<UserUpdate> {
  private final UserRepository repository;
  private final UserCache cache;

  UpdateChunkHandler(UserRepository repository, UserCache cache) {
    this.repository = repository;
    this.cache = cache;
  }

  /** One requested change, with its item; name or email may be null (unchanged). */
  private record Change(PreparedItem<UserUpdate> item) {
    UUID id() {
      return item.value().id();
    }

    String name() {
      return item.value().name();
    }

    String email() {
      return item.value().email();
    }

    Integer expectedVersion() {
      return item.value().expectedVersion();
    }
  }

  @Override
  public Class<UserUpdate> itemType() {
    return UserUpdate.class;
  }

  @Override
  public Future<ChunkResult> process(ChunkRequest<UserUpdate> chunk, Deadline deadline) {
    UUID[] ids = chunk.items().stream().map(item -> item.value().id()).toArray(UUID[]::new);
    String[] wanted = chunk.items().stream().map(item -> item.value().email()).filter(e -> e != null)
        .toArray(String[]::new);
    return WriteChunks.run(repository.pool(), cache, chunk, deadline, conn -> repository.lockForUpdate(conn, ids, wanted)
        .compose(locked -> apply(conn, chunk, locked)));
  }

  private Future<ChunkWrite> apply(SqlConnection conn, ChunkRequest<UserUpdate> chunk, List<LockedUser> locked) {
    List<Change> changes = chunk.items().stream().map(Change::new).toList();
    ChunkOutcome<UserUpdate> outcome = new ChunkOutcome<>(chunk);
    Map<UUID, LockedUser> byId = new HashMap<>();
    Map<String, UUID> holderOfEmail = new HashMap<>();
    for (LockedUser user : locked) {
      byId.put(user.id(), user);
      if (!user.deleted()) {
        holderOfEmail.put(user.email(), user.id());
      }
    }
    for (Change change : changes) {
      LockedUser current = byId.get(change.id());
      if (current == null || current.deleted()) {
        outcome.fail(change.item(), ErrorCode.USER_NOT_FOUND, "User not found");
      } else if (change.expectedVersion() != null && change.expectedVersion() != current.version()) {
        outcome.fail(change.item(), ErrorCode.VERSION_CONFLICT, "Version conflict: expected version "
            + change.expectedVersion() + " but the current version is " + current.version());
      }
    }
    List<Change> movers = decideEmails(changes, byId, holderOfEmail, outcome);
    List<Change> accepted = changes.stream().filter(c -> !outcome.isDecided(c.item())).toList();
    if (accepted.isEmpty()) {
      return Future.succeededFuture(ChunkWrite.of(outcome, List.of()));
    }
    UUID[] ids = accepted.stream().map(Change::id).toArray(UUID[]::new);
    String[] names = accepted.stream().map(Change::name).toArray(String[]::new);
    String[] emails = accepted.stream().map(c -> movers.contains(c) ? c.email() : null).toArray(String[]::new);
    UUID[] parked = swapParticipants(movers, holderOfEmail);
    Future<Void> park = parked.length == 0 ? Future.succeededFuture() : repository.parkEmails(conn, parked);
    return park.compose(v -> repository.applyUpdates(conn, ids, names, emails)).map(updated -> {
      Map<UUID, Change> byChangeId = new HashMap<>();
      accepted.forEach(c -> byChangeId.put(c.id(), c));
      for (User user : updated) {
        outcome.succeed(byChangeId.get(user.id()).item(), user);
      }
      return ChunkWrite.of(outcome, updated);
    });
  }

  /**
   * Decides the email changes. A wanted email is free when nobody active holds it, or when its
   * holder is a user of this chunk that moves to another email itself (a swap or a rotation).
   * Failing one mover can take the email away from another, so this runs until nothing changes.
   * Returns the accepted changes that really change the email.
   */
  private static List<Change> decideEmails(List<Change> changes, Map<UUID, LockedUser> byId,
                                           Map<String, UUID> holderOfEmail, ChunkOutcome<UserUpdate> outcome) {
    List<Change> movers = new ArrayList<>();
    for (Change change : changes) {
      if (change.email() != null && !outcome.isDecided(change.item())
          && !change.email().equals(byId.get(change.id()).email())) {
        movers.add(change);
      }
    }
    boolean changed = true;
    while (changed) {
      changed = false;
      for (Change mover : List.copyOf(movers)) {
        UUID holder = holderOfEmail.get(mover.email());
        boolean free = holder == null || movers.stream().anyMatch(m -> m.id().equals(holder));
        if (!free) {
          outcome.fail(mover.item(), ErrorCode.EMAIL_IN_USE, "Email already in use by another user",
              Operation.UPDATE.itemPath(mover.item().index(), "data.email"));
          movers.remove(mover);
          changed = true;
        }
      }
    }
    return movers;
  }

  /** Movers whose current email another mover wants: their old email must be freed first. */
  private static UUID[] swapParticipants(List<Change> movers, Map<String, UUID> holderOfEmail) {
    List<UUID> parked = new ArrayList<>();
    for (Change mover : movers) {
      UUID holder = holderOfEmail.get(mover.email());
      if (holder != null && !parked.contains(holder)) {
        parked.add(holder);
      }
    }
    return parked.toArray(UUID[]::new);
  }
}
