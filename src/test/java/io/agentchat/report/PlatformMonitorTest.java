package io.agentchat.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.support.AppTest;
import io.agentchat.support.BridgeClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PlatformMonitorTest extends AppTest {

  @Override
  protected JsonObject config(Path dir) {
    JsonObject c = super.config(dir);
    c.getJsonObject("auth").getJsonObject("local").put("operators", new JsonArray().add("op@ops.test"));
    c.getJsonObject("report").put("platformFeedSeconds", 1);
    return c;
  }

  @Test
  void operatorsSeeEveryTenantsThroughputAndOthersCannotListen(VertxTestContext ctx) {
    api.signupAndLogin("op@ops.test", "ops-co", "basic", null).compose(op -> api.signupAndLogin("ada@acme.test", "acme", "premium", null)
        .compose(ada -> BridgeClient.connect(vertx, app.httpPort()).compose(opSock -> BridgeClient.connect(vertx, app.httpPort()).compose(adaSock -> {
          assertTrue(op.claims().getJsonArray("cognito:groups").contains("platform-operators"));
          opSock.register("monitor.platform", op.idToken());
          adaSock.register("monitor.platform", ada.idToken());
          return adaSock.await(fs -> fs.stream().anyMatch(f -> "err".equals(f.getString("type"))
                  && String.valueOf(f.getString("message")).startsWith("access_denied")))
              .compose(fs -> api.post("/api/chat", ada.idToken(), new JsonObject().put("message", "hello")))
              .compose(r -> opSock.await(fs -> BridgeClient.bodies(fs, "platform_stats").stream().anyMatch(s -> s.getJsonArray("tenants").stream()
                  .anyMatch(t -> ((JsonObject) t).getString("tenant_id").equals("acme") && ((JsonObject) t).getLong("turns_finished") == 1))))
              .map(fs -> {
                JsonObject stats = BridgeClient.bodies(fs, "platform_stats").stream().filter(s -> !s.getJsonArray("tenants").isEmpty())
                    .findFirst().orElseThrow();
                assertEquals("up", stats.getJsonObject("backend").getString("state"));
                assertTrue(adaSock.frames().stream().noneMatch(f -> "rec".equals(f.getString("type"))), "an admin of one tenant gets no platform feed");
                return null;
              })
              .compose(v -> opSock.close()).compose(v -> adaSock.close());
        })))).onComplete(ctx.succeedingThenComplete());
  }
}
