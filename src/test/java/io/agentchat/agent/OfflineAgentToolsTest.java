package io.agentchat.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.store.UsageKind;
import io.agentchat.support.Api;
import io.agentchat.support.Api.User;
import io.agentchat.support.AppTest;
import io.agentchat.support.StandInServer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The offline agent's real tools: weather against a local server with Open-Meteo's API, and the usage tool. */
class OfflineAgentToolsTest extends AppTest {
  @RegisterExtension
  static final StandInServer weather = new StandInServer()
      .on("/v1/search", OfflineAgentToolsTest::search)
      .on("/v1/forecast", OfflineAgentToolsTest::forecast);

  private static void search(HttpServerRequest req, Buffer body) {
    String name = req.getParam("name");
    if ("Nowhere".equals(name)) {
      req.connection().close(); // the service drops the connection
      return;
    }
    JsonObject answer = new JsonObject();
    if ("Broken".equals(name)) {
      answer.put("results", new JsonArray().add(new JsonObject().put("name", "Broken").put("latitude", 1.5).put("longitude", 2.5)));
    }
    if ("Lisbon".equalsIgnoreCase(name)) {
      answer.put("results", new JsonArray().add(new JsonObject().put("name", "Lisbon").put("country", "Portugal")
          .put("latitude", 38.72).put("longitude", -9.14)));
    }
    StandInServer.json(req.response(), answer);
  }

  private static void forecast(HttpServerRequest req, Buffer body) {
    if (req.getParam("latitude").startsWith("1.5")) {
      req.response().setStatusCode(500).end("forecast backend down"); // the service errs
      return;
    }
    JsonObject answer = new JsonObject().put("current", new JsonObject().put("temperature_2m", 21.5).put("relative_humidity_2m", 60)
        .put("wind_speed_10m", 12.0).put("weather_code", 2));
    if (req.params().contains("daily")) {
      answer.put("daily", new JsonObject().put("time", new JsonArray().add("2026-11-29").add("2026-11-30"))
          .put("temperature_2m_min", new JsonArray().add(12.0).add(13.0)).put("temperature_2m_max", new JsonArray().add(19.0).add(20.0))
          .put("weather_code", new JsonArray().add(61).add(0)));
    }
    StandInServer.json(req.response(), answer);
  }

  @Override
  protected JsonObject config(Path dir) {
    JsonObject c = super.config(dir);
    c.getJsonObject("agent").getJsonObject("weather").put("forecastBaseUrl", weather.baseUrl()).put("geocodingBaseUrl", weather.baseUrl());
    return c;
  }

  private Future<Long> toolEvents(User u, JsonObject turn) {
    return app.store().usage().turnEvents(u.tenant(), turn.getString("turn_id"))
        .map(es -> es.stream().filter(e -> e.kind() == UsageKind.TOOL_ACTION).count());
  }

  @Test
  void weatherIsGatedByTier(VertxTestContext ctx) {
    api.signupAndLogin("b@basic.test", "basic-co", "basic", null)
        .compose(b -> api.chat(b, "What's the weather in Lisbon?").compose(t -> {
          assertTrue(t.getString("reply").contains("not part of the basic plan"), t.getString("reply"));
          return toolEvents(b, t);
        }))
        .compose(tools -> {
          assertEquals(0, tools, "no tool ran, none is charged");
          return api.signupAndLogin("a@adv.test", "adv-co", "advanced", null);
        })
        .compose(a -> api.chat(a, "What's the weather forecast in Lisbon?").compose(t -> {
          String reply = t.getString("reply");
          assertTrue(reply.contains("Right now in Lisbon, Portugal: partly cloudy, 21.5 °C"), reply);
          assertTrue(reply.contains("premium plan"), "advanced gets current weather only: " + reply);
          assertTrue(!reply.contains("2026-11-29"), reply);
          assertTrue(t.getDouble("cost_usd") > 0.0015, "tool action priced");
          return toolEvents(a, t);
        }))
        .compose(tools -> {
          assertEquals(1, tools, "the weather call is metered as one tool action");
          return api.signupAndLogin("p@prem.test", "prem-co", "premium", null);
        })
        .compose(p -> api.chat(p, "What's the weather forecast in Lisbon?"))
        .map(t -> {
          String reply = t.getString("reply");
          assertTrue(reply.contains("2026-11-29: light rain, 12.0 to 19.0 °C"), reply);
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void unknownPlacesAndAnUnreachableServiceGetClearReplies(VertxTestContext ctx) {
    api.signupAndLogin("a@adv.test", "adv-co", "advanced", null)
        .compose(a -> api.chat(a, "weather in Atlantis?").compose(t -> {
          assertTrue(t.getString("reply").contains("couldn't find a place called \"Atlantis\""), t.getString("reply"));
          return api.chat(a, "How's the weather?");
        }).compose(t -> {
          assertTrue(t.getString("reply").startsWith("Which city"), t.getString("reply"));
          return api.chat(a, "What's the weather in Nowhere?");
        }))
        .map(t -> {
          assertTrue(t.getString("reply").contains("can't be reached right now, so I can't tell you the weather in Nowhere"), t.getString("reply"));
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  /** The trace steps of a turn, as the user's Steps show them. */
  private Future<JsonArray> steps(User u, JsonObject turn) {
    return api.get("/api/tenants/" + u.tenant() + "/turns/" + turn.getString("turn_id") + "/trace", u.idToken())
        .compose(r -> Api.expect(r, 200)).map(j -> j.getJsonArray("steps"));
  }

  private static JsonObject observation(JsonArray steps) {
    return steps.stream().map(JsonObject.class::cast).filter(s -> "observation".equals(s.getString("step"))).findFirst()
        .orElseThrow(() -> new AssertionError("no observation step: " + steps.encode()));
  }

  @Test
  void aFailedWeatherCallIsNotBilledAndItsStepShowsItFailed(VertxTestContext ctx) {
    api.signupAndLogin("a@adv.test", "adv-co", "advanced", null).compose(a -> api.chat(a, "What's the weather in Nowhere?")
        .compose(t -> Future.all(toolEvents(a, t), steps(a, t)).map(all -> {
          assertEquals(0L, (Long) all.resultAt(0), "the dropped connection is not a tool action");
          JsonObject obs = observation(all.resultAt(1));
          assertEquals("failed", obs.getString("status"), obs.encode());
          assertEquals("unavailable", obs.getJsonObject("output").getString("error"), obs.encode());
          return a;
        }))
        .compose(x -> api.chat(a, "What's the weather in Broken?")).compose(t -> {
          assertTrue(t.getString("reply").contains("can't be reached right now"), t.getString("reply"));
          return Future.all(toolEvents(a, t), steps(a, t));
        }).map(all -> {
          assertEquals(0L, (Long) all.resultAt(0), "a 500 from the forecast service is not a tool action");
          assertEquals("failed", observation(all.resultAt(1)).getString("status"));
          return a;
        })
        .compose(x -> api.chat(a, "What's the weather in Lisbon?")).compose(t -> Future.all(toolEvents(a, t), steps(a, t))))
        .map(all -> {
          assertEquals(1L, (Long) all.resultAt(0), "a lookup that answered is one tool action");
          assertEquals("ok", observation(all.resultAt(1)).getString("status"));
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void theUsageToolReadsTheUsersOwnQuota(VertxTestContext ctx) {
    api.signupAndLogin("b@basic.test", "basic-co", "basic", null)
        .compose(b -> api.chat(b, "hello").compose(t -> api.chat(b, "How many messages do I have left?")))
        .map(t -> {
          String reply = t.getString("reply");
          assertTrue(reply.contains("You have used 2 of your 50 messages today (48 left)"), reply);
          assertTrue(reply.contains("2 of 1000 this month"), reply);
          return null;
        })
        .onComplete(ctx.succeedingThenComplete());
  }
}
