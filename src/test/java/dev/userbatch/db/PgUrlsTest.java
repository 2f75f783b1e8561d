package dev.userbatch.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PgUrlsTest {

  @Test
  void convertsToJdbcUrl() {
    assertThat(PgUrls.toJdbcUrl("postgresql://postgres@127.0.0.1:5432/postgres"))
        .isEqualTo("jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
    assertThat(PgUrls.toJdbcUrl("postgresql://app:s3cret@db:5433/appdb?sslmode=require"))
        .isEqualTo("jdbc:postgresql://db:5433/appdb?user=app&password=s3cret&sslmode=require");
    assertThat(PgUrls.toJdbcUrl("postgres://db/appdb")).isEqualTo("jdbc:postgresql://db/appdb");
  }

  @Test
  void reEncodesSpecialCharactersInCredentials() {
    // password "p@ss w+rd&x" percent-encoded in the URL
    String url = "postgresql://app:p%40ss%20w+rd%26x@db:5432/app";
    assertThat(PgUrls.password(url)).isEqualTo("p@ss w+rd&x");
    assertThat(PgUrls.user(url)).isEqualTo("app");
    assertThat(PgUrls.toJdbcUrl(url))
        .isEqualTo("jdbc:postgresql://db:5432/app?user=app&password=p%40ss+w%2Brd%26x");
  }

  @Test
  void defaultsAndPassthrough() {
    assertThat(PgUrls.toJdbcUrl("postgresql://bob@db"))
        .isEqualTo("jdbc:postgresql://db/bob?user=bob");
    assertThat(PgUrls.toJdbcUrl("jdbc:postgresql://h:1/d?user=u"))
        .isEqualTo("jdbc:postgresql://h:1/d?user=u");
    assertThatThrownBy(() -> PgUrls.toJdbcUrl("mysql://u:pw@h/d"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("pw");
  }

  @Test
  void redactsPasswords() {
    assertThat(PgUrls.redact("postgresql://app:secret@db:5432/app"))
        .isEqualTo("postgresql://app@db:5432/app");
    assertThat(PgUrls.redact("redis://:secret@cache:6379/0")).isEqualTo("redis://cache:6379/0");
    assertThat(PgUrls.redact("redis://user:secret@cache:6379"))
        .isEqualTo("redis://user@cache:6379");
    assertThat(PgUrls.redact("postgresql://db/app?user=a&password=secret&ssl=true"))
        .isEqualTo("postgresql://db/app?user=a&password=***&ssl=true");
    assertThat(PgUrls.redact("redis://127.0.0.1:6379")).isEqualTo("redis://127.0.0.1:6379");
    assertThat(PgUrls.redact(null)).isNull();
  }
}
