package io.agentchat.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A {@link Store} made of one part per capability: every call goes to the part that owns its data. A backend extends
 * this with its parts and adds {@link #ping()} and {@link #close()}.
 */
public abstract class CompositeStore implements Store {
  /** One part per capability. */
  public record Parts(IdentityStore identity, SessionStore sessions, UsageStore usage, BudgetStore budgets, ReportStore reports) {
  }

  private final Parts parts;

  protected CompositeStore(Parts parts) {
    this.parts = parts;
  }

  // ---------------------------------------------------------------- identity

  @Override
  public Future<UserRecord> createTenantWithAdmin(TenantRecord tenant, UserRecord admin) {
    return parts.identity().createTenantWithAdmin(tenant, admin);
  }

  @Override
  public Future<UserRecord> joinTenant(String tenantId, String inviteCode, UserRecord user, Instant now) {
    return parts.identity().joinTenant(tenantId, inviteCode, user, now);
  }

  @Override
  public Future<Optional<TenantRecord>> tenant(String tenantId) {
    return parts.identity().tenant(tenantId);
  }

  @Override
  public Future<Optional<UserRecord>> user(String tenantId, String userId) {
    return parts.identity().user(tenantId, userId);
  }

  @Override
  public Future<Optional<UserRecord>> userByEmail(String email) {
    return parts.identity().userByEmail(email);
  }

  @Override
  public Future<Boolean> confirmUser(String tenantId, String userId) {
    return parts.identity().confirmUser(tenantId, userId);
  }

  @Override
  public Future<Void> createInvite(String tenantId, String code, String createdBy, Instant expiresAt) {
    return parts.identity().createInvite(tenantId, code, createdBy, expiresAt);
  }

  @Override
  public Future<Void> saveRefreshToken(RefreshRecord token) {
    return parts.identity().saveRefreshToken(token);
  }

  @Override
  public Future<Optional<RefreshRecord>> rotateRefreshToken(String oldHash, RefreshRecord replacement, Instant now) {
    return parts.identity().rotateRefreshToken(oldHash, replacement, now);
  }

  @Override
  public Future<List<UserRecord>> users(String tenantId) {
    return parts.identity().users(tenantId);
  }

  @Override
  public Future<Boolean> setRole(String tenantId, String userId, String role) {
    return parts.identity().setRole(tenantId, userId, role);
  }

  // ---------------------------------------------------------------- sessions

  @Override
  public Future<SessionRecord> createSession(SessionRecord session, int limit) {
    return parts.sessions().createSession(session, limit);
  }

  @Override
  public Future<SessionRecord> latestOrNewSession(SessionRecord candidate, int limit) {
    return parts.sessions().latestOrNewSession(candidate, limit);
  }

  @Override
  public Future<Optional<SessionRecord>> session(String tenantId, String sessionId) {
    return parts.sessions().session(tenantId, sessionId);
  }

  @Override
  public Future<List<SessionRecord>> sessions(String tenantId, String userId, int max) {
    return parts.sessions().sessions(tenantId, userId, max);
  }

  @Override
  public Future<List<MessageRecord>> messages(String tenantId, String sessionId, int max) {
    return parts.sessions().messages(tenantId, sessionId, max);
  }

  @Override
  public Future<SessionOwner> sessionOwner(String tenantId, String sessionId) {
    return parts.sessions().sessionOwner(tenantId, sessionId);
  }

  @Override
  public Future<Boolean> claimSession(String tenantId, String sessionId, String node, SessionOwner seen) {
    return parts.sessions().claimSession(tenantId, sessionId, node, seen);
  }

  @Override
  public Future<Boolean> releaseSession(String tenantId, String sessionId, SessionOwner mine) {
    return parts.sessions().releaseSession(tenantId, sessionId, mine);
  }

  // ---------------------------------------------------------------- usage

  @Override
  public Future<ReserveOutcome> reserveTurn(ReserveRequest request) {
    return parts.usage().reserveTurn(request);
  }

  @Override
  public Future<SettleOutcome> settleTurn(SettleRequest request) {
    return parts.usage().settleTurn(request);
  }

  @Override
  public Future<Optional<TurnRecord>> turn(String tenantId, String turnId) {
    return parts.usage().turn(tenantId, turnId);
  }

  @Override
  public Future<QuotaUsage> quotaUsage(String tenantId, String userId, String dayKey, String monthKey, Instant now) {
    return parts.usage().quotaUsage(tenantId, userId, dayKey, monthKey, now);
  }

  @Override
  public Future<UsageTotals> userTotals(String tenantId, String userId, String fromDay, String toDay) {
    return parts.usage().userTotals(tenantId, userId, fromDay, toDay);
  }

  @Override
  public Future<List<UsageEvent>> turnEvents(String tenantId, String turnId) {
    return parts.usage().turnEvents(tenantId, turnId);
  }

  @Override
  public Future<List<JsonObject>> traces(String tenantId, String turnId) {
    return parts.usage().traces(tenantId, turnId);
  }

  @Override
  public Future<List<TurnRecord>> runningTurns() {
    return parts.usage().runningTurns();
  }

  // ---------------------------------------------------------------- budgets and reports

  @Override
  public Future<Void> setBudget(String tenantId, String scope, long limitNanos) {
    return parts.budgets().setBudget(tenantId, scope, limitNanos);
  }

  @Override
  public Future<List<Budget>> budgets(String tenantId, String monthKey) {
    return parts.budgets().budgets(tenantId, monthKey);
  }

  @Override
  public Future<List<RollupRow>> rollups(String tenantId, String fromDay, String toDay) {
    return parts.reports().rollups(tenantId, fromDay, toDay);
  }

  @Override
  public Future<List<TurnCost>> topTurns(String tenantId, String userId, Instant from, Instant to, int limit) {
    return parts.reports().topTurns(tenantId, userId, from, to, limit);
  }

  @Override
  public Future<Long> rebuildRollups(String tenantId, String fromDay, String toDay) {
    return parts.reports().rebuildRollups(tenantId, fromDay, toDay);
  }
}
