package io.agentchat.agent;

import io.agentchat.config.ConfigException;
import io.agentchat.config.ConfigReader;
import java.util.Map;

/** Amazon Bedrock Agents: one agent serves every tenant; a tier may get its own alias (and so its own model). */
public record BedrockAgentConfig(String region, String endpoint, String agentId, String agentAliasId,
                                 Map<String, String> aliasByTier, String model, int guardrailInterval) {
  static BedrockAgentConfig from(ConfigReader r, boolean required) {
    String agentId = r.optionalString("agentId");
    String alias = r.optionalString("agentAliasId");
    if (required && agentId == null) {
      throw new ConfigException(r.key("agentId"), "is required when agent.provider is bedrock-agent");
    }
    if (required && alias == null) {
      throw new ConfigException(r.key("agentAliasId"), "is required when agent.provider is bedrock-agent");
    }
    return new BedrockAgentConfig(r.string("region", "us-east-1"), r.optionalUrl("endpoint"), agentId, alias, r.stringMap("aliasByTier"),
        r.string("model", "anthropic.claude-3-haiku"), r.integer("guardrailInterval", 0, 0, 100_000));
  }

  public String alias(String tier) {
    return aliasByTier.getOrDefault(tier, agentAliasId);
  }
}
