package io.agentchat.store;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;

/** What cost reports read: daily rollups and the most expensive turns. */
public interface ReportStore {

  /** The tenant's daily rollups for days in [fromDay, toDay] (ISO dates). */
  Future<List<RollupRow>> rollups(String tenantId, String fromDay, String toDay);

  /** The most expensive settled turns of the tenant (or of one user when {@code userId} is not null) started in [from, to). */
  Future<List<TurnCost>> topTurns(String tenantId, String userId, Instant from, Instant to, int limit);

  /** What each API key's turns started in [from, to) used, for the turns settled with a key. */
  Future<List<KeyTotals>> keyTotals(String tenantId, Instant from, Instant to);

  /**
   * Maintenance: recomputes the tenant's rollups for days in [fromDay, toDay] (ISO dates) from its usage events, the
   * record of truth, and returns how many rollups it wrote. Repairs rollups a crash left behind their events.
   */
  Future<Long> rebuildRollups(String tenantId, String fromDay, String toDay);
}
