package io.agentchat.store;

import io.vertx.core.Future;

/**
 * All persistent state, one part per capability, each the only way to its data: {@link #identity()} for tenants, users,
 * invites and refresh tokens; {@link #sessions()} for chat sessions and their messages; {@link #usage()} for turns, quotas,
 * usage events and rollups; {@link #budgets()}; {@link #reports()}; {@link #apiKeys()}; {@link #audit()}. Implementations: SQLite (embedded, the default) and
 * DynamoDB, each a record of its parts, one class per capability.
 */
public interface Store {
  IdentityStore identity();

  SessionStore sessions();

  UsageStore usage();

  BudgetStore budgets();

  ReportStore reports();

  ApiKeyStore apiKeys();

  AuditStore audit();

  /** Cheap round trip for readiness checks. */
  Future<Void> ping();

  /** Flushes pending writes and releases resources. */
  Future<Void> close();
}
