package io.agentchat.session;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The session instances of one deployment on a node (one per core): each runs the actors of its share of the sessions,
 * chosen by the session's key, so that a session has one actor on the node and its turns run in order on one event loop.
 * Hands out the instances' numbers and counts the active actors of all of them behind one gauge.
 */
final class SessionShards {
  private final int count;
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicInteger actors = new AtomicInteger();

  SessionShards(int count, MeterRegistry meters) {
    this.count = count;
    Gauge.builder("agentchat.sessions.active.actors", actors, AtomicInteger::get).register(meters);
  }

  /** The number of the instance that asks (0 for the first, which also does the node's once-only work). */
  int join() {
    return next.getAndIncrement();
  }

  int count() {
    return count;
  }

  /** The instance that runs the actor of the session {@code key}. */
  int of(String key) {
    return Math.floorMod(key.hashCode(), count);
  }

  void activated() {
    actors.incrementAndGet();
  }

  void passivated() {
    actors.decrementAndGet();
  }
}
