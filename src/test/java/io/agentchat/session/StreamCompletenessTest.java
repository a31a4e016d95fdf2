package io.agentchat.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentchat.support.AppTest;
import io.agentchat.support.BridgeClient;
import io.agentchat.support.StreamCheck;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fifty fast turns queued in one session on one node: a client following the user's address receives every chunk of every
 * turn, in order and once, and the chunks of each turn joined are its stored reply.
 */
class StreamCompletenessTest extends AppTest {
  private static final int TURNS = 50;

  @Test
  void fiftyQueuedTurnsStreamEveryChunkInOrder(VertxTestContext ctx) {
    // the quota pushed when the session opens shows the socket is registered before the first turn streams
    api.signupAndLogin("ida@stream.test", "stream", "premium", null).compose(u -> listen(u).compose(socket -> api.newSession(u)
        .compose(s -> socket.await(BridgeClient.has("quota", q -> true)).map(s))
        .compose(s -> {
          String sid = s.getString("session_id");
          List<Future<JsonObject>> chats = new ArrayList<>();
          for (int i = 0; i < TURNS; i++) {
            chats.add(api.post("/api/chat", u.idToken(), new JsonObject().put("session_id", sid).put("message", "tell me a long story " + i)
                .put("request_id", "q-" + i)).map(r -> {
                  assertEquals(200, r.statusCode(), r.bodyAsString());
                  return r.bodyAsJsonObject();
                }));
          }
          return Future.all(chats).compose(all -> socket.await(fs -> BridgeClient.bodies(fs, "done").size() == TURNS))
              .compose(frames -> app.store().sessions().messages(u.tenant(), sid, 500).map(stored -> {
                StreamCheck.everyChunkOfEveryTurn("the socket", frames, stored, chats.stream().map(f -> f.result().getString("turn_id")).toList());
                return null;
              }));
        }).compose(v -> socket.close()))).onComplete(ctx.succeedingThenComplete());
  }
}
