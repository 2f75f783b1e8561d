package dev.userbatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.batch.Scopes;
import dev.userbatch.config.ServiceConfig;
import dev.userbatch.support.ApiTest;
import dev.userbatch.support.HandMadeJwt;
import dev.userbatch.support.SeparateService;
import dev.userbatch.support.TestData;
import dev.userbatch.support.TestService;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Row;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Bearer-token authentication of every /batch route: 401 for a missing or bad token (every way a
 * token can be bad, including {@code alg: none} and algorithm confusion), 403 for a token without
 * the scope, the token's subject as the audit actor, open health and metrics endpoints, RS256
 * public keys (the development default is in DevelopmentCredentialsTest).
 */
class AuthenticationTest extends ApiTest {
  private static final String CHALLENGE = "Bearer realm=\"user-batch-service\"";

  /** One request per route, with a body (or query) good enough to succeed once authorised. */
  private record Route(HttpMethod method, String path, String scope, JsonObject body) {}

  private static List<Route> routes() {
    String id = UUID.randomUUID().toString();
    JsonArray ids = new JsonArray().add(id);
    return List.of(
        new Route(
            HttpMethod.POST,
            "/batch/users/create",
            Scopes.WRITE,
            TestData.createRequest(TestData.usersWithHash("auth-route", 1), null)),
        new Route(
            HttpMethod.POST, "/batch/users/lookup", Scopes.READ, new JsonObject().put("ids", ids)),
        new Route(HttpMethod.GET, "/batch/users/lookup?ids=" + id, Scopes.READ, null),
        new Route(
            HttpMethod.PATCH,
            "/batch/users/update",
            Scopes.WRITE,
            new JsonObject()
                .put(
                    "updates",
                    new JsonArray()
                        .add(
                            new JsonObject()
                                .put("id", id)
                                .put("data", new JsonObject().put("name", "N"))))),
        new Route(
            HttpMethod.PATCH,
            "/batch/users/last-login",
            Scopes.WRITE,
            new JsonObject().put("userIds", ids)),
        new Route(
            HttpMethod.DELETE,
            "/batch/users/soft-delete",
            Scopes.WRITE,
            new JsonObject().put("userIds", ids)),
        new Route(
            HttpMethod.POST,
            "/batch/users/restore",
            Scopes.WRITE,
            new JsonObject().put("userIds", ids)));
  }

  private static HttpResponse<Buffer> call(
      WebClient client,
      String authorization,
      HttpMethod method,
      String path,
      JsonObject body,
      String correlationId) {
    HttpRequest<Buffer> request = client.request(method, path);
    if (authorization != null) {
      request.putHeader("Authorization", authorization);
    }
    if (correlationId != null) {
      request.putHeader("X-Correlation-Id", correlationId);
    }
    return sync(body == null ? request.send() : request.sendJsonObject(body));
  }

  private static HttpResponse<Buffer> call(String token, Route route) {
    return call(
        service.anonymousHttp,
        token == null ? null : "Bearer " + token,
        route.method(),
        route.path(),
        route.body(),
        null);
  }

  private static HttpResponse<Buffer> create(String token) {
    return call(token, routes().get(0));
  }

  private static void assertRefused(
      HttpResponse<Buffer> response, int status, String code, String challenge) {
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(status);
    assertThat(response.getHeader("content-type")).isEqualTo("application/json");
    JsonObject json = response.bodyAsJsonObject();
    assertThat(json.getBoolean("success")).isFalse();
    assertThat(json.getString("code")).isEqualTo(code);
    assertThat(json.getString("message")).isNotBlank();
    assertThat(response.getHeader("WWW-Authenticate")).isEqualTo(challenge);
  }

  private static void assertInvalidToken(String what, HttpResponse<Buffer> response, String token) {
    assertThat(response.statusCode()).as(what + ": " + response.bodyAsString()).isEqualTo(401);
    assertRefused(response, 401, "UNAUTHORIZED", CHALLENGE + ", error=\"invalid_token\"");
    if (token != null && !token.isBlank()) {
      assertThat(response.bodyAsString())
          .as(what + ": the token is never echoed")
          .doesNotContain(token);
    }
  }

  @Test
  void everyBatchRouteWithoutTokenIs401WithChallenge() {
    for (Route route : routes()) {
      HttpResponse<Buffer> response = call(null, route);
      assertRefused(response, 401, "UNAUTHORIZED", CHALLENGE);
    }
  }

  @Test
  void otherSchemesAndEmptyBearerAre401() {
    Route create = routes().get(0);
    for (String header :
        List.of(
            "Basic dGVzdDp0ZXN0",
            "Bearer",
            "Bearer ",
            "Bearer    ",
            "Token abc",
            service.token(
                "test-suite", Scopes.WRITE))) { // a bare token without the "Bearer " prefix
      HttpResponse<Buffer> response =
          call(service.anonymousHttp, header, create.method(), create.path(), create.body(), null);
      assertThat(response.statusCode()).as(header).isEqualTo(401);
      assertThat(response.bodyAsJsonObject().getString("code")).isEqualTo("UNAUTHORIZED");
      assertThat(response.getHeader("WWW-Authenticate")).startsWith(CHALLENGE);
    }
  }

  @Test
  void authenticationComesBeforeTheBodyIsRead() {
    HttpResponse<Buffer> response =
        sync(
            service
                .anonymousHttp
                .post("/batch/users/create")
                .putHeader("content-type", "application/json")
                .sendBuffer(Buffer.buffer("{not json")));
    assertRefused(response, 401, "UNAUTHORIZED", CHALLENGE);
  }

  @Test
  void badTokensAre401InvalidToken() {
    String both = Scopes.READ + " " + Scopes.WRITE;
    String valid = HandMadeJwt.hs256(HandMadeJwt.claims("bad-token-test", both));
    String[] parts = valid.split("\\.");
    long now = HandMadeJwt.now();
    Map<String, String> tokens = new LinkedHashMap<>();
    tokens.put("garbage", "this-is-not-a-jwt");
    tokens.put("three garbage parts", "abc.def.ghi");
    tokens.put("garbage base64 json", "eyJhbGciOiJIUzI1NiJ9.e30.%%%%");
    tokens.put(
        "wrong signature (other secret)",
        HandMadeJwt.hmac(
            "HS256",
            "HmacSHA256",
            "another-secret-of-sufficient-length-0123456789",
            HandMadeJwt.claims("bad-token-test", both)));
    tokens.put(
        "tampered payload",
        parts[0]
            + "."
            + HandMadeJwt.part(HandMadeJwt.claims("someone-else", both))
            + "."
            + parts[2]);
    tokens.put("signature removed", parts[0] + "." + parts[1] + ".");
    tokens.put(
        "expired beyond leeway",
        HandMadeJwt.hs256(
            HandMadeJwt.claims("bad-token-test", both)
                .put("iat", now - 7200)
                .put("exp", now - 120)));
    tokens.put(
        "not yet valid beyond leeway",
        HandMadeJwt.hs256(HandMadeJwt.claims("bad-token-test", both).put("nbf", now + 120)));
    tokens.put("alg none", HandMadeJwt.none(HandMadeJwt.claims("bad-token-test", both)));
    tokens.put(
        "alg none, no trailing dot",
        HandMadeJwt.none(HandMadeJwt.claims("bad-token-test", both)).replaceAll("\\.$", ""));
    tokens.put(
        "alg None (case)",
        HandMadeJwt.part(new JsonObject().put("alg", "None").put("typ", "JWT"))
            + "."
            + HandMadeJwt.part(HandMadeJwt.claims("bad-token-test", both))
            + ".");
    tokens.put(
        "alg RS256 header, HMAC signature",
        HandMadeJwt.hmac(
            "RS256",
            "HmacSHA256",
            TestService.JWT_SECRET,
            HandMadeJwt.claims("bad-token-test", both)));
    tokens.put(
        "alg ES256 header, HMAC signature",
        HandMadeJwt.hmac(
            "ES256",
            "HmacSHA256",
            TestService.JWT_SECRET,
            HandMadeJwt.claims("bad-token-test", both)));
    tokens.put(
        "HS512 with the right secret",
        HandMadeJwt.hmac(
            "HS512",
            "HmacSHA512",
            TestService.JWT_SECRET,
            HandMadeJwt.claims("bad-token-test", both)));
    tokens.put(
        "HS384 with the right secret",
        HandMadeJwt.hmac(
            "HS384",
            "HmacSHA384",
            TestService.JWT_SECRET,
            HandMadeJwt.claims("bad-token-test", both)));
    tokens.put("no subject", HandMadeJwt.hs256(HandMadeJwt.claims(null, both)));
    tokens.put("blank subject", HandMadeJwt.hs256(HandMadeJwt.claims(" ", both)));
    tokens.put(
        "subject not a string",
        HandMadeJwt.hs256(HandMadeJwt.claims(null, both).put("sub", new JsonObject().put("x", 1))));
    List<String> failures = new ArrayList<>();
    for (Map.Entry<String, String> token : tokens.entrySet()) {
      HttpResponse<Buffer> response = create(token.getValue());
      try {
        assertInvalidToken(token.getKey(), response, token.getValue());
      } catch (AssertionError e) {
        failures.add(
            token.getKey()
                + " → "
                + response.statusCode()
                + " "
                + response.bodyAsString()
                + " WWW-Authenticate: "
                + response.getHeader("WWW-Authenticate"));
      }
    }
    assertThat(failures).as("tokens that were not refused with 401 invalid_token").isEmpty();
  }

  @Test
  void expiryAndNotBeforeAllowTheConfiguredLeeway() {
    int leeway = service.app.config().security().jwtLeewaySeconds();
    assertThat(leeway).isEqualTo(30);
    long now = HandMadeJwt.now();
    String both = Scopes.READ + " " + Scopes.WRITE;
    String justExpired =
        HandMadeJwt.hs256(
            HandMadeJwt.claims("leeway-test", both).put("iat", now - 3600).put("exp", now - 10));
    String almostValid =
        HandMadeJwt.hs256(HandMadeJwt.claims("leeway-test", both).put("nbf", now + 10));
    assertThat(create(justExpired).statusCode()).isEqualTo(200);
    assertThat(create(almostValid).statusCode()).isEqualTo(200);
  }

  @Test
  void readOnlyTokenOnWriteRoutesIs403InsufficientScope() {
    String readOnly = service.token("reader", Scopes.READ);
    for (Route route : routes()) {
      HttpResponse<Buffer> response = call(readOnly, route);
      if (route.scope().equals(Scopes.READ)) {
        assertThat(response.statusCode())
            .as(route.path() + " " + response.bodyAsString())
            .isEqualTo(200);
        continue;
      }
      assertRefused(
          response,
          403,
          "FORBIDDEN",
          CHALLENGE + ", error=\"insufficient_scope\", scope=\"users:write\"");
    }
  }

  @Test
  void writeOnlyTokenCannotLookUp() {
    String writeOnly = service.token("writer", Scopes.WRITE);
    for (Route route : routes()) {
      HttpResponse<Buffer> response = call(writeOnly, route);
      if (route.scope().equals(Scopes.WRITE)) {
        // Accepted: the create succeeds; the other writes name a user that does not exist.
        boolean create = route.path().equals("/batch/users/create");
        assertThat(response.statusCode())
            .as(route.path() + " " + response.bodyAsString())
            .isEqualTo(create ? 200 : 422);
        if (!create) {
          assertThat(
                  response
                      .bodyAsJsonObject()
                      .getJsonArray("failed")
                      .getJsonObject(0)
                      .getString("code"))
              .isEqualTo("USER_NOT_FOUND");
        }
        continue;
      }
      assertRefused(
          response,
          403,
          "FORBIDDEN",
          CHALLENGE + ", error=\"insufficient_scope\", scope=\"users:read\"");
    }
  }

  @Test
  void tokenWithoutScopesIs403() {
    HttpResponse<Buffer> response =
        create(HandMadeJwt.hs256(HandMadeJwt.claims("no-scopes", null)));
    assertThat(response.statusCode()).isEqualTo(403);
    // a scope that merely contains the name is not the scope
    response =
        create(
            HandMadeJwt.hs256(
                HandMadeJwt.claims("near-miss", "users:writer xusers:write users:WRITE")));
    assertThat(response.statusCode()).isEqualTo(403);
  }

  @Test
  void readScopeWorksForGetAndPostLookup() {
    JsonArray users = createdUsers("auth-read", 2);
    String readOnly = service.token("reader", Scopes.READ);
    String a = users.getJsonObject(0).getString("id");
    String b = users.getJsonObject(1).getString("id");
    HttpResponse<Buffer> got =
        call(
            readOnly,
            new Route(HttpMethod.GET, "/batch/users/lookup?ids=" + a + "," + b, Scopes.READ, null));
    assertThat(got.statusCode()).as(got.bodyAsString()).isEqualTo(200);
    assertThat(got.bodyAsJsonObject().getJsonArray("data")).hasSize(2);
    HttpResponse<Buffer> posted =
        call(
            readOnly,
            new Route(
                HttpMethod.POST,
                "/batch/users/lookup",
                Scopes.READ,
                new JsonObject().put("ids", new JsonArray().add(a).add(b))));
    assertThat(posted.statusCode()).as(posted.bodyAsString()).isEqualTo(200);
    assertThat(posted.bodyAsJsonObject().getJsonArray("data")).hasSize(2);
  }

  @Test
  void scpClaimAsListOrStringWorks() {
    String list =
        HandMadeJwt.hs256(
            HandMadeJwt.claims("scp-list", null)
                .put("scp", new JsonArray().add(Scopes.READ).add(Scopes.WRITE)));
    HttpResponse<Buffer> created = create(list);
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(200);
    String readList =
        HandMadeJwt.hs256(
            HandMadeJwt.claims("scp-list", null).put("scp", new JsonArray().add(Scopes.READ)));
    assertThat(create(readList).statusCode()).isEqualTo(403);
    String string =
        HandMadeJwt.hs256(
            HandMadeJwt.claims("scp-string", null).put("scp", Scopes.WRITE + " " + Scopes.READ));
    assertThat(create(string).statusCode()).isEqualTo(200);
  }

  @Test
  void tokenSubjectIsTheAuditActor() {
    String subject = "auditor-" + UUID.randomUUID();
    String token = service.token(subject, Scopes.READ, Scopes.WRITE);
    String createCorrelation = "auth-actor-" + UUID.randomUUID();
    Route create = routes().get(0);
    HttpResponse<Buffer> created =
        call(
            service.anonymousHttp,
            "Bearer " + token,
            create.method(),
            create.path(),
            create.body(),
            createCorrelation);
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(200);
    String id = created.bodyAsJsonObject().getJsonArray("data").getJsonObject(0).getString("id");
    String lookupCorrelation = "auth-actor-" + UUID.randomUUID();
    HttpResponse<Buffer> looked =
        call(
            service.anonymousHttp,
            "Bearer " + token,
            HttpMethod.GET,
            "/batch/users/lookup?ids=" + id,
            null,
            lookupCorrelation);
    assertThat(looked.statusCode()).isEqualTo(200);
    for (String correlation : List.of(createCorrelation, lookupCorrelation)) {
      List<String> actors = new ArrayList<>();
      for (Row row :
          sync(sql("SELECT actor FROM audit_log WHERE correlation_id = $1", correlation))) {
        actors.add(row.getString("actor"));
      }
      assertThat(actors).as(correlation).containsExactly(subject);
    }
  }

  @Test
  void healthAndMetricsNeedNoToken() {
    for (String path : List.of("/health/live", "/health/ready", "/metrics")) {
      HttpResponse<Buffer> response = sync(service.anonymousHttp.get(path).send());
      assertThat(response.statusCode()).as(path).isEqualTo(200);
    }
  }

  @Test
  void metricsCanBePutBehindTheirOwnToken() {
    String metricsToken = "metrics-" + UUID.randomUUID();
    TestService guarded =
        TestService.start(
            base -> SeparateService.config(base, Map.of("METRICS_TOKEN", metricsToken), null));
    try {
      HttpResponse<Buffer> open = sync(guarded.anonymousHttp.get("/metrics").send());
      assertRefused(open, 401, "UNAUTHORIZED", "Bearer realm=\"metrics\"");
      assertThat(open.bodyAsString()).doesNotContain(metricsToken);
      for (String wrong :
          List.of(
              "Bearer " + metricsToken + "x",
              "Bearer " + metricsToken.substring(1),
              metricsToken,
              "Bearer " + guarded.token("test-suite", Scopes.READ, Scopes.WRITE))) {
        assertThat(
                sync(guarded.anonymousHttp.get("/metrics").putHeader("Authorization", wrong).send())
                    .statusCode())
            .as(wrong)
            .isEqualTo(401);
      }
      HttpResponse<Buffer> allowed =
          sync(
              guarded
                  .anonymousHttp
                  .get("/metrics")
                  .putHeader("Authorization", "Bearer " + metricsToken)
                  .send());
      assertThat(allowed.statusCode()).isEqualTo(200);
      assertThat(allowed.bodyAsString()).contains("jvm_");
      assertThat(sync(guarded.anonymousHttp.get("/health/ready").send()).statusCode())
          .isEqualTo(200);
    } finally {
      guarded.close();
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }

  @Test
  void rs256PublicKeyAcceptsItsTokensAndRefusesHmacWithThePublicKey() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair keys = generator.generateKeyPair();
    String publicPem = pem("PUBLIC KEY", keys.getPublic().getEncoded());
    String privatePem = pem("PRIVATE KEY", keys.getPrivate().getEncoded());
    Path dir = Files.createTempDirectory("jwt-rs256");
    Path publicFile = dir.resolve("public.pem");
    Files.writeString(publicFile, publicPem);
    TestService rsa =
        TestService.start(
            base -> {
              ServiceConfig config =
                  SeparateService.config(
                      base,
                      Map.of(
                          "JWT_PUBLIC_KEY_FILE", publicFile.toString(), "JWT_ALGORITHM", "RS256"),
                      null);
              return config.withSecurity(config.security().withJwtSecret(null));
            });
    try {
      JWTAuth signer =
          JWTAuth.create(
              rsa.clientVertx,
              new JWTAuthOptions()
                  .addPubSecKey(
                      new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(privatePem)));
      String subject = "rsa-" + UUID.randomUUID();
      String valid =
          signer.generateToken(
              new JsonObject().put("sub", subject).put("scope", Scopes.READ + " " + Scopes.WRITE),
              new JWTOptions().setAlgorithm("RS256").setExpiresInMinutes(5));
      String correlation = "auth-rs256-" + UUID.randomUUID();
      Route create = routes().get(0);
      HttpResponse<Buffer> ok =
          call(
              rsa.anonymousHttp,
              "Bearer " + valid,
              create.method(),
              create.path(),
              create.body(),
              correlation);
      assertThat(ok.statusCode()).as(ok.bodyAsString()).isEqualTo(200);
      Row audit =
          sync(sql("SELECT actor FROM audit_log WHERE correlation_id = $1", correlation))
              .iterator()
              .next();
      assertThat(audit.getString("actor")).isEqualTo(subject);

      String both = Scopes.READ + " " + Scopes.WRITE;
      Map<String, String> bad = new LinkedHashMap<>();
      bad.put(
          "HS256 signed with the public key PEM",
          HandMadeJwt.hmac("HS256", "HmacSHA256", publicPem, HandMadeJwt.claims("confused", both)));
      bad.put(
          "RS256 header, HMAC with the public key PEM",
          HandMadeJwt.hmac("RS256", "HmacSHA256", publicPem, HandMadeJwt.claims("confused", both)));
      bad.put(
          "HS256 with the test secret (not configured here)",
          HandMadeJwt.hs256(HandMadeJwt.claims("confused", both)));
      bad.put("alg none", HandMadeJwt.none(HandMadeJwt.claims("confused", both)));
      KeyPairGenerator other = KeyPairGenerator.getInstance("RSA");
      other.initialize(2048);
      String otherPrivate = pem("PRIVATE KEY", other.generateKeyPair().getPrivate().getEncoded());
      bad.put(
          "RS256 signed by another key",
          JWTAuth.create(
                  rsa.clientVertx,
                  new JWTAuthOptions()
                      .addPubSecKey(
                          new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(otherPrivate)))
              .generateToken(
                  new JsonObject().put("sub", "other").put("scope", both),
                  new JWTOptions().setAlgorithm("RS256")));
      for (Map.Entry<String, String> token : bad.entrySet()) {
        HttpResponse<Buffer> response =
            call(
                rsa.anonymousHttp,
                "Bearer " + token.getValue(),
                create.method(),
                create.path(),
                create.body(),
                null);
        assertInvalidToken(token.getKey(), response, token.getValue());
      }
    } finally {
      rsa.close();
    }
  }
}
