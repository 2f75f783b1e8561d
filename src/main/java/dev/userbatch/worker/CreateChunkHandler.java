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

  /** One prepared user as the worker reads it: exactly one of password and passwordHash is set. */
  private record Candidate(UUID id, String email, String name, String password, String passwordHash) {
    static Candidate of(PreparedItem item) {
      JsonObject u = (JsonObject) item.value();
      String password = ReadItems.string(u, "password", true);
      String passwordHash = ReadItems.string(u, "passwordHash", true);
      if ((password == null) == (passwordHash == null)) {
        throw new ReadItems.Unreadable("password", "Exactly one of password or passwordHash is required");
      }
      return new Candidate(ReadItems.userId(u.getValue("id"), "id"), ReadItems.string(u, "email", false),
          ReadItems.string(u, "name", false), password, passwordHash);
    }
  }

  @Override
  public Future<ChunkResult> process(ChunkRequest chunk, Deadline deadline) {
    ReadItems<Candidate> items = ReadItems.of(chunk, Candidate::of);
    if (items.noneReadable()) {
      return Future.succeededFuture(items.outcome().build());
    }
    List<String> plaintexts = new ArrayList<>();
    for (ReadItems.Read<Candidate> read : items.readable()) {
      if (read.value().password() != null) {
        plaintexts.add(read.value().password());
      }
    }
    Future<List<String>> hashes = chunk.options().dryRun()
        ? Future.succeededFuture(Collections.nCopies(plaintexts.size(), DRY_RUN_HASH))
        : hashing.hashAll(plaintexts, deadline);
    return hashes.compose(hashed -> {
      List<NewUser> users = users(items, hashed);
      Map<UUID, String> weak = weakHashes(items);
      boolean refuse = floor.weakHashPolicy() == StorageConfig.WeakHashPolicy.REFUSE;
      return insert(items, deadline, users, weak, refuse).onSuccess(result -> {
        if (!weak.isEmpty() && !chunk.options().dryRun()) {
          metrics.weakPasswordHashes(refuse ? "refused" : "flagged", refuse ? weak.size() : countCreated(result, weak));
        }
      });
    });
  }

  /** The chunk's imported hashes below the floor: their item's message, by user id. */
  private Map<UUID, String> weakHashes(ReadItems<Candidate> items) {
    Map<UUID, String> weak = new HashMap<>();
    for (ReadItems.Read<Candidate> read : items.readable()) {
      Candidate u = read.value();
      if (u.passwordHash() != null) {
        PasswordHashFormat.weakness(u.passwordHash(), floor.weakHashMinBcryptCost(),
            floor.weakHashMinPbkdf2Iterations()).ifPresent(why -> weak.put(u.id(), why));
      }
    }
    return weak;
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

  /** The chunk's readable users, with {@code hashes} (in item order) for the plaintext passwords. */
  private static List<NewUser> users(ReadItems<Candidate> items, List<String> hashes) {
    List<NewUser> users = new ArrayList<>(items.readable().size());
    int next = 0;
    for (ReadItems.Read<Candidate> read : items.readable()) {
      Candidate u = read.value();
      String hash = u.password() != null ? hashes.get(next++) : u.passwordHash();
      users.add(new NewUser(u.id(), u.email(), u.name(), hash));
    }
    return users;
  }

  /**
   * {@code users} is in the order of the readable items; the ones in {@code weak} are refused when
   * {@code refuse}, else inserted and flagged.
   */
  private Future<ChunkResult> insert(ReadItems<Candidate> items, Deadline deadline, List<NewUser> users,
                                     Map<UUID, String> weak, boolean refuse) {
    ChunkRequest chunk = items.chunk();
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
        .map(created -> write(items, users, created, refuse ? weak : Map.of())));
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

  private static ChunkWrite write(ReadItems<Candidate> items, List<NewUser> users, Map<UUID, JsonObject> created,
                                  Map<UUID, String> refused) {
    ChunkOutcome outcome = items.outcome();
    boolean skipConflicts = items.chunk().options().onConflict() == BatchOptions.OnConflict.SKIP;
    List<JsonObject> changed = new ArrayList<>();
    for (int i = 0; i < users.size(); i++) {
      PreparedItem item = items.readable().get(i).item();
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
