package io.agentchat.gateway;

import io.agentchat.metering.MeteringMessages.QuotaStatus;
import io.agentchat.metering.MeteringMessages.TurnUsage;
import io.agentchat.metering.Pricing;
import io.agentchat.session.SessionMessages.TurnResult;
import io.agentchat.store.MessageRecord;
import io.agentchat.store.SessionRecord;
import io.agentchat.common.Ids;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** JSON shapes of the HTTP API. */
final class Frames {
  private Frames() {
  }

  static JsonObject session(SessionRecord s, Instant now) {
    return new JsonObject()
        .put("session_id", s.sessionId())
        .put("session_key", Ids.sessionKey(s.tenantId(), s.tier(), s.userId(), s.sessionId()))
        .put("created_at", s.createdAt().toString())
        .put("expires_at", s.expiresAt().toString())
        .put("expired", s.expired(now))
        .put("title", s.title())
        .put("message_count", s.messageCount());
  }

  static JsonObject message(MessageRecord m) {
    return new JsonObject().put("turn_id", m.turnId()).put("role", m.role()).put("text", m.text()).put("status", m.status())
        .put("created_at", m.createdAt().toString());
  }

  static JsonObject turn(TurnResult r) {
    TurnUsage u = r.usage();
    return new JsonObject().put("session_id", r.sessionId()).put("turn_id", r.turnId()).put("status", r.status()).put("reply", r.reply())
        .put("usage", u.toJson()).put("cost_usd", Pricing.usd(r.costNanos())).put("duplicate", r.duplicate());
  }

  static JsonObject quota(QuotaStatus q) {
    JsonObject o = q.toFrame();
    o.remove("type");
    return o;
  }
}
