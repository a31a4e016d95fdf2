package io.agentchat.store;

import java.time.Instant;

/** An invite to join a tenant: who made it, until when it is valid, and who used it (null while unused). */
public record InviteRecord(String tenantId, String code, String createdBy, Instant expiresAt, String usedBy, Instant usedAt) {
  public boolean pending(Instant now) {
    return usedBy == null && now.isBefore(expiresAt);
  }
}
