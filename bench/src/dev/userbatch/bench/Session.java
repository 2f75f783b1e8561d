package dev.userbatch.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the measurements of one benchmark process share: the settings, the service, its database and
 * cache, the figures and problems recorded so far, and the phases run one after the other.
 */
final class Session implements AutoCloseable {
  final Settings settings;
  final Vertx vertx;
  final String authorization;
  final ServiceHttp service;
  final BenchDb db;
  final BenchRedis redis;
  final Figures figures = new Figures();
  final JsonArray problems = new JsonArray();
  final JsonObject loadAtPhaseStart = new JsonObject();
  private boolean serviceDown;

  private Session(
      Settings settings, Vertx vertx, String authorization, BenchDb db, BenchRedis redis) {
    this.settings = settings;
    this.vertx = vertx;
    this.authorization = authorization;
    this.service = new ServiceHttp(settings.baseUrl(), authorization, settings.requestTimeout());
    this.db = db;
    this.redis = redis;
  }

  static Session open(Settings settings) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      BenchDb db = BenchDb.connect(settings.pgUrl());
      return new Session(
          settings,
          vertx,
          Authorization.header(vertx),
          db,
          BenchRedis.connect(vertx, settings.redisUrl()));
    } catch (Exception e) {
      vertx.close();
      throw e;
    }
  }

  interface Phase {
    void run() throws Exception;
  }

  /**
   * Runs one phase unless the service is down; a phase that throws is a problem, and the next phase
   * still runs.
   */
  void phase(String name, Phase phase) {
    if (serviceDown || !service.live()) {
      serviceDown = true;
      problem("phase " + name, "skipped: the service does not answer GET /health/live with 200");
      return;
    }
    long t0 = System.nanoTime();
    Env.log("phase " + name + " ... (load average " + loadAverage() + ")");
    loadAtPhaseStart.put(name, loadAverage());
    try {
      phase.run();
    } catch (Exception | AssertionError e) {
      Env.log("phase " + name + " FAILED: " + e);
      problems.add(name + ": " + e);
    }
    Env.log("phase " + name + " done in " + Math.round((System.nanoTime() - t0) / 1e9) + " s");
  }

  void problem(String what, String message) {
    String text = what + ": " + message;
    Env.log("PROBLEM " + text);
    problems.add(text);
  }

  /** The reply, checked to have done all n items; one that did not is recorded as a problem. */
  Checked expectAll(String what, Reply reply, int n) {
    Checked checked = Checked.of(reply, n);
    if (!checked.ok()) {
      problem(what, checked.problem());
    }
    return checked;
  }

  Checked expectAll(
      ServiceHttp target, String what, String method, String path, JsonObject body, int n) {
    return expectAll(what, target.call(method, path, body.encode()), n);
  }

  Checked expectAll(String what, String method, String path, JsonObject body, int n) {
    return expectAll(service, what, method, path, body, n);
  }

  /** Deletes this run's users and their cache entries; returns the rows deleted. */
  long deleteRunUsers() throws Exception {
    Env.log("cleaning up rows with email LIKE '" + settings.prefix() + "%'");
    return Leftovers.users(db, redis, settings.prefix());
  }

  static void write(Path out, JsonObject result) throws IOException {
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, result.encodePrettily());
    Env.log("results written to " + out);
  }

  /** The 1, 5 and 15 minute load averages of the machine, or n/a. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }

  @Override
  public void close() throws Exception {
    try {
      redis.close();
      db.close();
    } finally {
      vertx.close();
    }
  }
}
