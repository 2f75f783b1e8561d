package dev.userbatch.worker;

import dev.userbatch.batch.ChunkRequest;
import dev.userbatch.batch.ChunkResult;
import dev.userbatch.batch.ErrorCode;
import dev.userbatch.batch.ItemFailure;
import dev.userbatch.batch.PreparedItem;
import dev.userbatch.cache.UserCache;
import dev.userbatch.operation.CreateUsers;
import dev.userbatch.user.PasswordHasher;
import dev.userbatch.user.UserRepository;
import dev.userbatch.user.UserRepository.NewUser;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Creates one chunk of users: hashes plaintext passwords (on this worker thread), inserts the
 * chunk with one statement in one transaction, and writes the new users through to the cache.
 */
final class CreateChunkHandler implements ChunkHandler {
  private final UserRepository repository;
  private final UserCache cache;
  private final PasswordHasher hasher;

  CreateChunkHandler(UserRepository repository, UserCache cache, PasswordHasher hasher) {
    this.repository = repository;
    this.cache = cache;
    this.hasher = hasher;
  }

  @Override
  public Future<ChunkResult> process(ChunkRequest chunk) {
    List<NewUser> users = new ArrayList<>(chunk.items().size());
    for (PreparedItem item : chunk.items()) {
      JsonObject u = (JsonObject) item.value();
      String hash = u.containsKey("password") ? hasher.hash(u.getString("password")) : u.getString("passwordHash");
      users.add(new NewUser(UUID.fromString(u.getString("id")), u.getString("email"), u.getString("name"), hash));
    }
    return repository.insertAll(users)
        .compose(inserted -> settleConflicts(users, inserted))
        .compose(created -> cache.putAll(List.copyOf(created.values())).map(ignored -> result(chunk, users, created)));
  }

  /**
   * Rows left out by ON CONFLICT are either this chunk arriving a second time (the id exists with
   * the same email: it was created, report it so) or an email that another user holds.
   */
  private Future<Map<UUID, JsonObject>> settleConflicts(List<NewUser> users, List<JsonObject> inserted) {
    Map<UUID, JsonObject> created = new HashMap<>();
    inserted.forEach(user -> created.put(UUID.fromString(user.getString("id")), user));
    if (created.size() == users.size()) {
      return Future.succeededFuture(created);
    }
    UUID[] conflicting = users.stream().map(NewUser::id).filter(id -> !created.containsKey(id)).toArray(UUID[]::new);
    return repository.findAnyByIds(repository.pool(), conflicting).map(existing -> {
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

  private static ChunkResult result(ChunkRequest chunk, List<NewUser> users, Map<UUID, JsonObject> created) {
    JsonArray data = new JsonArray();
    List<ItemFailure> failures = new ArrayList<>();
    for (int i = 0; i < users.size(); i++) {
      JsonObject user = created.get(users.get(i).id());
      if (user != null) {
        data.add(user);
      } else {
        failures.add(new ItemFailure(chunk.items().get(i).index(), null, CreateUsers.EMAIL_EXISTS,
            ErrorCode.DUPLICATE_EMAIL, "$.users[" + chunk.items().get(i).index() + "].email"));
      }
    }
    return new ChunkResult(data, failures, new JsonArray());
  }
}
