package io.agentchat.gateway;

import io.agentchat.auth.AuthAddresses;
import io.agentchat.auth.AuthConfig;
import io.agentchat.auth.AuthMessages.ChangePassword;
import io.agentchat.auth.AuthMessages.Confirm;
import io.agentchat.auth.AuthMessages.ForgotPassword;
import io.agentchat.auth.AuthMessages.ResetPassword;
import io.agentchat.auth.AuthMessages.Login;
import io.agentchat.auth.AuthMessages.Mailbox;
import io.agentchat.auth.AuthMessages.Refresh;
import io.agentchat.auth.AuthMessages.SignOutEverywhere;
import io.agentchat.auth.AuthMessages.Signup;
import io.agentchat.auth.AuthMessages.SignupResult;
import io.agentchat.auth.AuthMessages.Tokens;
import io.agentchat.audit.AuditKind;
import io.agentchat.auth.SigningKeys;
import io.agentchat.common.ErrorCode;
import io.agentchat.tier.TierCatalog;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Sign-up, confirmation, login and refresh, the development mailbox, the embedded provider's keys and the client's settings. */
final class AuthRoutes {
  private final HttpEdge edge;
  private final AuthConfig auth;
  private final TierCatalog tiers;
  private final SigningKeys keys;
  private final int maxMessageChars;
  private final RateLimiter attempts;
  private final AuditTrail audit;

  AuthRoutes(HttpEdge edge, AuthConfig auth, TierCatalog tiers, SigningKeys keys, int maxMessageChars, RateLimiter attempts, AuditTrail audit) {
    this.audit = audit;
    this.edge = edge;
    this.auth = auth;
    this.tiers = tiers;
    this.keys = keys;
    this.maxMessageChars = maxMessageChars;
    this.attempts = attempts;
  }

  /** Sign-up, login, confirmation and refresh attempts per client address (credential stuffing, code guessing). */
  void limitAttempts(RoutingContext ctx) {
    String ip = ctx.request().remoteAddress() == null ? "?" : ctx.request().remoteAddress().host();
    if (!attempts.allow(ip)) {
      ctx.response().putHeader("Retry-After", String.valueOf(attempts.retryAfterSeconds(ip)));
      HttpEdge.error(ctx, ErrorCode.RATE_LIMITED.exception("Too many attempts from your address; wait a minute and try again."));
      return;
    }
    ctx.next();
  }

  void clientConfig(RoutingContext ctx) {
    JsonObject byName = new JsonObject();
    tiers.all().values().stream().sorted((a, b) -> Integer.compare(a.dailyMessages(), b.dailyMessages()))
        .forEach(t -> byName.put(t.name(), t.toJson()));
    HttpEdge.json(ctx, 200, new JsonObject().put("auth_provider", auth.provider()).put("dev_mailbox", auth.devMailbox())
        .put("max_message_chars", maxMessageChars).put("tiers", byName));
  }

  /** The embedded provider's public keys (in Cognito mode the pool publishes its own). */
  void jwks(RoutingContext ctx) {
    HttpEdge.json(ctx, 200, keys.jwks());
  }

  void signup(RoutingContext ctx) {
    JsonBody b = JsonBody.of(ctx);
    Signup s = new Signup(b.required("email"), b.required("password"), b.required("tenant_id"), b.optional("subscription_tier"),
        b.bool("admin"), b.optional("invite_code"));
    edge.call(ctx, AuthAddresses.SIGNUP, s, 201, HttpShapes::signup, (SignupResult r) -> {
      if (!r.tenantCreated() && !r.addressTaken()) {
        audit.record(ctx, s.tenantId(), r.userId(), s.email().strip().toLowerCase(java.util.Locale.ROOT), AuditKind.JOINED, r.userId(), null);
      }
    });
  }

  void confirm(RoutingContext ctx) {
    JsonBody b = JsonBody.of(ctx);
    edge.call(ctx, AuthAddresses.CONFIRM, new Confirm(b.required("email"), b.required("code")), 200,
        ok -> new JsonObject().put("confirmed", true));
  }

  void login(RoutingContext ctx) {
    JsonBody b = JsonBody.of(ctx);
    edge.call(ctx, AuthAddresses.LOGIN, new Login(b.required("email"), b.required("password"), AuditTrail.clientAddress(ctx)), 200,
        HttpShapes::tokens, (Tokens t) -> {
          JsonObject claims = io.agentchat.auth.TokenVerifier.claims(t.idToken());
          audit.record(ctx, claims.getString("custom:tenant_id"), claims.getString("sub"), claims.getString("email"), AuditKind.SIGN_IN, null, null);
        });
  }

  void refresh(RoutingContext ctx) {
    edge.call(ctx, AuthAddresses.REFRESH, new Refresh(JsonBody.of(ctx).required("refresh_token")), 200, HttpShapes::tokens);
  }

  void mailbox(RoutingContext ctx) {
    if (!auth.devMailbox()) {
      HttpEdge.error(ctx, ErrorCode.NOT_FOUND.exception("Not found."));
      return;
    }
    edge.call(ctx, AuthAddresses.MAILBOX, new Mailbox(ctx.pathParam("email")), 200, (io.agentchat.auth.AuthMessages.MailboxMessage m) -> m.code() != null
        ? new JsonObject().put("code", m.code()) : new JsonObject().put("message", m.text()));
  }

  /** Every refresh token of the caller revoked, every ID token issued until now refused, their sockets closed. */
  void logoutEverywhere(RoutingContext ctx) {
    edge.call(ctx, AuthAddresses.SIGN_OUT_EVERYWHERE, new SignOutEverywhere(HttpEdge.identity(ctx)), 200,
        c -> new JsonObject().put("signed_out", true), c -> audit.record(ctx, HttpEdge.identity(ctx), AuditKind.SIGNED_OUT_EVERYWHERE, null, null));
  }

  /** The caller's own profile: {@code {user_id, email, display_name, tenant_id, role}}. */
  void profile(RoutingContext ctx) {
    edge.call(ctx, AuthAddresses.PROFILE, new io.agentchat.auth.AuthMessages.GetProfile(HttpEdge.identity(ctx)), 200, HttpShapes::profile);
  }

  /** {@code {"display_name": "..." | null}}: the caller's display name set or cleared; answered with the profile. */
  void setProfile(RoutingContext ctx) {
    JsonBody b = JsonBody.of(ctx).only("display_name");
    Object name = b.value("display_name");
    if (!b.has("display_name") || !(name == null || name instanceof String)) {
      throw ErrorCode.INVALID_REQUEST.exception("display_name is required: a name of 1 to 60 characters, or null to clear it.");
    }
    edge.call(ctx, AuthAddresses.SET_PROFILE, new io.agentchat.auth.AuthMessages.SetProfile(HttpEdge.identity(ctx), (String) name), 200,
        HttpShapes::profile, (io.agentchat.auth.AuthMessages.Profile p) -> audit.record(ctx, HttpEdge.identity(ctx), AuditKind.PROFILE_CHANGED,
            null, new JsonObject().put("display_name", p.displayName())));
  }

  /** {@code {old_password, new_password}}: answered with new tokens; every other sign-in of the caller ends. */
  void changePassword(RoutingContext ctx) {
    JsonBody b = JsonBody.of(ctx).only("old_password", "new_password");
    ChangePassword c = new ChangePassword(HttpEdge.identity(ctx), b.required("old_password"), b.required("new_password"));
    edge.call(ctx, AuthAddresses.CHANGE_PASSWORD, c, 200, HttpShapes::tokens,
        (Tokens t) -> audit.record(ctx, HttpEdge.identity(ctx), AuditKind.PASSWORD_CHANGED, null, null));
  }

  /** {@code {email}}: 202 whether or not the address has an account. */
  void forgotPassword(RoutingContext ctx) {
    JsonBody b = JsonBody.of(ctx).only("email");
    edge.call(ctx, AuthAddresses.FORGOT_PASSWORD, new ForgotPassword(b.required("email")), 202, ok -> new JsonObject().put("sent", true));
  }

  /** {@code {email, code, new_password}}. */
  void resetPassword(RoutingContext ctx) {
    JsonBody b = JsonBody.of(ctx).only("email", "code", "new_password");
    ResetPassword r = new ResetPassword(b.required("email"), b.required("code"), b.required("new_password"), AuditTrail.clientAddress(ctx));
    edge.call(ctx, AuthAddresses.RESET_PASSWORD, r, 200, ok -> new JsonObject().put("reset", true));
  }
}
