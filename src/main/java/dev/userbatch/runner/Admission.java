package dev.userbatch.runner;

import dev.userbatch.batch.RequestException;
import dev.userbatch.config.CapacityConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The door of the process. A batch request is let in when fewer than {@code maxBatchesInFlight} are
 * being read, decoded and run, and when its body (its announced size) fits in what is left of
 * {@code maxBodyBytesInFlight}; otherwise it waits, in arrival order, for at most {@code
 * admissionQueueTimeoutMs}, one of at most {@code admissionQueueSize}; any other is refused at once
 * with a 503 {@code OVERLOADED}. Counting bytes rather than assuming every body is as large as the
 * limit keeps the heap bounded without turning small requests away. Refusing at the door costs
 * nothing; failing halfway (a pool wait timing out after the audit row was opened) costs the client
 * a retry of work already partly done.
 *
 * <p>One instance per Vert.x instance, shared by the HTTP verticles of every event loop and the
 * event-bus API ({@link #of}); hence the lock. A waiter resumes on its own context.
 */
public final class Admission implements Shareable {
  private static final String MAP = Admission.class.getName();

  private final Vertx vertx;
  private final int maxInFlight;
  private final long maxBytes;
  private final int maxWaiting;
  private final long maxWaitMs;
  private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
  private int inFlight;
  private long bytesInFlight;

  Admission(Vertx vertx, int maxInFlight, long maxBytes, int maxWaiting, long maxWaitMs) {
    this.vertx = vertx;
    this.maxInFlight = maxInFlight;
    this.maxBytes = maxBytes;
    this.maxWaiting = maxWaiting;
    this.maxWaitMs = maxWaitMs;
  }

  /** The admission of this Vert.x instance (created by the first verticle that asks). */
  public static Admission of(Vertx vertx, CapacityConfig capacity) {
    return vertx
        .sharedData()
        .<String, Admission>getLocalMap(MAP)
        .computeIfAbsent(
            "batches",
            key ->
                new Admission(
                    vertx,
                    capacity.maxBatchesInFlight(),
                    capacity.maxBodyBytesInFlight(),
                    capacity.admissionQueueSize(),
                    capacity.admissionQueueTimeoutMs()));
  }

  /** Refused at the door: a 503 OVERLOADED with {@code Retry-After}. */
  private static RequestException overloaded(String message) {
    return new RequestException(503, "OVERLOADED", message)
        .retryAfter(CapacityConfig.RETRY_AFTER_SECONDS);
  }

  /** A place in flight; {@link #release()} it exactly once when the request is answered. */
  public final class Ticket {
    private final long bytes;
    private boolean released;

    private Ticket(long bytes) {
      this.bytes = bytes;
    }

    public void release() {
      List<Waiter> admitted;
      synchronized (Admission.this) {
        if (released) {
          return;
        }
        released = true;
        inFlight--;
        bytesInFlight -= bytes;
        admitted = admitWaiters();
      }
      admitted.forEach(Admission.this::grant);
    }
  }

  private record Waiter(Context context, Promise<Ticket> promise, AtomicLong timer, long bytes) {}

  /**
   * Call on a Vert.x context: the future completes there. {@code bodyBytes} is what the request
   * will hold in memory (its Content-Length; 0 for a body already decoded); a body larger than the
   * whole budget counts as the whole budget, so it runs alone rather than never.
   */
  public Future<Ticket> enter(long bodyBytes) {
    long bytes = Math.max(0, Math.min(bodyBytes, maxBytes));
    Context context = vertx.getOrCreateContext();
    Waiter waiter;
    synchronized (this) {
      if (waiting.isEmpty() && fits(bytes)) {
        take(bytes);
        return Future.succeededFuture(new Ticket(bytes));
      }
      if (waiting.size() >= maxWaiting) {
        return Future.failedFuture(
            overloaded(
                "The service is at capacity ("
                    + maxInFlight
                    + " batches in flight, "
                    + maxWaiting
                    + " waiting; MAX_BATCHES_IN_FLIGHT, MAX_BODY_BYTES_IN_FLIGHT, "
                    + "ADMISSION_QUEUE_SIZE); retry in "
                    + CapacityConfig.RETRY_AFTER_SECONDS
                    + " s"));
      }
      waiter = new Waiter(context, Promise.promise(), new AtomicLong(-1), bytes);
      waiting.addLast(waiter);
    }
    waiter
        .timer()
        .set(
            vertx.setTimer(
                maxWaitMs,
                id -> {
                  boolean expired;
                  synchronized (this) {
                    expired = waiting.remove(waiter);
                  }
                  if (expired) {
                    waiter
                        .promise()
                        .tryFail(
                            overloaded(
                                "The service is at capacity: no place within "
                                    + maxWaitMs
                                    + " ms (ADMISSION_QUEUE_TIMEOUT_MS); retry in "
                                    + CapacityConfig.RETRY_AFTER_SECONDS
                                    + " s"));
                  }
                }));
    return waiter.promise().future();
  }

  /** Batches in flight (and below, waiting): what tests and operators can watch. */
  public synchronized int inFlight() {
    return inFlight;
  }

  public synchronized int waiting() {
    return waiting.size();
  }

  public synchronized long bytesInFlight() {
    return bytesInFlight;
  }

  private boolean fits(long bytes) {
    return inFlight < maxInFlight && bytesInFlight + bytes <= maxBytes;
  }

  private void take(long bytes) {
    inFlight++;
    bytesInFlight += bytes;
  }

  /** Under the lock: the longest waiters that fit now, in arrival order (no overtaking). */
  private List<Waiter> admitWaiters() {
    List<Waiter> admitted = new ArrayList<>();
    while (!waiting.isEmpty() && fits(waiting.peekFirst().bytes())) {
      Waiter next = waiting.pollFirst();
      take(next.bytes());
      admitted.add(next);
    }
    return admitted;
  }

  private void grant(Waiter waiter) {
    if (waiter.timer().get() >= 0) {
      vertx.cancelTimer(waiter.timer().get());
    }
    waiter.context().runOnContext(v -> waiter.promise().complete(new Ticket(waiter.bytes())));
  }
}
