package io.agentchat.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.App;
import io.agentchat.store.Periods;
import io.agentchat.store.UsageEvent;
import io.agentchat.store.UsageKind;
import io.agentchat.support.Api.User;
import io.agentchat.support.BridgeClient;
import io.agentchat.support.Poll;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Five turns queued in one session, {@code kill -9} while the second streams, restart: the first is answered, the second
 * is settled interrupted and metered for its input and the agent invocation, and the three that never reached the agent
 * are given back and billed nothing but the storage of their message.
 */
class RecoveryBillingTest extends ChildServerTest {

  @Test
  void turnsThatNeverStartedAreNotBilledAfterACrash(Vertx vertx, VertxTestContext ctx) {
    JsonObject config = config(40);
    List<String> turns = new ArrayList<>();
    User[] user = new User[1];
    startServer(vertx, config).compose(u -> {
      user[0] = u;
      return api.newSession(u).compose(s -> BridgeClient.connect(vertx, server.port()).compose(b -> {
        b.register("client.acme." + u.sub(), u.idToken());
        String sid = s.getString("session_id");
        Future<Void> sends = Future.succeededFuture();
        for (int i = 0; i < 5; i++) {
          String message = i == 0 ? "hello" : "tell me a long story " + i;
          sends = sends.compose(v -> b.request("chat.send", u.idToken(), new JsonObject().put("session_id", sid).put("message", message)))
              .map(acc -> {
                turns.add(acc.getString("turn_id"));
                return null;
              });
        }
        return sends.compose(v -> b.await(BridgeClient.has("chunk", c -> turns.get(1).equals(c.getString("turn_id")))));
      }));
    }).compose(frames -> vertx.executeBlocking(() -> {
      server.kill();
      return null;
    })).compose(v -> restart(vertx, config)).compose(app -> settled(vertx, app).compose(x -> check(app, user[0], turns)))
        .onComplete(ctx.succeedingThenComplete());
  }

  private static Future<Void> settled(Vertx vertx, App app) {
    return Poll.until(vertx, () -> app.store().usage().runningTurns(), List::isEmpty).mapEmpty();
  }

  private Future<Void> check(App app, User u, List<String> turns) {
    List<Future<?>> reads = new ArrayList<>();
    for (String t : turns) {
      reads.add(app.store().usage().turn("acme", t));
      reads.add(app.store().usage().turnEvents("acme", t));
    }
    Instant now = Instant.now();
    return Future.all(reads).compose(cf -> app.store().usage().quotaUsage("acme", u.sub(), Periods.dayKey(now), Periods.monthKey(now), now)
        .map(quota -> {
          assertEquals("completed", status(cf.resultAt(0)));
          assertEquals("interrupted", status(cf.resultAt(2)), "the turn that was streaming");
          List<UsageEvent> streaming = cf.resultAt(3);
          assertTrue(has(streaming, UsageKind.INVOCATION) && has(streaming, UsageKind.INPUT_TOKENS), "it reached the agent: " + streaming);
          for (int i = 2; i < 5; i++) {
            assertEquals("interrupted", status(cf.resultAt(2 * i)), "queued turn " + i);
            List<UsageEvent> queued = cf.resultAt(2 * i + 1);
            assertTrue(queued.stream().allMatch(e -> e.kind() == UsageKind.STORAGE_BYTES),
                "queued turn " + i + " never reached the agent: billed nothing but its stored message: " + queued);
          }
          assertEquals(1, quota.dailyUsed(), "only the answered turn counts; the interrupted and queued ones are given back");
          return null;
        }));
  }

  private static String status(java.util.Optional<io.agentchat.store.TurnRecord> t) {
    return t.orElseThrow().status();
  }

  private static boolean has(List<UsageEvent> events, UsageKind kind) {
    return events.stream().anyMatch(e -> e.kind() == kind);
  }
}
