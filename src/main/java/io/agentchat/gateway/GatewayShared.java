package io.agentchat.gateway;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the gateway's instances (one per core) share on a node, so that a limit is the same however connections are spread
 * over the event loops: the sign-in attempts, turns and API-key requests per minute, the connections each client address holds, and the
 * counters behind the gateway's meters (registered once, here). Safe to use from every event loop.
 */
final class GatewayShared {
  final RateLimiter signInAttempts;
  final TurnRate turns;
  final KeyRates keyRates = new KeyRates();
  /** Open connections per client address. */
  final ConcurrentMap<String, Integer> connectionsPerAddress = new ConcurrentHashMap<>();
  final LongAdder connectionsRefused = new LongAdder();
  final AtomicInteger bridgeSockets = new AtomicInteger();
  final LongAdder slowClosed = new LongAdder();

  GatewayShared(HttpConfig http, MeterRegistry meters) {
    this.signInAttempts = new RateLimiter(http.authAttemptsPerMinute());
    this.turns = new TurnRate(http.turnsPerUserPerMinute(), http.turnsPerTenantPerMinute());
    Gauge.builder("agentchat.bridge.sockets", bridgeSockets, AtomicInteger::get).register(meters);
    FunctionCounter.builder("agentchat.bridge.slow.closed", slowClosed, LongAdder::sum).register(meters);
    FunctionCounter.builder("agentchat.http.connections.refused", connectionsRefused, LongAdder::sum).register(meters);
    Gauge.builder("agentchat.http.connections.open", connectionsPerAddress, m -> m.values().stream().mapToInt(Integer::intValue).sum())
        .register(meters);
  }

  /** Drops rate-limit state that has refilled (run once a minute by one instance). */
  void purge() {
    signInAttempts.purge();
    turns.purge();
    keyRates.purge();
  }
}
