package dev.userbatch.batch;

/**
 * Event-bus message headers that travel with every chunk, so that worker log lines and audit
 * records carry the request's identity on whichever node runs the chunk.
 */
public final class ChunkHeaders {
  public static final String CORRELATION_ID = "correlationId";
  public static final String AUDIT_ID = "auditId";
  public static final String ACTOR = "actor";

  private ChunkHeaders() {
  }
}
