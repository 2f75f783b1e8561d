package dev.userbatch.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Measurement 4: update of names, last-login and soft delete of the 10,000 users of each
 * chunkSize-500 create.
 */
final class IdOperations {
  private IdOperations() {}

  static void run(Session session, List<List<String>> sets) {
    List<Double> update = new ArrayList<>();
    List<Double> lastLogin = new ArrayList<>();
    List<Double> softDelete = new ArrayList<>();
    Figures figures = session.figures;
    for (int rep = 0; rep < session.settings.reps(); rep++) {
      if (rep >= sets.size() || sets.get(rep).size() != CreateMeasurements.USERS) {
        throw new IllegalStateException("no set of 10,000 created users for rep " + rep);
      }
      List<String> ids = sets.get(rep);
      int n = ids.size();
      Checked u =
          session.expectAll(
              "update 10k rep " + rep,
              "PATCH",
              "/batch/users/update",
              Payloads.update(ids, "r" + rep),
              n);
      Checked l =
          session.expectAll(
              "last-login 10k rep " + rep,
              "PATCH",
              "/batch/users/last-login",
              Payloads.userIds(ids),
              n);
      Checked d =
          session.expectAll(
              "soft delete 10k rep " + rep,
              "DELETE",
              "/batch/users/soft-delete",
              Payloads.userIds(ids),
              n);
      figures.sample(update, u, "update10k");
      figures.sample(lastLogin, l, "lastLogin10k");
      figures.sample(softDelete, d, "softDelete10k");
      Env.log(
          String.format(
              "  rep %d: update %.0f ms, last-login %.0f ms, soft delete %.0f ms",
              rep, u.ms(), l.ms(), d.ms()));
    }
    figures.put("update10k", "update names of 10k users", "ms", update);
    figures.put("lastLogin10k", "last-login of 10k users", "ms", lastLogin);
    figures.put("softDelete10k", "soft delete of 10k users", "ms", softDelete);
  }
}
