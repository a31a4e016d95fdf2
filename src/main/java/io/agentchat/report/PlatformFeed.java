package io.agentchat.report;

import io.agentchat.agent.AgentAddresses;
import io.agentchat.common.ClientAddresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The operators' feed ({@code monitor.platform}): every few seconds, per tenant, the turns started and finished, errors,
 * tokens and cost of the last period, the sessions seen, and the agent backend's health.
 */
final class PlatformFeed {
  private static final class Window {
    long started;
    long finished;
    long errors;
    long tokens;
    BigDecimal cost = BigDecimal.ZERO;
    final Set<String> sessions = new HashSet<>();
  }

  private final Vertx vertx;
  private final int periodSeconds;
  private Map<String, Window> window = new TreeMap<>();
  private MessageConsumer<JsonObject> consumer;
  private long timer;

  PlatformFeed(Vertx vertx, int periodSeconds) {
    this.vertx = vertx;
    this.periodSeconds = periodSeconds;
  }

  Future<Void> start() {
    consumer = vertx.eventBus().localConsumer(ClientAddresses.MONITOR_ALL, m -> record(m.body()));
    timer = vertx.setPeriodic(periodSeconds * 1000L, id -> publish());
    return consumer.completion();
  }

  void stop() {
    vertx.cancelTimer(timer);
    consumer.unregister();
  }

  private void record(JsonObject e) {
    Window w = window.computeIfAbsent(e.getString("tenant_id", "?"), k -> new Window());
    if (e.getString("session_id") != null) {
      w.sessions.add(e.getString("session_id"));
    }
    switch (e.getString("type", "")) {
      case "turn_started" -> w.started++;
      case "turn_finished" -> {
        w.finished++;
        if (e.getValue("error") != null || "failed".equals(e.getString("status"))) {
          w.errors++;
        }
        JsonObject u = e.getJsonObject("usage", new JsonObject());
        w.tokens += u.getLong("input_tokens", 0L) + u.getLong("output_tokens", 0L);
        Object c = e.getValue("cost_usd");
        if (c != null) {
          w.cost = w.cost.add(new BigDecimal(c.toString()));
        }
      }
      default -> {
      }
    }
  }

  private void publish() {
    Map<String, Window> done = window;
    window = new TreeMap<>();
    JsonArray tenants = new JsonArray();
    done.forEach((t, w) -> tenants.add(new JsonObject().put("tenant_id", t).put("turns_started", w.started).put("turns_finished", w.finished)
        .put("errors", w.errors).put("tokens", w.tokens).put("cost_usd", w.cost).put("active_sessions", w.sessions.size())
        .put("turns_per_second", w.finished / (double) periodSeconds)));
    vertx.eventBus().<JsonObject>request(AgentAddresses.READY, "", new DeliveryOptions().setSendTimeout(2000)).onComplete(ar ->
        vertx.eventBus().publish(ClientAddresses.PLATFORM_MONITOR, new JsonObject().put("type", "platform_stats")
            .put("at", Instant.now().toString()).put("period_seconds", periodSeconds).put("tenants", tenants)
            .put("backend", ar.succeeded() ? ar.result().body().copy().put("state", "up")
                : new JsonObject().put("state", "down").put("reason", String.valueOf(ar.cause().getMessage())))));
  }
}
