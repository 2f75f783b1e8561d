package dev.userbatch.runner;

import static dev.userbatch.support.FaultSupport.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.batch.ChunkResult;
import dev.userbatch.batch.Operation;
import dev.userbatch.batch.PreparedItem;
import dev.userbatch.batch.UserId;
import dev.userbatch.cache.CacheGeneration;
import dev.userbatch.cache.UserCache;
import dev.userbatch.metrics.Telemetry;
import dev.userbatch.support.TestService;
import dev.userbatch.user.User;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A single-chunk lookup answered from the cache on the event loop: only when every id is cached,
 * with the worker's answer (users in input order, tombstones missing); anything else goes to a
 * worker (null).
 */
class CachedLookupTest {
  private static UserCache cache;
  private static CachedLookup lookup;

  @BeforeAll
  static void cache() {
    TestService shared = TestService.shared();
    CacheGeneration generation = new CacheGeneration();
    cache =
        new UserCache(
            shared.clientVertx,
            shared.redis,
            shared.pg,
            300,
            1000,
            new Telemetry().batchMetrics(),
            generation);
    lookup = new CachedLookup(cache);
  }

  /** The cluster's generation as this process sees it now: entries written with it are current. */
  private static long observed() {
    return await(cache.observe(), 10);
  }

  private static User user(String name) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    return new User(
        UUID.randomUUID(),
        name + "-" + UUID.randomUUID() + "@example.com",
        name,
        3,
        now,
        now,
        null,
        null);
  }

  private static List<PreparedItem<UserId>> items(UUID... ids) {
    List<PreparedItem<UserId>> items = new ArrayList<>();
    for (int i = 0; i < ids.length; i++) {
      items.add(new PreparedItem<>(i, new UserId(ids[i])));
    }
    return items;
  }

  @Test
  void everyIdCachedIsAnsweredInInputOrderWithTombstonesMissing() {
    User a = user("a");
    User b = user("b");
    User gone = user("gone");
    await(cache.fill(List.of(a, b, gone), observed()), 10);
    await(cache.markDeleted(List.of(gone), observed()), 10);

    ChunkResult result =
        await(lookup.answer(Operation.LOOKUP, items(b.id(), gone.id(), a.id())), 10);

    assertThat(result).isNotNull();
    assertThat(result.data()).containsExactly(b, a);
    assertThat(result.missing()).containsExactly(gone.id());
    assertThat(result.failures()).isEmpty();
  }

  @Test
  void oneMissSendsTheChunkToAWorker() {
    User a = user("a");
    await(cache.fill(List.of(a), observed()), 10);

    assertThat(await(lookup.answer(Operation.LOOKUP, items(a.id(), UUID.randomUUID())), 10))
        .isNull();
  }

  @Test
  void otherOperationsAreNeverAnsweredHere() {
    User a = user("a");
    await(cache.fill(List.of(a), observed()), 10);

    assertThat(await(lookup.answer(Operation.SOFT_DELETE, items(a.id())), 10)).isNull();
    assertThat(await(lookup.answer(Operation.LAST_LOGIN, items(a.id())), 10)).isNull();
  }
}
