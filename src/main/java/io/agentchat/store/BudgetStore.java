package io.agentchat.store;

import io.vertx.core.Future;
import java.util.List;

/** Monthly budgets of a tenant and of its users. Reservations hold against them; settlements charge them. */
public interface BudgetStore {

  /** Sets (or with {@code limitNanos} &lt; 0 removes) a monthly budget. */
  Future<Void> setBudget(String tenantId, String scope, long limitNanos);

  /** The tenant's budgets with this month's spending. */
  Future<List<Budget>> budgets(String tenantId, String monthKey);
}
