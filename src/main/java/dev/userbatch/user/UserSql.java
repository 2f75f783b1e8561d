package dev.userbatch.user;

/**
 * Every statement is fixed text with array parameters, so one prepared statement serves a chunk
 * of any size and stays in the prepared-statement cache.
 */
final class UserSql {
  private UserSql() {
  }

  static final String PUBLIC_COLUMNS =
      "id, email, name, version, created_at, updated_at, last_login_at, deleted_at";

  /** One statement per chunk; conflicts (email taken, id already inserted) are left out of RETURNING. */
  static final String INSERT_USERS =
      "INSERT INTO users (id, email, name, password_hash) "
          + "SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) "
          + "ON CONFLICT DO NOTHING "
          + "RETURNING " + PUBLIC_COLUMNS;

  static final String FIND_ANY_BY_IDS =
      "SELECT " + PUBLIC_COLUMNS + " FROM users WHERE id = ANY($1::uuid[])";

  static final String FIND_ACTIVE_BY_IDS =
      "SELECT " + PUBLIC_COLUMNS + " FROM users WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL";
}
