package dev.userbatch.idempotency;

import dev.userbatch.security.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key of the idempotency request HMAC: IDEMPOTENCY_HMAC_KEY when set, otherwise a random key
 * generated once and kept in {@code DATA_DIR/idempotency-hmac.key}. The request hash must be the
 * same on every node (a retry may reach another one), so a deployment of several nodes sets the
 * variable, or shares the file.
 */
public final class RequestHashKey {
  private static final Logger LOG = LoggerFactory.getLogger(RequestHashKey.class);
  static final String FILE = "idempotency-hmac.key";

  private RequestHashKey() {}

  /** The configured key, or the one kept under {@code dataDir} (created on first use). */
  public static String resolve(String configured, Path dataDir) {
    if (configured != null) {
      return configured;
    }
    Path file = dataDir.resolve(FILE);
    try {
      if (!Files.exists(file)) {
        create(dataDir, file);
      }
      return Files.readString(file, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot create or read the idempotency HMAC key "
              + file
              + " (set IDEMPOTENCY_HMAC_KEY instead)",
          e);
    }
  }

  /**
   * Created owner-only and complete (see {@link PrivateFiles}): a node starting at the same time
   * either wins or reads the winner's complete key, never a half-written one.
   */
  private static void create(Path dataDir, Path file) throws IOException {
    PrivateFiles.createDirectory(dataDir);
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    if (PrivateFiles.createIfAbsent(
        file, Base64.getUrlEncoder().withoutPadding().encodeToString(random))) {
      LOG.warn(
          "Generated the idempotency HMAC key {}: with several nodes, set IDEMPOTENCY_HMAC_KEY "
              + "to one shared value instead",
          file.toAbsolutePath());
    }
  }
}
