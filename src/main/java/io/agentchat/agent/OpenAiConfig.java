package io.agentchat.agent;

import io.agentchat.config.ConfigException;
import io.agentchat.config.ConfigReader;
import java.util.Map;

/** Any server with OpenAI's chat-completions API (Ollama, llama.cpp server, vLLM...). */
public record OpenAiConfig(String baseUrl, String apiKey, String defaultModel, Map<String, String> modelByTier, int maxTokens) {
  static OpenAiConfig from(ConfigReader r, boolean required) {
    String model = r.optionalString("model", "llama3.1");
    Map<String, String> byTier = r.stringMap("modelByTier");
    if (required && model == null && byTier.isEmpty()) {
      throw new ConfigException(r.key("model"), "is required when agent.provider is openai (or give modelByTier)");
    }
    return new OpenAiConfig(r.url("baseUrl", "http://localhost:11434/v1"), r.optionalString("apiKey"), model, byTier,
        r.integer("maxTokens", 1024, 1, 200_000));
  }

  public String model(String tier) {
    return modelByTier.getOrDefault(tier, defaultModel);
  }
}
