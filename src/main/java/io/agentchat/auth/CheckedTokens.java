package io.agentchat.auth;

import io.agentchat.common.ErrorCode;
import io.agentchat.common.Identity;
import io.vertx.core.Future;

/** A provider's token verifier with the revocation marks applied: a token issued at or before its user's mark is refused. */
public record CheckedTokens(TokenVerifier provider, Revocations revocations) implements TokenVerifier {

  @Override
  public Future<Identity> verify(String token) {
    return provider.verify(token).compose(id -> revoked(id, TokenVerifier.issuedAtSeconds(token))
        ? Future.failedFuture(ErrorCode.UNAUTHORIZED.exception(REVOKED)) : Future.succeededFuture(id));
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
