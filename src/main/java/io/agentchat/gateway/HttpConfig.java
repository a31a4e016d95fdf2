package io.agentchat.gateway;

import io.agentchat.config.ConfigReader;
import java.util.List;

/**
 * The {@code http} section: where the gateway listens, request and frame limits, the WebSocket origins it accepts, the
 * rate limits of sign-in attempts and turns, how much may wait for a bridge socket whose client does not read, and how long
 * a connection may take to send a request and how many one client address may hold; the largest body of a program's
 * completion request (its whole conversation).
 */
public record HttpConfig(String host, int port, int maxBodyBytes, int maxFrameBytes, int maxHandlersPerSocket,
                         long pingTimeoutMs, long chatTimeoutMs, List<String> allowedOrigins, int authAttemptsPerMinute,
                         int turnsPerUserPerMinute, int turnsPerTenantPerMinute, int socketWriteQueueBytes, boolean h2c,
                         int headerTimeoutSeconds, int bodyTimeoutSeconds, int keepAliveTimeoutSeconds, int maxConnectionsPerAddress,
                         String publicOrigin, int maxCompletionBodyBytes) {
  public HttpConfig {
    allowedOrigins = List.copyOf(allowedOrigins);
  }

  /** Whether the server listens on a loopback address only (reachable from this machine alone). */
  public boolean listensOnLoopback() {
    return host.equals("localhost") || host.equals("::1") || host.startsWith("127.");
  }

  public static HttpConfig from(ConfigReader r) {
    return new HttpConfig(
        r.string("host", "127.0.0.1"),
        r.integer("port", 8080, 0, 65535),
        r.integer("maxBodyBytes", 65536, 1024, 16 * 1024 * 1024),
        r.integer("maxFrameBytes", 65536, 1024, 16 * 1024 * 1024),
        r.integer("maxHandlersPerSocket", 32, 1, 1000),
        r.longValue("pingTimeoutMs", 10_000, 1000, 600_000),
        r.longValue("chatTimeoutMs", 300_000, 1000, 3_600_000),
        r.strings("allowedOrigins"),
        r.integer("authAttemptsPerMinute", 30, 1, 1_000_000),
        r.integer("turnsPerUserPerMinute", 120, 1, 1_000_000),
        r.integer("turnsPerTenantPerMinute", 3000, 1, 10_000_000),
        r.integer("socketWriteQueueBytes", 256 * 1024, 1024, 64 * 1024 * 1024),
        r.bool("h2c", false),
        r.integer("headerTimeoutSeconds", 10, 1, 3600),
        r.integer("bodyTimeoutSeconds", 10, 1, 3600),
        r.integer("keepAliveTimeoutSeconds", 30, 1, 3600),
        r.integer("maxConnectionsPerAddress", 256, 0, 10_000_000),
        r.optionalUrl("publicOrigin"),
        r.integer("maxCompletionBodyBytes", 1024 * 1024, 1024, 64 * 1024 * 1024));
  }
}
