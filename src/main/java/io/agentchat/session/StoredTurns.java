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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
   * Turns left running by a process that stopped without settling them. A session runs one turn at a time, so of a
   * session's turns left running only its first can have reached the agent: that one is metered for the input it had and
   * the agent invocation; the ones queued behind it never started and are not billed. All are marked interrupted and
   * their reserved messages given back.
   */
  Future<Void> recoverInterrupted() {
    return store.usage().runningTurns().compose(this::orphaned).compose(turns -> {
      Map<String, List<TurnRecord>> bySession = new LinkedHashMap<>();
      for (TurnRecord t : turns) {
        bySession.computeIfAbsent(t.tenantId() + "/" + t.sessionId(), k -> new ArrayList<>()).add(t);
      }
      if (!turns.isEmpty()) {
        LOG.warn("recovering {} turn(s) interrupted by the previous shutdown", turns.size());
      }
      return Future.join(bySession.values().stream().map(this::settleInterrupted).toList()).mapEmpty();
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

  /**
   * Settles the turns one session's node left running (all of one tenant and session). The first of them, in the order of
   * the conversation, may have reached the agent and is metered for its input and the invocation; the others waited in
   * the queue and are settled with no usage but the storage of their message, as a queued turn stopped by a disconnect is.
   */
  Future<Void> settleInterrupted(List<TurnRecord> turns) {
    TurnRecord any = turns.get(0);
    return Future.all(store.sessions().messages(any.tenantId(), any.sessionId(), 500), store.identity().tenant(any.tenantId())).compose(cf -> {
      List<MessageRecord> ms = cf.resultAt(0);
      Optional<TenantRecord> tenant = cf.resultAt(1);
      String tier = tenant.map(TenantRecord::tier).orElseThrow();
      Map<String, MessageRecord> asked = new LinkedHashMap<>();
      ms.stream().filter(m -> m.role().equals("user")).forEach(m -> asked.putIfAbsent(m.turnId(), m));
      List<String> order = new ArrayList<>(asked.keySet());
      List<TurnRecord> sorted = new ArrayList<>(turns);
      sorted.sort(Comparator.comparingInt(t -> order.indexOf(t.turnId()) < 0 ? Integer.MAX_VALUE : order.indexOf(t.turnId())));
      List<Future<?>> all = new ArrayList<>();
      for (int i = 0; i < sorted.size(); i++) {
        TurnRecord t = sorted.get(i);
        String message = asked.containsKey(t.turnId()) ? asked.get(t.turnId()).text() : "";
        TurnUsage usage = i == 0 ? new TurnUsage(true, TokenEstimate.of(message), 0, true, null, List.of()) : TurnUsage.NONE;
        Identity id = new Identity(t.tenantId(), t.userId(), "", tier, false, List.of());
        all.add(vertx.eventBus().request(MeteringAddresses.SETTLE, new SettleTurn(id, t.sessionId(), t.turnId(), "interrupted", "", usage,
            true, List.of(), TurnRunner.utf8(message)), MeteringAddresses.call())
            .onFailure(e -> LOG.error("could not recover turn {} of tenant {}", t.turnId(), t.tenantId(), e)));
      }
      return Future.join(all).mapEmpty();
    }).onFailure(e -> LOG.error("could not recover the turns of session {} of tenant {}", any.sessionId(), any.tenantId(), e)).mapEmpty();
  }
}
