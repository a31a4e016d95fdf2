package io.agentchat.agent;

import io.agentchat.common.AppException;
import io.agentchat.common.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.Map;

/** Current weather and a short forecast from Open-Meteo (or any server with its API at the configured base URLs). */
public record WeatherTool(WebClient client, String forecastBase, String geocodingBase, long timeoutMs) {
  private static final Map<Integer, String> WMO = Map.ofEntries(
      Map.entry(0, "clear sky"), Map.entry(1, "mainly clear"), Map.entry(2, "partly cloudy"), Map.entry(3, "overcast"),
      Map.entry(45, "fog"), Map.entry(48, "rime fog"), Map.entry(51, "light drizzle"), Map.entry(53, "drizzle"),
      Map.entry(55, "dense drizzle"), Map.entry(61, "light rain"), Map.entry(63, "rain"), Map.entry(65, "heavy rain"),
      Map.entry(71, "light snow"), Map.entry(73, "snow"), Map.entry(75, "heavy snow"), Map.entry(80, "rain showers"),
      Map.entry(81, "rain showers"), Map.entry(82, "violent rain showers"), Map.entry(95, "thunderstorm"),
      Map.entry(96, "thunderstorm with hail"), Map.entry(99, "thunderstorm with heavy hail"));

  /** What the tool found. {@code forecast} lines are empty unless asked for. */
  public record Report(String place, double temperatureC, double windKmh, int humidity, String conditions, JsonArray forecast) {
  }


  private static String describe(int code) {
    return WMO.getOrDefault(code, "weather code " + code);
  }

  public Future<Report> lookup(String city, boolean withForecast) {
    return client.getAbs(geocodingBase + "/v1/search").addQueryParam("name", city).addQueryParam("count", "1")
        .addQueryParam("language", "en").addQueryParam("format", "json").timeout(timeoutMs).send()
        .compose(r -> json(r, "geocoding"))
        .compose(geo -> {
          JsonArray results = geo.getJsonArray("results");
          if (results == null || results.isEmpty()) {
            return Future.failedFuture(ErrorCode.NOT_FOUND.exception("I couldn't find a place called \"" + city + "\"."));
          }
          JsonObject place = results.getJsonObject(0);
          String name = place.getString("name", city) + (place.getString("country") != null ? ", " + place.getString("country") : "");
          var req = client.getAbs(forecastBase + "/v1/forecast")
              .addQueryParam("latitude", String.valueOf(place.getDouble("latitude")))
              .addQueryParam("longitude", String.valueOf(place.getDouble("longitude")))
              .addQueryParam("current", "temperature_2m,relative_humidity_2m,wind_speed_10m,weather_code")
              .addQueryParam("timezone", "auto")
              .timeout(timeoutMs);
          if (withForecast) {
            req.addQueryParam("daily", "weather_code,temperature_2m_max,temperature_2m_min").addQueryParam("forecast_days", "3");
          }
          return req.send().compose(r -> json(r, "forecast")).map(f -> report(name, f, withForecast));
        });
  }

  private static Future<JsonObject> json(HttpResponse<?> r, String what) {
    if (r.statusCode() != 200) {
      return Future.failedFuture(ErrorCode.AGENT_ERROR.exception("the " + what + " service answered " + r.statusCode()));
    }
    try {
      return Future.succeededFuture(r.bodyAsJsonObject());
    } catch (RuntimeException e) {
      return Future.failedFuture(ErrorCode.AGENT_ERROR.exception("the " + what + " service sent an unreadable answer"));
    }
  }

  private static Report report(String name, JsonObject f, boolean withForecast) {
    JsonObject cur = f.getJsonObject("current");
    if (cur == null) {
      throw new AppException(ErrorCode.AGENT_ERROR, "the forecast service sent no current conditions");
    }
    JsonArray days = new JsonArray();
    JsonObject daily = f.getJsonObject("daily");
    if (withForecast && daily != null) {
      JsonArray time = daily.getJsonArray("time", new JsonArray());
      for (int i = 0; i < time.size(); i++) {
        days.add(new JsonObject().put("date", time.getString(i))
            .put("min_c", daily.getJsonArray("temperature_2m_min").getValue(i))
            .put("max_c", daily.getJsonArray("temperature_2m_max").getValue(i))
            .put("conditions", describe(daily.getJsonArray("weather_code").getInteger(i))));
      }
    }
    return new Report(name, cur.getDouble("temperature_2m", 0.0), cur.getDouble("wind_speed_10m", 0.0),
        cur.getInteger("relative_humidity_2m", 0), describe(cur.getInteger("weather_code", -1)), days);
  }
}
