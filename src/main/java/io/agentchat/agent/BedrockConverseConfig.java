package io.agentchat.agent;

import io.agentchat.config.ConfigException;
import io.agentchat.config.ConfigReader;
import java.util.Map;

/** Amazon Bedrock Converse: a model per tier, tools run by the server. */
public record BedrockConverseConfig(String region, String endpoint, String defaultModel, Map<String, String> modelByTier,
                                    String guardrailId, String guardrailVersion, int maxTokens) {
  static BedrockConverseConfig from(ConfigReader r, boolean required) {
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
    return new BedrockConverseConfig(r.string("region", "us-east-1"), r.optionalUrl("endpoint"), model, byTier, gid, gver,
        r.integer("maxTokens", 1024, 1, 200_000));
  }

  public String model(String tier) {
    return modelByTier.getOrDefault(tier, defaultModel);
  }
}
