package io.agentchat.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.store.MessageRecord;
import io.agentchat.store.SessionOwner;
import io.agentchat.support.Api;
import io.agentchat.support.Api.User;
import io.agentchat.support.BridgeClient;
import io.agentchat.support.Poll;
import io.agentchat.support.StreamCheck;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first turns of a fresh session reach all three nodes at once: the nodes race to claim the session, and the losers
 * must hand their turns to the winner. Every round a new basic-plan user (50 messages a day) opens a session on node 1 and
 * sends 100 concurrent {@code POST /api/chat} with that session, spread over the three nodes: exactly 50 are answered and
 * 50 refused with {@code quota_exceeded}, nothing else. A bridge socket on every node follows the user's address: each
 * receives every chunk of every answered turn.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 240, timeUnit = TimeUnit.SECONDS)
class ClusterBurstTest {
  private static final int ROUNDS = 5;
  private static final int TURNS = 100;
  private static final int LEFT = 50;
  private static ThreeNodes cluster;

  @BeforeAll
  static void startCluster(@TempDir Path dir) throws Exception {
    cluster = ThreeNodes.start(dir, 0, 0, 0);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    cluster.stop();
  }

  @Test
  void aBurstOnAFreshSessionIsAnsweredOrRefusedByQuotaAndStreamsEveryChunkToEveryNode(VertxTestContext ctx) {
    Future<Void> rounds = Future.succeededFuture();
    for (int r = 0; r < ROUNDS; r++) {
      int round = r;
      rounds = rounds.compose(v -> round(round));
    }
    rounds.onComplete(ctx.succeedingThenComplete());
  }

  /**
   * A session whose owner record names a live node that does not serve it (a node that claimed it and went quiet): the turn
   * is placed again and again and then refused as briefly unavailable, with a retry hint, never as an internal error.
   */
  @Test
  void aSessionNoNodeCanServeIsRefusedAsBrieflyUnavailable(VertxTestContext ctx) {
    cluster.api(0).signupAndLogin("cal@stuck.test", "stuck", "basic", null).compose(u -> cluster.api(0).newSession(u).compose(s -> {
      String sid = s.getString("session_id");
      return cluster.app(0).store().sessions().claimSession(u.tenant(), sid, cluster.nodeId(1), SessionOwner.NONE).compose(claimed -> {
        assertTrue(claimed);
        return cluster.api(0).post("/api/chat", u.idToken(), new JsonObject().put("session_id", sid).put("message", "anyone there?"));
      }).map(r -> {
        assertEquals(503, r.statusCode(), r.bodyAsString());
        assertEquals("service_unavailable", Api.errorCode(r));
        assertEquals("1", r.getHeader("Retry-After"), "a retry hint");
        return null;
      });
    })).onComplete(ctx.succeedingThenComplete());
  }

  private Future<Void> round(int round) {
    String tenant = "burst-" + round;
    return cluster.api(0).signupAndLogin("bea@" + tenant + ".test", tenant, "basic", null).compose(u -> {
      String address = "client." + tenant + "." + u.sub();
      List<Future<BridgeClient>> opening = List.of(cluster.socket(0, u, address), cluster.socket(1, u, address), cluster.socket(2, u, address));
      return Future.all(opening).compose(cf -> {
        List<BridgeClient> sockets = opening.stream().map(Future::result).toList();
        return listening(sockets, address).compose(v -> cluster.api(0).newSession(u)).compose(s -> {
          String sid = s.getString("session_id");
          List<Future<HttpResponse<Buffer>>> chats = new ArrayList<>();
          for (int i = 0; i < TURNS; i++) {
            chats.add(cluster.api(i % 3).post("/api/chat", u.idToken(),
                new JsonObject().put("session_id", sid).put("message", "hello " + i).put("request_id", "b-" + round + "-" + i)));
          }
          return Future.all(chats).compose(all -> checkAnswers(round, chats))
              .compose(turns -> followedEverywhere(sockets, u, sid, turns));
        }).compose(v -> Future.join(sockets.stream().map(BridgeClient::close).toList()).mapEmpty());
      });
    });
  }

  /** Probes published from every node until every socket has heard each: the registrations are known cluster-wide. */
  private Future<Void> listening(List<BridgeClient> sockets, String address) {
    return Poll.until(cluster.client(), () -> {
      for (int node = 0; node < 3; node++) {
        cluster.publish(node, address, new JsonObject().put("type", "probe").put("node", node));
      }
      return sockets.stream().allMatch(b -> BridgeClient.bodies(b.frames(), "probe").stream().map(p -> p.getInteger("node"))
          .distinct().count() == 3);
    });
  }

  /** Exactly the messages left are answered, the rest refused by the daily quota; the answered turns' ids. */
  private Future<List<String>> checkAnswers(int round, List<Future<HttpResponse<Buffer>>> chats) {
    List<String> answered = new ArrayList<>();
    List<String> other = new ArrayList<>();
    int refused = 0;
    for (Future<HttpResponse<Buffer>> f : chats) {
      HttpResponse<Buffer> r = f.result();
      if (r.statusCode() == 200) {
        answered.add(r.bodyAsJsonObject().getString("turn_id"));
      } else if (r.statusCode() == 429 && "quota_exceeded".equals(Api.errorCode(r))) {
        refused++;
      } else {
        other.add(r.statusCode() + " " + r.bodyAsString());
      }
    }
    assertTrue(other.isEmpty(), "round " + round + ": answers other than 200 and 429 quota_exceeded: " + other);
    assertEquals(LEFT, answered.size(), "round " + round + ": exactly the messages left are answered");
    assertEquals(TURNS - LEFT, refused, "round " + round);
    return Future.succeededFuture(answered);
  }

  /** Every socket, whatever node it is on, received every chunk of every answered turn, in order and once. */
  private Future<Void> followedEverywhere(List<BridgeClient> sockets, User u, String sid, List<String> turns) {
    List<Future<List<JsonObject>>> done = sockets.stream()
        .map(b -> b.await(fs -> BridgeClient.bodies(fs, "done").stream().filter(d -> sid.equals(d.getString("session_id"))).count() == LEFT))
        .toList();
    return Future.all(done).compose(v -> cluster.app(0).store().sessions().messages(u.tenant(), sid, 500)).map(stored -> {
      List<MessageRecord> replies = stored;
      for (int node = 0; node < 3; node++) {
        StreamCheck.everyChunkOfEveryTurn("socket on node " + (node + 1), done.get(node).result(), replies, turns);
      }
      return null;
    });
  }
}
