package dev.userbatch.db;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;

import java.util.Set;
import java.util.function.Function;

/**
 * One chunk, one transaction. A transaction that lost a race (deadlock, serialization failure, or
 * a unique email taken by a concurrent batch after this chunk checked it) or whose plain insert
 * met a conflict (23505) is rolled back and run again from the start, re-reading the rows, a
 * bounded number of times.
 */
public final class Transactions {
  private static final Set<String> RETRYABLE = Set.of("40P01", "40001", "23505");
  /** A plain insert that met a conflict uses one attempt; three remain for lost races. */
  private static final int ATTEMPTS = 4;

  private Transactions() {
  }

  public static <T> Future<T> inTransaction(Pool pool, Function<SqlConnection, Future<T>> work) {
    return attempt(pool, work, 1);
  }

  private static <T> Future<T> attempt(Pool pool, Function<SqlConnection, Future<T>> work, int attempt) {
    return pool.withTransaction(work).recover(err -> {
      if (attempt < ATTEMPTS && err instanceof PgException pg && RETRYABLE.contains(pg.getSqlState())) {
        return attempt(pool, work, attempt + 1);
      }
      return Future.failedFuture(err);
    });
  }
}
