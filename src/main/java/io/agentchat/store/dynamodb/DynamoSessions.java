package io.agentchat.store.dynamodb;

import static io.agentchat.store.dynamodb.Item.num;
import static io.agentchat.store.dynamodb.Item.str;
import static io.agentchat.store.dynamodb.Item.time;
import static io.agentchat.store.dynamodb.Item.vals;

import io.agentchat.common.ErrorCode;
import io.agentchat.store.MessageRecord;
import io.agentchat.store.SessionOwner;
import io.agentchat.store.SessionRecord;
import io.agentchat.store.SessionStore;
import io.agentchat.store.StoreErrors;
import io.agentchat.store.dynamodb.SessionSlots.Slot;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Sessions under the user's limit ({@link SessionSlots}), their listing newest first, their conversation
 * ({@link DynamoMessages}) and, in cluster mode, the node that runs each one. Items past their retention are skipped on read.
 */
final class DynamoSessions extends DynamoPart implements SessionStore {
  private static final Logger LOG = LoggerFactory.getLogger(DynamoSessions.class);
  final DynamoMessages messages = new DynamoMessages(this);
  private final DynamoConversations conversations = new DynamoConversations(this);

  DynamoSessions(Dynamo d, Claims claims, DynamoConfig config) {
    super(d, claims, config);
  }

  private Future<SessionSlots> slots(String t, String userId) {
    return d.get(sessions, Keys.slots(t, userId)).map(SessionSlots::from);
  }

  /** Compare-and-set of the slots item on its version; false when another write came first. */
  private Future<Boolean> writeSlots(String t, String userId, SessionSlots old, List<Slot> next) {
    Item item = old.next(t, userId, next, claims.now());
    return old.exists() ? d.putIf(sessions, item, "#version = :v", vals(":v", old.version())) : d.putNew(sessions, item);
  }

  private long sessionTtl(SessionRecord s) {
    return s.expiresAt().plus(retention).getEpochSecond();
  }

  static SessionRecord toSession(Map<String, AttributeValue> i) {
    return new SessionRecord(str(i, "tenant_id"), str(i, "session_id"), str(i, "user_id"), str(i, "tier"), time(i, "created_at"),
        time(i, "expires_at"), str(i, "title"), (int) num(i, "message_count"), time(i, "last_used_at"), time(i, "closed_at"));
  }

  /** What the newest open session turned out to be: found, or still being created by another call (wait and look again). */
  private record Pick(Optional<SessionRecord> session, boolean underWay) {
  }

  /**
   * Opens a session under the user's limit (expired entries dropped on each write). With {@code reuse}, the newest open
   * session is returned when there is one. The slot is claimed before the session is written, so a crash in between can
   * only leave a slot without a session, which stops counting once stale.
   */
  private Future<SessionRecord> openSession(SessionRecord s, int limit, boolean reuse, int attempt) {
    String t = s.tenantId();
    long now = s.createdAt().toEpochMilli();
    return slots(t, s.userId()).compose(current -> {
      List<Slot> active = current.activeAt(now);
      Future<Pick> pick = reuse && !active.isEmpty() ? newest(t, active) : Future.succeededFuture(new Pick(Optional.empty(), false));
      return pick.compose(p -> {
        if (p.session().isPresent()) {
          return Future.succeededFuture(p.session().get());
        }
        if (p.underWay()) {
          return retrySlots(s, limit, reuse, attempt);
        }
        return (active.size() >= limit ? withoutAbandoned(t, active) : Future.succeededFuture(active)).compose(live -> {
          if (live.size() >= limit) {
            return Future.failedFuture(StoreErrors.sessionLimit(limit));
          }
          if (live.stream().anyMatch(x -> x.sessionId().equals(s.sessionId()))) {
            return Future.failedFuture(StoreErrors.sessionIdTaken());
          }
          List<Slot> next = new ArrayList<>(live);
          next.add(new Slot(s.sessionId(), now, s.expiresAt().toEpochMilli()));
          return writeSlots(t, s.userId(), current, next).compose(won -> won
              ? writeSession(s).recover(err -> releaseSlot(s, 1).transform(x -> Future.failedFuture(err)))
              : retrySlots(s, limit, reuse, attempt));
        });
      });
    });
  }

  private Future<SessionRecord> retrySlots(SessionRecord s, int limit, boolean reuse, int attempt) {
    if (attempt >= Claims.ATTEMPTS) {
      return Future.failedFuture(ErrorCode.SERVICE_UNAVAILABLE.exception("Too many sessions are being opened at once; please try again."));
    }
    return d.later(Claims.retryDelay(attempt), () -> openSession(s, limit, reuse, attempt + 1));
  }

  private Future<Pick> newest(String t, List<Slot> active) {
    Slot newest = Collections.max(active, Comparator.comparingLong(Slot::created).thenComparing(Slot::sessionId));
    return session(t, newest.sessionId()).map(found -> new Pick(found, found.isEmpty() && !claims.stale(Instant.ofEpochMilli(newest.created()))));
  }

  /** The slots whose session exists, or was claimed too recently to tell (its creation may still be under way). */
  private Future<List<Slot>> withoutAbandoned(String t, List<Slot> active) {
    List<Item> keys = active.stream().map(s -> Keys.session(t, s.sessionId())).toList();
    return d.batchGet(Map.of(sessions, keys)).map(items -> {
      Set<String> present = new HashSet<>();
      items.forEach(i -> present.add(str(i, "session_id")));
      return active.stream().filter(s -> present.contains(s.sessionId()) || !claims.stale(Instant.ofEpochMilli(s.created()))).toList();
    });
  }

  private Future<SessionRecord> writeSession(SessionRecord s) {
    Item item = Keys.session(s.tenantId(), s.sessionId()).s("tenant_id", s.tenantId()).s("session_id", s.sessionId()).s("user_id", s.userId())
        .s("tier", s.tier()).n("created_at", s.createdAt()).n("expires_at", s.expiresAt()).s("title", s.title())
        .n("message_count", s.messageCount()).n("last_used_at", s.lastUsedAt()).n("closed_at", s.closedAt()).n("next_seq", 0).n("ttl", sessionTtl(s)).s("w", Claims.token());
    return d.putNew(sessions, item).compose(created -> {
      if (!created) {
        return Future.failedFuture(StoreErrors.sessionIdTaken());
      }
      return d.put(sessions, Keys.listing(s.tenantId(), s.userId(), s.createdAt().toEpochMilli(), s.sessionId())
          .s("session_id", s.sessionId()).n("ttl", sessionTtl(s))).map(s);
    });
  }

  /** Undo: gives a claimed slot back. */
  Future<Void> releaseSlot(SessionRecord s, int attempt) {
    return slots(s.tenantId(), s.userId()).compose(current -> {
      List<Slot> next = current.all().stream().filter(x -> !x.sessionId().equals(s.sessionId())).toList();
      if (next.size() == current.all().size()) {
        return Future.succeededFuture();
      }
      return writeSlots(s.tenantId(), s.userId(), current, next).compose(done -> done || attempt >= Claims.ATTEMPTS
          ? Future.<Void>succeededFuture() : d.later(Claims.retryDelay(attempt), () -> releaseSlot(s, attempt + 1)));
    }).otherwise(t -> {
      LOG.error("session slot of tenant {} could not be given back (it frees itself when the session would have expired): {}", s.tenantId(), t.toString());
      return null;
    });
  }

  /** The user's sessions open at {@code nowMs}, from a slots item read with others. */
  static int activeSessions(Map<String, AttributeValue> slotsItem, long nowMs) {
    return SessionSlots.from(Optional.of(slotsItem)).activeAt(nowMs).size();
  }

  @Override
  public Future<SessionRecord> createSession(SessionRecord session, int limit) {
    return openSession(session, limit, false, 1);
  }

  @Override
  public Future<SessionRecord> latestOrNewSession(SessionRecord candidate, int limit) {
    return openSession(candidate, limit, true, 1);
  }

  @Override
  public Future<Optional<SessionRecord>> session(String tenantId, String sessionId) {
    Instant now = claims.now();
    return d.get(sessions, Keys.session(tenantId, sessionId)).map(o -> o.filter(i -> !Item.gone(i, now)).map(DynamoSessions::toSession));
  }

  /** The chats listed by last use are among the user's newest this many (the list is kept by creation). */
  static final int LISTED = 200;

  @Override
  public Future<List<SessionRecord>> sessions(String tenantId, String userId, int max) {
    Instant now = claims.now();
    // a user's chats: not the sessions of programs' requests
    return d.prefix(sessions, Keys.userPk(tenantId, userId), "SESSION#", false, Math.max(max, LISTED),
        i -> !Item.gone(i, now) && !SessionStore.programSession(str(i, "session_id"))).compose(listing -> {
      if (listing.isEmpty()) {
        return Future.succeededFuture(List.<SessionRecord>of());
      }
      List<Item> keys = listing.stream().map(i -> Keys.session(tenantId, str(i, "session_id"))).toList();
      return d.batchGet(Map.of(sessions, keys)).map(items -> {
        Map<String, SessionRecord> byId = new HashMap<>();
        items.stream().filter(i -> !Item.gone(i, now)).forEach(i -> byId.put(str(i, "session_id"), toSession(i)));
        return listing.stream().map(i -> byId.get(str(i, "session_id"))).filter(s -> s != null)
            .sorted(Comparator.comparing(SessionRecord::lastUsedAt).thenComparing(SessionRecord::createdAt).reversed()).limit(max).toList();
      });
    });
  }

  @Override
  public Future<Boolean> renameSession(String tenantId, String sessionId, String title) {
    return conversations.rename(tenantId, sessionId, title);
  }

  @Override
  public Future<Optional<SessionRecord>> closeSession(String tenantId, String sessionId, Instant at) {
    return conversations.close(tenantId, sessionId, at);
  }

  @Override
  public Future<Boolean> deleteSession(String tenantId, String sessionId) {
    return conversations.delete(tenantId, sessionId);
  }

  @Override
  public Future<Void> hideTurn(String tenantId, String sessionId, String turnId) {
    return conversations.hide(tenantId, sessionId, turnId);
  }

  @Override
  public Future<List<io.agentchat.store.SearchHit>> search(String tenantId, String userId, String text, int max) {
    return conversations.search(tenantId, userId, text, max);
  }

  @Override
  public Future<List<MessageRecord>> messages(String tenantId, String sessionId, int max) {
    return messages.messages(tenantId, sessionId, max);
  }

  // ---------------------------------------------------------------- ownership (cluster mode)

  @Override
  public Future<SessionOwner> sessionOwner(String tenantId, String sessionId) {
    return d.get(sessions, Keys.sessionOwner(tenantId, sessionId))
        .map(o -> o.map(i -> new SessionOwner(str(i, "node"), num(i, "epoch"))).orElse(SessionOwner.NONE));
  }

  @Override
  public Future<Boolean> claimSession(String tenantId, String sessionId, String node, SessionOwner seen) {
    return writeOwner(tenantId, sessionId, new SessionOwner(node, seen.epoch() + 1), seen, false);
  }

  @Override
  public Future<Boolean> releaseSession(String tenantId, String sessionId, SessionOwner mine) {
    return writeOwner(tenantId, sessionId, new SessionOwner("", mine.epoch() + 1), mine, true);
  }

  /** Replaces the owner record if it still holds {@code seen} (its epoch, and its node when releasing). */
  private Future<Boolean> writeOwner(String t, String sessionId, SessionOwner next, SessionOwner seen, boolean sameNode) {
    Item item = Keys.sessionOwner(t, sessionId).s("node", next.node()).n("epoch", next.epoch())
        .s("w", next.node() + "@" + next.epoch()).n("updated_at", claims.now());
    if (seen.epoch() == 0) {
      return d.putNew(sessions, item);
    }
    return sameNode
        ? d.putIf(sessions, item, "#epoch = :e AND #node = :n", vals(":e", seen.epoch(), ":n", seen.node()))
        : d.putIf(sessions, item, "#epoch = :e", vals(":e", seen.epoch()));
  }
}
