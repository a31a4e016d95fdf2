package io.agentchat.gateway;

import io.vertx.core.MultiMap;
import java.net.URI;
import java.util.List;

/**
 * Where a bridge socket may be opened from: the configured origins when there are any, else the server's own origin
 * ({@code publicOrigin}, the origin the web client is served from when a proxy in front changes scheme, host or port; null
 * when it does not: then plain http on the host and port asked for).
 */
record BridgeOrigins(List<String> allowedOrigins, String publicOrigin) {

  /** Whether a socket whose upgrade request has these headers may open (no Origin: not a browser). */
  boolean allowed(MultiMap headers) {
    String origin = headers.get("Origin");
    if (origin == null) {
      return true; // not a browser: the token on every frame is what counts
    }
    if (!allowedOrigins.isEmpty()) {
      return allowedOrigins.contains(origin);
    }
    String host = headers.get("Host");
    // the page must come from this server: the configured public origin, else plain http on the host and port asked for
    String expected = publicOrigin != null ? publicOrigin : host == null ? null : "http://" + host;
    return expected != null && sameOrigin(origin, expected);
  }

  /** Scheme, host and port alike (a missing port is the scheme's own: 80 or 443). */
  static boolean sameOrigin(String a, String b) {
    try {
      URI x = URI.create(a);
      URI y = URI.create(b);
      return x.getScheme() != null && x.getHost() != null && y.getHost() != null && x.getScheme().equalsIgnoreCase(y.getScheme())
          && x.getHost().equalsIgnoreCase(y.getHost()) && port(x) == port(y) && (x.getPath() == null || x.getPath().isEmpty());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static int port(URI u) {
    return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
  }
}
