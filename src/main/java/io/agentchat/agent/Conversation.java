package io.agentchat.agent;

import io.agentchat.agent.AgentMessages.AgentRequest;
import io.agentchat.store.MessageRecord;
import io.agentchat.store.Store;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/** What a model backend sends besides the new message: the system prompt with the tenant context, and the earlier turns. */
final class Conversation {
  static final int HISTORY_LINES = 20;

  record Line(String role, String text) {
  }

  private Conversation() {
  }

  static String systemPrompt(AgentRequest req) {
    return "You are the assistant of Agent Chat for the organisation \"" + req.identity().tenantId() + "\" on the "
        + req.identity().tier() + " plan, talking with a user whose role is " + req.identity().role() + ". Answer clearly and "
        + "briefly. Use the tools you are given when they help; never invent weather or usage figures.";
  }

  /** Earlier completed turns of the session (the current turn's message is sent separately), oldest first. */
  static Future<List<Line>> history(Store store, AgentRequest req) {
    return store.messages(req.identity().tenantId(), req.sessionId(), HISTORY_LINES + 2).map(ms -> {
      List<Line> out = new ArrayList<>();
      for (int i = 0; i + 1 < ms.size(); i++) {
        MessageRecord q = ms.get(i);
        MessageRecord a = ms.get(i + 1);
        if (q.role().equals("user") && a.role().equals("assistant") && q.turnId().equals(a.turnId()) && !q.turnId().equals(req.turnId())
            && !a.text().isEmpty()) {
          out.add(new Line("user", q.text()));
          out.add(new Line("assistant", a.text()));
          i++;
        }
      }
      return out;
    });
  }
}
