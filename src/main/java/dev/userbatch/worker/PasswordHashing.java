package dev.userbatch.worker;

import dev.userbatch.user.PasswordHasher;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

import java.util.ArrayList;
import java.util.List;

/**
 * Hashes the plaintext passwords of create chunks on one pool shared by every chunk worker, with
 * one thread per core, in slices of a few passwords. Every core then hashes for as long as any
 * chunk has passwords left, instead of the last chunks hashing alone on one core each while the
 * others sit idle; and no more hashes run at once than there are cores, which bounds the Argon2
 * memory in use (19 MiB per hash).
 */
final class PasswordHashing {
  static final String POOL_NAME = "password-hashing";
  /** About a third of a second of work per task: fine-grained enough to share the cores evenly. */
  private static final int SLICE = 8;

  private final WorkerExecutor executor;
  private final PasswordHasher hasher;

  PasswordHashing(Vertx vertx, PasswordHasher hasher) {
    this.executor = vertx.createSharedWorkerExecutor(POOL_NAME, Runtime.getRuntime().availableProcessors());
    this.hasher = hasher;
  }

  /** The PHC strings of {@code passwords}, in the same order. */
  Future<List<String>> hashAll(List<String> passwords) {
    List<Future<List<String>>> slices = new ArrayList<>();
    for (int from = 0; from < passwords.size(); from += SLICE) {
      List<String> slice = passwords.subList(from, Math.min(passwords.size(), from + SLICE));
      slices.add(executor.executeBlocking(() -> slice.stream().map(hasher::hash).toList(), false));
    }
    return Future.all(slices).map(done -> {
      List<String> hashes = new ArrayList<>(passwords.size());
      slices.forEach(slice -> hashes.addAll(slice.result()));
      return hashes;
    });
  }

  Future<Void> close() {
    return executor.close();
  }
}
