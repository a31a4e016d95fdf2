package io.agentchat.auth;

import io.agentchat.Services;
import io.agentchat.auth.AuthMessages.AddToGroup;
import io.agentchat.auth.AuthMessages.Confirm;
import io.agentchat.auth.AuthMessages.Invite;
import io.agentchat.auth.AuthMessages.InviteRequest;
import io.agentchat.auth.AuthMessages.ListMembers;
import io.agentchat.auth.AuthMessages.Login;
import io.agentchat.auth.AuthMessages.Mailbox;
import io.agentchat.auth.AuthMessages.MyTenants;
import io.agentchat.auth.AuthMessages.Refresh;
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
  Future<SignupResult> signup(Signup s);

  Future<Boolean> confirm(Confirm c);

  Future<Tokens> login(Login l);

  Future<Tokens> refresh(Refresh r);

  Future<Invite> invite(InviteRequest r);

  Future<String> mailbox(Mailbox m);

  /** What joining the tenant's admin group means beyond the role kept in the store (in Cognito: the pool's group). */
  Future<Void> joinAdminGroup(UserRecord member);

  /** Serves the {@code auth.*} addresses with a provider: its own and the tenant's members; completes once all are registered. */
  static Future<Void> serve(Vertx vertx, IdentityProvider p, Services services, Logger log) {
    Members members = new Members(services.store().identity(), services.tiers(), p);
    EventBus bus = vertx.eventBus();
    List<MessageConsumer<?>> consumers = List.of(
        bus.<ListMembers>localConsumer(AuthAddresses.MEMBERS, m -> Bus.reply(m, members::list, log)),
        bus.<MyTenants>localConsumer(AuthAddresses.MY_TENANTS, m -> Bus.reply(m, members::myTenants, log)),
        bus.<AddToGroup>localConsumer(AuthAddresses.ADD_TO_GROUP, m -> Bus.reply(m, members::addToGroup, log)),
        bus.<Signup>localConsumer(AuthAddresses.SIGNUP, m -> Bus.reply(m, p::signup, log)),
        bus.<Confirm>localConsumer(AuthAddresses.CONFIRM, m -> Bus.reply(m, p::confirm, log)),
        bus.<Login>localConsumer(AuthAddresses.LOGIN, m -> Bus.reply(m, p::login, log)),
        bus.<Refresh>localConsumer(AuthAddresses.REFRESH, m -> Bus.reply(m, p::refresh, log)),
        bus.<InviteRequest>localConsumer(AuthAddresses.INVITE, m -> Bus.reply(m, p::invite, log)),
        bus.<Mailbox>localConsumer(AuthAddresses.MAILBOX, m -> Bus.reply(m, p::mailbox, log)));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).mapEmpty();
  }
}
