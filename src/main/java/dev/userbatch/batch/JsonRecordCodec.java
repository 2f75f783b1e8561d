package dev.userbatch.batch;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Function;

/**
 * Event-bus codec for the immutable chunk messages: local delivery hands over the same instance (no
 * copy, unlike the JsonObject codec), and the wire form is plain JSON so that chunks can be sent to
 * another node of a clustered event bus. Everything a chunk sends or answers has one: {@link
 * ChunkRequest} (its items through their {@link PayloadCodec}), {@link ChunkResult} and {@link
 * ChunkFailure}.
 */
public final class JsonRecordCodec<T> implements MessageCodec<T, T> {
  private final String name;
  private final Function<T, JsonObject> toJson;
  private final Function<JsonObject, T> fromJson;

  JsonRecordCodec(String name, Function<T, JsonObject> toJson, Function<JsonObject, T> fromJson) {
    this.name = name;
    this.toJson = toJson;
    this.fromJson = fromJson;
  }

  /** A codec and the class it is the default codec of. */
  record Registration<T>(Class<T> type, JsonRecordCodec<T> codec) {
    void register(EventBus eventBus) {
      eventBus.registerDefaultCodec(type, codec);
    }
  }

  /** The codec of every message a chunk worker takes or answers. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static List<Registration<?>> chunkCodecs() {
    // ChunkRequest is generic: its class literal is raw, and its codec must be too.
    Registration<ChunkRequest> requests =
        new Registration<>(
            ChunkRequest.class,
            new JsonRecordCodec<>(
                "chunk-request", ChunkRequest::toJson, json -> ChunkRequest.fromJson(json)));
    return List.of(
        requests,
        new Registration<>(
            ChunkResult.class,
            new JsonRecordCodec<>("chunk-result", ChunkResult::toJson, ChunkResult::fromJson)),
        new Registration<>(
            ChunkFailure.class,
            new JsonRecordCodec<>("chunk-failure", ChunkFailure::toJson, ChunkFailure::fromJson)));
  }

  /** Registers the chunk message codecs once per Vert.x instance. */
  public static void registerChunkCodecs(EventBus eventBus) {
    chunkCodecs().forEach(registration -> registration.register(eventBus));
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
