package io.agentchat.report;

import io.agentchat.agent.AgentAddresses;
import io.agentchat.client.ClientAddresses;
import io.agentchat.client.ClientFrames;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Clock;
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
  private final Clock clock;
  private Map<String, Window> window = new TreeMap<>();
  private MessageConsumer<JsonObject> consumer;
  private long timer;

  PlatformFeed(Vertx vertx, int periodSeconds, Clock clock) {
    this.vertx = vertx;
    this.clock = clock;
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
    done.forEach((t, w) -> tenants.add(ClientFrames.tenantStats(t, w.started, w.finished, w.errors, w.tokens, w.cost, w.sessions.size(),
        periodSeconds)));
    vertx.eventBus().<JsonObject>request(AgentAddresses.READY, "", new DeliveryOptions().setSendTimeout(2000)).onComplete(ar ->
        vertx.eventBus().publish(ClientAddresses.PLATFORM_MONITOR, ClientFrames.platformStats(clock.instant(), periodSeconds, tenants,
            ar.succeeded() ? ar.result().body().copy().put("state", "up")
                : new JsonObject().put("state", "down").put("reason", String.valueOf(ar.cause().getMessage())))));
  }
}
