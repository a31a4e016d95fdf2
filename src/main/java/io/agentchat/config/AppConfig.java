package io.agentchat.config;

import io.agentchat.agent.AgentConfig;
import io.agentchat.auth.AuthConfig;
import io.agentchat.cluster.ClusterConfig;
import io.agentchat.gateway.HttpConfig;
import io.agentchat.metering.MeteringConfig;
import io.agentchat.report.ReportConfig;
import io.agentchat.session.SessionConfig;
import io.agentchat.store.StoreConfig;
import io.agentchat.telemetry.TelemetryConfig;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The whole validated configuration: one immutable record per section, each owned by the capability it configures and
 * holding its defaults. Built once at start; each verticle is handed the records of the sections its descriptor names.
 */
public record AppConfig(
    HttpConfig http,
    AuthConfig auth,
    StoreConfig store,
    AgentConfig agent,
    SessionConfig session,
    MeteringConfig metering,
    ReportConfig report,
    TelemetryConfig telemetry,
    ClusterConfig cluster,
    String tiersFile,
    String pricingFile) {

  private static final Set<String> SECTIONS =
      Set.of("http", "auth", "store", "agent", "session", "metering", "report", "telemetry", "cluster", "tiers", "pricing");

  public static AppConfig from(JsonObject json) {
    return from(json, Map.of());
  }

  /** {@code fromEnv}: the keys set from environment variables (key -> variable), whose string values are converted by type. */
  public static AppConfig from(JsonObject json, Map<String, String> fromEnv) {
    for (String key : json.fieldNames()) {
      if (!SECTIONS.contains(key)) {
        throw new ConfigException(key, "is not a known configuration section");
      }
    }
    AppConfig config = read(new ConfigReader(json, fromEnv));
    if (config.cluster().enabled() && !"dynamodb".equals(config.store().provider())) {
      throw new ConfigException("cluster.enabled", "needs store.provider dynamodb: nodes share state only through the store, and an SQLite file belongs to one node");
    }
    if (config.cluster().enabled() && !config.auth().cognitoMode() && config.auth().local().signingKeyFile() == null) {
      throw new ConfigException("auth.local.signingKeyFile", "is required in cluster mode: every node must sign and verify tokens with the same key");
    }
    return config;
  }

  private static AppConfig read(ConfigReader root) {
    HttpConfig http = HttpConfig.from(root.section("http"));
    return new AppConfig(
        http,
        AuthConfig.from(root.section("auth"), http.listensOnLoopback()),
        StoreConfig.from(root.section("store")),
        AgentConfig.from(root.section("agent")),
        SessionConfig.from(root.section("session")),
        MeteringConfig.from(root.section("metering")),
        ReportConfig.from(root.section("report")),
        TelemetryConfig.from(root.section("telemetry")),
        ClusterConfig.from(root.section("cluster")),
        root.section("tiers").string("file", "conf/tiers.json"),
        root.section("pricing").string("file", "conf/pricing.json"));
  }

  /** Every configuration key the code reads, with its default (null where there is none), in reading order. */
  public static Map<String, Object> keysAndDefaults() {
    ConfigReader r = ConfigReader.describing();
    read(r);
    return new LinkedHashMap<>(r.described());
  }

  /** The record of one section, as handed to the verticles whose descriptors name it. */
  public Object section(String name) {
    return switch (name) {
      case "http" -> http;
      case "auth" -> auth;
      case "store" -> store;
      case "agent" -> agent;
      case "session" -> session;
      case "metering" -> metering;
      case "report" -> report;
      case "telemetry" -> telemetry;
      case "cluster" -> cluster;
      default -> throw new ConfigException(name, "is not a section a verticle can be given");
    };
  }
}
