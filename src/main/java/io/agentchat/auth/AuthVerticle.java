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
import io.agentchat.auth.AuthMessages.MailboxMessage;
import io.agentchat.auth.AuthMessages.Refresh;
import io.agentchat.auth.AuthMessages.Signup;
import io.agentchat.auth.AuthMessages.SignupResult;
import io.agentchat.auth.AuthMessages.Tokens;
import io.agentchat.common.AppException;
import io.agentchat.common.CapabilityVerticle;
import io.agentchat.common.ErrorCode;
import io.agentchat.common.Identity;
import io.agentchat.common.Ids;
import io.agentchat.store.RefreshRecord;
import io.agentchat.store.StoreErrors;
import io.agentchat.store.TenantRecord;
import io.agentchat.store.UserRecord;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded identity provider: sign-up with e-mail confirmation (codes go to the development mailbox), login, refresh
 * with rotation, invites. Tenant rules: a new tenant id creates the tenant and its first user is its admin; joining an
 * existing tenant needs an invite and never grants admin. Password hashing runs on worker threads.
 */
public final class AuthVerticle extends CapabilityVerticle<AuthConfig> implements IdentityProvider {
  private static final Logger LOG = LoggerFactory.getLogger(AuthVerticle.class);

  private final LocalIdpConfig idp;
  private final PasswordHasher hasher;
  private TokenIssuer issuer;
  private final PendingSignups pending;
  private final AccountLockout signIns;
  private final AccountLockout confirmations;
  private final AccountLockout resets;
  private final DevMailbox mailbox;
  private final SignupChecks checks;
  /** How long a password-reset code is valid. */
  static final Duration RESET_CODE_TTL = Duration.ofHours(1);

  public AuthVerticle(Services services, AuthConfig config) {
    super(services, config);
    this.idp = config.local();
    this.hasher = new PasswordHasher(idp.argon2MemoryKiB(), idp.argon2Iterations(), idp.argon2Parallelism());
    this.pending = new PendingSignups(services.store().identity(), services.clock(), Duration.ofHours(idp.confirmationTtlHours()));
    this.signIns = new AccountLockout(services.clock(), "sign-in");
    this.confirmations = new AccountLockout(services.clock(), "confirmation");
    this.resets = new AccountLockout(services.clock(), "password reset");
    this.mailbox = new DevMailbox(idp.devMailbox());
    this.checks = new SignupChecks(services.store().identity(), services.tiers());
  }

  @Override
  public Future<?> start() {
    this.issuer = new TokenIssuer(vertx, services.signingKeys(), idp, config.operatorGroup());
    if (idp.devMailbox()) {
      LOG.warn("development mailbox on: pending confirmation codes are served at /api/dev/mailbox/{email} (auth.local.devMailbox)");
    }
    vertx.setPeriodic(60_000, id -> {
      signIns.purge();
      confirmations.purge();
      resets.purge();
    });
    return IdentityProvider.serve(vertx, this, services, config.operatorGroup(), LOG);
  }

  @Override
  public Future<SignupResult> signup(Signup s) {
    AccountRules.validateSignup(s);
    String email = AccountRules.normalizeEmail(s.email());
    boolean joining = s.inviteCode() != null;
    return pending.release(email, s.tenantId(), !joining).compose(v -> signupReleased(s, email, joining));
  }

  private Future<SignupResult> signupReleased(Signup s, String email, boolean joining) {
    Instant now = services.clock().instant();
    String userId = Ids.uuid();
    String code = Ids.digits(6);
    // the refusals any sign-up gets come first; then a taken address is answered as a new one, changing nothing
    return checks.refusalFirst(s, now).compose(tier -> services.store().identity().userByEmail(email))
        .compose(existing -> vertx.executeBlocking(() -> hasher.hash(s.password()), false).compose(hash -> {
          if (existing.isPresent()) {
            // a confirmed account's address gets the notice; one still waiting for confirmation keeps its code in the mailbox
            if (existing.get().confirmed()) {
              mailbox.accountExists(email);
            }
            return Future.failedFuture(StoreErrors.userExists());
          }
          if (joining) {
            UserRecord user = new UserRecord(s.tenantId(), userId, email, hash, "user", false, code, now);
            return services.store().identity().joinTenant(s.tenantId(), s.inviteCode(), user, now)
                .map(u -> new SignupResult(u.userId(), true, false));
          }
          UserRecord admin = new UserRecord(s.tenantId(), userId, email, hash, "admin", false, code, now);
          return services.store().identity().createTenantWithAdmin(new TenantRecord(s.tenantId(), s.tier(), "UTC", now), admin)
              .map(u -> new SignupResult(u.userId(), true, true));
        }))
        .recover(t -> {
          if (!SignupChecks.addressTaken(t)) {
            return Future.failedFuture(t);
          }
          LOG.info("signup for an address that has an account tenant={}: answered as a new one, nothing changed", s.tenantId());
          return Future.succeededFuture(SignupChecks.alike(s));
        })
        .onSuccess(r -> {
          if (!r.addressTaken()) {
            LOG.info("signup tenant={} user={} created_tenant={}", s.tenantId(), r.userId(), r.tenantCreated());
          }
        });
  }

  @Override
  public Future<Boolean> confirm(Confirm c) {
    String email = AccountRules.normalizeEmail(c.email());
    return services.store().identity().userByEmail(email).compose(u -> {
      if (u.isEmpty()) {
        return Future.failedFuture(ErrorCode.INVALID_CODE.exception("The confirmation code is wrong, or the account does not exist."));
      }
      UserRecord user = u.get();
      AppException locked = confirmations.refusal(email);
      if (locked != null) {
        return Future.failedFuture(locked);
      }
      if (user.confirmed()) {
        // no code confirms it again: a sign-up tried with its address gets the refusal of any wrong code
        confirmations.failed(email);
        return Future.failedFuture(ErrorCode.INVALID_CODE.exception("The confirmation code is wrong, or the account does not exist."));
      }
      if (pending.expired(user)) {
        return Future.failedFuture(ErrorCode.INVALID_CODE.exception("This confirmation code has expired; sign up again to get a new one."));
      }
      if (c.code() == null || user.confirmCode() == null
          || !java.security.MessageDigest.isEqual(c.code().getBytes(), user.confirmCode().getBytes())) {
        confirmations.failed(email);
        return Future.failedFuture(ErrorCode.INVALID_CODE.exception("The confirmation code is wrong, or the account does not exist."));
      }
      confirmations.succeeded(email);
      return services.store().identity().confirmUser(user.tenantId(), user.userId());
    });
  }

  @Override
  public Future<Tokens> login(Login l) {
    String email = AccountRules.normalizeEmail(l.email());
    String password = l.password() == null ? "" : l.password();
    AppException wrong = ErrorCode.INVALID_CREDENTIALS.exception("The e-mail address or password is wrong.");
    AppException locked = signIns.refusal(email);
    if (locked != null) {
      return Future.failedFuture(locked);
    }
    return services.store().identity().userByEmail(email).compose(u -> vertx.executeBlocking(() -> {
      if (u.isEmpty()) {
        hasher.verifyDummy(password);
        return false;
      }
      return password.length() <= AccountRules.MAX_PASSWORD && hasher.verify(password, u.get().passwordHash());
    }, false).compose(ok -> {
      if (!ok) {
        signIns.failed(email);
        return Future.failedFuture(wrong);
      }
      signIns.succeeded(email);
      UserRecord user = u.get();
      if (user.removed()) {
        return Future.failedFuture(ErrorCode.FORBIDDEN.exception("This account was removed from its organisation; ask its admin for an invite."));
      }
      if (!user.confirmed()) {
        return Future.failedFuture(ErrorCode.USER_NOT_CONFIRMED.exception("Confirm your e-mail address first with the code we sent you."));
      }
      return issue(user, null);
    }));
  }

  @Override
  public Future<Tokens> refresh(Refresh r) {
    if (r.refreshToken() == null || r.refreshToken().length() > 200) {
      return Future.failedFuture(ErrorCode.UNAUTHORIZED.exception("The refresh token is invalid or expired; log in again."));
    }
    Instant now = services.clock().instant(); // refresh tokens live on the application clock, signed tokens on the wall clock
    String next = Ids.randomToken(32);
    RefreshRecord replacement = new RefreshRecord(Ids.sha256Hex(next), null, null, now.plus(Duration.ofDays(idp.refreshTokenTtlDays())));
    return services.store().identity().rotateRefreshToken(Ids.sha256Hex(r.refreshToken()), replacement, now).compose(rec -> {
      if (rec.isEmpty()) {
        return Future.failedFuture(ErrorCode.UNAUTHORIZED.exception("The refresh token is invalid or expired; log in again."));
      }
      return services.store().identity().user(rec.get().tenantId(), rec.get().userId()).compose(u -> u.filter(user -> !user.removed())
          .map(user -> issue(user, next))
          .orElseGet(() -> Future.failedFuture(ErrorCode.UNAUTHORIZED.exception("The account no longer exists."))));
    });
  }

  /**
   * Issues tokens; {@code refreshToken} is the already-stored replacement on refresh, or null to create one. Signed tokens
   * carry the wall clock's time, which their verifiers check them against.
   */
  private Future<Tokens> issue(UserRecord user, String refreshToken) {
    // a token of the second of the user's revocation mark would be refused as one from before it: it waits for the next second
    long wait = services.revocations().markSeconds(user.tenantId(), user.userId()) - Instant.now().getEpochSecond();
    if (wait >= 0) {
      io.vertx.core.Promise<Tokens> later = io.vertx.core.Promise.promise();
      vertx.setTimer(1000 * (wait + 1) - Instant.now().toEpochMilli() % 1000, id -> issueNow(user, refreshToken).onComplete(later));
      return later.future();
    }
    return issueNow(user, refreshToken);
  }

  private Future<Tokens> issueNow(UserRecord user, String refreshToken) {
    Instant now = Instant.now();
    return services.store().identity().tenant(user.tenantId()).compose(t -> {
      if (t.isEmpty()) {
        return Future.failedFuture(ErrorCode.UNAUTHORIZED.exception("The organisation no longer exists."));
      }
      String id = issuer.idToken(user, t.get().tier(), now);
      String access = issuer.accessToken(user, now);
      if (refreshToken != null) {
        return Future.succeededFuture(new Tokens(id, access, refreshToken, idp.idTokenTtlSeconds()));
      }
      String rt = Ids.randomToken(32);
      return services.store().identity().saveRefreshToken(new RefreshRecord(Ids.sha256Hex(rt), user.tenantId(), user.userId(),
              services.clock().instant().plus(Duration.ofDays(idp.refreshTokenTtlDays()))))
          .map(v -> new Tokens(id, access, rt, idp.idTokenTtlSeconds()));
    });
  }

  @Override
  public Future<Tokens> changePassword(ChangePassword c) {
    Identity id = c.identity();
    String email = AccountRules.normalizeEmail(id.email());
    AppException locked = signIns.refusal(email);
    if (locked != null) {
      return Future.failedFuture(locked);
    }
    String old = c.oldPassword() == null ? "" : c.oldPassword();
    return services.store().identity().user(id.tenantId(), id.userId()).compose(u -> {
      if (u.isEmpty() || u.get().removed()) {
        return Future.failedFuture(ErrorCode.UNAUTHORIZED.exception("The account no longer exists."));
      }
      UserRecord user = u.get();
      return vertx.executeBlocking(() -> old.length() <= AccountRules.MAX_PASSWORD && hasher.verify(old, user.passwordHash())
          ? hasher.hash(c.newPassword()) : null, false).compose(hash -> {
            if (hash == null) {
              signIns.failed(email);
              return Future.failedFuture(ErrorCode.INVALID_CREDENTIALS.exception("The current password is wrong."));
            }
            signIns.succeeded(email);
            return newPassword(user, hash).compose(v -> issue(user, null));
          });
    });
  }

  /** The password replaced, and every sign-in of the account ended (tokens, sockets) on every node. */
  private Future<Void> newPassword(UserRecord user, String hash) {
    Instant at = Instant.now();
    return services.store().identity().setPassword(user.tenantId(), user.userId(), hash)
        .compose(ok -> ok ? services.store().identity().revokeTokens(user.tenantId(), user.userId(), at, true)
            : Future.failedFuture(ErrorCode.UNAUTHORIZED.exception("The account no longer exists.")))
        .onSuccess(v -> services.revocations().announce(vertx, user.tenantId(), user.userId(), at, true, false));
  }

  @Override
  public Future<Boolean> forgotPassword(ForgotPassword f) {
    String email = AccountRules.normalizeEmail(f.email());
    if (email == null || email.isEmpty()) {
      return Future.failedFuture(ErrorCode.INVALID_REQUEST.exception("email is required."));
    }
    return services.store().identity().userByEmail(email).compose(u -> {
      if (u.isEmpty() || u.get().removed() || u.get().serviceAccount() || !u.get().confirmed()) {
        return Future.succeededFuture(true); // answered alike: nobody learns which addresses have an account
      }
      String code = Ids.digits(6);
      return services.store().identity().saveResetCode(u.get().tenantId(), u.get().userId(), Ids.sha256Hex(code),
          services.clock().instant().plus(RESET_CODE_TTL)).map(v -> {
            mailbox.resetCode(email, code);
            LOG.info("password reset code sent tenant={} user={}", u.get().tenantId(), u.get().userId());
            return true;
          });
    });
  }

  @Override
  public Future<Boolean> resetPassword(ResetPassword r) {
    String email = AccountRules.normalizeEmail(r.email());
    AppException wrong = ErrorCode.INVALID_CODE.exception("The code is wrong or has expired; ask for a new one.");
    AppException locked = resets.refusal(email);
    if (locked != null) {
      return Future.failedFuture(locked);
    }
    return services.store().identity().userByEmail(email).compose(u -> {
      if (u.isEmpty() || u.get().removed() || r.code() == null || r.code().length() > 20) {
        resets.failed(email);
        return Future.failedFuture(wrong);
      }
      UserRecord user = u.get();
      return services.store().identity().takeResetCode(user.tenantId(), user.userId(), Ids.sha256Hex(r.code().strip()), services.clock().instant())
          .compose(taken -> {
            if (!taken) {
              resets.failed(email);
              return Future.failedFuture(wrong);
            }
            resets.succeeded(email);
            mailbox.used(email);
            return vertx.executeBlocking(() -> hasher.hash(r.newPassword()), false).compose(hash -> newPassword(user, hash)).map(true);
          });
    });
  }

  @Override
  public Future<Invite> invite(InviteRequest r) {
    if (!r.identity().admin()) {
      return Future.failedFuture(ErrorCode.FORBIDDEN.exception("Only an admin of the organisation can create invites."));
    }
    String code = InviteCodes.generate();
    Instant expires = services.clock().instant().plus(Duration.ofHours(r.hours(idp.inviteTtlHours())));
    return services.store().identity().createInvite(r.identity().tenantId(), code, r.identity().userId(), expires).map(v -> new Invite(code, expires));
  }

  /** The embedded provider keeps the admin role in the store only: nothing to do beyond it. */
  @Override
  public Future<Void> joinAdminGroup(UserRecord member) {
    return Future.succeededFuture();
  }

  @Override
  public Future<MailboxMessage> mailbox(Mailbox m) {
    return mailbox.read(services.store().identity(), AccountRules.normalizeEmail(m.email()), pending);
  }
}
