package io.agentchat.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.store.MessageRecord;
import io.agentchat.store.UsageEvent;
import io.agentchat.store.UsageKind;
import io.agentchat.support.BridgeClient;
import io.agentchat.support.BridgeClient.BridgeError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes in one JVM sharing one DynamoDB ({@link ThreeNodes}): sessions stream across nodes, limits hold across the
 * cluster, stops and closed connections reach the node running the turn, and a node that dies or leaves hands its
 * sessions on. Node 2 streams slowly so that it can be stopped in the middle of a turn; the tests that stop nodes run last.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DynamoClusterTest {
  @TempDir
  static Path dir;
  private static ThreeNodes cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = ThreeNodes.start(dir);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    cluster.stop();
  }

  @Test
  @Order(1)
  void aUserOnNodeOneChatsWithASessionOwnedByNodeTwoAndReceivesTheStream(VertxTestContext ctx) {
    cluster.api(0).signupAndLogin("ada@stream.test", "stream", "basic", null).compose(u -> cluster.api(1).newSession(u).compose(s -> {
      String sid = s.getString("session_id");
      return cluster.chat(1, u, sid, "hello from node two")
          .compose(r -> cluster.owner(u, sid)).map(o -> {
            assertEquals(cluster.nodeId(1), o, "the first message activated the session on node 2");
            return o;
          })
          .compose(o -> cluster.socket(0, u, "client.stream." + u.sub()))
          .compose(sock -> sock.request("chat.send", u.idToken(), ThreeNodes.send(sid, "hello from node one", "r-1")).compose(acc -> {
            String turn = acc.getString("turn_id");
            return sock.await(BridgeClient.has("done", d -> turn.equals(d.getString("turn_id")))).map(fs -> {
              List<JsonObject> chunks = BridgeClient.bodies(fs, "chunk").stream().filter(c -> turn.equals(c.getString("turn_id"))).toList();
              assertFalse(chunks.isEmpty(), "the chunks of node 2's turn reached the socket on node 1");
              assertTrue(BridgeClient.bodies(fs, "quota").size() > 0, "quota pushes reach node 1 too");
              return null;
            });
          }).compose(v -> cluster.owner(u, sid)).map(o -> {
            assertEquals(cluster.nodeId(1), o, "the session stayed on node 2: one activation");
            return null;
          }).compose(v -> sock.close()));
    })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @Order(2)
  void hundredConcurrentTurnsOverThreeNodesAdmitExactlyTheFiftyLeft(VertxTestContext ctx) {
    cluster.api(0).signupAndLogin("bo@limits.test", "limits", "basic", null).compose(u -> cluster.api(0).newSession(u).compose(s -> {
      String sid = s.getString("session_id");
      // two sockets a node: a bridge socket takes at most 32 handlers, replies included
      List<Future<BridgeClient>> opening = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        opening.add(cluster.socket(i % 3, u, "client.limits." + u.sub()));
      }
      return Future.all(opening).compose(cf -> {
        List<BridgeClient> socks = opening.stream().map(Future::result).toList();
        // the first turn activates the session on node 1; the other 99 arrive at all three nodes at once
        return socks.get(0).request("chat.send", u.idToken(), ThreeNodes.send(sid, "hello", "l-0")).compose(first -> {
          List<Future<JsonObject>> sends = new ArrayList<>();
          for (int i = 1; i < 100; i++) {
            sends.add(socks.get(i % 6).request("chat.send", u.idToken(), ThreeNodes.send(sid, "hello " + i, "l-" + i)));
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
    })).compose(v -> cluster.api(1).signupAndLogin("cy@slots.test", "slots", "basic", null)).compose(u -> {
      // the basic tier allows one open session: six attempts at once over three nodes open exactly one
      List<Future<Integer>> opens = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        opens.add(cluster.api(i % 3).post("/api/sessions", u.idToken(), new JsonObject()).map(r -> r.statusCode()));
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
    cluster.api(2).signupAndLogin("di@monitor.test", "monitor", "premium", null).compose(admin -> cluster.socket(2, admin, "monitor.monitor")
        .compose(mon -> cluster.api(0).newSession(admin).compose(s1 -> cluster.api(1).newSession(admin).compose(s2 ->
            Future.all(cluster.chat(0, admin, s1.getString("session_id"), "turn on node one"), cluster.chat(1, admin, s2.getString("session_id"), "turn on node two"))
                .compose(cf -> mon.await(fs -> BridgeClient.bodies(fs, "turn_finished").size() == 2))
                .compose(fs -> Future.all(cluster.owner(admin, s1.getString("session_id")), cluster.owner(admin, s2.getString("session_id"))).map(cf -> {
                  assertEquals(cluster.nodeId(0), cf.resultAt(0));
                  assertEquals(cluster.nodeId(1), cf.resultAt(1));
                  return null;
                }))))
            .compose(v -> mon.close())))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @Order(3)
  void aChatClosedOnNodeOneTakesNoMoreTurnsOnNodeTwoWhereItRuns(VertxTestContext ctx) {
    cluster.api(1).signupAndLogin("gus@ended.test", "ended", "basic", null).compose(u -> cluster.api(1).newSession(u).compose(s -> {
      String sid = s.getString("session_id");
      return cluster.chat(1, u, sid, "hello on node two")
          .compose(r -> cluster.owner(u, sid)).map(o -> {
            assertEquals(cluster.nodeId(1), o, "the chat runs on node 2");
            return o;
          })
          .compose(o -> cluster.api(0).post("/api/tenants/ended/sessions/" + sid + "/close", u.idToken(), new JsonObject()))
          .compose(r -> io.agentchat.support.Api.expect(r, 200))
          .compose(v -> io.agentchat.support.Poll.until(cluster.client(), () -> cluster.api(1).post("/api/chat", u.idToken(),
              new JsonObject().put("session_id", sid).put("message", "still there?")), r -> r.statusCode() != 200))
          .compose(r -> io.agentchat.support.Api.expectError(r, 410, "session_expired"))
          .compose(x -> cluster.api(1).newSession(u))
          .mapEmpty();
    })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @Order(3)
  void theStopButtonOnNodeOneStopsATurnRunningOnNodeTwo(VertxTestContext ctx) {
    cluster.api(1).signupAndLogin("ed@stop.test", "stopper", "premium", null).compose(u -> cluster.api(1).newSession(u).compose(s -> {
      String sid = s.getString("session_id");
      return cluster.chat(1, u, sid, "hello").compose(r -> cluster.owner(u, sid)).map(o -> {
        assertEquals(cluster.nodeId(1), o, "the session lives on node 2");
        return o;
      }).compose(o -> cluster.socket(0, u, "client.stopper." + u.sub()))
          .compose(sock -> sock.request("chat.send", u.idToken(), ThreeNodes.send(sid, "tell me a long story", "s-1")).compose(acc -> {
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
                  return cluster.app(0).store().usage().turn(u.tenant(), turn);
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
    cluster.api(1).signupAndLogin("flo@close.test", "closer", "premium", null).compose(u -> cluster.api(1).newSession(u).compose(s -> {
      String sid = s.getString("session_id");
      return cluster.chat(1, u, sid, "hello").compose(r -> cluster.socket(0, u, "client.closer." + u.sub()))
          .compose(sock -> sock.request("chat.send", u.idToken(), ThreeNodes.send(sid, "tell me a long story", "c-1")).compose(acc -> {
            String turn = acc.getString("turn_id");
            return sock.await(BridgeClient.has("chunk", c -> turn.equals(c.getString("turn_id"))))
                .compose(fs -> sock.close())
                .compose(v -> cluster.settled(u.tenant(), turn))
                .map(status -> {
                  assertEquals("cancelled", status, "the turn on node 2 stopped when its connection on node 1 closed");
                  return null;
                });
          }));
    })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @Order(3)
  void twoAdminsOnTwoNodesRemovingEachOtherAtOnceLeaveOne(VertxTestContext ctx) {
    cluster.api(0).signupAndLogin("ed@admins.test", "admins", "premium", null).compose(ed -> cluster.api(0).invite(ed)
        .compose(code -> cluster.api(1).signupAndLogin("flo@admins.test", "admins", "premium", code))
        .compose(flo -> cluster.api(0).put("/api/admin/tenants/admins/members/" + flo.sub() + "/role", ed.idToken(), new JsonObject().put("admin", true))
            .compose(r -> cluster.api(1).login("flo@admins.test", io.agentchat.support.Api.PASSWORD))
            // each on their own node removes the other at the same moment
            .compose(floAdmin -> Future.join(
                cluster.api(0).client.delete("/api/admin/tenants/admins/members/" + flo.sub()).putHeader("Authorization", "Bearer " + ed.idToken()).send(),
                cluster.api(1).client.delete("/api/admin/tenants/admins/members/" + ed.sub()).putHeader("Authorization", "Bearer " + floAdmin.idToken()).send()))
            .transform(ar -> cluster.app(2).store().identity().users("admins"))))
        .map(users -> {
          assertEquals(1, users.stream().filter(u -> u.admin()).count(), "exactly one admin is left: " + users);
          return null;
        }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  @Order(4)
  void whenNodeTwoDiesMidTurnTheNextTurnRunsOnASurvivorWithHistoryIntact(VertxTestContext ctx) {
    String node2Id = cluster.nodeId(1);
    var store = cluster.app(0).store();
    cluster.api(0).signupAndLogin("ed@crash.test", "crash", "basic", null).compose(u -> cluster.api(1).newSession(u).compose(s -> {
      String sid = s.getString("session_id");
      return cluster.chat(1, u, sid, "first question").compose(r -> cluster.socket(0, u, "client.crash." + u.sub())).compose(sock ->
          sock.request("chat.send", u.idToken(), ThreeNodes.send(sid, "tell me a long story", "c-2")).compose(acc -> {
            String interrupted = acc.getString("turn_id");
            return sock.await(BridgeClient.has("chunk", c -> interrupted.equals(c.getString("turn_id"))))
                .compose(fs -> cluster.crash(1))
                .compose(v -> cluster.until(() -> !cluster.isMember(0, node2Id)))
                .compose(v -> sock.request("chat.send", u.idToken(), ThreeNodes.send(sid, "are you still there", "c-3")))
                .compose(next -> sock.await(BridgeClient.has("done", d -> next.getString("turn_id").equals(d.getString("turn_id"))))
                    .map(fs -> next.getString("turn_id")))
                .compose(next -> Future.all(store.sessions().messages(u.tenant(), sid, 100), store.usage().turn(u.tenant(), interrupted),
                    store.usage().turnEvents(u.tenant(), interrupted), cluster.owner(u, sid)).map(cf -> {
                  List<MessageRecord> msgs = cf.resultAt(0);
                  List<String> questions = msgs.stream().filter(m -> m.role().equals("user")).map(MessageRecord::text).toList();
                  assertTrue(questions.containsAll(List.of("first question", "tell me a long story", "are you still there")), questions.toString());
                  assertEquals(3, questions.size(), "nothing lost, nothing repeated: " + questions);
                  assertEquals("interrupted", cf.<java.util.Optional<io.agentchat.store.TurnRecord>>resultAt(1).orElseThrow().status());
                  List<UsageEvent> events = cf.resultAt(2);
                  assertEquals(1, events.stream().filter(e -> e.kind() == UsageKind.INPUT_TOKENS).count(), "metered once: " + events);
                  assertEquals(events.size(), events.stream().map(UsageEvent::eventId).distinct().count());
                  String owner = cf.resultAt(3);
                  assertTrue(owner.equals(cluster.nodeId(0)) || owner.equals(cluster.nodeId(2)), "a survivor owns the session now");
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
    cluster.api(leaving).signupAndLogin("fay@leave.test", "leave", "basic", null).compose(u -> cluster.api(leaving).newSession(u).compose(s -> {
      String sid = s.getString("session_id");
      return cluster.chat(leaving, u, sid, "before the leave").compose(r -> cluster.owner(u, sid)).map(o -> {
        assertEquals(cluster.nodeId(leaving), o);
        return null;
      }).compose(v -> cluster.leave(leaving)).compose(v -> cluster.app(0).store().sessions().sessionOwner(u.tenant(), sid)).map(o -> {
        assertTrue(o.released(), "the leaving node gave its session up");
        return null;
      }).compose(v -> cluster.chat(0, u, sid, "after the leave")).compose(r -> Future.all(cluster.owner(u, sid),
          cluster.app(0).store().sessions().messages(u.tenant(), sid, 100))).map(cf -> {
        assertEquals(cluster.nodeId(0), cf.resultAt(0), "the next message activated the session on a remaining node");
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
    var store = cluster.app(0).store();
    cluster.api(0).signupAndLogin("gus@fence.test", "fence", "basic", null).compose(u -> cluster.api(0).newSession(u).compose(s -> {
      String sid = s.getString("session_id");
      return cluster.chat(0, u, sid, "first").compose(r -> store.sessions().sessionOwner(u.tenant(), sid))
          // a node that is gone from the cluster claims the session, as if this node had been cut off for a while
          .compose(mine -> store.sessions().claimSession(u.tenant(), sid, "gone-node", mine).map(won -> {
            assertTrue(won);
            return mine.epoch();
          }))
          .compose(epoch -> cluster.chat(0, u, sid, "second").compose(r -> Future.all(store.sessions().sessionOwner(u.tenant(), sid),
              store.sessions().messages(u.tenant(), sid, 100))).map(cf -> {
            io.agentchat.store.SessionOwner now = cf.resultAt(0);
            assertEquals(cluster.nodeId(0), now.node());
            assertEquals(epoch + 2, now.epoch(), "taken back from the departed claimant with a new claim");
            List<MessageRecord> msgs = cf.resultAt(1);
            assertEquals(4, msgs.size(), "two questions, two answers: " + msgs);
            return null;
          }));
    })).onComplete(ctx.succeedingThenComplete());
  }
}
