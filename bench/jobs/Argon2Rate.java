import dev.userbatch.user.PasswordHasher;

/**
 * The Argon2id ceiling of a plaintext job, in the bench JVM: hashes per second of the service's own
 * hasher on one thread, over about 3 s. Run: java -cp <fat jar> bench/jobs/Argon2Rate.java
 */
public class Argon2Rate {
  public static void main(String[] args) {
    PasswordHasher hasher = PasswordHasher.owaspDefault();
    for (int i = 0; i < 5; i++) {
      hasher.hash("warm-up-" + i);
    }
    long t0 = System.nanoTime();
    int hashes = 0;
    while (hashes < 10 || System.nanoTime() - t0 < 3_000_000_000L) {
      hasher.hash("rate-password-" + hashes);
      hashes++;
    }
    System.out.printf("%.2f%n", hashes / ((System.nanoTime() - t0) / 1e9));
  }
}
