package io.agentchat.gateway;

import java.util.HashMap;
import java.util.Map;

/**
 * Token buckets per key (an IP address, a user, a tenant): {@code perMinute} requests a minute on average, bursts up to
 * the same number. Shared by the gateway's instances (its methods hold the limiter's lock for a few arithmetic steps). Idle
 * buckets are dropped by {@link #purge}.
 */
final class RateLimiter {
  private static final class Bucket {
    double tokens;
    long lastNanos;
  }

  private final double capacity;
  private final double perNano;
  private final Map<String, Bucket> buckets = new HashMap<>();

  RateLimiter(int perMinute) {
    this.capacity = perMinute;
    this.perNano = perMinute / 60e9;
  }

  /** Takes one token; false when the key is over its rate. */
  synchronized boolean allow(String key) {
    long now = System.nanoTime();
    Bucket b = buckets.computeIfAbsent(key, k -> {
      Bucket n = new Bucket();
      n.tokens = capacity;
      n.lastNanos = now;
      return n;
    });
    b.tokens = Math.min(capacity, b.tokens + (now - b.lastNanos) * perNano);
    b.lastNanos = now;
    if (b.tokens < 1) {
      return false;
    }
    b.tokens -= 1;
    return true;
  }

  /** Seconds until the key has a token again (for Retry-After). */
  synchronized long retryAfterSeconds(String key) {
    Bucket b = buckets.get(key);
    return b == null ? 0 : Math.max(1, (long) Math.ceil((1 - b.tokens) / perNano / 1e9));
  }

  /** Drops buckets that have refilled completely (they hold no state worth keeping). */
  synchronized void purge() {
    long now = System.nanoTime();
    buckets.values().removeIf(b -> b.tokens + (now - b.lastNanos) * perNano >= capacity);
  }

  synchronized int size() {
    return buckets.size();
  }
}
