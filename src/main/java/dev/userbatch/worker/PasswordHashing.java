package dev.userbatch.worker;

import dev.userbatch.user.PasswordHasher;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.shareddata.Shareable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * Hashes the plaintext passwords of create chunks on one pool shared by every chunk worker, with
 * one thread per core, in slices of a few passwords. Every core then hashes for as long as any
 * chunk has passwords left, instead of the last chunks hashing alone on one core each while the
 * others sit idle; and no more hashes run at once than there are cores, which bounds the Argon2
 * memory in use (19 MiB per hash).
 *
 * <p>The queue is bounded (PASSWORD_HASH_QUEUE_MAX passwords waiting or in hashing): a chunk that
 * would exceed it fails at once with {@link QueueFull} rather than wait behind work it cannot
 * outlive. And a chunk's deadline is checked before every hash: once it has passed, the chunk is
 * reported as {@code TIMEOUT} and none of its remaining passwords is hashed.
 */
final class PasswordHashing {
  static final String POOL_NAME = "password-hashing";

  /** About a third of a second of work per task: fine-grained enough to share the cores evenly. */
  private static final int SLICE = 8;

  private final WorkerExecutor executor;
  private final UnaryOperator<String> hash;
  private final int queueMax;

  /** Shared by the worker instances of one Vert.x, as the pool is: the bound is for the process. */
  private final AtomicInteger queued;

  PasswordHashing(Vertx vertx, PasswordHasher hasher, int queueMax) {
    this(vertx, hasher::hash, queueMax);
  }

  /** With any hash function: tests count the hashes that ran. */
  PasswordHashing(Vertx vertx, UnaryOperator<String> hash, int queueMax) {
    this.executor =
        vertx.createSharedWorkerExecutor(POOL_NAME, Runtime.getRuntime().availableProcessors());
    this.hash = hash;
    this.queueMax = queueMax;
    this.queued =
        vertx
            .sharedData()
            .<String, Pending>getLocalMap(POOL_NAME)
            .computeIfAbsent("queued", name -> new Pending())
            .count;
  }

  /**
   * The queue length, in the Vert.x instance's local map so that every worker instance sees one
   * counter.
   */
  private static final class Pending implements Shareable {
    final AtomicInteger count = new AtomicInteger();
  }

  /** The PHC strings of {@code passwords}, in the same order, or the reason there are none. */
  Future<List<String>> hashAll(List<String> passwords, Deadline deadline) {
    if (passwords.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    if (deadline.remainingMs() <= 0) {
      return Future.failedFuture(new Deadline.Exceeded());
    }
    if (queued.addAndGet(passwords.size()) > queueMax) {
      queued.addAndGet(-passwords.size());
      return Future.failedFuture(new QueueFull(queueMax));
    }
    List<Future<List<String>>> slices = new ArrayList<>();
    for (int from = 0; from < passwords.size(); from += SLICE) {
      List<String> slice = passwords.subList(from, Math.min(passwords.size(), from + SLICE));
      slices.add(executor.executeBlocking(() -> hashSlice(slice, deadline), false));
    }
    return Future.all(slices)
        .map(
            done -> {
              List<String> hashes = new ArrayList<>(passwords.size());
              slices.forEach(slice -> hashes.addAll(slice.result()));
              return hashes;
            });
  }

  private List<String> hashSlice(List<String> slice, Deadline deadline) {
    int left = slice.size();
    try {
      List<String> hashes = new ArrayList<>(slice.size());
      for (String password : slice) {
        if (deadline.remainingMs() <= 0) {
          throw new Deadline.Exceeded();
        }
        hashes.add(hash.apply(password));
        left--;
        queued.decrementAndGet();
      }
      return hashes;
    } finally {
      queued.addAndGet(-left);
    }
  }

  /** Passwords waiting for or in hashing. */
  int queued() {
    return queued.get();
  }

  Future<Void> close() {
    return executor.close();
  }

  /** More passwords than PASSWORD_HASH_QUEUE_MAX would be waiting: the chunk is refused at once. */
  static final class QueueFull extends RuntimeException {
    QueueFull(int queueMax) {
      super(
          "Password hashing is saturated (" + queueMax + " passwords queued); retry later",
          null,
          false,
          false);
    }
  }
}
