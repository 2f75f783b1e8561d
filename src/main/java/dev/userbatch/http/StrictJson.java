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

/**
 * Reads a request body as one JSON object, refusing what a lenient parser would let through:
 * duplicate keys (which value would count?), nesting deeper than {@value #MAX_DEPTH}, numbers of
 * more than {@value #MAX_NUMBER_LENGTH} digits, invalid UTF-8 and trailing content. Every refusal
 * is a 400 that says why. CPU work: call it off the event loop.
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
    try (JsonParser parser = FACTORY.createParser(bytes)) {
      JsonToken first = parser.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw invalid("Request body must be a JSON object");
      }
      parser.skipChildren();
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

  private static RequestException invalid(String message) {
    return new RequestException(400, "INVALID_JSON", message);
  }
}
