package dev.userbatch.bench;

import dev.userbatch.user.UuidV7;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Measurement 1: creates of 10,000 users with passwordHash, at chunkSize 500 and at the default
 * chunk size, against a COPY of identical rows (ids made by the service's own {@link UuidV7}) into
 * a table like users, with the same indexes. The created users are kept for the later phases.
 */
final class CreateMeasurements {
  static final int USERS = 10_000;

  /**
   * The email tag of the default creates' users, which the mixed load finds again in the database.
   */
  static final String DEFAULT_TAG = "cdef-r";

  private final Session session;

  /** The users of each chunkSize-500 create, by repetition: the id operations work on them. */
  final List<List<String>> chunk500Sets = new ArrayList<>();

  /**
   * The users of each default create: looked up, and the pool of the mixed load (email tag {@link
   * #DEFAULT_TAG}).
   */
  final List<List<String>> defaultSets = new ArrayList<>();

  CreateMeasurements(Session session) {
    this.session = session;
  }

  void run() throws Exception {
    String table = session.settings.copyTable();
    session.db.exec("DROP TABLE IF EXISTS " + table);
    session.db.exec("CREATE TABLE " + table + " (LIKE users INCLUDING ALL)");
    String prefix = session.settings.prefix();
    Figures figures = session.figures;
    List<Double> chunk500 = new ArrayList<>();
    List<Double> chunkDefault = new ArrayList<>();
    List<Double> copy = new ArrayList<>();
    for (int rep = 0; rep < session.settings.reps(); rep++) {
      Checked c500 =
          session.expectAll(
              "create 10k chunkSize 500 rep " + rep,
              "POST",
              "/batch/users/create",
              Payloads.create(Payloads.users(prefix, "c500-r" + rep, USERS, false), 500),
              USERS);
      figures.sample(chunk500, c500, "create10kHashChunk500");
      chunk500Sets.add(c500.reply().ids());

      JsonArray users = Payloads.users(prefix, DEFAULT_TAG + rep, USERS, false);
      Checked cDefault =
          session.expectAll(
              "create 10k default rep " + rep,
              "POST",
              "/batch/users/create",
              Payloads.create(users, null),
              USERS);
      figures.sample(chunkDefault, cDefault, "create10kHashDefault");
      defaultSets.add(cDefault.reply().ids());

      session.db.exec("TRUNCATE " + table);
      String rows = copyRows(users);
      long t0 = System.nanoTime();
      long copied =
          session.db.copyIn("COPY " + table + " (id, email, name, password_hash) FROM STDIN", rows);
      double copyMs = (System.nanoTime() - t0) / 1e6;
      if (copied != USERS) {
        session.problem("COPY rep " + rep, "copied " + copied + " rows, expected " + USERS);
        figures.failed("copy10k");
      } else {
        copy.add(copyMs);
      }
      Env.log(
          String.format(
              "  rep %d: create chunk500 %.0f ms, create default %.0f ms, COPY %.0f ms",
              rep, c500.ms(), cDefault.ms(), copyMs));
    }
    figures.put("create10kHashChunk500", "create 10k passwordHash, chunkSize 500", "ms", chunk500);
    figures.put(
        "create10kHashDefault", "create 10k passwordHash, default chunkSize", "ms", chunkDefault);
    figures.put("copy10k", "COPY 10k identical rows (same indexes)", "ms", copy);
  }

  /** The users as COPY text rows: id, email, name, password_hash. */
  private static String copyRows(JsonArray users) {
    StringBuilder text = new StringBuilder(users.size() * 128);
    for (int i = 0; i < users.size(); i++) {
      JsonObject user = users.getJsonObject(i);
      text.append(UuidV7.next())
          .append('\t')
          .append(copyEscape(user.getString("email")))
          .append('\t')
          .append(copyEscape(user.getString("name")))
          .append('\t')
          .append(copyEscape(user.getString("passwordHash")))
          .append('\n');
    }
    return text.toString();
  }

  private static String copyEscape(String s) {
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
  }
}
