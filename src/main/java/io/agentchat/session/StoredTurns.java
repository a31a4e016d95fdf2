package io.agentchat.session;

import io.agentchat.common.ErrorCode;
import io.agentchat.common.Identity;
import io.agentchat.common.TokenEstimate;
import io.agentchat.metering.MeteringAddresses;
import io.agentchat.metering.MeteringMessages.SettleTurn;
import io.agentchat.metering.MeteringMessages.TurnUsage;
import io.agentchat.session.SessionMessages.TurnResult;
import io.agentchat.store.MessageRecord;
import io.agentchat.store.Store;
import io.agentchat.store.TenantRecord;
import io.agentchat.store.TurnRecord;
import io.agentchat.store.UsageEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns as the store has them: the answer of an earlier turn (for a repeated request id), and the turns a stopped
 * process left running, settled at the next start. {@code placement} (cluster mode only) tells whose turns are orphaned.
 */
record StoredTurns(Vertx vertx, Store store, ClusterPlacement placement) {
  private static final Logger LOG = LoggerFactory.getLogger(StoredTurns.class);
  /** The result of an earlier turn, as stored (for a repeated request id). */
  Future<TurnResult> result(Identity id, String turnId) {
    return store.usage().turn(id.tenantId(), turnId).compose(t -> {
      if (t.isEmpty()) {
        return Future.failedFuture(ErrorCode.NOT_FOUND.exception("No such turn."));
      }
      TurnRecord turn = t.get();
      if (turn.running()) {
        return Future.failedFuture(ErrorCode.TURN_IN_PROGRESS.exception("This request is still being answered; try again in a moment."));
      }
      return Future.all(store.sessions().messages(id.tenantId(), turn.sessionId(), 500), store.usage().turnEvents(id.tenantId(), turnId)).map(cf -> {
        List<MessageRecord> msgs = cf.resultAt(0);
        List<UsageEvent> events = cf.resultAt(1);
        String reply = msgs.stream().filter(m -> m.turnId().equals(turnId) && m.role().equals("assistant")).map(MessageRecord::text)
            .findFirst().orElse("");
        long in = 0;
        long out = 0;
        long cost = 0;
        boolean estimated = false;
        String model = null;
        List<String> tools = new ArrayList<>();
        for (UsageEvent e : events) {
          cost += e.costNanos();
          switch (e.kind()) {
            case INPUT_TOKENS -> {
              in += e.quantity();
              estimated |= e.estimated();
              model = e.model();
            }
            case OUTPUT_TOKENS -> out += e.quantity();
            case TOOL_ACTION -> tools.add(e.model());
            default -> {
            }
          }
        }
        return new TurnResult(turnId, turn.sessionId(), turn.status(), reply, new TurnUsage(true, in, out, estimated, model, tools), cost, true);
      });
    });
  }

  /**
   * Turns left running by a process that stopped without settling them: metered for the input they had and the agent
   * invocation, marked interrupted, and their reserved message given back.
   */
  Future<Void> recoverInterrupted() {
    return store.usage().runningTurns().compose(this::orphaned).compose(turns -> {
      List<Future<?>> all = new ArrayList<>();
      for (TurnRecord t : turns) {
        all.add(settleInterrupted(t));
      }
      if (!turns.isEmpty()) {
        LOG.warn("recovering {} turn(s) interrupted by the previous shutdown", turns.size());
      }
      return Future.join(all).mapEmpty();
    });
  }

  /** The running turns whose node is gone: all of them on a single node; in a cluster, those whose session has no live owner. */
  private Future<List<TurnRecord>> orphaned(List<TurnRecord> turns) {
    if (placement == null || turns.isEmpty()) {
      return Future.succeededFuture(turns);
    }
    List<Future<Boolean>> checks = turns.stream().map(placement::orphaned).toList();
    return Future.all(checks).map(cf -> {
      List<TurnRecord> out = new ArrayList<>();
      for (int i = 0; i < turns.size(); i++) {
        if (checks.get(i).result()) {
          out.add(turns.get(i));
        }
      }
      return out;
    });
  }

  /** Settles a turn that its node left running: metered for its input and the invocation, marked interrupted, message given back. */
  Future<Void> settleInterrupted(TurnRecord t) {
    return Future.all(store.sessions().messages(t.tenantId(), t.sessionId(), 500), store.identity().tenant(t.tenantId())).compose(cf -> {
      List<MessageRecord> ms = cf.resultAt(0);
      Optional<TenantRecord> tenant = cf.resultAt(1);
      Optional<MessageRecord> user = ms.stream().filter(m -> m.turnId().equals(t.turnId()) && m.role().equals("user")).findFirst();
      String tier = tenant.map(TenantRecord::tier).orElseThrow();
      Identity id = new Identity(t.tenantId(), t.userId(), "", tier, false, List.of());
      TurnUsage usage = new TurnUsage(true, TokenEstimate.of(user.map(MessageRecord::text).orElse("")), 0, true, null, List.of());
      return vertx.eventBus().request(MeteringAddresses.SETTLE,
          new SettleTurn(id, t.sessionId(), t.turnId(), "interrupted", "", usage, true, List.of(),
          SessionActor.utf8(user.map(MessageRecord::text).orElse(""))), MeteringAddresses.call());
        }).onFailure(e -> LOG.error("could not recover turn {} of tenant {}", t.turnId(), t.tenantId(), e)).mapEmpty();
  }
}
