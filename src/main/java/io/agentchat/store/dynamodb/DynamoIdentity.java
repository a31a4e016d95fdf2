package io.agentchat.store.dynamodb;

import static io.agentchat.store.dynamodb.Item.bool;
import static io.agentchat.store.dynamodb.Item.num;
import static io.agentchat.store.dynamodb.Item.str;
import static io.agentchat.store.dynamodb.Item.time;
import static io.agentchat.store.dynamodb.Item.vals;

import io.agentchat.store.IdentityStore;
import io.agentchat.store.InviteRecord;
import io.agentchat.store.RefreshRecord;
import io.agentchat.store.StoreErrors;
import io.agentchat.store.TenantRecord;
import io.agentchat.store.TokenMark;
import io.agentchat.store.UserRecord;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Users (identity table), e-mail claims and refresh tokens (directory table, read before the tenant is known). A sign-up
 * claims its address first and undoes the claim when a later step is refused. A user's refresh tokens carry the user's
 * {@code refresh_gen} of their issue: a revocation adds one, so a rotation refuses them all (or any of a removed user).
 * Marks: {@link DynamoMarks}; organisations, invites: {@link DynamoTenants}; erasure: {@link DynamoErasure}; names: {@link DynamoProfiles}.
 */
final class DynamoIdentity extends DynamoProfiles implements IdentityStore {
  private static final Logger LOG = LoggerFactory.getLogger(DynamoIdentity.class);
  private final DynamoMarks marks;
  private final DynamoTenants tenants;
  private final DynamoPasswords passwords;

  DynamoIdentity(Dynamo d, Claims claims, DynamoConfig config) {
    super(d, claims, config);
    this.marks = new DynamoMarks(this);
    this.tenants = new DynamoTenants(this, marks);
    this.passwords = new DynamoPasswords(this);
  }

  private static Item userItem(UserRecord u, String w) {
    return Keys.user(u.tenantId(), u.userId()).s("tenant_id", u.tenantId()).s("user_id", u.userId()).s("email", u.email())
        .s("password_hash", u.passwordHash()).s("role", u.role()).b("confirmed", u.confirmed()).s("confirm_code", u.confirmCode())
        .n("created_at", u.createdAt()).s("w", w);
  }

  private static UserRecord toUser(Map<String, AttributeValue> i) {
    return new UserRecord(str(i, "tenant_id"), str(i, "user_id"), str(i, "email"), str(i, "password_hash"), str(i, "role"),
        bool(i, "confirmed"), str(i, "confirm_code"), time(i, "created_at"));
  }

  /**
   * Claims an e-mail address for a new user: a conditional put of the address item. A claim found in the way whose
   * account exists means the address is taken; one whose sign-up stopped half-way (no user or no tenant behind it) is
   * taken over once stale.
   */
  private Future<Void> claimEmail(UserRecord u, String w, int attempt) {
    Item claim = Keys.email(u.email()).s("tenant_id", u.tenantId()).s("user_id", u.userId()).n("created_at", claims.now()).s("w", w);
    return d.putNew(directory, claim).compose(created -> {
      if (created) {
        return Future.succeededFuture();
      }
      return d.get(directory, Keys.email(u.email())).compose(found -> {
        if (found.isEmpty()) {
          return attempt < Claims.ATTEMPTS ? claimEmail(u, w, attempt + 1) : Future.failedFuture(StoreErrors.userExists());
        }
        Map<String, AttributeValue> old = found.get();
        return Future.all(d.get(identity, Keys.user(str(old, "tenant_id"), str(old, "user_id"))), d.get(identity, Keys.tenantItem(str(old, "tenant_id"))))
            .compose(cf -> {
              boolean live = cf.<Optional<?>>resultAt(0).isPresent() && cf.<Optional<?>>resultAt(1).isPresent();
              if (live || !claims.stale(time(old, "created_at")) || attempt >= Claims.ATTEMPTS) {
                return Future.failedFuture(StoreErrors.userExists());
              }
              LOG.warn("taking over the abandoned sign-up claim of an e-mail address (tenant {})", str(old, "tenant_id"));
              return d.putIf(directory, claim, "#w = :old", vals(":old", old.get("w")))
                  .compose(mine -> mine ? Future.succeededFuture() : claimEmail(u, w, attempt + 1));
            });
      });
    });
  }

  /** Undoes a sign-up that could not finish: the user item and the e-mail claim, each only if still this sign-up's. */
  private Future<Void> undoSignup(UserRecord u, String w) {
    return d.undo("sign-up user", Undo.delete(identity, Keys.user(u.tenantId(), u.userId()), w))
        .compose(v -> d.undo("e-mail claim", Undo.delete(directory, Keys.email(u.email()), w)));
  }

  @Override
  public Future<UserRecord> createTenantWithAdmin(TenantRecord tenant, UserRecord admin) {
    String w = Claims.token();
    Item tenantItem = Keys.tenantItem(tenant.tenantId()).s("tenant_id", tenant.tenantId()).s("tier", tenant.tier())
        .s("time_zone", tenant.timeZone()).n("created_at", tenant.createdAt()).s("admin_user_id", admin.userId()).s("w", w);
    return d.get(identity, Keys.tenantItem(tenant.tenantId())).compose(existing -> {
      if (existing.isPresent()) {
        return Future.failedFuture(StoreErrors.tenantExists(tenant.tenantId()));
      }
      return claimEmail(admin, w, 1).compose(v -> d.insert(identity, userItem(admin, w))
          .compose(u -> d.putNew(identity, tenantItem))
          .compose(created -> created ? Future.succeededFuture(admin) : Future.<UserRecord>failedFuture(StoreErrors.tenantExists(tenant.tenantId())))
          .recover(err -> undoSignup(admin, w).transform(x -> Future.failedFuture(err))));
    });
  }

  @Override
  public Future<UserRecord> joinTenant(String tenantId, String inviteCode, UserRecord user, Instant now) {
    String w = Claims.token();
    Item invite = Keys.invite(tenantId, inviteCode);
    return claimEmail(user, w, 1).compose(v -> d.update(identity, invite, "SET #used_by = :u, #used_at = :now",
            "attribute_exists(#pk) AND attribute_not_exists(#used_by) AND #expires_at > :now", vals(":u", user.userId(), ":now", now.toEpochMilli()), true)
        .map(i -> true)
        .recover(t -> Dynamo.conditionFailed(t)
            ? d.get(identity, invite).map(i -> i.isPresent() && user.userId().equals(str(i.get(), "used_by")))
            : Future.failedFuture(t))
        .compose(ok -> ok ? d.insert(identity, userItem(user, w)).map(user) : Future.<UserRecord>failedFuture(StoreErrors.invalidInvite(tenantId)))
        .recover(err -> d.undo("invite use", Undo.update(identity, invite, "REMOVE #used_by, #used_at", "#used_by = :u", vals(":u", user.userId())))
            .compose(x -> undoSignup(user, w))
            .transform(x -> Future.failedFuture(err))));
  }

  @Override
  public Future<Optional<TenantRecord>> tenant(String tenantId) {
    return tenants.tenant(tenantId);
  }

  @Override
  public Future<List<TenantRecord>> tenants() {
    return tenants.all();
  }

  @Override
  public Future<Boolean> setPlan(String tenantId, String tier) {
    return tenants.setPlan(tenantId, tier);
  }

  @Override
  public Future<Boolean> setSuspended(String tenantId, boolean suspended) {
    return tenants.setSuspended(tenantId, suspended);
  }

  /** See {@link DynamoErasure}: the steps first, the conditional mark of the tenant item last. */
  @Override
  public Future<Boolean> eraseOrganisation(String tenantId, Instant at) {
    return tenants.erase(tenantId, at);
  }

  @Override
  public Future<Optional<UserRecord>> user(String tenantId, String userId) {
    return d.get(identity, Keys.user(tenantId, userId)).map(o -> o.map(DynamoIdentity::toUser));
  }

  @Override
  public Future<Optional<UserRecord>> userByEmail(String email) {
    return d.get(directory, Keys.email(email)).compose(claim -> claim.isEmpty()
        ? Future.succeededFuture(Optional.<UserRecord>empty())
        : user(str(claim.get(), "tenant_id"), str(claim.get(), "user_id")).map(u -> u.filter(x -> x.email().equals(email))));
  }

  /** An update of an existing item: false when there is none. */
  private Future<Boolean> updateExisting(Item key, String update, Map<String, AttributeValue> values) {
    return d.update(identity, key, update, "attribute_exists(#pk)", values, true).map(i -> true).recover(Dynamo::falseIfConditionFailed);
  }

  @Override
  public Future<Boolean> confirmUser(String tenantId, String userId) {
    return updateExisting(Keys.user(tenantId, userId), "SET #confirmed = :yes REMOVE #confirm_code", vals(":yes", true));
  }

  @Override
  public Future<Boolean> removeUnconfirmed(UserRecord user, Instant madeBefore) {
    return d.deleteIf(identity, Keys.user(user.tenantId(), user.userId()), "#confirmed = :no AND #created_at < :before",
        vals(":no", false, ":before", madeBefore.toEpochMilli())).compose(removed -> !removed ? Future.succeededFuture(false)
        : d.deleteIf(directory, Keys.email(user.email()), "#user_id = :u", vals(":u", user.userId()))
            .compose(x -> d.deleteIf(identity, Keys.tenantItem(user.tenantId()), "#admin_user_id = :u", vals(":u", user.userId())))
            .map(true));
  }

  /**
   * Claims the account's e-mail address, then puts its user item on the condition that the tenant has no user of that id
   * (else the claim is undone: user_exists). A member of the tenant like any other, so reports read its partition too.
   */
  @Override
  public Future<UserRecord> addServiceAccount(UserRecord account) {
    UserRecord u = new UserRecord(account.tenantId(), account.userId(), account.email(), account.passwordHash(), UserRecord.SERVICE, true, null,
        account.createdAt());
    String w = Claims.token();
    return claimEmail(u, w, 1).compose(v -> d.putNew(identity, userItem(u, w))
        .compose(created -> created ? Future.succeededFuture(u) : Future.<UserRecord>failedFuture(StoreErrors.userExists()))
        .recover(err -> undoSignup(u, w).transform(x -> Future.failedFuture(err))));
  }

  /** A removed member's role stays removed. */
  @Override
  public Future<Boolean> setRole(String tenantId, String userId, String role) {
    return d.update(identity, Keys.user(tenantId, userId), "SET #role = :r", "attribute_exists(#pk) AND #role <> :removed",
        vals(":r", role, ":removed", UserRecord.REMOVED), true).map(i -> true).recover(Dynamo::falseIfConditionFailed);
  }

  @Override
  public Future<Boolean> setPassword(String tenantId, String userId, String passwordHash) {
    return passwords.setPassword(tenantId, userId, passwordHash);
  }

  @Override
  public Future<Void> saveResetCode(String tenantId, String userId, String codeHash, Instant expiresAt) {
    return passwords.saveResetCode(tenantId, userId, codeHash, expiresAt);
  }

  @Override
  public Future<Boolean> takeResetCode(String tenantId, String userId, String codeHash, Instant now) {
    return passwords.takeResetCode(tenantId, userId, codeHash, now);
  }

  @Override
  public Future<Boolean> removeMember(String tenantId, String userId, Instant at) {
    String w = Claims.token();
    Item key = Keys.user(tenantId, userId);
    return d.update(identity, key, "SET #role = :removed, #removed_at = :at, #removed_w = :w ADD #refresh_gen :one",
            "attribute_exists(#pk) AND #role <> :removed", vals(":removed", UserRecord.REMOVED, ":at", at.toEpochMilli(), ":w", w, ":one", 1), true)
        .map(Optional::of)
        .recover(t -> Dynamo.conditionFailed(t) ? d.get(identity, key) : Future.failedFuture(t))
        .compose(user -> {
          if (user.isEmpty() || !UserRecord.REMOVED.equals(str(user.get(), "role"))) {
            return Future.succeededFuture(false);
          }
          Instant removedAt = time(user.get(), "removed_at");
          return (removedAt == null ? Future.<Void>succeededFuture() : marks.move(tenantId, userId, removedAt))
              .map(w.equals(str(user.get(), "removed_w")));
        });
  }

  /** The refresh tokens first (a conditional update of the generation, once per call by its token), then the mark. */
  @Override
  public Future<Void> revokeTokens(String tenantId, String userId, Instant at, boolean refreshTokensToo) {
    Future<Void> refresh = Future.succeededFuture();
    if (refreshTokensToo) {
      String w = Claims.token();
      refresh = d.update(identity, Keys.user(tenantId, userId), "SET #generation_w = :w ADD #refresh_gen :one",
              "attribute_exists(#pk) AND (attribute_not_exists(#generation_w) OR #generation_w <> :w)", vals(":w", w, ":one", 1), true)
          .<Void>mapEmpty()
          .recover(t -> Dynamo.conditionFailed(t) ? Future.succeededFuture() : Future.failedFuture(t));
    }
    return refresh.compose(v -> marks.move(tenantId, userId, at));
  }

  @Override
  public Future<List<TokenMark>> tokenMarks(Instant since) {
    return marks.since(since);
  }

  @Override
  public Future<List<UserRecord>> users(String tenantId) {
    return d.prefix(identity, Keys.tenant(tenantId), "USER#")
        .map(items -> items.stream().map(DynamoIdentity::toUser).sorted(Comparator.comparing(UserRecord::createdAt)).toList());
  }

  @Override
  public Future<Void> createInvite(String tenantId, String code, String createdBy, Instant expiresAt) {
    return d.insert(identity, Keys.invite(tenantId, code).s("tenant_id", tenantId).s("code", code).s("created_by", createdBy)
        .n("expires_at", expiresAt).n("ttl", expiresAt.plus(retention).getEpochSecond()).s("w", Claims.token()));
  }

  @Override
  public Future<List<InviteRecord>> invites(String tenantId) {
    return tenants.invites(tenantId);
  }

  @Override
  public Future<Boolean> revokeInvite(String tenantId, String code) {
    return tenants.revokeInvite(tenantId, code);
  }

  private static Item refreshItem(RefreshRecord t, long generation) {
    return Keys.refresh(t.tokenHash()).s("tenant_id", t.tenantId()).s("user_id", t.userId()).n("expires_at", t.expiresAt())
        .b("revoked", false).s("family", t.family()).n("gen", generation).n("ttl", t.expiresAt().getEpochSecond());
  }

  /** The user's refresh token generation (0 until their tokens are first revoked, and for a user not stored). */
  private Future<Optional<Map<String, AttributeValue>>> owner(String tenantId, String userId) {
    return d.get(identity, Keys.user(tenantId, userId));
  }

  private static long generation(Optional<Map<String, AttributeValue>> owner) {
    return owner.map(u -> num(u, "refresh_gen")).orElse(0L);
  }

  /** Of the user's current generation: a revocation that comes between the read and the put revokes the new token too. */
  @Override
  public Future<Void> saveRefreshToken(RefreshRecord token) {
    return owner(token.tenantId(), token.userId()).compose(owner -> d.put(directory, refreshItem(token, generation(owner))));
  }

  /** A token of an older generation than its user's, or of a removed user, is spent but not replaced. */
  @Override
  public Future<Optional<RefreshRecord>> rotateRefreshToken(String oldHash, RefreshRecord replacement, Instant now) {
    Item key = Keys.refresh(oldHash);
    return d.update(directory, key, "SET #revoked = :yes, #replaced_by = :next, #spent_at = :now",
            "attribute_exists(#pk) AND #revoked = :no AND #expires_at > :now",
            vals(":yes", true, ":no", false, ":next", replacement.tokenHash(), ":now", now.toEpochMilli()), true)
        .map(Optional::of)
        .recover(t -> Dynamo.conditionFailed(t) ? spent(key, replacement, now) : Future.failedFuture(t))
        .compose(old -> old.isEmpty() ? Future.succeededFuture(Optional.<RefreshRecord>empty())
            : Future.all(familyRevoked(old.get()), owner(str(old.get(), "tenant_id"), str(old.get(), "user_id"))).compose(cf -> {
              Optional<Map<String, AttributeValue>> owner = cf.resultAt(1);
              boolean ownerRevoked = num(old.get(), "gen") != generation(owner) || owner.isPresent()
                  && UserRecord.REMOVED.equals(str(owner.get(), "role"));
              if (cf.<Boolean>resultAt(0) || ownerRevoked) {
                return Future.succeededFuture(Optional.<RefreshRecord>empty());
              }
              RefreshRecord next = replacement.next(record(old.get()));
              return d.put(directory, refreshItem(next, generation(owner))).map(v -> Optional.of(next));
            }));
  }

  /**
   * The rotation found the old token revoked: by this rotation (an attempt whose answer was lost; then it goes on) or by an
   * earlier one, in which case the token was presented again and its whole chain is revoked.
   */
  private Future<Optional<Map<String, AttributeValue>>> spent(Item key, RefreshRecord replacement, Instant now) {
    return d.get(directory, key).compose(o -> {
      if (o.isEmpty() || replacement.tokenHash().equals(str(o.get(), "replaced_by"))) {
        return Future.succeededFuture(o);
      }
      if (!bool(o.get(), "revoked") || !o.get().containsKey("spent_at")
          || !time(o.get(), "spent_at").isBefore(now.minus(REFRESH_REUSE_GRACE))) {
        return Future.succeededFuture(Optional.empty()); // expired, or spent a moment ago by a concurrent duplicate
      }
      return d.put(directory, Keys.refreshFamily(record(o.get()).family()).b("revoked", true)
          // outlives every later token of the chain (a refresh token lives a year at the most)
          .n("ttl", time(o.get(), "expires_at").plus(Duration.ofDays(400)).getEpochSecond()))
          .map(v -> Optional.empty());
    });
  }

  /** Whether the token's chain was revoked because one of its spent tokens was presented again. */
  private Future<Boolean> familyRevoked(Map<String, AttributeValue> token) {
    return d.get(directory, Keys.refreshFamily(record(token).family())).map(f -> f.isPresent() && bool(f.get(), "revoked"));
  }

  private static RefreshRecord record(Map<String, AttributeValue> i) {
    String family = i.containsKey("family") ? str(i, "family") : str(i, "pk").substring("REFRESH#".length());
    return new RefreshRecord(str(i, "pk").substring("REFRESH#".length()), str(i, "tenant_id"), str(i, "user_id"),
        time(i, "expires_at"), family);
  }
}
