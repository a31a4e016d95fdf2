package io.agentchat.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentchat.App;
import io.agentchat.auth.SigningKeys;
import io.agentchat.config.AppConfig;
import io.agentchat.support.Api;
import io.agentchat.support.Api.User;
import io.agentchat.support.BridgeClient;
import io.agentchat.support.Dynalite;
import io.agentchat.support.Poll;
import io.agentchat.support.Ports;
import io.agentchat.support.TestApp;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Three nodes in one JVM (three Vert.x instances, three Hazelcast members on loopback) sharing one DynamoDB (dynalite) and
 * one signing key, and a fourth Vert.x for the clients. By default node 2 (index 1) streams slowly so that it can be stopped
 * in the middle of a turn. Nodes are numbered from 0 here.
 */
final class ThreeNodes {
  private final List<Vertx> nodes = new ArrayList<>();
  private final List<App> apps = new ArrayList<>();
  private final List<Api> apis = new ArrayList<>();
  private final Set<Integer> gone = new HashSet<>();
  private final Vertx client = Vertx.vertx();

  private ThreeNodes() {
  }

  /** Starts the three nodes one after the other, node 2 streaming slowly (blocking: for {@code @BeforeAll}). */
  static ThreeNodes start(Path dir) throws Exception {
    return start(dir, 0, 20, 0);
  }

  /** Starts the three nodes, each offline agent pausing {@code chunkDelayMs[i]} between chunks. */
  static ThreeNodes start(Path dir, long... chunkDelayMs) throws Exception {
    ThreeNodes c = new ThreeNodes();
    SigningKeys.loadOrCreate(dir);
    String tables = Dynalite.uniquePrefix();
    int base = Ports.freeRange(3);
    String name = "test-" + UUID.randomUUID();
    JsonArray members = new JsonArray().add("127.0.0.1:" + base).add("127.0.0.1:" + (base + 1)).add("127.0.0.1:" + (base + 2));
    for (int i = 0; i < 3; i++) {
      JsonObject json = Dynalite.shared().useIn(TestApp.config(dir.resolve("node" + i)), tables);
      json.getJsonObject("auth").getJsonObject("local").put("signingKeyFile", dir.resolve("keys/signing-key.pem").toString());
      json.put("cluster", new JsonObject().put("enabled", true).put("name", name).put("host", "127.0.0.1").put("port", base + i)
          .put("members", members).put("failureDetectionSeconds", 3));
      json.getJsonObject("agent").getJsonObject("offline").put("chunkDelayMs", chunkDelayMs[i]);
      json.getJsonObject("session").put("maxQueuedTurns", 200);
      AppConfig config = AppConfig.from(json);
      Vertx vertx = ClusterNode.start(Vertx.builder(), new VertxOptions(), config.cluster()).await(60, TimeUnit.SECONDS);
      c.nodes.add(vertx);
      App app = App.start(vertx, config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).await(60, TimeUnit.SECONDS);
      c.apps.add(app);
      c.apis.add(new Api(c.client, app.httpPort()));
    }
    return c;
  }

  /** Stops the nodes still running, then the clients' Vert.x (blocking: for {@code @AfterAll}). */
  void stop() throws Exception {
    apis.forEach(Api::close);
    List<Future<?>> all = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      if (gone.contains(i)) {
        continue;
      }
      App app = apps.get(i);
      Vertx vertx = nodes.get(i);
      all.add(app.stop().transform(v -> vertx.close()).timeout(30, TimeUnit.SECONDS));
    }
    Future.join(all).transform(v -> client.close()).await(60, TimeUnit.SECONDS);
  }

  /** The clients' Vert.x. */
  Vertx client() {
    return client;
  }

  Api api(int node) {
    return apis.get(node);
  }

  App app(int node) {
    return apps.get(node);
  }

  String nodeId(int node) {
    return ClusterNode.nodeId(nodes.get(node));
  }

  /** Publishes on the event bus of {@code node} (to check that a client's registration is known cluster-wide). */
  void publish(int node, String address, JsonObject body) {
    nodes.get(node).eventBus().publish(address, body);
  }

  /** Whether node {@code of} still sees {@code nodeId} as a member of the cluster. */
  boolean isMember(int of, String nodeId) {
    return ClusterNode.isMember(nodes.get(of), nodeId);
  }

  /** The node that owns the session, as the store says. */
  Future<String> owner(User u, String sessionId) {
    return apps.get(0).store().sessions().sessionOwner(u.tenant(), sessionId).map(o -> o.node());
  }

  /** A bridge connection to {@code node}, listening on {@code address} with the user's token. */
  Future<BridgeClient> socket(int node, User u, String address) {
    return BridgeClient.connect(client, apps.get(node).httpPort()).map(b -> {
      b.register(address, u.idToken());
      return b;
    });
  }

  /** The body of a {@code chat.send}. */
  static JsonObject send(String sessionId, String message, String requestId) {
    return new JsonObject().put("session_id", sessionId).put("message", message).put("request_id", requestId);
  }

  /** One turn over HTTP on {@code node}; the whole reply. */
  Future<JsonObject> chat(int node, User u, String sessionId, String message) {
    return apis.get(node).post("/api/chat", u.idToken(), new JsonObject().put("session_id", sessionId).put("message", message)).map(r -> {
      assertEquals(200, r.statusCode(), r.bodyAsString());
      return r.bodyAsJsonObject();
    });
  }

  /** Completes once the condition holds (see {@link Poll}). */
  Future<Void> until(BooleanSupplier condition) {
    return Poll.until(client, condition);
  }

  /** The status of a turn once it is no longer running. */
  Future<String> settled(String tenant, String turnId) {
    return Poll.until(client, () -> apps.get(0).store().usage().turn(tenant, turnId), t -> t.isPresent() && !t.get().running())
        .map(t -> t.get().status());
  }

  /** Stops {@code node} as a crash would: its Hazelcast member vanishes and its store calls fail; nothing is settled or released. */
  Future<Void> crash(int node) {
    Vertx vertx = nodes.get(node);
    HazelcastClusterManager hz = (HazelcastClusterManager) ((VertxInternal) vertx).clusterManager();
    hz.getHazelcastInstance().getLifecycleService().terminate();
    gone.add(node);
    return apps.get(node).store().close().onComplete(v -> vertx.close());
  }

  /** Stops {@code node} the graceful way: its application stops (and hands its sessions over), then its Vert.x. */
  Future<Void> leave(int node) {
    gone.add(node);
    return apps.get(node).stop().compose(x -> nodes.get(node).close());
  }
}
