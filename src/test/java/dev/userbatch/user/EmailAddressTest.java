package dev.userbatch.user;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class EmailAddressTest {
  @Test
  void theAsciiShortcutNormalisesAsTheFullPathDoes() {
    List<String> fixed = List.of("User@Example.COM", "  a@b.co \t", "a@xn--bcher-kva.de", "A@XN--BCHER-KVA.DE",
        "a@-bad.com", "a@bad-.com", "a@a..b", "a@", "@b.com", "plain", "a@b@c.com", "a@b.com.", "ü@bücher.de",
        "a@" + "x".repeat(64) + ".com", "a@xn--zz.com");
    for (String raw : fixed) {
      assertThat(EmailAddress.normalize(raw)).as(raw).isEqualTo(EmailAddress.normalizeFully(raw));
    }
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    String alphabet = "aZ0.-@_+ xnXN-é\t";
    for (int i = 0; i < 20000; i++) {
      StringBuilder raw = new StringBuilder();
      for (int n = random.nextInt(20); n > 0; n--) {
        raw.append(random.nextInt(4) == 0 ? "xn--" : String.valueOf(alphabet.charAt(random.nextInt(alphabet.length()))));
      }
      String email = raw.toString();
      assertThat(EmailAddress.normalize(email)).as("seed %d: %s", seed, email)
          .isEqualTo(EmailAddress.normalizeFully(email));
      assertThat(EmailAddress.isValid(EmailAddress.normalize(email))).as("seed %d: %s", seed, email)
          .isEqualTo(EmailAddress.isValid(EmailAddress.normalizeFully(email)));
    }
  }
}
