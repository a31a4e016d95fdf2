package io.agentchat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.support.Api.User;
import io.agentchat.support.AppTest;
import io.agentchat.support.Poll;
import io.agentchat.support.BridgeClient;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A bridge client that stops reading while its replies stream: the frames the server holds for it are bounded
 * ({@code http.socketWriteQueueBytes}), the socket is closed once the bound is reached, its turns stop and its place in
 * the server is freed; a client that reads, on the same server, is not affected.
 */
class BackPressureTest extends AppTest {

  @Override
  protected JsonObject config(Path dir) {
    JsonObject c = super.config(dir);
    c.getJsonObject("http").put("socketWriteQueueBytes", 16 * 1024).put("turnsPerUserPerMinute", 100_000)
        .put("turnsPerTenantPerMinute", 100_000).put("pingTimeoutMs", 120_000);
    c.getJsonObject("session").put("maxQueuedTurns", 1000);
    return c;
  }

  private double gauge(String name) {
    return app.services().meters().get(name).gauge().value();
  }

  private double counter(String name) {
    return app.services().meters().get(name).functionCounter().count();
  }

  @Test
  void aClientThatStopsReadingIsClosedWhenItsQueueIsFullAndFreesItsPlace(VertxTestContext ctx) {
    User[] user = new User[1];
    BridgeClient[] slow = new BridgeClient[1];
    api.signupAndLogin("ada@acme.test", "acme", "premium", null).compose(u -> {
      user[0] = u;
      return api.newSession(u);
    }).compose(session -> BridgeClient.connectWithReceiveBuffer(vertx, app.httpPort(), 4096).map(b -> {
      slow[0] = b;
      b.register("client.acme." + user[0].sub(), user[0].idToken());
      b.stopReading();
      // turns keep coming from the slow client itself; their replies stream to it and are never read
      for (int i = 0; i < 900; i++) {
        b.sendRaw(new JsonObject().put("type", "send").put("address", "chat.send")
            .put("headers", new JsonObject().put("Authorization", "Bearer " + user[0].idToken()))
            .put("body", new JsonObject().put("session_id", session.getString("session_id")).put("message", "hello " + i)).encode());
      }
      return null;
    })).compose(v -> Poll.until(vertx, () -> counter("agentchat.bridge.slow.closed") >= 1))
        .compose(v -> Poll.until(vertx, () -> gauge("agentchat.bridge.sockets") == 0))
        .compose(v -> noTurnsLeft())
        .compose(v -> api.usage(user[0]))
        .compose(usage -> {
          assertTrue(usage.getInteger("daily_used") < 900, "the dropped client's waiting turns were stopped and given back: "
              + usage.getInteger("daily_used"));
          // the server still serves a client that reads
          return BridgeClient.connect(vertx, app.httpPort());
        })
        .compose(good -> {
          good.register("client.acme." + user[0].sub(), user[0].idToken());
          return good.request("chat.send", user[0].idToken(), new JsonObject().put("message", "still there?"))
              .compose(r -> good.await(BridgeClient.has("done", d -> d.getString("turn_id").equals(r.getString("turn_id")))))
              .compose(fs -> {
                assertEquals(1.0, gauge("agentchat.bridge.sockets"));
                return good.close();
              });
        })
        .onComplete(ctx.succeedingThenComplete());
  }
}
