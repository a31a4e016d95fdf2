package io.agentchat.metering;

/** Event-bus addresses of the metering capability. */
public final class MeteringAddresses {
  public static final String RESERVE = "metering.reserve";
  public static final String SETTLE = "metering.settle";
  public static final String QUOTA = "metering.quota";
  public static final String USAGE = "metering.usage";

  private MeteringAddresses() {
  }
}
