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
import io.agentchat.metering.MeteringMessages.Reservation;
import io.agentchat.metering.MeteringMessages.ReserveTurn;
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
  /** Programs' turns running on this instance, by turn id. */
  private final Map<String, ActorTurn> programTurns = new HashMap<>();
  private TurnRunner runner;
  /** Connections closed recently (id -> when): a turn whose reservation was still under way when its connection closed is stopped too. */
  private final Map<String, Long> closedConnections = new HashMap<>();
  private static final long CLOSED_CONNECTION_MEMORY_MS = 60_000;
  private Store store;
  private TierCatalog tiers;
  private SessionQueries queries;
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
    int instances = Math.max(1, context.getInstanceCount());
    this.shards = NodeLocal.of(vertx, "session." + deploymentID(), () -> new SessionShards(instances, services.meters()));
    this.shard = shards.join();
    EventBus bus = vertx.eventBus();
    List<MessageConsumer<?>> consumers = new ArrayList<>(List.of(
        bus.<CreateSession>localConsumer(SessionAddresses.CREATE, m -> Bus.reply(m, c -> queries.create(c).onSuccess(x -> pushQuota(c.identity())), LOG)),
        bus.<ListSessions>localConsumer(SessionAddresses.LIST, m -> Bus.reply(m, queries::list, LOG)),
        bus.<GetMessages>localConsumer(SessionAddresses.MESSAGES, m -> Bus.reply(m, queries::messages, LOG)),
        bus.<ChatTurn>localConsumer(SessionAddresses.TURN, m -> Bus.reply(m, this::turn, LOG)),
        bus.<ProgramTurn>localConsumer(SessionAddresses.PROGRAM_TURN, m -> Bus.reply(m, p -> program(p.turn()), LOG)),
        bus.<CancelTurn>localConsumer(SessionAddresses.CANCEL, m -> Bus.reply(m, this::cancel, LOG)),
        bus.<GetTrace>localConsumer(SessionAddresses.TRACE, m -> Bus.reply(m, queries::trace, LOG)),
        bus.<ConnectionClosed>localConsumer(SessionAddresses.CONNECTION_CLOSED, m -> closedHere(m.body().connectionId())),
        bus.<Object>localConsumer(SessionAddresses.DRAIN, m -> drainAll().onComplete(ar -> m.reply(true))),
        bus.<ShardTurn>localConsumer(shardAddress(shard, "turn"), m -> Bus.reply(m, st -> here(st.turn(), st.session()), LOG)),
        bus.<CancelTurn>localConsumer(shardAddress(shard, "cancel"), m -> Bus.reply(m, this::cancel, LOG)),
        bus.<Object>localConsumer(shardAddress(shard, "drain"), m -> drain().onComplete(ar -> m.reply(true)))));
    if (placement != null) {
      consumers.add(bus.<JsonObject>consumer(SessionAddresses.CANCEL_ON_OWNER, m -> cancelHere(m.body())));
      consumers.add(bus.<JsonObject>consumer(SessionAddresses.CONNECTION_CLOSED_CLUSTER, m -> connectionClosed(m.body().getString("connection_id", ""))));
    }
    Future<?> listening = Future.all(consumers.stream().map(MessageConsumer::completion).toList());
    // the node's turns left running by a stopped process are settled once, by the first instance
    return shard == 0 ? listening.compose(v -> storedTurns.recoverInterrupted()) : listening;
  }

  private String shardAddress(int n, String what) {
    return SessionAddresses.shard(deploymentID(), n, what);
  }

  /** The instance that runs the session's actor, and whether that is this one. */
  private int shardOf(String tenantId, String sessionId) {
    return shards.of(key(tenantId, sessionId));
  }

  // ---------------------------------------------------------------- turns

  /** Why a turn cannot be taken at all (null: it can): the server stopping, or its message. */
  private AppException refusal(ChatTurn t) {
    if (stopping) {
      return ErrorCode.SERVICE_UNAVAILABLE.exception("The server is shutting down; please reconnect in a moment.");
    }
    if (t.message() == null || t.message().isBlank()) {
      return ErrorCode.INVALID_REQUEST.exception("message must be a non-empty string.");
    }
    if (t.message().length() > config.maxMessageChars()) {
      return ErrorCode.INVALID_REQUEST.exception("message is longer than " + config.maxMessageChars() + " characters.");
    }
    if (t.requestId() != null && !Ids.validClientId(t.requestId())) {
      return ErrorCode.INVALID_REQUEST.exception("request_id must be 1-64 characters of A-Z, a-z, 0-9, '_' and '-'.");
    }
    return null;
  }

  Future<Object> turn(ChatTurn t) {
    AppException refused = refusal(t);
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

  /**
   * A program's turn, run here at once: its session (one per request, ended as it is made, so that it takes none of the
   * owner's chat slots, and kept as the record of what was asked and answered) is created, then the turn is admitted
   * and run like a chat turn. A repeated request id finds its session made already, and its turn answers the repeat.
   */
  Future<Object> program(ChatTurn t) {
    AppException refused = refusal(t);
    if (refused != null) {
      return Future.failedFuture(refused);
    }
    Identity id = t.identity();
    Tier tier = tiers.require(id.tier());
    java.time.Instant now = services.clock().instant();
    SessionRecord fresh = new SessionRecord(id.tenantId(), t.sessionId(), id.userId(), tier.name(), now, now, null, 0);
    Future<SessionRecord> session = store.sessions().createSession(fresh, Integer.MAX_VALUE)
        .recover(err -> t.requestId() != null ? queries.owned(id, t.sessionId()) : Future.failedFuture(err));
    return session.compose(s -> {
      String turnId = t.requestId() != null ? Ids.turnId(id.tenantId(), id.userId(), t.requestId()) : "t-" + Ids.uuid().replace("-", "");
      return vertx.eventBus().<Reservation>request(MeteringAddresses.RESERVE, new ReserveTurn(id, s.sessionId(), turnId, t.requestId(),
          t.message()), MeteringAddresses.call()).compose(m -> {
            Reservation res = m.body();
            if (res.duplicate()) {
              ActorTurn live = programTurns.get(res.turnId());
              return live != null ? live.result.future().map(r -> (Object) new SessionMessages.TurnResult(r.turnId(), r.sessionId(), r.status(),
                  r.reply(), r.usage(), r.costNanos(), true)) : storedTurns.result(id, res.turnId()).map(r -> (Object) r);
            }
            ActorTurn turn = new ActorTurn(t, res.turnId());
            programTurns.put(turn.turnId, turn);
            publishMonitor(id.tenantId(), ClientFrames.turnStarted(id.userId(), s.sessionId(), turn.turnId, services.clock().instant()));
            if (turn.frames != null) {
              vertx.eventBus().publish(turn.frames, ClientFrame.of(new JsonObject().put("type", "accepted").put("turn_id", turn.turnId)
                  .put("session_id", s.sessionId())));
            }
            LOG.info("program turn accepted tenant={} key={} turn={}", id.tenantId(), id.apiKeyId(), turn.turnId);
            runner.run(turn, s, trace -> History.request(store.sessions(), s, t, turn.turnId, turn.stream, trace))
                .onComplete(v -> programTurns.remove(turn.turnId));
            if (isClosedConnection(t.connectionId()) || stopping) {
              runner.stop(turn); // the program went away (or the server began to stop) while the turn was being admitted
            }
            return turn.result.future().map(r -> (Object) r);
          });
    });
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

  boolean isClosedConnection(String connectionId) {
    return connectionId != null && closedConnections.containsKey(connectionId);
  }

  /** A connection of this node closed: its turns stop here and, in a cluster, on the nodes its turns were forwarded to. */
  private void closedHere(String connectionId) {
    connectionClosed(connectionId);
    if (placement != null && shard == 0) { // every instance heard it; one tells the cluster
      vertx.eventBus().publish(SessionAddresses.CONNECTION_CLOSED_CLUSTER, new JsonObject().put("connection_id", connectionId));
    }
  }

  private void connectionClosed(String connectionId) {
    long now = System.currentTimeMillis();
    closedConnections.values().removeIf(at -> now - at > CLOSED_CONNECTION_MEMORY_MS);
    closedConnections.put(connectionId, now);
    for (SessionActor a : new ArrayList<>(actors.values())) {
      a.connectionClosed(connectionId);
    }
    for (ActorTurn t : new ArrayList<>(programTurns.values())) {
      if (connectionId.equals(t.cmd.connectionId())) {
        runner.stop(t);
      }
    }
  }

  // ---------------------------------------------------------------- pushes

  void publishUser(Identity id, JsonObject frame) {
    vertx.eventBus().publish(ClientAddresses.user(id.tenantId(), id.userId()), ClientFrame.of(frame));
  }

  void publishMonitor(String tenantId, JsonObject event) {
    vertx.eventBus().publish(ClientAddresses.monitor(tenantId), ClientFrame.of(event));
    vertx.eventBus().publish(ClientAddresses.MONITOR_ALL, event.copy().put("tenant_id", tenantId));
  }

  private void pushQuota(Identity id) {
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
      for (ActorTurn t : new ArrayList<>(programTurns.values())) {
        all.add(t.result.future());
        runner.stop(t);
      }
      return Future.join(all).timeout(StopBudget.ACTORS_SETTLE.toMillis(), TimeUnit.MILLISECONDS).<Void>mapEmpty().otherwiseEmpty();
    });
    return placement == null ? drained : drained.compose(v -> placement.releaseAll());
  }
}
