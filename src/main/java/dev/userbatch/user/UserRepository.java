package dev.userbatch.user;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** PostgreSQL access for users: one set-based statement per chunk. */
public final class UserRepository {
  private final Pool pool;

  public UserRepository(Pool pool) {
    this.pool = pool;
  }

  public Pool pool() {
    return pool;
  }

  /**
   * A user to insert, its password hashed; the id was decided before the chunk was sent, so that a
   * retried chunk is recognised.
   */
  public record HashedUser(UUID id, String email, String name, String passwordHash) {}

  /**
   * Inserts the chunk in one statement. The plain insert ({@code skipConflicts} false) fails as a
   * whole with 23505 on a taken email or an existing id; the other returns the rows actually
   * inserted and leaves the conflicting ones out, at about 4 times the cost.
   */
  public Future<List<User>> insertAll(
      SqlConnection conn, List<HashedUser> users, boolean skipConflicts) {
    return conn.preparedQuery(
            skipConflicts ? UserSql.INSERT_USERS_SKIPPING_CONFLICTS : UserSql.INSERT_USERS)
        .execute(insertArrays(users))
        .map(UserRepository::users);
  }

  private static Tuple insertArrays(List<HashedUser> users) {
    int n = users.size();
    UUID[] ids = new UUID[n];
    String[] emails = new String[n];
    String[] names = new String[n];
    String[] hashes = new String[n];
    for (int i = 0; i < n; i++) {
      HashedUser u = users.get(i);
      ids[i] = u.id();
      emails[i] = u.email();
      names[i] = u.name();
      hashes[i] = u.passwordHash();
    }
    return Tuple.of(ids, emails, names, hashes);
  }

  /** Users with these ids, deleted ones included. */
  public Future<List<User>> findAnyByIds(SqlClient client, UUID[] ids) {
    return client
        .preparedQuery(UserSql.FIND_ANY_BY_IDS)
        .execute(Tuple.of((Object) ids))
        .map(UserRepository::users);
  }

  /** Users with these ids that are not deleted. */
  public Future<List<User>> findActiveByIds(UUID[] ids) {
    return pool.preparedQuery(UserSql.FIND_ACTIVE_BY_IDS)
        .execute(Tuple.of((Object) ids))
        .map(UserRepository::users);
  }

  /** The state of a user (or of an email holder) as locked for an update. */
  public record LockedUser(UUID id, String email, int version, boolean deleted) {}

  public Future<List<LockedUser>> lockForUpdate(
      SqlConnection conn, UUID[] ids, String[] wantedEmails) {
    // Not Tuple.of(ids, wantedEmails): with two array arguments Java picks Tuple.of(Object,
    // Object...)
    // and spreads the emails into separate parameters.
    Tuple params = Tuple.tuple().addArrayOfUUID(ids).addArrayOfString(wantedEmails);
    return conn.preparedQuery(UserSql.LOCK_FOR_UPDATE)
        .execute(params)
        .map(
            rows -> {
              List<LockedUser> locked = new ArrayList<>(rows.size());
              for (Row row : rows) {
                locked.add(
                    new LockedUser(
                        row.getUUID("id"),
                        row.getString("email"),
                        row.getInteger("version"),
                        row.getOffsetDateTime("deleted_at") != null));
              }
              return locked;
            });
  }

  public Future<Void> parkEmails(SqlConnection conn, UUID[] ids) {
    return conn.preparedQuery(UserSql.PARK_EMAILS).execute(Tuple.of((Object) ids)).mapEmpty();
  }

  /** Applies name/email changes (null = unchanged), bumping version and updated_at. */
  public Future<List<User>> applyUpdates(
      SqlConnection conn, UUID[] ids, String[] names, String[] emails) {
    return conn.preparedQuery(UserSql.APPLY_UPDATES)
        .execute(Tuple.of(ids, names, emails))
        .map(UserRepository::users);
  }

  public Future<List<User>> recordLastLogin(SqlConnection conn, UUID[] ids) {
    return conn.preparedQuery(UserSql.RECORD_LAST_LOGIN)
        .execute(Tuple.of((Object) ids))
        .map(UserRepository::users);
  }

  /** What a soft delete did: the users it deleted, and the ids that were deleted already. */
  public record SoftDeleted(List<User> deleted, Set<UUID> alreadyDeleted) {}

  public Future<SoftDeleted> softDelete(SqlConnection conn, UUID[] ids) {
    return conn.preparedQuery(UserSql.SOFT_DELETE)
        .execute(Tuple.of((Object) ids))
        .map(
            rows -> {
              List<User> deleted = new ArrayList<>();
              Set<UUID> already = new HashSet<>();
              for (Row row : rows) {
                if (row.getBoolean("already_deleted")) {
                  already.add(row.getUUID("id"));
                } else {
                  deleted.add(User.fromRow(row));
                }
              }
              return new SoftDeleted(deleted, already);
            });
  }

  /** A user considered for restore, as locked in the restore transaction. */
  public record RestoreCandidate(
      UUID id, String email, boolean deleted, boolean expired, boolean emailTaken) {}

  public Future<List<RestoreCandidate>> lockForRestore(
      SqlConnection conn, UUID[] ids, int windowDays) {
    return conn.preparedQuery(UserSql.CHECK_RESTORE)
        .execute(Tuple.of(ids, windowDays))
        .map(
            rows -> {
              List<RestoreCandidate> candidates = new ArrayList<>(rows.size());
              for (Row row : rows) {
                candidates.add(
                    new RestoreCandidate(
                        row.getUUID("id"),
                        row.getString("email"),
                        row.getOffsetDateTime("deleted_at") != null,
                        Boolean.TRUE.equals(row.getBoolean("expired")),
                        row.getBoolean("email_taken")));
              }
              return candidates;
            });
  }

  public Future<List<User>> restore(SqlConnection conn, UUID[] ids) {
    return conn.preparedQuery(UserSql.RESTORE)
        .execute(Tuple.of((Object) ids))
        .map(UserRepository::users);
  }

  static List<User> users(RowSet<Row> rows) {
    List<User> users = new ArrayList<>(rows.size());
    for (Row row : rows) {
      users.add(User.fromRow(row));
    }
    return users;
  }
}
