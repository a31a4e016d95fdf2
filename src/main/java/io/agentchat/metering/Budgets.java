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

  /** Below this many messages left in a budget, saving it warns how many remain. */
  static final int FEW_MESSAGES = 10;

  private final Store store;
  private final Clock clock;
  private final long holdNanos;

  Budgets(Store store, Clock clock, long holdNanos) {
    this.store = store;
    this.clock = clock;
    this.holdNanos = holdNanos;
  }

  /** An amount as people read it: {@code $0.05}, {@code $12.50}, {@code $0.0125}. */
  static String dollars(long nanos) {
    BigDecimal usd = Pricing.usd(nanos);
    return "$" + (usd.scale() < 2 ? usd.setScale(2, RoundingMode.UNNECESSARY) : usd).toPlainString();
  }

  private String holdText() {
    return "each message holds " + dollars(holdNanos) + " until its cost is known";
  }

  /**
   * What an admin should know about a budget just saved, or null: one below the per-message hold refuses every message,
   * one whose spend and holds leave less than a hold refuses new ones now, and one with few holds left says how many.
   */
  String warning(Budget b) {
    if (b == null || b.limitNanos() < 0) {
      return null;
    }
    String hold = "Each message holds " + dollars(holdNanos) + " until its cost is known";
    if (b.limitNanos() < holdNanos) {
      return hold + ", so a budget below " + dollars(holdNanos) + " refuses every message.";
    }
    long left = b.limitNanos() - b.spentNanos() - b.reservedNanos();
    String spent = dollars(b.spentNanos()) + " is already spent this month" + (b.reservedNanos() > 0 ? " and " + dollars(b.reservedNanos())
        + " is held" : "");
    if (left < holdNanos) {
      return hold + "; " + spent + ", so this budget of " + dollars(b.limitNanos()) + " refuses new messages until it is raised or the month ends.";
    }
    long messages = left / holdNanos;
    if (messages < FEW_MESSAGES) {
      return hold + "; " + spent + ", so roughly " + messages + (messages == 1 ? " more message" : " more messages")
          + " can start before this budget of " + dollars(b.limitNanos()) + " refuses them.";
    }
    return null;
  }

  /** The refusal of a turn by the tenant's or the user's budget: the budget, what is spent and held, and the hold. */
  Future<String> refusal(String tenantId, String userId, boolean tenantWide) {
    String scope = tenantWide ? Budget.TENANT : userId;
    String whose = tenantWide ? "Your organisation's monthly budget" : "Your monthly budget";
    String end = "; new messages are paused until an admin raises it or the month ends.";
    return store.budgets().budgets(tenantId, Periods.monthKey(clock.instant()))
        .map(bs -> bs.stream().filter(b -> b.scope().equals(scope)).findFirst().map(b -> whose + " is used up: of its "
            + dollars(b.limitNanos()) + ", " + dollars(b.spentNanos()) + " is spent" + (b.reservedNanos() > 0 ? " and "
            + dollars(b.reservedNanos()) + " is held by messages being answered" : "") + ", and " + holdText() + end)
            .orElse(whose + " is used up (" + holdText() + ")" + end))
        .otherwise(t -> whose + " is used up (" + holdText() + ")" + end);
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
        .compose(v -> list(new GetBudgets(s.identity())))
        .map(l -> new BudgetList(l.month(), l.budgets(), l.tenantSpentNanos(), warning(l.budgets().stream().filter(b -> b.scope().equals(scope)).findFirst().orElse(null))));
  }

  Future<BudgetList> list(GetBudgets g) {
    requireAdmin(g.identity());
    String tenantId = g.identity().tenantId();
    String month = Periods.monthKey(clock.instant());
    java.time.LocalDate today = Periods.day(clock.instant());
    // the organisation's spend this month from the daily rollups, the reports' numbers, with a budget or without
    Future<Long> spent = store.reports().rollups(tenantId, today.withDayOfMonth(1).toString(), today.toString())
        .map(rows -> rows.stream().mapToLong(io.agentchat.store.RollupRow::costNanos).sum());
    // an API key's budget is shown and changed with the key
    return Future.all(store.budgets().budgets(tenantId, month), spent).map(cf -> {
      java.util.List<Budget> bs = cf.resultAt(0);
      return new BudgetList(month.substring(2), bs.stream().filter(b -> MeteringRules.keyOfScope(b.scope()) == null).toList(), cf.<Long>resultAt(1), null);
    });
  }

  static void requireAdmin(Identity id) {
    if (!id.admin()) {
      throw ErrorCode.FORBIDDEN.exception("Only an admin of the organisation can do this.");
    }
  }
}
