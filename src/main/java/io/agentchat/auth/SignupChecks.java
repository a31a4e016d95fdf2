package io.agentchat.auth;

import io.agentchat.auth.AuthMessages.Signup;
import io.agentchat.auth.AuthMessages.SignupResult;
import io.agentchat.common.AppException;
import io.agentchat.common.ErrorCode;
import io.agentchat.common.Ids;
import io.agentchat.store.IdentityStore;
import io.agentchat.store.StoreErrors;
import io.agentchat.store.TenantRecord;
import io.agentchat.tier.TierCatalog;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.Optional;

/**
 * What a sign-up may tell a stranger, the same for both identity providers. Whether an e-mail address has an account is
 * never told: a sign-up with a taken address is answered as a new one would be (201, confirmation required) and changes
 * nothing. The refusals a new sign-up would get come first, checked without changing anything: an organisation id that
 * is taken or reserved (one 409, the same for both), a wrong invite, an unknown plan.
 */
record SignupChecks(IdentityStore store, TierCatalog tiers) {

  /** The answer to a sign-up whose address already has an account: a new sign-up's, with an id that names nothing. */
  static SignupResult alike(Signup s) {
    return new SignupResult(Ids.uuid(), true, s.inviteCode() == null, true);
  }

  /** Whether a failure is the store's "this address is taken" (then the sign-up is answered {@link #alike}). */
  static boolean addressTaken(Throwable t) {
    return t instanceof AppException a && a.code() == ErrorCode.USER_EXISTS;
  }

  /**
   * The refusal a sign-up gets whoever's address it has; succeeds with the tier the account gets (the organisation's when
   * joining, the chosen one when creating).
   */
  Future<String> refusalFirst(Signup s, Instant now) {
    return store.tenant(s.tenantId()).compose(t -> s.inviteCode() != null ? joinable(s, t, now) : creatable(s, t));
  }

  private Future<String> creatable(Signup s, Optional<TenantRecord> t) {
    if (t.isPresent()) {
      return Future.failedFuture(StoreErrors.tenantExists(s.tenantId()));
    }
    if (s.tier() == null || tiers.find(s.tier()).isEmpty()) {
      return Future.failedFuture(ErrorCode.INVALID_REQUEST.exception("subscription_tier must be one of "
          + String.join(", ", tiers.all().keySet().stream().sorted().toList()) + "."));
    }
    return Future.succeededFuture(s.tier());
  }

  private Future<String> joinable(Signup s, Optional<TenantRecord> t, Instant now) {
    if (t.isEmpty()) {
      return Future.failedFuture(StoreErrors.invalidInvite(s.tenantId()));
    }
    return store.invites(s.tenantId()).compose(invites -> invites.stream().anyMatch(i -> i.code().equals(s.inviteCode()) && i.pending(now))
        ? Future.succeededFuture(t.get().tier()) : Future.failedFuture(StoreErrors.invalidInvite(s.tenantId())));
  }
}
