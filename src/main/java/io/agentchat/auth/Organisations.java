package io.agentchat.auth;

import io.agentchat.auth.AuthMessages.SetPlan;
import io.agentchat.auth.AuthMessages.SetSuspended;
import io.agentchat.auth.AuthMessages.TenantStatus;
import io.agentchat.common.ErrorCode;
import io.agentchat.common.Identity;
import io.agentchat.store.IdentityStore;
import io.agentchat.tier.Plans;
import io.agentchat.tier.TierCatalog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What platform operators (members of {@code auth.operatorGroup}) do to organisations: change a plan, which admission
 * applies from the organisation's next turn on (every node hears it at once), and suspend or resume one (its turns are
 * refused while it is suspended, and its members' sockets close).
 */
record Organisations(Vertx vertx, io.agentchat.store.Store all, TierCatalog tiers, Plans plans, String operatorGroup, java.time.Clock clock) {
  private static final Logger LOG = LoggerFactory.getLogger(Organisations.class);

  private void requireOperator(Identity id) {
    if (!id.operator(operatorGroup)) {
      throw ErrorCode.FORBIDDEN.exception("Only the platform's operators can do this.");
    }
  }

  private IdentityStore store() {
    return all.identity();
  }

  /** Every organisation with its plan, status, members and this month's spending (a few reads each: an operator's page). */
  Future<io.agentchat.auth.AuthMessages.OrganisationList> list(io.agentchat.auth.AuthMessages.ListOrganisations l) {
    requireOperator(l.identity());
    String month = io.agentchat.store.Periods.monthKey(clock.instant());
    return store().tenants().compose(ts -> Future.all(ts.stream().map(t -> Future.all(store().users(t.tenantId()),
            all.budgets().spent(t.tenantId(), io.agentchat.store.Budget.TENANT, month))
        .map(cf -> new io.agentchat.auth.AuthMessages.Organisation(t, (int) cf.<java.util.List<io.agentchat.store.UserRecord>>resultAt(0).stream()
            .filter(u -> !u.removed()).count(), cf.<Long>resultAt(1)))).toList())
        .map(cf -> new io.agentchat.auth.AuthMessages.OrganisationList(month.substring(2), cf.list())));
  }

  Future<TenantStatus> setPlan(SetPlan s) {
    requireOperator(s.identity());
    if (s.tier() == null || tiers.find(s.tier()).isEmpty()) {
      throw ErrorCode.INVALID_REQUEST.exception("subscription_tier must be one of " + String.join(", ", tiers.all().keySet()) + ".");
    }
    return store().setPlan(s.tenantId(), s.tier()).compose(ok -> ok ? store().tenant(s.tenantId()) : Future.failedFuture(noSuchOrganisation()))
        .map(t -> {
          TenantStatus status = new TenantStatus(s.tenantId(), s.tier(), t.map(x -> x.suspended()).orElse(false));
          changed(status, false);
          LOG.info("plan changed tenant={} tier={} by={}", s.tenantId(), s.tier(), s.identity().userId());
          return status;
        });
  }

  Future<TenantStatus> setSuspended(SetSuspended s) {
    requireOperator(s.identity());
    return store().setSuspended(s.tenantId(), s.suspended()).compose(ok -> ok ? store().tenant(s.tenantId()) : Future.failedFuture(noSuchOrganisation()))
        .map(t -> {
          TenantStatus status = new TenantStatus(s.tenantId(), t.orElseThrow().tier(), s.suspended());
          changed(status, s.suspended());
          LOG.info("organisation {} tenant={} by={}", s.suspended() ? "suspended" : "resumed", s.tenantId(), s.identity().userId());
          return status;
        });
  }

  /**
   * Erases an organisation: its conversations, invites and members' identities gone, every sign-in and key of it refused,
   * its sockets closed on every node; its usage ledger (turns, usage, rollups, budgets) and audit log kept.
   */
  Future<TenantStatus> erase(io.agentchat.auth.AuthMessages.EraseOrganisation e) {
    requireOperator(e.identity());
    java.time.Instant at = java.time.Instant.now(); // the members' marks are on the wall clock, as their tokens
    return store().users(e.tenantId()).compose(users -> store().eraseOrganisation(e.tenantId(), at).map(ok -> {
      if (!ok) {
        throw noSuchOrganisation();
      }
      users.forEach(u -> vertx.eventBus().publish(AuthAddresses.REVOKED, Revocations.event(e.tenantId(), u.userId(), at, true, true)));
      plans.heard(Plans.event(e.tenantId(), null, true).put("erased", true));
      vertx.eventBus().publish(Plans.CHANGED, Plans.event(e.tenantId(), null, true).put("erased", true).put("close_sockets", true));
      LOG.info("organisation erased tenant={} members={} by={}", e.tenantId(), users.size(), e.identity().userId());
      return new TenantStatus(e.tenantId(), null, true);
    }));
  }

  private static io.agentchat.common.AppException noSuchOrganisation() {
    return ErrorCode.NOT_FOUND.exception("No such organisation.");
  }

  /** Here at once, then on every node; a suspension closes the organisation's sockets everywhere. */
  private void changed(TenantStatus s, boolean closeSockets) {
    io.vertx.core.json.JsonObject e = Plans.event(s.tenantId(), s.tier(), s.suspended());
    plans.heard(e);
    vertx.eventBus().publish(Plans.CHANGED, e.put("close_sockets", closeSockets));
  }
}
