package io.agentchat.cluster;

import io.agentchat.config.ConfigReader;
import java.util.List;

/**
 * The {@code cluster} section: the clustered event bus on Hazelcast. {@code members} are the fixed hosts to join over
 * TCP-IP ({@code host} or {@code host:port}); {@code multicast} is off by default; {@code host} is the interface this member
 * binds and announces; {@code port} the first Hazelcast port tried (the next ones when taken); a member silent for
 * {@code failureDetectionSeconds} is removed, and its sessions move on their next message.
 */
public record ClusterConfig(boolean enabled, String name, String host, int port, List<String> members, boolean multicast,
                            int failureDetectionSeconds) {
  public ClusterConfig {
    members = List.copyOf(members);
  }

  public static ClusterConfig from(ConfigReader r) {
    return new ClusterConfig(r.bool("enabled", false), r.string("name", "agent-chat"), r.string("host", "127.0.0.1"),
        r.integer("port", 5701, 1, 65_535), r.strings("members"), r.bool("multicast", false),
        r.integer("failureDetectionSeconds", 10, 2, 300));
  }
}
