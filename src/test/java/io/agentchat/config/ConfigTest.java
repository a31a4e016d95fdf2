package io.agentchat.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.metering.Pricing;
import io.agentchat.support.ChildProcess;
import io.agentchat.support.ServerProcess;
import io.agentchat.tier.TierCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
  @TempDir
  Path dir;

  @Test
  void defaultsAreEmbeddedMode() {
    AppConfig c = ConfigLoader.load(Map.of(), null);
    assertEquals(8080, c.http().port());
    assertEquals("local", c.auth().provider());
    assertEquals("sqlite", c.store().provider());
    assertEquals("offline", c.agent().provider());
    assertEquals(30, c.agent().chunkDelayMs());
    assertEquals(Path.of("./data"), c.store().dataDir());
    assertTrue(c.auth().local().devMailbox());
  }

  @Test
  void fileThenEnvironmentOverride() throws Exception {
    Path f = dir.resolve("c.json");
    Files.writeString(f, "{\"http\":{\"port\":9000},\"agent\":{\"offline\":{\"chunkDelayMs\":5}}}");
    AppConfig c = ConfigLoader.load(Map.of("CONFIG_FILE", f.toString(), "AGENT_OFFLINE_CHUNK_DELAY_MS", "0", "DATA_DIR", "/tmp/x"), null);
    assertEquals(9000, c.http().port(), "the file overrides the defaults");
    assertEquals(0, c.agent().chunkDelayMs(), "the environment overrides the file");
    assertEquals(Path.of("/tmp/x"), c.store().dataDir());
    AppConfig viaProperty = ConfigLoader.load(Map.of("HTTP_PORT", "0"), f.toString());
    assertEquals(0, viaProperty.http().port());
  }

  @Test
  void badValuesNameTheKey() throws Exception {
    assertEquals("http.port", assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of("HTTP_PORT", "eighty"), null)).key());
    assertEquals("http.port", assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of("HTTP_PORT", "70000"), null)).key());
    assertEquals("auth.local.devMailbox",
        assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of("AUTH_DEV_MAILBOX", "maybe"), null)).key());
    assertEquals("store.provider", assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of("STORE_PROVIDER", "oracle"), null)).key());
    assertEquals("agent.weather.forecastBaseUrl",
        assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of("WEATHER_BASE_URL", "ftp://x"), null)).key());
    assertEquals("agent.bedrockAgent.agentId",
        assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of("AGENT_PROVIDER", "bedrock-agent"), null)).key());
    assertEquals("agent.provider", assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of("AGENT_PROVIDER", "gpt"), null)).key());
    assertEquals("bedrock-agent", ConfigLoader.load(Map.of("AGENT_PROVIDER", "bedrock-agent", "BEDROCK_AGENT_ID", "A1",
        "BEDROCK_AGENT_ALIAS_ID", "B2"), null).agent().provider());
    Path f = dir.resolve("bad.json");
    Files.writeString(f, "{\"http\": {\"port\": ");
    assertEquals("CONFIG_FILE", assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of("CONFIG_FILE", f.toString()), null)).key());
    Files.writeString(f, "{\"htp\": {}}");
    assertEquals("htp", assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of("CONFIG_FILE", f.toString()), null)).key());
    Files.writeString(f, "{\"session\": {\"maxMessageChars\": \"lots\"}}");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of("CONFIG_FILE", f.toString()), null));
    assertEquals("session.maxMessageChars", e.key());
    assertTrue(e.getMessage().startsWith("session.maxMessageChars: must be an integer"));
  }

  @Test
  void tiersAndPricingAreValidated() throws Exception {
    TierCatalog tiers = TierCatalog.load("conf/tiers.json");
    assertEquals(50, tiers.require("basic").dailyMessages());
    assertEquals(25000, tiers.require("premium").monthlyMessages());
    assertEquals(3, tiers.require("advanced").concurrentSessions());
    assertEquals(240, tiers.require("premium").sessionMinutes());
    assertTrue(tiers.require("premium").adminReports());
    Path t = dir.resolve("tiers.json");
    Files.writeString(t, "{\"basic\": {\"daily_messages\": -1, \"monthly_messages\": 1, \"concurrent_sessions\": 1, \"session_minutes\": 1}}");
    assertTrue(assertThrows(ConfigException.class, () -> TierCatalog.load(t.toString())).key().startsWith("tiers.basic"));
    Pricing p = Pricing.load("conf/pricing.json");
    assertEquals(250, p.inputNanos("anthropic.claude-3-haiku", 1), "0.25 USD per million input tokens");
    assertEquals(15_000_000, p.outputNanos("anthropic.claude-3-5-sonnet", 1_000), "15 USD per million output tokens");
    assertEquals(600, p.outputNanos(p.modelKey("amazon.titan-text-express-v1"), 1));
    assertEquals(1_000_000, p.orchestrationNanos());
    assertEquals(500_000, p.toolActionNanos());
    assertEquals("anthropic.claude-3-5-haiku", p.modelKey("anthropic.claude-3-5-haiku-20241022-v1:0"));
  }

  /** The packaged server exits non-zero with one line naming the key. */
  @Test
  void mainExitsWithOneLineNamingTheKey() throws Exception {
    ChildProcess.Exited p = ServerProcess.runToExit(Map.of("HTTP_PORT", "not-a-port", "DATA_DIR", dir.resolve("data").toString()));
    List<String> lines = p.lines();
    assertEquals(2, p.code());
    assertEquals(1, lines.size(), "one line: " + lines);
    assertTrue(lines.get(0).contains("http.port"), lines.get(0));
    assertTrue(Files.notExists(dir.resolve("data")), "nothing was created");
  }

  /** AgentCore: the runtime ARN is required with its provider, and every ARN and qualifier is checked. */
  @Test
  void agentCoreNeedsAValidRuntimeArn() throws Exception {
    String arn = "arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/tenant_agent-AbC123xyz0";
    assertEquals("agent.bedrockAgentCore.runtimeArn",
        assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of("AGENT_PROVIDER", "bedrock-agentcore"), null)).key());
    assertEquals("agent.bedrockAgentCore.runtimeArn", assertThrows(ConfigException.class, () -> ConfigLoader.load(
        Map.of("AGENT_PROVIDER", "bedrock-agentcore", "AGENTCORE_RUNTIME_ARN", "arn:aws:bedrock:us-east-1:1:agent/x"), null)).key());
    assertEquals("agent.bedrockAgentCore.qualifier", assertThrows(ConfigException.class, () -> ConfigLoader.load(
        Map.of("AGENT_PROVIDER", "bedrock-agentcore", "AGENTCORE_RUNTIME_ARN", arn, "AGENTCORE_QUALIFIER", "prod?x=1"), null)).key());
    assertEquals("agent.bedrockAgentCore.sendUserId", assertThrows(ConfigException.class, () -> ConfigLoader.load(
        Map.of("AGENT_PROVIDER", "bedrock-agentcore", "AGENTCORE_RUNTIME_ARN", arn, "AGENTCORE_SEND_USER_ID", "yes"), null)).key());
    Path f = dir.resolve("agentcore.json");
    Files.writeString(f, "{\"agent\": {\"bedrockAgentCore\": {\"runtimeArnByTier\": {\"premium\": \"not-an-arn\"}}}}");
    assertEquals("agent.bedrockAgentCore.runtimeArnByTier.premium", assertThrows(ConfigException.class,
        () -> ConfigLoader.load(Map.of("AGENT_PROVIDER", "bedrock-agentcore", "AGENTCORE_RUNTIME_ARN", arn, "CONFIG_FILE", f.toString()), null)).key());
    var c = ConfigLoader.load(Map.of("AGENT_PROVIDER", "bedrock-agentcore", "AGENTCORE_RUNTIME_ARN", arn, "AGENTCORE_REGION", "us-west-2",
        "AGENTCORE_SEND_USER_ID", "true"), null).agent().bedrockAgentCore();
    assertEquals(arn, c.runtimeArn("basic"));
    assertEquals("DEFAULT", c.qualifier("premium"));
    assertEquals("https://bedrock-agentcore.us-west-2.amazonaws.com", c.baseUrl());
    assertTrue(c.sendUserId());
    ChildProcess.Exited p = ServerProcess.runToExit(Map.of("AGENT_PROVIDER", "bedrock-agentcore", "DATA_DIR", dir.resolve("data").toString()));
    assertEquals(2, p.code());
    assertEquals(1, p.lines().size(), "one line: " + p.lines());
    assertTrue(p.lines().get(0).contains("agent.bedrockAgentCore.runtimeArn"), p.lines().get(0));
  }

  /** Each verticle is handed its sections as immutable records: one cannot change what another sees. */
  @Test
  void sectionsHandedToVerticlesCannotBeChanged() {
    AppConfig c = ConfigLoader.load(Map.of("ALLOWED_ORIGINS", "https://a.example, https://b.example"), null);
    assertEquals(List.of("https://a.example", "https://b.example"), c.http().allowedOrigins());
    assertThrows(UnsupportedOperationException.class, () -> c.http().allowedOrigins().add("https://c.example"));
    assertEquals(c.http(), c.section("http"));
    assertEquals(8080, ((io.agentchat.gateway.HttpConfig) c.section("http")).port());
  }
}
