package io.agentchat.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.App;
import io.agentchat.common.Ids;
import io.agentchat.store.Periods;
import io.agentchat.metering.Pricing;
import io.agentchat.store.TurnRecord;
import io.agentchat.store.UsageEvent;
import io.agentchat.store.UsageKind;
import io.agentchat.support.Api;
import io.agentchat.support.Api.User;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * SIGKILL while ten clients keep the SQLite group-commit writer busy with turns: after a restart every acknowledged turn
 * is there with the cost its client was told, no usage event is counted twice (the rollups equal the events), the quota
 * counts each stored turn once, and repeating an acknowledged request charges nothing.
 */
class KillDuringCommitTest extends ChildServerTest {
  private static final int CLIENTS = 10;
  private static final int ACKS_BEFORE_KILL = 80;

  private final Map<String, JsonObject> acknowledged = new ConcurrentHashMap<>();
  private final List<String> sent = new ArrayList<>();
  private final AtomicBoolean killed = new AtomicBoolean();

  /** One client: turns one after another in its own session until the server is gone. */
  private Future<Void> client(User u, String sessionId, int client, int n) {
    String requestId = "c" + client + "-" + n;
    sent.add(requestId);
    return api.post("/api/chat", u.idToken(), new JsonObject().put("session_id", sessionId).put("message", "question " + n)
        .put("request_id", requestId)).transform(ar -> {
          if (ar.failed() || ar.result().statusCode() != 200) {
            return Future.succeededFuture(); // the server is gone
          }
          acknowledged.put(requestId, ar.result().bodyAsJsonObject());
          if (acknowledged.size() >= ACKS_BEFORE_KILL && killed.compareAndSet(false, true)) {
            server.kill();
          }
          return client(u, sessionId, client, n + 1);
        });
  }

  @Test
  void killDashNineDuringGroupCommitLosesNoAcknowledgedTurnAndCountsNothingTwice(Vertx vertx, VertxTestContext ctx) {
    JsonObject config = config(0);
    User[] user = new User[1];
    startServer(vertx, config).compose(u -> {
      user[0] = u;
      List<Future<Void>> clients = new ArrayList<>();
      for (int i = 0; i < CLIENTS; i++) {
        int c = i;
        clients.add(api.newSession(u).compose(session -> client(u, session.getString("session_id"), c, 0)));
      }
      return Future.join(clients);
    }).compose(v -> vertx.executeBlocking(() -> server.awaitExit(10_000)))
        .compose(exited -> {
          ctx.verify(() -> assertTrue(exited && killed.get(), "killed under load"));
          return restart(vertx, config);
        })
        .compose(app -> verify(vertx, app, user[0]))
        .onComplete(ctx.succeedingThenComplete());
  }

  private Future<Void> verify(Vertx vertx, App app, User u) {
    List<TurnRecord> stored = new ArrayList<>();
    long[] invocations = new long[1];
    Future<Void> chain = Future.succeededFuture();
    for (String requestId : sent) {
      String turnId = Ids.turnId("acme", u.sub(), requestId);
      chain = chain.compose(v -> app.store().usage().turn("acme", turnId)).compose((Optional<TurnRecord> t) -> {
        JsonObject told = acknowledged.get(requestId);
        if (t.isEmpty()) {
          assertEquals(null, told, "an acknowledged turn is never lost: " + requestId);
          return Future.succeededFuture();
        }
        stored.add(t.get());
        return app.store().usage().turnEvents("acme", turnId).map((List<UsageEvent> events) -> {
          long count = events.stream().filter(e -> e.kind() == UsageKind.INVOCATION).count();
          assertEquals(1, count, "one invocation per stored turn: " + requestId);
          invocations[0] += count;
          if (told != null) {
            assertEquals("completed", t.get().status(), requestId);
            long nanos = events.stream().mapToLong(UsageEvent::costNanos).sum();
            assertEquals(0, new BigDecimal(told.getValue("cost_usd").toString()).compareTo(Pricing.usd(nanos)),
                "the stored cost is the one the client was told: " + requestId);
          } else {
            assertTrue(t.get().status().equals("completed") || t.get().status().equals("interrupted"), t.get().status());
          }
          return null;
        });
      });
    }
    Instant now = Instant.now();
    Api restartedApi = new Api(vertx, app.httpPort());
    return chain.compose(v -> app.store().usage().userTotals("acme", u.sub(), "2000-01-01", "2999-12-31")).compose(totals -> {
      assertTrue(acknowledged.size() >= ACKS_BEFORE_KILL);
      assertEquals(invocations[0], totals.invocations(), "the rollups count each event once");
      return app.store().usage().quotaUsage("acme", u.sub(), Periods.dayKey(now), Periods.monthKey(now), now);
    }).compose(q -> {
      long completed = stored.stream().filter(t -> t.status().equals("completed")).count();
      assertEquals(completed, q.dailyUsed(), "each answered turn counted once; interrupted ones given back");
      String anyAcked = acknowledged.keySet().iterator().next();
      return restartedApi.post("/api/chat", u.idToken(), new JsonObject().put("message", "again").put("request_id", anyAcked)).compose(r -> {
        assertEquals(200, r.statusCode(), r.bodyAsString());
        assertTrue(r.bodyAsJsonObject().getBoolean("duplicate"), "an acknowledged request repeated after the crash is not run again");
        return app.store().usage().quotaUsage("acme", u.sub(), Periods.dayKey(now), Periods.monthKey(now), now);
      }).<Void>map(again -> {
        assertEquals(q.dailyUsed(), again.dailyUsed(), "and not charged again");
        return null;
      });
    }).eventually(() -> {
      restartedApi.close();
      return Future.succeededFuture();
    });
  }
}
