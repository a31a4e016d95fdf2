package io.agentchat.apikey;

import static io.agentchat.apikey.ProgramApiTest.ask;
import static io.agentchat.apikey.ProgramApiTest.createKey;
import static io.agentchat.apikey.ProgramApiTest.events;
import static io.agentchat.apikey.ProgramApiTest.keys;
import static io.agentchat.apikey.ProgramApiTest.openAiError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.store.TurnRecord;
import io.agentchat.store.UsageEvent;
import io.agentchat.store.UsageKind;
import io.agentchat.support.AppTest;
import io.agentchat.support.Poll;
import io.agentchat.support.TestApp;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Programs' streams at an agent's pace: chunks as they come, a stream cut off metered once, a key's budget under a burst. */
class ProgramStreamTest extends AppTest {

  @Override
  protected JsonObject config(Path dir) {
    JsonObject c = TestApp.config(dir);
    c.getJsonObject("agent").getJsonObject("offline").put("chunkDelayMs", 40);
    return c;
  }

  @Test
  void chunksArriveAsTheAgentWritesThem(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(admin -> createKey(api, admin,
        new JsonObject().put("name", "k").put("user_id", admin.sub()))).compose(created ->
        api.client.post("/v1/chat/completions").putHeader("Authorization", "Bearer " + created.getString("key"))
            .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(ask("hello").put("stream", true).encode())))
        .map(r -> {
          assertEquals(200, r.statusCode(), r.bodyAsString());
          List<JsonObject> events = events(r.bodyAsString());
          assertTrue(events.size() > 6, "one chunk per piece the agent wrote: " + events.size());
          return null;
        }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aStreamCutOffStopsTheTurnWhichIsMeteredOnceForWhatItProduced(VertxTestContext ctx) {
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(app.httpPort()));
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(admin -> createKey(api, admin,
        new JsonObject().put("name", "k").put("user_id", admin.sub())).compose(created -> {
          Promise<Void> cut = Promise.promise();
          http.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/v1/chat/completions")
                  .putHeader("Authorization", "Bearer " + created.getString("key")).putHeader("Content-Type", "application/json"))
              .compose(req -> req.send(Buffer.buffer(ask("hello").put("stream", true).encode())))
              .onSuccess(res -> {
                StringBuilder seen = new StringBuilder();
                res.handler(b -> {
                  seen.append(b.toString());
                  if (seen.indexOf("\"content\":\"") >= 0 && seen.toString().split("data: ").length > 3 && !cut.future().isComplete()) {
                    res.request().connection().close(); // the program goes away mid-answer
                    cut.complete();
                  }
                });
              }).onFailure(cut::tryFail);
          return cut.future().compose(v -> noTurnsLeft())
              .compose(v -> app.store().reports().keyTotals("acme", java.time.Instant.EPOCH, java.time.Instant.now().plusSeconds(60)))
              .compose(totals -> {
                assertEquals(1, totals.size());
                assertEquals(1, totals.get(0).turns());
                return Poll.until(vertx, () -> app.store().usage().runningTurns(), List::isEmpty);
              })
              .compose(v -> keys(api, admin))
              .map(l -> {
                assertTrue(l.getJsonArray("api_keys").getJsonObject(0).getDouble("spent_usd") > 0, "the cut-off turn is billed to the key");
                return null;
              });
        })).compose(v -> lastTurn()).compose(turn -> {
          assertEquals("cancelled", turn.status(), "stopped when its program went away");
          return app.store().usage().turnEvents("acme", turn.turnId());
        }).map(events -> {
          long output = events.stream().filter(e -> e.kind() == UsageKind.OUTPUT_TOKENS).mapToLong(UsageEvent::quantity).sum();
          assertTrue(output > 0, "what it produced before the cut is metered: " + events);
          assertEquals(events.size(), events.stream().map(UsageEvent::eventId).distinct().count(), "each event once");
          return null;
        }).onComplete(ctx.succeedingThenComplete());
  }

  /** The tenant's one turn (there is only one in these tests). */
  private Future<TurnRecord> lastTurn() {
    return app.store().reports().topTurns("acme", null, java.time.Instant.EPOCH, java.time.Instant.now().plusSeconds(60), 10)
        .compose(top -> app.store().usage().turn("acme", top.get(0).turnId())).map(Optional::orElseThrow);
  }

  @Test
  void aKeysBudgetAdmitsExactlyTheHoldsItFitsUnderABurst(VertxTestContext ctx) {
    // a turn holds 0.05 USD until it is settled (metering.budgetReservePerTurnMicroUsd); 0.25 USD fits five holds
    api.signupAndLogin("ada@acme.test", "acme", "premium", null).compose(admin -> createKey(api, admin,
        new JsonObject().put("name", "capped").put("service_account", "capped").put("monthly_usd", 0.25)).compose(created -> {
          String key = created.getString("key");
          List<Future<HttpResponse<Buffer>>> all = new ArrayList<>();
          for (int i = 0; i < 100; i++) {
            all.add(api.client.post("/v1/chat/completions").putHeader("Authorization", "Bearer " + key)
                .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(ask("hello " + i).encode())));
          }
          return Future.all(all).compose(cf -> {
            int ok = 0;
            for (Future<HttpResponse<Buffer>> f : all) {
              HttpResponse<Buffer> r = f.result();
              if (r.statusCode() == 200) {
                ok++;
              } else {
                JsonObject e = openAiError(r, 429, "insufficient_quota", "budget_exceeded");
                assertTrue(e.getString("message").contains("API key"), e.encode());
                assertTrue(Long.parseLong(r.getHeader("Retry-After")) >= 1);
              }
            }
            assertEquals(5, ok, "five holds fit the key's budget while the turns run");
            return keys(api, admin);
          }).map(l -> {
            JsonObject k = l.getJsonArray("api_keys").getJsonObject(0);
            assertEquals(0.25, k.getDouble("monthly_usd"), 1e-12);
            assertTrue(k.getDouble("spent_usd") > 0 && k.getDouble("spent_usd") <= 0.25, k.encode());
            return null;
          });
        })).compose(v -> noTurnsLeft()).onComplete(ctx.succeedingThenComplete());
  }
}
