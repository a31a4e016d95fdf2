package io.agentchat.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.App;
import io.agentchat.auth.SigningKeys;
import io.agentchat.config.AppConfig;
import io.agentchat.store.MessageRecord;
import io.agentchat.store.UsageEvent;
import io.agentchat.store.UsageKind;
import io.agentchat.support.Api;
import io.agentchat.support.Api.User;
import io.agentchat.support.BridgeClient;
import io.agentchat.support.BridgeClient.BridgeError;
import io.agentchat.support.Dynalite;
import io.agentchat.support.TestApp;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes in one JVM (three Vert.x instances, three Hazelcast members on loopback) sharing one DynamoDB (dynalite).
 * Node 2 streams slowly so that it can be stopped in the middle of a turn; the test that stops it runs last.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DynamoClusterTest {
  @TempDir
  static Path dir;
  private static final List<Vertx> NODES = new ArrayList<>();
  private static final List<App> APPS = new ArrayList<>();
  private static final List<Api> APIS = new ArrayList<>();
  private static Vertx client;
  private static final java.util.Set<Integer> CRASHED = new java.util.HashSet<>();

  @BeforeAll
  static void startCluster() throws Exception {
    SigningKeys.loadOrCreate(dir);
    String tables = Dynalite.uniquePrefix();
    int base = freePorts(3);
    String name = "test-" + UUID.randomUUID();
    JsonArray members = new JsonArray().add("127.0.0.1:" + base).add("127.0.0.1:" + (base + 1)).add("127.0.0.1:" + (base + 2));
    client = Vertx.vertx();
    for (int i = 0; i < 3; i++) {
      JsonObject json = Dynalite.shared().useIn(TestApp.config(dir.resolve("node" + i)), tables);
      json.getJsonObject("auth").getJsonObject("local").put("signingKeyFile", dir.resolve("keys/signing-key.pem").toString());
      json.put("cluster", new JsonObject().put("enabled", true).put("name", name).put("host", "127.0.0.1").put("port", base + i)
          .put("members", members).put("failureDetectionSeconds", 3));
      // node 2 streams at a readable pace, so that it can be stopped in the middle of a reply
      json.getJsonObject("agent").getJsonObject("offline").put("chunkDelayMs", i == 1 ? 20 : 0);
      json.getJsonObject("session").put("maxQueuedTurns", 200);
      AppConfig config = AppConfig.from(json);
      Vertx vertx = ClusterNode.start(Vertx.builder(), new VertxOptions(), config.cluster()).await(60, TimeUnit.SECONDS);
      NODES.add(vertx);
      App app = App.start(vertx, config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).await(60, TimeUnit.SECONDS);
      APPS.add(app);
      APIS.add(new Api(client, app.httpPort()));
    }
  }

  @AfterAll
  static void stopCluster() throws Exception {
    APIS.forEach(Api::close);
    List<Future<?>> all = new ArrayList<>();
    for (int i = 0; i < NODES.size(); i++) {
      if (CRASHED.contains(i)) {
        continue;
      }
      App app = APPS.get(i);
      Vertx vertx = NODES.get(i);
      all.add(app.stop().transform(v -> vertx.close()).timeout(30, TimeUnit.SECONDS));
    }
    Future.join(all).transform(v -> client.close()).await(60, TimeUnit.SECONDS);
  }

  private static int freePorts(int n) throws Exception {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = 20_000 + (int) (Math.random() * 20_000);
      boolean free = true;
      for (int i = 0; i < n && free; i++) {
        try (ServerSocket s = new ServerSocket(base + i, 1, java.net.InetAddress.getLoopbackAddress())) {
          s.setReuseAddress(true);
        } catch (java.io.IOException e) {
          free = false;
        }
      }
      if (free) {
        return base;
      }
    }
    throw new IllegalStateException("no free ports");
  }

  private static String nodeId(int i) {
    return ClusterNode.nodeId(NODES.get(i));
  }

  private static Future<String> owner(User u, String sessionId) {
    return APPS.get(0).store().sessions().sessionOwner(u.tenant(), sessionId).map(o -> o.node());
  }

  private static Future<BridgeClient> socket(int node, User u, String address) {
    return BridgeClient.connect(client, APPS.get(node).httpPort()).map(b -> {
      b.register(address, u.idToken());
      return b;
    });
  }

  private static JsonObject send(String sessionId, String message, String requestId) {
    return new JsonObject().put("session_id", sessionId).put("message", message).put("request_id", requestId);
  }

  private static Future<JsonObject> chat(int node, User u, String sessionId, String message) {
    return APIS.get(node).post("/api/chat", u.idToken(), new JsonObject().put("session_id", sessionId).put("message", message)).map(r -> {
      assertEquals(200, r.statusCode(), r.bodyAsString());
      return r.bodyAsJsonObject();
    });
  }

  /** Completes once the condition holds, checking every 50 ms. */
  private static Future<Void> until(BooleanSupplier condition) {
    Promise<Void> p = Promise.promise();
    client.setPeriodic(0, 50, id -> {
      if (condition.getAsBoolean()) {
        client.cancelTimer(id);
        p.tryComplete();
      }
    });
    return p.future();
  }

  @Test
  @Order(1)
  void aUserOnNodeOneChatsWithASessionOwnedByNodeTwoAndReceivesTheStream(VertxTestContext ctx) {
    Api node1 = APIS.get(0);
    node1.signupAndLogin("ada@stream.test", "stream", "basic", null).compose(u -> APIS.get(1).newSession(u).compose(s -> {
      String sid = s.getString("session_id");
      return chat(1, u, sid, "hello from node two")
          .compose(r -> owner(u, sid)).map(o -> {
            assertEquals(nodeId(1), o, "the first message activated the session on node 2");
            return o;
          })
          .compose(o -> socket(0, u, "client.stream." + u.sub()))
          .compose(sock -> sock.request("chat.send", u.idToken(), send(sid, "hello from node one", "r-1")).compose(acc -> {
            String turn = acc.getString("turn_id");
            return sock.await(BridgeClient.has("done", d -> turn.equals(d.getString("turn_id")))).map(fs -> {
              List<JsonObject> chunks = BridgeClient.bodies(fs, "chunk").stream().filter(c -> turn.equals(c.getString("turn_id"))).toList();
              assertFalse(chunks.isEmpty(), "the chunks of node 2's turn reached the socket on node 1");
              assertTrue(BridgeClient.bodies(fs, "quota").size() > 0, "quota pushes reach node 1 too");
              return null;
            });
          }).compose(v -> owner(u, sid)).map(o -> {
            assertEquals(nodeId(1), o, "the session stayed on node 2: one activation");
            return null;
          }).compose(v -> sock.close()));
    })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @Order(2)
  void hundredConcurrentTurnsOverThreeNodesAdmitExactlyTheFiftyLeft(VertxTestContext ctx) {
    APIS.get(0).signupAndLogin("bo@limits.test", "limits", "basic", null).compose(u -> APIS.get(0).newSession(u).compose(s -> {
      String sid = s.getString("session_id");
      // two sockets a node: a bridge socket takes at most 32 handlers, replies included
      List<Future<BridgeClient>> opening = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        opening.add(socket(i % 3, u, "client.limits." + u.sub()));
      }
      return Future.all(opening).compose(cf -> {
        List<BridgeClient> socks = opening.stream().map(Future::result).toList();
        // the first turn activates the session on node 1; the other 99 arrive at all three nodes at once
        return socks.get(0).request("chat.send", u.idToken(), send(sid, "hello", "l-0")).compose(first -> {
          List<Future<JsonObject>> sends = new ArrayList<>();
          for (int i = 1; i < 100; i++) {
            sends.add(socks.get(i % 6).request("chat.send", u.idToken(), send(sid, "hello " + i, "l-" + i)));
          }
          return Future.join(sends).transform(ar -> {
            long accepted = 1 + sends.stream().filter(Future::succeeded).count();
            long refused = sends.stream().filter(f -> f.failed() && f.cause() instanceof BridgeError e && e.code().equals("quota_exceeded")).count();
            assertEquals(50, accepted, "exactly the 50 messages left are admitted");
            assertEquals(50, refused);
            return socks.get(5).await(fs -> BridgeClient.bodies(fs, "done").size() == 50);
          });
        }).compose(v -> Future.join(socks.stream().map(BridgeClient::close).toList()));
      });
    })).compose(v -> APIS.get(1).signupAndLogin("cy@slots.test", "slots", "basic", null)).compose(u -> {
      // the basic tier allows one open session: six attempts at once over three nodes open exactly one
      List<Future<Integer>> opens = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        opens.add(APIS.get(i % 3).post("/api/sessions", u.idToken(), new JsonObject()).map(r -> r.statusCode()));
      }
      return Future.all(opens).map(cf -> {
        assertEquals(1, opens.stream().filter(f -> f.result() == 201).count(), "one session across the cluster");
        return null;
      });
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @Order(3)
  void anAdminOnNodeThreeSeesTurnsExecutedOnNodesOneAndTwo(VertxTestContext ctx) {
    APIS.get(2).signupAndLogin("di@monitor.test", "monitor", "premium", null).compose(admin -> socket(2, admin, "monitor.monitor")
        .compose(mon -> APIS.get(0).newSession(admin).compose(s1 -> APIS.get(1).newSession(admin).compose(s2 ->
            Future.all(chat(0, admin, s1.getString("session_id"), "turn on node one"), chat(1, admin, s2.getString("session_id"), "turn on node two"))
                .compose(cf -> mon.await(fs -> BridgeClient.bodies(fs, "turn_finished").size() == 2))
                .compose(fs -> Future.all(owner(admin, s1.getString("session_id")), owner(admin, s2.getString("session_id"))).map(cf -> {
                  assertEquals(nodeId(0), cf.resultAt(0));
                  assertEquals(nodeId(1), cf.resultAt(1));
                  return null;
                }))))
            .compose(v -> mon.close())))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @Order(3)
  void theStopButtonOnNodeOneStopsATurnRunningOnNodeTwo(VertxTestContext ctx) {
    APIS.get(1).signupAndLogin("ed@stop.test", "stopper", "premium", null).compose(u -> APIS.get(1).newSession(u).compose(s -> {
      String sid = s.getString("session_id");
      return chat(1, u, sid, "hello").compose(r -> owner(u, sid)).map(o -> {
        assertEquals(nodeId(1), o, "the session lives on node 2");
        return o;
      }).compose(o -> socket(0, u, "client.stopper." + u.sub()))
          .compose(sock -> sock.request("chat.send", u.idToken(), send(sid, "tell me a long story", "s-1")).compose(acc -> {
            String turn = acc.getString("turn_id");
            return sock.await(BridgeClient.has("chunk", c -> turn.equals(c.getString("turn_id"))))
                .compose(fs -> sock.request("chat.cancel", u.idToken(), new JsonObject().put("turn_id", turn)))
                .compose(res -> {
                  assertEquals(Boolean.TRUE, res.getBoolean("cancelled"), res.encode());
                  return sock.await(BridgeClient.has("done", d -> turn.equals(d.getString("turn_id"))));
                })
                .compose(fs -> {
                  JsonObject done = BridgeClient.bodies(fs, "done").stream().filter(d -> turn.equals(d.getString("turn_id"))).findFirst().orElseThrow();
                  assertEquals("cancelled", done.getString("status"), done.encode());
                  return APPS.get(0).store().usage().turn(u.tenant(), turn);
                })
                .map(t -> {
                  assertEquals("cancelled", t.orElseThrow().status(), "stopped and settled once, on the node that ran it");
                  return null;
                });
          }).compose(v -> sock.close()));
    })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @Order(3)
  void aConnectionClosedOnNodeOneStopsItsTurnRunningOnNodeTwo(VertxTestContext ctx) {
    APIS.get(1).signupAndLogin("flo@close.test", "closer", "premium", null).compose(u -> APIS.get(1).newSession(u).compose(s -> {
      String sid = s.getString("session_id");
      return chat(1, u, sid, "hello").compose(r -> socket(0, u, "client.closer." + u.sub()))
          .compose(sock -> sock.request("chat.send", u.idToken(), send(sid, "tell me a long story", "c-1")).compose(acc -> {
            String turn = acc.getString("turn_id");
            return sock.await(BridgeClient.has("chunk", c -> turn.equals(c.getString("turn_id"))))
                .compose(fs -> sock.close())
                .compose(v -> settled(u.tenant(), turn))
                .map(status -> {
                  assertEquals("cancelled", status, "the turn on node 2 stopped when its connection on node 1 closed");
                  return null;
                });
          }));
    })).onComplete(ctx.succeedingThenComplete());
  }

  /** The status of a turn once it is no longer running (polled every 50 ms). */
  private static Future<String> settled(String tenant, String turnId) {
    return APPS.get(0).store().usage().turn(tenant, turnId).compose(t -> {
      if (t.isPresent() && !t.get().running()) {
        return Future.succeededFuture(t.get().status());
      }
      Promise<String> p = Promise.promise();
      client.setTimer(50, id -> settled(tenant, turnId).onComplete(p));
      return p.future();
    });
  }

  @Test
  @Order(4)
  void whenNodeTwoDiesMidTurnTheNextTurnRunsOnASurvivorWithHistoryIntact(VertxTestContext ctx) {
    Vertx node2 = NODES.get(1);
    String node2Id = nodeId(1);
    APIS.get(0).signupAndLogin("ed@crash.test", "crash", "basic", null).compose(u -> APIS.get(1).newSession(u).compose(s -> {
      String sid = s.getString("session_id");
      return chat(1, u, sid, "first question").compose(r -> socket(0, u, "client.crash." + u.sub())).compose(sock ->
          sock.request("chat.send", u.idToken(), send(sid, "tell me a long story", "c-2")).compose(acc -> {
            String interrupted = acc.getString("turn_id");
            return sock.await(BridgeClient.has("chunk", c -> interrupted.equals(c.getString("turn_id"))))
                .compose(fs -> crash(node2))
                .compose(v -> until(() -> !ClusterNode.isMember(NODES.get(0), node2Id)))
                .compose(v -> sock.request("chat.send", u.idToken(), send(sid, "are you still there", "c-3")))
                .compose(next -> sock.await(BridgeClient.has("done", d -> next.getString("turn_id").equals(d.getString("turn_id"))))
                    .map(fs -> next.getString("turn_id")))
                .compose(next -> Future.all(APPS.get(0).store().sessions().messages(u.tenant(), sid, 100), APPS.get(0).store().usage().turn(u.tenant(), interrupted),
                    APPS.get(0).store().usage().turnEvents(u.tenant(), interrupted), owner(u, sid)).map(cf -> {
                  List<MessageRecord> msgs = cf.resultAt(0);
                  List<String> questions = msgs.stream().filter(m -> m.role().equals("user")).map(MessageRecord::text).toList();
                  assertTrue(questions.containsAll(List.of("first question", "tell me a long story", "are you still there")), questions.toString());
                  assertEquals(3, questions.size(), "nothing lost, nothing repeated: " + questions);
                  assertEquals("interrupted", cf.<java.util.Optional<io.agentchat.store.TurnRecord>>resultAt(1).orElseThrow().status());
                  List<UsageEvent> events = cf.resultAt(2);
                  assertEquals(1, events.stream().filter(e -> e.kind() == UsageKind.INPUT_TOKENS).count(), "metered once: " + events);
                  assertEquals(events.size(), events.stream().map(UsageEvent::eventId).distinct().count());
                  String owner = cf.resultAt(3);
                  assertTrue(owner.equals(nodeId(0)) || owner.equals(nodeId(2)), "a survivor owns the session now");
                  return null;
                }))
                .compose(v -> sock.close());
          }));
    })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @Order(5)
  void aNodeThatLeavesGracefullyHandsItsSessionsOver(VertxTestContext ctx) {
    int leaving = 2;
    APIS.get(leaving).signupAndLogin("fay@leave.test", "leave", "basic", null).compose(u -> APIS.get(leaving).newSession(u).compose(s -> {
      String sid = s.getString("session_id");
      return chat(leaving, u, sid, "before the leave").compose(r -> owner(u, sid)).map(o -> {
        assertEquals(nodeId(leaving), o);
        return null;
      }).compose(v -> {
        CRASHED.add(leaving);
        return APPS.get(leaving).stop().compose(x -> NODES.get(leaving).close());
      }).compose(v -> APPS.get(0).store().sessions().sessionOwner(u.tenant(), sid)).map(o -> {
        assertTrue(o.released(), "the leaving node gave its session up");
        return null;
      }).compose(v -> chat(0, u, sid, "after the leave")).compose(r -> Future.all(owner(u, sid),
          APPS.get(0).store().sessions().messages(u.tenant(), sid, 100))).map(cf -> {
        assertEquals(nodeId(0), cf.resultAt(0), "the next message activated the session on a remaining node");
        List<MessageRecord> msgs = cf.resultAt(1);
        assertEquals(java.util.Set.of("before the leave", "after the leave"),
            java.util.Set.copyOf(msgs.stream().filter(m -> m.role().equals("user")).map(MessageRecord::text).toList()));
        assertEquals(4, msgs.size(), "two questions, two answers: " + msgs);
        return null;
      });
    })).onComplete(ctx.succeedingThenComplete());
  }

  /** The owner's epoch fences each turn: an actor whose session was claimed elsewhere takes no more turns. */
  @Test
  @Order(6)
  void anActorWhoseSessionWasClaimedElsewhereHandsTheTurnOn(VertxTestContext ctx) {
    var store = APPS.get(0).store();
    APIS.get(0).signupAndLogin("gus@fence.test", "fence", "basic", null).compose(u -> APIS.get(0).newSession(u).compose(s -> {
      String sid = s.getString("session_id");
      return chat(0, u, sid, "first").compose(r -> store.sessions().sessionOwner(u.tenant(), sid))
          // a node that is gone from the cluster claims the session, as if this node had been cut off for a while
          .compose(mine -> store.sessions().claimSession(u.tenant(), sid, "gone-node", mine).map(won -> {
            assertTrue(won);
            return mine.epoch();
          }))
          .compose(epoch -> chat(0, u, sid, "second").compose(r -> Future.all(store.sessions().sessionOwner(u.tenant(), sid),
              store.sessions().messages(u.tenant(), sid, 100))).map(cf -> {
            io.agentchat.store.SessionOwner now = cf.resultAt(0);
            assertEquals(nodeId(0), now.node());
            assertEquals(epoch + 2, now.epoch(), "taken back from the departed claimant with a new claim");
            List<MessageRecord> msgs = cf.resultAt(1);
            assertEquals(4, msgs.size(), "two questions, two answers: " + msgs);
            return null;
          }));
    })).onComplete(ctx.succeedingThenComplete());
  }

  /** Stops node 2 as a crash would: its Hazelcast member vanishes and its store calls fail; nothing is settled or released. */
  private static Future<Void> crash(Vertx node) {
    HazelcastClusterManager hz = (HazelcastClusterManager) ((VertxInternal) node).clusterManager();
    hz.getHazelcastInstance().getLifecycleService().terminate();
    int i = NODES.indexOf(node);
    CRASHED.add(i);
    return APPS.get(i).store().close().onComplete(v -> node.close());
  }
}
