package io.agentchat.session;

import io.agentchat.common.Identity;
import io.agentchat.metering.MeteringMessages.TurnUsage;
import io.agentchat.session.SessionMessages.ChatTurn;
import io.agentchat.session.SessionMessages.TurnAccepted;
import io.agentchat.session.SessionMessages.TurnResult;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** A turn and its answer as JSON, for the hop between the node that received it and the node that runs its session. */
final class TurnJson {
  private TurnJson() {
  }

  static JsonObject turn(ChatTurn t) {
    Identity id = t.identity();
    return new JsonObject()
        .put("identity", new JsonObject().put("tenant_id", id.tenantId()).put("user_id", id.userId()).put("email", id.email())
            .put("tier", id.tier()).put("admin", id.admin()).put("groups", new JsonArray(id.groups())).put("api_key_id", id.apiKeyId()))
        .put("session_id", t.sessionId()).put("message", t.message()).put("request_id", t.requestId()).put("connection_id", t.connectionId())
        .put("collect", t.collect()).put("replaces_turn_id", t.replacesTurnId());
  }

  static ChatTurn turn(JsonObject j) {
    JsonObject i = j.getJsonObject("identity");
    Identity id = new Identity(i.getString("tenant_id"), i.getString("user_id"), i.getString("email"), i.getString("tier"),
        i.getBoolean("admin"), strings(i.getJsonArray("groups")), i.getString("api_key_id"));
    return new ChatTurn(id, j.getString("session_id"), j.getString("message"), j.getString("request_id"), j.getString("connection_id"),
        j.getBoolean("collect"), null, j.getString("replaces_turn_id"));
  }

  static JsonObject answer(Object o) {
    if (o instanceof TurnAccepted a) {
      return new JsonObject().put("accepted", true).put("turn_id", a.turnId()).put("session_id", a.sessionId()).put("duplicate", a.duplicate());
    }
    TurnResult r = (TurnResult) o;
    TurnUsage u = r.usage();
    return new JsonObject().put("turn_id", r.turnId()).put("session_id", r.sessionId()).put("status", r.status()).put("reply", r.reply())
        .put("cost_nanos", r.costNanos()).put("duplicate", r.duplicate())
        .put("usage", new JsonObject().put("invoked", u.invoked()).put("input_tokens", u.inputTokens()).put("output_tokens", u.outputTokens())
            .put("estimated", u.estimated()).put("model", u.model()).put("tools", new JsonArray(u.tools())));
  }

  static Object answer(JsonObject j) {
    if (j.getBoolean("accepted", false)) {
      return new TurnAccepted(j.getString("turn_id"), j.getString("session_id"), j.getBoolean("duplicate"));
    }
    JsonObject u = j.getJsonObject("usage");
    TurnUsage usage = new TurnUsage(u.getBoolean("invoked"), u.getLong("input_tokens"), u.getLong("output_tokens"), u.getBoolean("estimated"),
        u.getString("model"), strings(u.getJsonArray("tools")));
    return new TurnResult(j.getString("turn_id"), j.getString("session_id"), j.getString("status"), j.getString("reply"), usage,
        j.getLong("cost_nanos"), j.getBoolean("duplicate"));
  }

  private static List<String> strings(JsonArray a) {
    return a.stream().map(String::valueOf).toList();
  }
}
