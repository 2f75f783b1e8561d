package dev.userbatch.user;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import org.bouncycastle.crypto.digests.Blake2bDigest;

/**
 * Argon2 (RFC 9106): Argon2d, Argon2i and Argon2id, versions 0x10 and 0x13, written from the RFC. Only
 * Blake2b (the RFC's {@code H}) comes from BouncyCastle.
 *
 * <p>Why this exists: BouncyCastle's {@code Argon2BytesGenerator} allocates the whole Argon2 memory on
 * every call (for m=19456 KiB that is 19456 separate {@code long[128]} blocks, 19 MiB), so a busy server
 * creates hundreds of MB/s of short-lived garbage. This class does not allocate per hash: the memory is
 * one flat {@code long[]} ({@code blocks * 128} longs, block {@code b} at offset {@code b * 128}) taken
 * from a small shared pool of idle buffers and put back afterwards, so the next hash on any thread reuses
 * it; the scratch arrays of the compression function are per thread ({@link ThreadLocal}, a few KiB). The
 * pool keeps at most {@link #MAX_IDLE_BUFFERS} buffers of at most {@link #MAX_CACHED_BLOCKS} (32 MiB)
 * each, so what stays in the heap is bounded by how many hashes run at the same time, not by how many
 * threads ever hashed (a per-thread buffer on Vert.x's 20-thread worker pool would keep 20 x 19 MiB). A
 * larger request (e.g. verifying a stored hash with m up to 1 GiB) gets a fresh array that is dropped
 * afterwards. The used part of the memory and the scratch arrays are zeroed after every hash, so
 * password-derived blocks do not linger in the heap.
 *
 * <p>Lanes are computed one after the other on the calling thread, slice by slice (a slice of every lane
 * is finished before the next slice starts, as the RFC's synchronisation points require), which gives the
 * same tag as computing the lanes in parallel.
 *
 * <p>Thread-safe: scratch state is per thread, and a memory buffer is used by one hash at a time.
 */
final class Argon2 {

    /** Argon2 types, the RFC's {@code y} (same values as BouncyCastle's {@code Argon2Parameters}). */
    static final int ARGON2_D = 0;
    static final int ARGON2_I = 1;
    static final int ARGON2_ID = 2;

    static final int VERSION_10 = 0x10;
    static final int VERSION_13 = 0x13;

    /** Largest memory (in 1 KiB blocks) whose buffer is kept for reuse: 32 MiB. */
    static final int MAX_CACHED_BLOCKS = 32 * 1024;

    /** Idle buffers kept for reuse: enough for the hashes that run at once on a small server. */
    static final int MAX_IDLE_BUFFERS = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

    private static final int SYNC_POINTS = 4;           // slices per pass (the RFC's SL)
    private static final int BLOCK_LONGS = 128;         // a 1024-byte block as 128 little-endian words
    private static final int BLOCK_BYTES = 1024;
    private static final int ADDRESSES_PER_BLOCK = 128; // one address block yields 128 (J1, J2) pairs
    private static final long MASK32 = 0xFFFFFFFFL;

    private static final VarHandle LONG_LE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long[] ZERO_BLOCK = new long[BLOCK_LONGS]; // read only
    private static final byte[] EMPTY = new byte[0];

    private static final ThreadLocal<Argon2> PER_THREAD = ThreadLocal.withInitial(Argon2::new);
    private static final BlockingQueue<long[]> IDLE_BUFFERS = new ArrayBlockingQueue<>(MAX_IDLE_BUFFERS);

    // ---- per-thread buffers, allocated once per thread ----
    private final long[] r = new long[BLOCK_LONGS];         // G: R = X xor Y, xor the old block for v1.3
    private final long[] z = new long[BLOCK_LONGS];         // G: R permuted in place
    private final long[] input = new long[BLOCK_LONGS];     // data-independent addressing: input block
    private final long[] addresses = new long[BLOCK_LONGS]; // data-independent addressing: address block
    private final byte[] blockBytes = new byte[BLOCK_BYTES];
    private final byte[] h0 = new byte[64 + 8];             // H0 || LE32(column) || LE32(lane)
    private final byte[] v = new byte[64];                  // H' chaining value
    private final byte[] le32 = new byte[4];
    private final Blake2bDigest blake512 = new Blake2bDigest(512);
    private Blake2bDigest shortDigest = new Blake2bDigest(256); // the last H' step when it is < 64 bytes

    // ---- the hash in progress ----
    private long[] memory;
    private int type;
    private int version;
    private int passes;
    private int lanes;
    private int segmentLength;
    private int laneLength;
    private int blocks;

    private Argon2() {
    }

    /**
     * Computes an Argon2 tag into {@code out}; its length is the tag length T (at least 4, may exceed 64).
     *
     * @param type        {@link #ARGON2_D}, {@link #ARGON2_I} or {@link #ARGON2_ID}
     * @param version     {@link #VERSION_10} or {@link #VERSION_13}
     * @param memoryKiB   m, at least {@code 8 * parallelism} (the RFC rounds it down to a multiple of 4p)
     * @param iterations  t, at least 1
     * @param parallelism p, 1..2^24-1 (lanes are computed sequentially on the calling thread)
     * @param password    P, any length
     * @param salt        S, any length (the RFC recommends at least 8 bytes; not enforced here)
     * @param secret      K, may be {@code null} (empty)
     * @param ad          associated data X, may be {@code null} (empty)
     * @throws IllegalArgumentException for parameters outside these ranges
     */
    static void hash(int type, int version, int memoryKiB, int iterations, int parallelism,
                     byte[] password, byte[] salt, byte[] secret, byte[] ad, byte[] out) {
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(salt, "salt");
        Objects.requireNonNull(out, "out");
        if (type < ARGON2_D || type > ARGON2_ID) {
            throw new IllegalArgumentException("unknown Argon2 type " + type);
        }
        if (version != VERSION_10 && version != VERSION_13) {
            throw new IllegalArgumentException("unknown Argon2 version " + version);
        }
        if (parallelism < 1 || parallelism > 0xFFFFFF) {
            throw new IllegalArgumentException("parallelism must be between 1 and 2^24-1, got " + parallelism);
        }
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be >= 1, got " + iterations);
        }
        if (memoryKiB < 8 * parallelism) {
            throw new IllegalArgumentException(
                    "memoryKiB must be >= 8 * parallelism (" + 8 * parallelism + "), got " + memoryKiB);
        }
        if (out.length < 4) {
            throw new IllegalArgumentException("tag length must be >= 4, got " + out.length);
        }
        int segment = memoryKiB / (SYNC_POINTS * parallelism);
        if ((long) segment * SYNC_POINTS * parallelism * BLOCK_LONGS > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("memoryKiB too large for one Java array: " + memoryKiB);
        }
        PER_THREAD.get().run(type, version, memoryKiB, iterations, parallelism, segment, password, salt,
                secret == null ? EMPTY : secret, ad == null ? EMPTY : ad, out);
    }

    private void run(int type, int version, int memoryKiB, int iterations, int parallelism, int segment,
                     byte[] password, byte[] salt, byte[] secret, byte[] ad, byte[] out) {
        this.type = type;
        this.version = version;
        this.passes = iterations;
        this.lanes = parallelism;
        this.segmentLength = segment;
        this.laneLength = segment * SYNC_POINTS;
        this.blocks = laneLength * parallelism; // m' = 4p * floor(m / 4p)
        int usedLongs = blocks * BLOCK_LONGS;
        memory = blocks <= MAX_CACHED_BLOCKS ? IDLE_BUFFERS.poll() : null;
        if (memory == null || memory.length < usedLongs) {
            memory = null;                        // an idle buffer that is too small is dropped
            memory = new long[usedLongs];
        }
        try {
            initialBlocks(memoryKiB, password, salt, secret, ad, out.length);
            for (int pass = 0; pass < passes; pass++) {
                for (int slice = 0; slice < SYNC_POINTS; slice++) {
                    for (int lane = 0; lane < lanes; lane++) {
                        fillSegment(pass, lane, slice);
                    }
                }
            }
            finish(out);
        } finally {
            Arrays.fill(memory, 0, usedLongs, 0L);
            Arrays.fill(r, 0L);
            Arrays.fill(z, 0L);
            Arrays.fill(addresses, 0L);
            Arrays.fill(blockBytes, (byte) 0);
            Arrays.fill(h0, (byte) 0);
            Arrays.fill(v, (byte) 0);
            blake512.reset();
            shortDigest.reset();
            if (memory.length <= MAX_CACHED_BLOCKS * BLOCK_LONGS) {
                IDLE_BUFFERS.offer(memory);       // dropped if the pool is full
            }
            memory = null;
        }
    }

    /** RFC 9106 3.2 steps 1-4: H0, then B[i][0] = H'(H0 || LE32(0) || LE32(i)) and B[i][1] likewise. */
    private void initialBlocks(int memoryKiB, byte[] password, byte[] salt, byte[] secret, byte[] ad,
                               int tagLength) {
        Blake2bDigest h = blake512;
        updateLe32(h, lanes);
        updateLe32(h, tagLength);
        updateLe32(h, memoryKiB);  // the requested m, not m'
        updateLe32(h, passes);
        updateLe32(h, version);
        updateLe32(h, type);
        updateLe32(h, password.length);
        h.update(password, 0, password.length);
        updateLe32(h, salt.length);
        h.update(salt, 0, salt.length);
        updateLe32(h, secret.length);
        h.update(secret, 0, secret.length);
        updateLe32(h, ad.length);
        h.update(ad, 0, ad.length);
        h.doFinal(h0, 0);

        for (int lane = 0; lane < lanes; lane++) {
            for (int column = 0; column < 2; column++) {
                putLe32(h0, 64, column);
                putLe32(h0, 68, lane);
                hPrime(h0, h0.length, blockBytes, BLOCK_BYTES);
                int off = (lane * laneLength + column) * BLOCK_LONGS;
                for (int k = 0; k < BLOCK_LONGS; k++) {
                    memory[off + k] = (long) LONG_LE.get(blockBytes, k * 8);
                }
            }
        }
    }

    /** RFC 9106 3.2 steps 7-8: C = XOR of the last block of every lane, tag = H'^T(C). */
    private void finish(byte[] out) {
        long[] c = r;
        System.arraycopy(memory, (laneLength - 1) * BLOCK_LONGS, c, 0, BLOCK_LONGS);
        for (int lane = 1; lane < lanes; lane++) {
            int off = (lane * laneLength + laneLength - 1) * BLOCK_LONGS;
            for (int k = 0; k < BLOCK_LONGS; k++) {
                c[k] ^= memory[off + k];
            }
        }
        for (int k = 0; k < BLOCK_LONGS; k++) {
            LONG_LE.set(blockBytes, k * 8, c[k]);
        }
        hPrime(blockBytes, BLOCK_BYTES, out, out.length);
    }

    /**
     * The variable-length hash H'^T(A) of RFC 9106 3.3: for T <= 64 it is Blake2b-T(LE32(T) || A);
     * otherwise the first 32 bytes of V1..Vr followed by all of V(r+1), where V1 = Blake2b-64(LE32(T) || A),
     * Vi = Blake2b-64(V(i-1)), r = ceil(T/32) - 2 and V(r+1) is Blake2b with the remaining T - 32r bytes.
     */
    private void hPrime(byte[] a, int aLength, byte[] out, int tagLength) {
        if (tagLength <= 64) {
            Blake2bDigest h = digest(tagLength);
            updateLe32(h, tagLength);
            h.update(a, 0, aLength);
            h.doFinal(out, 0);
            return;
        }
        int rounds = (tagLength + 31) / 32 - 2;
        Blake2bDigest h = blake512;
        updateLe32(h, tagLength);
        h.update(a, 0, aLength);
        h.doFinal(v, 0);
        System.arraycopy(v, 0, out, 0, 32);
        for (int i = 1; i < rounds; i++) {
            h.update(v, 0, 64);
            h.doFinal(v, 0);
            System.arraycopy(v, 0, out, i * 32, 32);
        }
        int last = tagLength - 32 * rounds; // 33..64 bytes
        Blake2bDigest tail = digest(last);
        tail.update(v, 0, 64);
        tail.doFinal(out, 32 * rounds);
    }

    /** Blake2b with a {@code length}-byte output (1..64); cached, as one hash needs at most one size < 64. */
    private Blake2bDigest digest(int length) {
        if (length == 64) {
            return blake512;
        }
        if (shortDigest.getDigestSize() != length) {
            shortDigest = new Blake2bDigest(length * 8);
        }
        return shortDigest;
    }

    /**
     * Computes one segment: blocks {@code slice * segmentLength ...} of {@code lane} in {@code pass}
     * (RFC 9106 3.2 steps 5-6 and 3.4).
     */
    private void fillSegment(int pass, int lane, int slice) {
        boolean dataIndependent = type == ARGON2_I || (type == ARGON2_ID && pass == 0 && slice < 2);
        boolean xorOld = version == VERSION_13 && pass > 0;
        int start = pass == 0 && slice == 0 ? 2 : 0; // B[i][0] and B[i][1] are already set
        int laneBase = lane * laneLength;
        if (dataIndependent) {
            // Input block Z: LE64(r) || LE64(l) || LE64(sl) || LE64(m') || LE64(t) || LE64(y) || counter
            input[0] = pass;
            input[1] = lane;
            input[2] = slice;
            input[3] = blocks;
            input[4] = passes;
            input[5] = type;
        }
        int column = slice * segmentLength + start;
        int prevColumn = column == 0 ? laneLength - 1 : column - 1; // wraps to the lane end after pass 0
        for (int index = start; index < segmentLength; index++, column++) {
            long pseudoRandom;
            if (dataIndependent) {
                if (index == start || index % ADDRESSES_PER_BLOCK == 0) {
                    nextAddresses(index / ADDRESSES_PER_BLOCK + 1);
                }
                pseudoRandom = addresses[index % ADDRESSES_PER_BLOCK];
            } else {
                pseudoRandom = memory[(laneBase + prevColumn) * BLOCK_LONGS]; // first word of B[i][j-1]
            }
            // J1 = low 32 bits, J2 = high 32 bits; the first slice of the first pass stays in its lane
            int refLane = pass == 0 && slice == 0 || lanes == 1
                    ? lane : Integer.remainderUnsigned((int) (pseudoRandom >>> 32), lanes);
            int refColumn = referenceColumn(pass, slice, index, refLane == lane, pseudoRandom & MASK32);
            compress(memory, (laneBase + prevColumn) * BLOCK_LONGS,
                    memory, (refLane * laneLength + refColumn) * BLOCK_LONGS,
                    memory, (laneBase + column) * BLOCK_LONGS, xorOld);
            prevColumn = column;
        }
    }

    /** The address block for data-independent addressing: G(0, G(0, Z || LE64(counter) || 0...)). */
    private void nextAddresses(int counter) {
        input[6] = counter;
        compress(ZERO_BLOCK, 0, input, 0, addresses, 0, false);
        compress(ZERO_BLOCK, 0, addresses, 0, addresses, 0, false);
    }

    /**
     * Maps J1 onto the set W of blocks that may be referenced (RFC 9106 3.4.2): all blocks of the last
     * {@code SL - 1} segments of the reference lane (in the first pass: all finished segments), plus the
     * blocks already computed in the current segment if it is the same lane, minus B[i][j-1] (same lane)
     * or, when computing the first block of a segment, minus the last block of the reference lane's window.
     */
    private int referenceColumn(int pass, int slice, int index, boolean sameLane, long j1) {
        long areaSize;
        if (pass == 0) {
            areaSize = sameLane ? slice * segmentLength + index - 1
                                : slice * segmentLength + (index == 0 ? -1 : 0);
        } else {
            areaSize = sameLane ? laneLength - segmentLength + index - 1
                                : laneLength - segmentLength + (index == 0 ? -1 : 0);
        }
        long x = (j1 * j1) >>> 32;      // unsigned: j1 < 2^32, so the product fits in 64 bits
        long y = (areaSize * x) >>> 32;
        long relative = areaSize - 1 - y; // position in W counted from its start
        long windowStart = pass == 0 || slice == SYNC_POINTS - 1 ? 0 : (slice + 1) * segmentLength;
        long column = windowStart + relative; // < 2 * laneLength: start <= 3 segments, relative < laneLength
        return (int) (column < laneLength ? column : column - laneLength);
    }

    /**
     * The compression function G (RFC 9106 3.5): {@code dst = P(R) xor R} with {@code R = X xor Y}, where P
     * is applied first to the 8 rows (16 consecutive words each) and then to the 8 columns (word pairs
     * {@code 2i, 2i+1} of every row) of R seen as an 8x8 matrix of 16-byte registers. With {@code xorOld}
     * (version 0x13, passes after the first) the old content of {@code dst} is XORed in as well.
     * {@code dst} may alias {@code x} or {@code y}: it is written only at the end.
     */
    private void compress(long[] x, int xOff, long[] y, int yOff, long[] dst, int dstOff, boolean xorOld) {
        long[] r = this.r;
        long[] z = this.z;
        if (xorOld) {
            for (int k = 0; k < BLOCK_LONGS; k++) {
                long w = x[xOff + k] ^ y[yOff + k];
                z[k] = w;
                r[k] = w ^ dst[dstOff + k];
            }
        } else {
            for (int k = 0; k < BLOCK_LONGS; k++) {
                long w = x[xOff + k] ^ y[yOff + k];
                z[k] = w;
                r[k] = w;
            }
        }
        for (int i = 0; i < 8; i++) {
            permute(z, 16 * i, 2);   // row i: words 16i .. 16i+15
        }
        for (int i = 0; i < 8; i++) {
            permute(z, 2 * i, 16);   // column i: words 2i, 2i+1, 2i+16, 2i+17, ..., 2i+112, 2i+113
        }
        for (int k = 0; k < BLOCK_LONGS; k++) {
            dst[dstOff + k] = z[k] ^ r[k];
        }
    }

    /**
     * The permutation P (RFC 9106 3.6) on 8 16-byte registers S0..S7 = (v0, v1) .. (v14, v15), where
     * register k is the word pair {@code a[off + k*step]}, {@code a[off + k*step + 1]}: one Blake2b round
     * with the BlaMka addition, on the columns and then the diagonals of the 4x4 word matrix v0..v15.
     */
    private static void permute(long[] a, int off, int step) {
        int v0 = off;               // v0..v15 are the indexes of the 16 words in a
        int v2 = off + step;
        int v4 = off + 2 * step;
        int v6 = off + 3 * step;
        int v8 = off + 4 * step;
        int v10 = off + 5 * step;
        int v12 = off + 6 * step;
        int v14 = off + 7 * step;
        gb(a, v0, v4, v8, v12);
        gb(a, v0 + 1, v4 + 1, v8 + 1, v12 + 1);  // GB(v1, v5, v9, v13)
        gb(a, v2, v6, v10, v14);
        gb(a, v2 + 1, v6 + 1, v10 + 1, v14 + 1); // GB(v3, v7, v11, v15)
        gb(a, v0, v4 + 1, v10, v14 + 1);         // GB(v0, v5, v10, v15)
        gb(a, v0 + 1, v6, v10 + 1, v12);         // GB(v1, v6, v11, v12)
        gb(a, v2, v6 + 1, v8, v12 + 1);          // GB(v2, v7, v8, v13)
        gb(a, v2 + 1, v4, v8 + 1, v14);          // GB(v3, v4, v9, v14)
    }

    /**
     * GB(a, b, c, d) of RFC 9106 3.6 on the words at indexes {@code ia, ib, ic, id}: Blake2b's G with the
     * additions replaced by BlaMka and no message words. (A variant keeping all 16 words of P in locals
     * measured ~15% slower here: x86-64 has 16 registers and the JIT had to spill.)
     */
    private static void gb(long[] w, int ia, int ib, int ic, int id) {
        long a = w[ia];
        long b = w[ib];
        long c = w[ic];
        long d = w[id];
        a = blaMka(a, b);
        d = Long.rotateRight(d ^ a, 32);
        c = blaMka(c, d);
        b = Long.rotateRight(b ^ c, 24);
        a = blaMka(a, b);
        d = Long.rotateRight(d ^ a, 16);
        c = blaMka(c, d);
        b = Long.rotateRight(b ^ c, 63);
        w[ia] = a;
        w[ib] = b;
        w[ic] = c;
        w[id] = d;
    }

    /** The BlaMka addition: {@code a + b + 2 * lo32(a) * lo32(b)} (mod 2^64). */
    private static long blaMka(long a, long b) {
        return a + b + 2 * (a & MASK32) * (b & MASK32);
    }

    private void updateLe32(Blake2bDigest h, int x) {
        putLe32(le32, 0, x);
        h.update(le32, 0, 4);
    }

    private static void putLe32(byte[] b, int off, int x) {
        b[off] = (byte) x;
        b[off + 1] = (byte) (x >>> 8);
        b[off + 2] = (byte) (x >>> 16);
        b[off + 3] = (byte) (x >>> 24);
    }
}
