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
    try {
      String[] parts = token.split("\\.", -1);
      Object exp = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)).getValue("exp");
      return exp instanceof Number n ? n.longValue() : 0;
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /** Releases what the verifier holds (an HTTP client for remote keys); nothing by default. */
  default void close() {
  }
}
