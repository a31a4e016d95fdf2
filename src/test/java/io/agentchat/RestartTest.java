package io.agentchat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.store.Periods;
import io.agentchat.store.ReserveOutcome;
import io.agentchat.store.ReserveRequest;
import io.agentchat.store.UsageKind;
import io.agentchat.support.Api;
import io.agentchat.support.Api.User;
import io.agentchat.support.AppTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RestartTest extends AppTest {

  @Test
  void usersSessionsUsageAndCountersSurviveARestart(VertxTestContext ctx) {
    JsonObject[] before = new JsonObject[2];
    User[] user = new User[1];
    api.signupAndLogin("ada@acme.test", "acme", "basic", null)
        .compose(u -> {
          user[0] = u;
          return api.post("/api/chat", u.idToken(), new JsonObject().put("message", "first").put("request_id", "a1"));
        })
        .compose(r -> api.post("/api/chat", user[0].idToken(), new JsonObject().put("message", "second").put("request_id", "a2")))
        .compose(r -> api.usage(user[0]))
        .compose(usage -> {
          before[0] = usage;
          return api.get("/api/tenants/acme/sessions", user[0].idToken());
        })
        .compose(sessions -> {
          before[1] = sessions.bodyAsJsonObject();
          return restart();
        })
        .compose(a -> api.usage(user[0]))
        .compose(usage -> {
          assertEquals(before[0], usage, "usage and counters are unchanged, and a token issued before the restart still verifies");
          assertEquals(2, usage.getInteger("daily_used"));
          return api.get("/api/tenants/acme/sessions", user[0].idToken());
        })
        .compose(sessions -> {
          JsonArray list = sessions.bodyAsJsonObject().getJsonArray("sessions");
          assertEquals(before[1].getJsonArray("sessions").getJsonObject(0).getString("session_id"), list.getJsonObject(0).getString("session_id"));
          assertEquals(4, list.getJsonObject(0).getInteger("message_count"));
          return api.login("ada@acme.test", Api.PASSWORD);
        })
        .compose(again -> api.post("/api/chat", again.idToken(), new JsonObject().put("message", "first").put("request_id", "a1")))
        .compose(r -> {
          assertTrue(r.bodyAsJsonObject().getBoolean("duplicate"), "idempotency keys survive a restart");
          return api.usage(user[0]);
        })
        .map(usage -> {
          assertEquals(2, usage.getInteger("daily_used"));
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aTurnLeftRunningByACrashIsSettledAtTheNextStart(VertxTestContext ctx) {
    User[] user = new User[1];
    api.signupAndLogin("ada@acme.test", "acme", "basic", null)
        .compose(u -> {
          user[0] = u;
          return api.newSession(u);
        })
        .compose(s -> {
          Instant now = Instant.now();
          // what a crash between reservation and settlement leaves behind
          return app.store().usage().reserveTurn(new ReserveRequest("acme", user[0].sub(), s.getString("session_id"), "t-crashed", "crash-1",
              "a question that never got its answer", Periods.dayKey(now), Periods.monthKey(now), 50, 1000, now));
        })
        .compose(out -> {
          assertEquals(ReserveOutcome.Status.RESERVED, out.status());
          return restart();
        })
        .compose(a -> a.store().usage().turn("acme", "t-crashed"))
        .compose(turn -> {
          assertEquals("interrupted", turn.orElseThrow().status());
          return app.store().usage().turnEvents("acme", "t-crashed");
        })
        .compose(events -> {
          assertTrue(events.stream().anyMatch(e -> e.kind() == UsageKind.INPUT_TOKENS), "the input it had is metered");
          return api.usage(user[0]);
        })
        .map(usage -> {
          assertEquals(0, usage.getInteger("daily_used"), "the message of a turn that never answered is given back");
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }
}
