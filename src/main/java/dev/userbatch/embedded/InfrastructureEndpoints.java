package dev.userbatch.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

import javax.net.ssl.SSLSocketFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Decides where PostgreSQL and Redis come from, starts embedded servers if needed, and stops them on {@link #close()}.
 *
 * <p>Rules:
 * <ul>
 *   <li>A PG_URL / REDIS_URL that is set is always used (whatever the mode); if it is unreachable, {@link #resolve}
 *       throws {@link InfrastructureException} naming the URL (without password) and the cause. No fallback.</li>
 *   <li>Not set, mode {@link EmbeddedMode#AUTO}: the local default server if it answers
 *       ({@value #LOCAL_DEFAULT_PG_URL}, {@value #LOCAL_DEFAULT_REDIS_URL}), otherwise an embedded one.</li>
 *   <li>Not set, mode {@link EmbeddedMode#ALWAYS}: an embedded one.</li>
 *   <li>Not set, mode {@link EmbeddedMode#NEVER}: the local default server, or {@link InfrastructureException}.</li>
 * </ul>
 * Embedded data lives in {@code dataDir/postgres} and {@code dataDir/redis} and survives restarts.
 * Nothing global is registered: the owner must call {@link #close()} (e.g. from a shutdown hook).
 */
public final class InfrastructureEndpoints implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InfrastructureEndpoints.class);
    private static final Logger REDIS_LOG = LoggerFactory.getLogger("dev.userbatch.embedded.redis-server");

    public static final String LOCAL_DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/postgres";
    public static final String LOCAL_DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
    public static final int PREFERRED_EMBEDDED_PG_PORT = 54329;
    public static final int PREFERRED_EMBEDDED_REDIS_PORT = 63799;

    static final Duration PG_CHECK_TIMEOUT = Duration.ofSeconds(5);
    static final Duration REDIS_CHECK_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration EMBEDDED_PG_STARTUP_WAIT = Duration.ofSeconds(60);
    private static final Duration ORPHAN_STOP_WAIT = Duration.ofSeconds(30);
    private static final String LOOPBACK = "127.0.0.1";
    private static final String ZONKY_LOCK_FILE = "epg-lock";
    private static final String REDIS_LOCK_FILE = "embedded-redis.lock";
    private static final String REDIS_PID_FILE = "redis.pid";

    private final String pgUrl;
    private final String redisUrl;
    private final String pgMode;
    private final String redisMode;
    private final Choice pg;
    private final Choice redis;
    private boolean closed;

    private InfrastructureEndpoints(Choice pg, Choice redis) {
        this.pg = pg;
        this.redis = redis;
        this.pgUrl = pg.url;
        this.redisUrl = redis.url;
        this.pgMode = pg.mode;
        this.redisMode = redis.mode;
    }

    /**
     * Resolves (and if needed starts) PostgreSQL and Redis.
     *
     * @param pgUrl    PG_URL ({@code postgresql://user[:pass]@host:port/db}); null or blank = not set
     * @param redisUrl REDIS_URL ({@code redis://[:pass@]host:port[/db]}); null or blank = not set
     * @param mode     embedded mode; null = {@link EmbeddedMode#AUTO}
     * @param dataDir  base directory for embedded data ({@code dataDir/postgres}, {@code dataDir/redis});
     *                 null = {@code ./data}
     * @throws InfrastructureException if a configured server is unreachable, no server is available in mode NEVER,
     *                                 or an embedded server cannot be started (anything already started is stopped)
     */
    public static InfrastructureEndpoints resolve(String pgUrl, String redisUrl, EmbeddedMode mode, Path dataDir) {
        EmbeddedMode m = mode == null ? EmbeddedMode.AUTO : mode;
        Path base = (dataDir == null ? Path.of("data") : dataDir).toAbsolutePath().normalize();
        String pgConfigured = blankToNull(pgUrl);
        String redisConfigured = blankToNull(redisUrl);

        // 1. configured URLs first: fail fast before starting anything
        Choice pg = pgConfigured == null ? null : configuredPostgres(pgConfigured);
        Choice redis = redisConfigured == null ? null : configuredRedis(redisConfigured);

        // 2. whatever is not configured: local default or embedded
        try {
            if (pg == null) {
                pg = unconfiguredPostgres(m, base);
            }
            if (redis == null) {
                redis = unconfiguredRedis(m, base);
            }
        } catch (RuntimeException e) {
            if (pg != null) {
                pg.stop();
            }
            throw e;
        }
        LOG.info("PostgreSQL: {}", pg.logText);
        LOG.info("Redis: {}", redis.logText);
        return new InfrastructureEndpoints(pg, redis);
    }

    /** URL to use for PostgreSQL ({@code postgresql://...}, may contain a password). */
    public String pgUrl() {
        return pgUrl;
    }

    /** URL to use for Redis ({@code redis://...}, may contain a password). */
    public String redisUrl() {
        return redisUrl;
    }

    /** Human description: "configured", "local default server" or "embedded (data in ..., port ...)". */
    public String pgMode() {
        return pgMode;
    }

    /** Human description: "configured", "local default server" or "embedded (data in ..., port ...)". */
    public String redisMode() {
        return redisMode;
    }

    /** True if PostgreSQL is an embedded server started (and stopped) by this object. */
    public boolean isPgEmbedded() {
        return pg.stopper != null;
    }

    /** True if Redis is an embedded server started (and stopped) by this object. */
    public boolean isRedisEmbedded() {
        return redis.stopper != null;
    }

    /** Stops the embedded servers started by {@link #resolve}; idempotent, never throws. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        redis.stop();
        pg.stop();
    }

    @Override
    public String toString() {
        return "InfrastructureEndpoints{pg=" + PgUrls.redact(pgUrl) + " (" + pgMode + "), redis="
                + PgUrls.redact(redisUrl) + " (" + redisMode + ")}";
    }

    // ------------------------------------------------------------------------------------------
    // decisions

    private static final class Choice {
        final String url;
        final String mode;
        final String logText;
        final AutoCloseable stopper;
        private boolean stopped;

        Choice(String url, String mode, String logText, AutoCloseable stopper) {
            this.url = url;
            this.mode = mode;
            this.logText = logText;
            this.stopper = stopper;
        }

        synchronized void stop() {
            if (stopper == null || stopped) {
                return;
            }
            stopped = true;
            try {
                stopper.close();
            } catch (Exception e) {
                LOG.warn("Error while stopping {}: {}", mode, e.toString(), e);
            }
        }
    }

    private static Choice configuredPostgres(String url) {
        String shown = PgUrls.redact(url);
        try {
            checkPostgres(url, PG_CHECK_TIMEOUT);
        } catch (IllegalArgumentException e) {
            throw new InfrastructureException("PG_URL is set to " + shown + " which is not a valid PostgreSQL URL; expected "
                    + "postgresql://user[:password]@host:port/db", e);
        } catch (Exception e) {
            throw new InfrastructureException("PG_URL is set to " + shown + " but PostgreSQL is not reachable there: "
                    + causeText(e) + ". Fix PG_URL, or unset it to use the local default or an embedded server.", e);
        }
        return new Choice(url, "configured", "configured " + shown, null);
    }

    private static Choice configuredRedis(String url) {
        String shown = PgUrls.redact(url);
        try {
            checkRedis(url, REDIS_CHECK_TIMEOUT);
        } catch (IllegalArgumentException e) {
            throw new InfrastructureException("REDIS_URL is set to " + shown + " which is not a valid Redis URL; expected "
                    + "redis://[:password@]host:port[/db]", e);
        } catch (Exception e) {
            throw new InfrastructureException("REDIS_URL is set to " + shown + " but Redis is not reachable there: "
                    + causeText(e) + ". Fix REDIS_URL, or unset it to use the local default or an embedded server.", e);
        }
        return new Choice(url, "configured", "configured " + shown, null);
    }

    private static Choice unconfiguredPostgres(EmbeddedMode mode, Path base) {
        if (mode == EmbeddedMode.ALWAYS) {
            return startEmbeddedPostgres(base);
        }
        try {
            checkPostgres(LOCAL_DEFAULT_PG_URL, PG_CHECK_TIMEOUT);
            return new Choice(LOCAL_DEFAULT_PG_URL, "local default server",
                    "local default server " + LOCAL_DEFAULT_PG_URL, null);
        } catch (Exception e) {
            if (mode == EmbeddedMode.NEVER) {
                throw new InfrastructureException("PostgreSQL: PG_URL is not set and EMBEDDED=never, but the local default "
                        + "server " + LOCAL_DEFAULT_PG_URL + " does not answer (" + causeText(e) + "). Set PG_URL to a "
                        + "reachable PostgreSQL, or use EMBEDDED=auto (or always) to start an embedded one.", e);
            }
            LOG.info("PostgreSQL: local default server {} does not answer ({}); starting an embedded one",
                    LOCAL_DEFAULT_PG_URL, causeText(e));
            return startEmbeddedPostgres(base);
        }
    }

    private static Choice unconfiguredRedis(EmbeddedMode mode, Path base) {
        if (mode == EmbeddedMode.ALWAYS) {
            return startEmbeddedRedis(base);
        }
        try {
            checkRedis(LOCAL_DEFAULT_REDIS_URL, REDIS_CHECK_TIMEOUT);
            return new Choice(LOCAL_DEFAULT_REDIS_URL, "local default server",
                    "local default server " + LOCAL_DEFAULT_REDIS_URL, null);
        } catch (Exception e) {
            if (mode == EmbeddedMode.NEVER) {
                throw new InfrastructureException("Redis: REDIS_URL is not set and EMBEDDED=never, but the local default "
                        + "server " + LOCAL_DEFAULT_REDIS_URL + " does not answer (" + causeText(e) + "). Set REDIS_URL "
                        + "to a reachable Redis, or use EMBEDDED=auto (or always) to start an embedded one.", e);
            }
            LOG.info("Redis: local default server {} does not answer ({}); starting an embedded one",
                    LOCAL_DEFAULT_REDIS_URL, causeText(e));
            return startEmbeddedRedis(base);
        }
    }

    // ------------------------------------------------------------------------------------------
    // reachability checks

    /** Opens a real JDBC connection and runs {@code SELECT 1}. */
    static void checkPostgres(String pgUrl, Duration timeout) throws SQLException {
        String jdbcUrl = PgUrls.toJdbcUrl(pgUrl);
        String secs = Long.toString(Math.max(1, timeout.toSeconds()));
        Properties props = new Properties();
        props.setProperty("connectTimeout", secs);
        props.setProperty("loginTimeout", secs);
        props.setProperty("socketTimeout", secs);
        props.setProperty("ApplicationName", "user-batch-service startup check");
        try (Connection c = new org.postgresql.Driver().connect(jdbcUrl, props)) {
            if (c == null) {
                throw new SQLException("the PostgreSQL JDBC driver does not accept this URL");
            }
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
                if (!rs.next() || rs.getInt(1) != 1) {
                    throw new SQLException("SELECT 1 did not return 1");
                }
            }
        }
    }

    /** TCP connect, send {@code PING}, expect {@code +PONG} (or {@code -NOAUTH}: reachable, needs a password). */
    static void checkRedis(String redisUrl, Duration timeout) throws IOException {
        RedisTarget target = RedisTarget.parse(redisUrl);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Socket raw = new Socket()) {
            raw.connect(new InetSocketAddress(target.host, target.port), (int) timeout.toMillis());
            Socket s = raw;
            if (target.tls) {
                s = ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(raw, target.host, target.port, true);
            }
            s.setSoTimeout((int) Math.max(200, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String reply;
            try {
                reply = readLine(s.getInputStream());
            } catch (SocketTimeoutException e) {
                throw new IOException("no reply to PING within " + timeout.toMillis() + " ms", e);
            }
            if (reply.startsWith("+PONG") || reply.startsWith("-NOAUTH")) {
                return;
            }
            throw new IOException("unexpected reply to PING: " + (reply.isEmpty() ? "<connection closed>" : reply));
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n' && buf.size() < 512) {
            if (b != '\r') {
                buf.write(b);
            }
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    /** host/port of a {@code redis://[user][:pass@]host[:port][/db]} or {@code rediss://} URL. */
    static final class RedisTarget {
        final String host;
        final int port;
        final boolean tls;

        private RedisTarget(String host, int port, boolean tls) {
            this.host = host;
            this.port = port;
            this.tls = tls;
        }

        static RedisTarget parse(String url) {
            if (url == null || url.isBlank()) {
                throw new IllegalArgumentException("Redis URL is empty");
            }
            String u = url.trim();
            String lower = u.toLowerCase(Locale.ROOT);
            boolean tls;
            String rest;
            if (lower.startsWith("redis://")) {
                tls = false;
                rest = u.substring("redis://".length());
            } else if (lower.startsWith("rediss://")) {
                tls = true;
                rest = u.substring("rediss://".length());
            } else {
                throw new IllegalArgumentException("not a Redis URL (expected redis://[:password@]host:port[/db])");
            }
            int end = rest.length();
            for (char c : new char[] {'?', '#'}) {
                int i = rest.indexOf(c);
                if (i >= 0 && i < end) {
                    end = i;
                }
            }
            rest = rest.substring(0, end);
            int at = rest.lastIndexOf('@');
            if (at >= 0) {
                rest = rest.substring(at + 1);
            }
            int slash = rest.indexOf('/');
            String hostPort = slash >= 0 ? rest.substring(0, slash) : rest;
            String host;
            String portText = null;
            if (hostPort.startsWith("[")) {
                int close = hostPort.indexOf(']');
                if (close < 0) {
                    throw new IllegalArgumentException("bad IPv6 host in Redis URL");
                }
                host = hostPort.substring(1, close);
                if (hostPort.length() > close + 1 && hostPort.charAt(close + 1) == ':') {
                    portText = hostPort.substring(close + 2);
                }
            } else {
                int colon = hostPort.lastIndexOf(':');
                host = colon >= 0 ? hostPort.substring(0, colon) : hostPort;
                portText = colon >= 0 ? hostPort.substring(colon + 1) : null;
            }
            if (host.isEmpty()) {
                host = "localhost";
            }
            int port = 6379;
            if (portText != null && !portText.isEmpty()) {
                try {
                    port = Integer.parseInt(portText);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad port '" + portText + "' in Redis URL");
                }
            }
            return new RedisTarget(host, port, tls);
        }
    }

    // ------------------------------------------------------------------------------------------
    // embedded PostgreSQL

    private static Choice startEmbeddedPostgres(Path base) {
        Path dir = base.resolve("postgres");
        long t0 = System.nanoTime();
        EmbeddedPostgres server;
        try {
            Files.createDirectories(dir);
            checkPgDataDir(dir);
            recoverStalePostmaster(dir);
            int port = choosePort(PREFERRED_EMBEDDED_PG_PORT);
            LOG.info("Starting embedded PostgreSQL (data in {}, port {})...", dir, port);
            server = EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    .setRegisterShutdownHook(false)
                    .setPGStartupWait(EMBEDDED_PG_STARTUP_WAIT)
                    .setServerConfig("listen_addresses", LOOPBACK)
                    // no Unix socket in /tmp: avoids stale /tmp/.s.PGSQL.*.lock files after a crash
                    .setServerConfig("unix_socket_directories", "")
                    // zonky's test default is "off"; we want committed data to be durable
                    .setServerConfig("synchronous_commit", "on")
                    .start();
        } catch (InfrastructureException e) {
            throw e;
        } catch (Exception | ExceptionInInitializerError e) {
            throw new InfrastructureException("Could not start embedded PostgreSQL (data in " + dir + "): "
                    + causeText(e), e);
        }
        int port = server.getPort();
        String url = "postgresql://postgres@" + LOOPBACK + ":" + port + "/postgres";
        String mode = "embedded (data in " + dir + ", port " + port + ")";
        LOG.info("Embedded PostgreSQL ready at {} after {} s", url, seconds(t0));
        EmbeddedPostgres s = server;
        return new Choice(url, mode, mode, () -> {
            long t = System.nanoTime();
            s.close();
            LOG.info("Embedded PostgreSQL stopped ({} s)", seconds(t));
        });
    }

    /** Refuses a data dir that is in use by another live instance, or that is not a PostgreSQL cluster. */
    private static void checkPgDataDir(Path dir) throws IOException {
        boolean empty;
        try (Stream<Path> entries = Files.list(dir)) {
            empty = entries.findAny().isEmpty();
        }
        if (empty) {
            return; // initdb will create a new cluster
        }
        if (!Files.exists(dir.resolve("PG_VERSION")) || !Files.exists(dir.resolve("postgresql.conf"))) {
            throw new InfrastructureException("Embedded PostgreSQL data directory " + dir + " is not empty but contains "
                    + "no PostgreSQL cluster (PG_VERSION/postgresql.conf missing; an interrupted first start?). "
                    + "Delete the directory to initialise a new one.");
        }
        Path lockFile = dir.resolve(ZONKY_LOCK_FILE);
        if (Files.exists(lockFile) && !canLock(lockFile)) {
            throw new InfrastructureException("Embedded PostgreSQL data directory " + dir + " is in use by another "
                    + "running instance (lock " + lockFile + " is held). Stop it or use another DATA_DIR.");
        }
    }

    private static boolean canLock(Path lockFile) throws IOException {
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE, StandardOpenOption.CREATE)) {
            FileLock lock = ch.tryLock();
            if (lock == null) {
                return false;
            }
            lock.release();
            return true;
        } catch (OverlappingFileLockException e) {
            return false; // held by this JVM
        }
    }

    /**
     * Handles a postmaster.pid left behind by a process that was killed: if the process is gone (or the pid now
     * belongs to something else, e.g. after a container restart) the file is removed; if an orphaned postmaster of
     * this data directory is still running, it is shut down.
     */
    private static void recoverStalePostmaster(Path dir) throws IOException {
        Path pidFile = dir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid;
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            pid = Long.parseLong(lines.get(0).trim());
        } catch (RuntimeException e) {
            LOG.warn("Removing unreadable {}", pidFile);
            Files.deleteIfExists(pidFile);
            return;
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (handle.isEmpty() || pid == ProcessHandle.current().pid()) {
            LOG.info("Removing stale {} (process {} is not running)", pidFile, pid);
            Files.deleteIfExists(pidFile);
            return;
        }
        ProcessHandle ph = handle.get();
        Optional<String> command = ph.info().command();
        if (command.isEmpty()) {
            return; // cannot inspect the process: let PostgreSQL decide
        }
        Path exe = Path.of(command.get());
        String args = ph.info().arguments().map(a -> String.join(" ", a)).orElse(null);
        boolean isPostmasterOfDir = exe.getFileName() != null && exe.getFileName().toString().equals("postgres")
                && (args == null || args.contains(dir.toString()));
        if (!isPostmasterOfDir) {
            LOG.info("Removing stale {} (pid {} now belongs to {})", pidFile, pid, exe);
            Files.deleteIfExists(pidFile);
            return;
        }
        LOG.warn("An orphaned embedded PostgreSQL (pid {}) from a previous run is still running on {}; stopping it",
                pid, dir);
        Path pgCtl = exe.resolveSibling("pg_ctl");
        if (Files.isExecutable(pgCtl)) {
            try {
                List<String> cmd = new ArrayList<>();
                if (runPgToolsViaUnshare()) {
                    // like zonky: pg_ctl refuses to run as root, so run it in a new (unmapped) user namespace
                    cmd.addAll(List.of("unshare", "-U"));
                }
                cmd.addAll(List.of(pgCtl.toString(), "-D", dir.toString(), "stop", "-m", "fast", "-w",
                        "-t", Long.toString(ORPHAN_STOP_WAIT.toSeconds())));
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                p.waitFor(ORPHAN_STOP_WAIT.toSeconds() + 5, TimeUnit.SECONDS);
                LOG.info("pg_ctl stop: {}", out.replace('\n', ' '));
            } catch (IOException e) {
                LOG.warn("pg_ctl stop failed: {}", e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (ph.isAlive()) {
            ph.destroy(); // SIGTERM = smart shutdown
        }
        awaitExit(ph, "orphaned PostgreSQL", dir);
    }

    /** True when running as root with a working {@code unshare -U}; zonky uses the same trick for initdb/pg_ctl. */
    private static boolean runPgToolsViaUnshare() {
        try {
            return io.zonky.test.db.postgres.util.LinuxUtils.isUnshareAvailable();
        } catch (Throwable t) {
            return false;
        }
    }

    // ------------------------------------------------------------------------------------------
    // embedded Redis

    private static Choice startEmbeddedRedis(Path base) {
        Path dir = base.resolve("redis");
        long t0 = System.nanoTime();
        FileChannel lockChannel = null;
        FileLock lock = null;
        RedisServer server = null;
        int port;
        try {
            Files.createDirectories(dir);
            lockChannel = FileChannel.open(dir.resolve(REDIS_LOCK_FILE), StandardOpenOption.WRITE,
                    StandardOpenOption.CREATE);
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new InfrastructureException("Embedded Redis data directory " + dir + " is in use by another "
                        + "running instance. Stop it or use another DATA_DIR.");
            }
            recoverOrphanRedis(dir);
            port = choosePort(PREFERRED_EMBEDDED_REDIS_PORT);
            LOG.info("Starting embedded Redis (data in {}, port {})...", dir, port);
            server = RedisServer.newRedisServer()
                    .port(port)
                    .bind(LOOPBACK)
                    .setting("daemonize no")
                    .setting("dir " + redisQuote(dir.toString()))
                    .setting("pidfile " + redisQuote(dir.resolve(REDIS_PID_FILE).toString()))
                    .setting("appendonly yes")
                    .setting("appendfsync everysec")
                    .soutListener(line -> REDIS_LOG.debug("{}", line))
                    .serrListener(line -> REDIS_LOG.warn("{}", line))
                    .build();
            server.start();
        } catch (Exception e) {
            closeQuietly(lock, lockChannel);
            if (e instanceof InfrastructureException) {
                throw (InfrastructureException) e;
            }
            throw new InfrastructureException("Could not start embedded Redis (data in " + dir + "): " + causeText(e), e);
        }
        String url = "redis://" + LOOPBACK + ":" + port;
        String mode = "embedded (data in " + dir + ", port " + port + ")";
        LOG.info("Embedded Redis ready at {} after {} s", url, seconds(t0));
        RedisServer s = server;
        FileLock l = lock;
        FileChannel ch = lockChannel;
        return new Choice(url, mode, mode, () -> {
            long t = System.nanoTime();
            try {
                s.stop(); // SIGTERM: Redis flushes the AOF / writes the RDB and exits
                LOG.info("Embedded Redis stopped ({} s)", seconds(t));
            } finally {
                closeQuietly(l, ch);
            }
        });
    }

    /** Stops a redis-server left running (by a killed JVM) on this data directory, or removes a stale pid file. */
    private static void recoverOrphanRedis(Path dir) throws IOException {
        Path pidFile = dir.resolve(REDIS_PID_FILE);
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim());
        } catch (RuntimeException e) {
            Files.deleteIfExists(pidFile);
            return;
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        boolean orphan = handle.isPresent() && pid != ProcessHandle.current().pid()
                // only the executable path is reliable: redis-server overwrites its argv (process title)
                && handle.get().info().command().map(c -> c.contains("redis-server")).orElse(false);
        if (!orphan) {
            LOG.info("Removing stale {} (process {} is not an embedded redis-server)", pidFile, pid);
            Files.deleteIfExists(pidFile);
            return;
        }
        LOG.warn("An orphaned embedded Redis (pid {}) from a previous run is still running on {}; stopping it",
                pid, dir);
        handle.get().destroy(); // SIGTERM: Redis saves and exits
        awaitExit(handle.get(), "orphaned Redis", dir);
    }

    // ------------------------------------------------------------------------------------------
    // helpers

    private static void awaitExit(ProcessHandle ph, String what, Path dir) {
        long deadline = System.nanoTime() + ORPHAN_STOP_WAIT.toNanos();
        while (ph.isAlive() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50); // onExit() of a non-child process polls slowly
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (ph.isAlive()) {
            throw new InfrastructureException("An " + what + " (pid " + ph.pid() + ") is still running on " + dir
                    + " and did not stop within " + ORPHAN_STOP_WAIT.toSeconds() + " s; stop it manually.");
        }
        LOG.info("Stopped {} (pid {})", what, ph.pid());
    }

    /** The preferred port if it is free on 127.0.0.1, otherwise any free port. */
    static int choosePort(int preferred) throws IOException {
        if (isPortFree(preferred)) {
            return preferred;
        }
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            LOG.info("Port {} is in use; using free port {} instead", preferred, s.getLocalPort());
            return s.getLocalPort();
        }
    }

    static boolean isPortFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true); // like the servers themselves: ignore TIME_WAIT leftovers
            s.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String redisQuote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static void closeQuietly(FileLock lock, FileChannel channel) {
        try {
            if (lock != null && lock.isValid()) {
                lock.release();
            }
        } catch (IOException ignored) {
            // best effort
        }
        try {
            if (channel != null) {
                channel.close();
            }
        } catch (IOException ignored) {
            // best effort
        }
    }

    private static String seconds(long startNanos) {
        return String.format(Locale.ROOT, "%.2f", (System.nanoTime() - startNanos) / 1e9);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** "msg: cause msg: root msg", without repeats, for humans. */
    static String causeText(Throwable t) {
        Set<String> parts = new LinkedHashSet<>();
        for (Throwable c = t; c != null && parts.size() < 4; c = c.getCause() == c ? null : c.getCause()) {
            String m = c.getMessage();
            if (m == null || m.isBlank()) {
                m = c.getClass().getSimpleName();
            } else if (c instanceof java.net.UnknownHostException) {
                m = "unknown host " + m;
            }
            m = m.trim();
            while (m.endsWith(".")) {
                m = m.substring(0, m.length() - 1);
            }
            boolean dup = false;
            for (String p : parts) {
                if (p.contains(m)) {
                    dup = true;
                    break;
                }
            }
            if (!dup) {
                parts.add(m);
            }
        }
        return String.join(": ", parts);
    }
}
