package io.agentchat.gateway;

import io.agentchat.common.AppException;
import io.agentchat.common.ErrorCode;
import io.agentchat.common.Identity;

/** Turns per user and per tenant and minute, the same for HTTP and the bridge. */
final class TurnRate {
  private final RateLimiter users;
  private final RateLimiter tenants;

  TurnRate(int perUser, int perTenant) {
    this.users = new RateLimiter(perUser);
    this.tenants = new RateLimiter(perTenant);
  }

  /** Null when the turn may go on, else the refusal. */
  AppException check(Identity id) {
    String user = id.tenantId() + "/" + id.userId();
    if (!users.allow(user)) {
      return ErrorCode.RATE_LIMITED.exception("You are sending messages too quickly; wait " + users.retryAfterSeconds(user) + " s.");
    }
    if (!tenants.allow(id.tenantId())) {
      return ErrorCode.RATE_LIMITED.exception("Your organisation is sending messages too quickly; wait a moment.");
    }
    return null;
  }

  void purge() {
    users.purge();
    tenants.purge();
  }
}
