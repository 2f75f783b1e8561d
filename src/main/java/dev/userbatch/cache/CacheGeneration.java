package dev.userbatch.cache;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Remembers, for this process, that a cache write after a committed change failed, so Redis may
 * hold an entry older than the database. Until the generation counter in Redis is bumped (which
 * turns every existing entry into a miss, on every instance), this process neither reads nor writes
 * the cache. Shared by all cache users of the process.
 *
 * <p>A new process starts with a bump pending: it cannot know whether the process before it (the
 * same service before a restart) lost a write-through while Redis was away, and Redis keeps its
 * entries across its own restarts. Lost writes are counted, and a bump only settles the losses that
 * happened before its INCR was sent: a write lost while the INCR was in flight asks for another
 * bump.
 */
public final class CacheGeneration {
  public static final String KEY = "user:generation";

  /** Lost writes so far (plus the one assumed at start). */
  private final AtomicLong lost = new AtomicLong(1);

  /** The count of lost writes that a completed bump has covered. */
  private final AtomicLong covered = new AtomicLong(0);

  public boolean bumpPending() {
    return lost.get() > covered.get();
  }

  void markBumpPending() {
    lost.incrementAndGet();
  }

  /** Taken before sending the INCR: what a successful bump will cover. */
  long pendingMark() {
    return lost.get();
  }

  void bumped(long mark) {
    covered.accumulateAndGet(mark, Math::max);
  }
}
