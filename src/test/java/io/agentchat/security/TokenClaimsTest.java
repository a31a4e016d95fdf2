package io.agentchat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.support.Api;
import io.agentchat.support.AppTest;
import io.agentchat.support.BridgeClient;
import io.agentchat.support.BridgeClient.BridgeError;
import io.agentchat.support.TestTokens;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Tokens signed with the server's own key whose time claims are missing or of the wrong type: refused with 401 on HTTP
 * and {@code access_denied} on the bridge, never a 500 and never a silently dropped frame, and never accepted forever.
 */
class TokenClaimsTest extends AppTest {

  @Test
  void signedTokensWithoutValidExpOrIatAreRefused(VertxTestContext ctx) throws Exception {
    PrivateKey key = TestTokens.serverKey(dataDir);
    api.signupAndLogin("eve@acme.test", "acme", "basic", null).compose(u -> {
      String header = new String(Base64.getUrlDecoder().decode(u.idToken().split("\\.")[0]));
      JsonObject claims = u.claims();
      Map<String, String> tokens = new LinkedHashMap<>();
      try {
        JsonObject noExp = claims.copy();
        noExp.remove("exp");
        tokens.put("no exp", TestTokens.rs256(key, header, noExp.encode()));
        JsonObject noIat = claims.copy();
        noIat.remove("iat");
        tokens.put("no iat", TestTokens.rs256(key, header, noIat.encode()));
        tokens.put("exp a string", TestTokens.rs256(key, header, claims.copy().put("exp", String.valueOf(claims.getLong("exp"))).encode()));
        tokens.put("exp a fraction", TestTokens.rs256(key, header, claims.copy().put("exp", claims.getLong("exp") + 0.5).encode()));
      } catch (Exception e) {
        return Future.failedFuture(e);
      }
      List<String> failures = new ArrayList<>();
      Future<Void> http = Future.succeededFuture();
      for (Map.Entry<String, String> t : tokens.entrySet()) {
        http = http.compose(v -> api.get("/api/tenants/acme/usage", t.getValue()).map(r -> {
          if (r.statusCode() != 401 || !"unauthorized".equals(Api.errorCode(r))) {
            failures.add(t.getKey() + " -> " + r.statusCode() + " " + r.bodyAsString());
          }
          return null;
        }));
      }
      return http.compose(v -> BridgeClient.connect(vertx, app.httpPort())).compose(b -> {
        List<Future<JsonObject>> sends = tokens.values().stream()
            .map(t -> b.request("chat.send", t, new JsonObject().put("message", "hello"))).toList();
        return Future.join(sends).transform(ar -> {
          for (Future<JsonObject> s : sends) {
            if (s.succeeded() || !(s.cause() instanceof BridgeError e && e.code().equals("access_denied"))) {
              failures.add("bridge frame: " + (s.succeeded() ? "accepted " + s.result() : s.cause().toString()));
            }
          }
          return b.close();
        });
      }).map(v -> {
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertEquals(4, tokens.size());
        return null;
      });
    }).onComplete(ctx.succeedingThenComplete());
  }
}
