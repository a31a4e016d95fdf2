package io.agentchat.store.dynamodb;

import static io.agentchat.store.dynamodb.Item.bool;
import static io.agentchat.store.dynamodb.Item.num;
import static io.agentchat.store.dynamodb.Item.str;
import static io.agentchat.store.dynamodb.Item.time;

import io.agentchat.store.QuotaUsage;
import io.agentchat.store.ReserveOutcome;
import io.agentchat.store.ReserveRequest;
import io.agentchat.store.SettleOutcome;
import io.agentchat.store.SettleRequest;
import io.agentchat.store.TurnRecord;
import io.agentchat.store.UsageEvent;
import io.agentchat.store.UsageKind;
import io.agentchat.store.UsageStore;
import io.agentchat.store.UsageTotals;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Turns, quota counters, usage events and trace steps in the usage table: each reservation ({@link DynamoReservation})
 * and settlement ({@link DynamoSettlement}) writes them as an object of its own; the reads are here.
 */
final class DynamoUsage extends DynamoPart implements UsageStore {
  final DynamoBudgets budgets;
  final DynamoMessages messages;

  DynamoUsage(DynamoBudgets budgets, DynamoMessages messages) {
    super(budgets);
    this.budgets = budgets;
    this.messages = messages;
  }

  static TurnRecord toTurn(Map<String, AttributeValue> i) {
    return new TurnRecord(str(i, "tenant_id"), str(i, "turn_id"), str(i, "user_id"), str(i, "session_id"), str(i, "request_id"),
        str(i, "status"), str(i, "day_key"), str(i, "month_key"), time(i, "created_at"), time(i, "finished_at"), str(i, "api_key_id"));
  }

  private static UsageEvent toEvent(Map<String, AttributeValue> i) {
    return new UsageEvent(str(i, "event_id"), str(i, "tenant_id"), str(i, "user_id"), str(i, "session_id"), str(i, "turn_id"),
        UsageKind.fromWire(str(i, "kind")), str(i, "service"), str(i, "model"), num(i, "quantity"), num(i, "cost_nanos"),
        bool(i, "estimated"), time(i, "created_at"));
  }

  private Future<List<Map<String, AttributeValue>>> eventItems(String tenantId, String turnId) {
    return d.prefix(usage, Keys.turnPk(tenantId, turnId), "EVENT#");
  }

  /** The cost of a turn's recorded events. */
  Future<Long> turnCost(String tenantId, String turnId) {
    return eventItems(tenantId, turnId).map(items -> items.stream().mapToLong(i -> num(i, "cost_nanos")).sum());
  }

  @Override
  public Future<ReserveOutcome> reserveTurn(ReserveRequest request) {
    return new DynamoReservation(this, request).run();
  }

  @Override
  public Future<SettleOutcome> settleTurn(SettleRequest request) {
    return new DynamoSettlement(this, request).run();
  }

  @Override
  public Future<Optional<TurnRecord>> turn(String tenantId, String turnId) {
    return d.get(usage, Keys.turn(tenantId, turnId)).map(o -> o.map(DynamoUsage::toTurn));
  }

  /** The day and month counters and the slots item, in one batch read. */
  @Override
  public Future<QuotaUsage> quotaUsage(String tenantId, String userId, String dayKey, String monthKey, Instant now) {
    Item day = Keys.counter(tenantId, userId, dayKey);
    Item month = Keys.counter(tenantId, userId, monthKey);
    return d.batchGet(Map.of(usage, List.of(day, month), sessions, List.of(Keys.slots(tenantId, userId)))).map(items -> {
      long daily = 0;
      long monthly = 0;
      int active = 0;
      for (Map<String, AttributeValue> i : items) {
        String sk = str(i, "sk");
        if (sk.equals(str(day.map(), "sk"))) {
          daily = num(i, "used");
        } else if (sk.equals(str(month.map(), "sk"))) {
          monthly = num(i, "used");
        } else if (sk.equals("SLOTS")) {
          active = DynamoSessions.activeSessions(i, now.toEpochMilli());
        }
      }
      return new QuotaUsage(daily, monthly, active);
    });
  }

  @Override
  public Future<UsageTotals> userTotals(String tenantId, String userId, String fromDay, String toDay) {
    return d.between(usage, Keys.userPk(tenantId, userId), Keys.rollupFrom(fromDay), Keys.rollupTo(toDay), true)
        .map(items -> items.stream().map(i -> new UsageTotals(num(i, "input_tokens"), num(i, "output_tokens"), num(i, "invocations"),
            num(i, "tool_actions"), num(i, "cost_nanos"))).reduce(UsageTotals.ZERO, UsageTotals::plus));
  }

  @Override
  public Future<List<UsageEvent>> turnEvents(String tenantId, String turnId) {
    return eventItems(tenantId, turnId).map(items -> items.stream().map(DynamoUsage::toEvent).toList());
  }

  @Override
  public Future<List<JsonObject>> traces(String tenantId, String turnId) {
    return d.prefix(usage, Keys.turnPk(tenantId, turnId), "TRACE#").map(items -> items.stream().map(i -> new JsonObject(str(i, "detail"))).toList());
  }

  /** Reads the sparse running-turns index, every shard (a Query each, no Scan). */
  @Override
  public Future<List<TurnRecord>> runningTurns() {
    List<Future<List<Map<String, AttributeValue>>>> shards = new ArrayList<>();
    for (int k = 0; k < Keys.SHARDS; k++) {
      shards.add(d.index(usage, Tables.RUNNING_INDEX, "running_shard", Keys.runningShard(k)));
    }
    return Future.all(shards).map(cf -> shards.stream().flatMap(f -> f.result().stream()).map(DynamoUsage::toTurn).toList());
  }
}
