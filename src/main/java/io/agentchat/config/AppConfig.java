package io.agentchat.config;

import io.agentchat.auth.AuthConfig;
import io.agentchat.cluster.ClusterConfig;
import io.agentchat.gateway.HttpConfig;
import io.agentchat.metering.MeteringConfig;
import io.agentchat.report.ReportConfig;
import io.agentchat.session.SessionConfig;
import io.agentchat.telemetry.TelemetryConfig;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
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
    return new AppConfig(
        HttpConfig.from(root.section("http")),
        AuthConfig.from(root.section("auth")),
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

  public record StoreConfig(String provider, Path dataDir, String sqliteFile, int batchMax, int readers, DynamoConfig dynamodb) {
    /** An SQLite store (the DynamoDB settings keep their defaults). */
    public StoreConfig(String provider, Path dataDir, String sqliteFile, int batchMax, int readers) {
      this(provider, dataDir, sqliteFile, batchMax, readers, DynamoConfig.from(new ConfigReader(new JsonObject(), "store.dynamodb")));
    }

    public static StoreConfig from(ConfigReader r) {
      ConfigReader s = r.section("sqlite");
      String dir = r.string("dataDir", "./data");
      return new StoreConfig(
          r.oneOf("provider", "sqlite", Set.of("sqlite", "dynamodb")),
          Path.of(dir),
          s.string("file", "agent-chat.db"),
          s.integer("batchMax", 256, 1, 10_000),
          s.integer("readers", 2, 1, 64),
          DynamoConfig.from(r.section("dynamodb")));
    }
  }

  /**
   * The DynamoDB store: region, an optional endpoint (DynamoDB Local, dynalite), table names (each prefixed with
   * {@code tablePrefix}), whether to create missing tables at start, the deadline of one store call, and how long
   * expired sessions and their messages are kept before their TTL lets DynamoDB delete them.
   */
  public record DynamoConfig(String region, String endpoint, boolean createTables, long callTimeoutMs, int sessionRetentionDays,
                             Tables tables) {
    /** Final table names (prefix applied). */
    public record Tables(String sessions, String usage, String identity, String directory) {
      public List<String> all() {
        return List.of(sessions, usage, identity, directory);
      }
    }

    public static DynamoConfig from(ConfigReader r) {
      String prefix = r.optionalString("tablePrefix") == null ? "" : r.optionalString("tablePrefix");
      if (!prefix.matches("[A-Za-z0-9_.-]{0,100}")) {
        throw new ConfigException(r.key("tablePrefix"), "may hold only A-Z, a-z, 0-9, '_', '-' and '.' (got \"" + prefix + "\")");
      }
      ConfigReader t = r.section("tables");
      Tables tables = new Tables(
          prefix + tableName(t, "sessions", "tenant-sessions"),
          prefix + tableName(t, "usage", "tenant-usage"),
          prefix + tableName(t, "identity", "tenant-identity"),
          prefix + tableName(t, "directory", "auth-directory"));
      return new DynamoConfig(
          r.string("region", "us-east-1"),
          r.optionalUrl("endpoint"),
          r.bool("createTables", false),
          r.longValue("callTimeoutMs", 5000, 500, 120_000),
          r.integer("sessionRetentionDays", 30, 1, 3650),
          tables);
    }

    private static String tableName(ConfigReader t, String key, String def) {
      String name = t.string(key, def);
      if (!name.matches("[A-Za-z0-9_.-]{3,155}")) {
        throw new ConfigException(t.key(key), "must be 3-155 characters of A-Z, a-z, 0-9, '_', '-' and '.' (got \"" + name + "\")");
      }
      return name;
    }
  }

  /**
   * The agent: which provider answers turns, and the settings of each. Only the chosen provider's required settings are
   * checked (a Bedrock agent id is needed only when provider is bedrock-agent).
   */
  public record AgentConfig(String provider, long timeoutMs, long idleTimeoutMs, int retries, long chunkDelayMs, int offlineChunks,
                            String offlineModel,
                            String weatherForecastBaseUrl, String weatherGeocodingBaseUrl, long weatherTimeoutMs,
                            BedrockAgent bedrockAgent, BedrockConverse bedrockConverse, OpenAi openai) {
    public static final Set<String> PROVIDERS = Set.of("offline", "bedrock-agent", "bedrock-converse", "openai");

    public static AgentConfig from(ConfigReader r) {
      ConfigReader o = r.section("offline");
      ConfigReader w = r.section("weather");
      String provider = r.oneOf("provider", "offline", PROVIDERS);
      return new AgentConfig(
          provider,
          r.longValue("timeoutMs", 120_000, 100, 3_600_000),
          r.longValue("idleTimeoutMs", 30_000, 100, 3_600_000),
          r.integer("retries", 2, 0, 10),
          o.longValue("chunkDelayMs", 30, 0, 60_000),
          o.integer("chunks", 0, 0, 100_000),
          o.string("model", "offline"),
          w.url("forecastBaseUrl", "https://api.open-meteo.com"),
          w.url("geocodingBaseUrl", "https://geocoding-api.open-meteo.com"),
          w.longValue("timeoutMs", 5000, 100, 120_000),
          BedrockAgent.from(r.section("bedrockAgent"), provider.equals("bedrock-agent")),
          BedrockConverse.from(r.section("bedrockConverse"), provider.equals("bedrock-converse")),
          OpenAi.from(r.section("openai"), provider.equals("openai")));
    }

    public static AgentConfig from(JsonObject json) {
      return from(new ConfigReader(json, "agent"));
    }
  }

  /** Amazon Bedrock Agents: one agent serves every tenant; a tier may get its own alias (and so its own model). */
  public record BedrockAgent(String region, String endpoint, String agentId, String agentAliasId, Map<String, String> aliasByTier,
                             String model, int guardrailInterval) {
    static BedrockAgent from(ConfigReader r, boolean required) {
      String agentId = r.optionalString("agentId");
      String alias = r.optionalString("agentAliasId");
      if (required && agentId == null) {
        throw new ConfigException(r.key("agentId"), "is required when agent.provider is bedrock-agent");
      }
      if (required && alias == null) {
        throw new ConfigException(r.key("agentAliasId"), "is required when agent.provider is bedrock-agent");
      }
      return new BedrockAgent(r.string("region", "us-east-1"), r.optionalUrl("endpoint"), agentId, alias, r.stringMap("aliasByTier"),
          r.string("model", "anthropic.claude-3-haiku"), r.integer("guardrailInterval", 0, 0, 100_000));
    }

    public String alias(String tier) {
      return aliasByTier.getOrDefault(tier, agentAliasId);
    }
  }

  /** Amazon Bedrock Converse: a model per tier, tools run by the server. */
  public record BedrockConverse(String region, String endpoint, String defaultModel, Map<String, String> modelByTier,
                                String guardrailId, String guardrailVersion, int maxTokens) {
    static BedrockConverse from(ConfigReader r, boolean required) {
      String model = r.optionalString("model", "anthropic.claude-3-haiku-20240307-v1:0");
      Map<String, String> byTier = r.stringMap("modelByTier", Map.of("premium", "anthropic.claude-3-5-sonnet-20240620-v1:0"));
      if (required && model == null && byTier.isEmpty()) {
        throw new ConfigException(r.key("model"), "is required when agent.provider is bedrock-converse (or give modelByTier)");
      }
      String gid = r.optionalString("guardrailId");
      String gver = r.optionalString("guardrailVersion");
      if (gid != null && gver == null) {
        throw new ConfigException(r.key("guardrailVersion"), "is required with guardrailId");
      }
      return new BedrockConverse(r.string("region", "us-east-1"), r.optionalUrl("endpoint"), model, byTier, gid, gver,
          r.integer("maxTokens", 1024, 1, 200_000));
    }

    public String model(String tier) {
      return modelByTier.getOrDefault(tier, defaultModel);
    }
  }

  /** Any server with OpenAI's chat-completions API (Ollama, llama.cpp server, vLLM...). */
  public record OpenAi(String baseUrl, String apiKey, String defaultModel, Map<String, String> modelByTier, int maxTokens) {
    static OpenAi from(ConfigReader r, boolean required) {
      String model = r.optionalString("model", "llama3.1");
      Map<String, String> byTier = r.stringMap("modelByTier");
      if (required && model == null && byTier.isEmpty()) {
        throw new ConfigException(r.key("model"), "is required when agent.provider is openai (or give modelByTier)");
      }
      return new OpenAi(r.url("baseUrl", "http://localhost:11434/v1"), r.optionalString("apiKey"), model, byTier,
          r.integer("maxTokens", 1024, 1, 200_000));
    }

    public String model(String tier) {
      return modelByTier.getOrDefault(tier, defaultModel);
    }
  }

}
