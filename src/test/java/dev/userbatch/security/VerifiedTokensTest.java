package dev.userbatch.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userbatch.batch.RequestException;
import dev.userbatch.batch.Scopes;
import dev.userbatch.config.ServiceConfig;
import dev.userbatch.support.TestService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verified tokens are remembered until their exp, never longer, and the scope is checked every
 * time.
 */
class VerifiedTokensTest {
  private Vertx vertx;
  private TokenVerifier verifier;

  @BeforeEach
  void setUp(@TempDir Path dataDir) {
    vertx = Vertx.vertx();
    ServiceConfig config =
        ServiceConfig.load(
            Map.of(
                "JWT_SECRET",
                TestService.JWT_SECRET,
                "JWT_LEEWAY_SECONDS",
                "0",
                "DATA_DIR",
                dataDir.toString()));
    verifier = JwtSetup.create(vertx, config.security());
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private String token(String subject, int expiresInSeconds, String scope) {
    JWTAuth jwt =
        JWTAuth.create(
            vertx,
            new JWTAuthOptions()
                .addPubSecKey(
                    new PubSecKeyOptions()
                        .setAlgorithm("HS256")
                        .setBuffer(TestService.JWT_SECRET)));
    return jwt.generateToken(
        new JsonObject().put("sub", subject).put("scope", scope),
        new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(expiresInSeconds));
  }

  private static <T> Future<T> settled(Future<T> future) throws Exception {
    future
        .toCompletionStage()
        .toCompletableFuture()
        .handle((v, e) -> null)
        .get(10, TimeUnit.SECONDS);
    return future;
  }

  @Test
  void entriesExpireAtTheirExpAndTheLeastRecentlyUsedGoesFirst() {
    VerifiedTokens tokens = new VerifiedTokens(2);
    BearerAuth.Caller a = new BearerAuth.Caller("a", Set.of(Scopes.READ));
    BearerAuth.Caller b = new BearerAuth.Caller("b", Set.of(Scopes.READ));
    BearerAuth.Caller c = new BearerAuth.Caller("c", Set.of(Scopes.READ));
    tokens.put("ta", a, 1_000);
    assertThat(tokens.get("ta", 999)).isEqualTo(a);
    assertThat(tokens.get("ta", 1_000)).as("at exp").isNull();
    assertThat(tokens.size()).isZero();
    tokens.put("ta", a, 5_000);
    tokens.put("tb", b, 5_000);
    assertThat(tokens.get("ta", 0)).isEqualTo(a); // ta used last: tb is the eldest
    tokens.put("tc", c, 5_000);
    assertThat(tokens.size()).isEqualTo(2);
    assertThat(tokens.get("tb", 0)).isNull();
    assertThat(tokens.get("ta", 0)).isEqualTo(a);
    assertThat(tokens.get("tc", 0)).isEqualTo(c);
  }

  @Test
  void aRememberedTokenIsRefusedOnceExpired() throws Exception {
    BearerAuth auth = new BearerAuth(verifier);
    String token = token("expiring", 2, Scopes.READ);
    Future<BearerAuth.Caller> first = settled(auth.authorize("Bearer " + token, Scopes.READ));
    assertThat(first.succeeded()).as(String.valueOf(first.cause())).isTrue();
    assertThat(settled(auth.authorize("Bearer " + token, Scopes.READ)).result())
        .isSameAs(first.result());
    Thread.sleep(2_100);
    Future<BearerAuth.Caller> late = settled(auth.authorize("Bearer " + token, Scopes.READ));
    assertThat(late.failed()).isTrue();
    assertThat(((RequestException) late.cause()).status()).isEqualTo(401);
  }

  @Test
  void aRememberedTokenIsStillCheckedForTheScope() throws Exception {
    BearerAuth auth = new BearerAuth(verifier);
    String token = token("reader", 600, Scopes.READ);
    assertThat(settled(auth.authorize("Bearer " + token, Scopes.READ)).succeeded()).isTrue();
    Future<BearerAuth.Caller> write = settled(auth.authorize("Bearer " + token, Scopes.WRITE));
    assertThat(write.failed()).isTrue();
    assertThat(((RequestException) write.cause()).status()).isEqualTo(403);
  }

  /**
   * Only what verified is remembered: a clock far in the future makes every entry a miss, not a
   * pass.
   */
  @Test
  void onlyVerifiedTokensAreRememberedAndOnlyUntilExp() throws Exception {
    long[] now = {System.currentTimeMillis()};
    BearerAuth auth = new BearerAuth(verifier, 10, () -> now[0]);
    String bad = token("forged", 600, Scopes.READ) + "x";
    assertThat(settled(auth.verify(bad)).failed()).isTrue();
    assertThat(settled(auth.verify(bad)).failed())
        .as("a failure is not remembered as a pass")
        .isTrue();
    String good = token("caller", 600, Scopes.READ);
    BearerAuth.Caller caller = settled(auth.verify(good)).result();
    assertThat(auth.verify(good).result()).as("answered from memory, at once").isSameAs(caller);
    now[0] += 601_000;
    assertThat(settled(auth.verify(good)).result())
        .as("past exp: verified again")
        .isNotSameAs(caller)
        .isEqualTo(caller);
  }
}
