package dev.userbatch.worker;

/**
 * When a chunk's work must be over: a little before the coordinator stops waiting for it, so that a
 * chunk reported as {@code TIMEOUT} is always rolled back, never committed late.
 */
record Deadline(long atMillis) {

  static Deadline in(long budgetMs) {
    return new Deadline(System.currentTimeMillis() + budgetMs);
  }

  long remainingMs() {
    return atMillis - System.currentTimeMillis();
  }

  /** The chunk ran out of time; its transaction is rolled back. */
  static final class Exceeded extends RuntimeException {
    Exceeded() {
      super(
          "The chunk did not finish before its deadline; its transaction was rolled back",
          null,
          false,
          false);
    }
  }
}
