package dev.userbatch.cache;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Remembers, for this process, that a cache write after a committed change failed, so Redis may
 * hold an entry older than the database. Until the generation counter in Redis is bumped (which
 * turns every existing entry into a miss, on every instance), this process neither reads nor
 * writes the cache. Shared by all cache users of the process.
 */
public final class CacheGeneration {
  public static final String KEY = "user:generation";

  private final AtomicBoolean bumpPending = new AtomicBoolean();

  public boolean bumpPending() {
    return bumpPending.get();
  }

  void markBumpPending() {
    bumpPending.set(true);
  }

  void bumped() {
    bumpPending.set(false);
  }
}
