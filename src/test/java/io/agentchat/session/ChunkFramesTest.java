package io.agentchat.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.common.Identity;
import io.agentchat.session.SessionMessages.ChatTurn;
import io.agentchat.support.AppTest;
import io.agentchat.support.BridgeClient;
import io.agentchat.support.StreamCheck;
import io.agentchat.support.TestApp;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Chunk frames: chunks that arrive while a frame waits to go out join it, a chunk that arrives alone goes out alone, and
 * {@code seq} numbers the frames without gaps.
 */
class ChunkFramesTest extends AppTest {
  private static final int CHUNKS = 8;

  @Override
  protected JsonObject config(Path dir) {
    JsonObject c = TestApp.config(dir);
    // a paced agent: each chunk arrives well after the one before was sent
    c.getJsonObject("agent").getJsonObject("offline").put("chunkDelayMs", 15).put("chunks", CHUNKS);
    return c;
  }

  @Test
  void chunksFoundWaitingTogetherShareAFrame() {
    ActorTurn t = new ActorTurn(new ChatTurn(new Identity("acme", "u1", "u@acme.test", "basic", false, List.of()), "s1", "hi", null, null, false), "t1");
    List<Object> taken = new ArrayList<>();
    t.stream.drain(taken::add);
    assertTrue(taken.isEmpty());
    for (String c : List.of("Hello", ", ", "world")) {
      t.arrived(c);
    }
    assertEquals("Hello, world", t.takePending(), "the chunks found at once make one frame");
    assertNull(t.takePending(), "nothing waits once the frame went out");
    t.arrived("!");
    assertEquals("!", t.takePending(), "a chunk found alone makes a frame of its own");
    assertEquals("Hello, world!", t.text.toString(), "the reply is every chunk, in order");
  }

  @Test
  void aPacedReplyStreamsOneFramePerChunk(VertxTestContext ctx) {
    api.signupAndLogin("lea@frames.test", "frames", "premium", null).compose(u -> listen(u).compose(socket -> api.newSession(u)
        .compose(s -> socket.await(BridgeClient.has("quota", q -> true)).map(s))
        .compose(s -> api.post("/api/chat", u.idToken(), new JsonObject().put("session_id", s.getString("session_id"))
                .put("message", "tell me a long story").put("request_id", "paced-1"))
            .compose(r -> {
              assertEquals(200, r.statusCode(), r.bodyAsString());
              String turnId = r.bodyAsJsonObject().getString("turn_id");
              return socket.await(BridgeClient.has("done", d -> turnId.equals(d.getString("turn_id"))))
                  .compose(frames -> app.store().sessions().messages(u.tenant(), s.getString("session_id"), 50).map(stored -> {
                    StreamCheck.everyChunkOfEveryTurn("the socket", frames, stored, List.of(turnId));
                    assertEquals(CHUNKS, BridgeClient.bodies(frames, "chunk").size(),
                        "each chunk of a paced reply went out on its own, before the next one came");
                    return null;
                  }));
            }))
        .compose(v -> socket.close()))).onComplete(ctx.succeedingThenComplete());
  }
}
