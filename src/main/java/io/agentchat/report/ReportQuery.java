package io.agentchat.report;

import io.agentchat.common.ErrorCode;
import io.agentchat.common.Identity;
import io.agentchat.report.ReportMessages.Kind;
import io.agentchat.report.ReportMessages.ReportRequest;
import io.vertx.core.MultiMap;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * What a cost report's query string asks for: {@code ?from=YYYY-MM-DD&to=YYYY-MM-DD} (default: this month so far, by the
 * application clock in UTC), {@code ?granularity=day|week|month} and {@code ?format=json|csv}.
 */
public record ReportQuery(LocalDate from, LocalDate to, String granularity, boolean csv) {
  /** The longest range a report may span. */
  static final int MAX_DAYS = 366;

  public static ReportQuery parse(MultiMap params, Clock clock) {
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    LocalDate from;
    LocalDate to;
    try {
      from = params.contains("from") ? LocalDate.parse(params.get("from")) : today.withDayOfMonth(1);
      to = params.contains("to") ? LocalDate.parse(params.get("to")) : today;
    } catch (DateTimeParseException e) {
      throw ErrorCode.INVALID_REQUEST.exception("from and to are dates like 2026-11-01.");
    }
    if (to.isBefore(from) || from.plusDays(MAX_DAYS).isBefore(to)) {
      throw ErrorCode.INVALID_REQUEST.exception("The range must run forwards and span at most " + MAX_DAYS + " days.");
    }
    String granularity = params.get("granularity") == null ? "day" : params.get("granularity");
    if (!List.of("day", "week", "month").contains(granularity)) {
      throw ErrorCode.INVALID_REQUEST.exception("granularity is day, week or month.");
    }
    String format = params.get("format") == null ? "json" : params.get("format");
    if (!format.equals("json") && !format.equals("csv")) {
      throw ErrorCode.INVALID_REQUEST.exception("format is json or csv.");
    }
    return new ReportQuery(from, to, granularity, format.equals("csv"));
  }

  /** The request for the report verticle; {@code userId} names the user of the one-user reports. */
  public ReportRequest request(Identity identity, Kind kind, String userId) {
    return new ReportRequest(identity, kind, userId, from, to, granularity);
  }

  /** The name a downloaded CSV gets, e.g. {@code acme-overall-cost-2026-11-01-2026-11-30.csv}. */
  public String fileName(String tenantId, Kind kind) {
    return tenantId + "-" + kind.name().toLowerCase().replace('_', '-') + "-" + from + "-" + to + ".csv";
  }
}
