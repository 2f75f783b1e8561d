package dev.userbatch.user;

/**
 * The verdict on one hash: its algorithm, or the problem with it. {@code work} is bcrypt's cost or
 * pbkdf2's iterations (-1 for other families).
 */
record HashCheck(String algorithm, String problem, long work) {
  static HashCheck ok(String algorithm) {
    return new HashCheck(algorithm, null, -1);
  }

  static HashCheck bad(String problem) {
    return new HashCheck(null, problem, -1);
  }

  HashCheck withWork(long value) {
    return problem == null ? new HashCheck(algorithm, null, value) : this;
  }
}
