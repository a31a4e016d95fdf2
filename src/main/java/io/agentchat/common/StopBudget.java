package io.agentchat.common;

import java.time.Duration;

/**
 * How long a clean stop (SIGTERM) may take, and every deadline inside it, derived from the one total. The order of a stop:
 * the gateway stops taking connections and asks the sessions to drain; the session actors stop their turns and settle them
 * while the clients' sockets are still open; the bridge writes the last frames; the sockets close; the other verticles
 * undeploy and the store is flushed and closed.
 */
public final class StopBudget {
  /** The whole stop of the application: undeploying every verticle and closing the store. */
  public static final Duration TOTAL = Duration.ofSeconds(30);
  /** The gateway's graceful HTTP shutdown: two thirds of the total, the rest left for the verticles behind it and the store. */
  public static final Duration HTTP_SHUTDOWN = TOTAL.multipliedBy(2).dividedBy(3);
  /** The sessions' drain as the gateway asks for it: inside the HTTP shutdown, leaving time to write the last frames and close. */
  public static final Duration SESSION_DRAIN = HTTP_SHUTDOWN.minusSeconds(4);
  /** The actors settling their turns: a second inside the drain, so that the drain's answer arrives before it times out. */
  public static final Duration ACTORS_SETTLE = SESSION_DRAIN.minusSeconds(1);
  /** After the drain, the time the bridge gets to write the sessions' last frames before the sockets are closed. */
  public static final Duration LAST_FRAMES = Duration.ofMillis(300);
  /** Vert.x's own close, after the application has stopped. */
  public static final Duration VERTX_CLOSE = Duration.ofSeconds(10);

  private StopBudget() {
  }
}
