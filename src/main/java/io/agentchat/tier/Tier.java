package io.agentchat.tier;

import io.vertx.core.json.JsonObject;

/** Limits and features of one subscription tier. {@code weather} is none, current or forecast (current + forecast). */
public record Tier(String name, int dailyMessages, int monthlyMessages, int concurrentSessions, String weather,
                   boolean adminReports, int sessionMinutes) {

  public boolean weatherCurrent() {
    return !weather.equals("none");
  }

  public boolean weatherForecast() {
    return weather.equals("forecast");
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("daily_messages", dailyMessages)
        .put("monthly_messages", monthlyMessages)
        .put("concurrent_sessions", concurrentSessions)
        .put("session_minutes", sessionMinutes)
        .put("weather", weather)
        .put("admin_reports", adminReports);
  }
}
