package io.agentchat.session;

import io.agentchat.agent.AgentMessages.Line;
import io.agentchat.client.ClientFrame;
import io.agentchat.client.ClientFrames;
import io.agentchat.common.ErrorCode;
import io.agentchat.common.Ids;
import io.agentchat.metering.MeteringAddresses;
import io.agentchat.metering.MeteringMessages.Reservation;
import io.agentchat.metering.MeteringMessages.ReserveTurn;
import io.agentchat.session.SessionMessages.ChatTurn;
import io.agentchat.session.SessionMessages.TurnAccepted;
import io.agentchat.session.SessionMessages.TurnResult;
import io.agentchat.store.SessionRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One chat session, alive on one event loop while it is in use. Turns are accepted after their quota reservation and run
 * strictly one after another; each is settled (metered) whatever way it ends. The actor holds no state that the store
 * does not also have, so dropping it when idle and activating it again later loses nothing.
 */
final class SessionActor {
  private static final Logger LOG = LoggerFactory.getLogger(SessionActor.class);
  private static final DeliveryOptions METERING = new DeliveryOptions().setSendTimeout(30_000);
  private final Vertx vertx;
  private final SessionRecord session;
  private final SessionVerticle owner;
  private final Deque<ActorTurn> queue = new ArrayDeque<>();
  private ActorTurn running;
  private int reserving;
  /** Turns this actor has started running. */
  private long started;
  private long idleTimer = -1;
  /** Being closed or deleted by its user: it takes no more turns. */
  private boolean ending;

  SessionActor(Vertx vertx, SessionRecord session, SessionVerticle owner) {
    this.vertx = vertx;
    this.session = session;
    this.owner = owner;
  }

  SessionRecord session() {
    return session;
  }

  boolean idle() {
    return running == null && queue.isEmpty() && reserving == 0;
  }

  Future<Object> submit(ChatTurn cmd) {
    if (ending) {
      return Future.failedFuture(ErrorCode.SESSION_EXPIRED.exception("This chat has been closed; start a new one."));
    }
    if (cmd.replacesTurnId() != null) {
      // not passivated while the replaced turn is checked
      cancelIdleTimer();
      return Replacement.check(owner.store(), session, cmd, this::holds, this::idle).compose(v -> admit(cmd))
          .onFailure(e -> scheduleIdleCheck());
    }
    return admit(cmd);
  }

  /** Whether a turn of this chat is running or waiting here. */
  boolean holds(String turnId) {
    return find(turnId) != null;
  }

  /** Starts ending the chat (close or delete): false while a turn of it runs, waits or is being admitted. */
  boolean beginEnd() {
    if (!idle()) {
      return false;
    }
    ending = true;
    cancelIdleTimer();
    return true;
  }

  /** The chat was ended by another instance (cluster mode): no more turns; dropped once idle. */
  void endedElsewhere() {
    ending = true;
    if (idle()) {
      cancelIdleTimer();
      owner.passivate(this);
    }
  }

  /** The chat could not be ended after all: it takes turns again. */
  void endFailed() {
    ending = false;
    scheduleIdleCheck();
  }

  private Future<Object> admit(ChatTurn cmd) {
    if (reserving + queue.size() + (running == null ? 0 : 1) >= owner.settings().maxQueuedTurns()) {
      return Future.failedFuture(ErrorCode.RATE_LIMITED.exception("Too many messages are waiting in this chat; wait for the replies first."));
    }
    cancelIdleTimer();
    String turnId = cmd.requestId() != null ? Ids.turnId(cmd.identity().tenantId(), cmd.identity().userId(), cmd.requestId())
        : "t-" + Ids.uuid().replace("-", "");
    // an idle session's turn runs as soon as it is admitted: its earlier lines are read while the reservation commits
    Future<List<Line>> early = idle() && cmd.replacesTurnId() == null ? History.lines(owner.store().sessions(), session.tenantId(), session.sessionId(), turnId) : null;
    long startedBefore = started;
    reserving++;
    return vertx.eventBus().<Reservation>request(MeteringAddresses.RESERVE,
            new ReserveTurn(cmd.identity(), session.sessionId(), turnId, cmd.requestId(), cmd.message()), METERING)
        // once admitted, the replaced exchange leaves the conversation before the new turn reads it
        .compose(m -> Replacement.hide(owner.store(), session, cmd, m.body().duplicate()).map(m))
        .onComplete(ar -> {
          reserving--;
          if (ar.failed()) {
            scheduleIdleCheck();
          }
        })
        .compose(m -> {
          Reservation res = m.body();
          if (res.duplicate()) {
            return duplicate(cmd, res.turnId());
          }
          ActorTurn turn = new ActorTurn(cmd, res.turnId());
          if (early != null) {
            turn.readEarly(early, startedBefore);
          }
          queue.add(turn);
          Instant at = owner.clock().instant();
          if (turn.frames != null) {
            vertx.eventBus().publish(turn.frames,
                ClientFrame.of(ClientFrames.userTurnStarted(session.sessionId(), turn.turnId, cmd.requestId(), cmd.message(), at)));
          }
          owner.publishMonitor(cmd.identity().tenantId(), ClientFrames.turnStarted(cmd.identity().userId(), session.sessionId(), turn.turnId, at));
          LOG.info("turn accepted tenant={} session={} turn={}", cmd.identity().tenantId(), session.sessionId(), turn.turnId);
          runNext();
          if (owner.isClosedConnection(cmd.connectionId())) {
            // the connection closed while the reservation was under way: stop the turn like the others it started
            cancel(turn.turnId);
          }
          return cmd.collect() ? turn.result.future().map(r -> (Object) r) : Future.succeededFuture(new TurnAccepted(turn.turnId, session.sessionId(), false));
        });
  }

  private Future<Object> duplicate(ChatTurn cmd, String turnId) {
    ActorTurn live = find(turnId);
    if (!cmd.collect()) {
      return Future.succeededFuture(new TurnAccepted(turnId, session.sessionId(), true));
    }
    if (live != null) {
      return live.result.future().map(r -> new TurnResult(r.turnId(), r.sessionId(), r.status(), r.reply(), r.usage(), r.costNanos(), true));
    }
    return owner.storedTurns().result(cmd.identity(), turnId).map(r -> r);
  }

  private ActorTurn find(String turnId) {
    if (running != null && running.turnId.equals(turnId)) {
      return running;
    }
    for (ActorTurn t : queue) {
      if (t.turnId.equals(turnId)) {
        return t;
      }
    }
    return null;
  }

  private void runNext() {
    if (running != null) {
      return;
    }
    ActorTurn turn = queue.poll();
    if (turn == null) {
      scheduleIdleCheck();
      return;
    }
    running = turn;
    started++;
    long startedBefore = started - 1;
    owner.runner().run(turn, session, trace -> {
      // lines read early hold every earlier turn only if no other turn ran here since they were read
      Future<List<Line>> early = turn.earlyLines(startedBefore);
      return early != null ? early.map(lines -> History.request(session, turn.cmd, turn.turnId, turn.stream, trace, lines))
          : History.request(owner.store().sessions(), session, turn.cmd, turn.turnId, turn.stream, trace);
    }).onComplete(v -> {
      if (running == turn) {
        running = null;
      }
      runNext();
    });
  }

  /** Stops a turn: a queued one is dropped and its message given back; a running one stops and is metered for what it produced. */
  boolean cancel(String turnId) {
    if (running != null && running.turnId.equals(turnId)) {
      owner.runner().stop(running);
      return true;
    }
    for (ActorTurn t : queue) {
      if (t.turnId.equals(turnId)) {
        queue.remove(t);
        owner.runner().finishQueued(t, session);
        return true;
      }
    }
    return false;
  }

  /** Cancels every turn that came from a closed connection. */
  void connectionClosed(String connectionId) {
    List<String> ids = new ArrayList<>();
    if (running != null && connectionId.equals(running.cmd.connectionId())) {
      ids.add(running.turnId);
    }
    for (ActorTurn t : queue) {
      if (connectionId.equals(t.cmd.connectionId())) {
        ids.add(t.turnId);
      }
    }
    ids.forEach(this::cancel);
  }

  /** For shutdown: stop everything and complete when every turn is settled. */
  Future<Void> drain() {
    List<Future<?>> all = new ArrayList<>();
    if (running != null) {
      all.add(running.result.future());
    }
    for (ActorTurn t : new ArrayList<>(queue)) {
      all.add(t.result.future());
    }
    List<String> ids = new ArrayList<>();
    if (running != null) {
      ids.add(running.turnId);
    }
    queue.forEach(t -> ids.add(t.turnId));
    ids.forEach(this::cancel);
    cancelIdleTimer();
    return Future.join(all).mapEmpty();
  }

  private void scheduleIdleCheck() {
    cancelIdleTimer();
    if (idle()) {
      idleTimer = vertx.setTimer(owner.settings().idlePassivationSeconds() * 1000, id -> {
        idleTimer = -1;
        if (idle()) {
          owner.passivate(this);
        }
      });
    }
  }

  private void cancelIdleTimer() {
    if (idleTimer >= 0) {
      vertx.cancelTimer(idleTimer);
      idleTimer = -1;
    }
  }
}
