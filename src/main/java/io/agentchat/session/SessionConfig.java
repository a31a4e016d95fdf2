package io.agentchat.session;

import io.agentchat.config.ConfigReader;

/**
 * The {@code session} section: how long an idle session actor stays activated, how many turns may wait in one session,
 * the longest message, and how long one turn may take from the agent's start to its result.
 */
public record SessionConfig(long idlePassivationSeconds, int maxQueuedTurns, int maxMessageChars, long turnTimeoutMs) {
  public static SessionConfig from(ConfigReader r) {
    return new SessionConfig(
        r.longValue("idlePassivationSeconds", 300, 1, 86_400),
        r.integer("maxQueuedTurns", 100, 1, 10_000),
        r.integer("maxMessageChars", 4000, 1, 1_000_000),
        r.longValue("turnTimeoutMs", 180_000, 1000, 3_600_000));
  }
}
