package dev.userbatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.support.ApiTest;
import dev.userbatch.support.TestData;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Row;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Hostile input: strings at and over their length limits, control characters in names,
 * internationalised and malformed email domains, short passwords, and bodies built to break a JSON
 * parser (deep nesting, huge numbers, duplicate keys, invalid UTF-8, trailing content) — every one
 * a 4xx that says why, never a 500; SQL-looking text is stored literally.
 */
class InputHardeningTest extends ApiTest {

  private static String repeat(char c, int n) {
    return String.valueOf(c).repeat(n);
  }

  private static String unique() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  /**
   * An email of exactly {@code length} characters (at least 80): 64-character local part, long
   * domain.
   */
  private static String emailOfLength(int length) {
    String local = ("b" + unique() + repeat('x', 64)).substring(0, 64);
    int domainLength = length - 65;
    // labels of at most 63 characters, ending in ".com"
    StringBuilder domain = new StringBuilder();
    int left = domainLength - 4;
    while (left > 0) {
      int label = Math.min(63, left);
      if (left - label == 1) {
        label--; // a label of 0 characters is not allowed: leave 2 for "x."
      }
      domain.append(repeat('d', label));
      left -= label;
      if (left > 0) {
        domain.append('.');
        left--;
      }
    }
    String email = local + "@" + domain + ".com";
    assertThat(email).hasSize(length);
    return email;
  }

  private static JsonObject user(String email, String name, String password) {
    return new JsonObject().put("email", email).put("name", name).put("password", password);
  }

  private HttpResponse<Buffer> create(JsonObject... users) {
    return sync(
        post(
            "/batch/users/create",
            TestData.createRequest(new JsonArray(List.of((Object[]) users)), null)));
  }

  private HttpResponse<Buffer> raw(HttpMethod method, String path, byte[] body) {
    return sync(
        service
            .http
            .request(method, path)
            .putHeader("content-type", "application/json")
            .sendBuffer(Buffer.buffer(body)));
  }

  private HttpResponse<Buffer> raw(String body) {
    return raw(HttpMethod.POST, "/batch/users/create", body.getBytes(StandardCharsets.UTF_8));
  }

  /** The failures of a response, by index. */
  private static Map<Integer, JsonObject> failures(HttpResponse<Buffer> response) {
    Map<Integer, JsonObject> byIndex = new LinkedHashMap<>();
    for (Object failure : response.bodyAsJsonObject().getJsonArray("failed")) {
      JsonObject f = (JsonObject) failure;
      byIndex.put(f.getInteger("index"), f);
    }
    return byIndex;
  }

  private static void assertFieldFailure(JsonObject failure, String path, String... messageParts) {
    assertThat(failure).as("no failure for " + path).isNotNull();
    assertThat(failure.getString("code")).as(failure.encode()).isEqualTo("VALIDATION_ERROR");
    assertThat(failure.getString("path")).as(failure.encode()).isEqualTo(path);
    assertThat(failure.getString("error")).as(failure.encode()).contains(messageParts);
  }

  @Test
  void stringsOverTheirLimitsFailNamingTheField() {
    String password = "pw-" + unique();
    HttpResponse<Buffer> response =
        create(
            user(emailOfLength(255), "Too long email", password),
            user(TestData.email("long-name"), repeat('n', 201), password),
            user(TestData.email("long-password"), "Long password", repeat('p', 1025)),
            user(TestData.email("short-password"), "Short password", "1234567"));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(422);
    Map<Integer, JsonObject> failed = failures(response);
    assertFieldFailure(failed.get(0), "$.users[0].email", "email");
    assertFieldFailure(failed.get(1), "$.users[1].name", "name");
    assertFieldFailure(failed.get(2), "$.users[2].password", "password");
    assertFieldFailure(failed.get(3), "$.users[3].password", "password", "at least 8");
    assertThat(response.bodyAsString()).doesNotContain(repeat('p', 1025)).doesNotContain("1234567");
  }

  @Test
  void stringsAtTheirLimitsAreAccepted() {
    String email = emailOfLength(254);
    HttpResponse<Buffer> response =
        create(
            user(email, repeat('N', 200), repeat('p', 1024)),
            user(TestData.email("eight"), "Eight", "12345678"));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    JsonObject created = response.bodyAsJsonObject().getJsonArray("data").getJsonObject(0);
    assertThat(created.getString("email")).isEqualTo(email);
    assertThat(created.getString("name")).hasSize(200);
  }

  @Test
  void controlCharactersInNamesAreRefused() {
    List<String> names =
        List.of(
            "a\u0000b",
            "line\nbreak",
            "\u001b[31m",
            "red\u001b[0m",
            "tab\there",
            "cr\r",
            "del\u007f",
            "nel\u0085x",
            "ls\u2028x",
            "ps\u2029x",
            "\u0007bell",
            "rlo\u202Eevil",
            "iso\u2066late");
    JsonObject[] users =
        names.stream()
            .map(name -> user(TestData.email("ctrl"), name, "password-123"))
            .toArray(JsonObject[]::new);
    HttpResponse<Buffer> response = create(users);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(422);
    Map<Integer, JsonObject> failed = failures(response);
    for (int i = 0; i < names.size(); i++) {
      assertFieldFailure(
          failed.get(i), "$.users[" + i + "].name", "name must not contain control characters");
    }

    JsonArray existing = createdUsers("ctrl-update", 1);
    String id = existing.getJsonObject(0).getString("id");
    HttpResponse<Buffer> updated =
        call(
            HttpMethod.PATCH,
            "/batch/users/update",
            new JsonObject()
                .put(
                    "updates",
                    new JsonArray()
                        .add(
                            new JsonObject()
                                .put("id", id)
                                .put("data", new JsonObject().put("name", "\u001b[2J")))));
    assertThat(updated.statusCode()).as(updated.bodyAsString()).isEqualTo(422);
    assertFieldFailure(
        failures(updated).get(0),
        "$.updates[0].data.name",
        "name must not contain control characters");
    assertThat(userRow(id).getString("name")).isEqualTo("User 0");
  }

  @Test
  void namesKeepPrintableUnicodeAndAreTrimmed() {
    String email = TestData.email("unicode-name");
    HttpResponse<Buffer> response = create(user(email, "  Zoë 山田 👩‍💻 O'Brien  ", "password-123"));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    String id = response.bodyAsJsonObject().getJsonArray("data").getJsonObject(0).getString("id");
    assertThat(userRow(id).getString("name")).isEqualTo("Zoë 山田 👩‍💻 O'Brien");
  }

  @Test
  void internationalisedDomainsAreAcceptedAndNormalised() {
    String tag = unique();
    HttpResponse<Buffer> response =
        create(
            user("User-" + tag + "@BÜCHER.example", "Idn", "password-123"),
            user("wide-" + tag + "@ｅｘａｍｐｌｅ.com", "Fullwidth", "password-123"),
            user("puny-" + tag + "@xn--bcher-kva.example", "Punycode", "password-123"));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    JsonArray data = response.bodyAsJsonObject().getJsonArray("data");
    assertThat(userRow(data.getJsonObject(0).getString("id")).getString("email"))
        .isEqualTo("user-" + tag + "@bücher.example");
    assertThat(userRow(data.getJsonObject(1).getString("id")).getString("email"))
        .isEqualTo("wide-" + tag + "@example.com");
    assertThat(userRow(data.getJsonObject(2).getString("id")).getString("email"))
        .isEqualTo("puny-" + tag + "@bücher.example");

    // the same mailbox written another way is the same email
    HttpResponse<Buffer> again =
        create(user("user-" + tag + "@xn--bcher-kva.example", "Again", "password-123"));
    assertThat(again.statusCode()).as(again.bodyAsString()).isEqualTo(422);
    assertThat(failures(again).get(0).getString("code")).isEqualTo("DUPLICATE_EMAIL");
  }

  @Test
  void malformedEmailsAreRefused() {
    List<String> emails =
        List.of(
            "user@-bad-.com",
            "user@exa_mple.com",
            "a@b",
            "user@example",
            "user@@example.com",
            "user@.example.com",
            "user@example..com",
            "user.@example.com",
            ".user@example.com",
            "us er@example.com",
            "user@exam ple.com",
            "user@123.456",
            "üser@example.com",
            "user@" + repeat('l', 64) + ".com",
            repeat('l', 65) + "@example.com",
            "user@example.com\u0000",
            "user\u0000@example.com",
            "<script>@example.com",
            "user@[127.0.0.1]");
    JsonObject[] users =
        emails.stream()
            .map(email -> user(email, "Bad email", "password-123"))
            .toArray(JsonObject[]::new);
    HttpResponse<Buffer> response = create(users);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(422);
    Map<Integer, JsonObject> failed = failures(response);
    for (int i = 0; i < emails.size(); i++) {
      assertThat(failed.get(i)).as(emails.get(i)).isNotNull();
      assertFieldFailure(failed.get(i), "$.users[" + i + "].email", "email");
    }
  }

  @Test
  void loneSurrogatesAreRefusedNotStoredAsQuestionMarks() {
    HttpResponse<Buffer> response =
        raw(
            "{\"users\":[{\"email\":\""
                + TestData.email("surrogate")
                + "\",\"name\":\"bad \\ud800 text\",\"password\":\"password-123\"}]}");
    assertThat(response.statusCode()).as(response.bodyAsString()).isBetween(400, 499);
  }

  @Test
  void hostileBodiesAre400NotServerErrors() {
    String item =
        "{\"email\":\""
            + TestData.email("hostile")
            + "\",\"name\":\"N\",\"password\":\"password-123\"}";
    Map<String, byte[]> bodies = new LinkedHashMap<>();
    bodies.put(
        "100 nested arrays in an item",
        ("{\"users\":[{\"email\":" + "[".repeat(100) + "]".repeat(100) + "}]}")
            .getBytes(StandardCharsets.UTF_8));
    bodies.put(
        "10,000 nested objects",
        ("{\"users\":[" + "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000) + "]}")
            .getBytes(StandardCharsets.UTF_8));
    bodies.put(
        "10,000-digit number",
        ("{\"users\":[" + item + "],\"options\":{\"chunkSize\":" + "9".repeat(10_000) + "}}")
            .getBytes(StandardCharsets.UTF_8));
    bodies.put(
        "10,000-digit fraction",
        ("{\"users\":[{\"email\":0." + "1".repeat(10_000) + "}]}")
            .getBytes(StandardCharsets.UTF_8));
    bodies.put(
        "1e999999 as an option",
        ("{\"users\":[" + item + "],\"options\":{\"chunkSize\":1e999999}}")
            .getBytes(StandardCharsets.UTF_8));
    bodies.put(
        "1e999999 in an item",
        "{\"users\":[{\"email\":1e999999,\"name\":-1e999999}]}".getBytes(StandardCharsets.UTF_8));
    bodies.put(
        "huge integer chunkSize",
        ("{\"users\":[" + item + "],\"options\":{\"chunkSize\":99999999999999999999}}")
            .getBytes(StandardCharsets.UTF_8));
    bodies.put(
        "duplicate keys",
        ("{\"users\":[],\"users\":[" + item + "]}").getBytes(StandardCharsets.UTF_8));
    bodies.put(
        "duplicate keys in an item",
        "{\"users\":[{\"email\":\"a@example.com\",\"email\":\"b@example.com\"}]}"
            .getBytes(StandardCharsets.UTF_8));
    bodies.put(
        "trailing garbage",
        ("{\"users\":[" + item + "]} trailing").getBytes(StandardCharsets.UTF_8));
    bodies.put("two objects", ("{\"users\":[" + item + "]}{}").getBytes(StandardCharsets.UTF_8));
    bodies.put("NaN", "{\"users\":[{\"email\":NaN}]}".getBytes(StandardCharsets.UTF_8));
    bodies.put("comments", "{/* c */\"users\":[]}".getBytes(StandardCharsets.UTF_8));
    bodies.put("single quotes", "{'users':[]}".getBytes(StandardCharsets.UTF_8));
    bodies.put(
        "unquoted control character",
        "{\"users\":[{\"name\":\"a\u0001b\"}]}".getBytes(StandardCharsets.UTF_8));
    bodies.put("not an object", "[1,2,3]".getBytes(StandardCharsets.UTF_8));
    bodies.put("a string", "\"users\"".getBytes(StandardCharsets.UTF_8));
    bodies.put("null", "null".getBytes(StandardCharsets.UTF_8));
    bodies.put("empty", new byte[0]);
    bodies.put("whitespace", "   \n ".getBytes(StandardCharsets.UTF_8));
    bodies.put("BOM", concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, "{\"users\":[]}"));
    bodies.put("UTF-16", "{\"users\":[]}".getBytes(StandardCharsets.UTF_16));
    bodies.put(
        "invalid UTF-8 start byte in a value",
        utf8With("{\"users\":[{\"name\":\"a", 0xFF, "b\"}]}"));
    bodies.put("invalid UTF-8 in a key", utf8With("{\"us", 0xFE, "ers\":[]}"));
    bodies.put("lone continuation byte", utf8With("{\"users\":[{\"name\":\"a", 0x80, "b\"}]}"));
    bodies.put("truncated sequence", utf8With("{\"users\":[{\"name\":\"a", 0xE2, "\"}]}"));
    bodies.put("truncated at the end", utf8With("{\"users\":[{\"name\":\"a", 0xF0, ""));
    bodies.put("overlong '/'", utf8With("{\"users\":[{\"name\":\"a", 0xC0, 0xAF, "b\"}]}"));
    bodies.put("overlong NUL", utf8With("{\"users\":[{\"name\":\"a", 0xC0, 0x80, "b\"}]}"));
    bodies.put(
        "encoded surrogate", utf8With("{\"users\":[{\"name\":\"a", 0xED, 0xA0, 0x80, "b\"}]}"));
    bodies.put(
        "beyond U+10FFFF", utf8With("{\"users\":[{\"name\":\"a", 0xF4, 0x90, 0x80, 0x80, "b\"}]}"));
    bodies.put("invalid UTF-8 outside strings", utf8With("{\"users\":[]", 0xFF, "}"));
    List<String> problems = new ArrayList<>();
    for (String path : List.of("/batch/users/create", "/batch/users/lookup")) {
      for (Map.Entry<String, byte[]> body : bodies.entrySet()) {
        HttpResponse<Buffer> response = raw(HttpMethod.POST, path, body.getValue());
        String code = null;
        try {
          code = response.bodyAsJsonObject().getString("code");
        } catch (RuntimeException notJson) {
          // reported below
        }
        if (response.statusCode() != 400
            || !List.of("INVALID_JSON", "VALIDATION_ERROR").contains(code)) {
          problems.add(
              path
                  + " "
                  + body.getKey()
                  + " → "
                  + response.statusCode()
                  + " "
                  + response.bodyAsString());
        }
      }
    }
    assertThat(problems)
        .as("bodies not answered with 400 INVALID_JSON / VALIDATION_ERROR")
        .isEmpty();
  }

  private static byte[] concat(byte[] prefix, String text) {
    byte[] rest = text.getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[prefix.length + rest.length];
    System.arraycopy(prefix, 0, all, 0, prefix.length);
    System.arraycopy(rest, 0, all, prefix.length, rest.length);
    return all;
  }

  /** Text and raw bytes: strings are UTF-8 encoded, integers are bytes. */
  private static byte[] utf8With(Object... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (Object part : parts) {
      if (part instanceof String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
      } else {
        out.write((Integer) part);
      }
    }
    return out.toByteArray();
  }

  @Test
  void anExpectedVersionBeyondIntegerRangeIsRefusedNotTruncated() {
    JsonArray existing = createdUsers("version-overflow", 1);
    String id = existing.getJsonObject(0).getString("id");
    // 2^32 + 1 would read as 1 (the current version) if it were narrowed to an int
    HttpResponse<Buffer> response =
        raw(
            HttpMethod.PATCH,
            "/batch/users/update",
            ("{\"updates\":[{\"id\":\""
                    + id
                    + "\",\"data\":{\"name\":\"Overflow\"},\"expectedVersion\":4294967297}]}")
                .getBytes(StandardCharsets.UTF_8));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(422);
    assertFieldFailure(
        failures(response).get(0), "$.updates[0].expectedVersion", "expectedVersion");
    assertThat(userRow(id).getString("name")).isEqualTo("User 0");
    assertThat(userRow(id).getInteger("version")).isEqualTo(1);
  }

  @Test
  void sqlLookingStringsAreStoredLiterally() {
    String name = "Robert'); DROP TABLE users;--";
    String email = "o'reilly-" + unique() + "@example.com";
    HttpResponse<Buffer> response =
        create(
            user(email, name, "'; DELETE FROM users; --"),
            user(TestData.email("sql2"), "$1 \\x00 %s %n {0} ${jndi:ldap://x}", "password-123"));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    JsonArray data = response.bodyAsJsonObject().getJsonArray("data");
    Row row = userRow(data.getJsonObject(0).getString("id"));
    assertThat(row.getString("name")).isEqualTo(name);
    assertThat(row.getString("email")).isEqualTo(email);
    assertThat(userRow(data.getJsonObject(1).getString("id")).getString("name"))
        .isEqualTo("$1 \\x00 %s %n {0} ${jndi:ldap://x}");
    String id = data.getJsonObject(0).getString("id");
    HttpResponse<Buffer> updated =
        call(
            HttpMethod.PATCH,
            "/batch/users/update",
            new JsonObject()
                .put(
                    "updates",
                    new JsonArray()
                        .add(
                            new JsonObject()
                                .put("id", id)
                                .put("data", new JsonObject().put("name", "x' OR '1'='1")))));
    assertThat(updated.statusCode()).as(updated.bodyAsString()).isEqualTo(200);
    assertThat(userRow(id).getString("name")).isEqualTo("x' OR '1'='1");

    HttpResponse<Buffer> lookup =
        sync(
            get(
                "/batch/users/lookup?ids="
                    + java.net.URLEncoder.encode("' OR 1=1 --," + id, StandardCharsets.UTF_8)));
    assertThat(lookup.statusCode()).as(lookup.bodyAsString()).isEqualTo(207);
    assertThat(lookup.bodyAsJsonObject().getJsonArray("data")).hasSize(1);
    // The SQL-looking password was stored as a password (its hash verifies it), and deleted nobody.
    assertThat(userRow(data.getJsonObject(1).getString("id"))).isNotNull();
    String hash =
        sync(sql("SELECT password_hash FROM users WHERE id = $1", java.util.UUID.fromString(id)))
            .iterator()
            .next()
            .getString("password_hash");
    assertThat(
            dev.userbatch.user.PasswordHasher.owaspDefault()
                .verify("'; DELETE FROM users; --", hash))
        .isTrue();
  }
}
