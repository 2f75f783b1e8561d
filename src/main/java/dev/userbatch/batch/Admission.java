package dev.userbatch.batch;

import dev.userbatch.config.CapacityConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The door of the process: at most {@code maxBatchesInFlight} batch requests are being read,
 * decoded and run at once, at most {@code admissionQueueSize} more wait (in arrival order, each
 * for at most {@code admissionQueueTimeoutMs}), and any other is refused at once with a 503
 * {@code OVERLOADED}. Refusing at the door costs nothing; failing halfway (a pool wait timing out
 * after the audit row was opened) costs the client a retry of work already partly done.
 *
 * <p>One instance per Vert.x instance, shared by the HTTP verticles of every event loop and the
 * event-bus API ({@link #of}); hence the lock. A waiter resumes on its own context.
 */
public final class Admission implements Shareable {
  private static final String MAP = Admission.class.getName();

  private final Vertx vertx;
  private final int maxInFlight;
  private final int maxWaiting;
  private final long maxWaitMs;
  private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
  private int inFlight;

  Admission(Vertx vertx, int maxInFlight, int maxWaiting, long maxWaitMs) {
    this.vertx = vertx;
    this.maxInFlight = maxInFlight;
    this.maxWaiting = maxWaiting;
    this.maxWaitMs = maxWaitMs;
  }

  /** The admission of this Vert.x instance (created by the first verticle that asks). */
  public static Admission of(Vertx vertx, CapacityConfig capacity) {
    return vertx.sharedData().<String, Admission>getLocalMap(MAP).computeIfAbsent("batches",
        key -> new Admission(vertx, capacity.maxBatchesInFlight(), capacity.admissionQueueSize(),
            capacity.admissionQueueTimeoutMs()));
  }

  /** Refused at the door: a 503 with {@code Retry-After}. */
  public static final class Overloaded extends RequestException {
    Overloaded(String message) {
      super(503, "OVERLOADED", message);
    }

    public int retryAfterSeconds() {
      return CapacityConfig.RETRY_AFTER_SECONDS;
    }
  }

  /** A place in flight; {@link #release()} it exactly once when the request is answered. */
  public final class Ticket {
    private boolean released;

    public void release() {
      synchronized (Admission.this) {
        if (released) {
          return;
        }
        released = true;
      }
      handOver();
    }
  }

  private record Waiter(Context context, Promise<Ticket> promise, AtomicLong timer) {
  }

  /** Call on a Vert.x context: the future completes there. */
  public Future<Ticket> enter() {
    Context context = vertx.getOrCreateContext();
    Waiter waiter;
    synchronized (this) {
      if (inFlight < maxInFlight) {
        inFlight++;
        return Future.succeededFuture(new Ticket());
      }
      if (waiting.size() >= maxWaiting) {
        return Future.failedFuture(new Overloaded("The service is at capacity (" + maxInFlight
            + " batches in flight, " + maxWaiting + " waiting; MAX_BATCHES_IN_FLIGHT, ADMISSION_QUEUE_SIZE); retry in "
            + CapacityConfig.RETRY_AFTER_SECONDS + " s"));
      }
      waiter = new Waiter(context, Promise.promise(), new AtomicLong(-1));
      waiting.addLast(waiter);
    }
    waiter.timer().set(vertx.setTimer(maxWaitMs, id -> {
      boolean expired;
      synchronized (this) {
        expired = waiting.remove(waiter);
      }
      if (expired) {
        waiter.promise().tryFail(new Overloaded("The service is at capacity: no batch finished within "
            + maxWaitMs + " ms (ADMISSION_QUEUE_TIMEOUT_MS); retry in " + CapacityConfig.RETRY_AFTER_SECONDS + " s"));
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

  /** A released place goes to the longest waiter, or back to the pool. */
  private void handOver() {
    Waiter next;
    synchronized (this) {
      next = waiting.pollFirst();
      if (next == null) {
        inFlight--;
        return;
      }
    }
    if (next.timer().get() >= 0) {
      vertx.cancelTimer(next.timer().get());
    }
    next.context().runOnContext(v -> next.promise().complete(new Ticket()));
  }
}
