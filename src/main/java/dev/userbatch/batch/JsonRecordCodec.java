package dev.userbatch.batch;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;

import java.util.function.Function;

/**
 * Event-bus codec for the immutable chunk messages: local delivery hands over the same instance
 * (no copy, unlike the JsonObject codec), and the wire form is plain JSON so that chunks can be
 * sent to another node of a clustered event bus.
 */
public final class JsonRecordCodec<T> implements MessageCodec<T, T> {
  private final String name;
  private final Function<T, JsonObject> toJson;
  private final Function<JsonObject, T> fromJson;

  private JsonRecordCodec(String name, Function<T, JsonObject> toJson, Function<JsonObject, T> fromJson) {
    this.name = name;
    this.toJson = toJson;
    this.fromJson = fromJson;
  }

  /** Registers the chunk message codecs once per Vert.x instance. */
  public static void registerChunkCodecs(EventBus eventBus) {
    eventBus.registerDefaultCodec(ChunkRequest.class,
        new JsonRecordCodec<>("chunk-request", ChunkRequest::toJson, ChunkRequest::fromJson));
    eventBus.registerDefaultCodec(ChunkResult.class,
        new JsonRecordCodec<>("chunk-result", ChunkResult::toJson, ChunkResult::fromJson));
  }

  @Override
  public void encodeToWire(Buffer buffer, T value) {
    Buffer json = toJson.apply(value).toBuffer();
    buffer.appendInt(json.length());
    buffer.appendBuffer(json);
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    return fromJson.apply(new JsonObject(buffer.getBuffer(pos + 4, pos + 4 + length)));
  }

  @Override
  public T transform(T value) {
    return value;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
