package dev.userbatch.bench;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Each run gets a database of its own, {@code bench_<RUN_ID>}, on the server of PG_URL: a run that
 * inherits the audit_log, batch_changes and outbox_events of earlier runs starts slower than the
 * one before it (every lookup adds an audit row), so figures of different runs would not compare.
 * run.sh creates it before the service starts (which migrates it) and drops it at the end.
 */
final class FreshDatabase {
  private static final Pattern URL =
      Pattern.compile("^(postgres(?:ql)?://[^/?]*)(/[^?]*)?(\\?.*)?$");

  private FreshDatabase() {}

  static String name(Settings settings) {
    return "bench_" + settings.run();
  }

  /** The URL of database {@code name} on the server of {@code serverUrl}. */
  static String urlOf(String serverUrl, String name) {
    Matcher m = URL.matcher(serverUrl);
    if (!m.matches()) {
      throw new IllegalArgumentException("PG_URL is not a postgresql:// URL: " + serverUrl);
    }
    return m.group(1) + "/" + name + (m.group(3) == null ? "" : m.group(3));
  }

  /** Creates the run's database; prints its URL on stdout. */
  static void create(Settings settings) throws Exception {
    try (BenchDb db = BenchDb.connect(settings.pgUrl())) {
      db.exec("CREATE DATABASE " + name(settings));
    }
    System.out.println(urlOf(settings.pgUrl(), name(settings)));
  }

  /** Drops the run's database (PG_URL: any database of the same server). */
  static void drop(Settings settings) throws Exception {
    try (BenchDb db = BenchDb.connect(settings.pgUrl())) {
      db.exec("DROP DATABASE IF EXISTS " + name(settings) + " WITH (FORCE)");
    }
    Env.log("database " + name(settings) + " dropped");
  }
}
