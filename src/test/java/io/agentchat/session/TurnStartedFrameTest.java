package io.agentchat.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.support.Api;
import io.agentchat.support.AppTest;
import io.agentchat.support.BridgeClient;
import io.agentchat.support.TestApp;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every socket of the user learns of an admitted turn, with its question, before the first chunk of its reply: a turn sent
 * from another socket, and one sent through {@code POST /api/chat}. Exactly once per turn, and never to another user.
 */
class TurnStartedFrameTest extends AppTest {

  @Override
  protected JsonObject config(Path dir) {
    JsonObject c = TestApp.config(dir);
    c.getJsonObject("agent").getJsonObject("offline").put("chunkDelayMs", 5);
    return c;
  }

  @Test
  void everySocketOfTheUserGetsTheQuestionBeforeTheReply(VertxTestContext ctx) {
    api.signupAndLogin("tia@started.test", "started", "premium", null).compose(u -> api.signupAndLogin("ole@other.test", "other", "premium", null)
        .compose(other -> api.newSession(u).compose(s -> listen(u).compose(sender -> listen(u).compose(watcher -> listen(other).compose(stranger -> {
          String sessionId = s.getString("session_id");
          return ready(sender, u).compose(v -> ready(watcher, u)).compose(v -> ready(stranger, other))
              .compose(v -> sender.request("chat.send", u.idToken(), new JsonObject().put("session_id", sessionId)
                  .put("message", "what is 2 + 3?").put("request_id", "ts-1")))
              .compose(reply -> {
                String turnId = reply.getString("turn_id");
                return Future.join(done(sender, turnId), done(watcher, turnId)).map(v -> {
                  for (BridgeClient b : List.of(sender, watcher)) {
                    startedBeforeChunks(b.frames(), turnId, sessionId, "what is 2 + 3?", "ts-1");
                  }
                  return turnId;
                });
              })
              // a turn through the HTTP route reaches the open sockets the same way
              .compose(first -> api.post("/api/chat", u.idToken(), new JsonObject().put("session_id", sessionId).put("message", "and 4 * 5?"))
                  .compose(r -> {
                    assertEquals(200, r.statusCode(), r.bodyAsString());
                    String turnId = r.bodyAsJsonObject().getString("turn_id");
                    return done(watcher, turnId).map(v -> {
                      startedBeforeChunks(watcher.frames(), turnId, sessionId, "and 4 * 5?", null);
                      assertEquals(2, BridgeClient.bodies(watcher.frames(), "turn_started").size(), "one frame per turn");
                      return null;
                    });
                  }))
              .map(v -> {
                ctx.verify(() -> assertTrue(BridgeClient.bodies(stranger.frames(), "turn_started").isEmpty(),
                    "another user's socket hears nothing of these turns"));
                return null;
              })
              .eventually(() -> Future.join(sender.close(), watcher.close(), stranger.close()));
        })))))).onComplete(ctx.succeedingThenComplete());
  }

  /** Once a socket's later frame is answered its registration is in place: the frames of one socket are handled in order. */
  private static Future<Void> ready(BridgeClient b, Api.User u) {
    return b.request("chat.cancel", u.idToken(), new JsonObject().put("turn_id", "t-none")).<Void>mapEmpty().recover(e -> Future.succeededFuture());
  }

  private static Future<List<JsonObject>> done(BridgeClient b, String turnId) {
    return b.await(BridgeClient.has("done", d -> turnId.equals(d.getString("turn_id"))));
  }

  private static void startedBeforeChunks(List<JsonObject> frames, String turnId, String sessionId, String message, String requestId) {
    int started = -1;
    int firstChunk = -1;
    int count = 0;
    for (int i = 0; i < frames.size(); i++) {
      JsonObject f = frames.get(i);
      JsonObject body = f.getValue("body") instanceof JsonObject o ? o : null;
      if (body == null || !turnId.equals(body.getString("turn_id"))) {
        continue;
      }
      if ("turn_started".equals(body.getString("type"))) {
        count++;
        started = i;
        assertEquals(sessionId, body.getString("session_id"));
        assertEquals(message, body.getString("message"));
        assertEquals(requestId, body.getString("request_id"));
        assertFalse(Instant.parse(body.getString("created_at")).isAfter(Instant.now()));
      } else if ("chunk".equals(body.getString("type")) && firstChunk < 0) {
        firstChunk = i;
      }
    }
    assertEquals(1, count, "turn_started of " + turnId + " arrives once");
    assertTrue(firstChunk > started, "turn_started comes before the first chunk");
  }
}
