package io.agentchat.session;

import io.agentchat.agent.AgentAddresses;
import io.agentchat.agent.AgentMessages.AgentResult;
import io.agentchat.agent.AgentMessages.CancelInvocation;
import io.agentchat.agent.AgentMessages.Chunk;
import io.agentchat.agent.AgentMessages.Line;
import io.agentchat.agent.AgentMessages.TraceStep;
import io.agentchat.common.AppException;
import io.agentchat.client.ClientAddresses;
import io.agentchat.client.ClientFrame;
import io.agentchat.client.ClientFrames;
import io.agentchat.common.ErrorCode;
import io.agentchat.common.Ids;
import io.agentchat.metering.MeteringAddresses;
import io.agentchat.metering.MeteringMessages.Reservation;
import io.agentchat.metering.MeteringMessages.ReserveTurn;
import io.agentchat.metering.MeteringMessages.SettleTurn;
import io.agentchat.metering.MeteringMessages.Settlement;
import io.agentchat.metering.MeteringMessages.TurnUsage;
import io.agentchat.session.SessionMessages.ChatTurn;
import io.agentchat.session.SessionMessages.TurnAccepted;
import io.agentchat.session.SessionMessages.TurnResult;
import io.agentchat.store.SessionRecord;
import io.opentelemetry.context.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
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
  private static final int SETTLE_ATTEMPTS = 6;
  private final Vertx vertx;
  private final SessionRecord session;
  private final SessionVerticle owner;
  private final Deque<ActorTurn> queue = new ArrayDeque<>();
  private ActorTurn running;
  private int reserving;
  /** Turns this actor has started running. */
  private long started;
  private long idleTimer = -1;

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
    if (reserving + queue.size() + (running == null ? 0 : 1) >= owner.settings().maxQueuedTurns()) {
      return Future.failedFuture(ErrorCode.RATE_LIMITED.exception("Too many messages are waiting in this chat; wait for the replies first."));
    }
    cancelIdleTimer();
    String turnId = cmd.requestId() != null ? Ids.turnId(cmd.identity().tenantId(), cmd.identity().userId(), cmd.requestId())
        : "t-" + Ids.uuid().replace("-", "");
    // an idle session's turn runs as soon as it is admitted: its earlier lines are read while the reservation commits
    Future<List<Line>> early = idle() ? History.lines(owner.store().sessions(), session.tenantId(), session.sessionId(), turnId) : null;
    long startedBefore = started;
    reserving++;
    return vertx.eventBus().<Reservation>request(MeteringAddresses.RESERVE,
            new ReserveTurn(cmd.identity(), session.sessionId(), turnId, cmd.requestId(), cmd.message()), METERING)
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
          owner.publishMonitor(cmd.identity().tenantId(),
              ClientFrames.turnStarted(cmd.identity().userId(), session.sessionId(), turn.turnId, owner.clock().instant()));
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
    turn.start(owner.tracer(), session.sessionId());
    EventBus bus = vertx.eventBus();
    String user = ClientAddresses.user(turn.cmd.identity().tenantId(), turn.cmd.identity().userId());
    MessageConsumer<Object> stream = bus.localConsumer(AgentAddresses.stream(turn.turnId), m -> take(turn, user));
    stream.completion()
        .compose(v -> {
          // lines read early hold every earlier turn only if no other turn ran here since they were read
          Future<List<Line>> early = turn.earlyLines(started - 1);
          Context trace = Context.root().with(turn.span);
          return early != null ? early.map(lines -> History.request(session, turn.cmd, turn.turnId, turn.stream, trace, lines))
              : History.request(owner.store().sessions(), session, turn.cmd, turn.turnId, turn.stream, trace);
        })
        .compose(req -> {
          var invoked = bus.<AgentResult>request(AgentAddresses.INVOKE, req, new DeliveryOptions().setSendTimeout(owner.settings().turnTimeoutMs()));
          if (turn.cancelRequested) {
            bus.publish(AgentAddresses.CANCEL, new CancelInvocation(turn.turnId)); // stopped while the history was read: the stop follows
          }
          return invoked;
        })
        .transform(ar -> {
          take(turn, user); // what the agent queued before its result, in case its last word is still on the way
          return turn.allChunks(vertx, ar).map(ar);
        })
        .onComplete(done -> {
          var ar = done.result();
          stream.unregister();
          take(turn, user);
          ActorTurn.Outcome outcome = turn.outcome(ar);
          if (outcome.error() != null && outcome.error().code() == ErrorCode.TIMEOUT) {
            vertx.eventBus().publish(AgentAddresses.CANCEL, new CancelInvocation(turn.turnId));
          }
          finish(turn, outcome);
        });
  }

  /**
   * Takes what waits on the turn's stream and tells the user: the chunks found together as one frame (its {@code seq} the
   * next of the turn), a trace step after the text that came before it.
   */
  private void take(ActorTurn turn, String user) {
    turn.stream.drain(item -> {
      if (item instanceof Chunk c) {
        turn.arrived(c.text());
      } else if (item instanceof TraceStep s) {
        flush(turn, user);
        JsonObject frame = ClientFrames.trace(session.sessionId(), turn.turnId, s.step(), s.detail());
        if (turn.traces.size() < ActorTurn.MAX_TRACE_STEPS) {
          turn.traces.add(frame);
        }
        vertx.eventBus().publish(user, ClientFrame.of(frame));
      }
    });
    flush(turn, user);
  }

  private void flush(ActorTurn turn, String user) {
    String text = turn.takePending();
    if (text != null) {
      vertx.eventBus().publish(user, ClientFrame.of(ClientFrames.chunk(session.sessionId(), turn.turnId, turn.seq++, text)));
    }
  }

  /** Settles the turn (retrying: settlement is idempotent), tells the user and the tenant's monitor, then runs the next turn. */
  private void finish(ActorTurn turn, ActorTurn.Outcome o) {
    String status = o.status();
    AppException error = o.error();
    SettleTurn settle = new SettleTurn(turn.cmd.identity(), session.sessionId(), turn.turnId, status, o.reply(), o.usage(), o.refund(),
        turn.traces, utf8(turn.cmd.message()) + utf8(o.reply()));
    settle(settle, 1).onComplete(ar -> {
      long cost = ar.succeeded() ? ar.result().costNanos() : 0;
      String user = ClientAddresses.user(turn.cmd.identity().tenantId(), turn.cmd.identity().userId());
      EventBus bus = vertx.eventBus();
      if (error != null && !"cancelled".equals(status)) {
        bus.publish(user, ClientFrame.of(ClientFrames.error(session.sessionId(), turn.turnId, error)));
      }
      bus.publish(user, ClientFrame.of(ClientFrames.done(session.sessionId(), turn.turnId, status, o.usage(), cost)));
      owner.publishMonitor(turn.cmd.identity().tenantId(), ClientFrames.turnFinished(turn.cmd.identity().userId(), session.sessionId(),
          turn.turnId, status, o.usage(), cost, turn.elapsedMs(),
          error == null ? null : error.code().code(), owner.clock().instant()));
      LOG.info("turn finished tenant={} session={} turn={} status={} in={} out={} cost_nanos={}", turn.cmd.identity().tenantId(),
          session.sessionId(), turn.turnId, status, o.usage().inputTokens(), o.usage().outputTokens(), cost);
      turn.endSpan(o, cost);
      if (ar.succeeded()) {
        turn.result.tryComplete(new TurnResult(turn.turnId, session.sessionId(), status, o.reply(), o.usage(), cost, false));
      } else {
        turn.result.tryFail(ErrorCode.INTERNAL.exception("The reply could not be recorded; please try again."));
      }
      if (running == turn) {
        running = null;
      }
      runNext();
    });
  }

  static long utf8(String s) {
    return s == null ? 0 : s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
  }

  private Future<Settlement> settle(SettleTurn s, int attempt) {
    return vertx.eventBus().<Settlement>request(MeteringAddresses.SETTLE, s, METERING).map(m -> m.body()).recover(t -> {
      if (attempt >= SETTLE_ATTEMPTS) {
        LOG.error("turn {} of tenant {} could not be settled after {} attempts; it will be recovered at the next start",
            s.turnId(), s.identity().tenantId(), attempt, t);
        return Future.failedFuture(t);
      }
      Promise<Settlement> p = Promise.promise();
      vertx.setTimer(100L << attempt, id -> settle(s, attempt + 1).onComplete(p));
      return p.future();
    });
  }

  /** Stops a turn: a queued one is dropped and its message given back; a running one stops and is metered for what it produced. */
  boolean cancel(String turnId) {
    if (running != null && running.turnId.equals(turnId)) {
      running.cancelRequested = true;
      vertx.eventBus().publish(AgentAddresses.CANCEL, new CancelInvocation(turnId));
      return true;
    }
    for (ActorTurn t : queue) {
      if (t.turnId.equals(turnId)) {
        queue.remove(t);
        t.cancelRequested = true;
        finishQueued(t);
        return true;
      }
    }
    return false;
  }

  private void finishQueued(ActorTurn t) {
    SettleTurn settle = new SettleTurn(t.cmd.identity(), session.sessionId(), t.turnId, "cancelled", "", TurnUsage.NONE, true, List.of(),
        utf8(t.cmd.message()));
    settle(settle, 1).onComplete(ar -> {
      String user = ClientAddresses.user(t.cmd.identity().tenantId(), t.cmd.identity().userId());
      vertx.eventBus().publish(user, ClientFrame.of(ClientFrames.done(session.sessionId(), t.turnId, "cancelled", TurnUsage.NONE, 0)));
      if (ar.succeeded()) {
        t.result.tryComplete(new TurnResult(t.turnId, session.sessionId(), "cancelled", "", TurnUsage.NONE, 0, false));
      } else {
        t.result.tryFail(ErrorCode.INTERNAL.exception("The cancellation could not be recorded."));
      }
    });
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
