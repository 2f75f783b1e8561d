package dev.userbatch.batch;

import io.vertx.core.json.JsonArray;

/**
 * What the shared batch path needs to know about one operation: where its request items are,
 * how each item is validated and normalised, and which worker address processes its chunks.
 */
public interface BatchOperation {

  enum Kind { WRITE, LOOKUP }

  /** Short name used in logs, metrics and event-bus addresses: create, lookup, update, … */
  String name();

  /** Schema of the request envelope, e.g. {@code create-request.json}. */
  String envelopeSchema();

  /** Field of the envelope that holds the items, e.g. {@code users}. */
  String itemsField();

  /** Validates and normalises every item on its own; CPU work, runs off the event loop. */
  PreparedBatch prepare(JsonArray items, BatchOptions options);

  Kind kind();

  /** Past tense used in the success message: "Successfully created 2 out of 2 users". */
  String pastTense();

  /**
   * True when a chunk's outcome can depend on an earlier chunk of the same batch (an email one
   * chunk frees and another claims): such batches run their chunks one after another, in order,
   * so that the result does not depend on timing.
   */
  default boolean needsOrderedChunks(PreparedBatch batch) {
    return false;
  }

  default String workerAddress() {
    return "users.chunk." + name();
  }
}
