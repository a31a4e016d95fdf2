package io.agentchat.metering;

import io.agentchat.common.ErrorCode;
import io.agentchat.common.Identity;
import io.agentchat.metering.MeteringMessages.BudgetList;
import io.agentchat.metering.MeteringMessages.GetBudgets;
import io.agentchat.metering.MeteringMessages.SetBudget;
import io.agentchat.store.Budget;
import io.agentchat.store.MeteringRules;
import io.agentchat.store.Periods;
import io.agentchat.store.Store;
import io.vertx.core.Future;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.util.Optional;

/**
 * Monthly budgets of a tenant and of its members, set by the tenant's admins. The month is the application clock's (UTC),
 * the one metering charges in. Enforcement is part of each turn's reservation (see {@link MeteringVerticle}).
 */
public final class Budgets {
  /** The largest budget an admin may set, in USD. */
  static final BigDecimal MAX_USD = BigDecimal.valueOf(1_000_000_000L);

  private final Store store;
  private final Clock clock;

  Budgets(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /**
   * A budget amount as the API takes it: a number of USD from 0 to {@link #MAX_USD}, or null to remove the budget (then
   * -1). Anything else is an invalid request.
   */
  public static long nanosOf(Object monthlyUsd) {
    if (monthlyUsd == null) {
      return -1;
    }
    BigDecimal usd = null;
    if (monthlyUsd instanceof Number n) {
      try {
        usd = new BigDecimal(n.toString());
      } catch (NumberFormatException e) {
        usd = null; // infinite or not a number, e.g. 1e400
      }
    }
    if (usd == null || usd.signum() < 0 || usd.compareTo(MAX_USD) > 0) {
      throw ErrorCode.INVALID_REQUEST.exception("monthly_usd must be a number from 0 to 1000000000, or null to remove the budget.");
    }
    return usd.movePointRight(9).setScale(0, RoundingMode.HALF_UP).longValueExact();
  }

  Future<BudgetList> set(SetBudget s) {
    requireAdmin(s.identity());
    String tenantId = s.identity().tenantId();
    String scope = s.userId() == null ? Budget.TENANT : s.userId();
    Future<Boolean> exists = s.userId() == null ? Future.succeededFuture(true) : store.identity().user(tenantId, scope).map(Optional::isPresent);
    return exists.compose(ok -> ok ? store.budgets().setBudget(tenantId, scope, s.limitNanos())
            : Future.failedFuture(ErrorCode.NOT_FOUND.exception("No such member in your organisation.")))
        .compose(v -> list(new GetBudgets(s.identity())));
  }

  Future<BudgetList> list(GetBudgets g) {
    requireAdmin(g.identity());
    String month = Periods.monthKey(clock.instant());
    // an API key's budget is shown and changed with the key
    return store.budgets().budgets(g.identity().tenantId(), month)
        .map(bs -> new BudgetList(month.substring(2), bs.stream().filter(b -> MeteringRules.keyOfScope(b.scope()) == null).toList()));
  }

  static void requireAdmin(Identity id) {
    if (!id.admin()) {
      throw ErrorCode.FORBIDDEN.exception("Only an admin of the organisation can do this.");
    }
  }
}
