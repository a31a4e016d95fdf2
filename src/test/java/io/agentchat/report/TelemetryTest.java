package io.agentchat.report;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.support.AppTest;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Turn spans reach an OTLP/HTTP collector with the tenant and user as span attributes. */
class TelemetryTest extends AppTest {
  private static Vertx collectorVertx;
  private static HttpServer collector;
  private static final java.util.List<Buffer> received = new java.util.concurrent.CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    collectorVertx = Vertx.vertx();
    collector = collectorVertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
      if (req.path().equals("/v1/traces")) {
        received.add(b);
      }
      req.response().putHeader("Content-Type", "application/x-protobuf").end();
    })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    collectorVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Override
  protected JsonObject config(Path dir) {
    JsonObject c = super.config(dir);
    c.put("telemetry", new JsonObject().put("otlpEndpoint", "http://127.0.0.1:" + collector.actualPort()).put("serviceName", "agent-chat-test"));
    return c;
  }

  @Test
  void aTurnIsExportedAsASpanWithTenantAndUser(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null)
        .compose(u -> api.post("/api/chat", u.idToken(), new JsonObject().put("message", "hello")).map(r -> u))
        .compose(u -> {
          Promise<Void> seen = Promise.promise();
          long timer = vertx.setPeriodic(100, id -> {
            String all = String.join("|", received.stream().map(b -> new String(b.getBytes(), StandardCharsets.ISO_8859_1)).toList());
            if (all.contains("chat.turn") && all.contains("tenant.id") && all.contains("acme") && all.contains(u.sub())) {
              vertx.cancelTimer(id);
              seen.tryComplete();
            }
          });
          return seen.future().timeout(20, TimeUnit.SECONDS).onComplete(x -> vertx.cancelTimer(timer));
        })
        .map(v -> {
          assertTrue(received.size() >= 1);
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }
}
