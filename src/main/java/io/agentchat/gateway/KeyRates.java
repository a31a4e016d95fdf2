package io.agentchat.gateway;

import io.agentchat.common.AppException;
import io.agentchat.common.ErrorCode;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The requests per minute of API keys that have a rate of their own: one token bucket per key, shared by the gateway's instances. */
final class KeyRates {
  private static final Pattern WAIT = Pattern.compile("wait (\\d+) s");
  /** One limiter per rate in use (a key's bucket lives in the limiter of its rate). */
  private final Map<Integer, RateLimiter> byRate = new ConcurrentHashMap<>();

  /** Null when the key may make a request now ({@code perMinute} 0: no rate of its own), else the refusal. */
  AppException check(String tenantId, String keyId, int perMinute) {
    if (perMinute <= 0) {
      return null;
    }
    RateLimiter limiter = byRate.computeIfAbsent(perMinute, RateLimiter::new);
    String bucket = tenantId + "/" + keyId;
    if (limiter.allow(bucket)) {
      return null;
    }
    return ErrorCode.RATE_LIMITED.exception("This API key may make " + perMinute + " request" + (perMinute == 1 ? "" : "s")
        + " a minute; wait " + limiter.retryAfterSeconds(bucket) + " s.");
  }

  /** The seconds a rate refusal asks to wait (1 when it names none). */
  static long retrySeconds(AppException e) {
    Matcher m = WAIT.matcher(e.getMessage());
    return m.find() ? Long.parseLong(m.group(1)) : 1;
  }

  void purge() {
    byRate.values().forEach(RateLimiter::purge);
  }
}
