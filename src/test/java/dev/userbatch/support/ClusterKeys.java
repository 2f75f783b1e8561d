package dev.userbatch.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Event-bus TLS material made by {@code conf/cluster-keys.sh}, as an operator makes it: a CA of its
 * own per {@code name}, its trust store, and a key store per node. Made once per directory.
 */
public final class ClusterKeys {
  private final Path dir;

  private ClusterKeys(Path dir) {
    this.dir = dir;
  }

  public static synchronized ClusterKeys make(String name, String... nodes) {
    Path dir = Path.of("target", "cluster-keys", name).toAbsolutePath();
    List<String> command =
        new ArrayList<>(
            List.of("bash", Path.of("conf", "cluster-keys.sh").toString(), dir.toString()));
    command.addAll(List.of(nodes));
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
      Process process = builder.start();
      String output = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("conf/cluster-keys.sh failed: " + output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return new ClusterKeys(dir);
  }

  public Path keyStore(String node) {
    return dir.resolve(node + ".p12");
  }

  public Path trustStore() {
    return dir.resolve("trust.p12");
  }

  public Path caKeyStore() {
    return dir.resolve("ca.p12");
  }

  public String password() {
    try {
      return Files.readString(dir.resolve("store-password")).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
