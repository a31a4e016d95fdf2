package io.agentchat.report;

import io.agentchat.common.Identity;
import io.agentchat.common.LocalCodec;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.util.List;

/** Messages of the cost-report capability. */
public final class ReportMessages {
  private ReportMessages() {
  }

  /** Report kinds: the contract's routes. */
  public enum Kind {
    COSTS, USER_COSTS, OVERALL_COST, PER_USER_COST, PER_KEY_COST, SERVICE_WISE_COST, USER_SERVICE_COST, COMPREHENSIVE_REPORT;

    public boolean admin() {
      return this != COSTS && this != USER_COSTS;
    }
  }

  /** {@code userId} names the user of USER_COSTS and USER_SERVICE_COST. */
  public record ReportRequest(Identity identity, Kind kind, String userId, LocalDate from, LocalDate to, String granularity) {
  }

  /** A report: its JSON, and the same numbers as one table for CSV. */
  public record Report(JsonObject json, List<String> columns, List<List<Object>> rows) {
    public Report {
      columns = List.copyOf(columns);
      rows = List.copyOf(rows);
    }
  }

  /** A platform operator asks for one organisation's data. */
  public record ExportRequest(Identity identity, String tenantId) {
  }

  /** The organisation's data as a zip file's bytes. */
  public record Export(String tenantId, byte[] zip) {
  }

  public static void registerCodecs(Vertx vertx) {
    for (Class<?> c : new Class<?>[] {ReportRequest.class, Report.class, ExportRequest.class, Export.class}) {
      LocalCodec.register(vertx, c);
    }
  }
}
