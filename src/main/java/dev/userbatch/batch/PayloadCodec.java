package dev.userbatch.batch;

import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * How the items of one payload type cross the wire inside a {@link ChunkRequest}: each item as a
 * JSON value, and back into its record. Decoding goes through the record's constructor, so a wire
 * form that breaks the record's rules is refused, never half-read.
 */
public final class PayloadCodec<T extends ChunkItem> {
  private final Class<T> type;
  private final Function<T, Object> encoder;
  private final Function<Object, T> decoder;

  public PayloadCodec(Class<T> type, Function<T, Object> encoder, Function<Object, T> decoder) {
    this.type = type;
    this.encoder = encoder;
    this.decoder = decoder;
  }

  public Class<T> type() {
    return type;
  }

  /** The item's wire form; {@code item} must be of this codec's type. */
  public Object encode(ChunkItem item) {
    return encoder.apply(type.cast(item));
  }

  public T decode(Object wire) {
    return decoder.apply(wire);
  }

  /** The JSON object a wire form must be; a helper for the records' decoders. */
  static JsonObject object(Object wire, Class<?> of) {
    if (wire instanceof JsonObject json) {
      return json;
    }
    throw new IllegalArgumentException(of.getSimpleName() + " must be a JSON object on the wire");
  }
}
