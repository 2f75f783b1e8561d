package dev.userbatch.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.userbatch.batch.RequestException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads a request body as one JSON object, refusing what a lenient parser would let through:
 * duplicate keys (which value would count?), nesting deeper than {@value #MAX_DEPTH}, numbers of
 * more than {@value #MAX_NUMBER_LENGTH} digits or beyond the range of a double (1e999999), invalid
 * UTF-8 (including overlong forms, encoded surrogates and code points above U+10FFFF, which the
 * JSON parser alone accepts), strings with unpaired surrogate escapes (such as {@code "\\ud800"},
 * which PostgreSQL would store as {@code ?}) and trailing content. Every refusal is a 400 that says
 * why. CPU work: call it off the event loop.
 *
 * <p>It also bounds what decoding the body may cost, before a single JSON object is built: no array
 * may have more than {@code maxArrayLength} elements (the per-request item limit: the items array
 * is the only large one a valid request has), and the whole body may hold at most {@link
 * #maxValues(int)} values. Both refusals are 413s. Without them a 15 MB body of {@code [{},{},…]}
 * (5 million values) became 600 MB of objects before the item limit was checked.
 */
final class StrictJson {
  static final int MAX_DEPTH = 16;
  static final int MAX_NUMBER_LENGTH = 40;

  /**
   * Values (scalars, objects and arrays, each counting one) allowed per item. The largest valid
   * item, an update with id, data, email, name and expectedVersion, has 6; the rest is headroom for
   * invalid items to be refused one by one with their field errors.
   */
  static final int VALUES_PER_ITEM = 16;

  /** Values of the envelope outside the items: the object, the options and their fields. */
  static final int ENVELOPE_VALUES = 64;

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .streamReadConstraints(
              StreamReadConstraints.builder()
                  .maxNestingDepth(MAX_DEPTH)
                  .maxNumberLength(MAX_NUMBER_LENGTH)
                  .build())
          .build();

  private StrictJson() {}

  /** The most values a body may hold when arrays are limited to {@code maxArrayLength} elements. */
  static long maxValues(int maxArrayLength) {
    return (long) maxArrayLength * VALUES_PER_ITEM + ENVELOPE_VALUES;
  }

  static JsonObject parseObject(Buffer body, int maxArrayLength) {
    if (body == null || body.length() == 0) {
      throw invalid("Request body is empty; a JSON object is expected");
    }
    requireUtf8(body);
    try (JsonParser parser = FACTORY.createParser(new BufferInputStream(body))) {
      JsonToken first = parser.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw invalid("Request body must be a JSON object");
      }
      long maxValues = maxValues(maxArrayLength);
      long values = 1;
      int depth = 1;
      while (depth > 0) {
        JsonToken token = parser.nextToken();
        if (token == null) {
          throw invalid("Request body is not valid JSON: unexpected end of input");
        }
        if (token.isScalarValue() || token.isStructStart()) {
          JsonStreamContext container =
              token.isStructStart()
                  ? parser.getParsingContext().getParent()
                  : parser.getParsingContext();
          if (container.inArray() && container.getCurrentIndex() >= maxArrayLength) {
            throw new RequestException(
                413,
                "TOO_MANY_ITEMS",
                path(container)
                    + " has more than "
                    + maxArrayLength
                    + " elements; at most "
                    + maxArrayLength
                    + " are allowed per request (MAX_ITEMS_PER_REQUEST)");
          }
          if (++values > maxValues) {
            throw new RequestException(
                413,
                "TOO_MANY_VALUES",
                "Request body has more than "
                    + maxValues
                    + " JSON values; at most "
                    + VALUES_PER_ITEM
                    + " per item of MAX_ITEMS_PER_REQUEST ("
                    + maxArrayLength
                    + ") are allowed, refused at "
                    + path(container));
          }
        }
        switch (token) {
          case START_OBJECT, START_ARRAY -> depth++;
          case END_OBJECT, END_ARRAY -> depth--;
          case FIELD_NAME, VALUE_STRING -> requireWellFormed(parser);
          case VALUE_NUMBER_FLOAT -> {
            if (!Double.isFinite(parser.getDoubleValue())) {
              throw invalid(
                  "Request body has a number out of range: " + abbreviated(parser.getText()));
            }
          }
          default -> {}
        }
      }
      if (parser.nextToken() != null) {
        throw invalid("Request body has content after the JSON object");
      }
    } catch (JsonProcessingException e) {
      throw invalid("Request body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw invalid("Request body could not be read as JSON");
    }
    return (JsonObject) Json.decodeValue(body);
  }

  /** {@code $.users[3].email}: where a limit was hit, in the notation of the field errors. */
  private static String path(JsonStreamContext context) {
    StringBuilder path = new StringBuilder();
    for (JsonStreamContext at = context; at != null && !at.inRoot(); at = at.getParent()) {
      JsonStreamContext parent = at.getParent();
      if (parent == null || parent.inRoot()) {
        break;
      }
      path.insert(
          0,
          parent.inArray() ? "[" + parent.getCurrentIndex() + "]" : "." + parent.getCurrentName());
    }
    return path.insert(0, "$").toString();
  }

  /**
   * Strict UTF-8: what Java's decoder refuses (overlong forms, surrogates, > U+10FFFF) is refused.
   * Decodes through a small buffer: decoding a 16 MB body whole would take 32 MB of chars.
   */
  private static void requireUtf8(Buffer body) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    char[] chars = new char[8192];
    try (Reader reader = new InputStreamReader(new BufferInputStream(body), decoder)) {
      while (reader.read(chars) >= 0) {
        // only the decoding matters
      }
    } catch (CharacterCodingException e) {
      throw invalid("Request body is not valid UTF-8");
    } catch (IOException e) {
      throw invalid("Request body could not be read");
    }
  }

  /** Reads a buffer without copying it whole: a 16 MB body stays one 16 MB body. */
  private static final class BufferInputStream extends InputStream {
    private final Buffer buffer;
    private int position;

    BufferInputStream(Buffer buffer) {
      this.buffer = buffer;
    }

    @Override
    public int read() {
      return position < buffer.length() ? buffer.getByte(position++) & 0xff : -1;
    }

    @Override
    public int read(byte[] into, int offset, int length) {
      if (position >= buffer.length()) {
        return -1;
      }
      int count = Math.min(length, buffer.length() - position);
      buffer.getBytes(position, position + count, into, offset);
      position += count;
      return count;
    }
  }

  /** A string (or key) whose escapes leave an unpaired surrogate is not Unicode text. */
  private static void requireWellFormed(JsonParser parser) throws IOException {
    char[] chars = parser.getTextCharacters();
    int end = parser.getTextOffset() + parser.getTextLength();
    for (int i = parser.getTextOffset(); i < end; i++) {
      char c = chars[i];
      if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(chars[i + 1])) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw invalid(
            "Request body has a string with an unpaired surrogate (\\u"
                + Integer.toHexString(c)
                + "); strings must be valid Unicode text");
      }
    }
  }

  private static String abbreviated(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "…";
  }

  private static RequestException invalid(String message) {
    return new RequestException(400, "INVALID_JSON", message);
  }
}
