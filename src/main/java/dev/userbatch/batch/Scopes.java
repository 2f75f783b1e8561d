package dev.userbatch.batch;

/** The two scopes of the API: reading users, and everything that changes them. */
public final class Scopes {
  public static final String READ = "users:read";
  public static final String WRITE = "users:write";

  private Scopes() {}
}
