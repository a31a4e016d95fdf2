package io.agentchat.metering;

import io.agentchat.common.Identity;
import io.agentchat.common.LocalCodec;
import io.agentchat.store.Budget;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Messages of the metering capability. */
public final class MeteringMessages {
  private MeteringMessages() {
  }

  /** Reserve one message for a new turn; {@code requestId} is the client's idempotency key. */
  public record ReserveTurn(Identity identity, String sessionId, String turnId, String requestId, String message) {
  }

  /** RESERVED: charged and recorded; DUPLICATE: the earlier turn {@code turnId} answers this request id and nothing was charged. */
  /** An admitted (or repeated) turn; the user's {@code quota} frame follows from metering once the counters are read. */
  public record Reservation(boolean duplicate, String turnId, String turnStatus) {
  }

  /**
   * What a turn used: whether the agent was invoked at all, tokens (estimated when counted locally), the model that
   * produced them, and the tools it ran.
   */
  public record TurnUsage(boolean invoked, long inputTokens, long outputTokens, boolean estimated, String model, List<String> tools) {
    public TurnUsage {
      tools = List.copyOf(tools);
    }

    public static final TurnUsage NONE = new TurnUsage(false, 0, 0, false, null, List.of());

    public JsonObject toJson() {
      return new JsonObject().put("input_tokens", inputTokens).put("output_tokens", outputTokens).put("estimated", estimated);
    }
  }

  /**
   * Close a turn. {@code traces} are the agent's steps, stored for audit; {@code storedBytes} is the conversation text the
   * turn added to the store (question and answer), metered as storage.
   */
  public record SettleTurn(Identity identity, String sessionId, String turnId, String status, String reply, TurnUsage usage,
                           boolean refund, List<JsonObject> traces, long storedBytes) {
    public SettleTurn {
      traces = List.copyOf(traces);
    }
  }

  /** A settled turn and its cost; the user's {@code quota} frame follows from metering once the counters are read. */
  public record Settlement(boolean applied, long costNanos) {
  }

  public record QuotaQuery(Identity identity) {
  }

  public record QuotaStatus(long dailyUsed, long dailyLimit, long monthlyUsed, long monthlyLimit, int activeSessions, int sessionLimit) {  }

  public record UsageReport(QuotaStatus quota, long inputTokens, long outputTokens, long costNanos, String month) {
  }

  public record GetBudgets(Identity identity) {
  }

  /** Sets the tenant's ({@code userId} null) or a member's monthly budget; {@code limitNanos} below 0 removes it. */
  public record SetBudget(Identity identity, String userId, long limitNanos) {
  }

  /**
   * A tenant's budgets with the spend of {@code month} (YYYY-MM), and the whole organisation's spend this month, with a
   * budget or without; after a change, {@code warning} (else null) says when the budget saved leaves room for no or few
   * messages.
   */
  public record BudgetList(String month, List<Budget> budgets, long tenantSpentNanos, String warning) {
    public BudgetList {
      budgets = List.copyOf(budgets);
    }
  }

  public static void registerCodecs(Vertx vertx) {
    for (Class<?> c : new Class<?>[] {ReserveTurn.class, Reservation.class, TurnUsage.class, SettleTurn.class, Settlement.class,
        QuotaQuery.class, QuotaStatus.class, UsageReport.class, GetBudgets.class, SetBudget.class, BudgetList.class}) {
      LocalCodec.register(vertx, c);
    }
  }
}
