package io.agentchat.store;

import java.time.Instant;

/**
 * A refresh token, stored only as its hash. {@code family} is the hash of the first token of its chain (the one a login
 * issued); every rotation hands it on, so that a spent token presented again revokes the whole chain (OAuth 2.0 Security
 * BCP, refresh token reuse detection).
 */
public record RefreshRecord(String tokenHash, String tenantId, String userId, Instant expiresAt, String family) {
  /** The first token of a new chain. */
  public RefreshRecord(String tokenHash, String tenantId, String userId, Instant expiresAt) {
    this(tokenHash, tenantId, userId, expiresAt, tokenHash);
  }

  /** The next token of {@code old}'s chain, of its tenant and user. */
  public RefreshRecord next(RefreshRecord old) {
    return new RefreshRecord(tokenHash, old.tenantId(), old.userId(), expiresAt, old.family());
  }
}
