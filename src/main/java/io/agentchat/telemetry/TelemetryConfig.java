package io.agentchat.telemetry;

import io.agentchat.config.ConfigReader;

/** The {@code telemetry} section: traces of each turn go to {@code otlpEndpoint} (an OTLP/HTTP collector); off when it is empty. */
public record TelemetryConfig(String otlpEndpoint, String serviceName) {
  public static TelemetryConfig from(ConfigReader r) {
    return new TelemetryConfig(r.optionalUrl("otlpEndpoint"), r.string("serviceName", "agent-chat"));
  }
}
