package dev.userbatch.worker;

import dev.userbatch.batch.ErrorCode;
import dev.userbatch.db.Transactions;
import io.vertx.pgclient.PgException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/** Decides which system error code a chunk failure is, and how it is told to the caller. */
final class SystemErrors {
  private SystemErrors() {}

  /** A unique index refused a row (23505). */
  static boolean isUniqueViolation(Throwable err) {
    return err instanceof PgException pg && "23505".equals(pg.getSqlState());
  }

  static ErrorCode codeOf(Throwable err) {
    if (err instanceof Deadline.Exceeded) {
      return ErrorCode.TIMEOUT;
    }
    if (err instanceof Transactions.CommitOutcomeUnknown) {
      return ErrorCode.COMMIT_UNKNOWN;
    }
    if (err instanceof PasswordHashing.QueueFull) {
      return ErrorCode.OVERLOADED;
    }
    for (Throwable t = err; t != null; t = t.getCause()) {
      if (t instanceof PgException pg) {
        String state = pg.getSqlState() == null ? "" : pg.getSqlState();
        if (state.equals("57014")) {
          return ErrorCode.TIMEOUT;
        }
        // 08: connection exception; 57P01-57P03: server shutting down or not accepting connections.
        if (state.startsWith("08") || state.startsWith("57P")) {
          return ErrorCode.DATABASE_UNAVAILABLE;
        }
        return ErrorCode.INTERNAL;
      }
      if (t instanceof IOException
          || t instanceof TimeoutException
          || t.getClass().getName().startsWith("io.netty.channel")
          || t.getClass().getSimpleName().equals("ClosedConnectionException")
          || String.valueOf(t.getMessage()).contains("Timeout")) {
        return ErrorCode.DATABASE_UNAVAILABLE;
      }
    }
    return ErrorCode.INTERNAL;
  }

  /**
   * The error for logs and callers without values from the data: PostgreSQL's detail and hint can
   * quote a row ("Key (lower(email))=(…) already exists"), so only state and message are kept.
   */
  static String describe(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause()) {
      if (t instanceof PgException pg) {
        return "PostgreSQL error " + pg.getSqlState() + ": " + pg.getErrorMessage();
      }
    }
    return err.getClass().getSimpleName() + ": " + err.getMessage();
  }

  /** The exception to log with its stack trace, with any PostgreSQL detail left out. */
  static Throwable safeCause(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause()) {
      if (t instanceof PgException) {
        RuntimeException safe = new RuntimeException(describe(err));
        safe.setStackTrace(err.getStackTrace());
        return safe;
      }
    }
    return err;
  }

  static String messageOf(ErrorCode code, Throwable err) {
    return switch (code) {
      case DATABASE_UNAVAILABLE -> "Database unavailable: " + describe(err);
      case COMMIT_UNKNOWN ->
          "Commit outcome unknown: the database connection broke during COMMIT, so the "
              + "chunk's changes may or may not have been stored; look the items up before retrying them";
      case TIMEOUT ->
          err instanceof Deadline.Exceeded
              ? "Processing timeout: the chunk did not finish in time and was rolled back"
              : "Processing timeout: the database cancelled the statement";
      case OVERLOADED -> err.getMessage();
      default -> "Internal error while processing the chunk";
    };
  }
}
