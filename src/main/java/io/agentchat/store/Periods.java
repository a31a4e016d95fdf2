package io.agentchat.store;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/** The calendar of metering (UTC): the day and month a turn counts in, and the day whose rollup an event goes to. */
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
