package io.agentchat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentchat.store.MessageRecord;
import io.agentchat.support.AppTest;
import io.agentchat.support.BridgeClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Ten {@code chat.send} frames written back to back on one bridge socket, for one session, run in the order they were
 * written: the stored user messages come back m0..m9, round after round.
 */
class SocketOrderTest extends AppTest {
  private static final int ROUNDS = 8;
  private static final int FRAMES = 10;

  @Test
  void framesOfOneSocketRunInTheOrderTheyWereSent(VertxTestContext ctx) {
    api.signupAndLogin("ora@order.test", "order", "premium", null).compose(u -> listen(u).compose(socket -> api.newSession(u).compose(s -> {
      String sid = s.getString("session_id");
      Future<Void> rounds = Future.succeededFuture();
      for (int r = 0; r < ROUNDS; r++) {
        int round = r;
        rounds = rounds.compose(v -> {
          List<Future<JsonObject>> sends = new ArrayList<>();
          for (int i = 0; i < FRAMES; i++) {
            sends.add(socket.request("chat.send", u.idToken(), new JsonObject().put("session_id", sid).put("message", "r" + round + " m" + i)));
          }
          return Future.all(sends)
              .compose(all -> socket.await(fs -> BridgeClient.bodies(fs, "done").size() == (round + 1) * FRAMES))
              .compose(fs -> app.store().sessions().messages(u.tenant(), sid, 500))
              .map(stored -> {
                List<String> mine = stored.stream().filter(m -> m.role().equals("user")).map(MessageRecord::text)
                    .filter(t -> t.startsWith("r" + round + " ")).toList();
                assertEquals(IntStream.range(0, FRAMES).mapToObj(i -> "r" + round + " m" + i).toList(), mine, "round " + round);
                return null;
              });
        });
      }
      return rounds.compose(v -> socket.close());
    }))).onComplete(ctx.succeedingThenComplete());
  }
}
