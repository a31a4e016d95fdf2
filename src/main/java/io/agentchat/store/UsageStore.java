package io.agentchat.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Turns, quota counters, usage events and trace steps: reservation and settlement of a turn. The rules are {@link MeteringRules}. */
public interface UsageStore {

  /** Atomically: idempotency check on the request id (24 h), quota check and increment, turn and user message recorded. */
  Future<ReserveOutcome> reserveTurn(ReserveRequest request);

  /** Atomically: closes a running turn, records its events once each, advances rollups for the recorded ones. */
  Future<SettleOutcome> settleTurn(SettleRequest request);

  Future<Optional<TurnRecord>> turn(String tenantId, String turnId);

  Future<QuotaUsage> quotaUsage(String tenantId, String userId, String dayKey, String monthKey, Instant now);

  /** Sums of the user's rollups for days in [fromDay, toDay] (ISO dates). */
  Future<UsageTotals> userTotals(String tenantId, String userId, String fromDay, String toDay);

  Future<List<UsageEvent>> turnEvents(String tenantId, String turnId);

  /** The agent's trace steps of a turn, in order (recorded with its settlement). */
  Future<List<JsonObject>> traces(String tenantId, String turnId);

  /** Turns left running by a previous process (for recovery at start). */
  Future<List<TurnRecord>> runningTurns();
}
