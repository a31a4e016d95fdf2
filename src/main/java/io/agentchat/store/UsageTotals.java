package io.agentchat.store;

/** Sums over rollups for a period. */
public record UsageTotals(long inputTokens, long outputTokens, long invocations, long toolActions, long costNanos) {
  /** What one usage event adds to its rollup. */
  public static UsageTotals of(UsageEvent e) {
    return new UsageTotals(
        e.kind().equals("input_tokens") ? e.quantity() : 0,
        e.kind().equals("output_tokens") ? e.quantity() : 0,
        e.kind().equals("invocation") ? e.quantity() : 0,
        e.kind().equals("tool_action") ? e.quantity() : 0,
        e.costNanos());
  }
}
