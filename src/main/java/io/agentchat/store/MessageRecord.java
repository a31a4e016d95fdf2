package io.agentchat.store;

import java.time.Instant;

/** One line of a conversation: role user or assistant; status of an assistant line is completed, cancelled, failed or running. */
public record MessageRecord(String turnId, String role, String text, String status, Instant createdAt) {
}
