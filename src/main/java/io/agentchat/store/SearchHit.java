package io.agentchat.store;

import java.time.Instant;

/** A chat found by a search: {@code matched} is the newest visible message text that matched (null when only its title did). */
public record SearchHit(String sessionId, String title, Instant lastUsedAt, String matched) {
}
