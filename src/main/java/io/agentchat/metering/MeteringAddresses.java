package io.agentchat.metering;

import io.vertx.core.eventbus.DeliveryOptions;

/** Event-bus addresses of the metering capability. */
public final class MeteringAddresses {
  public static final String RESERVE = "metering.reserve";
  public static final String SETTLE = "metering.settle";
  public static final String QUOTA = "metering.quota";
  public static final String USAGE = "metering.usage";
  /** A tenant's budgets with this month's spend. */
  public static final String BUDGETS = "metering.budgets";
  /** Sets or removes a monthly budget; answers with the tenant's budgets. */
  public static final String SET_BUDGET = "metering.set-budget";
  /** How long a caller waits for metering: a store write under load included. */
  public static final long CALL_TIMEOUT_MS = 30_000;

  private MeteringAddresses() {
  }

  /** The delivery options of a call to metering. */
  public static DeliveryOptions call() {
    return new DeliveryOptions().setSendTimeout(CALL_TIMEOUT_MS);
  }
}
