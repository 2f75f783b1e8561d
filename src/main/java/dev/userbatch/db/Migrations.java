package dev.userbatch.db;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the schema migrations before any verticle starts. Flyway serialises concurrent runs with a
 * PostgreSQL advisory lock, so several instances starting at once apply each migration once.
 */
public final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {}

  public static void migrate(String pgUrl) {
    Flyway flyway =
        Flyway.configure()
            .dataSource(PgUrls.toJdbcUrl(pgUrl), null, null)
            .locations("classpath:db/migration")
            .connectRetries(3)
            .load();
    MigrateResult result = flyway.migrate();
    LOG.info(
        "Schema migrated: {} migration(s) applied, schema version {}",
        result.migrationsExecuted,
        result.targetSchemaVersion != null ? result.targetSchemaVersion : "unchanged");
  }
}
