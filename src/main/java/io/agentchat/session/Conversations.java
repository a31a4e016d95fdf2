package io.agentchat.session;

import io.agentchat.common.Bus;
import io.agentchat.common.ErrorCode;
import io.agentchat.session.SessionMessages.EndSession;
import io.agentchat.session.SessionMessages.RenameSession;
import io.agentchat.session.SessionMessages.SearchResults;
import io.agentchat.session.SessionMessages.SearchSessions;
import io.agentchat.store.SearchHit;
import io.agentchat.store.SessionRecord;
import io.agentchat.store.Store;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a user does with their chats besides talking: rename, close, delete and search. Closing and deleting run on the
 * instance that holds the chat's actor, which refuses while a turn of the chat runs, waits or is being admitted, and takes
 * no more turns once it agreed; the actor is then dropped, so the next message reads the ended chat from the store. In
 * cluster mode the check is made by the actor on the node that receives the request; an actor of the chat on another
 * node hears of the end ({@link SessionAddresses#ENDED}) and takes no more turns.
 */
final class Conversations {
  private static final Logger LOG = LoggerFactory.getLogger(Conversations.class);
  static final int MAX_RESULTS = 50;
  private static final int SNIPPET_BEFORE = 40;
  private static final int SNIPPET_CHARS = 140;
  private final Vertx vertx;
  private final SessionVerticle owner;
  private final SessionQueries queries;
  private final Store store;

  Conversations(Vertx vertx, SessionVerticle owner, SessionQueries queries, Store store) {
    this.vertx = vertx;
    this.owner = owner;
    this.queries = queries;
    this.store = store;
  }

  /** The consumers of this instance: the capability's addresses and this instance's own share of ended chats. */
  List<MessageConsumer<?>> consumers(EventBus bus, String shardEnd) {
    return List.of(
        bus.<RenameSession>localConsumer(SessionAddresses.RENAME, m -> Bus.reply(m, this::rename, LOG)),
        bus.<EndSession>localConsumer(SessionAddresses.END, m -> Bus.reply(m, this::end, LOG)),
        bus.<SearchSessions>localConsumer(SessionAddresses.SEARCH, m -> Bus.reply(m, this::search, LOG)),
        bus.<EndSession>localConsumer(shardEnd, m -> Bus.reply(m, this::endHere, LOG)),
        bus.<JsonObject>consumer(SessionAddresses.ENDED, m -> {
          SessionActor a = owner.activeActor(SessionVerticle.key(m.body().getString("tenant_id", ""), m.body().getString("session_id", "")));
          if (a != null) {
            a.endedElsewhere();
          }
        }));
  }

  private Future<SessionRecord> rename(RenameSession r) {
    return queries.owned(r.identity(), r.sessionId())
        .compose(s -> store.sessions().renameSession(s.tenantId(), s.sessionId(), r.title()))
        .compose(found -> queries.owned(r.identity(), r.sessionId()));
  }

  /** The caller's chat, ended on the instance that holds its actor: the chat as it is after a close, null after a delete. */
  private Future<Object> end(EndSession e) {
    return queries.owned(e.identity(), e.sessionId()).compose(s -> {
      int shard = owner.shardOf(s.tenantId(), s.sessionId());
      if (shard == owner.shard()) {
        return endHere(e);
      }
      return vertx.eventBus().request(owner.shardAddress(shard, "end"), e, new DeliveryOptions().setSendTimeout(30_000)).map(m -> m.body());
    });
  }

  private Future<Object> endHere(EndSession e) {
    String tenant = e.identity().tenantId();
    SessionActor actor = owner.activeActor(SessionVerticle.key(tenant, e.sessionId()));
    if (actor != null && !actor.beginEnd()) {
      return Future.failedFuture(ErrorCode.TURN_IN_PROGRESS.exception("A reply in this chat is still running or waiting; stop it first."));
    }
    Future<Object> done = e.delete()
        ? store.sessions().deleteSession(tenant, e.sessionId())
            .compose(deleted -> deleted ? Future.succeededFuture((Object) true) : Future.failedFuture(ErrorCode.NOT_FOUND.exception("No such session.")))
        : store.sessions().closeSession(tenant, e.sessionId(), owner.clock().instant())
            .compose(s -> s.isPresent() ? Future.succeededFuture((Object) s.get()) : Future.failedFuture(ErrorCode.NOT_FOUND.exception("No such session.")));
    return done.onComplete(ar -> {
      if (actor != null) {
        if (ar.succeeded()) {
          owner.passivate(actor);
        } else {
          actor.endFailed();
        }
      }
      if (ar.succeeded()) {
        LOG.info("chat {} tenant={} session={}", e.delete() ? "deleted" : "closed", tenant, e.sessionId());
        owner.pushQuota(e.identity());
        vertx.eventBus().publish(SessionAddresses.ENDED, new JsonObject().put("tenant_id", tenant).put("session_id", e.sessionId()));
      }
    });
  }

  private Future<SearchResults> search(SearchSessions q) {
    String text = q.text().strip();
    return store.sessions().search(q.identity().tenantId(), q.identity().userId(), text, MAX_RESULTS)
        .map(hits -> new SearchResults(hits, hits.stream().map(h -> snippet(h, text)).toList()));
  }

  /** The part of the matching message around the first match (the title when only it matched), on one line. */
  static String snippet(SearchHit h, String text) {
    String source = h.matched() != null ? h.matched() : h.title() == null ? "" : h.title();
    String line = source.strip().replaceAll("\\s+", " ");
    int at = line.toLowerCase(Locale.ROOT).indexOf(text.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT));
    int from = Math.max(0, at - SNIPPET_BEFORE);
    int to = Math.min(line.length(), from + SNIPPET_CHARS);
    return (from > 0 ? "…" : "") + line.substring(from, to) + (to < line.length() ? "…" : "");
  }
}
