package io.agentchat.auth;

import io.agentchat.Services;
import io.agentchat.auth.AuthMessages.AddToGroup;
import io.agentchat.auth.AuthMessages.ChangePassword;
import io.agentchat.auth.AuthMessages.ForgotPassword;
import io.agentchat.auth.AuthMessages.ResetPassword;
import io.agentchat.auth.AuthMessages.Confirm;
import io.agentchat.auth.AuthMessages.Invite;
import io.agentchat.auth.AuthMessages.InviteRequest;
import io.agentchat.auth.AuthMessages.ListMembers;
import io.agentchat.auth.AuthMessages.Login;
import io.agentchat.auth.AuthMessages.Mailbox;
import io.agentchat.auth.AuthMessages.MyTenants;
import io.agentchat.auth.AuthMessages.Refresh;
import io.agentchat.auth.AuthMessages.RemoveMember;
import io.agentchat.auth.AuthMessages.SetRole;
import io.agentchat.auth.AuthMessages.SignOutEverywhere;
import io.agentchat.auth.AuthMessages.Signup;
import io.agentchat.auth.AuthMessages.SignupResult;
import io.agentchat.auth.AuthMessages.Tokens;
import io.agentchat.common.Bus;
import io.agentchat.store.UserRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.List;
import org.slf4j.Logger;

/** What an identity provider (embedded or Cognito) answers on the {@code auth.*} addresses. */
interface IdentityProvider {
  /** How often a node reads the revocation marks from the store, besides hearing each one as it is made. */
  long MARKS_REFRESH_MS = 5_000;

  Future<SignupResult> signup(Signup s);

  Future<Boolean> confirm(Confirm c);

  Future<Tokens> login(Login l);

  Future<Tokens> refresh(Refresh r);

  Future<Invite> invite(InviteRequest r);

  Future<io.agentchat.auth.AuthMessages.MailboxMessage> mailbox(Mailbox m);

  /** What joining the tenant's admin group means beyond the role kept in the store (in Cognito: the pool's group). */
  Future<Void> joinAdminGroup(UserRecord member);

  /**
   * Changes the caller's password (the current one checked); every other sign-in of theirs ends (their refresh tokens
   * revoked, their ID tokens refused, their sockets closed) and this one goes on with the tokens answered.
   */
  Future<Tokens> changePassword(ChangePassword c);

  /** Sends a reset code to the address when it has an account; answers alike either way (no one learns which addresses have one). */
  Future<Boolean> forgotPassword(ForgotPassword f);

  /** Sets a new password with a reset code; every sign-in of the account ends. */
  Future<Boolean> resetPassword(ResetPassword r);

  /** What leaving the tenant's admin group means beyond the store (in Cognito: the pool's group); nothing by default. */
  default Future<Void> leaveAdminGroup(UserRecord member) {
    return Future.succeededFuture();
  }

  /**
   * What a member's removal means beyond the store, which has revoked their refresh tokens and marked their ID tokens (in
   * Cognito: the pool's account disabled, out of the admin group, signed out); nothing by default.
   */
  default Future<Void> memberRemoved(UserRecord member) {
    return Future.succeededFuture();
  }

  /** What signing out everywhere means beyond the store (in Cognito: the pool signs the user out); nothing by default. */
  default Future<Void> signedOutEverywhere(UserRecord user) {
    return Future.succeededFuture();
  }

  /** A wrong password for an account of a tenant goes into that tenant's audit log (an unknown address goes nowhere). */
  private static void failedSignIn(Vertx vertx, Services services, Login l, Throwable t) {
    io.agentchat.common.AppException e = io.agentchat.common.ErrorCode.toAppException(t);
    if (e.code() != io.agentchat.common.ErrorCode.INVALID_CREDENTIALS && e.code() != io.agentchat.common.ErrorCode.RATE_LIMITED) {
      return;
    }
    audited(vertx, services, l.email(), io.agentchat.audit.AuditKind.SIGN_IN_FAILED, l.clientAddress(),
        new io.vertx.core.json.JsonObject().put("reason", e.code().code()));
  }

  /** An entry in the audit log of the tenant of the account with this address (none when there is no such account). */
  private static void audited(Vertx vertx, Services services, String email, io.agentchat.audit.AuditKind kind, String clientAddress,
                              io.vertx.core.json.JsonObject detail) {
    java.time.Instant at = services.clock().instant(); // when it happened, not when its account was looked up
    services.store().identity().userByEmail(AccountRules.normalizeEmail(email)).onSuccess(u -> u.ifPresent(user -> vertx.eventBus()
        .request(io.agentchat.audit.AuditAddresses.APPEND, new io.agentchat.store.AuditEntry(user.tenantId(), io.agentchat.common.Ids.uuid(),
            at, kind.wire(), null, user.email(), user.userId(), clientAddress, detail.encode()))));
  }

  /** Serves the {@code auth.*} addresses with a provider: its own and the tenant's members; completes once all are registered. */
  static Future<Void> serve(Vertx vertx, IdentityProvider p, Services services, String operatorGroup, Logger log) {
    Members members = new Members(vertx, services.store(), services.tiers(), p, services.revocations(), services.clock());
    Organisations organisations = new Organisations(vertx, services.store(), services.tiers(), services.plans(), operatorGroup, services.clock());
    Profiles profiles = new Profiles(services.store().identity());
    EventBus bus = vertx.eventBus();
    List<MessageConsumer<?>> consumers = List.of(
        bus.<io.agentchat.auth.AuthMessages.GetProfile>localConsumer(AuthAddresses.PROFILE, m -> Bus.reply(m, profiles::get, log)),
        bus.<io.agentchat.auth.AuthMessages.SetProfile>localConsumer(AuthAddresses.SET_PROFILE, m -> Bus.reply(m, profiles::set, log)),
        bus.<ListMembers>localConsumer(AuthAddresses.MEMBERS, m -> Bus.reply(m, members::list, log)),
        bus.<MyTenants>localConsumer(AuthAddresses.MY_TENANTS, m -> Bus.reply(m, members::myTenants, log)),
        bus.<AddToGroup>localConsumer(AuthAddresses.ADD_TO_GROUP, m -> Bus.reply(m, members::addToGroup, log)),
        bus.<RemoveMember>localConsumer(AuthAddresses.REMOVE_MEMBER, m -> Bus.reply(m, members::remove, log)),
        bus.<io.agentchat.auth.AuthMessages.ListInvites>localConsumer(AuthAddresses.INVITES, m -> Bus.reply(m, members::invites, log)),
        bus.<io.agentchat.auth.AuthMessages.RevokeInvite>localConsumer(AuthAddresses.REVOKE_INVITE, m -> Bus.reply(m, members::revokeInvite, log)),
        bus.<SetRole>localConsumer(AuthAddresses.SET_ROLE, m -> Bus.reply(m, members::setRole, log)),
        bus.<SignOutEverywhere>localConsumer(AuthAddresses.SIGN_OUT_EVERYWHERE, m -> Bus.reply(m, members::signOutEverywhere, log)),
        bus.<io.agentchat.auth.AuthMessages.EraseOrganisation>localConsumer(AuthAddresses.ERASE_ORGANISATION,
            m -> Bus.reply(m, organisations::erase, log)),
        bus.<io.agentchat.auth.AuthMessages.ListOrganisations>localConsumer(AuthAddresses.ORGANISATIONS, m -> Bus.reply(m, organisations::list, log)),
        bus.<io.agentchat.auth.AuthMessages.SetPlan>localConsumer(AuthAddresses.SET_PLAN, m -> Bus.reply(m, organisations::setPlan, log)),
        bus.<io.agentchat.auth.AuthMessages.SetSuspended>localConsumer(AuthAddresses.SET_SUSPENDED, m -> Bus.reply(m, organisations::setSuspended, log)),
        // plans changed on other nodes: admission here applies them at once too
        bus.<io.vertx.core.json.JsonObject>consumer(io.agentchat.tier.Plans.CHANGED, m -> services.plans().heard(m.body())),
        // revocations made on other nodes: this node refuses the tokens at once too
        bus.<io.vertx.core.json.JsonObject>consumer(AuthAddresses.REVOKED, m -> services.revocations().heard(m.body())),
        bus.<Signup>localConsumer(AuthAddresses.SIGNUP, m -> Bus.reply(m, s -> p.signup(InviteCodes.normalized(s)), log)),
        bus.<Confirm>localConsumer(AuthAddresses.CONFIRM, m -> Bus.reply(m, p::confirm, log)),
        bus.<Login>localConsumer(AuthAddresses.LOGIN, m -> Bus.reply(m, l -> p.login(l).onFailure(t -> failedSignIn(vertx, services, l, t)), log)),
        bus.<Refresh>localConsumer(AuthAddresses.REFRESH, m -> Bus.reply(m, p::refresh, log)),
        bus.<InviteRequest>localConsumer(AuthAddresses.INVITE, m -> Bus.reply(m, p::invite, log)),
        bus.<Mailbox>localConsumer(AuthAddresses.MAILBOX, m -> Bus.reply(m, p::mailbox, log)),
        bus.<ChangePassword>localConsumer(AuthAddresses.CHANGE_PASSWORD, m -> Bus.reply(m, c -> {
          AccountRules.requireGoodPassword(c.newPassword(), c.identity().email());
          return p.changePassword(c);
        }, log)),
        bus.<ForgotPassword>localConsumer(AuthAddresses.FORGOT_PASSWORD, m -> Bus.reply(m, p::forgotPassword, log)),
        bus.<ResetPassword>localConsumer(AuthAddresses.RESET_PASSWORD, m -> Bus.reply(m, r -> {
          AccountRules.requireGoodPassword(r.newPassword(), r.email());
          return p.resetPassword(r).onSuccess(ok -> audited(vertx, services, r.email(), io.agentchat.audit.AuditKind.PASSWORD_RESET, r.clientAddress(),
              new io.vertx.core.json.JsonObject()));
        }, log)));
    // marks made on nodes whose events this node missed (it was starting, or the network split) arrive with the store's
    vertx.setPeriodic(MARKS_REFRESH_MS, id -> services.revocations().refresh(services.store().identity(), java.time.Instant.now())
        .onFailure(t -> log.warn("revocation marks not refreshed: {}", t.toString())));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).mapEmpty();
  }
}
