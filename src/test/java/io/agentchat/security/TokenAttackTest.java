package io.agentchat.security;

import static io.agentchat.support.TestTokens.b64;
import static io.agentchat.support.TestTokens.rs256;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.support.Api.User;
import io.agentchat.support.AppTest;
import io.agentchat.support.BridgeClient;
import io.agentchat.support.TestTokens;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Forged, altered and malformed tokens (RFC 8725, OWASP ASVS V9) are refused with 401 on HTTP and access_denied on the
 * bridge; never a 500, never data.
 */
class TokenAttackTest extends AppTest {
  private static String hs256(byte[] secret, String header, String payload) throws Exception {
    String input = b64(header) + "." + b64(payload);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret, "HmacSHA256"));
    return input + "." + b64(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
  }

  /** Every forged token, named, built from a real one. */
  private Map<String, String> forgeries(User u) throws Exception {
    String[] parts = u.idToken().split("\\.");
    JsonObject header = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
    JsonObject claims = u.claims();
    String kid = header.getString("kid");
    PrivateKey key = TestTokens.serverKey(dataDir);
    long now = System.currentTimeMillis() / 1000;
    String h = header.encode();
    Map<String, String> f = new LinkedHashMap<>();
    for (String none : List.of("none", "None", "NONE", "nOnE")) {
      f.put("alg " + none, b64(new JsonObject().put("alg", none).put("typ", "JWT").encode()) + "." + b64(claims.encode()) + ".");
    }
    byte[] publicPem = ("-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(
        KeyFactory.getInstance("RSA").generatePublic(new java.security.spec.RSAPublicKeySpec(
            ((java.security.interfaces.RSAPrivateCrtKey) key).getModulus(), ((java.security.interfaces.RSAPrivateCrtKey) key).getPublicExponent()))
            .getEncoded()) + "\n-----END PUBLIC KEY-----\n").getBytes(StandardCharsets.US_ASCII);
    f.put("HS256 with the public key as secret", hs256(publicPem, new JsonObject().put("alg", "HS256").put("kid", kid).encode(), claims.encode()));
    f.put("expired", rs256(key, h, claims.copy().put("iat", now - 7200).put("exp", now - 3600).encode()));
    f.put("not yet valid", rs256(key, h, claims.copy().put("nbf", now + 3600).encode()));
    f.put("wrong iss", rs256(key, h, claims.copy().put("iss", "https://evil.example").encode()));
    f.put("wrong aud", rs256(key, h, claims.copy().put("aud", "another-client").encode()));
    f.put("access token", rs256(key, h, claims.copy().put("token_use", "access").encode()));
    f.put("tampered payload", parts[0] + "." + b64(claims.copy().put("custom:tenant_id", "beta").encode()) + "." + parts[2]);
    f.put("tampered tier", parts[0] + "." + b64(claims.copy().put("custom:subscription_tier", "premium").encode()) + "." + parts[2]);
    f.put("kid path traversal", rs256(key, header.copy().put("kid", "../../../../etc/passwd").encode(), claims.encode()));
    f.put("kid SQL", rs256(key, header.copy().put("kid", "x' OR '1'='1").encode(), claims.encode()));
    KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
    gen.initialize(2048);
    PrivateKey attacker = gen.generateKeyPair().getPrivate();
    f.put("signed by another key", rs256(attacker, h, claims.encode()));
    f.put("jku header", rs256(attacker, header.copy().put("jku", "http://127.0.0.1:1/jwks.json").encode(), claims.encode()));
    f.put("x5u header", rs256(attacker, header.copy().put("x5u", "http://127.0.0.1:1/cert.pem").encode(), claims.encode()));
    f.put("embedded jwk header", rs256(attacker, header.copy().put("jwk", new JsonObject().put("kty", "RSA").put("n", "AQAB").put("e", "AQAB"))
        .encode(), claims.encode()));
    f.put("malformed base64", "%%%." + parts[1] + "." + parts[2]);
    f.put("two parts", parts[0] + "." + parts[1]);
    f.put("empty", "");
    f.put("20 KB", rs256(key, h, claims.copy().put("pad", "x".repeat(20_000)).encode()));
    f.put("duplicate tenant claim", rs256(key, h, claims.encode().replaceFirst("\\{", "{\"custom:tenant_id\":\"beta\",")));
    f.put("garbage", "not.a.jwt");
    return f;
  }

  @Test
  void forgedTokensAreRefusedOnHttpAndOnTheBridge(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(u -> api.signupAndLogin("bob@beta.test", "beta", "basic", null)
        .compose(bob -> {
          Map<String, String> forged;
          try {
            forged = forgeries(u);
          } catch (Exception e) {
            return Future.failedFuture(e);
          }
          List<String> failures = new ArrayList<>();
          Future<Void> chain = Future.succeededFuture();
          for (Map.Entry<String, String> e : forged.entrySet()) {
            chain = chain.compose(v -> api.get("/api/tenants/acme/usage", e.getValue()).map(r -> {
              if (r.statusCode() != 401 || !"unauthorized".equals(r.bodyAsJsonObject().getJsonObject("error").getString("code"))) {
                failures.add(e.getKey() + " -> " + r.statusCode() + " " + r.bodyAsString());
              }
              return null;
            })).compose(v -> api.get("/api/tenants/beta/usage", e.getValue()).map(r -> {
              if (r.statusCode() != 401) {
                failures.add(e.getKey() + " (beta path) -> " + r.statusCode());
              }
              return null;
            }));
          }
          return chain.compose(v -> BridgeClient.connect(vertx, app.httpPort())).compose(b -> {
            List<Future<JsonObject>> sends = new ArrayList<>();
            for (Map.Entry<String, String> e : forged.entrySet()) {
              b.register("client.acme." + u.sub(), e.getValue());
            }
            for (String t : List.of(forged.get("alg none"), forged.get("expired"), forged.get("tampered payload"), forged.get("HS256 with the public key as secret"))) {
              sends.add(b.request("chat.send", t, new JsonObject().put("message", "forged")));
            }
            return Future.join(sends).transform(ar -> {
              for (Future<JsonObject> s : sends) {
                if (s.succeeded() || !((BridgeClient.BridgeError) s.cause()).code().equals("access_denied")) {
                  failures.add("bridge send accepted or wrong code: " + (s.succeeded() ? s.result() : s.cause().getMessage()));
                }
              }
              return b.await(fs -> fs.stream().filter(f -> "err".equals(f.getString("type"))
                  && String.valueOf(f.getString("message")).startsWith("access_denied")).count() >= forged.size());
            }).map(fs -> {
              assertTrue(fs.stream().noneMatch(f -> "rec".equals(f.getString("type"))), "nothing delivered to forged registrations");
              return b;
            }).compose(BridgeClient::close);
          }).compose(v -> api.usage(u)).compose(usage -> {
            assertEquals(0, usage.getInteger("daily_used"), "no forged turn ran");
            return api.usage(bob);
          }).map(usage -> {
            assertEquals(0, usage.getInteger("daily_used"));
            assertEquals(List.of(), failures, "every forgery refused with 401");
            return null;
          });
        }))
        .onComplete(ctx.succeedingThenComplete());
  }
}
