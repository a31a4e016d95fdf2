package io.agentchat.store;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;

/**
 * Close a running turn: its final status, the assistant's reply, the usage events and the agent's trace steps (kept for audit). {@code refund} gives the reserved
 * message back (a turn that produced nothing through no fault of the user).
 */
public record SettleRequest(String tenantId, String userId, String sessionId, String turnId, String status, String reply,
                            List<UsageEvent> events, boolean refund, Instant now, List<JsonObject> traces) {
  public SettleRequest {
    events = List.copyOf(events);
    traces = List.copyOf(traces);
  }

  /** A settlement without trace steps. */
  public SettleRequest(String tenantId, String userId, String sessionId, String turnId, String status, String reply,
                       List<UsageEvent> events, boolean refund, Instant now) {
    this(tenantId, userId, sessionId, turnId, status, reply, events, refund, now, List.of());
  }
}
