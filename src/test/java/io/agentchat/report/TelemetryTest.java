package io.agentchat.report;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.support.AppTest;
import io.agentchat.support.Poll;
import io.agentchat.support.StandInServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Turn spans reach an OTLP/HTTP collector with the tenant and user as span attributes. */
class TelemetryTest extends AppTest {
  @RegisterExtension
  static final StandInServer collector = new StandInServer().otherwise(TelemetryTest::accept);

  private static void accept(HttpServerRequest req, Buffer body) {
    req.response().putHeader("Content-Type", "application/x-protobuf").end();
  }

  @Override
  protected JsonObject config(Path dir) {
    JsonObject c = super.config(dir);
    c.put("telemetry", new JsonObject().put("otlpEndpoint", collector.baseUrl()).put("serviceName", "agent-chat-test"));
    return c;
  }

  /** Everything exported to /v1/traces so far, as Latin-1 text (the protobuf's strings show through). */
  private static String traces() {
    return String.join("|", collector.requests("/v1/traces").stream().map(r -> new String(r.body().getBytes(), StandardCharsets.ISO_8859_1))
        .toList());
  }

  @Test
  void aTurnIsExportedAsASpanWithTenantAndUser(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null)
        .compose(u -> api.post("/api/chat", u.idToken(), new JsonObject().put("message", "hello")).map(r -> u))
        .compose(u -> Poll.until(vertx, Duration.ofSeconds(20), () -> {
          String all = traces();
          return all.contains("chat.turn") && all.contains("tenant.id") && all.contains("acme") && all.contains(u.sub())
              && all.contains("gen_ai.operation.name") && all.contains("gen_ai.system") && all.contains("agentchat.offline")
              && all.contains("gen_ai.request.model") && all.contains("gen_ai.usage.output_tokens");
        }))
        .map(v -> {
          assertTrue(collector.requests("/v1/traces").size() >= 1);
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }
}
