package dev.userbatch.user;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.IDN;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class EmailAddressTest {
  @Test
  void theAsciiShortcutNormalisesAsTheFullPathDoes() {
    List<String> fixed =
        List.of(
            "User@Example.COM",
            "  a@b.co \t",
            "a@xn--bcher-kva.de",
            "A@XN--BCHER-KVA.DE",
            "a@-bad.com",
            "a@bad-.com",
            "a@a..b",
            "a@",
            "@b.com",
            "plain",
            "a@b@c.com",
            "a@b.com.",
            "ü@bücher.de",
            "a@" + "x".repeat(64) + ".com",
            "a@xn--zz.com");
    for (String raw : fixed) {
      assertThat(EmailAddress.normalize(raw)).as(raw).isEqualTo(EmailAddress.normalizeFully(raw));
    }
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    String alphabet = "aZ0.-@_+ xnXN-é\t";
    for (int i = 0; i < 20000; i++) {
      StringBuilder raw = new StringBuilder();
      for (int n = random.nextInt(20); n > 0; n--) {
        raw.append(
            random.nextInt(4) == 0
                ? "xn--"
                : String.valueOf(alphabet.charAt(random.nextInt(alphabet.length()))));
      }
      String email = raw.toString();
      assertThat(EmailAddress.normalize(email))
          .as("seed %d: %s", seed, email)
          .isEqualTo(EmailAddress.normalizeFully(email));
      assertThat(EmailAddress.isValid(EmailAddress.normalize(email)))
          .as("seed %d: %s", seed, email)
          .isEqualTo(EmailAddress.isValid(EmailAddress.normalizeFully(email)));
    }
  }

  private static final Pattern LOCAL =
      Pattern.compile("^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$");
  private static final Pattern LABEL = Pattern.compile("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$");

  /** The rules written as regexes and with IDN for every domain: the reference for isValid. */
  private static boolean validByPatterns(String normalized) {
    int at = normalized.lastIndexOf('@');
    if (normalized.length() > 254
        || at < 1
        || at > 64
        || at == normalized.length() - 1
        || !LOCAL.matcher(normalized.substring(0, at)).matches()) {
      return false;
    }
    String ascii;
    try {
      ascii =
          IDN.toASCII(normalized.substring(at + 1), IDN.USE_STD3_ASCII_RULES)
              .toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      return false;
    }
    String[] labels = ascii.split("\\.", -1);
    if (labels.length < 2 || ascii.length() > 253) {
      return false;
    }
    for (String label : labels) {
      if (!LABEL.matcher(label).matches()) {
        return false;
      }
    }
    return !labels[labels.length - 1].chars().allMatch(Character::isDigit);
  }

  @Test
  void validityIsDecidedAsTheRegexRulesDecideIt() {
    List<String> fixed =
        List.of(
            "a@b.co",
            "a.b@c.de",
            ".a@b.co",
            "a.@b.co",
            "a..b@c.de",
            "a@b",
            "a@1.23",
            "a@b.c1",
            "a@-b.co",
            "a@b-.co",
            "a@" + "x".repeat(63) + ".co",
            "a@" + "x".repeat(64) + ".co",
            "a@xn--bcher-kva.de",
            "a@xn--zz.com",
            "ü@b.co",
            "a@bücher.de",
            "a@b..co",
            "a@b.co.",
            "a b@c.de",
            "{x}|~@c.de",
            "a@b_c.de");
    for (String email : fixed) {
      assertThat(EmailAddress.isValid(email)).as(email).isEqualTo(validByPatterns(email));
    }
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    String[] pieces = {
      "a", "z", "0", "9", ".", "-", "@", "_", "+", "{", "xn--", "ü", " ", "b.co", "@ex.com", "x"
    };
    for (int i = 0; i < 50000; i++) {
      StringBuilder email = new StringBuilder();
      for (int n = 1 + random.nextInt(12); n > 0; n--) {
        email.append(pieces[random.nextInt(pieces.length)]);
      }
      String normalized = EmailAddress.normalize(email.toString());
      assertThat(EmailAddress.isValid(normalized))
          .as("seed %d: %s", seed, normalized)
          .isEqualTo(validByPatterns(normalized));
    }
  }
}
