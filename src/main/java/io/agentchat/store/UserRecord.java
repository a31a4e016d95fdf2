package io.agentchat.store;

import java.time.Instant;

/** A user of one tenant. {@code role} is admin or user; the password is stored only as a hash. */
public record UserRecord(String tenantId, String userId, String email, String passwordHash, String role, boolean confirmed,
                         String confirmCode, Instant createdAt) {
  public boolean admin() {
    return "admin".equals(role);
  }
}
