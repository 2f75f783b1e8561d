package dev.userbatch.busapi;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * The wire format of the TCP bridge (the vertx-tcp-eventbus-bridge protocol): a 4-byte big-endian
 * length, then that many bytes of UTF-8 JSON. The library's own parser trusts the length and
 * buffers whatever follows, so a client announcing 2 GB could fill the heap; {@link Reader} refuses
 * a length above the limit as soon as its four bytes arrive.
 */
final class BridgeFrames {
  static final String FRAME_TOO_LARGE = "frame_too_large";

  private BridgeFrames() {}

  static Buffer encode(JsonObject frame) {
    byte[] json = frame.encode().getBytes(StandardCharsets.UTF_8);
    return Buffer.buffer(4 + json.length).appendInt(json.length).appendBytes(json);
  }

  static JsonObject error(String message) {
    return new JsonObject().put("type", "err").put("message", message);
  }

  /** Splits the byte stream into frames, holding at most one frame of the limit at a time. */
  static final class Reader implements Handler<Buffer> {
    private final int maxFrameBytes;
    private final Handler<JsonObject> frames;
    private final Handler<String> violations;
    private Buffer pending = Buffer.buffer();
    private boolean stopped;

    /**
     * @param frames each frame that is a JSON object
     * @param violations {@link #FRAME_TOO_LARGE} (nothing is read after it) or {@code invalid_json}
     */
    Reader(int maxFrameBytes, Handler<JsonObject> frames, Handler<String> violations) {
      this.maxFrameBytes = maxFrameBytes;
      this.frames = frames;
      this.violations = violations;
    }

    @Override
    public void handle(Buffer data) {
      if (stopped) {
        return;
      }
      pending.appendBuffer(data);
      int offset = 0;
      while (!stopped && pending.length() - offset >= 4) {
        int length = pending.getInt(offset);
        if (length < 0 || length > maxFrameBytes) {
          stopped = true;
          pending = Buffer.buffer();
          violations.handle(FRAME_TOO_LARGE);
          return;
        }
        if (pending.length() - offset - 4 < length) {
          break;
        }
        String json = pending.getString(offset + 4, offset + 4 + length, "UTF-8");
        offset += 4 + length;
        JsonObject frame;
        try {
          frame = new JsonObject(json);
        } catch (RuntimeException notAnObject) {
          violations.handle("invalid_json");
          continue;
        }
        frames.handle(frame);
      }
      pending =
          offset == pending.length()
              ? Buffer.buffer()
              : pending.getBuffer(offset, pending.length());
    }
  }
}
