package io.agentchat.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentchat.support.AppTest;
import io.agentchat.support.JwksServer;
import io.agentchat.support.JwksServer.Key;
import io.agentchat.support.Poll;
import io.agentchat.support.Ports;
import io.agentchat.support.TestApp;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Cognito mode with the pool's JWKS endpoint down when the server starts: requests fail with 503 auth_unavailable (never
 * 500, never accepted unverified), and succeed without a restart once the endpoint answers.
 */
class CognitoJwksOutageTest extends AppTest {
  private static final Key KEY = JwksServer.newKey("key-1");
  private int jwksPort;

  @Override
  protected JsonObject config(Path dir) {
    jwksPort = Ports.free();
    JsonObject json = TestApp.config(dir);
    json.getJsonObject("auth").put("provider", "cognito").put("cognito", new JsonObject().put("region", "us-east-1")
        .put("userPoolId", JwksServer.POOL).put("clientId", "test-client").put("issuer", JwksServer.issuer(jwksPort))
        .put("endpoint", "http://127.0.0.1:" + jwksPort).put("jwksMinRefreshMs", 50));
    return json;
  }

  @Test
  void unreachableJwksAnswers503ThenRecoversWithoutARestart(VertxTestContext ctx) {
    String token = JwksServer.sign(KEY, "key-1", JwksServer.idClaims(JwksServer.issuer(jwksPort), "test-client", "acme", false));
    String path = "/api/tenants/acme/subscription";
    JwksServer jwks = new JwksServer().serve(KEY);
    // the organisation the token names exists (a token of an organisation the store does not know is refused)
    app.store().identity().createTenantWithAdmin(new io.agentchat.store.TenantRecord("acme", "basic", "UTC", java.time.Instant.now()),
            new io.agentchat.store.UserRecord("acme", "admin-1", "admin@acme.test", "", "admin", true, null, java.time.Instant.now()))
        .compose(t -> api.get(path, token)).compose(r -> {
      assertEquals(503, r.statusCode(), r.bodyAsString());
      assertEquals("auth_unavailable", r.bodyAsJsonObject().getJsonObject("error").getString("code"));
      // a forged token is not let through while keys are missing either
      return api.get(path, JwksServer.unsigned("key-1", JwksServer.idClaims(JwksServer.issuer(jwksPort), "test-client", "acme", false)));
    }).compose(r -> {
      assertEquals(401, r.statusCode(), "alg none is refused before any key is needed");
      return api.get("/api/dev/mailbox/ada@acme.test", null);
    }).compose(r -> {
      assertEquals(404, r.statusCode(), "no development mailbox in Cognito mode");
      return jwks.start(vertx, jwksPort);
    }).compose(j -> Poll.until(vertx, Duration.ofSeconds(10), () -> api.get(path, token), r -> r.statusCode() != 503)).compose(r -> {
      assertEquals(200, r.statusCode(), r.bodyAsString());
      assertEquals("acme", r.bodyAsJsonObject().getString("tenant_id"));
      return jwks.stop();
    }).onComplete(ctx.succeedingThenComplete());
  }
}
