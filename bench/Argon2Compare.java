package dev.userbatch.user;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Run by bench/argon2-compare.sh: ms per Argon2id hash (m=19456 KiB, t=2, p=1) on one thread, the
 * old hand-written implementation ({@code old.Argon2}) against libargon2 ({@link Argon2}), same
 * JVM, both warmed up, measured alternately in rounds so a change of machine load hits both alike.
 */
public final class Argon2Compare {

  private interface Hash {
    void run(byte[] password, byte[] salt, byte[] out);
  }

  public static void main(String[] args) {
    int warmup = Integer.parseInt(args[0]);
    int n = Integer.parseInt(args[1]);
    Hash handWritten =
        (pw, salt, out) ->
            old.Argon2.hash(
                Argon2.ARGON2_ID, Argon2.VERSION_13, 19456, 2, 1, pw, salt, null, null, out);
    Hash libargon2 =
        (pw, salt, out) ->
            Argon2.hash(
                Argon2.ARGON2_ID, Argon2.VERSION_13, 19456, 2, 1, pw, salt, null, null, out);
    byte[] password = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);
    byte[] salt = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    byte[] a = new byte[32];
    byte[] b = new byte[32];
    handWritten.run(password, salt, a);
    libargon2.run(password, salt, b);
    if (!Arrays.equals(a, b)) {
      throw new AssertionError("the two implementations disagree");
    }
    for (int i = 0; i < warmup; i++) {
      handWritten.run(password, salt, a);
      libargon2.run(password, salt, b);
    }
    double[] old = new double[n];
    double[] lib = new double[n];
    for (int i = 0; i < n; i++) {
      old[i] = time(handWritten, password, salt, a);
      lib[i] = time(libargon2, password, salt, b);
    }
    System.out.printf(
        "Argon2id m=19456 KiB t=2 p=1, 1 thread, %d warm-up + %d measured hashes each%n",
        warmup, n);
    print("hand-written (RFC 9106, Java)", old);
    print("libargon2 via argon2-jvm 2.12", lib);
  }

  private static double time(Hash hash, byte[] password, byte[] salt, byte[] out) {
    long start = System.nanoTime();
    hash.run(password, salt, out);
    return (System.nanoTime() - start) / 1e6;
  }

  private static void print(String name, double[] ms) {
    double[] s = ms.clone();
    Arrays.sort(s);
    double median =
        s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    System.out.printf(
        "  %-32s median %6.1f ms  min %6.1f  max %6.1f%n", name, median, s[0], s[s.length - 1]);
  }
}
