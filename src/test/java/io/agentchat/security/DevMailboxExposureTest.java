package io.agentchat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.config.ConfigLoader;
import io.agentchat.support.AppTest;
import io.agentchat.support.TestApp;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The development mailbox hands pending confirmation codes to anyone who reaches the port: the jar listens on loopback by
 * default, and a server listening on every interface keeps the mailbox off unless it is asked for.
 */
class DevMailboxExposureTest extends AppTest {

  @Override
  protected JsonObject config(Path dir) {
    JsonObject c = TestApp.config(dir);
    c.getJsonObject("http").put("host", "0.0.0.0");
    c.getJsonObject("auth").getJsonObject("local").remove("devMailbox");
    return c;
  }

  @Test
  void theMailboxIsOnByDefaultOnlyOnALoopbackAddress(VertxTestContext ctx) {
    assertEquals("127.0.0.1", ConfigLoader.load(Map.of(), null).http().host(), "the jar listens on loopback by default");
    assertTrue(ConfigLoader.load(Map.of(), null).auth().devMailbox(), "on loopback the mailbox is on");
    assertFalse(ConfigLoader.load(Map.of("HTTP_HOST", "0.0.0.0"), null).auth().devMailbox(), "on every interface it is off");
    assertTrue(ConfigLoader.load(Map.of("HTTP_HOST", "0.0.0.0", "AUTH_DEV_MAILBOX", "true"), null).auth().devMailbox(), "unless asked for");
    api.signup("max@acme.test", "acme", "basic", null)
        .compose(r -> api.get("/api/dev/mailbox/max@acme.test", null)).compose(r -> {
          assertEquals(404, r.statusCode(), "no code for anyone on a server listening on every interface: " + r.bodyAsString());
          return api.get("/api/client-config", null);
        }).map(r -> {
          assertFalse(r.bodyAsJsonObject().getBoolean("dev_mailbox"));
          return null;
        }).onComplete(ctx.succeedingThenComplete());
  }
}
