package io.agentchat.store;

/**
 * A monthly spending limit in nano-dollars: for the whole tenant ({@code scope} = {@link #TENANT}) or for one user
 * ({@code scope} = the user id). {@code spentNanos} and {@code reservedNanos} are this month's figures.
 */
public record Budget(String tenantId, String scope, long limitNanos, long spentNanos, long reservedNanos) {
  public static final String TENANT = "*";

  public boolean tenantWide() {
    return TENANT.equals(scope);
  }
}
