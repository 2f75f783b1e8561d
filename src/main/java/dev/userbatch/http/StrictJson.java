package dev.userbatch.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.userbatch.batch.RequestException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads a request body as one JSON object, refusing what a lenient parser would let through:
 * duplicate keys (which value would count?), nesting deeper than {@value #MAX_DEPTH}, numbers of
 * more than {@value #MAX_NUMBER_LENGTH} digits or beyond the range of a double (1e999999), invalid
 * UTF-8 (including overlong forms, encoded surrogates and code points above U+10FFFF, which the
 * JSON parser alone accepts), strings with unpaired surrogate escapes (such as {@code "\\ud800"}, which
 * PostgreSQL would store as {@code ?}) and trailing content. Every refusal is a 400 that says
 * why. CPU work: call it off the event loop.
 */
final class StrictJson {
  static final int MAX_DEPTH = 16;
  static final int MAX_NUMBER_LENGTH = 40;

  private static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(MAX_DEPTH)
          .maxNumberLength(MAX_NUMBER_LENGTH)
          .build())
      .build();

  private StrictJson() {
  }

  static JsonObject parseObject(Buffer body) {
    if (body == null || body.length() == 0) {
      throw invalid("Request body is empty; a JSON object is expected");
    }
    byte[] bytes = body.getBytes();
    requireUtf8(bytes);
    try (JsonParser parser = FACTORY.createParser(bytes)) {
      JsonToken first = parser.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw invalid("Request body must be a JSON object");
      }
      int depth = 1;
      while (depth > 0) {
        JsonToken token = parser.nextToken();
        if (token == null) {
          throw invalid("Request body is not valid JSON: unexpected end of input");
        }
        switch (token) {
          case START_OBJECT, START_ARRAY -> depth++;
          case END_OBJECT, END_ARRAY -> depth--;
          case FIELD_NAME, VALUE_STRING -> requireWellFormed(parser);
          case VALUE_NUMBER_FLOAT -> {
            if (!Double.isFinite(parser.getDoubleValue())) {
              throw invalid("Request body has a number out of range: " + abbreviated(parser.getText()));
            }
          }
          default -> {
          }
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

  /** Strict UTF-8: what Java's decoder refuses (overlong forms, surrogates, > U+10FFFF) is refused. */
  private static void requireUtf8(byte[] bytes) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      decoder.decode(ByteBuffer.wrap(bytes));
    } catch (CharacterCodingException e) {
      throw invalid("Request body is not valid UTF-8");
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
        throw invalid("Request body has a string with an unpaired surrogate (\\u" + Integer.toHexString(c)
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
