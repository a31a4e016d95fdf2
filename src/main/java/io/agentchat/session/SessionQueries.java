package io.agentchat.session;

import io.agentchat.common.ErrorCode;
import io.agentchat.common.Identity;
import io.agentchat.common.Ids;
import io.agentchat.session.SessionMessages.CreateSession;
import io.agentchat.session.SessionMessages.GetMessages;
import io.agentchat.session.SessionMessages.GetTrace;
import io.agentchat.session.SessionMessages.ListSessions;
import io.agentchat.session.SessionMessages.MessageList;
import io.agentchat.session.SessionMessages.SessionList;
import io.agentchat.session.SessionMessages.TraceList;
import io.agentchat.session.SessionMessages.TurnDetail;
import io.agentchat.store.MessageRecord;
import io.agentchat.store.SessionRecord;
import io.agentchat.store.TurnRecord;
import io.agentchat.store.UsageEvent;
import io.agentchat.store.UsageKind;
import io.agentchat.store.UsageTotals;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.agentchat.store.Store;
import io.agentchat.tier.Tier;
import io.agentchat.tier.TierCatalog;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** What the session capability answers from the store alone: sessions created, listed and read, and a turn's trace steps. */
record SessionQueries(Store store, TierCatalog tiers, Clock clock) {

  SessionRecord newSession(Identity id, Tier tier) {
    Instant now = clock.instant();
    return new SessionRecord(id.tenantId(), Ids.uuid(), id.userId(), tier.name(), now, now.plus(Duration.ofMinutes(tier.sessionMinutes())), null, 0);
  }

  Future<SessionRecord> create(CreateSession c) {
    Tier tier = tiers.require(c.identity().tier());
    return store.sessions().createSession(newSession(c.identity(), tier), tier.concurrentSessions());
  }

  Future<SessionList> list(ListSessions l) {
    return store.sessions().sessions(l.identity().tenantId(), l.identity().userId(), 100).map(SessionList::new);
  }

  Future<SessionRecord> owned(Identity id, String sessionId) {
    if (!Ids.validClientId(sessionId)) {
      return Future.failedFuture(ErrorCode.NOT_FOUND.exception("No such session."));
    }
    return store.sessions().session(id.tenantId(), sessionId).compose(s -> s.isPresent() && s.get().userId().equals(id.userId())
        ? Future.succeededFuture(s.get())
        : Future.failedFuture(ErrorCode.NOT_FOUND.exception("No such session.")));
  }

  Future<MessageList> messages(GetMessages g) {
    return owned(g.identity(), g.sessionId()).compose(s -> store.sessions().messages(s.tenantId(), s.sessionId(), 500)
        .compose(ms -> details(s.tenantId(), ms).map(d -> new MessageList(g.sessionId(), ms, d))));
  }

  /** For each finished answer, what its live view showed: its metered totals and its trace steps. */
  private Future<Map<String, TurnDetail>> details(String tenantId, List<MessageRecord> ms) {
    Map<String, Future<TurnDetail>> byTurn = new LinkedHashMap<>();
    for (MessageRecord m : ms) {
      if (m.role().equals("assistant") && !TurnRecord.RUNNING.equals(m.status())) {
        byTurn.computeIfAbsent(m.turnId(), id -> {
          Future<List<UsageEvent>> events = store.usage().turnEvents(tenantId, id);
          Future<List<JsonObject>> steps = store.usage().traces(tenantId, id);
          return Future.all(events, steps).map(cf -> new TurnDetail(UsageTotals.sum(events.result()), estimatedTokens(events.result()),
              steps.result()));
        });
      }
    }
    return Future.all(new ArrayList<>(byTurn.values())).map(cf -> {
      Map<String, TurnDetail> out = new LinkedHashMap<>();
      byTurn.forEach((id, f) -> out.put(id, f.result()));
      return out;
    });
  }

  /** Whether a turn's tokens were counted here rather than reported by the model. */
  private static boolean estimatedTokens(List<UsageEvent> events) {
    return events.stream().anyMatch(e -> e.estimated() && (e.kind() == UsageKind.INPUT_TOKENS || e.kind() == UsageKind.OUTPUT_TOKENS));
  }

  /** A turn's trace steps: its user sees their own turns, a tenant admin any turn of the tenant. */
  Future<TraceList> trace(GetTrace g) {
    if (g.turnId() == null || !Ids.validClientId(g.turnId())) {
      return Future.failedFuture(ErrorCode.NOT_FOUND.exception("No such turn."));
    }
    return store.usage().turn(g.identity().tenantId(), g.turnId()).compose(t -> {
      if (t.isEmpty() || !(t.get().userId().equals(g.identity().userId()) || g.identity().admin())) {
        return Future.failedFuture(ErrorCode.NOT_FOUND.exception("No such turn."));
      }
      return store.usage().traces(g.identity().tenantId(), g.turnId()).map(steps -> new TraceList(g.turnId(), t.get().sessionId(), t.get().status(), steps));
    });
  }
}
