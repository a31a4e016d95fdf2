package io.agentchat.store.dynamodb;

import io.agentchat.common.Ids;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Claims (an e-mail address, a request id, a session slot, a settlement) carry a write token {@code w}, so that an attempt
 * whose answer was lost recognises its own write, and a claim whose owner stopped half-way is taken over once stale.
 * Time is the application's clock.
 */
final class Claims {
  /** A claim older than this whose operation never finished is abandoned and may be taken over. */
  static final Duration STALE = Duration.ofSeconds(30);
  /** Compare-and-set rounds before an operation gives up. */
  static final int ATTEMPTS = 100;
  private final Clock clock;

  Claims(Clock clock) {
    this.clock = clock;
  }

  /** A fresh write token. */
  static String token() {
    return Ids.uuid();
  }

  Instant now() {
    return clock.instant();
  }

  boolean stale(Instant claimedAt) {
    return claimedAt == null || claimedAt.isBefore(now().minus(STALE));
  }

  /** The pause before compare-and-set round {@code attempt + 1}: short, random, growing. */
  static long retryDelay(int attempt) {
    return 2 + ThreadLocalRandom.current().nextLong(Math.min(100, 5L * attempt) + 1);
  }
}
