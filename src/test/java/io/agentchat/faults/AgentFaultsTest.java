package io.agentchat.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.support.Api.User;
import io.agentchat.support.AppTest;
import io.agentchat.support.StandInServer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A model service (OpenAI-compatible stand-in) that hangs or fails on one tenant's prompts: that tenant's turns time out
 * or fail with clear statuses and no charge, its circuit opens and stops calling the service, and another tenant's turns
 * run as usual throughout.
 */
class AgentFaultsTest extends AppTest {
  @RegisterExtension
  static final StandInServer model = new StandInServer().otherwise(AgentFaultsTest::answer);

  /** The last message of each call. */
  private static List<String> prompts() {
    return model.requests().stream().map(r -> {
      JsonArray messages = r.json().getJsonArray("messages");
      return String.valueOf(messages.getJsonObject(messages.size() - 1).getValue("content"));
    }).toList();
  }

  private static void answer(HttpServerRequest req, Buffer buf) {
    JsonArray messages = buf.toJsonObject().getJsonArray("messages");
    String prompt = String.valueOf(messages.getJsonObject(messages.size() - 1).getValue("content"));
    if (prompt.contains("hang")) {
      return; // never answers
    }
    if (prompt.contains("boom")) {
      req.response().setStatusCode(400).end(new JsonObject().put("error", new JsonObject().put("message", "bad prompt")).encode());
      return;
    }
    HttpServerResponse res = StandInServer.streaming(req.response(), "text/event-stream");
    StandInServer.sse(res, new JsonObject().put("choices", new JsonArray().add(new JsonObject().put("index", 0)
        .put("delta", new JsonObject().put("content", "fine")).put("finish_reason", "stop"))));
    res.end("data: [DONE]\n\n");
  }

  @Override
  protected JsonObject config(Path dir) {
    JsonObject c = super.config(dir);
    c.getJsonObject("agent").put("provider", "openai").put("timeoutMs", 1000).put("idleTimeoutMs", 1000).put("retries", 0)
        .put("openai", new JsonObject().put("baseUrl", model.baseUrl() + "/v1").put("apiKey", "sk-test")
            .put("model", "llama3.1"));
    return c;
  }

  @Test
  void aHangingOrFailingBackendTimesOutOpensOnlyThatTenantsCircuitAndOtherTenantsCarryOn(VertxTestContext ctx) {
    User[] noisy = new User[1];
    User[] quiet = new User[1];
    api.signupAndLogin("nora@noisy.test", "noisy", "basic", null).compose(n -> {
      noisy[0] = n;
      return api.signupAndLogin("quinn@quiet.test", "quiet", "basic", null);
    }).compose(q -> {
      quiet[0] = q;
      long started = System.nanoTime();
      // a turn that hangs, and meanwhile another tenant's turn
      Future<JsonObject> hung = api.chat(noisy[0], "please hang");
      Future<JsonObject> other = api.chat(quiet[0], "hello while they wait");
      return Future.all(hung, other).map(all -> {
        assertEquals("failed", hung.result().getString("status"), "a hanging call is cut by the turn timeout");
        assertTrue((System.nanoTime() - started) / 1_000_000 < 10_000, "and promptly");
        assertEquals("completed", other.result().getString("status"), "the other tenant is not held up");
        return null;
      });
    }).compose(v -> {
      // four failures more: five in a row open the noisy tenant's circuit
      Future<Void> chain = Future.succeededFuture();
      for (int i = 0; i < 4; i++) {
        chain = chain.compose(x -> api.chat(noisy[0], "boom")).map(r -> {
          assertEquals("failed", r.getString("status"));
          return null;
        });
      }
      return chain;
    }).compose(v -> api.chat(noisy[0], "an ordinary question after the circuit opened")).compose(r -> {
      assertEquals("failed", r.getString("status"), "refused while the circuit is open");
      assertTrue(prompts().stream().noneMatch(p -> p.contains("after the circuit opened")), "the model service is not called");
      return api.chat(quiet[0], "and now?");
    }).compose(r -> {
      assertEquals("completed", r.getString("status"), "the quiet tenant's circuit is still closed");
      assertEquals("fine", r.getString("reply"));
      return api.usage(noisy[0]);
    }).compose(usage -> {
      assertEquals(0, usage.getInteger("daily_used"), "failed turns without an answer are not charged");
      return api.get("/ready", null);
    }).map(ready -> {
      assertEquals(200, ready.statusCode(), "one tenant's open circuit does not take the server out of service: " + ready.bodyAsString());
      assertEquals(1, ready.bodyAsJsonObject().getJsonObject("agent").getInteger("open_circuits"));
      return null;
    }).onComplete(ctx.succeedingThenComplete());
  }
}
