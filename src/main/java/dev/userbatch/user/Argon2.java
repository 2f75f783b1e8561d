package dev.userbatch.user;

import com.sun.jna.Memory;
import de.mkammerer.argon2.jna.Argon2Library;
import de.mkammerer.argon2.jna.Argon2_context;
import de.mkammerer.argon2.jna.Argon2_type;
import de.mkammerer.argon2.jna.Argon2_version;
import de.mkammerer.argon2.jna.JnaUint32;

/**
 * Argon2 (RFC 9106) computed by the reference C implementation (phc-winner-argon2's libargon2,
 * bundled for linux-x86-64 and other platforms by {@code de.mkammerer:argon2-jvm}, LGPL-3.0, called
 * through JNA). Its Argon2 memory is native ({@code malloc}ed per hash and wiped by libargon2
 * before it is freed), so a hash puts nothing on the Java heap but the few small copies below.
 *
 * <p>Why argon2-jvm's low-level {@code argon2_ctx} binding and not {@code
 * Argon2Advanced.rawHashAdvanced}: that method sets {@code threads = lanes}, so verifying a stored
 * hash with p=4 would start 4 native threads behind the back of the hashing pool's
 * one-thread-per-core limit; here {@code threads} is 1 and the lanes run one after the other on the
 * calling thread (same tag). It also cannot hash an empty password (JNA refuses a zero-length
 * {@link Memory}); here an empty input is a {@code NULL} pointer.
 *
 * <p>Thread-safe: every call has its own context and buffers.
 */
final class Argon2 {

  /**
   * Argon2 types, the RFC's {@code y} (libargon2's {@code argon2_type}, BouncyCastle's values too).
   */
  static final int ARGON2_D = 0;

  static final int ARGON2_I = 1;
  static final int ARGON2_ID = 2;

  static final int VERSION_10 = 0x10;
  static final int VERSION_13 = 0x13;

  /**
   * Largest memory accepted (4 GiB). libargon2 itself accepts up to 2^32-1 KiB and would try to
   * {@code malloc} it; callers bound what they pass (the verifier at 1 GiB), this is the last
   * guard.
   */
  static final int MAX_MEMORY_KIB = 1 << 22;

  private static final int ARGON2_OK = 0;
  private static final int ARGON2_MEMORY_ALLOCATION_ERROR = -22;

  private Argon2() {}

  /**
   * Loads libargon2 now, so a platform without a bundled build, or a temp directory JNA cannot
   * unpack it to and execute from, stops the service at start-up instead of failing every plaintext
   * item later.
   *
   * @throws IllegalStateException naming the platform and the settings that decide where JNA
   *     unpacks
   */
  static void requireNativeLibrary() {
    try {
      Argon2Library.INSTANCE.argon2_error_message(ARGON2_OK);
    } catch (LinkageError e) {
      throw new IllegalStateException(
          "libargon2 (argon2-jvm, through JNA) cannot be loaded on "
              + System.getProperty("os.name")
              + "/"
              + System.getProperty("os.arch")
              + "; JNA unpacks it to -Djna.tmpdir or else java.io.tmpdir, which must allow executing: "
              + e,
          e);
    }
  }

  /**
   * Computes the tag into {@code out} (its length is the tag length, at least 4 bytes).
   *
   * @param secret the RFC's K, or {@code null}
   * @param ad the RFC's X (associated data), or {@code null}
   * @throws IllegalArgumentException for parameters libargon2 (or {@link #MAX_MEMORY_KIB}) refuses
   * @throws IllegalStateException if the native memory cannot be allocated
   */
  static void hash(
      int type,
      int version,
      int memoryKiB,
      int iterations,
      int parallelism,
      byte[] password,
      byte[] salt,
      byte[] secret,
      byte[] ad,
      byte[] out) {
    if (type < ARGON2_D || type > ARGON2_ID) {
      throw new IllegalArgumentException("unknown Argon2 type " + type);
    }
    if (version != VERSION_10 && version != VERSION_13) {
      throw new IllegalArgumentException("unknown Argon2 version " + version);
    }
    if (memoryKiB > MAX_MEMORY_KIB) {
      throw new IllegalArgumentException("memoryKiB above " + MAX_MEMORY_KIB + ": " + memoryKiB);
    }
    if (out.length < 4) {
      throw new IllegalArgumentException("tag length must be >= 4, got " + out.length);
    }
    Memory tag = new Memory(out.length);
    Memory pwd = copy(password);
    Memory saltCopy = copy(salt);
    Memory secretCopy = copy(secret);
    Memory adCopy = copy(ad);
    try {
      Argon2_context.ByReference ctx = new Argon2_context.ByReference();
      ctx.out = tag;
      ctx.outlen = new JnaUint32(out.length);
      ctx.pwd = pwd;
      ctx.pwdlen = new JnaUint32(length(password));
      ctx.salt = saltCopy;
      ctx.saltlen = new JnaUint32(length(salt));
      ctx.secret = secretCopy;
      ctx.secretlen = new JnaUint32(length(secret));
      ctx.ad = adCopy;
      ctx.adlen = new JnaUint32(length(ad));
      // JnaUint32 is unsigned on the C side: a negative int would arrive as a huge count.
      ctx.t_cost = new JnaUint32(Math.max(iterations, 0));
      ctx.m_cost = new JnaUint32(Math.max(memoryKiB, 0));
      ctx.lanes = new JnaUint32(Math.max(parallelism, 0));
      ctx.threads = new JnaUint32(1);
      ctx.version = new Argon2_version(version);
      ctx.allocate_cbk = null;
      ctx.free_cbk = null;
      ctx.flags = new JnaUint32(0); // our native copies are wiped below, whatever happens
      int result = Argon2Library.INSTANCE.argon2_ctx(ctx, new Argon2_type(type));
      if (result == ARGON2_MEMORY_ALLOCATION_ERROR) {
        throw new IllegalStateException("libargon2 could not allocate " + memoryKiB + " KiB");
      }
      if (result != ARGON2_OK) {
        throw new IllegalArgumentException(
            "libargon2: "
                + Argon2Library.INSTANCE.argon2_error_message(result)
                + " ("
                + result
                + ")");
      }
      tag.read(0, out, 0, out.length);
    } finally {
      wipe(tag);
      wipe(pwd);
      wipe(saltCopy);
      wipe(secretCopy);
      wipe(adCopy);
    }
  }

  private static int length(byte[] bytes) {
    return bytes == null ? 0 : bytes.length;
  }

  /**
   * A native copy, or {@code null} (a C {@code NULL} with length 0) for an absent or empty input.
   */
  private static Memory copy(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      return null;
    }
    Memory memory = new Memory(bytes.length);
    memory.write(0, bytes, 0, bytes.length);
    return memory;
  }

  /**
   * Zeroes and frees now, rather than whenever the garbage collector finalises the {@link Memory}.
   */
  private static void wipe(Memory memory) {
    if (memory != null) {
      memory.clear();
      memory.close();
    }
  }
}
