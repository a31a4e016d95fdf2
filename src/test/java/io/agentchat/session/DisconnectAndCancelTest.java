package io.agentchat.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.common.TokenEstimate;
import io.agentchat.store.UsageEvent;
import io.agentchat.store.UsageKind;
import io.agentchat.support.AppTest;
import io.agentchat.support.BridgeClient;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DisconnectAndCancelTest extends AppTest {

  @Override
  protected JsonObject config(Path dir) {
    JsonObject c = super.config(dir);
    c.getJsonObject("agent").getJsonObject("offline").put("chunkDelayMs", 15);
    return c;
  }

  private static long outputTokens(List<UsageEvent> events) {
    return events.stream().filter(e -> e.kind() == UsageKind.OUTPUT_TOKENS).mapToLong(UsageEvent::quantity).sum();
  }

  @Test
  void aClientThatDisconnectsMidStreamIsMeteredForWhatWasProduced(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(u -> listen(u).compose(watcher -> listen(u).compose(sender ->
        sender.request("chat.send", u.idToken(), new JsonObject().put("message", "tell me a long story").put("request_id", "cut-1"))
            .compose(accepted -> sender.await(fs -> BridgeClient.bodies(fs, "chunk").size() >= 5).map(accepted.getString("turn_id")))
            .compose(turnId -> sender.close().map(turnId))
            .compose(turnId -> watcher.await(BridgeClient.has("done", d -> turnId.equals(d.getString("turn_id")))).map(fs -> {
              JsonObject done = BridgeClient.bodies(fs, "done").get(0);
              assertEquals("cancelled", done.getString("status"), "the turn of a closed connection stops");
              return turnId;
            }))
            .compose(turnId -> app.store().usage().turnEvents("acme", turnId).compose(events -> app.store().usage().turn("acme", turnId).map(turn -> {
              assertEquals("cancelled", turn.orElseThrow().status());
              long out = outputTokens(events);
              long full = TokenEstimate.of(io.agentchat.agent.OfflineAgent.general("tell me a long story"));
              assertTrue(out > 0, "the partial reply is metered");
              assertTrue(out < full, "only what was produced is metered: " + out + " of " + full);
              assertTrue(events.stream().anyMatch(e -> e.kind() == UsageKind.INVOCATION));
              return null;
            })))
            .compose(v -> api.usage(u)).map(usage -> {
              assertEquals(1, usage.getInteger("daily_used"), "a cut-off turn still counts as a message");
              return watcher;
            })
            .compose(BridgeClient::close))))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aConnectionClosedBeforeTheSendIsAnsweredStillStopsItsTurn(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(u -> listen(u).compose(watcher -> watcher.request("chat.cancel",
            u.idToken(), new JsonObject().put("turn_id", "none")).transform(ar -> BridgeClient.connect(vertx, app.httpPort())) // the watcher is in
        .compose(sender -> {
          sender.request("chat.send", u.idToken(), new JsonObject().put("message", "tell me a long story").put("request_id", "race-1"));
          return sender.close(); // at once: the reservation is still under way
        })
        .compose(v -> watcher.await(BridgeClient.has("done", d -> true)))
        .map(fs -> {
          assertEquals("cancelled", BridgeClient.bodies(fs, "done").get(0).getString("status"));
          return watcher;
        })
        .compose(BridgeClient::close)))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void theStopCommandCancelsARunningTurnAndMetersThePartialReply(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(u -> listen(u).compose(b ->
        b.request("chat.send", u.idToken(), new JsonObject().put("message", "tell me a long story"))
            .compose(accepted -> b.await(fs -> BridgeClient.bodies(fs, "chunk").size() >= 3).map(accepted.getString("turn_id")))
            .compose(turnId -> b.request("chat.cancel", u.idToken(), new JsonObject().put("turn_id", turnId)).map(r -> {
              assertTrue(r.getBoolean("cancelled"));
              return turnId;
            }))
            .compose(turnId -> b.await(BridgeClient.has("done", d -> turnId.equals(d.getString("turn_id")))).compose(fs -> {
              JsonObject done = BridgeClient.bodies(fs, "done").get(0);
              assertEquals("cancelled", done.getString("status"));
              long chunks = BridgeClient.bodies(fs, "chunk").size();
              assertTrue(done.getJsonObject("usage").getLong("output_tokens") > 0);
              assertTrue(chunks < 100, "the reply stopped early");
              return api.get("/api/tenants/acme/sessions", u.idToken());
            }))
            .compose(r -> {
              String sessionId = r.bodyAsJsonObject().getJsonArray("sessions").getJsonObject(0).getString("session_id");
              return api.get("/api/tenants/acme/sessions/" + sessionId + "/messages", u.idToken());
            })
            .map(r -> {
              JsonObject last = r.bodyAsJsonObject().getJsonArray("messages").getJsonObject(1);
              assertEquals("assistant", last.getString("role"));
              assertEquals("cancelled", last.getString("status"));
              assertTrue(last.getString("text").length() > 0, "the partial reply is kept");
              return b;
            })
            .compose(BridgeClient::close)))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void anotherUserCannotCancelMyTurn(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(ada -> api.signupAndLogin("bob@beta.test", "beta", "basic", null)
        .compose(bob -> listen(ada).compose(b -> b.request("chat.send", ada.idToken(), new JsonObject().put("message", "tell me a long story"))
            .compose(accepted -> b.request("chat.cancel", bob.idToken(), new JsonObject().put("turn_id", accepted.getString("turn_id")))
                .transform(ar -> {
                  assertTrue(ar.failed());
                  assertEquals("not_found", ((BridgeClient.BridgeError) ar.cause()).code());
                  return b.await(BridgeClient.has("done", d -> true));
                }))
            .map(fs -> {
              assertEquals("completed", BridgeClient.bodies(fs, "done").get(0).getString("status"));
              return b;
            })
            .compose(BridgeClient::close))))
        .onComplete(ctx.succeedingThenComplete());
  }
}
