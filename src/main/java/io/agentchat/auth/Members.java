package io.agentchat.auth;

import io.agentchat.auth.AuthMessages.AddToGroup;
import io.agentchat.auth.AuthMessages.AdminTenant;
import io.agentchat.auth.AuthMessages.GroupChange;
import io.agentchat.auth.AuthMessages.InviteList;
import io.agentchat.auth.AuthMessages.ListInvites;
import io.agentchat.auth.AuthMessages.RevokeInvite;
import io.agentchat.auth.AuthMessages.ListMembers;
import io.agentchat.auth.AuthMessages.Member;
import io.agentchat.auth.AuthMessages.MemberChange;
import io.agentchat.auth.AuthMessages.MemberList;
import io.agentchat.auth.AuthMessages.MyTenants;
import io.agentchat.auth.AuthMessages.RemoveMember;
import io.agentchat.auth.AuthMessages.SetRole;
import io.agentchat.auth.AuthMessages.SignOutEverywhere;
import io.agentchat.common.ErrorCode;
import io.agentchat.common.Identity;
import io.agentchat.store.IdentityStore;
import io.agentchat.store.UserRecord;
import io.agentchat.tier.Tier;
import io.agentchat.tier.TierCatalog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tenant's members and its admin group, for its admins: the same rules with either identity provider. Only what
 * granting or leaving the group, a removal or signing out everywhere mean in the provider differs, which the provider
 * supplies. A removal, a role change and signing out everywhere move the user's revocation mark: their ID tokens issued
 * until then are refused on every node from the next request and frame on ({@link Revocations}).
 */
final class Members {
  private static final Logger LOG = LoggerFactory.getLogger(Members.class);
  private final Vertx vertx;
  private final io.agentchat.store.Store all;
  private final IdentityStore store;
  private final java.time.Clock clock;
  private final TierCatalog tiers;
  private final IdentityProvider provider;
  private final Revocations revocations;
  /** The lock of a tenant's admin changes: one after another, across the cluster. */
  private static final String ADMIN_LOCK = "auth.admins.";
  private static final long LOCK_WAIT_MS = 15_000;

  Members(Vertx vertx, io.agentchat.store.Store all, TierCatalog tiers, IdentityProvider provider, Revocations revocations, java.time.Clock clock) {
    this.vertx = vertx;
    this.all = all;
    this.store = all.identity();
    this.clock = clock;
    this.tiers = tiers;
    this.provider = provider;
    this.revocations = revocations;
  }

  static void requireAdmin(Identity id) {
    if (!id.admin()) {
      throw ErrorCode.FORBIDDEN.exception("Only an admin of the organisation can do this.");
    }
  }

  /** The tenant's members with this month's messages and cost and their last chat (a few reads a member: organisations are small). */
  Future<MemberList> list(ListMembers l) {
    requireAdmin(l.identity());
    String tenantId = l.identity().tenantId();
    Instant now = clock.instant();
    java.time.LocalDate today = io.agentchat.store.Periods.day(now);
    return store.displayNames(tenantId).compose(names -> store.users(tenantId).compose(us -> Future.all(us.stream().map(u -> Future.all(
            all.usage().quotaUsage(tenantId, u.userId(), io.agentchat.store.Periods.dayKey(now), io.agentchat.store.Periods.monthKey(now), now),
            all.usage().userTotals(tenantId, u.userId(), today.withDayOfMonth(1).toString(), today.toString()),
            all.sessions().sessions(tenantId, u.userId(), 1))
        .map(cf -> {
          io.agentchat.store.QuotaUsage q = cf.resultAt(0);
          io.agentchat.store.UsageTotals t = cf.resultAt(1);
          java.util.List<io.agentchat.store.SessionRecord> last = cf.resultAt(2);
          return new Member(u.userId(), u.email(), u.role(), u.confirmed(), u.createdAt(), q.monthlyUsed(), t.costNanos(),
              last.isEmpty() ? null : last.get(0).createdAt(), names.get(u.userId()));
        })).toList()).map(cf -> new MemberList(cf.<Member>list()))));
  }

  Future<InviteList> invites(ListInvites l) {
    requireAdmin(l.identity());
    return store.invites(l.identity().tenantId()).map(InviteList::new);
  }

  /** Revokes an unused invite of the caller's tenant: from now on it lets nobody join. */
  Future<Boolean> revokeInvite(RevokeInvite r) {
    requireAdmin(r.identity());
    return store.revokeInvite(r.identity().tenantId(), InviteCodes.normalize(r.code())).compose(ok -> ok ? Future.succeededFuture(true)
        : Future.failedFuture(ErrorCode.NOT_FOUND.exception("No unused invite with this code in your organisation.")));
  }

  /** The tenants the caller administers: their own (one user belongs to one tenant). */
  Future<AdminTenant> myTenants(MyTenants m) {
    Identity id = m.identity();
    requireAdmin(id);
    return store.tenant(id.tenantId()).map(t -> new AdminTenant(id.tenantId(), t.map(x -> x.tier()).orElse(id.tier()),
        tiers.find(id.tier()).map(Tier::adminReports).orElse(false)));
  }

  /** Adds a member of the caller's own tenant to its admin group; the change shows in the member's next token. */
  Future<GroupChange> addToGroup(AddToGroup a) {
    Identity id = a.identity();
    requireAdmin(id);
    String group = a.group() == null ? Identity.adminGroup(id.tenantId()) : a.group();
    if (!group.equals(Identity.adminGroup(id.tenantId()))) {
      return Future.failedFuture(ErrorCode.NOT_FOUND.exception("No such group in your organisation."));
    }
    Future<Optional<UserRecord>> target = a.userId() != null ? store.user(id.tenantId(), a.userId())
        : a.email() != null ? store.userByEmail(AccountRules.normalizeEmail(a.email())).map(o -> o.filter(x -> x.tenantId().equals(id.tenantId())))
        : Future.failedFuture(ErrorCode.INVALID_REQUEST.exception("user_id or email is required."));
    return target.compose(t -> t.isEmpty() ? Future.failedFuture(noSuchMember())
        : setRole(new SetRole(id, t.get().userId(), true)).map(c -> new GroupChange(c.userId(), group, c.changed() || "admin".equals(c.role()))));
  }

  private static io.agentchat.common.AppException noSuchMember() {
    return ErrorCode.NOT_FOUND.exception("No such member in your organisation.");
  }

  /**
   * Runs a change of the tenant's admins after the ones before it, on every node: under the tenant's lock, which in a
   * cluster is the cluster's (Hazelcast), so that the rule that a tenant keeps an admin holds across nodes too.
   */
  private <T> Future<T> inTurn(String tenantId, Supplier<Future<T>> change) {
    return vertx.sharedData().getLockWithTimeout(ADMIN_LOCK + tenantId, LOCK_WAIT_MS)
        .recover(t -> Future.failedFuture(ErrorCode.SERVICE_UNAVAILABLE.exception("Another change of this organisation's admins is under way; please try again.")))
        .compose(lock -> {
          Future<T> mine;
          try {
            mine = change.get();
          } catch (RuntimeException e) {
            mine = Future.failedFuture(e);
          }
          return mine.andThen(ar -> lock.release());
        });
  }

  /** The member, present and not removed; an admin check of the tenant's other admins when {@code leavingAdmins}. */
  private Future<UserRecord> member(String tenantId, String userId, boolean leavingAdmins) {
    return store.users(tenantId).compose(users -> {
      Optional<UserRecord> target = users.stream().filter(u -> u.userId().equals(userId) && !u.removed()).findFirst();
      if (target.isEmpty()) {
        return Future.failedFuture(noSuchMember());
      }
      long admins = users.stream().filter(UserRecord::admin).count();
      if (leavingAdmins && target.get().admin() && admins <= 1) {
        return Future.failedFuture(ErrorCode.LAST_ADMIN.exception("The organisation needs an admin: make another member an admin first."));
      }
      return Future.succeededFuture(target.get());
    });
  }

  /**
   * Removes a member at once: their refresh tokens revoked and ID tokens refused, their sockets closed and their turns
   * stopped on every node; their usage stays in the reports. The last admin cannot be removed.
   */
  Future<MemberChange> remove(RemoveMember r) {
    Identity id = r.identity();
    requireAdmin(id);
    return inTurn(id.tenantId(), () -> member(id.tenantId(), r.userId(), true).compose(u -> {
      Instant at = Instant.now(); // ID tokens carry the wall clock's time
      return store.removeMember(id.tenantId(), u.userId(), at).compose(removed -> {
        if (!removed) {
          return Future.failedFuture(noSuchMember());
        }
        revoked(id.tenantId(), u.userId(), at, true, true);
        LOG.info("member removed tenant={} user={} by={}", id.tenantId(), u.userId(), id.userId());
        return provider.memberRemoved(u).recover(t -> {
          // the store has revoked every token already: the removal holds; the provider's own record is retried by hand
          LOG.error("member {} of tenant {} removed here but not in the identity provider: {}", u.userId(), id.tenantId(), t.toString());
          return Future.succeededFuture();
        }).map(v -> new MemberChange(u.userId(), UserRecord.REMOVED, true));
      });
    }));
  }

  /**
   * Makes a member an admin or a plain member. It holds with the member's next token; the ones they hold are refused
   * from now on (so an old token never carries the old role). The last admin cannot be made a plain member.
   */
  Future<MemberChange> setRole(SetRole s) {
    Identity id = s.identity();
    requireAdmin(id);
    return inTurn(id.tenantId(), () -> member(id.tenantId(), s.userId(), !s.admin()).compose(u -> {
      if (u.serviceAccount()) {
        return Future.failedFuture(ErrorCode.INVALID_REQUEST.exception("A service account cannot be an admin."));
      }
      if (u.admin() == s.admin()) {
        return Future.succeededFuture(new MemberChange(u.userId(), u.role(), false));
      }
      String role = s.admin() ? "admin" : "user";
      Future<Void> group = s.admin() ? provider.joinAdminGroup(u) : provider.leaveAdminGroup(u);
      Instant at = Instant.now();
      return group.compose(v -> store.setRole(id.tenantId(), u.userId(), role))
          .compose(ok -> store.revokeTokens(id.tenantId(), u.userId(), at, false).map(ok))
          .map(ok -> {
            revoked(id.tenantId(), u.userId(), at, false, false);
            LOG.info("member role changed tenant={} user={} role={} by={}", id.tenantId(), u.userId(), role, id.userId());
            return new MemberChange(u.userId(), role, true);
          });
    }));
  }

  /** Signs the caller out on every device: every refresh token revoked, every ID token issued until now refused, sockets closed. */
  Future<MemberChange> signOutEverywhere(SignOutEverywhere s) {
    Identity id = s.identity();
    Instant at = Instant.now();
    return store.user(id.tenantId(), id.userId()).compose(u -> {
      if (u.isEmpty()) {
        return Future.failedFuture(noSuchMember());
      }
      return store.revokeTokens(id.tenantId(), id.userId(), at, true).compose(v -> {
        revoked(id.tenantId(), id.userId(), at, true, false);
        return provider.signedOutEverywhere(u.get());
      }).map(v -> new MemberChange(id.userId(), u.get().role(), true));
    });
  }

  /** The mark here at once, then on every node; their sockets close and their turns stop as asked. */
  private void revoked(String tenantId, String userId, Instant at, boolean closeSockets, boolean stopTurns) {
    revocations.announce(vertx, tenantId, userId, at, closeSockets, stopTurns);
  }
}
