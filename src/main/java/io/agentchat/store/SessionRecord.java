package io.agentchat.store;

import java.time.Instant;

/**
 * A chat session. {@code lastUsedAt} is the time of its latest message (its creation before it has any); {@code closedAt}
 * when its user closed it (it then ended at that moment: {@code expiresAt} is the same), else null.
 */
public record SessionRecord(String tenantId, String sessionId, String userId, String tier, Instant createdAt, Instant expiresAt,
                            String title, int messageCount, Instant lastUsedAt, Instant closedAt) {
  /** The longest title a user may give a chat. */
  public static final int MAX_TITLE_CHARS = 80;

  public SessionRecord {
    lastUsedAt = lastUsedAt == null ? createdAt : lastUsedAt;
  }

  /** A new session: used when it was created, not closed. */
  public SessionRecord(String tenantId, String sessionId, String userId, String tier, Instant createdAt, Instant expiresAt,
                       String title, int messageCount) {
    this(tenantId, sessionId, userId, tier, createdAt, expiresAt, title, messageCount, createdAt, null);
  }

  public boolean expired(Instant now) {
    return !now.isBefore(expiresAt);
  }

  /** {@code open}, {@code closed} (by its user) or {@code expired}. */
  public String status(Instant now) {
    return closedAt != null ? "closed" : expired(now) ? "expired" : "open";
  }

  /** A session's title: its first user message on one line, at most 60 characters. */
  public static String titleOf(String text) {
    String t = text.strip().replaceAll("\\s+", " ");
    return t.length() <= 60 ? t : t.substring(0, 57) + "...";
  }
}
