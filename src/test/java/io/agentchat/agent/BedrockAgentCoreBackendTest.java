package io.agentchat.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.common.TokenEstimate;
import io.agentchat.store.UsageKind;
import io.agentchat.support.Api;
import io.agentchat.support.AppTest;
import io.agentchat.support.BridgeClient;
import io.agentchat.support.StandInServer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The AgentCore Runtime backend against a local server that checks each call as the service does (SigV4 recomputed,
 * session id, tenant context) and answers as a Strands agent would, or fails in each of the service's ways.
 */
class BedrockAgentCoreBackendTest extends AppTest {
  static final AgentCoreStandIn runtime = AgentCoreStandIn.create();
  @RegisterExtension
  static final StandInServer server = runtime.server();

  /** The provider pointed at the stand-in: a runtime and an endpoint of its own for premium, the user id sent. */
  static JsonObject agentCore(JsonObject c, String baseUrl) {
    c.getJsonObject("agent").put("provider", "bedrock-agentcore").put("idleTimeoutMs", 1500).put("retries", 2)
        .put("bedrockAgentCore", new JsonObject().put("region", "us-east-1").put("endpoint", baseUrl)
            .put("runtimeArn", AgentCoreStandIn.ARN)
            .put("runtimeArnByTier", new JsonObject().put("premium", AgentCoreStandIn.PREMIUM_ARN))
            .put("qualifierByTier", new JsonObject().put("premium", "PREMIUM"))
            .put("sendUserId", true));
    return c;
  }

  @Override
  protected JsonObject config(Path dir) {
    return agentCore(super.config(dir), server.baseUrl());
  }

  @AfterEach
  void everyCallPassedTheServicesChecks() {
    assertEquals(List.of(), runtime.problems(), "signature, path and session id as the service wants them");
  }

  private Future<JsonObject> chatIn(Api.User u, String sessionId, String message) {
    return api.post("/api/chat", u.idToken(), new JsonObject().put("session_id", sessionId).put("message", message))
        .compose(r -> Api.expect(r, 200));
  }

  /** One turn over the bridge: the frames of the turn once its done frame arrived. */
  private Future<List<JsonObject>> turn(Api.User u, String message) {
    return listen(u).compose(b -> b.request("chat.send", u.idToken(), new JsonObject().put("message", message))
        .compose(acc -> b.await(BridgeClient.has("done", d -> d.getString("turn_id").equals(acc.getString("turn_id")))))
        .compose(fs -> b.close().map(fs)));
  }

  @Test
  void aSignedCallCarriesTheTenantContextAndOneRuntimeSessionPerChatSession(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "premium", null).compose(u -> api.newSession(u).compose(s1 -> api.newSession(u).compose(s2 -> {
      String one = s1.getString("session_id");
      return chatIn(u, one, "hello runtime")
          .compose(t -> {
            assertEquals("Hello from AgentCore for acme", t.getString("reply"), "each piece once, though Strands sends it twice");
            assertEquals(21, t.getJsonObject("usage").getInteger("input_tokens"), "usage from the runtime's metadata event");
            assertEquals(9, t.getJsonObject("usage").getInteger("output_tokens"));
            assertFalse(t.getJsonObject("usage").getBoolean("estimated"));
            return chatIn(u, one, "hello again");
          })
          .compose(t -> chatIn(u, s2.getString("session_id"), "hello other session"))
          .map(t -> {
            StandInServer.Request first = runtime.calls("hello runtime").get(0);
            StandInServer.Request again = runtime.calls("hello again").get(0);
            StandInServer.Request other = runtime.calls("hello other session").get(0);
            assertTrue(first.path().equals("/runtimes/" + AgentCoreStandIn.PREMIUM_ARN + "/invocations"), "premium's runtime: " + first.path());
            assertEquals("PREMIUM", first.params().get("qualifier"), "premium's endpoint");
            String session = first.header(BedrockAgentCoreBackend.SESSION_HEADER);
            assertTrue(session.length() >= 33 && session.length() <= 256, session);
            assertEquals(session, again.header(BedrockAgentCoreBackend.SESSION_HEADER), "one runtime session for the turns of a chat session");
            assertNotEquals(session, other.header(BedrockAgentCoreBackend.SESSION_HEADER), "another chat session, another runtime session");
            assertFalse(session.contains(u.sub()), "the user id is not in the session id");
            assertEquals(u.sub(), first.header(BedrockAgentCoreBackend.USER_HEADER), "sendUserId");
            assertTrue(first.header("Accept").contains("text/event-stream"));
            JsonObject body = first.json();
            assertEquals("hello runtime", body.getString("prompt"));
            assertEquals(one, body.getString("session_id"));
            JsonObject context = body.getJsonObject("tenant_context");
            assertEquals("acme", context.getString("tenant_id"));
            assertEquals(u.sub(), context.getString("user_id"));
            assertEquals("premium", context.getString("subscription_tier"));
            assertEquals("admin", context.getString("user_role"));
            assertEquals(new JsonArray().add("weather").add("usage"), context.getJsonArray("allowed_tools"), "the tools premium allows");
            assertEquals(0, body.getJsonArray("history").size());
            assertEquals(2, again.json().getJsonArray("history").size(), "the session's earlier turn");
            assertTrue(first.header("baggage").contains("tenant.id=acme"), first.header("baggage"));
            assertTrue(first.header("baggage").contains("subscription.tier=premium"), first.header("baggage"));
            return null;
          });
    }))).compose(v -> api.signupAndLogin("bob@beta.test", "beta", "basic", null))
        .compose(bob -> api.chat(bob, "hello from basic"))
        .map(t -> {
          StandInServer.Request call = runtime.calls("hello from basic").get(0);
          assertEquals("/runtimes/" + AgentCoreStandIn.ARN + "/invocations", call.path(), "the default runtime");
          assertEquals("DEFAULT", call.params().get("qualifier"));
          assertEquals(new JsonArray().add("usage"), call.json().getJsonObject("tenant_context").getJsonArray("allowed_tools"));
          assertEquals("Hello from AgentCore for beta", t.getString("reply"));
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aJsonReplyIsTakenWholeWithItsUsage(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null)
        .compose(u -> api.chat(u, "json please"))
        .map(t -> {
          assertEquals("A whole reply for acme", t.getString("reply"));
          assertEquals(7, t.getJsonObject("usage").getInteger("input_tokens"));
          assertEquals(5, t.getJsonObject("usage").getInteger("output_tokens"));
          assertFalse(t.getJsonObject("usage").getBoolean("estimated"));
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void plainStringsAndTextEventsWithoutUsageAreEstimated(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null)
        .compose(u -> api.chat(u, "plain please"))
        .map(t -> {
          assertEquals("Plain strings and text events", t.getString("reply"));
          JsonObject usage = t.getJsonObject("usage");
          assertTrue(usage.getBoolean("estimated"), "no usage reported: counted locally and flagged");
          assertEquals(TokenEstimate.of("plain please"), usage.getLong("input_tokens"));
          assertEquals(TokenEstimate.of("Plain strings and text events"), usage.getLong("output_tokens"));
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void throttlingAndServerErrorsBeforeTheFirstChunkAreRetried(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null)
        .compose(u -> api.chat(u, "throttle-first please").compose(t -> {
          assertEquals("completed", t.getString("status"));
          assertEquals("Hello from AgentCore for acme", t.getString("reply"), "the answer once");
          assertEquals(2, runtime.calls("throttle-first please").size(), "one retry after 429");
          return api.chat(u, "server-error-first please");
        }))
        .map(t -> {
          assertEquals("completed", t.getString("status"));
          assertEquals(2, runtime.calls("server-error-first please").size(), "one retry after 500");
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void theAgentsErrorTheQuotaAndAccessDeniedEndTheTurnWithAClearErrorAndNoRetry(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null)
        .compose(u -> turn(u, "agent-error please").compose(fs -> {
          assertError(fs, "The agent failed", "ValueError");
          assertEquals(1, runtime.calls("agent-error please").size(), "424 is the agent's own error: not retried");
          return turn(u, "quota please");
        }).compose(fs -> {
          assertError(fs, "quota", "maxVms");
          assertEquals(1, runtime.calls("quota please").size());
          return turn(u, "deny please");
        }).compose(fs -> {
          assertError(fs, "access denied", "InvokeAgentRuntime");
          assertEquals(1, runtime.calls("deny please").size());
          return api.usage(u);
        }))
        .map(usage -> {
          assertEquals(0, usage.getInteger("daily_used"), "turns that produced nothing are given back: " + usage);
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  private static void assertError(List<JsonObject> fs, String... words) {
    JsonObject error = BridgeClient.bodies(fs, "error").get(0);
    assertEquals("agent_error", error.getString("code"));
    for (String w : words) {
      assertTrue(error.getString("message").contains(w), error.getString("message"));
    }
    assertEquals("failed", BridgeClient.bodies(fs, "done").get(0).getString("status"));
    assertTrue(BridgeClient.bodies(fs, "chunk").isEmpty());
  }

  @Test
  void anErrorEventAfterTheFirstChunkEndsTheTurnMeteredForWhatItProduced(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null)
        .compose(u -> turn(u, "error-late please").compose(fs -> {
          JsonObject error = BridgeClient.bodies(fs, "error").get(0);
          assertTrue(error.getString("message").contains("RuntimeError: the tool crashed"), error.getString("message"));
          JsonObject done = BridgeClient.bodies(fs, "done").get(0);
          assertEquals("failed", done.getString("status"));
          assertEquals(12, done.getJsonObject("usage").getInteger("input_tokens"), "the usage reported before the error");
          assertEquals(3, done.getJsonObject("usage").getInteger("output_tokens"));
          assertEquals("the beginning ", BridgeClient.bodies(fs, "chunk").get(0).getString("text"));
          assertEquals(1, runtime.calls("error-late please").size(), "no retry once the user has seen output");
          return app.store().usage().turnEvents("acme", done.getString("turn_id"));
        }))
        .map(events -> {
          assertTrue(events.stream().anyMatch(e -> e.kind() == UsageKind.OUTPUT_TOKENS && e.quantity() == 3), events.toString());
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aMalformedStreamEndsTheTurnWithAClearErrorMeteredForWhatItProduced(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null)
        .compose(u -> turn(u, "malformed please"))
        .map(fs -> {
          JsonObject error = BridgeClient.bodies(fs, "error").get(0);
          assertTrue(error.getString("message").contains("malformed"), error.getString("message"));
          JsonObject done = BridgeClient.bodies(fs, "done").get(0);
          assertEquals("failed", done.getString("status"));
          assertTrue(done.getJsonObject("usage").getBoolean("estimated"));
          assertEquals(TokenEstimate.of("the beginning "), done.getJsonObject("usage").getLong("output_tokens"), "what streamed is metered");
          assertEquals(1, runtime.calls("malformed please").size());
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aStalledStreamTimesOutAndKeepsWhatWasProduced(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null)
        .compose(u -> api.chat(u, "stall please").compose(t -> {
          assertEquals("failed", t.getString("status"));
          assertEquals("the beginning ", t.getString("reply"));
          return app.store().usage().turnEvents("acme", t.getString("turn_id"));
        }))
        .map(events -> {
          assertTrue(events.stream().anyMatch(e -> e.kind() == UsageKind.OUTPUT_TOKENS && e.quantity() > 0), "partial output is metered");
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }
}
