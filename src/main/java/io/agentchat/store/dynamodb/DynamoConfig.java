package io.agentchat.store.dynamodb;

import io.agentchat.config.ConfigException;
import io.agentchat.config.ConfigReader;
import java.util.List;

/**
 * The DynamoDB store: region, an optional endpoint (DynamoDB Local, dynalite), table names (each prefixed with
 * {@code tablePrefix}), whether to create missing tables at start, the deadline of one store call, and how long
 * expired sessions and their messages are kept before their TTL lets DynamoDB delete them.
 */
public record DynamoConfig(String region, String endpoint, boolean createTables, long callTimeoutMs, int sessionRetentionDays,
                           Tables tables) {
  /** Final table names (prefix applied). */
  public record Tables(String sessions, String usage, String identity, String directory) {
    public List<String> all() {
      return List.of(sessions, usage, identity, directory);
    }
  }

  public static DynamoConfig from(ConfigReader r) {
    String prefix = r.optionalString("tablePrefix") == null ? "" : r.optionalString("tablePrefix");
    if (!prefix.matches("[A-Za-z0-9_.-]{0,100}")) {
      throw new ConfigException(r.key("tablePrefix"), "may hold only A-Z, a-z, 0-9, '_', '-' and '.' (got \"" + prefix + "\")");
    }
    ConfigReader t = r.section("tables");
    Tables tables = new Tables(
        prefix + tableName(t, "sessions", "tenant-sessions"),
        prefix + tableName(t, "usage", "tenant-usage"),
        prefix + tableName(t, "identity", "tenant-identity"),
        prefix + tableName(t, "directory", "auth-directory"));
    return new DynamoConfig(
        r.string("region", "us-east-1"),
        r.optionalUrl("endpoint"),
        r.bool("createTables", false),
        r.longValue("callTimeoutMs", 5000, 500, 120_000),
        r.integer("sessionRetentionDays", 30, 1, 3650),
        tables);
  }

  private static String tableName(ConfigReader t, String key, String def) {
    String name = t.string(key, def);
    if (!name.matches("[A-Za-z0-9_.-]{3,155}")) {
      throw new ConfigException(t.key(key), "must be 3-155 characters of A-Z, a-z, 0-9, '_', '-' and '.' (got \"" + name + "\")");
    }
    return name;
  }
}
