package io.agentchat.store;

import java.time.Instant;

/**
 * A user of one tenant. {@code role} is admin, user or service (a service account, which has no password and acts only
 * through API keys); the password is stored only as a hash.
 */
public record UserRecord(String tenantId, String userId, String email, String passwordHash, String role, boolean confirmed,
                         String confirmCode, Instant createdAt) {
  public static final String SERVICE = "service";

  public boolean serviceAccount() {
    return SERVICE.equals(role);
  }

  public boolean admin() {
    return "admin".equals(role);
  }
}
