package io.agentchat.store;

import java.time.Instant;

/**
 * A user's revocation mark: every ID token of the user issued at or before {@code revokedBefore} is refused (set when the
 * member is removed, their role changes, or they sign out everywhere).
 */
public record TokenMark(String tenantId, String userId, Instant revokedBefore) {
}
