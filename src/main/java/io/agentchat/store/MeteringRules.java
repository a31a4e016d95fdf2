package io.agentchat.store;

import io.agentchat.store.ReserveOutcome.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The admission and settlement rules of a turn, written once for every store. A store decides how to apply them
 * atomically (one SQLite transaction, or conditional DynamoDB writes), never what they are.
 */
public final class MeteringRules {
  /** A request id names one turn for this long: a repeat within it is answered by that turn and charged nothing. */
  public static final Duration IDEMPOTENCY_WINDOW = Duration.ofHours(24);

  /** Budget alert thresholds in percent of the limit; each is reported once per budget and month. */
  public static final List<Integer> BUDGET_ALERT_THRESHOLDS = List.of(50, 80, 100);

  private MeteringRules() {
  }

  /** What a reservation must pass, in the order {@link #ADMISSION_ORDER} gives; the first that fails decides the refusal. */
  public enum Check {
    DAILY_QUOTA(Status.DAILY_EXCEEDED),
    MONTHLY_QUOTA(Status.MONTHLY_EXCEEDED),
    TENANT_BUDGET(Status.TENANT_BUDGET_EXCEEDED),
    USER_BUDGET(Status.USER_BUDGET_EXCEEDED),
    KEY_BUDGET(Status.KEY_BUDGET_EXCEEDED);

    private final Status refusal;

    Check(Status refusal) {
      this.refusal = refusal;
    }

    public Status refusal() {
      return refusal;
    }

    /**
     * The budget scope a budget check of a reservation is about: the tenant's, the user's or the API key's; null for the
     * key check of a turn that came without a key (it passes).
     */
    public String scope(ReserveRequest r) {
      return switch (this) {
        case TENANT_BUDGET -> Budget.TENANT;
        case KEY_BUDGET -> r.apiKeyId() == null ? null : keyScope(r.apiKeyId());
        default -> r.userId();
      };
    }
  }

  /** Day, then month, then the tenant's budget, then the user's, then the API key's. */
  public static final List<Check> ADMISSION_ORDER = List.of(Check.DAILY_QUOTA, Check.MONTHLY_QUOTA, Check.TENANT_BUDGET, Check.USER_BUDGET,
      Check.KEY_BUDGET);

  /** The budget scope of an API key: its budget, and its spending whether it has a budget or not. */
  public static String keyScope(String apiKeyId) {
    return KEY_SCOPE_PREFIX + apiKeyId;
  }

  /** Budget scopes of API keys start with this (user ids never contain a colon). */
  public static final String KEY_SCOPE_PREFIX = "key:";

  /** The API key of a key scope, or null for a tenant or user scope. */
  public static String keyOfScope(String scope) {
    return scope.startsWith(KEY_SCOPE_PREFIX) ? scope.substring(KEY_SCOPE_PREFIX.length()) : null;
  }

  // ---------------------------------------------------------------- idempotency

  /** Turns reserved at or before this instant no longer hold their request id. */
  public static Instant idempotencyCutoff(Instant now) {
    return now.minus(IDEMPOTENCY_WINDOW);
  }

  /** Whether a turn reserved at {@code reservedAt} still answers a repeat of its request id at {@code now}. */
  public static boolean stillIdempotent(Instant reservedAt, Instant now) {
    return reservedAt.isAfter(idempotencyCutoff(now));
  }

  // ---------------------------------------------------------------- admission

  /** Whether a reservation passes one check, judged on what a store read (in the same transaction). */
  @FunctionalInterface
  public interface Judge<E extends Exception> {
    boolean passes(Check check) throws E;
  }

  /** The refusal of the first check of {@link #ADMISSION_ORDER} that fails, or RESERVED when the reservation passes them all. */
  public static <E extends Exception> Status admission(Judge<E> judge) throws E {
    for (Check check : ADMISSION_ORDER) {
      if (!judge.passes(check)) {
        return check.refusal();
      }
    }
    return Status.RESERVED;
  }

  /** A quota admits one more message while fewer than {@code limit} are used. */
  public static boolean quotaAdmits(long used, int limit) {
    return used < limit;
  }

  /** Budgets apply to a reservation that holds a bound of its cost. */
  public static boolean holdsBudget(ReserveRequest r) {
    return r.budgetReserveNanos() > 0;
  }

  /** The budgets a turn holds against and is charged to, tenant first, then the user, then the API key it came with (if any). */
  public static List<String> budgetScopes(String userId, String apiKeyId) {
    return apiKeyId == null ? List.of(Budget.TENANT, userId) : List.of(Budget.TENANT, userId, keyScope(apiKeyId));
  }

  /**
   * The most a budget may have committed (spent plus outstanding holds) for a hold of {@code hold} still to fit;
   * negative when the hold is larger than the limit itself.
   */
  public static long holdCeiling(long limitNanos, long hold) {
    return limitNanos - hold;
  }

  /** Whether a hold fits a budget ({@code null}: no budget, always fits). */
  public static boolean holdFits(Budget b, long hold) {
    return b == null || b.spentNanos() + b.reservedNanos() <= holdCeiling(b.limitNanos(), hold);
  }

  // ---------------------------------------------------------------- settlement

  /** The day (UTC, ISO date) whose rollup a usage event counts in. */
  public static String rollupDay(UsageEvent e) {
    return Periods.day(e.at()).toString();
  }

  /** A settlement records only events of its own tenant. */
  public static void requireOwnEvents(SettleRequest r) {
    for (UsageEvent e : r.events()) {
      if (!e.tenantId().equals(r.tenantId())) {
        throw new IllegalArgumentException("usage event of another tenant in a settlement");
      }
    }
  }

  /**
   * At settlement a turn's hold gives way to its real cost: spending grows by the cost, holds shrink by the hold, so the
   * committed sum (spent plus holds) changes by this.
   */
  public static long committedChange(long costNanos, long heldNanos) {
    return costNanos - heldNanos;
  }

  /** The holds still outstanding when a store keeps the committed sum and the spending. */
  public static long outstandingHolds(long committedNanos, long spentNanos) {
    return Math.max(0, committedNanos - spentNanos);
  }

  /** The alert thresholds a budget's spending has reached (none without a positive limit). */
  public static List<Integer> thresholdsReached(long spentNanos, long limitNanos) {
    List<Integer> out = new ArrayList<>();
    if (limitNanos > 0) {
      for (int threshold : BUDGET_ALERT_THRESHOLDS) {
        if (spentNanos * 100 >= (long) threshold * limitNanos) {
          out.add(threshold);
        }
      }
    }
    return out;
  }
}
