package io.agentchat.store;

import java.util.List;

/** Sums over usage events or rollups for a period. */
public record UsageTotals(long inputTokens, long outputTokens, long invocations, long toolActions, long costNanos) {
  public static final UsageTotals ZERO = new UsageTotals(0, 0, 0, 0, 0);

  /** What one usage event adds to its rollup. */
  public static UsageTotals of(UsageEvent e) {
    return of(e.kind(), e.quantity(), e.costNanos());
  }

  /** What {@code quantity} of a kind at a cost adds to a rollup (storage adds only its cost). */
  public static UsageTotals of(UsageKind kind, long quantity, long costNanos) {
    return new UsageTotals(
        kind == UsageKind.INPUT_TOKENS ? quantity : 0,
        kind == UsageKind.OUTPUT_TOKENS ? quantity : 0,
        kind == UsageKind.INVOCATION ? quantity : 0,
        kind == UsageKind.TOOL_ACTION ? quantity : 0,
        costNanos);
  }

  /** The totals of a list of events (a turn's token totals, a rebuilt rollup). */
  public static UsageTotals sum(List<UsageEvent> events) {
    UsageTotals out = ZERO;
    for (UsageEvent e : events) {
      out = out.plus(of(e));
    }
    return out;
  }

  public UsageTotals plus(UsageTotals o) {
    return new UsageTotals(inputTokens + o.inputTokens, outputTokens + o.outputTokens, invocations + o.invocations,
        toolActions + o.toolActions, costNanos + o.costNanos);
  }
}
