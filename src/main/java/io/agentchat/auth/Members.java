package io.agentchat.auth;

import io.agentchat.auth.AuthMessages.AddToGroup;
import io.agentchat.auth.AuthMessages.AdminTenant;
import io.agentchat.auth.AuthMessages.GroupChange;
import io.agentchat.auth.AuthMessages.ListMembers;
import io.agentchat.auth.AuthMessages.Member;
import io.agentchat.auth.AuthMessages.MemberList;
import io.agentchat.auth.AuthMessages.MyTenants;
import io.agentchat.common.ErrorCode;
import io.agentchat.common.Identity;
import io.agentchat.store.IdentityStore;
import io.agentchat.store.UserRecord;
import io.agentchat.tier.Tier;
import io.agentchat.tier.TierCatalog;
import io.vertx.core.Future;
import java.util.Optional;

/**
 * A tenant's members and its admin group, for its admins: the same rules with either identity provider. Only what
 * granting the group means differs, which the provider supplies ({@link IdentityProvider#joinAdminGroup}).
 */
record Members(IdentityStore store, TierCatalog tiers, IdentityProvider provider) {

  static void requireAdmin(Identity id) {
    if (!id.admin()) {
      throw ErrorCode.FORBIDDEN.exception("Only an admin of the organisation can do this.");
    }
  }

  Future<MemberList> list(ListMembers l) {
    requireAdmin(l.identity());
    return store.users(l.identity().tenantId()).map(us -> new MemberList(us.stream()
        .map(u -> new Member(u.userId(), u.email(), u.role(), u.confirmed(), u.createdAt())).toList()));
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
    return target.compose(t -> {
      if (t.isEmpty()) {
        return Future.failedFuture(ErrorCode.NOT_FOUND.exception("No such member in your organisation."));
      }
      UserRecord u = t.get();
      return provider.joinAdminGroup(u)
          .compose(v -> store.setRole(id.tenantId(), u.userId(), "admin"))
          .map(ok -> new GroupChange(u.userId(), group, ok));
    });
  }
}
