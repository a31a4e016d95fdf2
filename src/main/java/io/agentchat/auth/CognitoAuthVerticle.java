package io.agentchat.auth;

import io.agentchat.Services;
import io.agentchat.auth.AuthMessages.ChangePassword;
import io.agentchat.auth.AuthMessages.Confirm;
import io.agentchat.auth.AuthMessages.ForgotPassword;
import io.agentchat.auth.AuthMessages.ResetPassword;
import io.agentchat.auth.AuthMessages.Invite;
import io.agentchat.auth.AuthMessages.InviteRequest;
import io.agentchat.auth.AuthMessages.Login;
import io.agentchat.auth.AuthMessages.Mailbox;
import io.agentchat.auth.AuthMessages.Refresh;
import io.agentchat.auth.AuthMessages.Signup;
import io.agentchat.auth.AuthMessages.SignupResult;
import io.agentchat.auth.AuthMessages.Tokens;
import io.agentchat.common.AppException;
import io.agentchat.common.CapabilityVerticle;
import io.agentchat.common.ErrorCode;
import io.agentchat.common.Identity;
import io.agentchat.common.Ids;
import io.agentchat.store.TenantRecord;
import io.agentchat.store.UserRecord;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The identity capability in Cognito mode: the same {@code config.*} addresses as the embedded provider, as a facade over an
 * Amazon Cognito user pool. Cognito keeps credentials and confirmation codes; the store keeps the tenant record, invites
 * and each user's tenant and role (a mirror keyed by Cognito's {@code sub}). The tenant rules are the embedded ones: a new
 * tenant id creates the tenant and its first user joins {@code <tenant>-admins}; joining needs an invite and never grants
 * admin; the tenant id and tier written into Cognito are set here, never taken unchecked from the client.
 */
public final class CognitoAuthVerticle extends CapabilityVerticle<AuthConfig> implements IdentityProvider {
  private static final Logger LOG = LoggerFactory.getLogger(CognitoAuthVerticle.class);

  private final CognitoConfig cognito;
  private CognitoApi api;

  public CognitoAuthVerticle(Services services, AuthConfig auth) {
    super(services, auth);
    this.cognito = auth.cognito();
  }

  @Override
  public Future<?> start() {
    this.api = new CognitoApi(vertx, cognito);
    return IdentityProvider.serve(vertx, this, services, config.operatorGroup(), LOG);
  }

  @Override
  public Future<?> stop() {
    api.close();
    return Future.succeededFuture();
  }

  @Override
  public Future<SignupResult> signup(Signup s) {
    AccountRules.validateSignup(s);
    String email = AccountRules.normalizeEmail(s.email());
    boolean joining = s.inviteCode() != null;
    // the refusals any sign-up gets come first; then a taken address (in the store's mirror or in the pool) is answered as a
    // new one would be, and nothing changes
    return new SignupChecks(services.store().identity(), services.tiers()).refusalFirst(s, services.clock().instant())
        .compose(tier -> services.store().identity().userByEmail(email).compose(existing -> existing.isPresent()
            ? Future.<SignupResult>failedFuture(io.agentchat.store.StoreErrors.userExists()) : poolSignup(s, email, tier, joining)))
        .recover(t -> SignupChecks.addressTaken(t) ? Future.succeededFuture(SignupChecks.alike(s)) : Future.failedFuture(t))
        .onSuccess(r -> LOG.info("signup tenant={} user={} created_tenant={} address_taken={}", s.tenantId(), r.userId(), r.tenantCreated(),
            r.addressTaken()));
  }

  private Future<SignupResult> poolSignup(Signup s, String email, String tier, boolean joining) {
    {
      JsonObject req = new JsonObject().put("ClientId", cognito.signupClient()).put("Username", email).put("Password", s.password())
          .put("UserAttributes", new JsonArray()
              .add(attr("email", email))
              .add(attr("custom:tenant_id", s.tenantId()))
              .add(attr("custom:subscription_tier", tier)));
      if (cognito.signupClientSecret() != null) {
        req.put("SecretHash", secretHash(email, cognito.signupClient(), cognito.signupClientSecret()));
      }
      return api.call("SignUp", req).compose(r -> {
        String sub = r.getString("UserSub");
        Instant now = Instant.now();
        // the admin group first: if it fails, nothing is in the store yet and the account is removed below
        Future<UserRecord> mirror = joining
            ? services.store().identity().joinTenant(s.tenantId(), s.inviteCode(), new UserRecord(s.tenantId(), sub, email, "", "user", false, null, now), now)
            : addToAdmins(s.tenantId(), email).compose(v -> services.store().identity().createTenantWithAdmin(new TenantRecord(s.tenantId(), tier, "UTC", now),
                new UserRecord(s.tenantId(), sub, email, "", "admin", false, null, now)));
        // without a mirror the account would carry a tenant it does not belong to: remove it from the pool again
        return mirror.recover(err -> api.signed("AdminDeleteUser", new JsonObject().put("UserPoolId", cognito.userPoolId()).put("Username", email))
            .transform(ignored -> Future.failedFuture(err)))
            .map(u -> new SignupResult(sub, !r.getBoolean("UserConfirmed", false), !joining));
      });
    }
  }

  /** Cognito's SECRET_HASH of a client with a secret: Base64(HMAC-SHA256(secret, username + clientId)). */
  static String secretHash(String username, String clientId, String secret) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return Base64.getEncoder().encodeToString(mac.doFinal((username + clientId).getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonObject attr(String name, String value) {
    return new JsonObject().put("Name", name).put("Value", value);
  }

  /** Creates the tenant's admin group if needed and adds the user to it. */
  private Future<Void> addToAdmins(String tenantId, String username) {
    String group = Identity.adminGroup(tenantId);
    return api.signed("CreateGroup", new JsonObject().put("UserPoolId", cognito.userPoolId()).put("GroupName", group)
            .put("Description", "Admins of organisation " + tenantId))
        .recover(t -> t instanceof AppException a && a.code() == ErrorCode.USER_EXISTS
            ? Future.succeededFuture(new JsonObject()) : Future.failedFuture(t))
        .compose(v -> api.signed("AdminAddUserToGroup", new JsonObject().put("UserPoolId", cognito.userPoolId())
            .put("Username", username).put("GroupName", group)))
        .mapEmpty();
  }

  @Override
  public Future<Boolean> confirm(Confirm c) {
    String email = AccountRules.normalizeEmail(c.email());
    if (email == null || c.code() == null || c.code().isBlank()) {
      return Future.failedFuture(ErrorCode.INVALID_CODE.exception("The confirmation code is wrong or has expired."));
    }
    // an account confirmed already is confirmed by no code: the refusal of any wrong code (a sign-up tried with its address)
    return services.store().identity().userByEmail(email).compose(known -> known.isPresent() && known.get().confirmed()
        ? Future.failedFuture(ErrorCode.INVALID_CODE.exception("The confirmation code is wrong or has expired."))
        : api.call("ConfirmSignUp", new JsonObject().put("ClientId", cognito.clientId()).put("Username", email)
            .put("ConfirmationCode", c.code().trim())))
        // an account confirmed already ("cannot be confirmed") answers as any wrong code does
        .recover(t -> Future.failedFuture(t instanceof AppException a && a.code() == ErrorCode.INVALID_CREDENTIALS
            ? ErrorCode.INVALID_CODE.exception("The confirmation code is wrong or has expired.") : t))
        .compose(r -> services.store().identity().userByEmail(email))
        .compose(u -> u.isPresent() ? services.store().identity().confirmUser(u.get().tenantId(), u.get().userId()).map(true) : Future.succeededFuture(true));
  }

  @Override
  public Future<Tokens> login(Login l) {
    String email = AccountRules.normalizeEmail(l.email());
    if (email == null || l.password() == null || l.password().isEmpty() || l.password().length() > AccountRules.MAX_PASSWORD) {
      return Future.failedFuture(ErrorCode.INVALID_CREDENTIALS.exception("The e-mail address or password is wrong."));
    }
    // cognito-local answers a wrong password with InvalidPasswordException, Cognito with NotAuthorizedException
    return initiate("USER_PASSWORD_AUTH", new JsonObject().put("USERNAME", email).put("PASSWORD", l.password()), null)
        .recover(t -> Future.failedFuture(t instanceof AppException a && a.code() == ErrorCode.WEAK_PASSWORD
            ? ErrorCode.INVALID_CREDENTIALS.exception("The e-mail address or password is wrong.") : t));
  }

  @Override
  public Future<Tokens> refresh(Refresh r) {
    if (r.refreshToken() == null || r.refreshToken().isEmpty() || r.refreshToken().length() > 8192) {
      return Future.failedFuture(ErrorCode.UNAUTHORIZED.exception("The refresh token is invalid or expired; log in again."));
    }
    return initiate("REFRESH_TOKEN_AUTH", new JsonObject().put("REFRESH_TOKEN", r.refreshToken()), r.refreshToken())
        .recover(t -> Future.failedFuture(t instanceof AppException a && a.code() == ErrorCode.INVALID_CREDENTIALS
            ? ErrorCode.UNAUTHORIZED.exception("The refresh token is invalid or expired; log in again.") : t));
  }

  /**
   * InitiateAuth; Cognito does not rotate refresh tokens, so on refresh the one presented is returned again. A token the pool
   * issued in the second of the user's revocation mark (a role change a moment ago) would be taken for one from before it:
   * the sign-in is made again once the pool's clock has passed that second (half a second more allows for the two clocks).
   */
  private Future<Tokens> initiate(String flow, JsonObject params, String presentedRefresh) {
    return initiateOnce(flow, params, presentedRefresh).compose(this::notRemoved).compose(t -> {
      JsonObject claims = TokenVerifier.claims(t.idToken());
      long mark = services.revocations().markSeconds(claims.getString("custom:tenant_id", ""), claims.getString("sub", ""));
      if (mark < 0 || claims.getLong("iat", 0L) > mark) {
        return Future.succeededFuture(t);
      }
      io.vertx.core.Promise<Void> later = io.vertx.core.Promise.promise();
      vertx.setTimer(Math.max(1, (mark + 1) * 1000 + 500 - Instant.now().toEpochMilli()), id -> later.complete());
      return later.future().compose(v -> initiateOnce(flow, params, presentedRefresh));
    });
  }

  /**
   * Tokens the pool issued for a member the organisation removed are not handed out: the pool's account is disabled at the
   * removal, but a pool (or an emulator) that still signs it in or refreshes it is not trusted on that.
   */
  private Future<Tokens> notRemoved(Tokens t) {
    JsonObject claims = TokenVerifier.claims(t.idToken());
    return services.store().identity().user(claims.getString("custom:tenant_id", ""), claims.getString("sub", "")).compose(u ->
        u.isPresent() && u.get().removed()
            ? Future.failedFuture(ErrorCode.FORBIDDEN.exception("This account was removed from its organisation; ask its admin for an invite."))
            : Future.succeededFuture(t));
  }

  private Future<Tokens> initiateOnce(String flow, JsonObject params, String presentedRefresh) {
    return api.call("InitiateAuth", new JsonObject().put("AuthFlow", flow).put("ClientId", cognito.clientId()).put("AuthParameters", params))
        .compose(resp -> {
          JsonObject a = resp.getJsonObject("AuthenticationResult");
          if (a == null || a.getString("IdToken") == null) {
            // a challenge (new password, MFA) the web client cannot answer
            return Future.failedFuture(ErrorCode.FORBIDDEN.exception("This account needs a sign-in step the app does not support ("
                + resp.getString("ChallengeName", "unknown") + ")."));
          }
          String refresh = a.getString("RefreshToken", presentedRefresh);
          Integer expires = a.getInteger("ExpiresIn");
          return Future.succeededFuture(new Tokens(a.getString("IdToken"), a.getString("AccessToken"), refresh,
              expires != null ? expires : secondsLeft(a.getString("IdToken"))));
        });
  }

  /** The seconds until the token's {@code exp} (cognito-local answers no ExpiresIn). */
  static int secondsLeft(String jwt) {
    long exp = TokenVerifier.expiresAtSeconds(jwt);
    return exp == 0 ? 3600 : (int) Math.max(0, exp - Instant.now().getEpochSecond());
  }

  @Override
  public Future<Invite> invite(InviteRequest r) {
    if (!r.identity().admin()) {
      return Future.failedFuture(ErrorCode.FORBIDDEN.exception("Only an admin of the organisation can create invites."));
    }
    String code = InviteCodes.generate();
    Instant expires = Instant.now().plus(Duration.ofHours(r.hours(config.local().inviteTtlHours())));
    return services.store().identity().createInvite(r.identity().tenantId(), code, r.identity().userId(), expires).map(v -> new Invite(code, expires));
  }

  /** The member joins the pool's group of the tenant's admins, which their next token carries. */
  @Override
  public Future<Void> joinAdminGroup(UserRecord member) {
    return api.signed("AdminAddUserToGroup", new JsonObject().put("UserPoolId", cognito.userPoolId()).put("Username", member.email())
        .put("GroupName", Identity.adminGroup(member.tenantId()))).mapEmpty();
  }

  @Override
  public Future<Void> leaveAdminGroup(UserRecord member) {
    return api.signed("AdminRemoveUserFromGroup", new JsonObject().put("UserPoolId", cognito.userPoolId()).put("Username", member.email())
        .put("GroupName", Identity.adminGroup(member.tenantId()))).mapEmpty();
  }

  /** The pool's account disabled (no sign-in, no refresh), out of the admin group, and signed out of the pool's sessions. */
  @Override
  public Future<Void> memberRemoved(UserRecord member) {
    JsonObject user = new JsonObject().put("UserPoolId", cognito.userPoolId()).put("Username", member.email());
    return api.signed("AdminDisableUser", user.copy())
        .compose(v -> member.admin() ? leaveAdminGroup(member) : Future.succeededFuture())
        .compose(v -> signedOutEverywhere(member));
  }

  @Override
  public Future<Void> signedOutEverywhere(UserRecord user) {
    return api.signed("AdminUserGlobalSignOut", new JsonObject().put("UserPoolId", cognito.userPoolId()).put("Username", user.email())).mapEmpty();
  }

  /**
   * The current password checked by signing in with it, the new one set by the pool (AdminSetUserPassword), every other
   * sign-in ended (the pool's global sign-out, the revocation mark), then tokens for this one, issued after the mark's second.
   */
  @Override
  public Future<Tokens> changePassword(ChangePassword c) {
    String email = AccountRules.normalizeEmail(c.identity().email());
    JsonObject user = new JsonObject().put("UserPoolId", cognito.userPoolId()).put("Username", email);
    return initiate("USER_PASSWORD_AUTH", new JsonObject().put("USERNAME", email).put("PASSWORD", c.oldPassword() == null ? "" : c.oldPassword()), null)
        .recover(t -> Future.failedFuture(t instanceof AppException a && (a.code() == ErrorCode.WEAK_PASSWORD || a.code() == ErrorCode.INVALID_CREDENTIALS)
            ? ErrorCode.INVALID_CREDENTIALS.exception("The current password is wrong.") : t))
        .compose(v -> api.signed("AdminSetUserPassword", user.copy().put("Password", c.newPassword()).put("Permanent", true)))
        .compose(v -> signedOutAt(c.identity().tenantId(), c.identity().userId(), email))
        .compose(v -> afterThisSecond())
        .compose(v -> initiate("USER_PASSWORD_AUTH", new JsonObject().put("USERNAME", email).put("PASSWORD", c.newPassword()), null));
  }

  @Override
  public Future<Boolean> forgotPassword(ForgotPassword f) {
    String email = AccountRules.normalizeEmail(f.email());
    if (email == null || email.isEmpty()) {
      return Future.failedFuture(ErrorCode.INVALID_REQUEST.exception("email is required."));
    }
    // the pool sends the code; an unknown address is answered alike
    return api.call("ForgotPassword", new JsonObject().put("ClientId", cognito.clientId()).put("Username", email)).map(true)
        .recover(t -> t instanceof AppException a && a.code() == ErrorCode.INVALID_CREDENTIALS ? Future.succeededFuture(true) : Future.failedFuture(t));
  }

  @Override
  public Future<Boolean> resetPassword(ResetPassword r) {
    String email = AccountRules.normalizeEmail(r.email());
    return api.call("ConfirmForgotPassword", new JsonObject().put("ClientId", cognito.clientId()).put("Username", email)
            .put("ConfirmationCode", r.code() == null ? "" : r.code()).put("Password", r.newPassword()))
        .recover(t -> Future.failedFuture(t instanceof AppException a && a.code() == ErrorCode.INVALID_CREDENTIALS
            ? ErrorCode.INVALID_CODE.exception("The code is wrong or has expired; ask for a new one.") : t))
        .compose(v -> services.store().identity().userByEmail(email))
        .compose(u -> u.isPresent() ? signedOutAt(u.get().tenantId(), u.get().userId(), email) : Future.succeededFuture())
        .map(true);
  }

  /** Every sign-in of the user ends: the pool's global sign-out, then the revocation mark on every node. */
  private Future<Void> signedOutAt(String tenantId, String userId, String email) {
    Instant at = Instant.now();
    return api.signed("AdminUserGlobalSignOut", new JsonObject().put("UserPoolId", cognito.userPoolId()).put("Username", email))
        .compose(v -> services.store().identity().revokeTokens(tenantId, userId, at, true))
        .onSuccess(v -> services.revocations().announce(vertx, tenantId, userId, at, true, false));
  }

  /** Completes in the next second: a token issued then is after the mark just made. */
  private Future<Void> afterThisSecond() {
    io.vertx.core.Promise<Void> p = io.vertx.core.Promise.promise();
    vertx.setTimer(1001 - Instant.now().toEpochMilli() % 1000, id -> p.complete());
    return p.future();
  }

  @Override
  public Future<AuthMessages.MailboxMessage> mailbox(Mailbox m) {
    return Future.failedFuture(ErrorCode.NOT_FOUND.exception("Not found."));
  }
}
