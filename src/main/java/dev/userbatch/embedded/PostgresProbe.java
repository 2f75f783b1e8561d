package dev.userbatch.embedded;

import dev.userbatch.db.PgUrls;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

/**
 * Does PostgreSQL answer at this URL? Asked once at start-up, before Vert.x exists, so plain JDBC
 * (the driver Flyway uses next anyway) is enough.
 */
final class PostgresProbe {

  private PostgresProbe() {}

  /**
   * Opens a real JDBC connection and runs {@code SELECT 1}.
   *
   * @throws IllegalArgumentException if the URL is not a PostgreSQL URL
   * @throws SQLException if the server does not answer, refuses the login or the query
   */
  static void check(String pgUrl, Duration timeout) throws SQLException {
    String jdbcUrl = PgUrls.toJdbcUrl(pgUrl);
    String secs = Long.toString(Math.max(1, timeout.toSeconds()));
    Properties props = new Properties();
    props.setProperty("connectTimeout", secs);
    props.setProperty("loginTimeout", secs);
    props.setProperty("socketTimeout", secs);
    props.setProperty("ApplicationName", "user-batch-service startup check");
    try (Connection c = new org.postgresql.Driver().connect(jdbcUrl, props)) {
      if (c == null) {
        throw new SQLException("the PostgreSQL JDBC driver does not accept this URL");
      }
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT 1")) {
        if (!rs.next() || rs.getInt(1) != 1) {
          throw new SQLException("SELECT 1 did not return 1");
        }
      }
    }
  }
}
