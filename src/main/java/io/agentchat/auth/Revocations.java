package io.agentchat.auth;

import io.agentchat.store.IdentityStore;
import io.agentchat.store.TokenMark;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The users' revocation marks known on this node: an ID token of a user issued at or before their mark is refused, on
 * every HTTP request and every bridge frame (a map lookup). Marks come from the store at start and every few seconds, and
 * at once from the {@link AuthAddresses#REVOKED} events every node hears. A mark older than the longest ID token lifetime
 * is dropped: every token it could refuse has expired anyway. Safe to use from every thread.
 */
public final class Revocations {
  /** How long a mark can matter: the longest ID token lifetime of either provider (Cognito allows up to a day). */
  public static final Duration KEPT = Duration.ofHours(25);
  /** tenant/user -> the mark, in epoch seconds (tokens carry whole seconds). */
  private final Map<String, Long> marks = new ConcurrentHashMap<>();

  private static String key(String tenantId, String userId) {
    return tenantId + "/" + userId;
  }

  /** Moves a user's mark forward to {@code at} (never back). */
  public void mark(String tenantId, String userId, Instant at) {
    marks.merge(key(tenantId, userId), at.getEpochSecond(), Math::max);
  }

  /** Whether a token of the user issued at {@code issuedAtSeconds} is refused. */
  public boolean refuses(String tenantId, String userId, long issuedAtSeconds) {
    Long m = marks.get(key(tenantId, userId));
    return m != null && issuedAtSeconds <= m;
  }

  /** The user's mark in epoch seconds, or -1 without one. */
  public long markSeconds(String tenantId, String userId) {
    return marks.getOrDefault(key(tenantId, userId), -1L);
  }

  /** Loads the store's recent marks and drops those too old to matter. */
  public Future<Void> refresh(IdentityStore store, Instant now) {
    Instant since = now.minus(KEPT);
    return store.tokenMarks(since).map(list -> {
      for (TokenMark m : list) {
        mark(m.tenantId(), m.userId(), m.revokedBefore());
      }
      marks.values().removeIf(at -> at < since.getEpochSecond());
      return null;
    });
  }

  /** The event that tells every node of a revocation: whose, up to when, and whether their sockets close and their turns stop. */
  public static JsonObject event(String tenantId, String userId, Instant at, boolean closeSockets, boolean stopTurns) {
    return new JsonObject().put("tenant_id", tenantId).put("user_id", userId).put("revoked_before_ms", at.toEpochMilli())
        .put("close_sockets", closeSockets).put("stop_turns", stopTurns);
  }

  /** Marks here at once, then tells every node: their sockets close and their turns stop as asked. */
  public void announce(io.vertx.core.Vertx vertx, String tenantId, String userId, Instant at, boolean closeSockets, boolean stopTurns) {
    mark(tenantId, userId, at);
    vertx.eventBus().publish(AuthAddresses.REVOKED, event(tenantId, userId, at, closeSockets, stopTurns));
  }

  /** Takes a {@link #event} in. */
  public void heard(JsonObject event) {
    mark(event.getString("tenant_id", ""), event.getString("user_id", ""), Instant.ofEpochMilli(event.getLong("revoked_before_ms", 0L)));
  }
}
