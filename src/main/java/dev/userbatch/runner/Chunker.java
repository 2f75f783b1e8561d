package dev.userbatch.runner;

import java.util.ArrayList;
import java.util.List;

/** The one chunking routine: consecutive slices of at most {@code chunkSize} items, in order. */
public final class Chunker {
  private Chunker() {}

  public static <T> List<List<T>> split(List<T> items, int chunkSize) {
    if (chunkSize < 1) {
      throw new IllegalArgumentException("chunkSize must be at least 1, got " + chunkSize);
    }
    List<List<T>> chunks = new ArrayList<>((items.size() + chunkSize - 1) / chunkSize);
    for (int from = 0; from < items.size(); from += chunkSize) {
      chunks.add(items.subList(from, Math.min(items.size(), from + chunkSize)));
    }
    return chunks;
  }
}
