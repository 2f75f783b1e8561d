package dev.userbatch.db;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Small helpers for {@code postgresql://user[:pass]@host[:port]/db[?params]} URLs (the libpq /
 * Vert.x style used in PG_URL).
 */
public final class PgUrls {

  private static final Pattern PASSWORD_PARAM =
      Pattern.compile("(?i)([?&](?:password|pass|pwd)=)[^&#]*");

  private PgUrls() {}

  /**
   * Converts {@code postgresql://user[:pass]@host[:port]/db[?params]} (scheme {@code postgres://}
   * also accepted) into {@code jdbc:postgresql://host:port/db?user=..&password=..[&params]}. User
   * and password are percent-decoded from the URL and re-encoded as JDBC query parameters; other
   * query parameters (e.g. {@code sslmode=require}) are passed through unchanged. A URL that
   * already starts with {@code jdbc:postgresql:} is returned as is. Defaults: host {@code
   * localhost}, port {@code 5432}, database = the user name, or {@code postgres} without user.
   *
   * @throws IllegalArgumentException if the URL is null/blank or not a postgresql:// URL
   */
  public static String toJdbcUrl(String pgUrl) {
    Parts p = parse(pgUrl);
    if (p.jdbcPassthrough) {
      return p.original;
    }
    StringBuilder sb =
        new StringBuilder("jdbc:postgresql://").append(p.hostPort).append('/').append(p.rawDb);
    char sep = '?';
    if (p.user != null) {
      sb.append(sep).append("user=").append(encode(p.user));
      sep = '&';
    }
    if (p.password != null) {
      sb.append(sep).append("password=").append(encode(p.password));
      sep = '&';
    }
    if (p.rawQuery != null && !p.rawQuery.isEmpty()) {
      sb.append(sep).append(p.rawQuery);
    }
    return sb.toString();
  }

  /** The (decoded) user name of a postgresql:// URL, or null if it has none. */
  public static String user(String pgUrl) {
    return parse(pgUrl).user;
  }

  /** The (decoded) password of a postgresql:// URL, or null if it has none. */
  public static String password(String pgUrl) {
    return parse(pgUrl).password;
  }

  /**
   * Removes the password from any {@code scheme://user:pass@host...} URL (also a {@code password=}
   * query parameter), for logs and error messages: {@code postgresql://app:secret@db:5432/app}
   * becomes {@code postgresql://app@db:5432/app}, {@code redis://:secret@cache:6379} becomes {@code
   * redis://cache:6379}. Null stays null.
   */
  public static String redact(String url) {
    if (url == null) {
      return null;
    }
    String result = url;
    int schemeEnd = url.indexOf("://");
    if (schemeEnd >= 0) {
      String prefix = url.substring(0, schemeEnd + 3);
      String rest = url.substring(schemeEnd + 3);
      int query = indexOfAny(rest, '?', '#');
      int at = rest.lastIndexOf('@', query < 0 ? rest.length() - 1 : query - 1);
      if (at >= 0) {
        String userInfo = rest.substring(0, at);
        int colon = userInfo.indexOf(':');
        String user = colon >= 0 ? userInfo.substring(0, colon) : userInfo;
        result = prefix + (user.isEmpty() ? "" : user + "@") + rest.substring(at + 1);
      }
    }
    return PASSWORD_PARAM.matcher(result).replaceAll("$1***");
  }

  // ------------------------------------------------------------------------------------------

  static final class Parts {
    String original;
    boolean jdbcPassthrough;
    String user;
    String password;
    String hostPort;
    String rawDb;
    String rawQuery;
  }

  static Parts parse(String pgUrl) {
    if (pgUrl == null || pgUrl.isBlank()) {
      throw new IllegalArgumentException("PostgreSQL URL is empty");
    }
    Parts p = new Parts();
    p.original = pgUrl.trim();
    String lower = p.original.toLowerCase(Locale.ROOT);
    if (lower.startsWith("jdbc:postgresql:")) {
      p.jdbcPassthrough = true;
      return p;
    }
    String rest;
    if (lower.startsWith("postgresql://")) {
      rest = p.original.substring("postgresql://".length());
    } else if (lower.startsWith("postgres://")) {
      rest = p.original.substring("postgres://".length());
    } else {
      throw new IllegalArgumentException(
          "Not a PostgreSQL URL (expected postgresql://user[:password]@host:port/db): "
              + redact(p.original));
    }
    int hash = rest.indexOf('#');
    if (hash >= 0) {
      rest = rest.substring(0, hash);
    }
    int q = rest.indexOf('?');
    if (q >= 0) {
      p.rawQuery = rest.substring(q + 1);
      rest = rest.substring(0, q);
    }
    // user info ends at the last '@' (passwords with an unencoded '@' still work)
    int at = rest.lastIndexOf('@');
    String afterUser = rest;
    if (at >= 0) {
      String userInfo = rest.substring(0, at);
      afterUser = rest.substring(at + 1);
      int colon = userInfo.indexOf(':');
      String u = colon >= 0 ? userInfo.substring(0, colon) : userInfo;
      p.user = u.isEmpty() ? null : decode(u);
      p.password = colon >= 0 ? decode(userInfo.substring(colon + 1)) : null;
    }
    int slash = afterUser.indexOf('/');
    String hostPort = slash >= 0 ? afterUser.substring(0, slash) : afterUser;
    String db = slash >= 0 ? afterUser.substring(slash + 1) : "";
    if (hostPort.isEmpty()) {
      hostPort = "localhost";
    }
    p.hostPort = hostPort;
    if (db.isEmpty()) {
      db = p.user != null ? encode(p.user) : "postgres";
    }
    p.rawDb = db;
    return p;
  }

  private static int indexOfAny(String s, char a, char b) {
    int ia = s.indexOf(a);
    int ib = s.indexOf(b);
    if (ia < 0) {
      return ib;
    }
    if (ib < 0) {
      return ia;
    }
    return Math.min(ia, ib);
  }

  /** Percent-decoding as in URIs ('+' stays '+'). */
  static String decode(String s) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s; // not validly encoded: take it literally
    }
  }

  /** Encoding matching pgjdbc's URLDecoder-based parsing of query parameters. */
  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
