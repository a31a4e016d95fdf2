package io.agentchat.store;

import io.agentchat.config.ConfigReader;
import io.agentchat.store.dynamodb.DynamoConfig;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Set;

/** The {@code store} section: SQLite (embedded, the default) or DynamoDB, and the settings of each. */
public record StoreConfig(String provider, Path dataDir, String sqliteFile, int batchMax, int readers, DynamoConfig dynamodb) {
  /** An SQLite store (the DynamoDB settings keep their defaults). */
  public StoreConfig(String provider, Path dataDir, String sqliteFile, int batchMax, int readers) {
    this(provider, dataDir, sqliteFile, batchMax, readers, DynamoConfig.from(new ConfigReader(new JsonObject(), "store.dynamodb")));
  }

  public static StoreConfig from(ConfigReader r) {
    ConfigReader s = r.section("sqlite");
    String dir = r.string("dataDir", "./data");
    return new StoreConfig(
        r.oneOf("provider", "sqlite", Set.of("sqlite", "dynamodb")),
        Path.of(dir),
        s.string("file", "agent-chat.db"),
        s.integer("batchMax", 256, 1, 10_000),
        s.integer("readers", 2, 1, 64),
        DynamoConfig.from(r.section("dynamodb")));
  }
}
