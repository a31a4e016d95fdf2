package io.agentchat.agent;

import io.agentchat.client.ClientFrames;
import io.agentchat.common.AppException;
import io.agentchat.common.ErrorCode;
import io.agentchat.common.Identity;
import io.agentchat.metering.MeteringAddresses;
import io.agentchat.metering.MeteringMessages.QuotaQuery;
import io.agentchat.metering.MeteringMessages.QuotaStatus;
import io.agentchat.tier.Tier;
import io.agentchat.tier.TierCatalog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The tools an agent may call, run by the server: the weather (gated by tier: none, current, current + forecast) and
 * the user's own usage. Model backends offer only the tools of the caller's tier and check the tier again on every call.
 */
public record AgentTools(Vertx vertx, TierCatalog tiers, WeatherTool weather) {
  public static final String WEATHER = "weather";
  public static final String USAGE = "usage";

  /** A tool as offered to a model: name, description and JSON schema of its input. */
  public record ToolSpec(String name, String description, JsonObject inputSchema) {
  }


  /** The tools the tier offers, as a model is told about them. */
  public List<ToolSpec> available(String tierName) {
    Tier tier = tiers.require(tierName);
    List<ToolSpec> out = new ArrayList<>();
    if (tier.weatherCurrent()) {
      JsonObject props = new JsonObject().put("city", new JsonObject().put("type", "string").put("description", "City name, e.g. Lisbon"));
      if (tier.weatherForecast()) {
        props.put("forecast", new JsonObject().put("type", "boolean").put("description", "Also return a three-day forecast"));
      }
      out.add(new ToolSpec(WEATHER, tier.weatherForecast() ? "Current weather and a three-day forecast for a city" : "Current weather for a city",
          new JsonObject().put("type", "object").put("properties", props).put("required", new JsonArray().add("city"))));
    }
    out.add(new ToolSpec(USAGE, "How many messages the user has used and has left today and this month, and open chat sessions",
        new JsonObject().put("type", "object").put("properties", new JsonObject())));
    return out;
  }

  public boolean offers(String tierName, String tool) {
    return available(tierName).stream().anyMatch(t -> t.name().equals(tool));
  }

  /**
   * Runs one tool call of a turn and returns its result as JSON (errors are results too, so the model can explain them).
   * Records trace steps (a failed call's observation says {@code status: failed}); only a tool that ran successfully is
   * added to the turn's tools (each is metered as one tool action): a refused, invalid or failed call is not billed.
   */
  Future<JsonObject> run(String name, JsonObject input, Turn turn) {
    JsonObject in = input == null ? new JsonObject() : input;
    AgentBackend.Sink sink = turn.sink;
    sink.trace("tool_call", new JsonObject().put("tool", name).put("input", in));
    Future<JsonObject> result;
    if (!offers(turn.tier(), name)) {
      result = Future.succeededFuture(new JsonObject().put("error", ErrorCode.TOOL_NOT_IN_TIER.code())
          .put("message", "The tool \"" + name + "\" is not part of the " + turn.tier() + " plan."));
    } else if (name.equals(WEATHER)) {
      String city = in.getValue("city") instanceof String s && !s.isBlank() ? s.strip() : null;
      boolean forecast = Boolean.TRUE.equals(in.getValue("forecast")) && tiers.require(turn.tier()).weatherForecast();
      if (city == null) {
        result = Future.succeededFuture(new JsonObject().put("error", "invalid_input").put("message", "city is required"));
      } else {
        result = weather.lookup(city, forecast).map(r -> new JsonObject().put("place", r.place()).put("temperature_c", r.temperatureC())
                .put("wind_kmh", r.windKmh()).put("humidity", r.humidity()).put("conditions", r.conditions()).put("forecast", r.forecast()))
            .recover(t -> Future.succeededFuture(new JsonObject().put("error", t instanceof AppException a && a.code() == ErrorCode.NOT_FOUND
                ? "not_found" : "unavailable").put("message", t instanceof AppException a && a.code() == ErrorCode.NOT_FOUND
                ? a.getMessage() : "The weather service can't be reached right now.")));
      }
    } else {
      result = quota(turn.req.identity()).map(ClientFrames::quotaCounters).recover(t -> Future.succeededFuture(new JsonObject().put("error", "unavailable").put("message", "Usage can't be read right now.")));
    }
    return result.onSuccess(r -> {
      boolean failed = r.containsKey("error");
      if (!failed) {
        turn.tools.add(name);
      }
      sink.trace("observation", new JsonObject().put("tool", name).put("status", failed ? "failed" : "ok").put("output", r));
    });
  }

  private Future<QuotaStatus> quota(Identity id) {
    return vertx.eventBus().<QuotaStatus>request(MeteringAddresses.QUOTA, new QuotaQuery(id), new DeliveryOptions().setSendTimeout(10_000))
        .map(m -> m.body());
  }
}
