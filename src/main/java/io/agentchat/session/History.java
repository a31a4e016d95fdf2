package io.agentchat.session;

import io.agentchat.agent.AgentAddresses;
import io.agentchat.agent.AgentMessages.AgentRequest;
import io.agentchat.agent.AgentMessages.Line;
import io.agentchat.agent.TurnStream;
import io.agentchat.common.Ids;
import io.agentchat.session.SessionMessages.ChatTurn;
import io.agentchat.store.MessageRecord;
import io.agentchat.store.SessionRecord;
import io.agentchat.store.SessionStore;
import io.opentelemetry.context.Context;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * The session's side of the conversation: what the agent is given for a turn. The earlier lines are the session's
 * completed turns (a question and its non-empty answer) among its last {@value #LINES} + 2 messages, oldest first; the
 * current turn is sent as the new message, not as history.
 */
final class History {
  static final int LINES = 20;

  private History() {
  }

  /** The agent's request for a turn, with the session's earlier lines (a program's turn brings its own). */
  static Future<AgentRequest> request(SessionStore store, SessionRecord session, ChatTurn cmd, String turnId, TurnStream stream, Context trace) {
    if (cmd.program() != null) {
      return Future.succeededFuture(request(session, cmd, turnId, stream, trace, cmd.program().history()));
    }
    return lines(store, cmd.identity().tenantId(), session.sessionId(), turnId).map(history -> request(session, cmd, turnId, stream, trace, history));
  }

  /** The agent's request for a turn, with the earlier lines already read. */
  static AgentRequest request(SessionRecord session, ChatTurn cmd, String turnId, TurnStream stream, Context trace, List<Line> history) {
    return new AgentRequest(cmd.identity(), session.sessionId(), Ids.sessionKey(session.tenantId(), cmd.identity().tier(), session.userId(),
        session.sessionId()), turnId, cmd.message(), history, AgentAddresses.stream(turnId), stream, trace,
        cmd.program() == null ? null : cmd.program().model(), cmd.program() == null ? null : cmd.program().sampling());
  }

  static Future<List<Line>> lines(SessionStore store, String tenantId, String sessionId, String currentTurnId) {
    return store.messages(tenantId, sessionId, LINES + 2).map(ms -> {
      List<Line> out = new ArrayList<>();
      for (int i = 0; i + 1 < ms.size(); i++) {
        MessageRecord q = ms.get(i);
        MessageRecord a = ms.get(i + 1);
        if (q.role().equals("user") && a.role().equals("assistant") && q.turnId().equals(a.turnId()) && !q.turnId().equals(currentTurnId)
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
