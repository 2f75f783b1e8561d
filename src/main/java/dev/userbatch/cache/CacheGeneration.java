package dev.userbatch.cache;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlClient;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The cache generation of the whole cluster, kept in PostgreSQL (table {@code cache_generation}),
 * and this process's view of it. Every cache entry carries the generation its writer had observed
 * before it read or committed the data; an entry of an older generation than the view is a miss.
 *
 * <p>A write-through lost after a commit (Redis down, slow, or cut off from this node only) may
 * leave an older entry behind in Redis, for every node. The writer then bumps the generation in
 * PostgreSQL, which it has just reached to commit, and answers only {@link #MAX_AGE_MS} later: no
 * node uses a view older than that, so by the time the caller learns of the change, every node
 * refuses the entries written before the bump. A lookup observes the view before it reads
 * PostgreSQL, and a write chunk before it opens its transaction; an entry tagged with a generation
 * at least as new as a bump was therefore read or committed after the change the bump stands for.
 *
 * <p>When the bump itself fails, this process stops using the cache until a bump succeeds (other
 * nodes are then protected only once it does). A new process starts with a bump pending: it cannot
 * know whether the process before it died between a commit and its write-through. Lost writes are
 * counted, and a bump only settles the losses that happened before it was sent.
 */
public final class CacheGeneration {
  /** How old a view of the generation may be when it is used, measured from when it was asked. */
  public static final long MAX_AGE_MS = 1_000;

  static final String READ = "SELECT value FROM cache_generation WHERE id = 1";
  static final String BUMP =
      "UPDATE cache_generation SET value = value + 1 WHERE id = 1 RETURNING value";

  /** The view: a generation, and the nanoTime at which the read that returned it was sent. */
  private record View(long value, long askedAt) {}

  private final AtomicReference<View> view = new AtomicReference<>(new View(0, Long.MIN_VALUE));
  private final AtomicReference<Future<Long>> refreshing = new AtomicReference<>();

  /** Lost writes so far (plus the one assumed at start). */
  private final AtomicLong lost = new AtomicLong(1);

  /** The count of lost writes that a completed bump has covered. */
  private final AtomicLong covered = new AtomicLong(0);

  public boolean bumpPending() {
    return lost.get() > covered.get();
  }

  /**
   * The generation to read with and to tag writes with, as known at most {@link #MAX_AGE_MS} ago;
   * refreshed in the background once it is half that old, waited for once it is older.
   */
  Future<Long> observe(SqlClient client) {
    View current = view.get();
    long age = System.nanoTime() - current.askedAt();
    if (current.askedAt() != Long.MIN_VALUE && age < MAX_AGE_MS * 1_000_000) {
      if (age > MAX_AGE_MS * 500_000) {
        refresh(client);
      }
      return Future.succeededFuture(current.value());
    }
    return refresh(client);
  }

  private Future<Long> refresh(SqlClient client) {
    Promise<Long> mine = Promise.promise();
    Future<Long> already = refreshing.compareAndExchange(null, mine.future());
    if (already != null) {
      return already;
    }
    long askedAt = System.nanoTime();
    client
        .query(READ)
        .execute()
        .map(rows -> rows.iterator().next().getLong("value"))
        .onComplete(
            read -> {
              refreshing.set(null);
              if (read.succeeded()) {
                learn(read.result(), askedAt);
              }
              mine.handle(read);
            });
    return mine.future();
  }

  private void learn(long value, long askedAt) {
    view.accumulateAndGet(
        new View(value, askedAt),
        (old, seen) ->
            seen.value() > old.value()
                    || (seen.value() == old.value() && seen.askedAt() > old.askedAt())
                ? seen
                : old);
  }

  /**
   * Bumps the generation for a write-through that may have been lost; completes {@link #MAX_AGE_MS}
   * after the bump committed, when no node can still use a view from before it. Fails when
   * PostgreSQL cannot be reached: this process then keeps the bump pending.
   */
  Future<Void> bumpAndSettle(Vertx vertx, SqlClient client) {
    lost.incrementAndGet();
    return bump(client)
        .compose(
            ignored -> {
              Promise<Void> settled = Promise.promise();
              vertx.setTimer(MAX_AGE_MS, t -> settled.complete());
              return settled.future();
            });
  }

  /** Bumps the generation once if a lost write (or the start) asks for it. */
  Future<Void> settlePending(SqlClient client) {
    return bumpPending() ? bump(client) : Future.succeededFuture();
  }

  private Future<Void> bump(SqlClient client) {
    long mark = lost.get();
    long askedAt = System.nanoTime();
    return client
        .query(BUMP)
        .execute()
        .map(
            rows -> {
              long value = rows.iterator().next().getLong("value");
              learn(value, askedAt);
              covered.accumulateAndGet(mark, Math::max);
              return null;
            });
  }
}
