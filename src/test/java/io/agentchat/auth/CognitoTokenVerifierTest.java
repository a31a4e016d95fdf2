package io.agentchat.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.common.AppException;
import io.agentchat.common.ErrorCode;
import io.agentchat.common.Identity;
import io.agentchat.config.ConfigReader;
import io.agentchat.support.JwksServer;
import io.agentchat.support.JwksServer.Key;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Verification of Cognito ID tokens against a local JWKS server with test RSA keys: what is accepted, what is refused. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class CognitoTokenVerifierTest {
  private static final String CLIENT = "test-client-id";
  private static final Key KEY = JwksServer.newKey("key-1");
  private JwksServer jwks;
  private CognitoTokenVerifier verifier;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    jwks = new JwksServer().serve(KEY);
    jwks.start(vertx, 0).onComplete(ctx.succeeding(j -> {
      verifier = new CognitoTokenVerifier(vertx, config(j.issuer(), 60_000));
      ctx.completeNow();
    }));
  }

  @AfterEach
  void stop(VertxTestContext ctx) {
    jwks.stop().onComplete(ctx.succeedingThenComplete());
  }

  static CognitoConfig config(String issuer, long minRefreshMs) {
    return CognitoConfig.from(new ConfigReader(new JsonObject().put("userPoolId", JwksServer.POOL).put("clientId", CLIENT)
        .put("issuer", issuer).put("jwksMinRefreshMs", minRefreshMs), "auth.cognito"), true);
  }

  private JsonObject claims() {
    return JwksServer.idClaims(jwks.issuer(), CLIENT, "acme", false);
  }

  private static Future<Void> rejected(Future<Identity> f, String why) {
    return f.transform(ar -> {
      assertTrue(ar.failed(), why + ": must be refused");
      assertTrue(ar.cause() instanceof AppException, why + ": " + ar.cause());
      assertEquals(ErrorCode.UNAUTHORIZED, ((AppException) ar.cause()).code(), why);
      return Future.succeededFuture();
    });
  }

  @Test
  void aValidIdTokenGivesTenantTierAndAdminFromTheGroups(VertxTestContext ctx) {
    verifier.verify(JwksServer.sign(KEY, "key-1", JwksServer.idClaims(jwks.issuer(), CLIENT, "acme", true)))
        .compose(id -> {
          assertEquals("acme", id.tenantId());
          assertEquals("0b6c3f4e-user", id.userId());
          assertEquals("basic", id.tier());
          assertTrue(id.admin(), "cognito:groups holds acme-admins");
          return verifier.verify(JwksServer.sign(KEY, "key-1", claims()));
        })
        .onComplete(ctx.succeeding(member -> ctx.verify(() -> {
          assertFalse(member.admin());
          assertEquals(1, jwks.requests(), "the JWK set is fetched once and cached");
          ctx.completeNow();
        })));
  }

  @Test
  void forgedAndForeignTokensAreRefused(VertxTestContext ctx) {
    long now = System.currentTimeMillis() / 1000;
    JsonObject access = claims().put("token_use", "access").put("client_id", CLIENT);
    access.remove("aud");
    List<Future<Void>> checks = new ArrayList<>();
    checks.add(rejected(verifier.verify(JwksServer.sign(KEY, "key-1", claims().put("iss", "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other"))),
        "another pool's issuer"));
    checks.add(rejected(verifier.verify(JwksServer.sign(KEY, "key-1", access)), "an access token"));
    checks.add(rejected(verifier.verify(JwksServer.sign(KEY, "key-1", claims().put("exp", now - 600))), "an expired token"));
    checks.add(rejected(verifier.verify(JwksServer.sign(KEY, "key-1", claims().put("aud", "another-client"))), "another app client"));
    checks.add(rejected(verifier.verify(JwksServer.unsigned("key-1", claims())), "alg none"));
    JwksServer.hs256WithPublicKey(KEY, claims()).forEach(t -> checks.add(rejected(verifier.verify(t), "HS256 with the public key")));
    Key other = JwksServer.newKey("key-1");
    checks.add(rejected(verifier.verify(JwksServer.sign(other, "key-1", claims())), "a known kid but another key's signature"));
    checks.add(rejected(verifier.verify(JwksServer.sign(KEY, "key-1", claims().put("custom:tenant_id", "Not A Tenant"))), "a bad tenant claim"));
    checks.add(rejected(verifier.verify("not.a.token"), "garbage"));
    checks.add(rejected(verifier.verify(null), "no token"));
    Future.all(checks).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void anUnknownKidCausesOneJwksRefreshThenIsRefusedEvenInAFlood(VertxTestContext ctx) {
    verifier.verify(JwksServer.sign(KEY, "key-1", claims())).compose(id -> {
      assertEquals(1, jwks.requests());
      List<Future<Void>> flood = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        flood.add(rejected(verifier.verify(JwksServer.sign(KEY, UUID.randomUUID().toString(), claims())), "unknown kid"));
      }
      return Future.all(flood);
    }).compose(v -> rejected(verifier.verify(JwksServer.sign(KEY, "yet-another-kid", claims())), "unknown kid after the flood"))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertEquals(2, jwks.requests(), "exactly one refresh for the whole flood of unknown key ids");
          ctx.completeNow();
        })));
  }

  @Test
  void aRotatedInKeyIsPickedUpOnItsFirstToken(VertxTestContext ctx) {
    Key next = JwksServer.newKey("key-2");
    verifier.verify(JwksServer.sign(KEY, "key-1", claims())).compose(id -> {
      jwks.serve(next);
      return verifier.verify(JwksServer.sign(next, "key-2", claims()));
    }).onComplete(ctx.succeeding(id -> ctx.verify(() -> {
      assertEquals("acme", id.tenantId());
      assertEquals(2, jwks.requests());
      ctx.completeNow();
    })));
  }
}
