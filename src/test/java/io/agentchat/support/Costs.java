package io.agentchat.support;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/** Hand computation of the storage charge of a turn: its question and answer kept one month at 0.25 USD per GB. */
public final class Costs {
  private Costs() {
  }

  public static double storageUsd(String... texts) {
    long bytes = 0;
    for (String t : texts) {
      bytes += t.getBytes(StandardCharsets.UTF_8).length;
    }
    return BigDecimal.valueOf(bytes).multiply(new BigDecimal("0.25")).setScale(0, RoundingMode.HALF_UP).doubleValue() / 1e9;
  }
}
