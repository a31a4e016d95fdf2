package io.agentchat.store.dynamodb;

import static io.agentchat.store.dynamodb.Item.num;
import static io.agentchat.store.dynamodb.Item.str;
import static io.agentchat.store.dynamodb.Item.vals;

import io.agentchat.store.BudgetAlert;
import io.agentchat.store.MeteringRules;
import io.agentchat.store.SettleOutcome;
import io.agentchat.store.SettleRequest;
import io.agentchat.store.StoreErrors;
import io.agentchat.store.TurnRecord;
import io.agentchat.store.UsageEvent;
import io.agentchat.store.UsageTotals;
import io.agentchat.store.dynamodb.DynamoMessages.Question;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One settlement of a turn: its events as conditional puts on their deterministic ids (a rollup advances only after its event's
 * put created it; {@link DynamoReports#rebuildRollups} repairs what a crash between the two left behind), the reply, then
 * the one conditional write that closes the turn. Only the settlement that closed it refunds and charges the budgets.
 * Every write carries this settlement's token {@code w}.
 */
final class DynamoSettlement extends DynamoPart {
  private final DynamoUsage turns;
  private final SettleRequest r;
  private final String w = Claims.token();

  DynamoSettlement(DynamoUsage turns, SettleRequest r) {
    super(turns);
    this.turns = turns;
    this.r = r;
  }

  Future<SettleOutcome> run() {
    try {
      MeteringRules.requireOwnEvents(r);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return d.get(usage, Keys.turn(r.tenantId(), r.turnId())).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(StoreErrors.unknownTurn());
      }
      Map<String, AttributeValue> turnItem = found.get();
      TurnRecord turn = DynamoUsage.toTurn(turnItem);
      if (!turn.running()) {
        return notApplied();
      }
      List<Future<Boolean>> events = r.events().stream().map(this::recordEvent).toList();
      return Future.all(events).compose(cf -> {
        int recorded = (int) events.stream().filter(Future::result).count();
        Future<Void> reply = r.reply() == null ? Future.succeededFuture() : turns.messages.appendReply(r.tenantId(), r.sessionId(), r.turnId(),
            new Question(num(turnItem, "seq"), num(turnItem, "message_ttl")), r.reply(), r.status(), r.now(), w);
        return reply.compose(v -> closeTurn()).compose(won -> {
          if (!won) {
            return notApplied();
          }
          Future<Void> refund = r.refund()
              ? d.undo("refund day", Undo.add(usage, Keys.counter(r.tenantId(), turn.userId(), turn.dayKey()), "used", -1))
                  .compose(v -> d.undo("refund month", Undo.add(usage, Keys.counter(r.tenantId(), turn.userId(), turn.monthKey()), "used", -1)))
              : Future.succeededFuture();
          return refund.compose(v -> turns.turnCost(r.tenantId(), r.turnId()))
              .compose(c -> afterSettle(turn, num(turnItem, "budget_held"), c).map(alerts -> new SettleOutcome(true, recorded, c, alerts)));
        });
      });
    });
  }

  private Future<SettleOutcome> notApplied() {
    return turns.turnCost(r.tenantId(), r.turnId()).map(c -> new SettleOutcome(false, 0, c));
  }

  /** The event as a conditional put on its id; its rollup advances only when this put created it. */
  private Future<Boolean> recordEvent(UsageEvent e) {
    String t = e.tenantId();
    String day = MeteringRules.rollupDay(e);
    String dayPk = Keys.dayPk(t, day, Keys.shard(e.userId()));
    Item item = Keys.event(t, e.turnId(), e.eventId()).s("tenant_id", t).s("event_id", e.eventId()).s("user_id", e.userId())
        .s("session_id", e.sessionId()).s("turn_id", e.turnId()).s("kind", e.kind().wire()).s("service", e.service()).s("model", e.model())
        .n("quantity", e.quantity()).n("cost_nanos", e.costNanos()).b("estimated", e.estimated()).n("created_at", e.at()).s("day", day)
        .s("day_pk", dayPk).s("w", w);
    return d.putNew(usage, item).compose(created -> {
      if (!created) {
        return Future.succeededFuture(false);
      }
      UsageTotals u = UsageTotals.of(e);
      String update = "SET #tenant_id = :t, #user_id = :u, #day = :day, #service = :svc, #model = :model, #day_pk = :dp "
          + "ADD #input_tokens :in, #output_tokens :out, #invocations :inv, #tool_actions :tools, #cost_nanos :cost, #events :one";
      return d.update(usage, Keys.rollup(t, e.userId(), day, e.service(), e.model()), update, null,
          vals(":t", t, ":u", e.userId(), ":day", day, ":svc", e.service(), ":model", e.model(), ":dp", dayPk, ":in", u.inputTokens(),
              ":out", u.outputTokens(), ":inv", u.invocations(), ":tools", u.toolActions(), ":cost", u.costNanos(), ":one", 1), false)
          .map(i -> true);
    });
  }

  /** Closes the turn if it is still running; true for the one settlement that did. */
  private Future<Boolean> closeTurn() {
    Item key = Keys.turn(r.tenantId(), r.turnId());
    return d.update(usage, key, "SET #status = :s, #finished_at = :f, #settled_by = :w REMOVE #running_shard", "#status = :running",
            vals(":s", r.status(), ":f", r.now().toEpochMilli(), ":w", w, ":running", TurnRecord.RUNNING), true)
        .map(i -> true)
        .recover(t -> Dynamo.conditionFailed(t)
            ? d.get(usage, key).map(o -> o.isPresent() && w.equals(str(o.get(), "settled_by")))
            : Future.failedFuture(t));
  }

  /** After the one settlement that closed the turn: its totals (for the most-expensive-turns report), its trace steps, its budgets. */
  private Future<List<BudgetAlert>> afterSettle(TurnRecord turn, long held, long cost) {
    String t = r.tenantId();
    UsageTotals totals = UsageTotals.sum(r.events());
    Item summary = Keys.turnCost(t, turn.userId(), turn.createdAt().toEpochMilli(), r.turnId()).s("tenant_id", t).s("turn_id", r.turnId())
        .s("user_id", turn.userId()).s("session_id", turn.sessionId()).s("status", r.status()).n("created_at", turn.createdAt())
        .n("input_tokens", totals.inputTokens()).n("output_tokens", totals.outputTokens()).n("cost_nanos", cost).s("api_key_id", turn.apiKeyId());
    List<Item> traces = new ArrayList<>();
    for (int i = 0; i < r.traces().size(); i++) {
      traces.add(Keys.trace(t, r.turnId(), i).s("tenant_id", t).s("detail", r.traces().get(i).encode()));
    }
    return d.put(usage, summary).compose(v -> d.batchWrite(usage, traces, List.of()))
        // the stored turn names the key it came with: a settlement (or the recovery of an interrupted turn) charges that key
        .compose(v -> turns.budgets.charge(t, turn.userId(), turn.apiKeyId(), turn.monthKey(), cost, held));
  }
}
