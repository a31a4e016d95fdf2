package io.agentchat.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.store.SessionRecord;
import io.agentchat.support.AppTest;
import io.agentchat.support.Poll;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionLimitsTest extends AppTest {

  @Override
  protected JsonObject config(Path dir) {
    JsonObject c = super.config(dir);
    c.getJsonObject("session").put("idlePassivationSeconds", 1);
    return c;
  }

  @Test
  void concurrentSessionLimitIsExact(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "advanced", null).compose(u -> {
      List<Future<HttpResponse<Buffer>>> all = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        all.add(api.post("/api/sessions", u.idToken(), new JsonObject()));
      }
      return Future.all(all).compose(cf -> {
        long created = all.stream().filter(f -> f.result().statusCode() == 201).count();
        long refused = all.stream().filter(f -> f.result().statusCode() == 409
            && f.result().bodyAsJsonObject().getJsonObject("error").getString("code").equals("session_limit")).count();
        assertEquals(3, created, "advanced allows 3 concurrent sessions");
        assertEquals(7, refused);
        JsonObject s = all.stream().filter(f -> f.result().statusCode() == 201).findFirst().orElseThrow().result().bodyAsJsonObject();
        assertEquals("acme-advanced-" + u.sub() + "-" + s.getString("session_id"), s.getString("session_key"));
        return api.usage(u);
      }).map(usage -> {
        assertEquals(3, usage.getInteger("active_sessions"));
        assertEquals(3, usage.getInteger("session_limit"));
        return null;
      });
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void anExpiredSessionRefusesNewTurns(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(u -> {
      Instant past = Instant.now().minusSeconds(3600);
      return app.store().sessions().createSession(new SessionRecord("acme", "old-session", u.sub(), "basic", past, past.plusSeconds(1800), null, 0), 1)
          .compose(s -> api.post("/api/chat", u.idToken(), new JsonObject().put("session_id", "old-session").put("message", "hello?")))
          .compose(r -> {
            assertEquals(410, r.statusCode(), r.bodyAsString());
            assertEquals("session_expired", r.bodyAsJsonObject().getJsonObject("error").getString("code"));
            return api.newSession(u);
          })
          .map(s -> {
            assertTrue(s.getString("expires_at").compareTo(Instant.now().plusSeconds(29 * 60).toString()) > 0,
                "an expired session does not count against the limit; the new one lasts the tier's 30 minutes");
            return null;
          });
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void anIdleSessionIsPassivatedAndResumesFromTheStore(VertxTestContext ctx) {
    Gauge actors = app.services().meters().get("agentchat.sessions.active.actors").gauge();
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(u ->
        api.post("/api/chat", u.idToken(), new JsonObject().put("message", "one")).compose(r -> {
          String sessionId = r.bodyAsJsonObject().getString("session_id");
          assertEquals(1.0, actors.value(), "the session is active after its first message");
          return Poll.until(vertx, () -> actors.value() == 0.0)
              .compose(v -> api.post("/api/chat", u.idToken(), new JsonObject().put("session_id", sessionId).put("message", "two")))
              .compose(r2 -> {
                assertEquals(200, r2.statusCode(), r2.bodyAsString());
                return api.get("/api/tenants/acme/sessions/" + sessionId + "/messages", u.idToken());
              })
              .map(m -> {
                var msgs = m.bodyAsJsonObject().getJsonArray("messages");
                assertEquals(4, msgs.size(), "the conversation goes on after reactivation");
                assertEquals("one", msgs.getJsonObject(0).getString("text"));
                assertEquals("two", msgs.getJsonObject(2).getString("text"));
                return null;
              });
        })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void turnsOfOneSessionRunInOrder(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(u -> api.newSession(u).compose(s -> {
      String sid = s.getString("session_id");
      List<Future<HttpResponse<Buffer>>> all = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        all.add(api.post("/api/chat", u.idToken(), new JsonObject().put("session_id", sid).put("message", "m" + i)));
      }
      return Future.all(all).compose(cf -> api.get("/api/tenants/acme/sessions/" + sid + "/messages", u.idToken())).map(r -> {
        var msgs = r.bodyAsJsonObject().getJsonArray("messages");
        assertEquals(16, msgs.size());
        // each reply directly follows its own question: turns never interleave
        for (int i = 0; i < 16; i += 2) {
          JsonObject q = msgs.getJsonObject(i);
          JsonObject a = msgs.getJsonObject(i + 1);
          assertEquals("user", q.getString("role"));
          assertEquals("assistant", a.getString("role"));
          assertEquals(q.getString("turn_id"), a.getString("turn_id"));
          assertTrue(a.getString("text").contains("\"" + q.getString("text") + "\""));
        }
        return null;
      });
    })).onComplete(ctx.succeedingThenComplete());
  }
}
