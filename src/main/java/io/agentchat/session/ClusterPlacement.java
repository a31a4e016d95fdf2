package io.agentchat.session;

import io.agentchat.cluster.ClusterNode;
import io.agentchat.common.Bus;
import io.agentchat.common.ErrorCode;
import io.agentchat.session.SessionMessages.ChatTurn;
import io.agentchat.store.SessionOwner;
import io.agentchat.store.SessionRecord;
import io.agentchat.store.Store;
import io.agentchat.store.TurnRecord;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster mode: single activation of session actors. The store's owner record (a conditional write on its epoch) decides
 * which node runs a session; the clustered event bus only carries a turn to that node's consumer at
 * {@link SessionAddresses#actor}. A node that finds the owner gone from the cluster (or no owner) claims the session,
 * settles the turns the dead owner left running, and activates the actor from the store.
 */
final class ClusterPlacement {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterPlacement.class);
  /**
   * Placement tries again this many times while the session is being claimed or handed over (a lost claim race, a new
   * owner whose consumer the cluster does not know yet), waiting a little longer each time: about 9 s in all.
   */
  private static final int ATTEMPTS = 40;
  /** The longest wait between two attempts. */
  private static final long MAX_RETRY_DELAY_MS = 250;

  /** A session this node owns: the owner record it wrote and the consumer that receives forwarded turns. */
  private record Owned(SessionOwner owner, MessageConsumer<JsonObject> consumer) {
  }

  /** The claim was lost to another node: look again. */
  private static final class Lost extends RuntimeException {
    Lost() {
      super(null, null, false, false);
    }
  }

  private final Vertx vertx;
  private final SessionVerticle sessions;
  private final Store store;
  private final String node;
  private final Map<String, Owned> owned = new HashMap<>();
  private final Map<String, Future<SessionActor>> activating = new HashMap<>();

  ClusterPlacement(Vertx vertx, SessionVerticle sessions, Store store) {
    this.vertx = vertx;
    this.sessions = sessions;
    this.store = store;
    this.node = ClusterNode.nodeId(vertx);
  }

  String node() {
    return node;
  }

  /** Runs the turn on the session's actor, wherever in the cluster it lives (activating it here when it lives nowhere). */
  Future<Object> route(SessionRecord s, ChatTurn t, int attempt) {
    String key = SessionVerticle.key(s.tenantId(), s.sessionId());
    SessionActor local = sessions.activeActor(key);
    if (local != null) {
      return fenced(key, local, s, t, attempt);
    }
    Future<SessionActor> pending = activating.get(key);
    if (pending != null) {
      // the activation under way here may lose its claim to another node: then this turn, too, goes where the session went
      return pending.transform(ar -> ar.succeeded() ? ar.result().submit(t) : again(s, t, attempt, ar.cause()));
    }
    return store.sessions().sessionOwner(s.tenantId(), s.sessionId()).compose(o -> {
      if (!o.released() && !o.node().equals(node) && ClusterNode.isMember(vertx, o.node())) {
        return forward(s, t).recover(e -> again(s, t, attempt, e));
      }
      if (sessions.activeActor(key) != null || activating.containsKey(key)) {
        return route(s, t, attempt);
      }
      Future<SessionActor> act = activate(s, o);
      activating.put(key, act);
      act.onComplete(ar -> activating.remove(key));
      return act.transform(ar -> ar.succeeded() ? ar.result().submit(t) : again(s, t, attempt, ar.cause()));
    });
  }

  /**
   * Runs the turn here only while the owner record still holds this node's claim. Another node may have claimed the
   * session while this one was out of the cluster: then the actor here takes no more turns (those it has finish and are
   * settled) and the turn goes to the new owner.
   */
  private Future<Object> fenced(String key, SessionActor local, SessionRecord s, ChatTurn t, int attempt) {
    Owned mine = owned.get(key);
    if (mine == null) {
      return local.submit(t);
    }
    return store.sessions().sessionOwner(s.tenantId(), s.sessionId()).compose(o -> {
      if (o.equals(mine.owner()) || owned.get(key) != mine) {
        return sessions.activeActor(key) == local ? local.submit(t) : route(s, t, attempt);
      }
      LOG.warn("session {} of tenant {} was claimed by another node (epoch {}); handing it over", s.sessionId(), s.tenantId(), o.epoch());
      owned.remove(key);
      mine.consumer().unregister();
      sessions.evict(local);
      return again(s, t, attempt, new Lost());
    });
  }

  /**
   * After a placement that did not reach the session's actor (a claim lost to another node, or an owner not yet reachable),
   * the turn is routed again against the owner record as it is now; any other failure is the turn's own answer. Once the
   * attempts are spent the caller hears that the service is briefly unavailable, never an internal error.
   */
  private Future<Object> again(SessionRecord s, ChatTurn t, int attempt, Throwable e) {
    if (!(e instanceof Lost) && !(e instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS)) {
      return Future.failedFuture(e);
    }
    if (attempt >= ATTEMPTS) {
      LOG.warn("turn for session {} of tenant {} not placed after {} attempts", s.sessionId(), s.tenantId(), attempt);
      return Future.failedFuture(ErrorCode.SERVICE_UNAVAILABLE.exception(
          "This chat is moving between servers; please send your message again in a moment."));
    }
    Promise<Object> p = Promise.promise();
    vertx.setTimer(Math.min(MAX_RETRY_DELAY_MS, 25L * (attempt + 1)), id -> route(s, t, attempt + 1).onComplete(p));
    return p.future();
  }

  private Future<Object> forward(SessionRecord s, ChatTurn t) {
    long timeout = t.collect() ? sessions.settings().turnTimeoutMs() + 30_000 : 30_000;
    return vertx.eventBus().<JsonObject>request(SessionAddresses.actor(s.tenantId(), s.sessionId()), TurnJson.turn(t),
        new DeliveryOptions().setSendTimeout(timeout)).map(m -> TurnJson.answer(m.body()));
  }

  /** Claims the session on the owner record read, settles what a dead owner left running, and listens for forwarded turns. */
  private Future<SessionActor> activate(SessionRecord s, SessionOwner seen) {
    return store.sessions().claimSession(s.tenantId(), s.sessionId(), node, seen).compose(won -> {
      if (!won) {
        return Future.failedFuture(new Lost());
      }
      SessionOwner mine = new SessionOwner(node, seen.epoch() + 1);
      Future<Void> orphans = seen.released() ? Future.succeededFuture() : settleOrphans(s);
      MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(SessionAddresses.actor(s.tenantId(), s.sessionId()),
          m -> Bus.reply(m, json -> sessions.turn(TurnJson.turn(json)).map(TurnJson::answer), LOG));
      owned.put(SessionVerticle.key(s.tenantId(), s.sessionId()), new Owned(mine, consumer));
      LOG.debug("session claimed tenant={} session={} epoch={}", s.tenantId(), s.sessionId(), mine.epoch());
      return Future.all(orphans, consumer.completion()).map(v -> sessions.actor(s));
    });
  }

  /** Turns of this session still running in the store belong to the dead owner: settled once as interrupted. */
  private Future<Void> settleOrphans(SessionRecord s) {
    return store.usage().runningTurns().compose(turns -> {
      List<TurnRecord> left = turns.stream().filter(t -> t.tenantId().equals(s.tenantId()) && t.sessionId().equals(s.sessionId())).toList();
      if (left.isEmpty()) {
        return Future.succeededFuture();
      }
      LOG.warn("settling {} turn(s) of session {} of tenant {} left running by a node that left the cluster", left.size(), s.sessionId(),
          s.tenantId());
      return sessions.storedTurns().settleInterrupted(left);
    });
  }

  /** Whether a turn found running at start belongs to a node that is gone (its session has no live owner). */
  Future<Boolean> orphaned(TurnRecord t) {
    return store.sessions().sessionOwner(t.tenantId(), t.sessionId()).map(o -> o.released() || !ClusterNode.isMember(vertx, o.node()));
  }

  /** After passivation: stop receiving the session's turns, then give the session up. */
  Future<Void> release(String tenantId, String sessionId) {
    Owned o = owned.remove(SessionVerticle.key(tenantId, sessionId));
    if (o == null) {
      return Future.succeededFuture();
    }
    return o.consumer().unregister().transform(v -> store.sessions().releaseSession(tenantId, sessionId, o.owner()))
        .onFailure(e -> LOG.warn("could not release session {} of tenant {}: {}", sessionId, tenantId, e.toString()))
        .<Void>mapEmpty().otherwiseEmpty();
  }

  /** Graceful leave, first step: turns forwarded from now on find no handler here and are retried until the session moves. */
  Future<Void> stopReceiving() {
    return Future.join(owned.values().stream().map(o -> o.consumer().unregister()).toList()).<Void>mapEmpty().otherwiseEmpty();
  }

  /** Graceful leave: every session this node owns is given up. */
  Future<Void> releaseAll() {
    List<Future<?>> all = new ArrayList<>();
    for (String key : new ArrayList<>(owned.keySet())) {
      int i = key.indexOf('/');
      all.add(release(key.substring(0, i), key.substring(i + 1)));
    }
    return Future.join(all).mapEmpty();
  }
}
