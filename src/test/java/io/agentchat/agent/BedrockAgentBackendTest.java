package io.agentchat.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.common.TokenEstimate;
import io.agentchat.store.UsageEvent;
import io.agentchat.store.UsageKind;
import io.agentchat.support.AppTest;
import io.agentchat.support.BridgeClient;
import io.agentchat.support.StandInServer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Bedrock Agents backend through the real SDK client, against a stand-in writing genuine event-stream frames. */
class BedrockAgentBackendTest extends AppTest {
  @RegisterExtension
  static final StandInServer standIn = BedrockAgentStandIn.server();

  @Override
  protected JsonObject config(Path dir) {
    JsonObject c = super.config(dir);
    c.getJsonObject("agent").put("provider", "bedrock-agent").put("idleTimeoutMs", 1500).put("retries", 2)
        .put("bedrockAgent", new JsonObject().put("region", "us-east-1").put("endpoint", standIn.baseUrl())
            .put("agentId", "AGENT1").put("agentAliasId", "ALIAS1").put("aliasByTier", new JsonObject().put("premium", "ALIASP")));
    return c;
  }

  private List<StandInServer.Request> callsFor(String input) {
    return standIn.requests().stream().filter(c -> c.json().getString("inputText").equals(input)).toList();
  }

  @Test
  void aTurnStreamsInOrderAndSumsUsageOverAllTraces(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "premium", null).compose(u -> BridgeClient.connect(vertx, app.httpPort()).compose(b -> {
      b.register("client.acme." + u.sub(), u.idToken());
      return b.request("chat.send", u.idToken(), new JsonObject().put("message", "hello agent").put("request_id", "bedrock-1"))
          .compose(acc -> b.await(BridgeClient.has("done", d -> d.getString("turn_id").equals(acc.getString("turn_id")))).map(fs -> {
            List<JsonObject> chunks = BridgeClient.bodies(fs, "chunk");
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < chunks.size(); i++) {
              assertEquals(i, chunks.get(i).getInteger("seq"));
              text.append(chunks.get(i).getString("text"));
            }
            assertEquals("Hello from Bedrock for acme", text.toString());
            JsonObject done = BridgeClient.bodies(fs, "done").get(0);
            assertEquals("completed", done.getString("status"));
            JsonObject usage = done.getJsonObject("usage");
            assertEquals(10 + 20 + 3, usage.getInteger("input_tokens"), "pre-processing + orchestration + post-processing input");
            assertEquals(5 + 30 + 4, usage.getInteger("output_tokens"));
            assertFalse(usage.getBoolean("estimated"));
            // model from the trace (Claude 3.5 Sonnet 3/15 per million) + orchestration + one action-group call
            assertEquals(33 * 3e-6 + 39 * 15e-6 + 0.001 + 0.0005 + io.agentchat.support.Costs.storageUsd("hello agent", text.toString()),
                done.getDouble("cost_usd"), 1e-12);
            List<String> steps = BridgeClient.bodies(fs, "trace").stream().map(t -> t.getString("step")).toList();
            assertTrue(steps.containsAll(List.of("rationale", "model_invocation", "model_output", "tool_call")), steps.toString());
            StandInServer.Request call = callsFor("hello agent").get(0);
            assertTrue(call.path().startsWith("/agents/AGENT1/agentAliases/ALIASP/sessions/"), "premium uses its own alias: " + call.path());
            assertTrue(call.path().endsWith("/text"));
            assertTrue(call.header("baggage").contains("tenant.id=acme"), "the trace context reaches Bedrock: " + call.header("baggage"));
            JsonObject body = call.json();
            assertTrue(body.getBoolean("enableTrace"));
            assertTrue(body.getJsonObject("streamingConfigurations").getBoolean("streamFinalResponse"));
            JsonObject attrs = body.getJsonObject("sessionState").getJsonObject("sessionAttributes");
            assertEquals("acme", attrs.getString("tenant_id"));
            assertEquals(u.sub(), attrs.getString("user_id"));
            assertEquals("premium", attrs.getString("subscription_tier"));
            assertEquals("admin", attrs.getString("user_role"));
            assertTrue(body.getJsonObject("sessionState").getJsonObject("promptSessionAttributes").getString("tenant_context").contains("acme"));
            return acc.getString("turn_id");
          }))
          .compose(turnId -> api.get("/api/tenants/acme/turns/" + turnId + "/trace", u.idToken()).compose(r -> {
            assertEquals(200, r.statusCode(), r.bodyAsString());
            List<String> stored = r.bodyAsJsonObject().getJsonArray("steps").stream().map(o -> ((JsonObject) o).getString("step")).toList();
            assertTrue(stored.containsAll(List.of("rationale", "tool_call", "model_output")), "trace steps are stored for audit: " + stored);
            return api.signupAndLogin("bob@beta.test", "beta", "basic", null)
                .compose(bob -> api.get("/api/tenants/beta/turns/" + turnId + "/trace", bob.idToken()));
          }))
          .map(r -> {
            assertEquals(404, r.statusCode(), "another tenant cannot read the trace");
            return b;
          })
          .compose(BridgeClient::close);
    })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void throttlingBeforeTheFirstChunkIsRetriedWithoutDuplicateText(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null)
        .compose(u -> api.chat(u, "throttle-first please"))
        .map(t -> {
          assertEquals("completed", t.getString("status"));
          assertEquals("Hello from Bedrock for acme", t.getString("reply"), "the user sees the answer once");
          assertEquals(2, callsFor("throttle-first please").size(), "one retry");
          assertTrue(callsFor("throttle-first please").get(0).path().contains("/agentAliases/ALIAS1/"));
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void anErrorAfterTheFirstChunkEndsTheTurnWithAnErrorFrameAndPartialMetering(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(u -> BridgeClient.connect(vertx, app.httpPort()).compose(b -> {
      b.register("client.acme." + u.sub(), u.idToken());
      return b.request("chat.send", u.idToken(), new JsonObject().put("message", "throttle-late please"))
          .compose(acc -> b.await(BridgeClient.has("done", d -> true)).compose(fs -> {
            assertEquals(1, callsFor("throttle-late please").size(), "no retry once the user has seen output");
            JsonObject error = BridgeClient.bodies(fs, "error").get(0);
            assertEquals("agent_error", error.getString("code"));
            assertTrue(error.getString("message").contains("busy"), error.getString("message"));
            JsonObject done = BridgeClient.bodies(fs, "done").get(0);
            assertEquals("failed", done.getString("status"));
            assertEquals(10 + 20, done.getJsonObject("usage").getInteger("input_tokens"), "usage reported before the failure is metered");
            assertEquals(5 + 30, done.getJsonObject("usage").getInteger("output_tokens"));
            return app.store().usage().turnEvents("acme", acc.getString("turn_id"));
          }))
          .map(events -> {
            assertTrue(events.stream().anyMatch(e -> e.kind() == UsageKind.OUTPUT_TOKENS && e.quantity() == 35));
            return b;
          })
          .compose(BridgeClient::close);
    })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void withoutUsageInTheTracesInputAndOutputAreEstimated(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null)
        .compose(u -> api.chat(u, "no usage please"))
        .map(t -> {
          assertEquals("Hello without usage", t.getString("reply"));
          JsonObject usage = t.getJsonObject("usage");
          assertTrue(usage.getBoolean("estimated"), "no usage reported: counted locally and flagged");
          assertEquals(TokenEstimate.of("no usage please"), usage.getLong("input_tokens"), "the message sent is counted, never zero");
          assertEquals(TokenEstimate.of("Hello without usage"), usage.getLong("output_tokens"));
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aStalledStreamHitsTheTimeout(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null)
        .compose(u -> api.chat(u, "stall please").compose(t -> {
          assertEquals("failed", t.getString("status"));
          assertEquals("the beginning ", t.getString("reply"), "what was produced is kept");
          return app.store().usage().turnEvents("acme", t.getString("turn_id"));
        }))
        .map(events -> {
          assertTrue(events.stream().map(UsageEvent::kind).toList().contains(UsageKind.OUTPUT_TOKENS), "partial output is metered");
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void twoTenantsAtOnceEachGetOnlyTheirOwnStream(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(ada -> api.signupAndLogin("bob@beta.test", "beta", "basic", null)
        .compose(bob -> BridgeClient.connect(vertx, app.httpPort()).compose(ba -> BridgeClient.connect(vertx, app.httpPort()).compose(bb -> {
          ba.register("client.acme." + ada.sub(), ada.idToken());
          bb.register("client.beta." + bob.sub(), bob.idToken());
          return Future.all(
                  ba.request("chat.send", ada.idToken(), new JsonObject().put("message", "tenant race").put("request_id", "race-a")),
                  bb.request("chat.send", bob.idToken(), new JsonObject().put("message", "tenant race").put("request_id", "race-b")))
              .compose(v -> Future.all(ba.await(BridgeClient.has("done", d -> true)), bb.await(BridgeClient.has("done", d -> true))))
              .map(cf -> {
                String a = String.join("", BridgeClient.bodies(ba.frames(), "chunk").stream().map(c -> c.getString("text")).toList());
                String b = String.join("", BridgeClient.bodies(bb.frames(), "chunk").stream().map(c -> c.getString("text")).toList());
                assertEquals("Hello from Bedrock for acme", a);
                assertEquals("Hello from Bedrock for beta", b);
                List<String> tenants = callsFor("tenant race").stream()
                    .map(c -> c.json().getJsonObject("sessionState").getJsonObject("sessionAttributes").getString("tenant_id")).sorted().toList();
                assertEquals(List.of("acme", "beta"), tenants);
                return null;
              })
              .compose(v -> ba.close()).compose(v -> bb.close());
        })))).onComplete(ctx.succeedingThenComplete());
  }
}
