package io.agentchat.agent;

import io.agentchat.config.ConfigException;
import io.agentchat.config.ConfigReader;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Amazon Bedrock AgentCore Runtime: one agent runtime serves every tenant; a tier may get a runtime of its own, or its own
 * endpoint (qualifier) of the runtime. {@code endpoint} overrides the region's service endpoint (a VPC endpoint, or a
 * local server); {@code sendUserId} sends the user id header (which needs {@code InvokeAgentRuntimeForUser}).
 */
public record BedrockAgentCoreConfig(String region, String endpoint, String runtimeArn, String qualifier,
                                     Map<String, String> runtimeArnByTier, Map<String, String> qualifierByTier, boolean sendUserId,
                                     String model) {
  /** An agent runtime's ARN, e.g. {@code arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/my_agent-AbCdEf1234}. */
  static final Pattern ARN = Pattern.compile("arn:aws[a-z-]*:bedrock-agentcore:[a-z0-9-]+:\\d{12}:runtime/[A-Za-z0-9_-]{1,100}");
  /** An endpoint name or version number, as the service accepts it. */
  static final Pattern QUALIFIER = Pattern.compile("[A-Za-z0-9_-]{1,100}");

  static BedrockAgentCoreConfig from(ConfigReader r, boolean required) {
    String arn = r.optionalString("runtimeArn");
    if (required && arn == null) {
      throw new ConfigException(r.key("runtimeArn"), "is required when agent.provider is bedrock-agentcore");
    }
    check(r, "runtimeArn", arn, ARN, "an agent runtime ARN (arn:aws:bedrock-agentcore:<region>:<account>:runtime/<id>)");
    String qualifier = r.string("qualifier", "DEFAULT");
    check(r, "qualifier", qualifier, QUALIFIER, "an endpoint name (letters, digits, _ and -)");
    Map<String, String> arnByTier = r.stringMap("runtimeArnByTier");
    arnByTier.forEach((tier, v) -> check(r, "runtimeArnByTier." + tier, v, ARN, "an agent runtime ARN"));
    Map<String, String> qualifierByTier = r.stringMap("qualifierByTier");
    qualifierByTier.forEach((tier, v) -> check(r, "qualifierByTier." + tier, v, QUALIFIER, "an endpoint name"));
    return new BedrockAgentCoreConfig(r.string("region", "us-east-1"), r.optionalUrl("endpoint"), arn, qualifier, arnByTier,
        qualifierByTier, r.bool("sendUserId", false), r.string("model", "anthropic.claude-3-haiku"));
  }

  private static void check(ConfigReader r, String key, String value, Pattern pattern, String what) {
    if (value != null && !pattern.matcher(value).matches()) {
      throw new ConfigException(r.key(key), "must be " + what + " (got \"" + value + "\")");
    }
  }

  public String runtimeArn(String tier) {
    return runtimeArnByTier.getOrDefault(tier, runtimeArn);
  }

  public String qualifier(String tier) {
    return qualifierByTier.getOrDefault(tier, qualifier);
  }

  /** The service endpoint: the override, else the region's. */
  public String baseUrl() {
    return endpoint != null ? endpoint : "https://bedrock-agentcore." + region + ".amazonaws.com";
  }
}
