package io.agentchat.session;

import io.agentchat.client.ClientFrame;
import io.agentchat.client.ClientFrames;
import io.agentchat.common.Identity;
import io.agentchat.common.Ids;
import io.agentchat.metering.MeteringAddresses;
import io.agentchat.metering.MeteringMessages.Reservation;
import io.agentchat.metering.MeteringMessages.ReserveTurn;
import io.agentchat.session.SessionMessages.ChatTurn;
import io.agentchat.session.SessionMessages.TurnResult;
import io.agentchat.store.SessionRecord;
import io.agentchat.tier.Tier;
import io.agentchat.tier.TierCatalog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Programs' turns (the OpenAI-compatible API) on one session instance. A program's turn has a session of its own, one
 * per request, ended as it is made (so that it takes none of the owner's chat slots) and kept as the record of what was
 * asked and answered; it is admitted like a chat turn and run at once by the {@link TurnRunner}, with the history the
 * program sent. A repeated request id finds its session made already, and its turn answers the repeat.
 */
final class ProgramTurns {
  private static final Logger LOG = LoggerFactory.getLogger(ProgramTurns.class);
  private final Vertx vertx;
  private final SessionVerticle owner;
  private final SessionQueries queries;
  private final TierCatalog tiers;
  /** The turns running here, by turn id. */
  private final Map<String, ActorTurn> running = new HashMap<>();

  ProgramTurns(Vertx vertx, SessionVerticle owner, SessionQueries queries, TierCatalog tiers) {
    this.vertx = vertx;
    this.owner = owner;
    this.queries = queries;
    this.tiers = tiers;
  }

  /** A checked program's turn: its session, its admission, then its run; answered with its result once it is settled. */
  Future<Object> run(ChatTurn t) {
    Identity id = t.identity();
    Tier tier = tiers.require(id.tier());
    Instant now = owner.clock().instant();
    SessionRecord fresh = new SessionRecord(id.tenantId(), t.sessionId(), id.userId(), tier.name(), now, now, null, 0);
    Future<SessionRecord> session = owner.store().sessions().createSession(fresh, Integer.MAX_VALUE)
        .recover(err -> t.requestId() != null ? queries.owned(id, t.sessionId()) : Future.failedFuture(err));
    return session.compose(s -> {
      String turnId = t.requestId() != null ? Ids.turnId(id.tenantId(), id.userId(), t.requestId()) : "t-" + Ids.uuid().replace("-", "");
      return vertx.eventBus().<Reservation>request(MeteringAddresses.RESERVE, new ReserveTurn(id, s.sessionId(), turnId, t.requestId(),
          t.message()), MeteringAddresses.call()).compose(m -> admitted(t, s, m.body()));
    });
  }

  private Future<Object> admitted(ChatTurn t, SessionRecord s, Reservation res) {
    Identity id = t.identity();
    if (res.duplicate()) {
      ActorTurn live = running.get(res.turnId());
      return live != null ? live.result.future().map(r -> (Object) new TurnResult(r.turnId(), r.sessionId(), r.status(), r.reply(), r.usage(),
          r.costNanos(), true)) : owner.storedTurns().result(id, res.turnId()).map(r -> (Object) r);
    }
    ActorTurn turn = new ActorTurn(t, res.turnId());
    running.put(turn.turnId, turn);
    owner.publishMonitor(id.tenantId(), ClientFrames.turnStarted(id.userId(), s.sessionId(), turn.turnId, owner.clock().instant()));
    if (turn.frames != null) {
      vertx.eventBus().publish(turn.frames, ClientFrame.of(new JsonObject().put("type", "accepted").put("turn_id", turn.turnId)
          .put("session_id", s.sessionId())));
    }
    LOG.info("program turn accepted tenant={} key={} turn={}", id.tenantId(), id.apiKeyId(), turn.turnId);
    owner.runner().run(turn, s, trace -> History.request(owner.store().sessions(), s, t, turn.turnId, turn.stream, trace))
        .onComplete(v -> running.remove(turn.turnId));
    if (owner.isClosedConnection(t.connectionId()) || owner.stopping()) {
      owner.runner().stop(turn); // the program went away (or the server began to stop) while the turn was being admitted
    }
    return turn.result.future().map(r -> (Object) r);
  }

  /** The connection of some of these turns closed: they stop, and are settled for what they produced. */
  void connectionClosed(String connectionId) {
    for (ActorTurn t : new ArrayList<>(running.values())) {
      if (connectionId.equals(t.cmd.connectionId())) {
        owner.runner().stop(t);
      }
    }
  }

  /** A member was removed: their turns stop. */
  void stopOf(String tenantId, String userId) {
    for (ActorTurn t : new ArrayList<>(running.values())) {
      if (t.cmd.identity().tenantId().equals(tenantId) && t.cmd.identity().userId().equals(userId)) {
        owner.runner().stop(t);
      }
    }
  }

  /** The server stops: every turn stops; the futures complete once each is settled. */
  List<Future<?>> stopAll() {
    List<Future<?>> all = new ArrayList<>();
    for (ActorTurn t : new ArrayList<>(running.values())) {
      all.add(t.result.future());
      owner.runner().stop(t);
    }
    return all;
  }
}
