package io.agentchat.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the configuration in three layers: {@code conf/config.json} (from the working directory when present, else the
 * copy packaged in the jar) &lt; the file named by {@code -Dconf=} or {@code CONFIG_FILE} &lt; environment variables.
 */
public final class ConfigLoader {

  /** Environment variables and the config keys they set; the README documents the same table. */
  public static final Map<String, String> ENV_KEYS;

  static {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("HTTP_HOST", "http.host");
    m.put("HTTP_PORT", "http.port");
    m.put("ALLOWED_ORIGINS", "http.allowedOrigins");
    m.put("PUBLIC_ORIGIN", "http.publicOrigin");
    m.put("DATA_DIR", "store.dataDir");
    m.put("STORE_PROVIDER", "store.provider");
    m.put("DYNAMODB_REGION", "store.dynamodb.region");
    m.put("DYNAMODB_ENDPOINT", "store.dynamodb.endpoint");
    m.put("DYNAMODB_TABLE_PREFIX", "store.dynamodb.tablePrefix");
    m.put("DYNAMODB_CREATE_TABLES", "store.dynamodb.createTables");
    m.put("AUTH_PROVIDER", "auth.provider");
    m.put("AUTH_ISSUER", "auth.local.issuer");
    m.put("AUTH_DEV_MAILBOX", "auth.local.devMailbox");
    m.put("AUTH_OPERATORS", "auth.local.operators");
    m.put("AUTH_SIGNING_KEY_FILE", "auth.local.signingKeyFile");
    m.put("CLUSTER_ENABLED", "cluster.enabled");
    m.put("CLUSTER_NAME", "cluster.name");
    m.put("CLUSTER_HOST", "cluster.host");
    m.put("CLUSTER_PORT", "cluster.port");
    m.put("CLUSTER_MEMBERS", "cluster.members");
    m.put("CLUSTER_MULTICAST", "cluster.multicast");
    m.put("ID_TOKEN_TTL_SECONDS", "auth.local.idTokenTtlSeconds");
    m.put("COGNITO_REGION", "auth.cognito.region");
    m.put("COGNITO_USER_POOL_ID", "auth.cognito.userPoolId");
    m.put("COGNITO_CLIENT_ID", "auth.cognito.clientId");
    m.put("COGNITO_ISSUER", "auth.cognito.issuer");
    m.put("COGNITO_ENDPOINT", "auth.cognito.endpoint");
    m.put("COGNITO_SIGNUP_CLIENT_ID", "auth.cognito.signupClientId");
    m.put("COGNITO_SIGNUP_CLIENT_SECRET", "auth.cognito.signupClientSecret");
    m.put("AGENT_PROVIDER", "agent.provider");
    m.put("AGENT_TIMEOUT_MS", "agent.timeoutMs");
    m.put("AGENT_OFFLINE_CHUNK_DELAY_MS", "agent.offline.chunkDelayMs");
    m.put("AGENT_OFFLINE_CHUNKS", "agent.offline.chunks");
    m.put("BEDROCK_REGION", "agent.bedrockAgent.region");
    m.put("BEDROCK_AGENT_ID", "agent.bedrockAgent.agentId");
    m.put("BEDROCK_AGENT_ALIAS_ID", "agent.bedrockAgent.agentAliasId");
    m.put("BEDROCK_ENDPOINT", "agent.bedrockAgent.endpoint");
    m.put("BEDROCK_CONVERSE_MODEL", "agent.bedrockConverse.model");
    m.put("BEDROCK_CONVERSE_REGION", "agent.bedrockConverse.region");
    m.put("OPENAI_BASE_URL", "agent.openai.baseUrl");
    m.put("OPENAI_API_KEY", "agent.openai.apiKey");
    m.put("OPENAI_MODEL", "agent.openai.model");
    m.put("AGENTCORE_RUNTIME_ARN", "agent.bedrockAgentCore.runtimeArn");
    m.put("AGENTCORE_QUALIFIER", "agent.bedrockAgentCore.qualifier");
    m.put("AGENTCORE_REGION", "agent.bedrockAgentCore.region");
    m.put("AGENTCORE_ENDPOINT", "agent.bedrockAgentCore.endpoint");
    m.put("AGENTCORE_SEND_USER_ID", "agent.bedrockAgentCore.sendUserId");
    m.put("WEATHER_BASE_URL", "agent.weather.forecastBaseUrl");
    m.put("WEATHER_GEOCODING_URL", "agent.weather.geocodingBaseUrl");
    m.put("SESSION_MAX_MESSAGE_CHARS", "session.maxMessageChars");
    m.put("OTEL_EXPORTER_OTLP_ENDPOINT", "telemetry.otlpEndpoint");
    m.put("TIERS_FILE", "tiers.file");
    m.put("PRICING_FILE", "pricing.file");
    ENV_KEYS = Map.copyOf(m);
  }

  private ConfigLoader() {
  }

  public static AppConfig load(Map<String, String> env, String confProperty) {
    JsonObject json = defaults();
    String file = confProperty != null ? confProperty : env.get("CONFIG_FILE");
    if (file != null && !file.isBlank()) {
      json.mergeIn(readFile(Path.of(file), confProperty != null ? "-Dconf" : "CONFIG_FILE"), true);
    }
    return AppConfig.from(json, applyEnv(json, env));
  }

  public static JsonObject defaults() {
    Path local = Path.of("conf", "config.json");
    if (Files.isRegularFile(local)) {
      return readFile(local, "conf/config.json");
    }
    try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream("conf/config.json")) {
      if (in == null) {
        throw new ConfigException("conf/config.json", "not found on disk or in the application jar");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "conf/config.json");
    } catch (IOException e) {
      throw new ConfigException("conf/config.json", "cannot be read: " + e.getMessage());
    }
  }

  static JsonObject readFile(Path path, String key) {
    try {
      return parse(Files.readString(path), key);
    } catch (IOException e) {
      throw new ConfigException(key, "cannot read " + path + " (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static JsonObject parse(String text, String key) {
    try {
      return new JsonObject(text);
    } catch (DecodeException e) {
      throw new ConfigException(key, "is not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  /**
   * Writes the environment variables of {@link #ENV_KEYS} into the configuration as strings and returns which keys they
   * set (key -> variable); {@link ConfigReader} converts each by the type its key is read as.
   */
  static Map<String, String> applyEnv(JsonObject json, Map<String, String> env) {
    Map<String, String> fromEnv = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : ENV_KEYS.entrySet()) {
      String value = env.get(e.getKey());
      if (value == null) {
        continue;
      }
      String[] path = e.getValue().split("\\.");
      JsonObject parent = json;
      for (int i = 0; i < path.length - 1; i++) {
        JsonObject next = parent.getJsonObject(path[i]);
        if (next == null) {
          next = new JsonObject();
          parent.put(path[i], next);
        }
        parent = next;
      }
      parent.put(path[path.length - 1], value);
      fromEnv.put(e.getValue(), e.getKey());
    }
    return fromEnv;
  }
}
