package io.agentchat.auth;

import io.agentchat.common.ErrorCode;
import io.agentchat.common.Identity;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies ID tokens of an Amazon Cognito user pool. The pool's JWK set is fetched from {@code <issuer>/.well-known/jwks.json}
 * and cached; a token with an unknown {@code kid} makes it be fetched again, at most once per {@code jwksMinRefreshMs}
 * (so a flood of random key ids cannot hammer the endpoint). The checks themselves are {@link JwtTokenVerifier}'s: RS256
 * only, issuer, expiry, {@code token_use=id} and {@code aud} = the app client id; tenant from {@code custom:tenant_id},
 * admin from {@code cognito:groups}. Until the JWK set has been fetched once, every token fails with
 * {@code auth_unavailable} (503): never accepted unverified.
 */
public final class CognitoTokenVerifier implements TokenVerifier {
  private static final Logger LOG = LoggerFactory.getLogger(CognitoTokenVerifier.class);

  private record Keys(JwtTokenVerifier verifier, Set<String> kids) {
  }

  private final Vertx vertx;
  private final WebClient client;
  private final CognitoConfig config;
  private volatile Keys keys;
  /** When the last fetch started (nanoTime), or 0 before the first. */
  private long lastFetch;
  /** When the last fetch for an unknown key id started (nanoTime), or 0 before the first. */
  private long lastKidRefresh;
  private Future<Keys> inFlight;

  public CognitoTokenVerifier(Vertx vertx, CognitoConfig config) {
    this.vertx = vertx;
    this.config = config;
    this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(5000).setIdleTimeout(30)
        .setUserAgent("agent-chat"));
  }

  /** Starts the first fetch; the server starts even if it fails (requests then get 503 until it succeeds). */
  public CognitoTokenVerifier prefetch() {
    refresh(false).onFailure(t -> LOG.warn("JWKS not available yet from {}: {}", config.jwksUrl(), t.getMessage()));
    return this;
  }

  @Override
  public void close() {
    client.close();
  }

  private static Future<Identity> reject(String why) {
    return Future.failedFuture(ErrorCode.UNAUTHORIZED.exception(why));
  }

  @Override
  public Future<Identity> verify(String token) {
    if (token == null || token.isEmpty() || token.length() > JwtTokenVerifier.MAX_TOKEN_CHARS) {
      return reject(token == null || token.isEmpty() ? "A bearer token is required." : "The token is too large.");
    }
    int dot = token.indexOf('.');
    if (dot <= 0) {
      return reject("The token is malformed.");
    }
    JsonObject header;
    try {
      header = new JsonObject(new String(Base64.getUrlDecoder().decode(token.substring(0, dot)), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      return reject("The token is malformed.");
    }
    if (!"RS256".equals(header.getValue("alg"))) {
      return reject("The token's algorithm is not accepted.");
    }
    if (!(header.getValue("kid") instanceof String kid) || kid.isEmpty() || kid.length() > 200) {
      return reject("The token has no key id.");
    }
    Keys k = keys;
    if (k != null && k.kids().contains(kid)) {
      return k.verifier().verify(token);
    }
    return refresh(k != null).compose(fresh -> fresh.kids().contains(kid) ? fresh.verifier().verify(token)
        : reject("The token was signed with an unknown key."), t -> keys != null
        ? (keys.kids().contains(kid) ? keys.verifier().verify(token) : reject("The token was signed with an unknown key."))
        : Future.failedFuture(ErrorCode.AUTH_UNAVAILABLE.exception("Sign-in is unavailable for the moment; try again shortly.")));
  }

  /**
   * Fetches the JWK set unless a fetch is under way (then joins it) or, within the minimum interval, a fetch already
   * happened for the same reason (then answers the cached keys, or fails while there are none). The reasons are apart so
   * that a key rotated in right after start-up is still picked up: no keys yet (retried while the endpoint is down), and
   * an unknown key id while keys are loaded.
   */
  private synchronized Future<Keys> refresh(boolean unknownKid) {
    if (inFlight != null) {
      return inFlight;
    }
    long now = System.nanoTime();
    long last = unknownKid ? lastKidRefresh : lastFetch;
    if (last != 0 && now - last < config.jwksMinRefreshMs() * 1_000_000L) {
      Keys k = keys;
      return k != null ? Future.succeededFuture(k) : Future.failedFuture("JWKS fetched too recently");
    }
    lastFetch = now;
    if (unknownKid) {
      lastKidRefresh = now;
    }
    Promise<Keys> p = Promise.promise();
    inFlight = p.future();
    client.getAbs(config.jwksUrl()).timeout(config.callTimeoutMs()).send().compose(resp -> {
      if (resp.statusCode() != 200) {
        return Future.failedFuture("JWKS answered HTTP " + resp.statusCode());
      }
      JsonArray set = resp.bodyAsJsonObject().getJsonArray("keys");
      JsonArray usable = new JsonArray();
      Set<String> kids = new HashSet<>();
      for (Object o : set) {
        if (o instanceof JsonObject jwk && "RSA".equals(jwk.getString("kty")) && jwk.getString("kid") != null
            && (jwk.getString("alg") == null || "RS256".equals(jwk.getString("alg")))) {
          usable.add(jwk.copy().put("alg", "RS256"));
          kids.add(jwk.getString("kid"));
        }
      }
      if (kids.isEmpty()) {
        return Future.failedFuture("JWKS has no RS256 key");
      }
      return Future.succeededFuture(new Keys(new JwtTokenVerifier(vertx, usable, config.issuer(), config.clientId()), Set.copyOf(kids)));
    }).onComplete(ar -> {
      synchronized (this) {
        inFlight = null;
        if (ar.succeeded()) {
          keys = ar.result();
          LOG.info("JWKS loaded from {}: key ids {}", config.jwksUrl(), ar.result().kids());
        }
      }
      p.handle(ar);
    });
    return p.future();
  }
}
