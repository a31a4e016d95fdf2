package io.agentchat.common;

/** Addresses a browser may register on through the bridge. Built only here. */
public final class ClientAddresses {
  public static final String USER_PREFIX = "client.";
  public static final String MONITOR_PREFIX = "monitor.";
  public static final String PLATFORM_MONITOR = "monitor.platform";
  /** Internal (never bridged): every tenant's monitor events, for the platform feed. */
  public static final String MONITOR_ALL = "internal.monitor";
  /** Inbound (browser to server) addresses. */
  public static final String CHAT_SEND = "chat.send";
  public static final String CHAT_CANCEL = "chat.cancel";

  private ClientAddresses() {
  }

  public static String user(String tenantId, String userId) {
    return USER_PREFIX + tenantId + "." + userId;
  }

  public static String monitor(String tenantId) {
    return MONITOR_PREFIX + tenantId;
  }
}
