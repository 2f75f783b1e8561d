package dev.userbatch.bench;

/** A reply together with what was wrong with it (null: every item done). */
record Checked(Reply reply, String problem) {

  static Checked of(Reply reply, int expected) {
    return new Checked(reply, reply.problem(expected));
  }

  boolean ok() {
    return problem == null;
  }

  double ms() {
    return reply.ms();
  }
}
