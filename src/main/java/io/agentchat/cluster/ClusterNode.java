package io.agentchat.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Cluster mode: Vert.x on a Hazelcast member configured from {@code cluster.*}, and what the application asks of the
 * cluster, which is only routing: this node's id and whether another node is still a member. Nothing here decides
 * ownership or limits; those are conditional writes in the store.
 */
public final class ClusterNode {
  private ClusterNode() {
  }

  /** The Hazelcast member: TCP-IP join to the configured members, multicast only when asked, quick to notice a dead member. */
  public static Config hazelcast(ClusterConfig c) {
    Config config = new Config().setClusterName(c.name());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    // a member that stops answering is removed quickly (Hazelcast's default is 60 s); its sessions then move on the next message
    config.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(c.failureDetectionSeconds()));
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    config.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    NetworkConfig network = config.getNetworkConfig().setPort(c.port()).setPortAutoIncrement(true);
    network.getInterfaces().setEnabled(true).addInterface(c.host());
    config.setProperty("hazelcast.local.localAddress", c.host());
    JoinConfig join = network.getJoin();
    join.getAutoDetectionConfig().setEnabled(false);
    join.getMulticastConfig().setEnabled(c.multicast());
    join.getTcpIpConfig().setEnabled(!c.multicast()).setConnectionTimeoutSeconds(2);
    if (c.members().isEmpty()) {
      join.getTcpIpConfig().addMember(c.host());
    } else {
      c.members().forEach(m -> join.getTcpIpConfig().addMember(m));
    }
    // the maps Vert.x keeps its registrations in (as in its default-cluster.xml)
    config.addMultiMapConfig(new MultiMapConfig("__vertx.subs").setBackupCount(1).setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
    config.getMapConfig("__vertx.haInfo").setBackupCount(1);
    config.getMapConfig("__vertx.nodeInfo").setBackupCount(1);
    return config;
  }

  /** Builds a clustered Vert.x whose event bus listens on the configured interface. */
  public static Future<Vertx> start(VertxBuilder builder, io.vertx.core.VertxOptions options, ClusterConfig c) {
    options.setEventBusOptions(new EventBusOptions().setHost(c.host()).setPort(0));
    return builder.with(options).withClusterManager(new HazelcastClusterManager(hazelcast(c))).buildClustered();
  }

  private static ClusterManager manager(Vertx vertx) {
    return vertx instanceof VertxInternal vi ? vi.clusterManager() : null;
  }

  public static boolean clustered(Vertx vertx) {
    return vertx.isClustered() && manager(vertx) != null;
  }

  /** This node's id in the cluster. */
  public static String nodeId(Vertx vertx) {
    return manager(vertx).getNodeId();
  }

  /** Whether a node is a member of the cluster now (a hint: a member may die right after). */
  public static boolean isMember(Vertx vertx, String nodeId) {
    ClusterManager m = manager(vertx);
    return m != null && m.getNodes().contains(nodeId);
  }
}
