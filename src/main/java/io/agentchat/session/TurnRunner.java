package io.agentchat.session;

import io.agentchat.agent.AgentAddresses;
import io.agentchat.agent.AgentMessages.AgentRequest;
import io.agentchat.agent.AgentMessages.AgentResult;
import io.agentchat.agent.AgentMessages.CancelInvocation;
import io.agentchat.agent.AgentMessages.Chunk;
import io.agentchat.agent.AgentMessages.TraceStep;
import io.agentchat.client.ClientFrame;
import io.agentchat.client.ClientFrames;
import io.agentchat.common.AppException;
import io.agentchat.common.ErrorCode;
import io.agentchat.metering.MeteringAddresses;
import io.agentchat.metering.MeteringMessages.SettleTurn;
import io.agentchat.metering.MeteringMessages.Settlement;
import io.agentchat.metering.MeteringMessages.TurnUsage;
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
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one admitted turn to its end, the same way for a session actor's turns and a program's: the agent invoked with
 * the turn's conversation, its output taken from the turn's stream and published as frames, the turn settled (metered)
 * whatever way it ended, its client and the tenant's monitor told. The actor decides when a turn runs; this decides how.
 */
final class TurnRunner {
  private static final Logger LOG = LoggerFactory.getLogger(TurnRunner.class);
  private static final DeliveryOptions METERING = new DeliveryOptions().setSendTimeout(30_000);
  private static final int SETTLE_ATTEMPTS = 6;
  private final Vertx vertx;
  private final SessionVerticle owner;

  TurnRunner(Vertx vertx, SessionVerticle owner) {
    this.vertx = vertx;
    this.owner = owner;
  }

  /**
   * Runs a turn that starts now; {@code request} builds the agent's request (reading the conversation if need be) once the
   * turn's stream listens. Completes once the turn is settled and its result given to {@code turn.result}.
   */
  Future<Void> run(ActorTurn turn, SessionRecord session, Function<Context, Future<AgentRequest>> request) {
    turn.start(owner.tracer(), session.sessionId());
    EventBus bus = vertx.eventBus();
    MessageConsumer<Object> stream = bus.localConsumer(AgentAddresses.stream(turn.turnId), m -> take(turn, session));
    Promise<Void> finished = Promise.promise();
    stream.completion()
        .compose(v -> request.apply(Context.root().with(turn.span)))
        .compose(req -> {
          var invoked = bus.<AgentResult>request(AgentAddresses.INVOKE, req, new DeliveryOptions().setSendTimeout(owner.settings().turnTimeoutMs()));
          if (turn.cancelRequested) {
            bus.publish(AgentAddresses.CANCEL, new CancelInvocation(turn.turnId)); // stopped while the history was read: the stop follows
          }
          return invoked;
        })
        .transform(ar -> {
          take(turn, session); // what the agent queued before its result, in case its last word is still on the way
          return turn.allChunks(vertx, ar).map(ar);
        })
        .onComplete(done -> {
          var ar = done.result();
          stream.unregister();
          take(turn, session);
          ActorTurn.Outcome outcome = turn.outcome(ar);
          if (outcome.error() != null && outcome.error().code() == ErrorCode.TIMEOUT) {
            vertx.eventBus().publish(AgentAddresses.CANCEL, new CancelInvocation(turn.turnId));
          }
          finish(turn, session, outcome).onComplete(finished);
        });
    return finished.future();
  }

  /** Asks the agent to stop a running turn; it is then settled for what it produced. */
  void stop(ActorTurn turn) {
    turn.cancelRequested = true;
    vertx.eventBus().publish(AgentAddresses.CANCEL, new CancelInvocation(turn.turnId));
  }

  /**
   * Takes what waits on the turn's stream and tells the client: the chunks found together as one frame (its {@code seq}
   * the next of the turn), a trace step after the text that came before it.
   */
  private void take(ActorTurn turn, SessionRecord session) {
    turn.stream.drain(item -> {
      if (item instanceof Chunk c) {
        turn.arrived(c.text());
      } else if (item instanceof TraceStep s) {
        flush(turn, session);
        JsonObject frame = ClientFrames.trace(session.sessionId(), turn.turnId, s.step(), s.detail());
        if (turn.traces.size() < ActorTurn.MAX_TRACE_STEPS) {
          turn.traces.add(frame);
        }
        publish(turn, frame);
      }
    });
    flush(turn, session);
  }

  private void flush(ActorTurn turn, SessionRecord session) {
    String text = turn.takePending();
    if (text != null) {
      publish(turn, ClientFrames.chunk(session.sessionId(), turn.turnId, turn.seq++, text));
    }
  }

  /** A frame of the turn to its client (none for a program that waits for the whole answer). */
  private void publish(ActorTurn turn, JsonObject frame) {
    if (turn.frames != null) {
      vertx.eventBus().publish(turn.frames, ClientFrame.of(frame));
    }
  }

  /** Settles the turn (retrying: settlement is idempotent), tells its client and the tenant's monitor. */
  private Future<Void> finish(ActorTurn turn, SessionRecord session, ActorTurn.Outcome o) {
    String status = o.status();
    AppException error = o.error();
    SettleTurn settle = new SettleTurn(turn.cmd.identity(), session.sessionId(), turn.turnId, status, o.reply(), o.usage(), o.refund(),
        turn.traces, utf8(turn.cmd.message()) + utf8(o.reply()));
    return settle(settle, 1).transform(ar -> {
      long cost = ar.succeeded() ? ar.result().costNanos() : 0;
      if (error != null && !"cancelled".equals(status)) {
        publish(turn, ClientFrames.error(session.sessionId(), turn.turnId, error));
      }
      publish(turn, ClientFrames.done(session.sessionId(), turn.turnId, status, o.usage(), cost));
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
      return Future.<Void>succeededFuture();
    });
  }

  /** Settles a turn stopped before it ran: its message given back, nothing used but the storage of its message. */
  void finishQueued(ActorTurn t, SessionRecord session) {
    t.cancelRequested = true;
    SettleTurn settle = new SettleTurn(t.cmd.identity(), session.sessionId(), t.turnId, "cancelled", "", TurnUsage.NONE, true, List.of(),
        utf8(t.cmd.message()));
    settle(settle, 1).onComplete(ar -> {
      publish(t, ClientFrames.done(session.sessionId(), t.turnId, "cancelled", TurnUsage.NONE, 0));
      if (ar.succeeded()) {
        t.result.tryComplete(new TurnResult(t.turnId, session.sessionId(), "cancelled", "", TurnUsage.NONE, 0, false));
      } else {
        t.result.tryFail(ErrorCode.INTERNAL.exception("The cancellation could not be recorded."));
      }
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
}
