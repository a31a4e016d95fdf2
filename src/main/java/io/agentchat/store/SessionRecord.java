package io.agentchat.store;

import java.time.Instant;

public record SessionRecord(String tenantId, String sessionId, String userId, String tier, Instant createdAt, Instant expiresAt,
                            String title, int messageCount) {
  public boolean expired(Instant now) {
    return !now.isBefore(expiresAt);
  }

  /** A session's title: its first user message on one line, at most 60 characters. */
  public static String titleOf(String text) {
    String t = text.strip().replaceAll("\\s+", " ");
    return t.length() <= 60 ? t : t.substring(0, 57) + "...";
  }
}
