package dev.userbatch.bench;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Runs every measured path several times, so that the measured runs see JIT-compiled code (a fresh
 * service takes about ten 10k-user creates to reach its steady speed). WARMUP_ROUNDS creates of
 * 10,000 users, each looked up, the first two updated, logged in and soft-deleted; then a small
 * plaintext create.
 */
final class WarmUp {
  private WarmUp() {}

  /** {@code tag} keeps the emails of two warm-ups (the service and the baseline) apart. */
  static void run(Session session, ServiceHttp target, String tag) {
    String prefix = session.settings.prefix();
    for (int i = 0; i < session.settings.warmUpRounds(); i++) {
      JsonObject body =
          Payloads.create(Payloads.users(prefix, tag + i, 10_000, false), i % 2 == 0 ? 500 : null);
      Checked created =
          session.expectAll(target, "warm-up create", "POST", "/batch/users/create", body, 10_000);
      List<String> ids = created.reply().ids();
      for (int j = 0; j < 5 && !ids.isEmpty(); j++) {
        target.call(
            "POST",
            "/batch/users/lookup",
            Payloads.lookup(ids.subList(0, Math.min(1000, ids.size())), null).encode());
      }
      if (i < 2 && ids.size() >= 2000) {
        List<String> some = ids.subList(0, 2000);
        session.expectAll(
            target,
            "warm-up update",
            "PATCH",
            "/batch/users/update",
            Payloads.update(some, tag + i),
            some.size());
        session.expectAll(
            target,
            "warm-up last-login",
            "PATCH",
            "/batch/users/last-login",
            Payloads.userIds(some),
            some.size());
        session.expectAll(
            target,
            "warm-up soft delete",
            "DELETE",
            "/batch/users/soft-delete",
            Payloads.userIds(some),
            some.size());
      }
    }
    Checked plaintext =
        session.expectAll(
            target,
            "warm-up plaintext create",
            "POST",
            "/batch/users/create",
            Payloads.create(Payloads.users(prefix, tag + "pw", 64, true), null),
            64);
    List<String> ids = plaintext.reply().ids();
    if (!ids.isEmpty()) {
      session.expectAll(
          target,
          "warm-up update",
          "PATCH",
          "/batch/users/update",
          Payloads.update(ids, tag),
          ids.size());
    }
  }
}
