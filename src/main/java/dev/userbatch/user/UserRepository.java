package dev.userbatch.user;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;
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

  /** A user to insert; the id was decided by the coordinator so that a retried chunk is recognised. */
  public record NewUser(UUID id, String email, String name, String passwordHash) {
  }

  /** Inserts the chunk in one statement and one transaction; returns the rows actually inserted. */
  public Future<List<JsonObject>> insertAll(List<NewUser> users) {
    int n = users.size();
    UUID[] ids = new UUID[n];
    String[] emails = new String[n];
    String[] names = new String[n];
    String[] hashes = new String[n];
    for (int i = 0; i < n; i++) {
      NewUser u = users.get(i);
      ids[i] = u.id();
      emails[i] = u.email();
      names[i] = u.name();
      hashes[i] = u.passwordHash();
    }
    return pool.withTransaction(conn -> conn.preparedQuery(UserSql.INSERT_USERS)
            .execute(Tuple.of(ids, emails, names, hashes)))
        .map(UserRepository::views);
  }

  /** Users with these ids, deleted ones included. */
  public Future<List<JsonObject>> findAnyByIds(SqlClient client, UUID[] ids) {
    return client.preparedQuery(UserSql.FIND_ANY_BY_IDS).execute(Tuple.of((Object) ids)).map(UserRepository::views);
  }

  /** Users with these ids that are not deleted. */
  public Future<List<JsonObject>> findActiveByIds(UUID[] ids) {
    return pool.preparedQuery(UserSql.FIND_ACTIVE_BY_IDS).execute(Tuple.of((Object) ids)).map(UserRepository::views);
  }

  static List<JsonObject> views(RowSet<Row> rows) {
    List<JsonObject> users = new ArrayList<>(rows.size());
    for (Row row : rows) {
      users.add(UserView.fromRow(row));
    }
    return users;
  }
}
