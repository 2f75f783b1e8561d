package dev.userbatch.job;

import dev.userbatch.batch.BatchOptions;
import dev.userbatch.batch.Operation;

/**
 * What an upload asks for, from its request line and headers; {@code idempotencyKey} may be null.
 */
public record JobUpload(
    Operation operation,
    BatchOptions options,
    JobFormat format,
    String createdBy,
    String idempotencyKey) {

  /**
   * The start of the request hash an Idempotency-Key is bound to: a replay must ask for the same
   * job, not only send the same bytes.
   */
  byte[] hashPrefix() {
    return (operation.wireName()
            + "\n"
            + format.wireName()
            + "\n"
            + options.toJson().encode()
            + "\n")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
