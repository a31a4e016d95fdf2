package io.agentchat.tier;

import io.vertx.core.json.JsonObject;

/**
 * Limits and features of one subscription tier. {@code weather} is none, current or forecast (current + forecast).
 * {@code models}: the models (keys of the pricing file) a program may ask for through the OpenAI-compatible API, the
 * first being the plan's default.
 */
public record Tier(String name, int dailyMessages, int monthlyMessages, int concurrentSessions, String weather,
                   boolean adminReports, int sessionMinutes, java.util.List<String> models) {
  /** The models of a tier whose file names none. */
  public static final java.util.List<String> DEFAULT_MODELS = java.util.List.of("anthropic.claude-3-haiku");

  public Tier {
    models = models == null || models.isEmpty() ? DEFAULT_MODELS : java.util.List.copyOf(models);
  }

  public Tier(String name, int dailyMessages, int monthlyMessages, int concurrentSessions, String weather, boolean adminReports,
              int sessionMinutes) {
    this(name, dailyMessages, monthlyMessages, concurrentSessions, weather, adminReports, sessionMinutes, DEFAULT_MODELS);
  }

  /** The plan's default model. */
  public String defaultModel() {
    return models.get(0);
  }

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
        .put("admin_reports", adminReports)
        .put("models", new io.vertx.core.json.JsonArray(models));
  }
}
