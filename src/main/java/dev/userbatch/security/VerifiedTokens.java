package dev.userbatch.security;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tokens already verified, with the caller each names, kept until the token's own {@code exp}
 * (without the leeway, so an entry never outlives what the verifier would accept) and at most
 * {@code capacity} of them, the least recently used going first. Verifying a signature and decoding
 * the claims on every request cost a lookup about a third of a millisecond; a caller sends the same
 * token for its whole life. Keyed by the whole token: the same signature under other claims is
 * another token. Keys are loaded once at start-up, so what verified once verifies until it expires.
 * Thread-safe: the TCP bridge and every event loop may share one.
 */
final class VerifiedTokens {
  static final int DEFAULT_CAPACITY = 10_000;

  private record Entry(BearerAuth.Caller caller, long expiresAtMillis) {}

  private final Map<String, Entry> entries;

  VerifiedTokens(int capacity) {
    this.entries =
        new LinkedHashMap<>(64, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > capacity;
          }
        };
  }

  /** The caller of a token verified before and not expired at {@code nowMillis}; otherwise null. */
  synchronized BearerAuth.Caller get(String token, long nowMillis) {
    Entry entry = entries.get(token);
    if (entry == null) {
      return null;
    }
    if (nowMillis >= entry.expiresAtMillis()) {
      entries.remove(token);
      return null;
    }
    return entry.caller();
  }

  /** Remembers a verified token until {@code expiresAtMillis}. */
  synchronized void put(String token, BearerAuth.Caller caller, long expiresAtMillis) {
    entries.put(token, new Entry(caller, expiresAtMillis));
  }

  synchronized int size() {
    return entries.size();
  }
}
