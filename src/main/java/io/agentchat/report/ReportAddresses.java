package io.agentchat.report;

/** Event-bus addresses of the cost-report and tenant-administration capability. */
public final class ReportAddresses {
  public static final String BUILD = "report.build";
  public static final String MY_TENANTS = "report.my-tenants";
  public static final String ADD_TO_GROUP = "report.add-to-group";
  public static final String MEMBERS = "report.members";
  public static final String SET_BUDGET = "report.set-budget";
  public static final String BUDGETS = "report.budgets";

  private ReportAddresses() {
  }
}
