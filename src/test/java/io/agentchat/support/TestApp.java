package io.agentchat.support;

import io.agentchat.App;
import io.agentchat.config.AppConfig;
import io.agentchat.config.ConfigLoader;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;

/** Starts the real application on a free port with a private data directory; overrides patch the default config. */
public final class TestApp {
  private TestApp() {
  }

  /** Defaults for tests: free port, no pacing, lighter (still Argon2id) password hashing. */
  public static JsonObject config(Path dataDir) {
    JsonObject json = ConfigLoader.defaults();
    // many users sign up from one address in tests; the limits themselves are tested with their defaults
    json.getJsonObject("http").put("port", 0).put("host", "127.0.0.1").put("authAttemptsPerMinute", 100_000);
    json.getJsonObject("store").put("dataDir", dataDir.toString());
    json.getJsonObject("agent").getJsonObject("offline").put("chunkDelayMs", 0);
    json.getJsonObject("auth").getJsonObject("local").put("argon2", new JsonObject().put("memoryKiB", 1024).put("iterations", 1).put("parallelism", 1));
    return json;
  }

  /**
   * The configuration with a tiers file of its own in {@code dir}: the product's {@code conf/tiers.json} as {@code change}
   * leaves it (e.g. a plan with two messages a day).
   */
  public static JsonObject withTiers(JsonObject config, Path dir, java.util.function.Consumer<JsonObject> change) {
    try {
      JsonObject tiers = new JsonObject(java.nio.file.Files.readString(Path.of("conf", "tiers.json")));
      change.accept(tiers);
      Path file = dir.resolve("tiers.json");
      java.nio.file.Files.writeString(file, tiers.encode());
      config.getJsonObject("tiers").put("file", file.toString());
      return config;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public static Future<App> start(Vertx vertx, Path dataDir) {
    return start(vertx, config(dataDir));
  }

  public static Future<App> start(Vertx vertx, JsonObject config) {
    return start(vertx, config, Clock.systemUTC());
  }

  /** With the clock that metering and sessions read (a {@link TestClock} to cross a day or month without waiting). */
  public static Future<App> start(Vertx vertx, JsonObject config, Clock clock) {
    return App.start(vertx, AppConfig.from(config), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), clock);
  }
}
