package io.agentchat.store;

/** A {@link Store} made of one part per capability. A backend extends this with its parts and adds {@link #ping()} and {@link #close()}. */
public abstract class CompositeStore implements Store {
  /** One part per capability. */
  public record Parts(IdentityStore identity, SessionStore sessions, UsageStore usage, BudgetStore budgets, ReportStore reports) {
  }

  private final Parts parts;

  protected CompositeStore(Parts parts) {
    this.parts = parts;
  }

  @Override
  public IdentityStore identity() {
    return parts.identity();
  }

  @Override
  public SessionStore sessions() {
    return parts.sessions();
  }

  @Override
  public UsageStore usage() {
    return parts.usage();
  }

  @Override
  public BudgetStore budgets() {
    return parts.budgets();
  }

  @Override
  public ReportStore reports() {
    return parts.reports();
  }
}
