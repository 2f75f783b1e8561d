package dev.userbatch.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.userbatch.config.EmbeddedMode;
import dev.userbatch.db.PgUrls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InfrastructureEndpointsTest {

  @TempDir Path dataDir;

  @Test
  void alwaysStartsEmbeddedServersAndDataSurvivesRestart() throws Exception {
    InfrastructureEndpoints first =
        InfrastructureEndpoints.resolve(null, " ", EmbeddedMode.ALWAYS, dataDir);
    int pgPort;
    int redisPort;
    try {
      assertThat(first.isPgEmbedded()).isTrue();
      assertThat(first.isRedisEmbedded()).isTrue();
      assertThat(first.pgMode())
          .startsWith("embedded (data in " + dataDir.resolve("postgres").toAbsolutePath());
      assertThat(first.redisMode())
          .startsWith("embedded (data in " + dataDir.resolve("redis").toAbsolutePath());
      assertThat(first.pgUrl())
          .startsWith("postgresql://postgres@127.0.0.1:")
          .endsWith("/postgres");
      assertThat(first.redisUrl()).startsWith("redis://127.0.0.1:");
      assertThat(Files.exists(dataDir.resolve("postgres/PG_VERSION"))).isTrue();

      try (Connection c = DriverManager.getConnection(PgUrls.toJdbcUrl(first.pgUrl()));
          Statement st = c.createStatement()) {
        st.execute("CREATE TABLE survivor (id int PRIMARY KEY, name text)");
        st.execute("INSERT INTO survivor VALUES (1, 'still here')");
      }
      assertThat(redis(first.redisUrl(), "SET", "survivor", "still here")).isEqualTo("OK");
      pgPort = port(first.pgUrl());
      redisPort = port(first.redisUrl());

      // the same data directory cannot be used twice at once
      assertThatThrownBy(
              () -> InfrastructureEndpoints.resolve(null, null, EmbeddedMode.ALWAYS, dataDir))
          .isInstanceOf(InfrastructureException.class)
          .hasMessageContaining("in use");
      // a second instance elsewhere gets other (free) ports
      try (InfrastructureEndpoints other =
          InfrastructureEndpoints.resolve(
              null, null, EmbeddedMode.ALWAYS, dataDir.resolve("other"))) {
        assertThat(port(other.pgUrl())).isNotEqualTo(pgPort);
        assertThat(port(other.redisUrl())).isNotEqualTo(redisPort);
        assertThat(redis(other.redisUrl(), "GET", "survivor")).isNull();
      }
    } finally {
      first.close();
    }
    first.close(); // idempotent

    assertThat(listening(pgPort)).as("embedded PostgreSQL stopped").isFalse();
    assertThat(listening(redisPort)).as("embedded Redis stopped").isFalse();

    try (InfrastructureEndpoints second =
        InfrastructureEndpoints.resolve(null, null, EmbeddedMode.ALWAYS, dataDir)) {
      try (Connection c = DriverManager.getConnection(PgUrls.toJdbcUrl(second.pgUrl()));
          Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT name FROM survivor WHERE id = 1")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("still here");
      }
      assertThat(redis(second.redisUrl(), "GET", "survivor")).isEqualTo("still here");
    }
  }

  @Test
  void unreachableConfiguredPgUrlIsAStartupErrorNamingTheUrl() {
    assertThatThrownBy(
            () ->
                InfrastructureEndpoints.resolve(
                    "postgresql://postgres:s3cret@127.0.0.1:1/postgres",
                    null,
                    EmbeddedMode.ALWAYS,
                    dataDir))
        .isInstanceOf(InfrastructureException.class)
        .hasMessageContaining("PG_URL")
        .hasMessageContaining("postgresql://postgres@127.0.0.1:1/postgres")
        .hasMessageNotContaining("s3cret")
        .hasMessageContaining("refused");
    assertThat(dataDir.resolve("postgres")).doesNotExist(); // no silent fallback to embedded
  }

  @Test
  void unreachableConfiguredRedisUrlIsAStartupErrorNamingTheUrl() {
    assertThatThrownBy(
            () ->
                InfrastructureEndpoints.resolve(
                    null, "redis://:s3cret@127.0.0.1:1/0", EmbeddedMode.ALWAYS, dataDir))
        .isInstanceOf(InfrastructureException.class)
        .hasMessageContaining("REDIS_URL")
        .hasMessageContaining("redis://127.0.0.1:1/0")
        .hasMessageNotContaining("s3cret")
        .hasMessageContaining("refused");
    assertThat(dataDir.resolve("redis")).doesNotExist();
    assertThat(dataDir.resolve("postgres")).doesNotExist();
  }

  @Test
  void autoWithNothingSetPicksTheLocalDefaultServers() {
    assumeTrue(
        listening(5432) && listening(6379), "needs local PostgreSQL on 5432 and Redis on 6379");
    try (InfrastructureEndpoints e =
        InfrastructureEndpoints.resolve(null, null, EmbeddedMode.AUTO, dataDir)) {
      assertThat(e.pgUrl()).isEqualTo(InfrastructureEndpoints.LOCAL_DEFAULT_PG_URL);
      assertThat(e.redisUrl()).isEqualTo(InfrastructureEndpoints.LOCAL_DEFAULT_REDIS_URL);
      assertThat(e.pgMode()).isEqualTo("local default server");
      assertThat(e.redisMode()).isEqualTo("local default server");
      assertThat(e.isPgEmbedded()).isFalse();
      assertThat(e.isRedisEmbedded()).isFalse();
    }
    assertThat(dataDir.resolve("postgres")).doesNotExist();
  }

  @Test
  void configuredUrlsWinEvenInModeAlways() {
    assumeTrue(
        listening(5432) && listening(6379), "needs local PostgreSQL on 5432 and Redis on 6379");
    try (InfrastructureEndpoints e =
        InfrastructureEndpoints.resolve(
            "postgresql://postgres@127.0.0.1:5432/postgres",
            "redis://127.0.0.1:6379",
            EmbeddedMode.ALWAYS,
            dataDir)) {
      assertThat(e.pgMode()).isEqualTo("configured");
      assertThat(e.redisMode()).isEqualTo("configured");
      assertThat(e.pgUrl()).isEqualTo("postgresql://postgres@127.0.0.1:5432/postgres");
    }
    assertThat(dataDir.resolve("postgres")).doesNotExist();
  }

  @Test
  void redisCheckAcceptsPongAndRejectsNonRedis() throws Exception {
    assumeTrue(
        listening(6379) && listening(5432), "needs local Redis on 6379 and PostgreSQL on 5432");
    RedisProbe.check("redis://127.0.0.1:6379", Duration.ofSeconds(3));
    // PostgreSQL does not answer PING with +PONG
    assertThatThrownBy(() -> RedisProbe.check("redis://127.0.0.1:5432", Duration.ofSeconds(2)))
        .isInstanceOf(IOException.class);
  }

  // ------------------------------------------------------------------------------------------

  private static int port(String url) {
    String afterHost = url.substring(url.lastIndexOf(':') + 1);
    return Integer.parseInt(afterHost.replaceAll("[^0-9].*$", ""));
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Minimal RESP client: sends one command, returns a simple/bulk string reply (null for nil). */
  private static String redis(String url, String... args) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port(url)), 2000);
      s.setSoTimeout(3000);
      StringBuilder cmd = new StringBuilder("*").append(args.length).append("\r\n");
      for (String a : args) {
        cmd.append('$')
            .append(a.getBytes(StandardCharsets.UTF_8).length)
            .append("\r\n")
            .append(a)
            .append("\r\n");
      }
      OutputStream out = s.getOutputStream();
      out.write(cmd.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = s.getInputStream();
      String line = readLine(in);
      switch (line.charAt(0)) {
        case '+':
          return line.substring(1);
        case '$':
          {
            int len = Integer.parseInt(line.substring(1));
            if (len < 0) {
              return null;
            }
            byte[] data = in.readNBytes(len + 2);
            return new String(data, 0, len, StandardCharsets.UTF_8);
          }
        default:
          throw new IOException("Redis replied " + line);
      }
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1 && b != '\n') {
      if (b != '\r') {
        buf.write(b);
      }
    }
    return buf.toString(StandardCharsets.UTF_8);
  }
}
