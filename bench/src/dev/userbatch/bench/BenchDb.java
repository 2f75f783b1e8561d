package dev.userbatch.bench;

import dev.userbatch.db.PgUrls;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * A JDBC connection (pgjdbc, for its COPY) to the service's database, at the URL the service itself
 * is given (PG_URL, translated by the service's own {@link PgUrls}).
 */
final class BenchDb implements AutoCloseable {
  private final Connection pg;

  private BenchDb(Connection pg) {
    this.pg = pg;
  }

  static BenchDb connect(String pgUrl) throws SQLException {
    Connection pg = DriverManager.getConnection(PgUrls.toJdbcUrl(pgUrl));
    pg.setAutoCommit(true);
    return new BenchDb(pg);
  }

  long count(String sql) throws SQLException {
    try (Statement st = pg.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  String text(String sql) throws SQLException {
    try (Statement st = pg.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  void exec(String sql) throws SQLException {
    try (Statement st = pg.createStatement()) {
      st.execute(sql);
    }
  }

  /** The ids of the users whose email starts with {@code prefix} and who are not deleted. */
  List<String> activeIds(String prefix) throws SQLException {
    return ids(
        "SELECT id FROM users WHERE email LIKE ? AND deleted_at IS NULL ORDER BY id", prefix);
  }

  /** Deletes the users whose email starts with {@code prefix}; returns their ids. */
  List<String> deleteUsers(String prefix) throws SQLException {
    return ids("DELETE FROM users WHERE email LIKE ? RETURNING id", prefix);
  }

  private List<String> ids(String sql, String prefix) throws SQLException {
    List<String> ids = new ArrayList<>();
    try (PreparedStatement st = pg.prepareStatement(sql)) {
      st.setString(1, prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
    }
    return ids;
  }

  /** COPY ... FROM STDIN of rows in PostgreSQL's text format; returns the rows copied. */
  long copyIn(String copySql, String rows) throws Exception {
    return pg.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql, new StringReader(rows));
  }

  @Override
  public void close() throws SQLException {
    pg.close();
  }
}
