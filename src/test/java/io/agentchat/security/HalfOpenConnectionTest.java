package io.agentchat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agentchat.support.Api.User;
import io.agentchat.support.AppTest;
import io.agentchat.support.Poll;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A bridge client that vanishes without closing (no pings, nothing read) while its turn streams: the ping timeout closes
 * its socket, the turn is stopped and metered for what it produced, and its place in the server is freed.
 */
class HalfOpenConnectionTest extends AppTest {

  @Override
  protected JsonObject config(Path dir) {
    JsonObject c = super.config(dir);
    c.getJsonObject("http").put("pingTimeoutMs", 1000);
    // a reply that streams for longer than the ping timeout
    c.getJsonObject("agent").getJsonObject("offline").put("chunkDelayMs", 200);
    return c;
  }

  @Test
  void aSilentConnectionIsClosedByThePingTimeoutAndItsTurnStopped(VertxTestContext ctx) {
    User[] user = new User[1];
    String[] turn = new String[1];
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(u -> {
      user[0] = u;
      return listen(u);
    }).compose(b -> {
      return b.request("chat.send", user[0].idToken(), new JsonObject().put("message", "a long answer please")).map(r -> {
        turn[0] = r.getString("turn_id");
        b.stopPinging();
        b.stopReading();
        return null;
      });
    }).compose(v -> Poll.until(vertx, () -> app.services().meters().get("agentchat.bridge.sockets").gauge().value() == 0))
        .compose(v -> noTurnsLeft())
        .compose(v -> app.store().usage().turn("acme", turn[0]))
        .compose(t -> {
          assertEquals("cancelled", t.orElseThrow().status(), "the vanished client's turn was stopped, not left streaming");
          return api.usage(user[0]);
        })
        .map(usage -> {
          assertEquals(1, usage.getInteger("daily_used"), "and metered for what it produced");
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }
}
