package io.agentchat.store;

import io.vertx.core.Future;
import java.util.List;

/** Monthly budgets of a tenant and of its users. Reservations hold against them; settlements charge them. */
public interface BudgetStore {

  /** Sets (or with {@code limitNanos} &lt; 0 removes) a monthly budget. */
  Future<Void> setBudget(String tenantId, String scope, long limitNanos);

  /** What a scope ({@link Budget#TENANT} or a user) spent in the month, whether it has a budget or not. */
  Future<Long> spent(String tenantId, String scope, String monthKey);

  /** The tenant's budgets with this month's spending. */
  Future<List<Budget>> budgets(String tenantId, String monthKey);
}
