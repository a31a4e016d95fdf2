package io.agentchat.auth;

import io.agentchat.common.Identity;
import io.vertx.core.Future;

/** Turns a bearer token into an {@link Identity}, or fails with unauthorized. The only source of tenant, user, tier and role. */
public interface TokenVerifier {
  Future<Identity> verify(String token);

  /** Releases what the verifier holds (an HTTP client for remote keys); nothing by default. */
  default void close() {
  }
}
