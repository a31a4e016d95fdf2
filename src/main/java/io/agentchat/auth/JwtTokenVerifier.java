package io.agentchat.auth;

import io.agentchat.common.ErrorCode;
import io.agentchat.common.Identity;
import io.agentchat.common.Ids;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Verifies Cognito-shaped ID tokens against a JWK set with vertx-auth-jwt: RS256 only, issuer, audience, expiry and
 * {@code token_use=id}. Cheap structural checks run before any cryptography.
 */
public final class JwtTokenVerifier implements TokenVerifier {
  static final int MAX_TOKEN_CHARS = 8192;
  private final JWTAuth jwt;
  private final String clientId;

  public JwtTokenVerifier(Vertx vertx, JsonArray jwks, String issuer, String clientId) {
    JWTAuthOptions opts = new JWTAuthOptions()
        .setJWTOptions(new JWTOptions().setIssuer(issuer).setAudience(List.of(clientId)).setLeeway(5));
    for (Object k : jwks) {
      opts.addJwk((JsonObject) k);
    }
    this.jwt = JWTAuth.create(vertx, opts);
    this.clientId = clientId;
  }

  private static Future<Identity> reject(String why) {
    return Future.failedFuture(ErrorCode.UNAUTHORIZED.exception(why));
  }

  @Override
  public Future<Identity> verify(String token) {
    if (token == null || token.isEmpty()) {
      return reject("A bearer token is required.");
    }
    if (token.length() > MAX_TOKEN_CHARS) {
      return reject("The token is too large.");
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
      return reject("The token is malformed.");
    }
    JsonObject header;
    try {
      header = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      return reject("The token is malformed.");
    }
    if (!"RS256".equals(header.getValue("alg"))) {
      return reject("The token's algorithm is not accepted.");
    }
    if (header.containsKey("jku") || header.containsKey("x5u") || header.containsKey("jwk") || header.containsKey("crit")) {
      return reject("The token's header is not accepted.");
    }
    JsonObject claims;
    try {
      claims = strictJson(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    } catch (RuntimeException | java.io.IOException e) {
      return reject("The token is malformed.");
    }
    // a token must say when it was issued and when it expires, as whole seconds; one that does not is never accepted
    if (!seconds(claims.getValue("exp")) || !seconds(claims.getValue("iat"))) {
      return reject("The token must carry exp and iat as numbers of seconds.");
    }
    Future<?> signed;
    try {
      signed = jwt.authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      signed = Future.failedFuture(e);
    }
    return signed.recover(t -> Future.failedFuture(ErrorCode.UNAUTHORIZED.exception("The token is invalid or expired.")))
        .compose(user -> toIdentity(claims));
  }

  private static boolean seconds(Object v) {
    return v instanceof Number n && !(v instanceof Double d && (d.isNaN() || d.isInfinite())) && n.doubleValue() == Math.rint(n.doubleValue())
        && n.doubleValue() > 0;
  }

  private static final com.fasterxml.jackson.core.JsonFactory STRICT = com.fasterxml.jackson.core.JsonFactory.builder()
      .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /** Parses claims refusing duplicate keys: two parsers must never disagree on which tenant a token names (RFC 8725 3.1). */
  static JsonObject strictJson(String text) throws java.io.IOException {
    try (com.fasterxml.jackson.core.JsonParser p = STRICT.createParser(text)) {
      while (p.nextToken() != null) {
        // reading every token is what checks for duplicates
      }
    }
    return new JsonObject(text);
  }

  private Future<Identity> toIdentity(JsonObject c) {
    if (!"id".equals(c.getValue("token_use"))) {
      return reject("An ID token is required.");
    }
    if (!clientId.equals(c.getValue("aud"))) {
      return reject("The token was issued for another client.");
    }
    Object tenant = c.getValue("custom:tenant_id");
    Object sub = c.getValue("sub");
    Object tier = c.getValue("custom:subscription_tier");
    if (!(tenant instanceof String t) || !Ids.validTenant(t) || !(sub instanceof String s) || s.isEmpty() || !(tier instanceof String tr)) {
      return reject("The token lacks tenant, user or tier claims.");
    }
    List<String> groups = new ArrayList<>();
    Object g = c.getValue("cognito:groups");
    if (g instanceof JsonArray a) {
      for (Object o : a) {
        if (o instanceof String str) {
          groups.add(str);
        }
      }
    }
    boolean admin = groups.contains(Identity.adminGroup(t));
    Object email = c.getValue("email");
    return Future.succeededFuture(new Identity(t, s, email instanceof String e ? e : "", tr, admin, groups));
  }
}
