package io.agentchat.auth;

import io.agentchat.common.AppException;
import io.agentchat.common.ErrorCode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * A back-off per account, beside the limit per client address: after {@link #FREE_FAILURES} wrong passwords (or wrong
 * confirmation codes) in a row, an account refuses further tries for 30 s, doubling with every further failure up to
 * 15 minutes, so that a password or a 6-digit code cannot be walked from many addresses. A success clears it. Kept in
 * memory, per node.
 */
final class AccountLockout {
  static final int FREE_FAILURES = 5;
  static final Duration FIRST_LOCK = Duration.ofSeconds(30);
  static final Duration LONGEST_LOCK = Duration.ofMinutes(15);

  private static final class Failures {
    int count;
    Instant lockedUntil = Instant.MIN;
    Instant last;
  }

  private final Clock clock;
  private final String what;
  private final Map<String, Failures> byAccount = new HashMap<>();

  /** {@code what}: the kind of attempt, for the refusal's words ("sign-in", "confirmation"). */
  AccountLockout(Clock clock, String what) {
    this.clock = clock;
    this.what = what;
  }

  /** Null while the account may try, else the refusal saying how long to wait. */
  AppException refusal(String account) {
    Failures f = byAccount.get(account);
    Instant now = clock.instant();
    if (f == null || !now.isBefore(f.lockedUntil)) {
      return null;
    }
    long seconds = Math.max(1, Duration.between(now, f.lockedUntil).toSeconds());
    return ErrorCode.RATE_LIMITED.exception("Too many failed " + what + " attempts for this account; try again in " + seconds + " s.");
  }

  void failed(String account) {
    Failures f = byAccount.computeIfAbsent(account, a -> new Failures());
    f.count++;
    f.last = clock.instant();
    if (f.count >= FREE_FAILURES) {
      Duration lock = FIRST_LOCK.multipliedBy(1L << Math.min(10, f.count - FREE_FAILURES));
      f.lockedUntil = f.last.plus(lock.compareTo(LONGEST_LOCK) > 0 ? LONGEST_LOCK : lock);
    }
  }

  void succeeded(String account) {
    byAccount.remove(account);
  }

  /** Forgets accounts whose last failure is older than the longest lock (so that the map does not grow without bound). */
  void purge() {
    Instant cutoff = clock.instant().minus(LONGEST_LOCK.multipliedBy(2));
    byAccount.values().removeIf(f -> f.last.isBefore(cutoff));
  }
}
