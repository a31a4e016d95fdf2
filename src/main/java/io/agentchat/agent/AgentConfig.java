package io.agentchat.agent;

import io.agentchat.config.ConfigReader;
import java.util.Set;

/**
 * The agent: which provider answers turns, and the settings of each. Only the chosen provider's required settings are
 * checked (a Bedrock agent id is needed only when provider is bedrock-agent).
 */
public record AgentConfig(String provider, long timeoutMs, long idleTimeoutMs, int retries, long chunkDelayMs, int offlineChunks,
                          String offlineModel,
                          String weatherForecastBaseUrl, String weatherGeocodingBaseUrl, long weatherTimeoutMs,
                          BedrockAgentConfig bedrockAgent, BedrockConverseConfig bedrockConverse, OpenAiConfig openai,
                          BedrockAgentCoreConfig bedrockAgentCore) {
  public static final Set<String> PROVIDERS = Set.of("offline", "bedrock-agent", "bedrock-converse", "bedrock-agentcore", "openai");

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
        BedrockAgentConfig.from(r.section("bedrockAgent"), provider.equals("bedrock-agent")),
        BedrockConverseConfig.from(r.section("bedrockConverse"), provider.equals("bedrock-converse")),
        OpenAiConfig.from(r.section("openai"), provider.equals("openai")),
        BedrockAgentCoreConfig.from(r.section("bedrockAgentCore"), provider.equals("bedrock-agentcore")));
  }

}
