package io.agentchat.client;

import io.agentchat.common.AppException;
import io.agentchat.metering.MeteringMessages.QuotaStatus;
import io.agentchat.metering.MeteringMessages.TurnUsage;
import io.agentchat.metering.Pricing;
import io.agentchat.store.Budget;
import io.agentchat.store.BudgetAlert;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * Every frame a browser receives through the bridge, built only here: a turn's {@code turn_started}, {@code chunk}, {@code trace}, {@code error}
 * and {@code done} on the user's address with {@code quota} and {@code budget_alert}; the events of the tenant's monitor
 * and the operators' {@code platform_stats}. The contract names each field.
 */
public final class ClientFrames {
  private ClientFrames() {
  }

  /** A piece of a streamed reply; {@code seq} counts from 0 within the turn. */
  public static JsonObject chunk(String sessionId, String turnId, int seq, String text) {
    return turnFrame("chunk", sessionId, turnId).put("seq", seq).put("text", text);
  }

  /** A step of the agent's work, its details beside the frame's own fields. */
  public static JsonObject trace(String sessionId, String turnId, String step, JsonObject detail) {
    return detail.copy().put("type", "trace").put("session_id", sessionId).put("turn_id", turnId).put("step", step);
  }

  /** Why a turn failed, before its {@code done}. */
  public static JsonObject error(String sessionId, String turnId, AppException error) {
    return turnFrame("error", sessionId, turnId).put("code", error.code().code()).put("message", error.getMessage());
  }

  /** How a turn ended, with what was metered for it. */
  public static JsonObject done(String sessionId, String turnId, String status, TurnUsage usage, long costNanos) {
    return turnFrame("done", sessionId, turnId).put("status", status).put("usage", usage.toJson()).put("cost_usd", Pricing.usd(costNanos));
  }

  /** The user's quota counters, pushed whenever they change. */
  public static JsonObject quota(QuotaStatus q) {
    return new JsonObject().put("type", "quota").mergeIn(quotaCounters(q));
  }

  /** The counters of a {@code quota} frame, as the usage route and the agent's usage tool also give them. */
  public static JsonObject quotaCounters(QuotaStatus q) {
    return new JsonObject().put("daily_used", q.dailyUsed()).put("daily_limit", q.dailyLimit())
        .put("monthly_used", q.monthlyUsed()).put("monthly_limit", q.monthlyLimit())
        .put("active_sessions", q.activeSessions()).put("session_limit", q.sessionLimit());
  }

  /** A budget threshold crossed for the first time this month (to the tenant's monitor, and to the user for a user budget). */
  public static JsonObject budgetAlert(BudgetAlert a) {
    String key = io.agentchat.store.MeteringRules.keyOfScope(a.scope());
    JsonObject event = new JsonObject().put("type", "budget_alert")
        .put("scope", a.scope().equals(Budget.TENANT) ? "tenant" : key != null ? "api_key" : "user")
        .put("threshold", a.threshold()).put("month", a.month()).put("spent_usd", Pricing.usd(a.spentNanos()))
        .put("limit_usd", Pricing.usd(a.limitNanos()));
    if (key != null) {
      event.put("api_key_id", key);
    } else if (!a.scope().equals(Budget.TENANT)) {
      event.put("user_id", a.scope());
    }
    return event;
  }

  /**
   * To every tab of the user: a turn was admitted, before any of its chunks, so each open chat shows the question before its
   * reply; {@code request_id} (the sender's idempotency key, or null) lets the tab that sent it recognise its own.
   */
  public static JsonObject userTurnStarted(String sessionId, String turnId, String requestId, String message, Instant at) {
    return turnFrame("turn_started", sessionId, turnId).put("request_id", requestId).put("message", message).put("created_at", at.toString());
  }

  /** Monitor: a turn was admitted. */
  public static JsonObject turnStarted(String userId, String sessionId, String turnId, Instant at) {
    return new JsonObject().put("type", "turn_started").put("user_id", userId).put("session_id", sessionId).put("turn_id", turnId)
        .put("at", at.toString());
  }

  /** Monitor: a turn ended; {@code error} is the error code of a failed turn, else null. */
  public static JsonObject turnFinished(String userId, String sessionId, String turnId, String status, TurnUsage usage, long costNanos,
                                        long latencyMs, String error, Instant at) {
    return new JsonObject().put("type", "turn_finished").put("user_id", userId).put("session_id", sessionId).put("turn_id", turnId)
        .put("status", status).put("usage", usage.toJson()).put("cost_usd", Pricing.usd(costNanos)).put("model", usage.model())
        .put("latency_ms", latencyMs).put("error", error).put("at", at.toString());
  }

  /** Monitor: a turn refused because a budget is used up ({@code scope} tenant, user or api_key). */
  public static JsonObject budgetRefused(String userId, String scope, Instant at) {
    return new JsonObject().put("type", "budget_refused").put("user_id", userId).put("scope", scope).put("at", at.toString());
  }

  /** Monitor: a turn refused by the daily or monthly quota ({@code period} day or month). */
  public static JsonObject quotaRefused(String userId, String period, Instant at) {
    return new JsonObject().put("type", "quota_refused").put("user_id", userId).put("period", period).put("at", at.toString());
  }

  /** Operators: one period of every tenant's activity and the agent backend's state. */
  public static JsonObject platformStats(Instant at, int periodSeconds, JsonArray tenants, JsonObject backend) {
    return new JsonObject().put("type", "platform_stats").put("at", at.toString()).put("period_seconds", periodSeconds)
        .put("tenants", tenants).put("backend", backend);
  }

  /** One tenant's line in {@link #platformStats}. */
  public static JsonObject tenantStats(String tenantId, long started, long finished, long errors, long tokens, BigDecimal costUsd,
                                       int activeSessions, int periodSeconds) {
    return new JsonObject().put("tenant_id", tenantId).put("turns_started", started).put("turns_finished", finished)
        .put("errors", errors).put("tokens", tokens).put("cost_usd", costUsd).put("active_sessions", activeSessions)
        .put("turns_per_second", finished / (double) periodSeconds);
  }

  private static JsonObject turnFrame(String type, String sessionId, String turnId) {
    return new JsonObject().put("type", type).put("session_id", sessionId).put("turn_id", turnId);
  }
}
