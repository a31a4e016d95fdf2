package io.agentchat.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.App;
import io.agentchat.store.MessageRecord;
import io.agentchat.store.Periods;
import io.agentchat.store.TurnRecord;
import io.agentchat.store.UsageKind;
import io.agentchat.support.Api.User;
import io.agentchat.support.Api;
import io.agentchat.support.BridgeClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to the server process (SQLite store) while 50 replies stream over the bridge: no new connections, every turn
 * stopped and settled while the client still listens, the process gone within 10 s, and after a restart the stored usage
 * is exactly what the client was told.
 */
class SigtermUnderLoadTest extends ChildServerTest {
  /** One turn in each session the tier allows. */
  static final int TURNS = SESSIONS;

  private static boolean connects(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void sigtermDuringFiftyStreamingTurnsLosesNothingAndExitsWithinTenSeconds(Vertx vertx, VertxTestContext ctx) {
    JsonObject config = config(150);
    Map<String, String> sessionOfTurn = new HashMap<>();
    User[] user = new User[1];
    BridgeClient[] bridge = new BridgeClient[1];
    long[] sigtermAt = new long[1];
    startServer(vertx, config).compose(u -> {
      user[0] = u;
      List<Future<JsonObject>> sessions = new ArrayList<>();
      for (int i = 0; i < TURNS; i++) {
        sessions.add(api.newSession(u));
      }
      return Future.all(sessions).map(cf -> sessions.stream().map(f -> f.result().getString("session_id")).toList());
    }).compose(sessionIds -> BridgeClient.connect(vertx, server.port()).compose(b -> {
      bridge[0] = b;
      b.register("client.acme." + user[0].sub(), user[0].idToken());
      List<Future<JsonObject>> sends = new ArrayList<>();
      for (int i = 0; i < TURNS; i++) {
        sends.add(b.request("chat.send", user[0].idToken(), new JsonObject().put("session_id", sessionIds.get(i))
            .put("message", "tell me a long story " + i).put("request_id", "story-" + i)));
      }
      return Future.all(sends).map(cf -> {
        sends.forEach(f -> sessionOfTurn.put(f.result().getString("turn_id"), f.result().getString("session_id")));
        return null;
      });
    })).compose(v -> bridge[0].await(fs -> BridgeClient.bodies(fs, "chunk").stream().map(c -> c.getString("turn_id")).distinct().count() == TURNS))
        .compose(streaming -> {
          // every turn is streaming: stop the server
          sigtermAt[0] = System.nanoTime();
          server.terminate();
          return bridge[0].closed();
        })
        .compose(closed -> vertx.executeBlocking(() -> {
          boolean alive = server.isAlive();
          boolean connected = connects(server.port());
          boolean exited = server.awaitExit(10_000 - (System.nanoTime() - sigtermAt[0]) / 1_000_000);
          ctx.verify(() -> {
            assertFalse(alive && connected, "a new connection is refused while the server stops");
            assertTrue(exited, "the process exits within 10 s of SIGTERM");
          });
          return (System.nanoTime() - sigtermAt[0]) / 1_000_000;
        }))
        .compose(stopMillis -> {
          List<JsonObject> frames = bridge[0].frames();
          List<JsonObject> done = BridgeClient.bodies(frames, "done");
          ctx.verify(() -> assertEquals(TURNS, done.size(), "the client heard how every turn ended before its socket closed"));
          return restart(vertx, config).compose(app -> verify(app, user[0], sessionOfTurn, frames));
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  /** After the restart: each turn settled before the exit, its reply as streamed, its cost and the quota as the client was told. */
  private Future<Void> verify(App app, User user, Map<String, String> sessionOfTurn, List<JsonObject> frames) {
    Map<String, StringBuilder> streamed = new HashMap<>();
    for (JsonObject c : BridgeClient.bodies(frames, "chunk")) {
      streamed.computeIfAbsent(c.getString("turn_id"), k -> new StringBuilder()).append(c.getString("text"));
    }
    Map<String, JsonObject> done = new HashMap<>();
    BridgeClient.bodies(frames, "done").forEach(d -> done.put(d.getString("turn_id"), d));
    List<JsonObject> quotas = BridgeClient.bodies(frames, "quota");
    Future<Void> chain = Future.succeededFuture();
    for (Map.Entry<String, String> e : sessionOfTurn.entrySet()) {
      String turnId = e.getKey();
      chain = chain.compose(v -> app.store().usage().turn("acme", turnId)).compose(t -> {
        TurnRecord turn = t.orElseThrow();
        assertTrue(turn.status().equals("cancelled") || turn.status().equals("completed"),
            "settled at the stop, not left for crash recovery: " + turn.status());
        assertEquals(done.get(turnId).getString("status"), turn.status(), "the status the client was told");
        return app.store().sessions().messages("acme", e.getValue(), 10);
      }).compose(messages -> {
        Optional<MessageRecord> reply = messages.stream().filter(m -> turnId.equals(m.turnId()) && m.role().equals("assistant")).findFirst();
        assertTrue(reply.isPresent(), "the partial reply is stored");
        assertTrue(reply.get().text().startsWith(streamed.get(turnId).toString()), "it holds everything the client saw");
        return app.store().usage().turnEvents("acme", turnId);
      }).map(events -> {
        long nanos = events.stream().mapToLong(ev -> ev.costNanos()).sum();
        assertEquals(new BigDecimal(done.get(turnId).getValue("cost_usd").toString()).compareTo(io.agentchat.metering.Pricing.usd(nanos)), 0,
            "the stored cost is the cost the client was told");
        assertEquals(1, events.stream().filter(ev -> ev.kind() == UsageKind.INVOCATION).count());
        return null;
      });
    }
    Instant now = Instant.now();
    return chain.compose(v -> app.store().usage().quotaUsage("acme", user.sub(), Periods.dayKey(now), Periods.monthKey(now), now)).map(q -> {
      int told = quotas.stream().mapToInt(f -> f.getInteger("daily_used")).max().orElse(-1);
      assertEquals(TURNS, q.dailyUsed(), "50 messages counted");
      assertEquals(told, q.dailyUsed(), "the count the client was last told");
      return null;
    });
  }
}
