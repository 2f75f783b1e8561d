package dev.userbatch.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.userbatch.batch.ErrorCode;
import dev.userbatch.db.Transactions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each kind of chunk failure and the system error code it becomes, and what the caller and the log
 * are told: never a value quoted by PostgreSQL's detail.
 */
class SystemErrorsTest {

  private static PgException pg(String sqlState) {
    return new PgException(
        "message of " + sqlState,
        "ERROR",
        sqlState,
        "Key (lower(email))=(secret@example.com) already exists.");
  }

  static Stream<Arguments> kinds() {
    return Stream.of(
        arguments("the worker's own deadline", new Deadline.Exceeded(), ErrorCode.TIMEOUT),
        arguments("statement cancelled (57014)", pg("57014"), ErrorCode.TIMEOUT),
        arguments(
            "connection broke during COMMIT",
            new Transactions.CommitOutcomeUnknown(pg("08006")),
            ErrorCode.COMMIT_UNKNOWN),
        arguments("hashing queue full", new PasswordHashing.QueueFull(64), ErrorCode.OVERLOADED),
        arguments("connection exception (08006)", pg("08006"), ErrorCode.DATABASE_UNAVAILABLE),
        arguments("admin shutdown (57P01)", pg("57P01"), ErrorCode.DATABASE_UNAVAILABLE),
        arguments("cannot connect now (57P03)", pg("57P03"), ErrorCode.DATABASE_UNAVAILABLE),
        arguments("unique violation (23505)", pg("23505"), ErrorCode.INTERNAL),
        arguments("syntax error (42601)", pg("42601"), ErrorCode.INTERNAL),
        arguments("PostgreSQL error without a state", pg(null), ErrorCode.INTERNAL),
        arguments(
            "PostgreSQL error as a cause",
            new RuntimeException("wrapped", pg("08001")),
            ErrorCode.DATABASE_UNAVAILABLE),
        arguments(
            "I/O error",
            new IOException("Connection reset by peer"),
            ErrorCode.DATABASE_UNAVAILABLE),
        arguments(
            "refused connection",
            new ConnectException("Connection refused"),
            ErrorCode.DATABASE_UNAVAILABLE),
        arguments(
            "pool wait timed out", new TimeoutException("pool"), ErrorCode.DATABASE_UNAVAILABLE),
        arguments(
            "closed connection",
            ClosedConnectionException.INSTANCE,
            ErrorCode.DATABASE_UNAVAILABLE),
        arguments(
            "a message that says Timeout",
            new IllegalStateException("Timeout acquiring a connection"),
            ErrorCode.DATABASE_UNAVAILABLE),
        arguments(
            "I/O error as a cause",
            new RuntimeException("x", new IOException("eof")),
            ErrorCode.DATABASE_UNAVAILABLE),
        arguments("a bug", new NullPointerException("boom"), ErrorCode.INTERNAL),
        arguments("a bug with no message", new IllegalStateException(), ErrorCode.INTERNAL));
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("kinds")
  void eachKindOfFailureHasItsCode(String kind, Throwable err, ErrorCode expected) {
    assertThat(SystemErrors.codeOf(err)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}: no row values in the message")
  @MethodSource("kinds")
  void noMessageQuotesThePostgresDetail(String kind, Throwable err, ErrorCode code) {
    assertThat(SystemErrors.messageOf(code, err)).doesNotContain("secret@example.com");
    assertThat(SystemErrors.describe(err)).doesNotContain("secret@example.com");
    assertThat(String.valueOf(SystemErrors.safeCause(err).getMessage()))
        .doesNotContain("secret@example.com");
  }

  @Test
  void messagesTellTheCallerWhatHappened() {
    assertThat(SystemErrors.messageOf(ErrorCode.DATABASE_UNAVAILABLE, pg("08006")))
        .isEqualTo("Database unavailable: PostgreSQL error 08006: message of 08006");
    assertThat(SystemErrors.messageOf(ErrorCode.TIMEOUT, new Deadline.Exceeded()))
        .isEqualTo("Processing timeout: the chunk did not finish in time and was rolled back");
    assertThat(SystemErrors.messageOf(ErrorCode.TIMEOUT, pg("57014")))
        .isEqualTo("Processing timeout: the database cancelled the statement");
    assertThat(
            SystemErrors.messageOf(
                ErrorCode.COMMIT_UNKNOWN, new Transactions.CommitOutcomeUnknown(null)))
        .startsWith("Commit outcome unknown:");
    assertThat(SystemErrors.messageOf(ErrorCode.OVERLOADED, new PasswordHashing.QueueFull(64)))
        .isEqualTo("Password hashing is saturated (64 passwords queued); retry later");
    assertThat(
            SystemErrors.messageOf(ErrorCode.INTERNAL, new NullPointerException("a secret value")))
        .isEqualTo("Internal error while processing the chunk");
  }

  @Test
  void onlyState23505IsAUniqueViolation() {
    assertThat(SystemErrors.isUniqueViolation(pg("23505"))).isTrue();
    assertThat(SystemErrors.isUniqueViolation(pg("23503"))).isFalse();
    assertThat(SystemErrors.isUniqueViolation(new RuntimeException("23505"))).isFalse();
  }

  @Test
  void theSafeCauseKeepsTheStackButNotTheDetail() {
    RuntimeException wrapped = new RuntimeException("outer", pg("23505"));
    Throwable safe = SystemErrors.safeCause(wrapped);
    assertThat(safe).isNotSameAs(wrapped).hasNoCause();
    assertThat(safe.getStackTrace()).isEqualTo(wrapped.getStackTrace());
    NullPointerException bug = new NullPointerException("boom");
    assertThat(SystemErrors.safeCause(bug)).isSameAs(bug);
  }
}
