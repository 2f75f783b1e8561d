package dev.userbatch.security;

import dev.userbatch.batch.Operation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What a batch request costs against the rate limit, for every entry point (HTTP, event bus, TCP
 * bridge): one per item, and {@code passwordWeight} per item that carries a plaintext {@code
 * password} (an Argon2id hash: tens of milliseconds of a core and 19 MiB, where looking up an id
 * costs microseconds). An envelope without an item array costs one: it will be refused anyway.
 */
public record RequestCost(long items, long passwords, long passwordWeight) {

  public static RequestCost of(Operation operation, JsonObject envelope, long passwordWeight) {
    if (!(envelope.getValue(operation.itemsField()) instanceof JsonArray items)) {
      return new RequestCost(1, 0, passwordWeight);
    }
    long passwords = 0;
    for (Object item : items) {
      if (item instanceof JsonObject object && object.containsKey("password")) {
        passwords++;
      }
    }
    return new RequestCost(Math.max(1, items.size()), passwords, passwordWeight);
  }

  public long total() {
    return items - passwords + passwords * passwordWeight;
  }

  /** "21 items", or "3 items, costing 101 (a plaintext password counts 50)". */
  public String describe() {
    String count = items + (items == 1 ? " item" : " items");
    return passwords == 0 || passwordWeight == 1
        ? count
        : count + ", costing " + total() + " (a plaintext password counts " + passwordWeight + ")";
  }
}
