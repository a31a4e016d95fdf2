package io.agentchat.metering;

import io.agentchat.config.ConfigReader;

/**
 * The {@code metering} section: the price list entry for models it does not know, and the cost held against a budget
 * while a turn runs (an upper bound of one turn's cost; the real cost replaces it when the turn is settled).
 */
public record MeteringConfig(String offlinePricedAs, long budgetReserveNanos) {
  public static MeteringConfig from(ConfigReader r) {
    long micros = r.longValue("budgetReservePerTurnMicroUsd", 50_000, 1, 1_000_000_000L);
    return new MeteringConfig(r.string("offlinePricedAs", "anthropic.claude-3-haiku"), micros * 1000);
  }
}
