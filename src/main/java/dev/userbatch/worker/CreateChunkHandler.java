package dev.userbatch.worker;

import dev.userbatch.batch.BatchOptions;
import dev.userbatch.batch.ChunkOutcome;
import dev.userbatch.batch.ChunkRequest;
import dev.userbatch.batch.ChunkResult;
import dev.userbatch.batch.ErrorCode;
import dev.userbatch.batch.PreparedItem;
import dev.userbatch.cache.UserCache;
import dev.userbatch.config.StorageConfig;
import dev.userbatch.metrics.BatchMetrics;
import dev.userbatch.operation.CreateUsers;
import dev.userbatch.user.PasswordHashFormat;
import dev.userbatch.user.UserRepository;
import dev.userbatch.user.UserRepository.NewUser;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
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
 * transaction opens), inserts the chunk with one statement, and writes the new users through to
 * the cache.
 *
 * <p>An imported hash weaker than the floor (see {@link StorageConfig}) is stored with
 * {@code needs_rehash} set, in the chunk's transaction, or refused as that item's VALIDATION_ERROR
 * when WEAK_HASH_POLICY=refuse; either way it is counted.
 */
final class CreateChunkHandler implements ChunkHandler {
  /** Stored by nobody: a dry run rolls back, so plaintext passwords need no real hashing. */
  private static final String DRY_RUN_HASH = "$dry-run$";
  static final String FLAG_NEEDS_REHASH = "UPDATE users SET needs_rehash = true WHERE id = ANY($1::uuid[])";

  private final UserRepository repository;
  private final UserCache cache;
  private final PasswordHashing hashing;
  private final StorageConfig floor;
  private final BatchMetrics metrics;

  CreateChunkHandler(UserRepository repository, UserCache cache, PasswordHashing hashing, StorageConfig floor,
                     BatchMetrics metrics) {
    this.repository = repository;
    this.cache = cache;
    this.hashing = hashing;
    this.floor = floor;
    this.metrics = metrics;
  }

  /** The chunk's imported hashes below the floor: their item's message, by user id. */
  private Map<UUID, String> weakHashes(List<NewUser> users, ChunkRequest chunk) {
    Map<UUID, String> weak = new HashMap<>();
    for (int i = 0; i < users.size(); i++) {
      JsonObject u = (JsonObject) chunk.items().get(i).value();
      if (u.containsKey("passwordHash")) {
        NewUser user = users.get(i);
        PasswordHashFormat.weakness(user.passwordHash(), floor.weakHashMinBcryptCost(),
            floor.weakHashMinPbkdf2Iterations()).ifPresent(why -> weak.put(user.id(), why));
      }
    }
    return weak;
  }

  @Override
  public Future<ChunkResult> process(ChunkRequest chunk, Deadline deadline) {
    List<String> plaintexts = new ArrayList<>();
    for (PreparedItem item : chunk.items()) {
      JsonObject u = (JsonObject) item.value();
      if (u.containsKey("password")) {
        plaintexts.add(u.getString("password"));
      }
    }
    Future<List<String>> hashes = chunk.options().dryRun()
        ? Future.succeededFuture(Collections.nCopies(plaintexts.size(), DRY_RUN_HASH))
        : hashing.hashAll(plaintexts, deadline);
    return hashes.compose(hashed -> {
      List<NewUser> users = users(chunk, hashed);
      Map<UUID, String> weak = weakHashes(users, chunk);
      boolean refuse = floor.weakHashPolicy() == StorageConfig.WeakHashPolicy.REFUSE;
      return insert(chunk, deadline, users, weak, refuse).onSuccess(result -> {
        if (!weak.isEmpty() && !chunk.options().dryRun()) {
          metrics.weakPasswordHashes(refuse ? "refused" : "flagged", refuse ? weak.size() : countCreated(result, weak));
        }
      });
    });
  }

  private static int countCreated(ChunkResult result, Map<UUID, String> weak) {
    int created = 0;
    for (int i = 0; i < result.data().size(); i++) {
      if (weak.containsKey(UUID.fromString(result.data().getJsonObject(i).getString("id")))) {
        created++;
      }
    }
    return created;
  }

  /** The chunk's users, with {@code hashes} (in item order) for the plaintext passwords. */
  private static List<NewUser> users(ChunkRequest chunk, List<String> hashes) {
    List<NewUser> users = new ArrayList<>(chunk.items().size());
    int next = 0;
    for (PreparedItem item : chunk.items()) {
      JsonObject u = (JsonObject) item.value();
      String hash = u.containsKey("password") ? hashes.get(next++) : u.getString("passwordHash");
      users.add(new NewUser(UUID.fromString(u.getString("id")), u.getString("email"), u.getString("name"), hash));
    }
    return users;
  }

  /**
   * {@code users} is in item order; the ones in {@code weak} are refused when {@code refuse}, else
   * inserted and flagged.
   */
  private Future<ChunkResult> insert(ChunkRequest chunk, Deadline deadline, List<NewUser> users,
                                     Map<UUID, String> weak, boolean refuse) {
    List<NewUser> toInsert = refuse ? users.stream().filter(u -> !weak.containsKey(u.id())).toList() : users;
    // Inserted in email order: concurrent batches with overlapping emails then wait for each other
    // on the unique email index in one order, and cannot deadlock (each waits for one that is ahead).
    List<NewUser> inEmailOrder = toInsert.stream().sorted(Comparator.comparing(NewUser::email)).toList();
    UUID[] flagged = refuse ? new UUID[0] : weak.keySet().toArray(UUID[]::new);
    // The plain insert first; once it has met a conflict (23505, which rolls the transaction back
    // and runs it again) the insert that skips conflicting rows.
    AtomicBoolean conflictSeen = new AtomicBoolean();
    return WriteChunks.run(repository.pool(), cache, chunk, deadline, conn -> (inEmailOrder.isEmpty()
            ? Future.succeededFuture(List.<JsonObject>of())
            : repository.insertAll(conn, inEmailOrder, conflictSeen.get()))
        .onFailure(err -> conflictSeen.compareAndSet(false, SystemErrors.isUniqueViolation(err)))
        .compose(inserted -> settleConflicts(conn, toInsert, inserted))
        .compose(created -> flagNeedsRehash(conn, flagged).map(created))
        .map(created -> write(chunk, users, created, refuse ? weak : Map.of())));
  }

  private static Future<Void> flagNeedsRehash(SqlConnection conn, UUID[] ids) {
    return ids.length == 0 ? Future.succeededFuture()
        : conn.preparedQuery(FLAG_NEEDS_REHASH).execute(Tuple.of((Object) ids)).mapEmpty();
  }

  /**
   * Rows left out by ON CONFLICT are either this chunk arriving a second time (the id exists with
   * the same email: it was created, report it so) or an email that another user holds.
   */
  private Future<Map<UUID, JsonObject>> settleConflicts(SqlConnection conn, List<NewUser> users,
                                                        List<JsonObject> inserted) {
    Map<UUID, JsonObject> created = new HashMap<>();
    inserted.forEach(user -> created.put(UUID.fromString(user.getString("id")), user));
    if (created.size() == users.size()) {
      return Future.succeededFuture(created);
    }
    UUID[] conflicting = users.stream().map(NewUser::id).filter(id -> !created.containsKey(id)).toArray(UUID[]::new);
    return repository.findAnyByIds(conn, conflicting).map(existing -> {
      Map<UUID, String> emailById = new HashMap<>();
      users.forEach(u -> emailById.put(u.id(), u.email()));
      for (JsonObject user : existing) {
        UUID id = UUID.fromString(user.getString("id"));
        if (user.getString("email").equals(emailById.get(id)) && !user.containsKey("deletedAt")) {
          created.put(id, user);
        }
      }
      return created;
    });
  }

  private static ChunkWrite write(ChunkRequest chunk, List<NewUser> users, Map<UUID, JsonObject> created,
                                  Map<UUID, String> refused) {
    ChunkOutcome outcome = new ChunkOutcome(chunk);
    boolean skipConflicts = chunk.options().onConflict() == BatchOptions.OnConflict.SKIP;
    List<JsonObject> changed = new ArrayList<>();
    for (int i = 0; i < users.size(); i++) {
      PreparedItem item = chunk.items().get(i);
      JsonObject user = created.get(users.get(i).id());
      String path = "$.users[" + item.index() + "].email";
      String weakness = refused.get(users.get(i).id());
      if (weakness != null) {
        outcome.fail(item, ErrorCode.VALIDATION_ERROR, weakness + " (WEAK_HASH_POLICY=refuse)",
            "$.users[" + item.index() + "].passwordHash");
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
