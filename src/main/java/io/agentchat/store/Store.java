package io.agentchat.store;

import io.vertx.core.Future;

/**
 * All persistent state, one interface per capability. Implementations: SQLite (embedded, the default) and DynamoDB, each a
 * {@link CompositeStore} of one class per capability.
 */
public interface Store extends IdentityStore, SessionStore, UsageStore, BudgetStore, ReportStore {

  /** Cheap round trip for readiness checks. */
  Future<Void> ping();

  /** Flushes pending writes and releases resources. */
  Future<Void> close();
}
