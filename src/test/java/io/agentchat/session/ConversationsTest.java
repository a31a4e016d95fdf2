package io.agentchat.session;

import static io.agentchat.support.Api.expect;
import static io.agentchat.support.Api.expectError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.support.Api.User;
import io.agentchat.support.AppTest;
import io.agentchat.support.Poll;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import java.math.BigDecimal;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The routes that manage chats, on a real deployment: rename, close, delete, search, and turns that replace the latest one. */
class ConversationsTest extends AppTest {

  @Override
  protected JsonObject config(Path dir) {
    JsonObject c = super.config(dir);
    // replies paced, so that a turn can be caught running
    c.getJsonObject("agent").getJsonObject("offline").put("chunkDelayMs", 40);
    return c;
  }

  private Future<HttpResponse<Buffer>> send(HttpMethod m, String path, User u, JsonObject body) {
    var req = api.client.request(m, path).putHeader("Authorization", "Bearer " + u.idToken());
    return body == null ? req.send() : req.putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body.encode()));
  }

  private Future<JsonObject> chat(User u, JsonObject body) {
    return api.post("/api/chat", u.idToken(), body).compose(r -> expect(r, 200));
  }

  private Future<JsonArray> sessions(User u) {
    return api.get("/api/tenants/" + u.tenant() + "/sessions", u.idToken()).compose(r -> expect(r, 200)).map(j -> j.getJsonArray("sessions"));
  }

  private Future<JsonArray> messages(User u, String sid) {
    return api.get("/api/tenants/" + u.tenant() + "/sessions/" + sid + "/messages", u.idToken()).compose(r -> expect(r, 200))
        .map(j -> j.getJsonArray("messages"));
  }

  private Future<JsonArray> search(User u, String q) {
    return api.get("/api/tenants/" + u.tenant() + "/sessions/search?q=" + java.net.URLEncoder.encode(q, java.nio.charset.StandardCharsets.UTF_8),
        u.idToken()).compose(r -> expect(r, 200)).map(j -> j.getJsonArray("results"));
  }

  @Test
  void aRenamedAndClosedChatStaysListedAndFreesTheBasicPlansOneSlot(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(u -> chat(u, new JsonObject().put("message", "hello there")).compose(first -> {
      String sid = first.getString("session_id");
      String path = "/api/tenants/acme/sessions/" + sid;
      return sessions(u).compose(list -> {
            JsonObject s = list.getJsonObject(0);
            assertEquals("hello there", s.getString("title"));
            assertEquals("open", s.getString("status"));
            assertTrue(s.getString("last_used_at").compareTo(s.getString("created_at")) > 0, "last used at its latest message: " + s.encode());
            return Future.all(send(HttpMethod.PATCH, path, u, new JsonObject()), send(HttpMethod.PATCH, path, u, new JsonObject().put("title", "   ")),
                send(HttpMethod.PATCH, path, u, new JsonObject().put("title", "x".repeat(81))),
                send(HttpMethod.PATCH, path, u, new JsonObject().put("title", "ok").put("colour", "red")),
                send(HttpMethod.PATCH, path, u, new JsonObject().put("title", 7)));
          })
          .compose(cf -> {
            for (int i = 0; i < 5; i++) {
              HttpResponse<Buffer> r = cf.resultAt(i);
              assertEquals(400, r.statusCode(), r.bodyAsString());
              assertTrue(r.bodyAsString().contains(i == 3 ? "colour" : "title"), "the message names the field: " + r.bodyAsString());
            }
            return send(HttpMethod.PATCH, path, u, new JsonObject().put("title", "  Trip to   Rome ")).compose(r -> expect(r, 200));
          })
          .compose(renamed -> {
            assertEquals("Trip to Rome", renamed.getString("title"));
            assertEquals(sid, renamed.getString("session_id"));
            return api.post("/api/sessions", u.idToken(), new JsonObject()).compose(r -> expectError(r, 409, "session_limit"));
          })
          .compose(x -> api.post(path + "/close", u.idToken(), new JsonObject()).compose(r -> expect(r, 200)))
          .compose(closed -> {
            assertEquals("closed", closed.getString("status"));
            assertEquals("Trip to Rome", closed.getString("title"));
            return api.newSession(u);
          })
          .compose(fresh -> chat(u, new JsonObject().put("session_id", fresh.getString("session_id")).put("message", "a new chat at once")))
          .compose(x -> api.post("/api/chat", u.idToken(), new JsonObject().put("session_id", sid).put("message", "more?")))
          .compose(r -> expectError(r, 410, "session_expired"))
          .compose(x -> sessions(u))
          .map(list -> {
            assertEquals(2, list.size());
            assertEquals("a new chat at once", list.getJsonObject(0).getString("title"), "the last used first");
            assertEquals("closed", list.getJsonObject(1).getString("status"), "the closed chat stays readable in the list");
            return null;
          });
    })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aDeletedChatIsGoneButItsUsageStaysInTheReports(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(u -> chat(u, new JsonObject().put("message", "spend something")).compose(turn -> {
      String sid = turn.getString("session_id");
      String path = "/api/tenants/acme/sessions/" + sid;
      BigDecimal cost = new BigDecimal(turn.getValue("cost_usd").toString());
      assertTrue(cost.signum() > 0);
      return send(HttpMethod.DELETE, path, u, null).compose(r -> expect(r, 200))
          .compose(deleted -> {
            assertEquals(new JsonObject().put("deleted", true), deleted);
            return Future.all(java.util.List.of(api.get(path + "/messages", u.idToken()), send(HttpMethod.DELETE, path, u, null),
                api.post(path + "/close", u.idToken(), new JsonObject()), send(HttpMethod.PATCH, path, u, new JsonObject().put("title", "x")),
                api.usage(u), api.get("/api/tenants/acme/costs", u.idToken()), sessions(u)));
          })
          .compose(cf -> {
            for (int i = 0; i < 4; i++) {
              assertEquals(404, cf.<HttpResponse<Buffer>>resultAt(i).statusCode(), "gone: " + i);
            }
            JsonObject usage = cf.resultAt(4);
            assertEquals(0, cost.compareTo(new BigDecimal(usage.getJsonObject("month").getValue("cost_usd").toString())), usage.encode());
            assertEquals(1, usage.getInteger("daily_used"), "the message stays counted");
            assertEquals(0, usage.getInteger("active_sessions"), "its slot is free");
            String report = cf.<HttpResponse<Buffer>>resultAt(5).bodyAsString();
            assertEquals(200, cf.<HttpResponse<Buffer>>resultAt(5).statusCode(), report);
            assertTrue(report.contains(cost.stripTrailingZeros().toPlainString()) || report.contains(turn.getValue("cost_usd").toString()),
                "the cost report still holds the turn's cost: " + report);
            assertTrue(cf.<JsonArray>resultAt(6).isEmpty());
            return api.newSession(u);
          })
          .map(fresh -> null);
    })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aChatWithATurnRunningIsNeitherClosedNorDeleted(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(u -> api.newSession(u).compose(s -> {
      String sid = s.getString("session_id");
      String path = "/api/tenants/acme/sessions/" + sid;
      Future<JsonObject> running = chat(u, new JsonObject().put("session_id", sid)
          .put("message", "please write a rather long answer with many many words so that it keeps streaming for a while"));
      return Poll.until(vertx, () -> messages(u, sid), ms -> !ms.isEmpty())
          .compose(x -> Future.all(api.post(path + "/close", u.idToken(), new JsonObject()), send(HttpMethod.DELETE, path, u, null)))
          .compose(cf -> expectError(cf.resultAt(0), 409, "turn_in_progress").compose(x -> expectError(cf.resultAt(1), 409, "turn_in_progress")))
          .compose(x -> running)
          .compose(done -> {
            assertEquals("completed", done.getString("status"), "the refused close did not stop the turn");
            return api.post(path + "/close", u.idToken(), new JsonObject()).compose(r -> expect(r, 200));
          })
          .map(closed -> null);
    })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aSearchFindsTheCallersOwnChatsOnly(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "advanced", null).compose(ada -> api.invite(ada)
        .compose(code -> api.signupAndLogin("bob@acme.test", "acme", "advanced", code))
        .compose(bob -> chat(bob, new JsonObject().put("message", "bob's purple elephant")))
        .compose(x -> api.signupAndLogin("eve@globex.test", "globex", "advanced", null))
        .compose(eve -> chat(eve, new JsonObject().put("message", "eve's purple elephant")))
        .compose(x -> chat(ada, new JsonObject().put("message", "Where did the Purple Elephant go?")))
        .compose(mine -> chat(ada, new JsonObject().put("message", "something else entirely")).map(mine))
        .compose(mine -> search(ada, "PURPLE elephant").map(results -> {
          assertEquals(1, results.size(), results.encode());
          JsonObject hit = results.getJsonObject(0);
          assertEquals(mine.getString("session_id"), hit.getString("session_id"));
          assertEquals("Where did the Purple Elephant go?", hit.getString("title"));
          assertTrue(hit.getString("snippet").contains("Purple Elephant"), hit.encode());
          assertTrue(hit.containsKey("last_used_at"));
          return null;
        }))
        .compose(x -> search(ada, "100%"))
        .compose(none -> {
          assertTrue(none.isEmpty(), "% is no wildcard");
          return Future.all(api.get("/api/tenants/acme/sessions/search", ada.idToken()), api.get("/api/tenants/acme/sessions/search?q=", ada.idToken()),
              api.get("/api/tenants/acme/sessions/search?q=" + "a".repeat(201), ada.idToken()));
        })
        .map(cf -> {
          for (int i = 0; i < 3; i++) {
            HttpResponse<Buffer> r = cf.resultAt(i);
            assertEquals(400, r.statusCode(), r.bodyAsString());
            assertTrue(r.bodyAsString().contains("q "), "names the field: " + r.bodyAsString());
          }
          return null;
        })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aReplacingTurnHidesTheOldExchangeAndIsMeteredOnce(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(u -> chat(u, new JsonObject().put("message", "intro"))
        .compose(intro -> chat(u, new JsonObject().put("session_id", intro.getString("session_id")).put("message", "alpha question"))
            .map(first -> first.put("intro_cost", intro.getValue("cost_usd")))).compose(first -> {
      String sid = first.getString("session_id");
      String old = first.getString("turn_id");
      JsonObject edit = new JsonObject().put("session_id", sid).put("message", "beta question").put("replaces_turn_id", old).put("request_id", "edit-1");
      return chat(u, edit).compose(second -> chat(u, edit).map(again -> {
            assertTrue(again.getBoolean("duplicate"), "the same request again is the same turn");
            assertEquals(second.getString("turn_id"), again.getString("turn_id"));
            return second;
          }))
          .compose(second -> Future.all(messages(u, sid), api.usage(u), search(u, "alpha"), search(u, "beta"),
                  api.get("/api/tenants/acme/turns/" + second.getString("turn_id") + "/trace", u.idToken()))
              .map(cf -> {
                JsonArray ms = cf.resultAt(0);
                assertEquals(4, ms.size(), ms.encode());
                assertEquals("intro", ms.getJsonObject(0).getString("text"), "earlier turns stay");
                assertEquals("beta question", ms.getJsonObject(2).getString("text"));
                JsonObject answer = ms.getJsonObject(3);
                assertEquals(second.getString("turn_id"), answer.getString("turn_id"));
                assertEquals(second.getJsonObject("usage").getLong("input_tokens"), answer.getJsonObject("usage").getLong("input_tokens"));
                assertEquals(second.getJsonObject("usage").getLong("output_tokens"), answer.getJsonObject("usage").getLong("output_tokens"));
                assertEquals(second.getJsonObject("usage").getBoolean("estimated"), answer.getJsonObject("usage").getBoolean("estimated"));
                assertEquals(0, new BigDecimal(second.getValue("cost_usd").toString()).compareTo(new BigDecimal(answer.getValue("cost_usd").toString())));
                JsonArray steps = cf.<HttpResponse<Buffer>>resultAt(4).bodyAsJsonObject().getJsonArray("steps");
                assertFalse(steps.isEmpty());
                assertEquals(steps, answer.getJsonArray("steps"), "the history keeps the steps the live view showed");
                JsonObject usage = cf.resultAt(1);
                assertEquals(3, usage.getInteger("daily_used"), "the replacing turn is one more message, counted once");
                BigDecimal both = new BigDecimal(first.getValue("cost_usd").toString()).add(new BigDecimal(second.getValue("cost_usd").toString()))
                    .add(new BigDecimal(first.getValue("intro_cost").toString()));
                assertEquals(0, both.compareTo(new BigDecimal(usage.getJsonObject("month").getValue("cost_usd").toString())),
                    "the replaced turn's usage stays, the new one is metered once: " + usage.encode());
                assertTrue(cf.<JsonArray>resultAt(2).isEmpty(), "the replaced question is not found");
                assertEquals(1, cf.<JsonArray>resultAt(3).size());
                return second;
              }))
          .compose(second -> Future.all(
              api.post("/api/chat", u.idToken(), new JsonObject().put("session_id", sid).put("message", "x").put("replaces_turn_id", old)),
              api.post("/api/chat", u.idToken(), new JsonObject().put("session_id", sid).put("message", "x").put("replaces_turn_id", "no-such-turn")),
              api.post("/api/chat", u.idToken(), new JsonObject().put("message", "x").put("replaces_turn_id", second.getString("turn_id"))),
              api.post("/api/chat", u.idToken(), new JsonObject().put("session_id", sid).put("message", "x").put("replaces_turn_id", 5))))
          .compose(cf -> {
            for (int i = 0; i < 4; i++) {
              HttpResponse<Buffer> r = cf.resultAt(i);
              assertEquals(400, r.statusCode(), r.bodyAsString());
              assertTrue(r.bodyAsString().contains("replaces_turn_id"), r.bodyAsString());
            }
            return Future.all(messages(u, sid), api.usage(u));
          })
          .map(cf -> {
            assertEquals(4, cf.<JsonArray>resultAt(0).size(), "refused replacements change nothing");
            assertEquals(3, cf.<JsonObject>resultAt(1).getInteger("daily_used"));
            assertNotEquals(old, cf.<JsonArray>resultAt(0).getJsonObject(2).getString("turn_id"));
            return null;
          });
    })).onComplete(ctx.succeedingThenComplete());
  }
}
