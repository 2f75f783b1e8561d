package dev.userbatch.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The quick acceptance test must never accept what the general validator refuses, and must accept
 * ordinary valid items (else it is useless).
 */
class FastAcceptanceTest {
  private static final SchemaValidator VALIDATOR = new SchemaValidator();
  private static final String ID = "01a227e3-4507-71b8-a788-1ddef659035e";

  @Test
  void ordinaryValidItemsSkipTheGeneralValidator() {
    assertThat(SchemaValidator.SCHEMAS).allMatch(VALIDATOR::hasFastPath);
    assertFastAccepts(
        "create-user.json",
        new JsonObject()
            .put("email", "a@example.com")
            .put("name", "A")
            .put("passwordHash", "$2b$12$x"));
    assertFastAccepts(
        "create-user.json",
        new JsonObject()
            .put("email", "a@example.com")
            .put("name", "A")
            .put("password", "long enough"));
    assertFastAccepts("user-id.json", ID);
    assertFastAccepts(
        "update-item.json",
        new JsonObject()
            .put("id", ID)
            .put("data", new JsonObject().put("name", "B"))
            .put("expectedVersion", 3));
    assertFastAccepts(
        "create-request.json",
        new JsonObject()
            .put("users", new JsonArray().add(1))
            .put(
                "options",
                new JsonObject()
                    .put("chunkSize", 1000)
                    .put("onConflict", "skip")
                    .put("dryRun", true)));
  }

  @Test
  void edgeCasesAreLeftToTheGeneralValidator() {
    // $ matches before a final line terminator in Java, not in ECMA-262.
    assertNotFastAccepted("user-id.json", ID + "\n");
    // 200 code points but 400 UTF-16 units: the two readings of maxLength disagree.
    assertNotFastAccepted(
        "create-user.json",
        new JsonObject()
            .put("email", "a@example.com")
            .put("name", "\uD83D\uDE00".repeat(200))
            .put("passwordHash", "h"));
    // 1.0 is an integer for JSON Schema, but not an Integer or a Long.
    assertNotFastAccepted("options.json", new JsonObject().put("chunkSize", 1.0));
    assertNotFastAccepted(
        "update-item.json", new JsonObject().put("id", ID).put("data", new JsonObject()));
    assertNotFastAccepted(
        "create-user.json", new JsonObject().put("email", "a@example.com").putNull("name"));
  }

  /** Issue 12, item 4: the schema itself is exact, whichever regex dialect its validator uses. */
  @Test
  void theGeneralValidatorRefusesAnIdWithATrailingLineTerminator() {
    for (String terminator : List.of("\n", "\r\n", "\r", "\u0085", "\u2028", "\u2029")) {
      assertThat(VALIDATOR.validateFully("user-id.json", ID + terminator))
          .as("id + %s", terminator.codePointAt(0))
          .isNotEmpty();
      assertThat(
              VALIDATOR.validateFully(
                  "update-item.json",
                  new JsonObject()
                      .put("id", ID + terminator)
                      .put("data", new JsonObject().put("name", "B"))))
          .as("update id + %s", terminator.codePointAt(0))
          .isNotEmpty();
    }
  }

  @Test
  void schemasWithUnknownKeywordsHaveNoFastPath() {
    assertThat(
            FastAcceptance.compile(
                new JsonObject().put("type", "string").put("format", "email"), ref -> null))
        .isNull();
    assertThat(
            FastAcceptance.compile(
                new JsonObject().put("type", "string").put("pattern", "^a.b$"), ref -> null))
        .isNull();
    assertThat(
            FastAcceptance.compile(
                new JsonObject().put("$ref", "https://elsewhere/x.json"), ref -> null))
        .isNull();
    assertThat(
            FastAcceptance.compile(
                new JsonObject().put("type", "string").put("minLength", 2), ref -> null))
        .isNotNull();
  }

  @Test
  void fixedShapePatternsAnswerAsTheRegexDoes() {
    String uuid = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    for (String regex : List.of(uuid, "^[a-c]{2}x[0-9]{1}$", "^ab$", "^[Z]{3}$")) {
      java.util.function.Predicate<String> shape = FixedShape.of(regex);
      assertThat(shape).as(regex).isNotNull();
      java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(regex);
      List<String> samples =
          new ArrayList<>(List.of(ID, ID.toUpperCase(), ID + "\n", "", "abx1", "ab", "ZZZ", "ZZ"));
      for (int i = 0; i < 3000; i++) {
        StringBuilder s = new StringBuilder(random.nextBoolean() ? ID : "abx1");
        for (int edits = random.nextInt(3); edits > 0; edits--) {
          int at = random.nextInt(s.length() + 1);
          String alphabet = "0aAfFgG-xyz\n\u00e9Z9";
          char c = alphabet.charAt(random.nextInt(alphabet.length()));
          switch (random.nextInt(3)) {
            case 0 -> s.insert(at, c);
            case 1 -> s.setCharAt(Math.min(at, s.length() - 1), c);
            default -> s.deleteCharAt(Math.min(at, s.length() - 1));
          }
        }
        samples.add(s.toString());
      }
      for (String sample : samples) {
        boolean expected = !sample.contains("\n") && pattern.matcher(sample).find();
        assertThat(shape.test(sample))
            .as("seed %d, %s on %s", seed, regex, sample)
            .isEqualTo(expected);
      }
    }
    assertThat(FixedShape.of("^[a-]{2}$")).isNull();
    assertThat(FixedShape.of("[a-z]{2}")).isNull();
    assertThat(FixedShape.of("^[a-z]+$")).isNull();
  }

  /**
   * Random mutations of valid instances: whatever the quick test accepts, the validator accepts.
   */
  @Test
  void neverAcceptsWhatTheGeneralValidatorRefuses() {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    int valid = 0;
    int checked = 0;
    for (int round = 0; round < 4000; round++) {
      for (String schema :
          List.of(
              "create-user.json",
              "update-item.json",
              "user-id.json",
              "options.json",
              "create-request.json",
              "update-request.json",
              "user-ids-request.json",
              "lookup-request.json")) {
        Object instance = mutate(random, example(schema), 1 + random.nextInt(3));
        checked++;
        if (VALIDATOR.validate(schema, instance).isEmpty()
            && VALIDATOR.validateFully(schema, instance).isEmpty()) {
          valid++;
        }
        assertThat(VALIDATOR.validate(schema, instance))
            .as("seed %d, %s, instance %s", seed, schema, instance)
            .isEqualTo(VALIDATOR.validateFully(schema, instance));
      }
    }
    assertThat(valid).as("valid instances among %d", checked).isGreaterThan(checked / 20);
  }

  private static Object example(String schema) {
    return switch (schema) {
      case "create-user.json" ->
          new JsonObject()
              .put("email", "user@example.com")
              .put("name", "Some Name")
              .put("password", "secret-password");
      case "update-item.json" ->
          new JsonObject()
              .put("id", ID)
              .put("data", new JsonObject().put("email", "new@example.com").put("name", "New"))
              .put("expectedVersion", 1);
      case "user-id.json" -> ID;
      case "options.json" ->
          new JsonObject()
              .put("chunkSize", 100)
              .put("maxConcurrency", 5)
              .put("continueOnError", true)
              .put("onConflict", "fail");
      case "create-request.json" ->
          new JsonObject()
              .put("users", new JsonArray().add(new JsonObject()))
              .put("options", example("options.json"));
      case "update-request.json" -> new JsonObject().put("updates", new JsonArray().add(1));
      case "user-ids-request.json" -> new JsonObject().put("userIds", new JsonArray().add(ID));
      default -> new JsonObject().put("ids", new JsonArray().add(ID));
    };
  }

  private static final Object[] ODD_VALUES = {
    null,
    "",
    "x",
    "ab",
    ID + "\n",
    ID.toUpperCase(),
    "é",
    "\uD83D\uDE00",
    "\uD83D\uDE00".repeat(150),
    "a".repeat(200),
    "a".repeat(201),
    "a".repeat(254),
    "a".repeat(255),
    0,
    -1,
    1,
    5,
    10,
    11,
    1000,
    1001,
    2147483647,
    2147483648L,
    1.0,
    1.5,
    true,
    false,
    new JsonObject(),
    new JsonArray(),
    new JsonArray().add(1),
    "skip",
    "fail",
    "SKIP"
  };

  /**
   * {@code value} with {@code times} random changes: a field replaced, removed or added, or the
   * whole value.
   */
  private static Object mutate(Random random, Object value, int times) {
    Object result = value instanceof JsonObject o ? o.copy() : value;
    for (int i = 0; i < times; i++) {
      if (!(result instanceof JsonObject object) || object.isEmpty() || random.nextInt(10) == 0) {
        result = random.nextInt(4) == 0 ? result : ODD_VALUES[random.nextInt(ODD_VALUES.length)];
        continue;
      }
      List<String> names = new ArrayList<>(object.fieldNames());
      String name = names.get(random.nextInt(names.size()));
      switch (random.nextInt(4)) {
        case 0 -> object.remove(name);
        case 1 ->
            object.put(
                List.of(
                        "email",
                        "name",
                        "password",
                        "passwordHash",
                        "id",
                        "data",
                        "chunkSize",
                        "onConflict",
                        "extra",
                        "expectedVersion")
                    .get(random.nextInt(10)),
                ODD_VALUES[random.nextInt(ODD_VALUES.length)]);
        case 2 -> object.put(name, mutate(random, object.getValue(name), 1));
        default -> object.put(name, ODD_VALUES[random.nextInt(ODD_VALUES.length)]);
      }
    }
    return result;
  }

  private static void assertFastAccepts(String schema, Object instance) {
    assertThat(VALIDATOR.validateFully(schema, instance))
        .as("general validator on %s", instance)
        .isEmpty();
    assertThat(
            FastAcceptance.compile(SchemaValidator.load(schema), FastAcceptanceTest::document)
                .test(instance))
        .as("quick test on %s", instance)
        .isTrue();
  }

  private static void assertNotFastAccepted(String schema, Object instance) {
    assertThat(
            FastAcceptance.compile(SchemaValidator.load(schema), FastAcceptanceTest::document)
                .test(instance))
        .as("quick test on %s", instance)
        .isFalse();
  }

  private static JsonObject document(String ref) {
    return SchemaValidator.load(ref); // the files refer to each other by file name
  }
}
