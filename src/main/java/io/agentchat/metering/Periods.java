package io.agentchat.metering;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/** Calendar periods (UTC) that quotas count in. */
public final class Periods {
  private Periods() {
  }

  public static LocalDate day(Instant now) {
    return LocalDate.ofInstant(now, ZoneOffset.UTC);
  }

  public static String dayKey(Instant now) {
    return "d:" + day(now);
  }

  public static String monthKey(Instant now) {
    return "m:" + day(now).toString().substring(0, 7);
  }
}
