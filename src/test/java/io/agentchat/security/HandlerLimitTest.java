package io.agentchat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.support.AppTest;
import io.agentchat.support.BridgeClient;
import io.agentchat.support.BridgeClient.BridgeError;
import io.agentchat.support.TestApp;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A socket at its limit of handlers ({@code http.maxHandlersPerSocket}, here 1) is told which frame was refused: the
 * error frame is addressed to the registration or the request it refuses, so that the client can tell.
 */
class HandlerLimitTest extends AppTest {

  @Override
  protected JsonObject config(Path dir) {
    JsonObject c = TestApp.config(dir);
    c.getJsonObject("http").put("maxHandlersPerSocket", 1);
    return c;
  }

  @Test
  void theRefusalNamesTheFrameItRefuses(VertxTestContext ctx) {
    api.signupAndLogin("hal@acme.test", "acme", "premium", null).compose(admin -> listen(admin).compose(socket -> {
      socket.register("monitor.acme", admin.idToken());
      return socket.await(fs -> fs.stream().anyMatch(f -> "err".equals(f.getString("type")) && "monitor.acme".equals(f.getString("address"))))
          .map(fs -> {
            JsonObject refusal = fs.stream().filter(f -> "monitor.acme".equals(f.getString("address"))).findFirst().orElseThrow();
            assertTrue(refusal.getString("message").startsWith("rate_limited: "), refusal.encode());
            assertTrue(refusal.getString("message").contains("register on monitor.acme"), refusal.encode());
            return socket;
          })
          .compose(s -> s.request("chat.send", admin.idToken(), new JsonObject().put("message", "one too many")).transform(ar -> {
            assertTrue(ar.failed(), "the request was refused, and the refusal was addressed to it");
            assertEquals("rate_limited", ((BridgeError) ar.cause()).code());
            return s.close();
          }));
    })).onComplete(ctx.succeedingThenComplete());
  }

  /** A reply or a refusal given back frees its handler: requests one after another never reach the limit. */
  @Test
  void requestsAnsweredOneAfterAnotherStayWithinTheLimit(VertxTestContext ctx) {
    api.signupAndLogin("ivy@acme.test", "acme", "premium", null).compose(u -> BridgeClient.connect(vertx, app.httpPort()).compose(socket ->
        // a refusal given back frees its handler as an answer does
        socket.request("chat.send", u.idToken(), new JsonObject()).transform(refused -> {
          assertTrue(refused.failed() && ((BridgeError) refused.cause()).code().equals("invalid_request"), String.valueOf(refused.cause()));
          return socket.request("chat.send", u.idToken(), new JsonObject().put("message", "one"));
        })
            .compose(a -> socket.request("chat.send", u.idToken(), new JsonObject().put("message", "two")))
            .compose(a -> socket.request("chat.send", u.idToken(), new JsonObject().put("message", "three")))
            .compose(a -> socket.close()))).onComplete(ctx.succeedingThenComplete());
  }
}
