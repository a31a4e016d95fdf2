package io.agentchat.store.dynamodb;

import static io.agentchat.store.dynamodb.Item.num;
import static io.agentchat.store.dynamodb.Item.str;
import static io.agentchat.store.dynamodb.Item.vals;

import io.agentchat.store.Budget;
import io.agentchat.store.BudgetAlert;
import io.agentchat.store.BudgetStore;
import io.agentchat.store.MeteringRules;
import io.agentchat.store.ReserveRequest;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Budgets in one small partition per tenant: the limits, and per scope and month a spend item that keeps
 * {@code spent_nanos} and {@code held_nanos} = spent + outstanding holds, so that one conditional {@code ADD} decides
 * a hold exactly (DynamoDB conditions cannot add up two attributes).
 */
final class DynamoBudgets extends DynamoPart implements BudgetStore {
  DynamoBudgets(DynamoPart base) {
    super(base);
  }

  /** The limits of the reservation's budget scopes (a scope without a budget is missing). */
  Future<Map<String, Long>> limits(ReserveRequest r) {
    List<Item> keys = MeteringRules.budgetScopes(r.userId(), r.apiKeyId()).stream().map(scope -> Keys.budget(r.tenantId(), scope)).toList();
    return d.batchGet(Map.of(usage, keys)).map(items -> {
      Map<String, Long> limits = new HashMap<>();
      items.forEach(i -> limits.put(str(i, "scope"), num(i, "limit_nanos")));
      return limits;
    });
  }

  @Override
  public Future<Long> spent(String tenantId, String scope, String monthKey) {
    return d.get(usage, Keys.spend(tenantId, scope, monthKey)).map(o -> o.map(i -> num(i, "spent_nanos")).orElse(0L));
  }

  /** Holds the reservation's bound against one scope; false (nothing held) when it does not fit the scope's {@code limit}. */
  Future<Boolean> hold(ReserveRequest r, String scope, Long limit) {
    long ceiling = limit == null ? 0 : MeteringRules.holdCeiling(limit, r.budgetReserveNanos());
    if (ceiling < 0) {
      return Future.succeededFuture(false);
    }
    String update = "SET #tenant_id = :t, #scope = :s ADD #held_nanos :r";
    String condition = limit == null ? null : "attribute_not_exists(#held_nanos) OR #held_nanos <= :max";
    Map<String, AttributeValue> values = limit == null ? vals(":t", r.tenantId(), ":s", scope, ":r", r.budgetReserveNanos())
        : vals(":t", r.tenantId(), ":s", scope, ":r", r.budgetReserveNanos(), ":max", ceiling);
    return d.update(usage, Keys.spend(r.tenantId(), scope, r.monthKey()), update, condition, values, false).map(i -> true)
        .recover(Dynamo::falseIfConditionFailed);
  }

  /** Undo: gives a hold back. */
  Future<Void> release(ReserveRequest r, String scope) {
    return d.undo("budget hold", Undo.add(usage, Keys.spend(r.tenantId(), scope, r.monthKey()), "held_nanos", -r.budgetReserveNanos()));
  }

  /**
   * Replaces a settled turn's hold by its cost in every scope (its API key's too when {@code apiKeyId} is not null, budget or
   * not, so that the key's spending is kept), and records each threshold newly reached (a conditional put, so once).
   */
  Future<List<BudgetAlert>> charge(String t, String userId, String apiKeyId, String month, long cost, long held) {
    List<BudgetAlert> alerts = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (String scope : MeteringRules.budgetScopes(userId, apiKeyId)) {
      chain = chain.compose(v -> d.update(usage, Keys.spend(t, scope, month), "SET #tenant_id = :t, #scope = :s ADD #spent_nanos :c, #held_nanos :d",
              null, vals(":t", t, ":s", scope, ":c", cost, ":d", MeteringRules.committedChange(cost, held)), false)
          .compose(spend -> d.get(usage, Keys.budget(t, scope)).compose(b -> {
            long limit = b.map(i -> num(i, "limit_nanos")).orElse(0L);
            long spent = num(spend, "spent_nanos");
            Future<Void> each = Future.succeededFuture();
            for (int threshold : MeteringRules.thresholdsReached(spent, limit)) {
              each = each.compose(x -> d.putNew(usage, Keys.budgetAlert(t, scope, month, threshold).s("w", Claims.token())).map(created -> {
                if (created) {
                  alerts.add(new BudgetAlert(t, scope, month, threshold, spent, limit));
                }
                return null;
              }));
            }
            return each;
          })));
    }
    return chain.map(v -> alerts);
  }

  @Override
  public Future<Void> setBudget(String tenantId, String scope, long limitNanos) {
    return limitNanos < 0 ? d.delete(usage, Keys.budget(tenantId, scope))
        : d.put(usage, Keys.budget(tenantId, scope).s("tenant_id", tenantId).s("scope", scope).n("limit_nanos", limitNanos));
  }

  @Override
  public Future<List<Budget>> budgets(String tenantId, String monthKey) {
    return d.prefix(usage, Keys.budgetPk(tenantId), "BUDGET#").compose(bs -> {
      if (bs.isEmpty()) {
        return Future.succeededFuture(List.<Budget>of());
      }
      return d.batchGet(Map.of(usage, bs.stream().map(b -> Keys.spend(tenantId, str(b, "scope"), monthKey)).toList())).map(spends -> {
        Map<String, Map<String, AttributeValue>> byScope = new HashMap<>();
        spends.forEach(s -> byScope.put(str(s, "scope"), s));
        return bs.stream().map(b -> {
          Map<String, AttributeValue> s = byScope.getOrDefault(str(b, "scope"), Map.of());
          long spent = num(s, "spent_nanos");
          return new Budget(tenantId, str(b, "scope"), num(b, "limit_nanos"), spent, MeteringRules.outstandingHolds(num(s, "held_nanos"), spent));
        }).sorted(Comparator.comparing(Budget::scope)).toList();
      });
    });
  }
}
