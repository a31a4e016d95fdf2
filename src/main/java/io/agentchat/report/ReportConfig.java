package io.agentchat.report;

import io.agentchat.config.ConfigReader;

/** The {@code report} section: how often the platform feed sums up the last period. */
public record ReportConfig(int platformFeedSeconds) {
  public static ReportConfig from(ConfigReader r) {
    return new ReportConfig(r.integer("platformFeedSeconds", 5, 1, 3600));
  }
}
