package io.agentchat.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.ext.web.RoutingContext;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connections that hold the server without using it are closed: one whose request headers do not complete in time (also
 * the first request of a connection that sends nothing), one that stays idle between requests, one whose request body
 * stalls; and a client address may hold only so many connections at once. WebSocket connections are left to the bridge's
 * ping timeout once upgraded.
 */
final class ConnectionGuard {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

  /** A connection's one pending deadline (timer id, or -1). */
  private static final class State {
    final String address;
    long timer = -1;

    State(String address) {
      this.address = address;
    }
  }

  private final Vertx vertx;
  private final HttpConfig http;
  /** This instance's connections (each is handled on the event loop of the instance that accepted it). */
  private final Map<HttpConnection, State> open = new IdentityHashMap<>();
  /** The node's connections per client address, over every gateway instance. */
  private final ConcurrentMap<String, Integer> perAddress;
  private final LongAdder refused;

  ConnectionGuard(Vertx vertx, HttpConfig http, GatewayShared shared) {
    this.vertx = vertx;
    this.http = http;
    this.perAddress = shared.connectionsPerAddress;
    this.refused = shared.connectionsRefused;
  }

  /** A new connection: refused when its address holds too many, else given until the header timeout for its first request. */
  void opened(HttpConnection conn) {
    String address = conn.remoteAddress() == null ? "?" : conn.remoteAddress().hostAddress();
    int max = http.maxConnectionsPerAddress();
    boolean[] admitted = {false};
    Integer held = perAddress.compute(address, (a, n) -> {
      int now = n == null ? 0 : n;
      admitted[0] = max <= 0 || now < max;
      return admitted[0] ? now + 1 : n;
    });
    if (!admitted[0]) {
      refused.increment();
      LOG.warn("connection from {} refused: it holds {} already", address, held);
      conn.close();
      return;
    }
    State s = new State(address);
    open.put(conn, s);
    deadline(conn, s, http.headerTimeoutSeconds(), "its request headers did not arrive");
    conn.closeHandler(v -> closed(conn));
  }

  private void closed(HttpConnection conn) {
    State s = open.remove(conn);
    if (s != null) {
      cancel(s);
      perAddress.computeIfPresent(s.address, (a, n) -> n <= 1 ? null : n - 1);
    }
  }

  /**
   * The first handler of every request: its headers are complete. A body must follow within the body timeout; once the
   * answer is written the connection has the keep-alive timeout to start its next request.
   */
  void request(RoutingContext ctx) {
    HttpConnection conn = ctx.request().connection();
    State s = open.get(conn);
    if (s == null) {
      ctx.next();
      return;
    }
    cancel(s);
    if (ctx.request().canUpgradeToWebSocket()) {
      ctx.next(); // from here the bridge's ping timeout watches it
      return;
    }
    if (!ctx.request().isEnded()) {
      deadline(conn, s, http.bodyTimeoutSeconds(), "its request body stalled");
    }
    ctx.addEndHandler(v -> {
      if (open.get(conn) == s) {
        deadline(conn, s, http.keepAliveTimeoutSeconds(), "it stayed idle after its last request");
      }
    });
    ctx.next();
  }

  /** After the body handler: the body arrived whole. */
  void bodyRead(RoutingContext ctx) {
    State s = open.get(ctx.request().connection());
    if (s != null) {
      cancel(s);
    }
    ctx.next();
  }

  private void deadline(HttpConnection conn, State s, int seconds, String why) {
    cancel(s);
    s.timer = vertx.setTimer(seconds * 1000L, id -> {
      s.timer = -1;
      LOG.debug("connection from {} closed: {} within {} s", s.address, why, seconds);
      conn.close();
    });
  }

  private void cancel(State s) {
    if (s.timer >= 0) {
      vertx.cancelTimer(s.timer);
      s.timer = -1;
    }
  }
}
