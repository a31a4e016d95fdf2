package io.agentchat.auth;

import io.agentchat.common.Identity;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Turns a bearer token into an {@link Identity}, or fails with unauthorized. The only source of tenant, user, tier and role. */
public interface TokenVerifier {
  Future<Identity> verify(String token);

  /**
   * The {@code exp} claim of a token that {@link #verify} accepted, in epoch seconds (0 when it cannot be read, which makes
   * a cached verification expire at once).
   */
  static long expiresAtSeconds(String token) {
    return claim(token, "exp");
  }

  /** A numeric claim of a token's payload, or 0 when it cannot be read. */
  private static long claim(String token, String name) {
    return claims(token).getValue(name) instanceof Number n ? n.longValue() : 0;
  }

  /**
   * The claims of a token's payload, read without checking its signature (empty when it cannot be read): for a token
   * verified already, or one the server was just handed by its own provider.
   */
  static JsonObject claims(String token) {
    try {
      String[] parts = token.split("\\.", -1);
      return new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      return new JsonObject();
    }
  }

  /** The {@code iat} claim of a token that {@link #verify} accepted, in epoch seconds (0 when it cannot be read). */
  static long issuedAtSeconds(String token) {
    return claim(token, "iat");
  }

  /**
   * Whether a token of {@code id} issued at {@code issuedAtSeconds} has been revoked since it was verified (a cached
   * verification asks this on every use); false when the verifier keeps no revocations.
   */
  default boolean revoked(Identity id, long issuedAtSeconds) {
    return false;
  }

  /** A verified identity brought up to date (its organisation's current plan); as it is by default. */
  default Identity current(Identity id) {
    return id;
  }

  /** Releases what the verifier holds (an HTTP client for remote keys); nothing by default. */
  default void close() {
  }
}
