package io.agentchat.report;

/** Event-bus addresses of the cost-report capability. */
public final class ReportAddresses {
  /** Builds one report from the tenant's rollups. */
  public static final String BUILD = "report.build";

  private ReportAddresses() {
  }
}
