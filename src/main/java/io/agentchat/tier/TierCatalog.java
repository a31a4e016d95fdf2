package io.agentchat.tier;

import io.agentchat.common.Resources;
import io.agentchat.config.ConfigException;
import io.agentchat.config.ConfigReader;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The subscription tiers from {@code conf/tiers.json}; reloaded when the file on disk changes (an invalid edit is logged and ignored). */
public final class TierCatalog {
  private static final Logger LOG = LoggerFactory.getLogger(TierCatalog.class);
  private final String file;
  private final AtomicReference<Map<String, Tier>> tiers = new AtomicReference<>();
  private volatile long modified;
  private long timerId = -1;

  private TierCatalog(String file, Map<String, Tier> initial) {
    this.file = file;
    this.tiers.set(initial);
    this.modified = Resources.modified(file);
  }

  /** Loads and validates the file; a bad value throws a {@link ConfigException} naming the key. */
  public static TierCatalog load(String file) {
    return new TierCatalog(file, parse(Resources.read(file, "tiers.file"), file));
  }

  public static TierCatalog of(Map<String, Tier> tiers) {
    return new TierCatalog("", Map.copyOf(tiers));
  }

  static Map<String, Tier> parse(String text, String file) {
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (DecodeException e) {
      throw new ConfigException("tiers.file", file + " is not valid JSON");
    }
    if (json.isEmpty()) {
      throw new ConfigException("tiers.file", file + " defines no tier");
    }
    Map<String, Tier> out = new LinkedHashMap<>();
    for (String name : json.fieldNames()) {
      if (!name.matches("[a-z][a-z0-9_]{0,19}")) {
        throw new ConfigException("tiers." + name, "tier names are 1-20 characters of a-z, 0-9 and _");
      }
      ConfigReader r = new ConfigReader(json, "tiers").section(name);
      out.put(name, new Tier(name,
          r.integer("daily_messages", -1, 0, 10_000_000),
          r.integer("monthly_messages", -1, 0, 100_000_000),
          r.integer("concurrent_sessions", -1, 0, 10_000),
          r.oneOf("weather", "none", Set.of("none", "current", "forecast")),
          r.bool("admin_reports", false),
          r.integer("session_minutes", -1, 1, 525_600),
          r.strings("models")));
    }
    for (Tier t : out.values()) {
      if (t.dailyMessages() < 0 || t.monthlyMessages() < 0 || t.concurrentSessions() < 0 || t.sessionMinutes() < 0) {
        throw new ConfigException("tiers." + t.name(), "needs daily_messages, monthly_messages, concurrent_sessions and session_minutes");
      }
    }
    return Map.copyOf(out);
  }

  public Optional<Tier> find(String name) {
    return Optional.ofNullable(name == null ? null : tiers.get().get(name));
  }

  /** The tier of a verified token; a tier removed from the file since the token was issued is refused by the caller. */
  public Tier require(String name) {
    return find(name).orElseThrow(() -> io.agentchat.common.ErrorCode.FORBIDDEN.exception("Unknown subscription tier \"" + name + "\"."));
  }

  public Map<String, Tier> all() {
    return tiers.get();
  }

  /** Checks the file every few seconds and swaps in a valid new version. */
  public void watch(Vertx vertx, long periodMs) {
    if (modified < 0 || timerId >= 0) {
      return;
    }
    timerId = vertx.setPeriodic(periodMs, id -> vertx.executeBlocking(() -> {
      long m = Resources.modified(file);
      if (m != modified) {
        modified = m;
        try {
          tiers.set(parse(Resources.read(file, "tiers.file"), file));
          LOG.info("tiers reloaded from {}", file);
        } catch (ConfigException e) {
          LOG.error("tiers file {} not reloaded: {}", file, e.getMessage());
        }
      }
      return null;
    }, false));
  }

  public void stopWatching(Vertx vertx) {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
  }
}
