package io.agentchat.auth;

import io.agentchat.common.ErrorCode;
import io.agentchat.common.Identity;
import io.vertx.core.Future;

/** A provider's token verifier with the revocation marks and the organisations' current plans applied. */
public record CheckedTokens(TokenVerifier provider, Revocations revocations, io.agentchat.tier.Plans plans) implements TokenVerifier {

  /**
   * The provider's identity, refused when revoked, under the organisation's current plan from the store (the token's tier
   * claim is what the client displays until its next refresh).
   */
  @Override
  public Future<Identity> verify(String token) {
    return provider.verify(token).compose(id -> revoked(id, TokenVerifier.issuedAtSeconds(token))
        ? Future.failedFuture(ErrorCode.UNAUTHORIZED.exception(REVOKED))
        : plans.plan(id.tenantId()).compose(p -> p.isEmpty() ? Future.failedFuture(ErrorCode.UNAUTHORIZED.exception("The organisation no longer exists."))
            : Future.succeededFuture(id.withTier(p.get().tier()))));
  }

  @Override
  public Identity current(Identity id) {
    io.agentchat.tier.Plans.Plan p = plans.known(id.tenantId());
    return p == null ? id : id.withTier(p.tier());
  }

  /** What a revoked token's holder is told. */
  public static final String REVOKED = "This sign-in is no longer valid (signed out everywhere, a role change, or removal from the "
      + "organisation); sign in again.";

  @Override
  public boolean revoked(Identity id, long issuedAtSeconds) {
    return revocations.refuses(id.tenantId(), id.userId(), issuedAtSeconds);
  }

  @Override
  public void close() {
    provider.close();
  }
}
