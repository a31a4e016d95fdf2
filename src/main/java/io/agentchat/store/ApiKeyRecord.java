package io.agentchat.store;

import java.time.Instant;

/**
 * An API key of a tenant: it acts as its owner ({@code userId}, a member or a service account of the tenant) within the
 * tenant. Only a hash of its secret is kept ({@code secretHash}, SHA-256 hex of the secret part). {@code expiresAt},
 * {@code requestsPerMinute} (0: the server's default), {@code revokedAt} and {@code lastUsedAt} may be null. Its monthly
 * budget, when it has one, is the budget of scope {@link MeteringRules#keyScope}.
 */
public record ApiKeyRecord(String tenantId, String keyId, String name, String userId, String secretHash, String createdBy,
                           Instant createdAt, Instant expiresAt, int requestsPerMinute, Instant revokedAt, Instant lastUsedAt) {

  public boolean revoked() {
    return revokedAt != null;
  }

  public boolean expired(Instant now) {
    return expiresAt != null && !now.isBefore(expiresAt);
  }

  /** Whether the key may be used at {@code now}. */
  public boolean usable(Instant now) {
    return !revoked() && !expired(now);
  }
}
