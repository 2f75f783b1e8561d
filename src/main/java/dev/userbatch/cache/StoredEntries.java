package dev.userbatch.cache;

import dev.userbatch.user.User;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * The stored form of a cache entry, {@code version|generation|json}: the script that writes it only
 * over an older one, and the reader that treats an entry of an older generation as a miss.
 */
final class StoredEntries {
  private StoredEntries() {}

  /**
   * KEYS: the entries; ARGV[1]: ttl seconds; ARGV[2]: the writer's generation; ARGV[2i+1],
   * ARGV[2i+2]: version and value of KEYS[i]. A higher version wins; at the same version, the newer
   * generation (so a fill after a bump re-tags an entry).
   */
  static final String PUT_IF_NEWER =
      """
      local ttl = ARGV[1]
      local generation = tonumber(ARGV[2])
      for i = 1, #KEYS do
        local key = KEYS[i]
        local version = tonumber(ARGV[2 * i + 1])
        local current = redis.call('GET', key)
        local write = true
        if current then
          local v, g = string.match(current, '^(%d+)|(%d+)|')
          v = tonumber(v)
          g = tonumber(g)
          if v > version or (v == version and g > generation) then write = false end
        end
        if write then
          redis.call('SET', key, ARGV[2 * i + 1] .. '|' .. ARGV[2] .. '|' .. ARGV[2 * i + 2], 'EX', ttl)
        end
      end
      return #KEYS
      """;

  /** The entry, or null when it belongs to an older generation than {@code observed}. */
  static UserCache.Entry decode(Buffer stored, long observed) {
    String text = stored.toString();
    int first = text.indexOf('|');
    int second = text.indexOf('|', first + 1);
    if (Long.parseLong(text.substring(first + 1, second)) < observed) {
      return null;
    }
    JsonObject json = new JsonObject(text.substring(second + 1));
    return json.getBoolean("deleted", false)
        ? new UserCache.Entry(null, true)
        : new UserCache.Entry(User.fromJson(json), false);
  }
}
