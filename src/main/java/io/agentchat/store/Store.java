package io.agentchat.store;

import io.vertx.core.Future;

/** All persistent state. Implementations: SQLite (embedded default); others plug in behind the same interface. */
public interface Store extends IdentityStore, SessionStore, UsageStore, ReportStore {

  /** Cheap round trip for readiness checks. */
  Future<Void> ping();

  /** Flushes pending writes and releases resources. */
  Future<Void> close();
}
