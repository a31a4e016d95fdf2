package io.agentchat.metering;

import static io.agentchat.support.Api.errorCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.store.Periods;
import io.agentchat.store.QuotaUsage;
import io.agentchat.store.UsageEvent;
import io.agentchat.store.UsageKind;
import io.agentchat.support.AppTest;
import io.agentchat.support.BridgeClient;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuotaAndIdempotencyTest extends AppTest {

  @Test
  void hundredConcurrentChatsWithFiftyLeftAdmitExactlyFifty(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(u -> {
      List<Future<HttpResponse<Buffer>>> all = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        all.add(api.post("/api/chat", u.idToken(), new JsonObject().put("message", "hello " + i).put("request_id", "burst-" + i)));
      }
      return Future.all(all).compose(cf -> {
        int ok = 0;
        int refused = 0;
        for (Future<HttpResponse<Buffer>> f : all) {
          HttpResponse<Buffer> r = f.result();
          if (r.statusCode() == 200) {
            ok++;
            assertEquals("completed", r.bodyAsJsonObject().getString("status"));
          } else {
            assertEquals(429, r.statusCode(), r.bodyAsString());
            assertEquals("quota_exceeded", errorCode(r));
            refused++;
          }
        }
        assertEquals(50, ok, "exactly the 50 messages left are admitted");
        assertEquals(50, refused);
        Instant now = Instant.now();
        return app.store().usage().quotaUsage("acme", u.sub(), Periods.dayKey(now), Periods.monthKey(now), now).compose(q -> {
          assertEquals(50, q.dailyUsed(), "the store counts 50");
          assertEquals(50, q.monthlyUsed());
          return app.store().usage().userTotals("acme", u.sub(), "2000-01-01", "2999-12-31");
        }).map(t -> {
          assertEquals(50, t.invocations(), "50 turns metered");
          return null;
        });
      });
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void theSameRequestIdTwiceIsChargedOnce(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(u -> {
      JsonObject body = new JsonObject().put("message", "what is this?").put("request_id", "same-key");
      return api.post("/api/chat", u.idToken(), body)
          .compose(first -> api.post("/api/chat", u.idToken(), body).map(second -> {
            assertEquals(200, first.statusCode(), first.bodyAsString());
            assertEquals(200, second.statusCode(), second.bodyAsString());
            JsonObject a = first.bodyAsJsonObject();
            JsonObject b = second.bodyAsJsonObject();
            assertEquals(a.getString("turn_id"), b.getString("turn_id"));
            assertEquals(a.getString("reply"), b.getString("reply"), "the repeat answers with the stored reply");
            assertEquals(a.getValue("cost_usd").toString(), b.getValue("cost_usd").toString());
            assertTrue(b.getBoolean("duplicate"));
            return a.getString("turn_id");
          }))
          .compose(turnId -> app.store().usage().turnEvents("acme", turnId).compose(events -> {
            assertEquals(4, events.size(), "invocation, input, output and storage events once each: " + events);
            return api.usage(u);
          }))
          .map(usage -> {
            assertEquals(1, usage.getInteger("daily_used"), "one message charged");
            return null;
          });
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aRepeatedRequestIdOverTheBridgeIsAcceptedOnceAndRunsOnce(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(u -> BridgeClient.connect(vertx, app.httpPort()).compose(b -> {
      b.register("client.acme." + u.sub(), u.idToken());
      JsonObject body = new JsonObject().put("message", "hello").put("request_id", "bridge-key");
      return b.request("chat.send", u.idToken(), body).compose(r1 -> b.request("chat.send", u.idToken(), body).compose(r2 -> {
        assertEquals(r1.getString("turn_id"), r2.getString("turn_id"));
        assertTrue(r2.getBoolean("duplicate"));
        return b.await(BridgeClient.has("done", d -> true));
      })).compose(fs -> api.usage(u).map(usage -> {
        assertEquals(1, usage.getInteger("daily_used"));
        assertEquals(1, BridgeClient.bodies(fs, "done").size());
        return b;
      })).compose(BridgeClient::close);
    })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void settlingTheSameTurnTwiceRecordsNothingTwice(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(u ->
        api.post("/api/chat", u.idToken(), new JsonObject().put("message", "hi").put("request_id", "k1")).compose(r -> {
          String turnId = r.bodyAsJsonObject().getString("turn_id");
          String sessionId = r.bodyAsJsonObject().getString("session_id");
          UsageEvent e = new UsageEvent(turnId + "/input_tokens", "acme", u.sub(), sessionId, turnId, UsageKind.INPUT_TOKENS, Pricing.BEDROCK_MODELS,
              "offline", 999, 1, true, Instant.now());
          return app.store().usage().settleTurn(new io.agentchat.store.SettleRequest("acme", u.sub(), sessionId, turnId, "completed", "again",
              List.of(e), true, Instant.now()));
        }).compose(out -> {
          assertEquals(false, out.applied(), "a settled turn is not settled again");
          return api.usage(u);
        }).map(usage -> {
          assertEquals(1, usage.getInteger("daily_used"), "no refund from a repeated settlement");
          assertTrue(usage.getJsonObject("month").getLong("input_tokens") < 999);
          return (QuotaUsage) null;
        })).onComplete(ctx.succeedingThenComplete());
  }
}
