package io.agentchat.store;

import java.time.Instant;
import java.util.List;

/**
 * Close a running turn: its final status, the assistant's reply and the usage events. {@code refund} gives the reserved
 * message back (a turn that produced nothing through no fault of the user).
 */
public record SettleRequest(String tenantId, String userId, String sessionId, String turnId, String status, String reply,
                            List<UsageEvent> events, boolean refund, Instant now) {
  public SettleRequest {
    events = List.copyOf(events);
  }
}
