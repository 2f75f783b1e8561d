package dev.userbatch.batch;

/**
 * Event-bus message headers that travel with every chunk, so that worker log lines carry the
 * request's correlation id on whichever node runs the chunk.
 */
public final class ChunkHeaders {
  public static final String CORRELATION_ID = "correlationId";

  private ChunkHeaders() {}
}
