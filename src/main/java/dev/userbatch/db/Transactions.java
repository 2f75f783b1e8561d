package dev.userbatch.db;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.TransactionRollbackException;
import java.util.Set;
import java.util.function.Function;

/**
 * One chunk, one transaction. A transaction that lost a race (deadlock, serialization failure, or a
 * unique email taken by a concurrent batch after this chunk checked it) or whose plain insert met a
 * conflict (23505) is rolled back and run again from the start, re-reading the rows, a bounded
 * number of times.
 *
 * <p>A COMMIT whose answer never arrives (the connection broke, or the server went away while it
 * ran) may have committed or not: that is {@link CommitOutcomeUnknown}, never retried (running the
 * chunk again could apply it twice) and never reported as a plain failure, since the change may be
 * in the database.
 */
public final class Transactions {
  private static final Set<String> RETRYABLE = Set.of("40P01", "40001", "23505");

  /** A plain insert that met a conflict uses one attempt; three remain for lost races. */
  private static final int ATTEMPTS = 4;

  private Transactions() {}

  /** The COMMIT was sent but its outcome is unknown: the transaction may have committed. */
  public static final class CommitOutcomeUnknown extends RuntimeException {
    public CommitOutcomeUnknown(Throwable cause) {
      super(
          "The connection failed during COMMIT: the transaction may or may not have committed",
          cause);
    }
  }

  public static <T> Future<T> inTransaction(Pool pool, Function<SqlConnection, Future<T>> work) {
    return attempt(pool, work, 1);
  }

  private static <T> Future<T> attempt(
      Pool pool, Function<SqlConnection, Future<T>> work, int attempt) {
    return pool.withConnection(conn -> conn.begin().compose(tx -> run(conn, tx, work)))
        .recover(
            err -> {
              if (attempt < ATTEMPTS
                  && err instanceof PgException pg
                  && RETRYABLE.contains(pg.getSqlState())) {
                return attempt(pool, work, attempt + 1);
              }
              return Future.failedFuture(err);
            });
  }

  /** Like {@code Pool.withTransaction}, but a COMMIT that fails without an answer is told apart. */
  private static <T> Future<T> run(
      SqlConnection conn, Transaction tx, Function<SqlConnection, Future<T>> work) {
    Future<T> done;
    try {
      done = work.apply(conn);
    } catch (RuntimeException e) {
      done = Future.failedFuture(e);
    }
    return done.transform(
        ran -> {
          if (ran.failed()) {
            return tx.rollback().transform(ignored -> Future.<T>failedFuture(ran.cause()));
          }
          return tx.commit()
              .transform(
                  committed ->
                      committed.succeeded()
                          ? Future.succeededFuture(ran.result())
                          : Future.failedFuture(
                              answeredByServer(committed.cause())
                                  ? committed.cause()
                                  : new CommitOutcomeUnknown(committed.cause())));
        });
  }

  /**
   * The server refused the COMMIT itself (a deferred constraint, a serialization failure): the
   * transaction rolled back. Connection errors (class 08) and shutdown or termination (57P) say
   * nothing about whether the commit record was written.
   */
  private static boolean answeredByServer(Throwable err) {
    if (err instanceof TransactionRollbackException) {
      return true; // a statement had failed: the client never sent COMMIT, it rolled back
    }
    if (!(err instanceof PgException pg) || pg.getSqlState() == null) {
      return false;
    }
    String state = pg.getSqlState();
    return !state.startsWith("08") && !state.startsWith("57P");
  }
}
