package dev.userbatch.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What streamed (chunked) JSON responses hold in memory: bytes encoded but not yet taken by the
 * socket. A slow or stalled client must cost the server about one slice, not the whole response:
 * {@code batch_response_stream_pending_bytes} (now, all streams), {@code
 * batch_response_stream_peak_pending_bytes} (the most one stream ever held), {@code
 * batch_response_stream_encoded_bytes} (per stream) and {@code
 * batch_response_streams_total{outcome=completed|abandoned}}.
 */
public final class ResponseStreamMetrics {
  private final AtomicLong pending = new AtomicLong();
  private final DistributionSummary peaks;
  private final DistributionSummary encoded;
  private final Counter completed;
  private final Counter abandoned;

  ResponseStreamMetrics(MeterRegistry registry) {
    Gauge.builder("batch.response.stream.pending", pending, AtomicLong::get)
        .description("Bytes of streamed responses encoded and not yet written to the socket")
        .baseUnit("bytes")
        .register(registry);
    peaks =
        DistributionSummary.builder("batch.response.stream.peak.pending")
            .description(
                "Most bytes one streamed response held encoded and not yet written to the socket")
            .baseUnit("bytes")
            .register(registry);
    encoded =
        DistributionSummary.builder("batch.response.stream.encoded")
            .description(
                "Bytes of each streamed response handed to its connection (less than its size when the client left early)")
            .baseUnit("bytes")
            .register(registry);
    completed = streams(registry, "completed");
    abandoned = streams(registry, "abandoned");
  }

  private static Counter streams(MeterRegistry registry, String outcome) {
    return Counter.builder("batch.response.streams")
        .description("Streamed responses, by outcome (abandoned: the client went away)")
        .tag("outcome", outcome)
        .register(registry);
  }

  /** For a response sent where no registry is at hand (it is counted nowhere). */
  public static ResponseStreamMetrics unregistered() {
    return new ResponseStreamMetrics(new SimpleMeterRegistry());
  }

  /** The accounting of one response; used on its event loop only. */
  public Stream open() {
    return new Stream();
  }

  /** One streamed response. */
  public final class Stream {
    private long held;
    private long peak;
    private long total;
    private boolean finished;

    private Stream() {}

    /** {@code bytes} were encoded and handed to the response. */
    public void encoded(int bytes) {
      held += bytes;
      total += bytes;
      peak = Math.max(peak, held);
      pending.addAndGet(bytes);
    }

    /** {@code bytes} left the process (or were dropped with the connection). */
    public void released(int bytes) {
      held -= bytes;
      pending.addAndGet(-bytes);
    }

    public void completed() {
      finish(completed);
    }

    public void abandoned() {
      finish(abandoned);
    }

    private void finish(Counter outcome) {
      if (finished) {
        return;
      }
      finished = true;
      peaks.record(peak);
      encoded.record(total);
      outcome.increment();
    }
  }
}
