package dev.userbatch.user;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Validates an imported, already-hashed password before it is stored as is.
 *
 * <p>Accepted families (anything else, including plaintext-looking strings, is rejected):
 * <ul>
 *   <li>bcrypt: {@code $2a$}, {@code $2b$}, {@code $2y$} + two-digit cost 04..31 + {@code $} + exactly 53
 *       characters of {@code [./A-Za-z0-9]} (22 salt + 31 hash).</li>
 *   <li>argon2 PHC: {@code $argon2id$}, {@code $argon2i$}, {@code $argon2d$}, optional {@code v=16|19},
 *       {@code m=<int>,t=<int>,p=<int>} (canonical order, optional {@code ,keyid=..} and {@code ,data=..}),
 *       then {@code $salt$hash} in unpadded base64; salt at least 8 bytes, hash at least 16 bytes,
 *       1 &lt;= p &lt;= 255, 1 &lt;= t &lt;= 2^32-1, 8p &lt;= m &lt;= 2^32-1.</li>
 *   <li>scrypt PHC (passlib): {@code $scrypt$ln=<int>,r=<int>,p=<int>$salt$hash}, ln 1..31, r and p
 *       positive with r*p &lt; 2^30; salt at least 8 bytes, hash at least 16 bytes.</li>
 *   <li>pbkdf2 PHC: {@code $pbkdf2-sha1$}, {@code $pbkdf2-sha256$}, {@code $pbkdf2-sha512$} (and passlib's
 *       {@code $pbkdf2$}, which is pbkdf2-sha1) with either {@code i=<int>[,l=<int>]} or passlib's bare
 *       {@code <rounds>} as first field, then {@code $salt$hash} in {@code [A-Za-z0-9./+]} without padding;
 *       rounds at least 1000, salt at least 8 bytes, hash at least 16 bytes.</li>
 * </ul>
 * Strings longer than 1024 characters, or containing whitespace, control or non-ASCII characters, are
 * rejected. Problem messages never echo the input (it might be a plaintext password).
 */
public final class PasswordHashFormat {

    public static final int MAX_LENGTH = 1024;

    static final String UNRECOGNISED =
            "passwordHash is not a recognised hash format (expected bcrypt, argon2, scrypt or pbkdf2 PHC string)";

    private static final Pattern TWO_DIGITS = Pattern.compile("[0-9]{2}");
    private static final Pattern B64_STD = Pattern.compile("[A-Za-z0-9+/]+");
    private static final Pattern B64_PASSLIB = Pattern.compile("[A-Za-z0-9./+]+");
    private static final String NUM = "(0|[1-9][0-9]{0,11})";
    private static final Pattern ARGON2_PARAMS = Pattern.compile(
            "m=" + NUM + ",t=" + NUM + ",p=" + NUM
                    + "(?:,keyid=[A-Za-z0-9+/]{1,11})?(?:,data=[A-Za-z0-9+/]{1,43})?");
    private static final Pattern SCRYPT_PARAMS = Pattern.compile("ln=" + NUM + ",r=" + NUM + ",p=" + NUM);
    private static final Pattern PBKDF2_PHC_PARAMS = Pattern.compile("i=" + NUM + "(?:,l=" + NUM + ")?");
    private static final Pattern PBKDF2_PASSLIB_ROUNDS = Pattern.compile(NUM);

    private static final long UINT32_MAX = 0xFFFF_FFFFL;

    /** Well-known schemes we deliberately don't accept, to give a more precise message. */
    private static final Map<String, String> UNSUPPORTED = Map.of(
            "1", "md5-crypt",
            "apr1", "Apache md5-crypt",
            "5", "sha256-crypt",
            "6", "sha512-crypt",
            "y", "yescrypt",
            "7", "scrypt crypt(3)",
            "gy", "gost-yescrypt",
            "md5", "Sun md5-crypt",
            "sha1", "sha1-crypt");

    private PasswordHashFormat() {
    }

    /**
     * @return empty when {@code hash} is an acceptable stored-hash format, otherwise a human sentence
     *     naming what is wrong
     */
    public static Optional<String> problem(String hash) {
        return Optional.ofNullable(check(hash).problem);
    }

    /**
     * @return the algorithm of a valid hash: {@code bcrypt}, {@code argon2id}, {@code argon2i},
     *     {@code argon2d}, {@code scrypt}, {@code pbkdf2-sha1}, {@code pbkdf2-sha256} or {@code pbkdf2-sha512}
     * @throws IllegalArgumentException with the {@link #problem} message if the hash is not valid
     */
    public static String algorithm(String hash) {
        Result r = check(hash);
        if (r.problem != null) {
            throw new IllegalArgumentException(r.problem);
        }
        return r.algorithm;
    }

    /**
     * Why a valid hash is weaker than the floor (bcrypt cost below {@code minBcryptCost}, pbkdf2 with
     * fewer than {@code minPbkdf2Iterations} iterations), or empty when it is not (or not valid, or of
     * a family without a floor: argon2 and scrypt). The message never echoes the hash.
     */
    public static Optional<String> weakness(String hash, int minBcryptCost, long minPbkdf2Iterations) {
        Result r = check(hash);
        if (r.problem != null) {
            return Optional.empty();
        }
        if (r.algorithm.equals("bcrypt") && r.work < minBcryptCost) {
            return Optional.of("passwordHash is a bcrypt hash of cost " + r.work + ", below the minimum cost "
                    + minBcryptCost);
        }
        if (r.algorithm.startsWith("pbkdf2") && r.work < minPbkdf2Iterations) {
            return Optional.of("passwordHash is a " + r.algorithm + " hash of " + r.work
                    + " iterations, below the minimum of " + minPbkdf2Iterations);
        }
        return Optional.empty();
    }

    /** Convenience: {@code problem(hash).isEmpty()}. */
    public static boolean isValid(String hash) {
        return check(hash).problem == null;
    }

    /** {@code work}: bcrypt's cost or pbkdf2's iterations (-1 for other families). */
    private record Result(String algorithm, String problem, long work) {
        static Result ok(String algorithm) {
            return new Result(algorithm, null, -1);
        }

        static Result bad(String problem) {
            return new Result(null, problem, -1);
        }

        Result withWork(long value) {
            return problem == null ? new Result(algorithm, null, value) : this;
        }
    }

    private static Result check(String hash) {
        if (hash == null) {
            return Result.bad("passwordHash is missing");
        }
        if (hash.isEmpty()) {
            return Result.bad("passwordHash is empty");
        }
        if (hash.length() > MAX_LENGTH) {
            return Result.bad("passwordHash is longer than " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < hash.length(); i++) {
            char c = hash.charAt(i);
            if (Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c)) {
                return Result.bad("passwordHash must not contain whitespace or control characters");
            }
            if (c > 0x7E) {
                return Result.bad("passwordHash must contain only ASCII characters");
            }
        }
        if (hash.charAt(0) != '$') {
            return Result.bad(UNRECOGNISED);
        }
        String[] parts = hash.split("\\$", -1);
        // parts[0] is the empty string before the leading '$'
        String id = parts[1];
        switch (id) {
            case "2a", "2b", "2y":
                return bcrypt(parts);
            case "argon2id", "argon2i", "argon2d":
                return argon2(id, parts);
            case "scrypt":
                return scrypt(parts);
            case "pbkdf2":
                return pbkdf2("pbkdf2-sha1", parts);
            case "pbkdf2-sha1", "pbkdf2-sha256", "pbkdf2-sha512":
                return pbkdf2(id, parts);
            default:
                break;
        }
        if (id.matches("2[a-z]?")) {
            return Result.bad("bcrypt variant $" + id + "$ is not supported (expected $2a$, $2b$ or $2y$)");
        }
        if (id.startsWith("argon2")) {
            return Result.bad("argon2 variant is not supported (expected argon2id, argon2i or argon2d)");
        }
        if (id.startsWith("pbkdf2")) {
            return Result.bad("pbkdf2 variant is not supported (expected pbkdf2-sha1, pbkdf2-sha256 or pbkdf2-sha512)");
        }
        String legacy = UNSUPPORTED.get(id);
        if (legacy != null) {
            return Result.bad("passwordHash uses " + legacy
                    + ", which is not accepted (expected bcrypt, argon2, scrypt or pbkdf2 PHC string)");
        }
        return Result.bad(UNRECOGNISED);
    }

    // ---------------------------------------------------------------- bcrypt

    /** [./A-Za-z0-9]*, without a regex: this runs for every imported bcrypt hash. */
    private static boolean inBcryptAlphabet(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '/')) {
                return false;
            }
        }
        return true;
    }

    private static Result bcrypt(String[] parts) {
        if (parts.length != 4) {
            return Result.bad("bcrypt hash must have the form $2b$<cost>$<53 characters of salt and hash>");
        }
        String cost = parts[2];
        if (!TWO_DIGITS.matcher(cost).matches()) {
            return Result.bad("bcrypt hash must have a two-digit cost between 04 and 31");
        }
        int c = Integer.parseInt(cost);
        if (c < 4 || c > 31) {
            return Result.bad("bcrypt hash must have cost between 04 and 31");
        }
        String body = parts[3];
        if (!inBcryptAlphabet(body)) {
            return Result.bad("bcrypt hash must use only bcrypt's base64 alphabet [./A-Za-z0-9] after the cost");
        }
        if (body.length() != 53) {
            return Result.bad("bcrypt hash must have exactly 53 characters (22 salt + 31 hash) after the cost, found "
                    + body.length());
        }
        return Result.ok("bcrypt").withWork(c);
    }

    // ---------------------------------------------------------------- argon2

    private static Result argon2(String id, String[] parts) {
        boolean hasVersion = parts.length > 2 && parts[2].startsWith("v=");
        if (parts.length != (hasVersion ? 6 : 5)) {
            return Result.bad(id + " hash must have the form $" + id + "$v=19$m=<int>,t=<int>,p=<int>$<salt>$<hash>");
        }
        int i = 2;
        if (hasVersion) {
            String v = parts[i++];
            if (!v.equals("v=16") && !v.equals("v=19")) {
                return Result.bad(id + " hash must have version v=16 or v=19");
            }
        }
        Matcher m = ARGON2_PARAMS.matcher(parts[i++]);
        if (!m.matches()) {
            return Result.bad(id + " hash must have parameters m=<int>,t=<int>,p=<int> (in that order)");
        }
        long mem = Long.parseLong(m.group(1));
        long t = Long.parseLong(m.group(2));
        long p = Long.parseLong(m.group(3));
        if (p < 1 || p > 255) {
            return Result.bad(id + " hash must have parallelism p between 1 and 255");
        }
        if (t < 1 || t > UINT32_MAX) {
            return Result.bad(id + " hash must have iterations t between 1 and 4294967295");
        }
        if (mem < 8 * p || mem > UINT32_MAX) {
            return Result.bad(id + " hash must have memory m between 8*p and 4294967295 KiB");
        }
        return saltAndHash(id, parts[i], parts[i + 1], B64_STD, "[A-Za-z0-9+/]", id);
    }

    // ---------------------------------------------------------------- scrypt

    private static Result scrypt(String[] parts) {
        if (parts.length != 5) {
            return Result.bad("scrypt hash must have the form $scrypt$ln=<int>,r=<int>,p=<int>$<salt>$<hash>");
        }
        Matcher m = SCRYPT_PARAMS.matcher(parts[2]);
        if (!m.matches()) {
            return Result.bad("scrypt hash must have parameters ln=<int>,r=<int>,p=<int> (in that order)");
        }
        long ln = Long.parseLong(m.group(1));
        long r = Long.parseLong(m.group(2));
        long p = Long.parseLong(m.group(3));
        if (ln < 1 || ln > 31) {
            return Result.bad("scrypt hash must have ln between 1 and 31");
        }
        if (r < 1 || p < 1 || r > UINT32_MAX || p > UINT32_MAX || r * p >= (1L << 30)) {
            return Result.bad("scrypt hash must have positive r and p with r*p below 2^30");
        }
        return saltAndHash("scrypt", parts[3], parts[4], B64_STD, "[A-Za-z0-9+/]", "scrypt");
    }

    // ---------------------------------------------------------------- pbkdf2

    private static Result pbkdf2(String algorithm, String[] parts) {
        String name = algorithm;
        if (parts.length != 5) {
            return Result.bad(name + " hash must have the form $" + parts[1] + "$<rounds>$<salt>$<hash> or $"
                    + parts[1] + "$i=<rounds>$<salt>$<hash>");
        }
        String params = parts[2];
        long rounds;
        Matcher phc = PBKDF2_PHC_PARAMS.matcher(params);
        Matcher passlib = PBKDF2_PASSLIB_ROUNDS.matcher(params);
        if (phc.matches()) {
            rounds = Long.parseLong(phc.group(1));
            if (phc.group(2) != null) {
                long l = Long.parseLong(phc.group(2));
                if (l < 16 || l > 1024) {
                    return Result.bad(name + " hash must have output length l between 16 and 1024");
                }
            }
        } else if (passlib.matches()) {
            rounds = Long.parseLong(params);
        } else {
            return Result.bad(name + " hash must have a rounds count (i=<int> or <int>) after the algorithm");
        }
        if (rounds < 1000) {
            return Result.bad(name + " hash must have at least 1000 rounds");
        }
        if (rounds > UINT32_MAX) {
            return Result.bad(name + " hash must have at most 4294967295 rounds");
        }
        return saltAndHash(name, parts[3], parts[4], B64_PASSLIB, "[A-Za-z0-9./+]", name).withWork(rounds);
    }

    // ---------------------------------------------------------------- shared

    private static Result saltAndHash(String name, String salt, String hash, Pattern alphabet,
                                      String alphabetText, String algorithm) {
        String p = checkB64(name, "salt", salt, alphabet, alphabetText, 8);
        if (p == null) {
            p = checkB64(name, "hash", hash, alphabet, alphabetText, 16);
        }
        return p == null ? Result.ok(algorithm) : Result.bad(p);
    }

    private static String checkB64(String name, String what, String s, Pattern alphabet, String alphabetText,
                                   int minBytes) {
        if (s.isEmpty()) {
            return name + " " + what + " is missing";
        }
        if (s.indexOf('=') >= 0) {
            return name + " " + what + " must be base64 without '=' padding";
        }
        if (!alphabet.matcher(s).matches()) {
            return name + " " + what + " must be base64 using only " + alphabetText;
        }
        if (s.length() % 4 == 1) {
            return name + " " + what + " has an impossible base64 length";
        }
        long bytes = s.length() * 3L / 4;
        if (bytes < minBytes) {
            return name + " " + what + " must be at least " + minBytes + " bytes, found " + bytes;
        }
        return null;
    }
}
