package io.agentchat.support;

import io.agentchat.auth.SigningKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A stand-in for a user pool's {@code /<poolId>/.well-known/jwks.json}: serves the public halves of test RSA keys, counts
 * requests, and mints Cognito-shaped tokens with those keys (or with forged headers) for verification tests.
 */
public final class JwksServer {
  public static final String POOL = "us-east-1_TestPool";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  public record Key(String kid, KeyPair pair) {
    public JsonObject jwk() {
      RSAPublicKey pub = (RSAPublicKey) pair.getPublic();
      return new JsonObject().put("kty", "RSA").put("alg", "RS256").put("use", "sig").put("kid", kid)
          .put("n", B64.encodeToString(SigningKeys.unsigned(pub.getModulus()))).put("e", B64.encodeToString(SigningKeys.unsigned(pub.getPublicExponent())));
    }
  }

  private final List<Key> served = new ArrayList<>();
  private final StandInServer server = new StandInServer().on("/" + POOL + "/.well-known/jwks.json", this::keys);

  public static Key newKey(String kid) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return new Key(kid, g.generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Keys served from now on (the server reads the list on every request). */
  public synchronized JwksServer serve(Key key) {
    served.add(key);
    return this;
  }

  private void keys(HttpServerRequest req, Buffer body) {
    JsonArray keys = new JsonArray();
    synchronized (this) {
      served.forEach(k -> keys.add(k.jwk()));
    }
    StandInServer.json(req.response(), new JsonObject().put("keys", keys));
  }

  /** Listens on {@code port} (0 for any free port) on the caller's Vert.x; any other path is answered 404. */
  public Future<JwksServer> start(Vertx vertx, int port) {
    return server.listen(vertx, port).map(this);
  }

  public Future<Void> stop() {
    return server.stop();
  }

  public int port() {
    return server.port();
  }

  public String issuer() {
    return issuer(port());
  }

  public static String issuer(int port) {
    return "http://127.0.0.1:" + port + "/" + POOL;
  }

  /** Requests received, on any path. */
  public int requests() {
    return server.requests().size();
  }

  /** The claims of a valid ID token of {@code tenant}, for {@code clientId}, issued by {@code issuer}, one hour left. */
  public static JsonObject idClaims(String issuer, String clientId, String tenant, boolean admin) {
    long now = System.currentTimeMillis() / 1000;
    JsonObject c = new JsonObject().put("sub", "0b6c3f4e-user").put("iss", issuer).put("aud", clientId).put("token_use", "id")
        .put("email", "ada@" + tenant + ".test").put("custom:tenant_id", tenant).put("custom:subscription_tier", "basic")
        .put("iat", now).put("auth_time", now).put("exp", now + 3600);
    if (admin) {
      c.put("cognito:groups", new JsonArray().add(tenant + "-admins"));
    }
    return c;
  }

  /** An RS256 token signed with {@code key}, its header naming {@code kid}. */
  public static String sign(Key key, String kid, JsonObject claims) {
    String input = part(new JsonObject().put("alg", "RS256").put("typ", "JWT").put("kid", kid)) + "." + part(claims);
    try {
      Signature s = Signature.getInstance("SHA256withRSA");
      s.initSign(key.pair().getPrivate());
      s.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + B64.encodeToString(s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A token with {@code alg: none} and an empty signature. */
  public static String unsigned(String kid, JsonObject claims) {
    return part(new JsonObject().put("alg", "none").put("typ", "JWT").put("kid", kid)) + "." + part(claims) + ".";
  }

  /** The classic confusion attack: HS256 with the RSA public key (its JWK and its DER encoding) as the HMAC secret. */
  public static List<String> hs256WithPublicKey(Key key, JsonObject claims) {
    String input = part(new JsonObject().put("alg", "HS256").put("typ", "JWT").put("kid", key.kid())) + "." + part(claims);
    List<String> tokens = new ArrayList<>();
    for (byte[] secret : List.of(key.pair().getPublic().getEncoded(), key.jwk().encode().getBytes(StandardCharsets.UTF_8))) {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        tokens.add(input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII))));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
    return tokens;
  }

  private static String part(JsonObject json) {
    return B64.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }
}
