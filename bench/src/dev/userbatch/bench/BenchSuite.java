package dev.userbatch.bench;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * Measurements 1-4 and issue 14's keep-alive lookups against a running service (BASE_URL), after a
 * warm-up; writes OUT (JSON). The users it creates stay for the mixed load, which removes them; the
 * COPY table goes at the end.
 */
final class BenchSuite {
  private BenchSuite() {}

  static void run(Settings settings) throws Exception {
    try (Session session = Session.open(settings)) {
      ServiceLog.Blocked blocked0 = ServiceLog.blocked(settings.serviceLog());
      JsonObject result =
          new JsonObject()
              .put("run", settings.run())
              .put("startedAt", Instant.now().toString())
              .put(
                  "config",
                  new JsonObject()
                      .put("reps", settings.reps())
                      .put("lookupReps", settings.lookupReps())
                      .put("keepAliveReps", settings.keepAliveReps())
                      .put("durationSeconds", settings.durationSeconds())
                      .put("clients", settings.clients())
                      .put("mixedRounds", settings.mixedRounds())
                      .put("baseUrl", settings.baseUrl()))
              .put(
                  "machine",
                  new JsonObject()
                      .put("cores", Runtime.getRuntime().availableProcessors())
                      .put(
                          "os", System.getProperty("os.name") + " " + System.getProperty("os.arch"))
                      .put("java", System.getProperty("java.version")))
              .put("usersRowsAtStart", session.db.count("SELECT count(*) FROM users"))
              .put("auditRowsAtStart", session.db.count("SELECT count(*) FROM audit_log"))
              .put("database", session.db.text("SELECT current_database()"))
              .put("postgresVersion", session.db.text("SHOW server_version"));
      CreateMeasurements creates = new CreateMeasurements(session);
      try {
        session.phase("warm-up", () -> WarmUp.run(session, session.service, "warm"));
        session.phase("create-hash", creates::run);
        session.phase("plaintext", () -> PlaintextMeasurement.run(session, result));
        session.phase("lookup", () -> LookupMeasurements.run(session, firstSet(creates)));
        session.phase("keep-alive", () -> KeepAliveLookups.run(session, firstSet(creates)));
        session.phase("id-ops", () -> IdOperations.run(session, creates.chunk500Sets));
      } finally {
        try {
          session.db.exec("DROP TABLE IF EXISTS " + settings.copyTable());
        } catch (Exception e) {
          session.problems.add("cleanup: " + e);
        }
        ServiceLog.Blocked blocked = ServiceLog.blocked(settings.serviceLog()).since(blocked0);
        result
            .put("blockedWarningsTotal", blocked.total())
            .put("blockedWarningsEventLoopTotal", blocked.eventLoop())
            .put("figures", session.figures.json())
            .put("problems", session.problems)
            .put("loadAverageAtPhaseStart", session.loadAtPhaseStart);
        Session.write(settings.out(), result);
      }
    }
  }

  private static List<String> firstSet(CreateMeasurements creates) {
    if (creates.defaultSets.isEmpty()) {
      throw new IllegalStateException("the creates made no users to look up");
    }
    return creates.defaultSets.get(0);
  }
}
