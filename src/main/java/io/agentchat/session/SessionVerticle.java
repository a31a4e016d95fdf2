package io.agentchat.session;

import io.agentchat.Services;
import io.agentchat.client.ClientAddresses;
import io.agentchat.client.ClientFrame;
import io.agentchat.client.ClientFrames;
import io.agentchat.cluster.ClusterNode;
import io.agentchat.common.Bus;
import io.agentchat.common.CapabilityVerticle;
import io.agentchat.common.AppException;
import io.agentchat.common.ErrorCode;
import io.agentchat.common.Identity;
import io.agentchat.common.Ids;
import io.agentchat.common.NodeLocal;
import io.agentchat.common.StopBudget;
import io.agentchat.metering.MeteringAddresses;
import io.agentchat.metering.MeteringMessages.QuotaQuery;
import io.agentchat.metering.MeteringMessages.QuotaStatus;
import io.agentchat.session.SessionMessages.CancelTurn;
import io.agentchat.session.SessionMessages.ChatTurn;
import io.agentchat.session.SessionMessages.ConnectionClosed;
import io.agentchat.session.SessionMessages.CreateSession;
import io.agentchat.session.SessionMessages.GetMessages;
import io.agentchat.session.SessionMessages.GetTrace;
import io.agentchat.session.SessionMessages.ListSessions;
import io.agentchat.session.SessionMessages.ProgramTurn;
import io.agentchat.session.SessionMessages.ShardTurn;
import io.agentchat.store.SessionRecord;
import io.agentchat.store.Store;
import io.agentchat.tier.Tier;
import io.agentchat.tier.TierCatalog;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chat sessions as actors: a session is activated on its first message, runs its turns in order, and is passivated when
 * idle. Enforces the tier's concurrent-session and session-duration limits. Deployed once per core: each instance runs the
 * actors of its share of the sessions ({@link SessionShards}); a turn that reaches another instance is handed to the
 * session's own.
 */
public final class SessionVerticle extends CapabilityVerticle<SessionConfig> {
  private static final Logger LOG = LoggerFactory.getLogger(SessionVerticle.class);
  private final Map<String, SessionActor> actors = new HashMap<>();
  private ProgramTurns programs;
  private TurnRunner runner;
  private TurnStops stops;
  private Store store;
  private TierCatalog tiers;
  private SessionQueries queries;
  private Conversations conversations;
  private boolean stopping;
  /** Cluster mode only: where each session's actor runs. */
  private ClusterPlacement placement;
  private StoredTurns storedTurns;
  private SessionShards shards;
  /** This instance's number among the deployment's instances. */
  private int shard;

  public SessionVerticle(Services services, SessionConfig config) {
    super(services, config);
  }

  SessionConfig settings() {
    return config;
  }

  TurnRunner runner() {
    return runner;
  }

  StoredTurns storedTurns() {
    return storedTurns;
  }

  java.time.Clock clock() {
    return services.clock();
  }

  io.opentelemetry.api.trace.Tracer tracer() {
    return services.telemetry().tracer();
  }

  Store store() {
    return store;
  }

  @Override
  public Future<?> start() {
    this.store = services.store();
    this.tiers = services.tiers();
    this.queries = new SessionQueries(store, tiers, services.clock());
    this.placement = ClusterNode.clustered(vertx) ? new ClusterPlacement(vertx, this, store) : null;
    this.storedTurns = new StoredTurns(vertx, store, placement);
    this.runner = new TurnRunner(vertx, this);
    this.programs = new ProgramTurns(vertx, this, queries, tiers);
    int instances = Math.max(1, context.getInstanceCount());
    this.shards = NodeLocal.of(vertx, "session." + deploymentID(), () -> new SessionShards(instances, services.meters()));
    this.shard = shards.join();
    this.stops = new TurnStops(vertx, actors, programs, placement != null && shard == 0);
    this.conversations = new Conversations(vertx, this, queries, store);
    EventBus bus = vertx.eventBus();
    List<MessageConsumer<?>> consumers = new ArrayList<>(List.of(
        bus.<CreateSession>localConsumer(SessionAddresses.CREATE, m -> Bus.reply(m, c -> queries.create(c).onSuccess(x -> pushQuota(c.identity())), LOG)),
        bus.<ListSessions>localConsumer(SessionAddresses.LIST, m -> Bus.reply(m, queries::list, LOG)),
        bus.<GetMessages>localConsumer(SessionAddresses.MESSAGES, m -> Bus.reply(m, queries::messages, LOG)),
        bus.<ChatTurn>localConsumer(SessionAddresses.TURN, m -> Bus.reply(m, this::turn, LOG)),
        bus.<ProgramTurn>localConsumer(SessionAddresses.PROGRAM_TURN, m -> Bus.reply(m, p -> program(p.turn()), LOG)),
        bus.<CancelTurn>localConsumer(SessionAddresses.CANCEL, m -> Bus.reply(m, this::cancel, LOG)),
        bus.<GetTrace>localConsumer(SessionAddresses.TRACE, m -> Bus.reply(m, queries::trace, LOG)),
        bus.<ConnectionClosed>localConsumer(SessionAddresses.CONNECTION_CLOSED, m -> stops.closedHere(m.body().connectionId())),
        bus.<Object>localConsumer(SessionAddresses.DRAIN, m -> drainAll().onComplete(ar -> m.reply(true))),
        bus.<ShardTurn>localConsumer(shardAddress(shard, "turn"), m -> Bus.reply(m, st -> here(st.turn(), st.session()), LOG)),
        bus.<CancelTurn>localConsumer(shardAddress(shard, "cancel"), m -> Bus.reply(m, this::cancel, LOG)),
        bus.<Object>localConsumer(shardAddress(shard, "drain"), m -> drain().onComplete(ar -> m.reply(true)))));
    consumers.addAll(conversations.consumers(bus, shardAddress(shard, "end")));
    // a member removed (on any node): their turns here stop, settled for what they produced; their queued ones are given back
    consumers.add(bus.<JsonObject>consumer(io.agentchat.auth.AuthAddresses.REVOKED, m -> {
      if (m.body().getBoolean("stop_turns", false)) {
        stops.memberRemoved(m.body().getString("tenant_id", ""), m.body().getString("user_id", ""));
      }
    }));
    if (placement != null) {
      consumers.add(bus.<JsonObject>consumer(SessionAddresses.CANCEL_ON_OWNER, m -> cancelHere(m.body())));
      consumers.add(bus.<JsonObject>consumer(SessionAddresses.CONNECTION_CLOSED_CLUSTER, m -> stops.connectionClosed(m.body().getString("connection_id", ""))));
    }
    Future<?> listening = Future.all(consumers.stream().map(MessageConsumer::completion).toList());
    // the node's turns left running by a stopped process are settled once, by the first instance
    return shard == 0 ? listening.compose(v -> storedTurns.recoverInterrupted()) : listening;
  }

  int shard() {
    return shard;
  }

  String shardAddress(int n, String what) {
    return SessionAddresses.shard(deploymentID(), n, what);
  }

  /** The instance that runs the session's actor, and whether that is this one. */
  int shardOf(String tenantId, String sessionId) {
    return shards.of(key(tenantId, sessionId));
  }

  // ---------------------------------------------------------------- turns

  Future<Object> turn(ChatTurn t) {
    AppException refused = TurnChecks.refusal(t, stopping, config.maxMessageChars());
    if (refused != null) {
      return Future.failedFuture(refused);
    }
    if (t.sessionId() == null) {
      Tier tier = tiers.require(t.identity().tier());
      return store.sessions().latestOrNewSession(queries.newSession(t.identity(), tier), tier.concurrentSessions())
          .compose(s -> onShard(s.tenantId(), s.sessionId(), t, s));
    }
    if (!Ids.validClientId(t.sessionId())) {
      return Future.failedFuture(ErrorCode.NOT_FOUND.exception("No such session."));
    }
    return onShard(t.identity().tenantId(), t.sessionId(), t, null);
  }

  /** A program's turn, run here at once ({@link ProgramTurns}). */
  Future<Object> program(ChatTurn t) {
    AppException no = TurnChecks.refusal(t, stopping, config.maxMessageChars());
    return no != null ? Future.failedFuture(no) : programs.run(t);
  }

  /** The turn on the instance that runs the session's actor; {@code known} is the session if it was read already. */
  private Future<Object> onShard(String tenantId, String sessionId, ChatTurn t, SessionRecord known) {
    int owner = shardOf(tenantId, sessionId);
    if (owner != shard) {
      long timeout = t.collect() ? config.turnTimeoutMs() + 30_000 : 30_000;
      return vertx.eventBus().request(shardAddress(owner, "turn"), new ShardTurn(known, t), new DeliveryOptions().setSendTimeout(timeout))
          .map(m -> m.body());
    }
    return here(t, known);
  }

  /** On the session's own instance: the session checked (from its active actor, else the store), then to its actor. */
  private Future<Object> here(ChatTurn t, SessionRecord known) {
    if (stopping) {
      return Future.failedFuture(ErrorCode.SERVICE_UNAVAILABLE.exception("The server is shutting down; please reconnect in a moment."));
    }
    Future<SessionRecord> session = known != null ? Future.succeededFuture(known) : ownedHere(t.identity(), t.sessionId());
    return session.compose(s -> {
      if (s.expired(services.clock().instant())) {
        Tier tier = tiers.require(t.identity().tier());
        return Future.failedFuture(ErrorCode.SESSION_EXPIRED.exception("This chat session has expired (sessions of the " + tier.name()
            + " plan last " + tier.sessionMinutes() + " minutes); start a new one."));
      }
      return place(s, t);
    });
  }

  /** The caller's session: an active actor here holds it (a session's owner and end never change), else the store has it. */
  private Future<SessionRecord> ownedHere(Identity id, String sessionId) {
    SessionActor a = actors.get(key(id.tenantId(), sessionId));
    if (a == null) {
      return queries.owned(id, sessionId);
    }
    return a.session().userId().equals(id.userId()) ? Future.succeededFuture(a.session())
        : Future.failedFuture(ErrorCode.NOT_FOUND.exception("No such session."));
  }

  /** On the session's own instance: to its actor, wherever in the cluster that runs. */
  private Future<Object> place(SessionRecord s, ChatTurn t) {
    return placement != null ? placement.route(s, t, 0) : actor(s).submit(t);
  }

  static String key(String tenantId, String sessionId) {
    return tenantId + "/" + sessionId;
  }

  SessionActor activeActor(String key) {
    return actors.get(key);
  }

  SessionActor actor(SessionRecord s) {
    return actors.computeIfAbsent(key(s.tenantId(), s.sessionId()), k -> {
      LOG.debug("session activated tenant={} session={}", s.tenantId(), s.sessionId());
      shards.activated();
      return new SessionActor(vertx, s, this);
    });
  }

  void passivate(SessionActor a) {
    if (actors.remove(key(a.session().tenantId(), a.session().sessionId()), a)) {
      shards.passivated();
      if (placement != null) {
        placement.release(a.session().tenantId(), a.session().sessionId());
      }
    }
    LOG.debug("session passivated tenant={} session={}", a.session().tenantId(), a.session().sessionId());
  }

  /** Cluster mode: the session moved to another node; this actor takes no more turns (it finishes those it has). */
  void evict(SessionActor a) {
    if (actors.remove(key(a.session().tenantId(), a.session().sessionId()), a)) {
      shards.passivated();
    }
  }

  private Future<Boolean> cancel(CancelTurn c) {
    if (c.turnId() == null) {
      return Future.failedFuture(ErrorCode.INVALID_REQUEST.exception("turn_id is required."));
    }
    return store.usage().turn(c.identity().tenantId(), c.turnId()).compose(t -> {
      if (t.isEmpty() || !t.get().userId().equals(c.identity().userId())) {
        return Future.failedFuture(ErrorCode.NOT_FOUND.exception("No such turn."));
      }
      int owner = shardOf(c.identity().tenantId(), t.get().sessionId());
      if (owner != shard) {
        return vertx.eventBus().<Boolean>request(shardAddress(owner, "cancel"), c, new DeliveryOptions().setSendTimeout(30_000))
            .map(m -> m.body());
      }
      SessionActor a = actors.get(key(c.identity().tenantId(), t.get().sessionId()));
      if (a != null || placement == null) {
        return Future.succeededFuture(a != null && a.cancel(c.turnId()));
      }
      // the session's actor lives on another node: every node hears the stop, the one running the turn acts on it
      boolean running = t.get().running();
      if (running) {
        vertx.eventBus().publish(SessionAddresses.CANCEL_ON_OWNER, new JsonObject().put("tenant_id", c.identity().tenantId())
            .put("session_id", t.get().sessionId()).put("turn_id", c.turnId()));
      }
      return Future.succeededFuture(running);
    });
  }

  /** A stop published by another node (cluster mode), for a turn that node has already checked belongs to the caller. */
  private void cancelHere(JsonObject stop) {
    SessionActor a = actors.get(key(stop.getString("tenant_id", ""), stop.getString("session_id", "")));
    if (a != null && a.cancel(stop.getString("turn_id", ""))) {
      LOG.info("turn {} of tenant {} stopped from another node", stop.getString("turn_id"), stop.getString("tenant_id"));
    }
  }

  boolean stopping() {
    return stopping;
  }

  boolean isClosedConnection(String connectionId) {
    return stops.closed(connectionId);
  }

  // ---------------------------------------------------------------- pushes

  void publishUser(Identity id, JsonObject frame) {
    vertx.eventBus().publish(ClientAddresses.user(id.tenantId(), id.userId()), ClientFrame.of(frame));
  }

  void publishMonitor(String tenantId, JsonObject event) {
    vertx.eventBus().publish(ClientAddresses.monitor(tenantId), ClientFrame.of(event));
    vertx.eventBus().publish(ClientAddresses.MONITOR_ALL, event.copy().put("tenant_id", tenantId));
  }

  void pushQuota(Identity id) {
    vertx.eventBus().<QuotaStatus>request(MeteringAddresses.QUOTA, new QuotaQuery(id), new DeliveryOptions().setSendTimeout(10_000))
        .onSuccess(m -> publishUser(id, ClientFrames.quota(m.body())));
  }

  // ---------------------------------------------------------------- lifecycle

  @Override
  public Future<?> stop() {
    NodeLocal.release(vertx, "session." + deploymentID());
    return drain();
  }

  /** Every instance of the deployment drains (the gateway asks one of them). */
  private Future<Void> drainAll() {
    List<Future<?>> all = new ArrayList<>();
    for (int i = 0; i < shards.count(); i++) {
      all.add(vertx.eventBus().request(shardAddress(i, "drain"), "", new DeliveryOptions().setSendTimeout(StopBudget.SESSION_DRAIN.toMillis())));
    }
    return Future.join(all).<Void>mapEmpty().otherwiseEmpty();
  }

  /** Refuses new turns, stops the running and queued ones and completes once they are settled ({@link StopBudget#ACTORS_SETTLE} at the most). */
  private Future<Void> drain() {
    stopping = true;
    // graceful leave: no more forwarded turns, the turns in hand are settled, and the sessions are given up, so the next
    // message activates them on another node
    Future<Void> receiving = placement == null ? Future.succeededFuture() : placement.stopReceiving();
    Future<Void> drained = receiving.compose(v -> {
      List<Future<?>> all = new ArrayList<>();
      for (SessionActor a : actors.values()) {
        all.add(a.drain());
      }
      all.addAll(programs.stopAll());
      return Future.join(all).timeout(StopBudget.ACTORS_SETTLE.toMillis(), TimeUnit.MILLISECONDS).<Void>mapEmpty().otherwiseEmpty();
    });
    return placement == null ? drained : drained.compose(v -> placement.releaseAll());
  }
}
