package dev.userbatch.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The exact user-id test against a full-match regex, on the edge cases and on random mutations. */
class UserIdsTest {
  private static final String ID = "01a227e3-4507-71b8-a788-1ddef659035e";

  /** {@code matches()} is a whole-string match: no {@code $} and its line-terminator exception. */
  private static final Pattern EXACT =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  @Test
  void acceptsUuidsInEitherCaseAsTheirValue() {
    assertThat(UserIds.parse(ID)).isEqualTo(UUID.fromString(ID));
    assertThat(UserIds.parse(ID.toUpperCase())).isEqualTo(UUID.fromString(ID));
  }

  @Test
  void refusesWhatUuidFromStringWouldReadOrChokeOn() {
    for (String bad :
        List.of(
            ID + "\n",
            ID + "\r\n",
            ID + "\u2028",
            " " + ID,
            ID.substring(1),
            ID + "0",
            "1-1-1-1-1",
            "+1a227e3-4507-71b8-a788-1ddef659035e",
            "01a227e3-4507-71b8-a788+1ddef659035e",
            "01a227e3-4507-71b8-a788-1ddef65903\u0663e",
            "01a227e3-4507-71b8-a788-1ddef659035\uFF41",
            "")) {
      assertThat(UserIds.parse(bad)).as(bad).isNull();
    }
    assertThat(UserIds.parse(null)).isNull();
    assertThat(UserIds.parse(42)).isNull();
  }

  @Test
  void agreesWithAWholeStringRegexOnRandomMutations() {
    long seed = Long.getLong("fuzz.seed", System.nanoTime());
    Random random = new Random(seed);
    String alphabet = "0123456789abcdefABCDEFgG-+ \n\r\u0085\u2028\u0663\uFF41";
    for (int round = 0; round < 50_000; round++) {
      StringBuilder s = new StringBuilder(ID);
      for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
        char c = alphabet.charAt(random.nextInt(alphabet.length()));
        int at = random.nextInt(s.length() + 1);
        switch (random.nextInt(3)) {
          case 0 -> s.insert(at, c);
          case 1 -> s.deleteCharAt(Math.min(at, s.length() - 1));
          default -> s.setCharAt(Math.min(at, s.length() - 1), c);
        }
      }
      String candidate = s.toString();
      boolean expected = EXACT.matcher(candidate).matches();
      assertThat(UserIds.parse(candidate) != null)
          .as(
              "seed %d (-Dfuzz.seed), %s",
              seed, candidate.codePoints().mapToObj(Integer::toHexString).toList())
          .isEqualTo(expected);
    }
  }
}
