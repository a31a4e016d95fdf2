package io.agentchat.maintenance;

import io.agentchat.config.AppConfig;
import io.agentchat.config.ConfigException;
import io.agentchat.config.ConfigLoader;
import io.agentchat.store.Store;
import io.vertx.core.Vertx;
import java.time.LocalDate;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maintenance commands run against the configured store while the server is stopped (or on a copy):
 * <pre>java -cp target/agent-chat.jar io.agentchat.maintenance.Maintenance rebuild-rollups TENANT FROM TO</pre>
 * recomputes a tenant's daily rollups for the days FROM..TO (ISO dates) from its usage events.
 */
public final class Maintenance {
  private static final Logger LOG = LoggerFactory.getLogger(Maintenance.class);

  private Maintenance() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 4 || !args[0].equals("rebuild-rollups")) {
      LOG.error("usage: Maintenance rebuild-rollups TENANT FROM TO   (dates like 2026-11-01)");
      System.exit(64);
      return;
    }
    AppConfig config;
    try {
      config = ConfigLoader.load(System.getenv(), System.getProperty("conf"));
      LocalDate.parse(args[2]);
      LocalDate.parse(args[3]);
    } catch (ConfigException e) {
      LOG.error("invalid configuration: {}", e.getMessage());
      System.exit(2);
      return;
    } catch (java.time.format.DateTimeParseException e) {
      LOG.error("FROM and TO are dates like 2026-11-01");
      System.exit(64);
      return;
    }
    Vertx vertx = Vertx.vertx();
    try {
      Store store = io.agentchat.App.openStore(vertx, config).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      long rollups = store.reports().rebuildRollups(args[1], args[2], args[3]).toCompletionStage().toCompletableFuture().get(30, TimeUnit.MINUTES);
      LOG.info("rollups of tenant {} for {}..{} rebuilt from the usage events: {} rollups written", args[1], args[2], args[3], rollups);
      store.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } finally {
      vertx.close();
    }
  }
}
