package io.agentchat.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.store.dynamodb.DynamoConfig;
import io.agentchat.support.ChildProcess;
import io.agentchat.support.ServerProcess;
import io.agentchat.support.Dynalite;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DynamoConfigTest {
  @TempDir
  Path dir;

  @Test
  void defaultsKeepTheSeedTableNamesAndCreateNothing() {
    DynamoConfig d = ConfigLoader.load(Map.of(), null).store().dynamodb();
    assertEquals("us-east-1", d.region());
    assertNull(d.endpoint(), "no endpoint override: the SDK finds the regional endpoint");
    assertEquals(List.of("tenant-sessions", "tenant-usage", "tenant-identity", "auth-directory"), d.tables().all());
    assertEquals(false, d.createTables());
  }

  @Test
  void environmentVariablesSetTheDynamoDbKeys() {
    AppConfig c = ConfigLoader.load(Map.of("STORE_PROVIDER", "dynamodb", "DYNAMODB_REGION", "eu-west-1", "DYNAMODB_ENDPOINT", "http://127.0.0.1:8000",
        "DYNAMODB_TABLE_PREFIX", "staging-", "DYNAMODB_CREATE_TABLES", "true"), null);
    assertEquals("dynamodb", c.store().provider());
    DynamoConfig d = c.store().dynamodb();
    assertEquals("eu-west-1", d.region());
    assertEquals("http://127.0.0.1:8000", d.endpoint());
    assertEquals("staging-tenant-sessions", d.tables().sessions());
    assertEquals("staging-auth-directory", d.tables().directory());
    assertTrue(d.createTables());
  }

  @Test
  void badValuesNameTheKey() {
    assertEquals("store.dynamodb.endpoint",
        assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of("DYNAMODB_ENDPOINT", "localhost:8000"), null)).key());
    assertEquals("store.dynamodb.tablePrefix",
        assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of("DYNAMODB_TABLE_PREFIX", "bad prefix"), null)).key());
    assertEquals("store.dynamodb.createTables",
        assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of("DYNAMODB_CREATE_TABLES", "yes"), null)).key());
  }

  /** Tables missing and not to be created: the server exits with code 2 and one line naming the table. */
  @Test
  void theServerStopsWithOneLineWhenItsTablesAreMissing() throws Exception {
    String prefix = Dynalite.uniquePrefix();
    ChildProcess.Exited p = ServerProcess.runToExit(Map.of("STORE_PROVIDER", "dynamodb", "DYNAMODB_ENDPOINT", Dynalite.shared().endpoint(),
        "DYNAMODB_TABLE_PREFIX", prefix, "AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test", "HTTP_PORT", "0",
        "DATA_DIR", dir.resolve("data").toString()));
    List<String> errors = p.output().lines().filter(l -> l.contains("ERROR")).toList();
    assertEquals(2, p.code(), String.join("\n", errors));
    assertEquals(1, errors.size(), "one line: " + errors);
    assertTrue(errors.get(0).contains("invalid configuration: store.dynamodb.tables.sessions: table \"" + prefix + "tenant-sessions\" does not exist"),
        errors.get(0));
  }
}
