package dev.userbatch.worker;

import dev.userbatch.batch.BatchOptions;
import dev.userbatch.batch.ChunkOutcome;
import dev.userbatch.batch.ChunkRequest;
import dev.userbatch.batch.ChunkResult;
import dev.userbatch.batch.ErrorCode;
import dev.userbatch.batch.NewUser;
import dev.userbatch.batch.PreparedItem;
import dev.userbatch.cache.UserCache;
import dev.userbatch.config.StorageConfig;
import dev.userbatch.metrics.BatchMetrics;
import dev.userbatch.operation.CreateUsers;
import dev.userbatch.user.PasswordHashFormat;
import dev.userbatch.user.User;
import dev.userbatch.user.UserRepository;
import dev.userbatch.user.UserRepository.HashedUser;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Creates one chunk of users: hashes plaintext passwords (on the shared hashing pool, before the
 * transaction opens), inserts the chunk with one statement, and writes the new users through to the
 * cache.
 *
 * <p>An imported hash weaker than the floor (see {@link StorageConfig}) is stored with {@code
 * needs_rehash} set, in the chunk's transaction, or refused as that item's VALIDATION_ERROR when
 * WEAK_HASH_POLICY=refuse; either way it is counted.
 */
final class CreateChunkHandler implements ChunkHandler<NewUser> {
  /** Stored by nobody: a dry run rolls back, so plaintext passwords need no real hashing. */
  private static final String DRY_RUN_HASH = "$dry-run$";

  static final String FLAG_NEEDS_REHASH =
      "UPDATE users SET needs_rehash = true WHERE id = ANY($1::uuid[])";

  private final UserRepository repository;
  private final UserCache cache;
  private final PasswordHashing hashing;
  private final StorageConfig floor;
  private final BatchMetrics metrics;

  CreateChunkHandler(
      UserRepository repository,
      UserCache cache,
      PasswordHashing hashing,
      StorageConfig floor,
      BatchMetrics metrics) {
    this.repository = repository;
    this.cache = cache;
    this.hashing = hashing;
    this.floor = floor;
    this.metrics = metrics;
  }

  @Override
  public Class<NewUser> itemType() {
    return NewUser.class;
  }

  @Override
  public Future<ChunkResult> process(ChunkRequest<NewUser> chunk, Deadline deadline) {
    List<String> plaintexts = new ArrayList<>();
    for (PreparedItem<NewUser> item : chunk.items()) {
      if (item.value().password() != null) {
        plaintexts.add(item.value().password());
      }
    }
    Future<List<String>> hashes =
        chunk.options().dryRun()
            ? Future.succeededFuture(Collections.nCopies(plaintexts.size(), DRY_RUN_HASH))
            : hashing.hashAll(plaintexts, deadline);
    return hashes.compose(
        hashed -> {
          List<HashedUser> users = users(chunk, hashed);
          Map<UUID, String> weak = weakHashes(chunk);
          boolean refuse = floor.weakHashPolicy() == StorageConfig.WeakHashPolicy.REFUSE;
          return insert(chunk, deadline, users, weak, refuse)
              .onSuccess(
                  result -> {
                    if (!weak.isEmpty() && !chunk.options().dryRun()) {
                      metrics.weakPasswordHashes(
                          refuse ? "refused" : "flagged",
                          refuse ? weak.size() : countCreated(result, weak));
                    }
                  });
        });
  }

  /** The chunk's imported hashes below the floor: their item's message, by user id. */
  private Map<UUID, String> weakHashes(ChunkRequest<NewUser> chunk) {
    Map<UUID, String> weak = new HashMap<>();
    for (PreparedItem<NewUser> item : chunk.items()) {
      NewUser u = item.value();
      if (u.passwordHash() != null) {
        PasswordHashFormat.weakness(
                u.passwordHash(),
                floor.weakHashMinBcryptCost(),
                floor.weakHashMinPbkdf2Iterations())
            .ifPresent(why -> weak.put(u.id(), why));
      }
    }
    return weak;
  }

  private static int countCreated(ChunkResult result, Map<UUID, String> weak) {
    int created = 0;
    for (User user : result.data()) {
      if (weak.containsKey(user.id())) {
        created++;
      }
    }
    return created;
  }

  /** The chunk's users, with {@code hashes} (in item order) for the plaintext passwords. */
  private static List<HashedUser> users(ChunkRequest<NewUser> chunk, List<String> hashes) {
    List<HashedUser> users = new ArrayList<>(chunk.items().size());
    int next = 0;
    for (PreparedItem<NewUser> item : chunk.items()) {
      NewUser u = item.value();
      String hash = u.password() != null ? hashes.get(next++) : u.passwordHash();
      users.add(new HashedUser(u.id(), u.email(), u.name(), hash));
    }
    return users;
  }

  /**
   * {@code users} is in the order of the chunk's items; the ones in {@code weak} are refused when
   * {@code refuse}, else inserted and flagged.
   */
  private Future<ChunkResult> insert(
      ChunkRequest<NewUser> chunk,
      Deadline deadline,
      List<HashedUser> users,
      Map<UUID, String> weak,
      boolean refuse) {
    List<HashedUser> toInsert =
        refuse ? users.stream().filter(u -> !weak.containsKey(u.id())).toList() : users;
    // Inserted in email order: concurrent batches with overlapping emails then wait for each other
    // on the unique email index in one order, and cannot deadlock (each waits for one that is
    // ahead).
    List<HashedUser> inEmailOrder =
        toInsert.stream().sorted(Comparator.comparing(HashedUser::email)).toList();
    UUID[] flagged = refuse ? new UUID[0] : weak.keySet().toArray(UUID[]::new);
    // The plain insert first; once it has met a conflict (23505, which rolls the transaction back
    // and runs it again) the insert that skips conflicting rows.
    AtomicBoolean conflictSeen = new AtomicBoolean();
    return WriteChunks.run(
        repository.pool(),
        cache,
        chunk,
        deadline,
        conn ->
            (inEmailOrder.isEmpty()
                    ? Future.succeededFuture(List.<User>of())
                    : repository.insertAll(conn, inEmailOrder, conflictSeen.get()))
                .onFailure(
                    err -> conflictSeen.compareAndSet(false, SystemErrors.isUniqueViolation(err)))
                .compose(inserted -> settleConflicts(conn, toInsert, inserted))
                .compose(created -> flagNeedsRehash(conn, flagged).map(created))
                .map(created -> write(chunk, users, created, refuse ? weak : Map.of())));
  }

  private static Future<Void> flagNeedsRehash(SqlConnection conn, UUID[] ids) {
    return ids.length == 0
        ? Future.succeededFuture()
        : conn.preparedQuery(FLAG_NEEDS_REHASH).execute(Tuple.of((Object) ids)).mapEmpty();
  }

  /**
   * Rows left out by ON CONFLICT are either this chunk arriving a second time (the id exists with
   * the same email: it was created, report it so) or an email that another user holds.
   */
  private Future<Map<UUID, User>> settleConflicts(
      SqlConnection conn, List<HashedUser> users, List<User> inserted) {
    Map<UUID, User> created = new HashMap<>();
    inserted.forEach(user -> created.put(user.id(), user));
    if (created.size() == users.size()) {
      return Future.succeededFuture(created);
    }
    UUID[] conflicting =
        users.stream()
            .map(HashedUser::id)
            .filter(id -> !created.containsKey(id))
            .toArray(UUID[]::new);
    return repository
        .findAnyByIds(conn, conflicting)
        .map(
            existing -> {
              Map<UUID, String> emailById = new HashMap<>();
              users.forEach(u -> emailById.put(u.id(), u.email()));
              for (User user : existing) {
                if (user.email().equals(emailById.get(user.id())) && user.deletedAt() == null) {
                  created.put(user.id(), user);
                }
              }
              return created;
            });
  }

  private static ChunkWrite write(
      ChunkRequest<NewUser> chunk,
      List<HashedUser> users,
      Map<UUID, User> created,
      Map<UUID, String> refused) {
    ChunkOutcome<NewUser> outcome = new ChunkOutcome<>(chunk);
    boolean skipConflicts = chunk.options().onConflict() == BatchOptions.OnConflict.SKIP;
    List<User> changed = new ArrayList<>();
    for (int i = 0; i < users.size(); i++) {
      PreparedItem<NewUser> item = chunk.items().get(i);
      User user = created.get(users.get(i).id());
      String path = chunk.operation().itemPath(item.index(), "email");
      String weakness = refused.get(users.get(i).id());
      if (weakness != null) {
        outcome.fail(
            item,
            ErrorCode.VALIDATION_ERROR,
            weakness + " (WEAK_HASH_POLICY=refuse)",
            chunk.operation().itemPath(item.index(), "passwordHash"));
      } else if (user != null) {
        outcome.succeed(item, user);
        changed.add(user);
      } else if (skipConflicts) {
        outcome.skip(item, ErrorCode.DUPLICATE_EMAIL, CreateUsers.EMAIL_EXISTS, path);
      } else {
        outcome.fail(item, ErrorCode.DUPLICATE_EMAIL, CreateUsers.EMAIL_EXISTS, path);
      }
    }
    return ChunkWrite.of(outcome, changed);
  }
}
