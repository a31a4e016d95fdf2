package io.agentchat.report;

/** Event-bus addresses of the cost-report capability. */
public final class ReportAddresses {
  /** Builds one report from the tenant's rollups. */
  public static final String BUILD = "report.build";
  /** One organisation's data as a zip, for operators: {@code ExportRequest} -> {@code Export}. */
  public static final String EXPORT = "report.export";

  private ReportAddresses() {
  }
}
