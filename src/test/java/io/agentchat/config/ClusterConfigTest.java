package io.agentchat.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import io.agentchat.cluster.ClusterNode;
import io.agentchat.support.ChildProcess;
import io.agentchat.support.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterConfigTest {
  @TempDir
  Path dir;

  @Test
  void clusterModeIsOffByDefaultAndReadFromTheEnvironment() {
    assertFalse(ConfigLoader.load(Map.of(), null).cluster().enabled());
    AppConfig c = ConfigLoader.load(Map.of("CLUSTER_ENABLED", "true", "STORE_PROVIDER", "dynamodb", "AUTH_SIGNING_KEY_FILE", "/keys/k.pem",
        "CLUSTER_MEMBERS", "10.0.0.1, 10.0.0.2:5702", "CLUSTER_NAME", "prod", "CLUSTER_PORT", "6000"), null);
    assertTrue(c.cluster().enabled());
    assertEquals(List.of("10.0.0.1", "10.0.0.2:5702"), c.cluster().members());
    Config hz = ClusterNode.hazelcast(c.cluster());
    assertEquals("prod", hz.getClusterName());
    assertEquals(6000, hz.getNetworkConfig().getPort());
    assertFalse(hz.getNetworkConfig().getJoin().getMulticastConfig().isEnabled(), "multicast is off unless asked for");
    assertTrue(hz.getNetworkConfig().getJoin().getTcpIpConfig().getMembers().containsAll(List.of("10.0.0.1", "10.0.0.2:5702")));
    assertEquals("false", hz.getProperty("hazelcast.phone.home.enabled"));
  }

  @Test
  void clusterModeNeedsTheSharedStoreAndAKeyFile() {
    ConfigException sqlite = assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of("CLUSTER_ENABLED", "true"), null));
    assertEquals("cluster.enabled", sqlite.key());
    assertTrue(sqlite.getMessage().contains("store.provider dynamodb"), sqlite.getMessage());
    assertEquals("auth.local.signingKeyFile", assertThrows(ConfigException.class,
        () -> ConfigLoader.load(Map.of("CLUSTER_ENABLED", "true", "STORE_PROVIDER", "dynamodb"), null)).key());
  }

  /** The server refuses to start a cluster node on SQLite: exit 2, one line that names the key and says why. */
  @Test
  void mainRefusesClusterModeOnSqlite() throws Exception {
    ChildProcess.Exited p = ServerProcess.runToExit(Map.of("CLUSTER_ENABLED", "true", "DATA_DIR", dir.resolve("data").toString()));
    List<String> lines = p.lines();
    assertEquals(2, p.code());
    assertEquals(1, lines.size(), "one line: " + lines);
    assertTrue(lines.get(0).contains("cluster.enabled") && lines.get(0).contains("SQLite"), lines.get(0));
    assertTrue(Files.notExists(dir.resolve("data")), "nothing was created");
  }
}
