package io.agentchat.audit;

import io.agentchat.Services;
import io.agentchat.audit.AuditMessages.AuditPage;
import io.agentchat.audit.AuditMessages.AuditQuery;
import io.agentchat.common.Bus;
import io.agentchat.common.ErrorCode;
import io.agentchat.common.Identity;
import io.agentchat.store.AuditEntry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tenants' audit logs: entries appended (retried: an append is idempotent on its entry id, so a retry never doubles one)
 * and read by the tenant's admins. The log is never rewritten: the store offers no way to.
 */
public final class AuditVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(AuditVerticle.class);
  /** Entries in one read; a longer range is read in parts by narrowing it. */
  public static final int PAGE = 1000;
  private static final int ATTEMPTS = 5;
  private final Services services;
  private final String operatorGroup;

  public AuditVerticle(Services services, io.agentchat.auth.AuthConfig auth) {
    this.services = services;
    this.operatorGroup = auth.operatorGroup();
  }

  @Override
  public Future<?> start() {
    EventBus bus = vertx.eventBus();
    List<MessageConsumer<?>> consumers = List.of(
        bus.<AuditEntry>localConsumer(AuditAddresses.APPEND, m -> Bus.reply(m, e -> append(e, 1), LOG)),
        bus.<AuditQuery>localConsumer(AuditAddresses.QUERY, m -> Bus.reply(m, this::query, LOG)));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  private Future<Boolean> append(AuditEntry e, int attempt) {
    return services.store().audit().append(e).map(true).recover(t -> {
      if (attempt >= ATTEMPTS) {
        LOG.error("audit entry {} of tenant {} ({}) not recorded after {} attempts", e.entryId(), e.tenantId(), e.kind(), attempt, t);
        return Future.failedFuture(t);
      }
      Promise<Boolean> p = Promise.promise();
      vertx.setTimer(100L << attempt, id -> append(e, attempt + 1).onComplete(p));
      return p.future();
    });
  }

  private Future<AuditPage> query(AuditQuery q) {
    Identity id = q.identity();
    boolean operator = id.operator(operatorGroup);
    if (!operator && (!id.admin() || !id.tenantId().equals(q.tenantId()))) {
      throw ErrorCode.FORBIDDEN.exception("Only an admin of the organisation, or a platform operator, can read its audit log.");
    }
    return services.store().audit().entries(q.tenantId(), q.from(), q.to(), q.kind(), PAGE + 1)
        .map(es -> new AuditPage(es.size() > PAGE ? es.subList(0, PAGE) : es, es.size() > PAGE));
  }
}
