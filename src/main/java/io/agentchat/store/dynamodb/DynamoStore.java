package io.agentchat.store.dynamodb;

import io.agentchat.store.ApiKeyStore;
import io.agentchat.store.AuditStore;
import io.agentchat.store.BudgetStore;
import io.agentchat.store.IdentityStore;
import io.agentchat.store.ReportStore;
import io.agentchat.store.SessionStore;
import io.agentchat.store.Store;
import io.agentchat.store.UsageStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All state in DynamoDB, shared by any number of server nodes, one class per capability. No transactions: every
 * operation is a short sequence of single-item writes, each conditional where exactness depends on it, ordered so that a
 * refused or failed later step is undone and never leaves anything counted ({@link Claims}, {@link Undo}). The data
 * model, every access pattern and its key are in docs/dynamodb.md and {@link Keys}.
 */
public record DynamoStore(IdentityStore identity, SessionStore sessions, UsageStore usage, BudgetStore budgets, ReportStore reports,
                          ApiKeyStore apiKeys, AuditStore audit, DynamoPart base) implements Store {
  private static final Logger LOG = LoggerFactory.getLogger(DynamoStore.class);

  private DynamoStore(DynamoIdentity identity, DynamoSessions sessions, DynamoBudgets budgets) {
    this(identity, sessions, new DynamoUsage(budgets, sessions.messages), budgets, new DynamoReports(identity), new DynamoApiKeys(identity),
        new DynamoAudit(identity), identity);
  }

  private static DynamoStore create(Dynamo d, DynamoConfig config, Clock clock) {
    Claims claims = new Claims(clock);
    DynamoIdentity identity = new DynamoIdentity(d, claims, config);
    return new DynamoStore(identity, new DynamoSessions(d, claims, config), new DynamoBudgets(identity));
  }

  /**
   * Connects, then verifies the tables (or creates them when {@code createTables} is set). {@code clock} is the time
   * that claims and retention (items past their expiry) are judged by: the application's clock.
   */
  public static Future<Store> open(Vertx vertx, DynamoConfig config, Clock clock) {
    return open(vertx, config, 100, clock).map(s -> s);
  }

  /** As {@link #open(Vertx, DynamoConfig, Clock)}, with the number of items a query asks for per page. */
  public static Future<DynamoStore> open(Vertx vertx, DynamoConfig config, int pageSize, Clock clock) {
    return vertx.executeBlocking(() -> Dynamo.create(vertx, config, pageSize)).compose(d -> Tables.ensure(d, config)
        .map(v -> {
          LOG.info("store opened: DynamoDB {} tables {}", config.endpoint() == null ? config.region() : config.endpoint(), config.tables().all());
          return create(d, config, clock);
        })
        .recover(t -> vertx.executeBlocking(() -> {
          d.close();
          return null;
        }).transform(ignored -> Future.failedFuture(t))));
  }

  @Override
  public Future<Void> ping() {
    return base.d.ping(base.usage);
  }

  @Override
  public Future<Void> close() {
    return base.d.vertx.executeBlocking(() -> {
      base.d.close();
      LOG.info("store closed");
      return null;
    });
  }
}
