package io.agentchat.store;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Tenants, their members and roles, invites and refresh tokens. Every operation on a tenant's data names the tenant. */
public interface IdentityStore {
  /**
   * A spent refresh token presented again this soon after its rotation is taken for a concurrent duplicate (two requests of
   * one client racing) and only refused; later, it is a reuse and revokes its chain.
   */
  java.time.Duration REFRESH_REUSE_GRACE = java.time.Duration.ofSeconds(10);

  /** Creates a tenant and its first user (an admin) atomically. Fails with user_exists or, when the tenant exists, with invalid_invite. */
  Future<UserRecord> createTenantWithAdmin(TenantRecord tenant, UserRecord admin);

  /** Consumes an unexpired, unused invite of the tenant and adds the user. Fails with invalid_invite or user_exists. */
  Future<UserRecord> joinTenant(String tenantId, String inviteCode, UserRecord user, Instant now);

  Future<Optional<TenantRecord>> tenant(String tenantId);

  /**
   * Every organisation of the deployment, oldest first: for platform operators (the one listing that crosses tenants, with
   * {@link #tokenMarks}; DynamoDB pages through a scan of its tenant items, a rare operator's request).
   */
  Future<List<TenantRecord>> tenants();

  /**
   * Erases an organisation at {@code at}, keeping its usage ledger for billing: its conversations (sessions, messages, the
   * agent's trace steps) and invites are deleted; its members' e-mail addresses are replaced by {@code <user id>@erased.invalid}
   * (the addresses are free again), their passwords removed, their roles {@code removed}, their refresh tokens revoked and
   * their marks moved to {@code at}; its API keys revoked; the organisation record stays, suspended, with {@code erasedAt}.
   * Turns, usage events, counters, rollups, budgets and the audit log are kept. False when there is no such organisation or
   * it was erased already. Safe to repeat after a failure part-way.
   */
  Future<Boolean> eraseOrganisation(String tenantId, Instant at);

  /** Changes the organisation's plan; false when there is no such organisation. */
  Future<Boolean> setPlan(String tenantId, String tier);

  /** Suspends or resumes the organisation; false when there is no such organisation. */
  Future<Boolean> setSuspended(String tenantId, boolean suspended);

  Future<Optional<UserRecord>> user(String tenantId, String userId);

  /** Login lookup: e-mail addresses are unique across the deployment (as user names in one user pool). */
  Future<Optional<UserRecord>> userByEmail(String email);

  Future<Boolean> confirmUser(String tenantId, String userId);

  /**
   * Removes a sign-up that was never confirmed, if it still is not and was made before {@code madeBefore}: the user, its
   * e-mail address, and the tenant when the user created it (nobody else can have joined: an unconfirmed admin cannot
   * invite). True when it was removed; its address and tenant id are then free again.
   */
  Future<Boolean> removeUnconfirmed(UserRecord user, Instant madeBefore);

  Future<Void> createInvite(String tenantId, String code, String createdBy, Instant expiresAt);

  /** The tenant's invites, used and unused, newest first (expired ones may be gone). */
  Future<List<InviteRecord>> invites(String tenantId);

  /** Revokes an unused invite (it can no longer be used); false when the tenant has no such invite or it was used. */
  Future<Boolean> revokeInvite(String tenantId, String code);

  Future<Void> saveRefreshToken(RefreshRecord token);

  /**
   * Revokes an unexpired refresh token and stores its replacement (of the same chain) atomically; empty when the old one is
   * unknown, expired or spent. A spent token presented again after {@link #REFRESH_REUSE_GRACE} is a stolen copy or its
   * owner's: either way the whole chain is revoked, so the next use of its newest token fails too.
   */
  Future<Optional<RefreshRecord>> rotateRefreshToken(String oldHash, RefreshRecord replacement, Instant now);

  /** The tenant's members, oldest first. */
  Future<List<UserRecord>> users(String tenantId);

  /**
   * Adds a service account to the tenant: a user of role {@link UserRecord#SERVICE}, confirmed, with no password (it
   * cannot sign in; it acts only through API keys). Fails with user_exists when the tenant has that user id or the e-mail
   * address is taken.
   */
  Future<UserRecord> addServiceAccount(UserRecord account);

  /**
   * Removes a member: their role becomes {@link UserRecord#REMOVED} (the record stays, so their usage stays in the reports),
   * their revocation mark moves to {@code at}, and every refresh token of theirs is revoked, at once. False when the
   * tenant has no such member (or they were removed already).
   */
  Future<Boolean> removeMember(String tenantId, String userId, Instant at);

  /**
   * Moves the user's revocation mark forward to {@code at} (never back): their ID tokens issued at or before it are refused.
   * With {@code refreshTokensToo}, every refresh token of theirs is revoked as well (signing out everywhere).
   */
  Future<Void> revokeTokens(String tenantId, String userId, Instant at, boolean refreshTokensToo);

  /** Every user's revocation mark set at or after {@code since}, across tenants: what a node loads to refuse revoked tokens. */
  Future<List<TokenMark>> tokenMarks(Instant since);

  /** Replaces a member's password hash; false when the tenant has no such member (or they were removed). */
  Future<Boolean> setPassword(String tenantId, String userId, String passwordHash);

  /** Keeps a password-reset code's hash for the user until {@code expiresAt}, replacing an earlier one. */
  Future<Void> saveResetCode(String tenantId, String userId, String codeHash, Instant expiresAt);

  /** Takes the user's reset code if it is {@code codeHash} and unexpired at {@code now}: true once, false after (single use). */
  Future<Boolean> takeResetCode(String tenantId, String userId, String codeHash, Instant now);

  /** Makes a user of the tenant an admin or a plain user; false when there is no such user. */
  Future<Boolean> setRole(String tenantId, String userId, String role);

  /** Sets ({@code null}: clears) a member's display name; false when the tenant has no such member (or a removed one). */
  Future<Boolean> setDisplayName(String tenantId, String userId, String displayName);

  /** A member's display name, empty when they set none (or there is no such member). */
  Future<Optional<String>> displayName(String tenantId, String userId);

  /** The display names the tenant's members set, by user id (members without one are absent). */
  Future<java.util.Map<String, String>> displayNames(String tenantId);
}
