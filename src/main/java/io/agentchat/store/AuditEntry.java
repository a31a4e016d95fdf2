package io.agentchat.store;

import java.time.Instant;

/**
 * One entry of a tenant's audit log: who ({@code actorUserId}, {@code actorEmail}; null for an anonymous caller such as a
 * failed sign-in), did what ({@code kind}, e.g. {@code member_removed}), to which target (a user id, an e-mail, an invite
 * code, a key id; may be null), when, from which client address, with details as a JSON object's text. {@code entryId}
 * orders entries of the same instant and makes an append idempotent. Entries are never changed or removed.
 */
public record AuditEntry(String tenantId, String entryId, Instant at, String kind, String actorUserId, String actorEmail, String target,
                         String clientAddress, String detail) {
}
