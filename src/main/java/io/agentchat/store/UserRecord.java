package io.agentchat.store;

import java.time.Instant;

/**
 * A user of one tenant. {@code role} is admin, user, service (a service account, which has no password and acts only
 * through API keys) or removed (a former member); the password is stored only as a hash.
 */
public record UserRecord(String tenantId, String userId, String email, String passwordHash, String role, boolean confirmed,
                         String confirmCode, Instant createdAt) {
  public static final String SERVICE = "service";
  /** The role of a member removed from the organisation: kept (their usage stays in the reports), never signed in again. */
  public static final String REMOVED = "removed";

  public boolean removed() {
    return REMOVED.equals(role);
  }

  public boolean serviceAccount() {
    return SERVICE.equals(role);
  }

  public boolean admin() {
    return "admin".equals(role);
  }
}
