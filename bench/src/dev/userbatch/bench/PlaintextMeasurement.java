package dev.userbatch.bench;

import dev.userbatch.user.PasswordHasher;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Measurement 2: creates of 1,000 users with plaintext passwords against the ceiling of cores × the
 * single-thread Argon2id rate of the service's own {@link PasswordHasher}, measured in this JVM
 * right before and right after each create (the machine is shared), and the service's
 * blocked-thread warnings meanwhile.
 */
final class PlaintextMeasurement {
  private static final int USERS = 1000;

  private PlaintextMeasurement() {}

  static void run(Session session, JsonObject result) throws Exception {
    PasswordHasher hasher = PasswordHasher.owaspDefault();
    for (int i = 0; i < 5; i++) {
      hasher.hash("warm-up-password-" + i);
    }
    int cores = Runtime.getRuntime().availableProcessors();
    Figures figures = session.figures;
    List<Double> singleThread = new ArrayList<>();
    List<Double> allCores = new ArrayList<>();
    List<Double> createMs = new ArrayList<>();
    List<Double> achieved = new ArrayList<>();
    ServiceLog.Blocked blocked0 = ServiceLog.blocked(session.settings.serviceLog());
    for (int rep = 0; rep < session.settings.reps(); rep++) {
      double before = hashRate(hasher, 1, "b" + rep);
      Checked created =
          session.expectAll(
              "create 1000 plaintext rep " + rep,
              "POST",
              "/batch/users/create",
              Payloads.create(
                  Payloads.users(session.settings.prefix(), "pw-r" + rep, USERS, true), null),
              USERS);
      double after = hashRate(hasher, 1, "a" + rep);
      singleThread.add((before + after) / 2);
      figures.sample(createMs, created, "createPlaintext1000");
      if (created.ok()) {
        achieved.add(USERS / (created.ms() / 1000.0));
      } else {
        figures.failed("createPlaintextRate");
      }
      allCores.add(hashRate(hasher, cores, "p" + rep));
      Env.log(
          String.format(
              "  rep %d: single-thread Argon2id %.1f/s (before %.1f, after %.1f), %d threads %.1f/s; "
                  + "create 1000 plaintext %.0f ms = %.1f users/s",
              rep,
              (before + after) / 2,
              before,
              after,
              cores,
              allCores.get(allCores.size() - 1),
              created.ms(),
              USERS / (created.ms() / 1000.0)));
    }
    ServiceLog.Blocked blocked = ServiceLog.blocked(session.settings.serviceLog()).since(blocked0);
    figures.put(
        "argon2AllCores",
        "Argon2id rate with " + cores + " threads (bench JVM)",
        "hashes/s",
        allCores);
    figures.put(
        "argon2SingleThread", "Argon2id single-thread rate (bench JVM)", "hashes/s", singleThread);
    figures.put(
        "createPlaintext1000", "create 1000 plaintext passwords, default options", "ms", createMs);
    figures.put("createPlaintextRate", "plaintext create rate", "users/s", achieved);
    result
        .put("cores", cores)
        .put("plaintextBlockedWarnings", blocked.total())
        .put("plaintextBlockedWarningsEventLoop", blocked.eventLoop());
  }

  /** Argon2id hashes per second over about 2 s on {@code threads} threads of this JVM. */
  private static double hashRate(PasswordHasher hasher, int threads, String tag) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      long t0 = System.nanoTime();
      List<Future<Integer>> parts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        parts.add(
            pool.submit(
                () -> {
                  int hashes = 0;
                  while (hashes < 10 || System.nanoTime() - t0 < 2_000_000_000L) {
                    hasher.hash("rate-password-" + tag + "-" + thread + "-" + hashes);
                    hashes++;
                  }
                  return hashes;
                }));
      }
      int total = 0;
      for (Future<Integer> part : parts) {
        total += part.get();
      }
      return total / ((System.nanoTime() - t0) / 1e9);
    } finally {
      pool.shutdown();
    }
  }
}
