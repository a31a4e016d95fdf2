package io.agentchat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.support.Api.User;
import io.agentchat.support.AppTest;
import io.agentchat.support.BridgeClient;
import io.agentchat.support.BridgeClient.BridgeError;
import io.agentchat.support.Dynalite;
import io.agentchat.support.Poll;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DynamoDB goes away mid-run and comes back: turns fail with {@code store_unavailable} (HTTP 503 and on the bridge),
 * readiness goes false, nothing of the failed turn is counted, and the same server serves again once the store is back.
 */
class DynamoOutageTest extends AppTest {
  @TempDir
  static Path tables;
  private static Dynalite dynalite;
  private final String prefix = Dynalite.uniquePrefix();

  @BeforeAll
  static void startDynalite() {
    dynalite = Dynalite.persistent(tables);
  }

  @AfterAll
  static void stopDynalite() {
    dynalite.stop();
  }

  @Override
  protected JsonObject config(Path dir) {
    return dynalite.useIn(super.config(dir), prefix);
  }

  private Future<Void> blocking(Runnable r) {
    return vertx.executeBlocking(() -> {
      r.run();
      return null;
    });
  }

  /** Asks /ready until it answers 200 (the store is reachable again), for 30 s at the most. */
  private Future<JsonObject> readyAgain() {
    return Poll.until(vertx, Duration.ofSeconds(30), () -> api.get("/ready", null), r -> r.statusCode() == 200)
        .map(r -> r.bodyAsJsonObject().put("http_status", r.statusCode()));
  }

  private Future<HttpResponse<Buffer>> chat(User u, String message, String requestId) {
    return api.post("/api/chat", u.idToken(), new JsonObject().put("message", message).put("request_id", requestId));
  }

  @Test
  void turnsFailClearlyWhileTheStoreIsGoneAndTheServerRecoversWithoutARestart(VertxTestContext ctx) {
    User[] user = new User[1];
    BridgeClient[] bridge = new BridgeClient[1];
    api.signupAndLogin("ada@acme.test", "acme", "basic", null)
        .compose(u -> {
          user[0] = u;
          return chat(u, "before the outage", "before");
        })
        .compose(r -> {
          assertEquals(200, r.statusCode(), r.bodyAsString());
          return BridgeClient.connect(vertx, api.port);
        })
        .compose(b -> {
          bridge[0] = b;
          return blocking(dynalite::stop);
        })
        .compose(v -> chat(user[0], "during the outage", "during"))
        .compose(r -> {
          assertEquals(503, r.statusCode(), r.bodyAsString());
          JsonObject error = r.bodyAsJsonObject().getJsonObject("error");
          assertEquals("store_unavailable", error.getString("code"));
          assertTrue(error.getString("message").contains("not reachable"), error.getString("message"));
          return bridge[0].request("chat.send", user[0].idToken(), new JsonObject().put("message", "bridge during the outage").put("request_id", "during-2"))
              .transform(Future::succeededFuture);
        })
        .compose(ar -> {
          assertTrue(ar.failed(), "the bridge refuses the turn");
          assertEquals("store_unavailable", assertInstanceOf(BridgeError.class, ar.cause()).code());
          return api.get("/ready", null);
        })
        .compose(r -> {
          assertEquals(503, r.statusCode());
          assertEquals("down", r.bodyAsJsonObject().getString("store"));
          return blocking(dynalite::start);
        })
        .compose(v -> readyAgain())
        .compose(ready -> {
          assertEquals(200, ready.getInteger("http_status"), "ready again without a restart: " + ready.encode());
          assertEquals("up", ready.getString("store"));
          return chat(user[0], "during the outage", "during");
        })
        .compose(r -> {
          assertEquals(200, r.statusCode(), r.bodyAsString());
          assertFalse(r.bodyAsJsonObject().getBoolean("duplicate"), "the failed attempt left no request id behind");
          return chat(user[0], "after the outage", "after");
        })
        .compose(r -> {
          assertEquals(200, r.statusCode(), r.bodyAsString());
          return api.usage(user[0]);
        })
        .compose(usage -> {
          assertEquals(3, usage.getInteger("daily_used"), "three answered turns; the refused ones counted nothing");
          return api.get("/api/tenants/acme/sessions", user[0].idToken());
        })
        .compose(r -> {
          JsonObject only = r.bodyAsJsonObject().getJsonArray("sessions").getJsonObject(0);
          assertEquals(6, only.getInteger("message_count"), "three questions and three answers, nothing of the refused turns");
          return bridge[0].close();
        })
        .onComplete(ctx.succeedingThenComplete());
  }
}
