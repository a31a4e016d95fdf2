package io.agentchat.client;

import io.agentchat.common.Ids;
import java.util.regex.Pattern;

/**
 * The addresses browsers use through the bridge, built only here: what they listen on ({@code client.<tenant>.<user>},
 * {@code monitor.<tenant>}, {@code monitor.platform}) and the two they send to ({@code chat.send}, {@code chat.cancel}).
 */
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

  /** Every address {@link #user} can build: the bridge lets clients register on these only (and checks whose they are). */
  public static String userAddressRegex() {
    return Pattern.quote(USER_PREFIX) + Ids.TENANT_ID.pattern() + "\\." + Ids.USER_ID.pattern();
  }

  /** Every address {@link #monitor} can build. */
  public static String monitorAddressRegex() {
    return Pattern.quote(MONITOR_PREFIX) + Ids.TENANT_ID.pattern();
  }
}
