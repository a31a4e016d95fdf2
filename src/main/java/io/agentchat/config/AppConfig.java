package io.agentchat.config;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The whole validated configuration. Each verticle receives only its own section as JSON and parses it with the same records. */
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
    String pricingFile,
    JsonObject json) {

  public static AppConfig from(JsonObject json) {
    ConfigReader root = new ConfigReader(json, "");
    for (String key : json.fieldNames()) {
      if (!Set.of("http", "auth", "store", "agent", "session", "metering", "report", "telemetry", "cluster", "tiers", "pricing").contains(key)) {
        throw new ConfigException(key, "is not a known configuration section");
      }
    }
    AppConfig config = new AppConfig(
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
        root.section("pricing").string("file", "conf/pricing.json"),
        json.copy());
    if (config.cluster().enabled() && !"dynamodb".equals(config.store().provider())) {
      throw new ConfigException("cluster.enabled", "needs store.provider dynamodb: nodes share state only through the store, and an SQLite file belongs to one node");
    }
    if (config.cluster().enabled() && !config.auth().cognitoMode() && config.auth().local().signingKeyFile() == null) {
      throw new ConfigException("auth.local.signingKeyFile", "is required in cluster mode: every node must sign and verify tokens with the same key");
    }
    return config;
  }

  /** The JSON of one top-level section, as handed to the verticle that owns it. */
  public JsonObject section(String name) {
    JsonObject s = json.getJsonObject(name);
    return s == null ? new JsonObject() : s.copy();
  }

  public record HttpConfig(String host, int port, int maxBodyBytes, int maxFrameBytes, int maxHandlersPerSocket,
                           long pingTimeoutMs, long chatTimeoutMs, List<String> allowedOrigins, int authAttemptsPerMinute,
                           int turnsPerUserPerMinute, int turnsPerTenantPerMinute, int socketWriteQueueBytes) {
    public static HttpConfig from(ConfigReader r) {
      return new HttpConfig(
          r.string("host", "0.0.0.0"),
          r.integer("port", 8080, 0, 65535),
          r.integer("maxBodyBytes", 65536, 1024, 16 * 1024 * 1024),
          r.integer("maxFrameBytes", 65536, 1024, 16 * 1024 * 1024),
          r.integer("maxHandlersPerSocket", 32, 1, 1000),
          r.longValue("pingTimeoutMs", 10_000, 1000, 600_000),
          r.longValue("chatTimeoutMs", 300_000, 1000, 3_600_000),
          r.strings("allowedOrigins"),
          r.integer("authAttemptsPerMinute", 30, 1, 1_000_000),
          r.integer("turnsPerUserPerMinute", 120, 1, 1_000_000),
          r.integer("turnsPerTenantPerMinute", 3000, 1, 10_000_000),
          r.integer("socketWriteQueueBytes", 256 * 1024, 1024, 64 * 1024 * 1024));
    }

    public static HttpConfig from(JsonObject json) {
      return from(new ConfigReader(json, "http"));
    }
  }

  /** {@code operatorGroup}: members see the platform-wide monitor feed ({@code monitor.platform}). */
  public record AuthConfig(String provider, LocalIdp local, String operatorGroup, CognitoConfig cognito) {
    public static AuthConfig from(ConfigReader r) {
      String provider = r.oneOf("provider", "local", Set.of("local", "cognito"));
      return new AuthConfig(provider, LocalIdp.from(r.section("local")), r.string("operatorGroup", "platform-operators"),
          "cognito".equals(provider) ? CognitoConfig.from(r.section("cognito")) : null);
    }

    public boolean cognitoMode() {
      return "cognito".equals(provider);
    }

    public static AuthConfig from(JsonObject json) {
      return from(new ConfigReader(json, "auth"));
    }
  }

  /**
   * An Amazon Cognito user pool: {@code issuer} defaults to {@code https://cognito-idp.<region>.amazonaws.com/<userPoolId>}
   * (cognito-local's is {@code http://localhost:<port>/<poolId>}); {@code endpoint} is the Cognito API (defaults to the
   * regional one). {@code jwksMinRefreshMs}: a token with an unknown key id makes the JWKS be fetched again at most once per
   * this interval. {@code signupClientId}/{@code signupClientSecret}: an optional server-only app client (with a secret) used
   * for SignUp when the web client may not write {@code custom:tenant_id} and {@code custom:subscription_tier}.
   */
  public record CognitoConfig(String region, String userPoolId, String clientId, String issuer, String endpoint, long jwksMinRefreshMs,
                              long callTimeoutMs, String signupClientId, String signupClientSecret) {
    public static CognitoConfig from(ConfigReader r) {
      String region = r.string("region", "us-east-1");
      String pool = r.string("userPoolId", null);
      String client = r.string("clientId", null);
      String issuer = r.optionalUrl("issuer");
      String endpoint = r.optionalUrl("endpoint");
      return new CognitoConfig(region, pool, client,
          issuer != null ? stripSlash(issuer) : "https://cognito-idp." + region + ".amazonaws.com/" + pool,
          endpoint != null ? stripSlash(endpoint) : "https://cognito-idp." + region + ".amazonaws.com",
          r.longValue("jwksMinRefreshMs", 30_000, 10, 86_400_000),
          r.longValue("callTimeoutMs", 10_000, 100, 120_000),
          r.optionalString("signupClientId"),
          r.optionalString("signupClientSecret"));
    }

    /** The app client that signs users up: a server-only client allowed to write the custom attributes, else the web client. */
    public String signupClient() {
      return signupClientId != null ? signupClientId : clientId;
    }

    private static String stripSlash(String s) {
      return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    public String jwksUrl() {
      return issuer + "/.well-known/jwks.json";
    }
  }

  /**
   * {@code operators}: e-mail addresses whose tokens carry the operator group. {@code signingKeyFile}: a PKCS#8 PEM RSA key
   * shared by every node (required in cluster mode); absent, the key is generated once under the data directory.
   */
  public record LocalIdp(String issuer, String clientId, int idTokenTtlSeconds, int refreshTokenTtlDays, int inviteTtlHours,
                         boolean devMailbox, int argon2MemoryKiB, int argon2Iterations, int argon2Parallelism, List<String> operators,
                         Path signingKeyFile) {
    public static LocalIdp from(ConfigReader r) {
      ConfigReader a = r.section("argon2");
      return new LocalIdp(
          r.string("issuer", "agent-chat-embedded"),
          r.string("clientId", "agent-chat-web"),
          r.integer("idTokenTtlSeconds", 900, 1, 86_400),
          r.integer("refreshTokenTtlDays", 30, 1, 365),
          r.integer("inviteTtlHours", 168, 1, 24 * 365),
          r.bool("devMailbox", true),
          a.integer("memoryKiB", 19_456, 8, 4 * 1024 * 1024),
          a.integer("iterations", 2, 1, 100),
          a.integer("parallelism", 1, 1, 16),
          r.strings("operators").stream().map(e -> e.trim().toLowerCase(java.util.Locale.ROOT)).toList(),
          r.optionalString("signingKeyFile") == null ? null : Path.of(r.optionalString("signingKeyFile")));
    }
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
      String prefix = r.raw().getValue("tablePrefix") == null || "".equals(r.raw().getValue("tablePrefix")) ? "" : r.string("tablePrefix", "");
      if (!prefix.matches("[A-Za-z0-9_.-]{0,100}")) {
        throw new ConfigException(r.key("tablePrefix"), "may hold only A-Z, a-z, 0-9, '_', '-' and '.' (got \"" + prefix + "\")");
      }
      ConfigReader t = r.section("tables");
      Tables tables = new Tables(
          prefix + tableName(t, "sessions", "tenant-sessions"),
          prefix + tableName(t, "usage", "tenant-usage"),
          prefix + tableName(t, "identity", "tenant-identity"),
          prefix + tableName(t, "directory", "auth-directory"));
      Object endpoint = r.raw().getValue("endpoint");
      return new DynamoConfig(
          r.string("region", "us-east-1"),
          endpoint == null || "".equals(endpoint) ? null : r.url("endpoint", null),
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
      String model = r.optionalString("model");
      Map<String, String> byTier = r.stringMap("modelByTier");
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
      String model = r.optionalString("model");
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

  /** OpenTelemetry: traces of each turn go to {@code otlpEndpoint} (an OTLP/HTTP collector); off when it is empty. */
  /**
   * Cluster mode: the clustered event bus on Hazelcast. {@code members} are the fixed hosts to join over TCP-IP
   * ({@code host} or {@code host:port}); {@code multicast} is off by default; {@code host} is the interface this member
   * binds and announces; {@code port} the first Hazelcast port tried (the next ones when taken); a member silent for
   * {@code failureDetectionSeconds} is removed, and its sessions move on their next message.
   */
  public record ClusterConfig(boolean enabled, String name, String host, int port, List<String> members, boolean multicast,
                              int failureDetectionSeconds) {
    public static ClusterConfig from(ConfigReader r) {
      return new ClusterConfig(r.bool("enabled", false), r.string("name", "agent-chat"), r.string("host", "127.0.0.1"),
          r.integer("port", 5701, 1, 65_535), r.strings("members"), r.bool("multicast", false),
          r.integer("failureDetectionSeconds", 10, 2, 300));
    }
  }

  public record TelemetryConfig(String otlpEndpoint, String serviceName) {
    public static TelemetryConfig from(ConfigReader r) {
      return new TelemetryConfig(r.optionalUrl("otlpEndpoint"), r.string("serviceName", "agent-chat"));
    }
  }

  /** Reports and monitors: how often the platform feed sums up the last period. */
  public record ReportConfig(int platformFeedSeconds) {
    public static ReportConfig from(ConfigReader r) {
      return new ReportConfig(r.integer("platformFeedSeconds", 5, 1, 3600));
    }

    public static ReportConfig from(JsonObject json) {
      return from(new ConfigReader(json, "report"));
    }
  }

  public record SessionConfig(long idlePassivationSeconds, int maxQueuedTurns, int maxMessageChars, long turnTimeoutMs) {
    public static SessionConfig from(ConfigReader r) {
      return new SessionConfig(
          r.longValue("idlePassivationSeconds", 300, 1, 86_400),
          r.integer("maxQueuedTurns", 100, 1, 10_000),
          r.integer("maxMessageChars", 4000, 1, 1_000_000),
          r.longValue("turnTimeoutMs", 180_000, 1000, 3_600_000));
    }

    public static SessionConfig from(JsonObject json) {
      return from(new ConfigReader(json, "session"));
    }
  }

  /**
   * Metering: the price list entry for models it does not know, and the cost held against a budget while a turn runs
   * (an upper bound of one turn's cost; the real cost replaces it when the turn is settled).
   */
  public record MeteringConfig(String offlinePricedAs, long budgetReserveNanos) {
    public static MeteringConfig from(ConfigReader r) {
      long micros = r.longValue("budgetReservePerTurnMicroUsd", 50_000, 1, 1_000_000_000L);
      return new MeteringConfig(r.string("offlinePricedAs", "anthropic.claude-3-haiku"), micros * 1000);
    }

    public static MeteringConfig from(JsonObject json) {
      return from(new ConfigReader(json, "metering"));
    }
  }
}
