package dev.userbatch.user;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fast writing and reading of timestamps against Instant's own, on random instants and on odd
 * ones.
 */
class IsoInstantsTest {

  @Test
  void writesAndReadsAsInstantDoes() {
    Random random = new Random(20260102);
    long min = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    for (int i = 0; i < 50_000; i++) {
      long seconds = min + (long) (random.nextDouble() * (max - min));
      int nanos =
          switch (i % 4) {
            case 0 -> 0;
            case 1 -> random.nextInt(1_000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1_000;
            default -> random.nextInt(1_000_000_000);
          };
      Instant instant = Instant.ofEpochSecond(seconds, nanos);
      String text = instant.toString();
      assertThat(IsoInstants.format(instant)).isEqualTo(text);
      assertThat(IsoInstants.parse(text)).as(text).isEqualTo(instant);
    }
  }

  @Test
  void instantsOutsideTheFastYearsAreWrittenAsInstantWritesThem() {
    for (Instant instant :
        List.of(
            Instant.MIN,
            Instant.MAX,
            Instant.EPOCH,
            Instant.parse("-0001-12-31T23:59:59.5Z"),
            Instant.parse("+10000-01-01T00:00:00Z"),
            Instant.parse("0000-01-01T00:00:00Z"),
            Instant.parse("9999-12-31T23:59:59.999999999Z"),
            Instant.ofEpochSecond(-1, 1))) {
      assertThat(IsoInstants.format(instant)).isEqualTo(instant.toString());
    }
  }

  @Test
  void anyOtherTextIsReadAsInstantParseReadsIt() {
    for (String text :
        List.of(
            "+10000-01-01T00:00:00Z",
            "2026-01-02T03:04:05.1Z",
            "2026-01-02T03:04:05.12345Z",
            "2024-02-29T00:00:00Z",
            "2026-12-31T23:59:59.999999999Z",
            "2026-01-02T03:04:05.Z",
            "2026-01-02T24:00:00Z",
            "2026-01-02T23:59:60Z",
            "2026-01-02T03:04:05+01:00",
            "2026-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-01-0xT03:04:05Z",
            "2026-01-02 03:04:05Z",
            "2026-01-02T03:04:05.12xZ",
            "")) {
      Object expected;
      try {
        expected = Instant.parse(text);
      } catch (DateTimeException e) {
        expected = e.getClass();
      }
      Object actual;
      try {
        actual = IsoInstants.parse(text);
      } catch (DateTimeException e) {
        actual = e.getClass();
      }
      assertThat(actual).as(text).isEqualTo(expected);
    }
  }
}
