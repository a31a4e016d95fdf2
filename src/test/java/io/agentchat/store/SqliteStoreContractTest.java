package io.agentchat.store;

import io.agentchat.store.StoreConfig;
import io.agentchat.store.sqlite.SqliteStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on the embedded SQLite store. */
class SqliteStoreContractTest extends StoreContractTest {
  @TempDir
  Path dir;

  @Override
  protected Future<Store> open(Vertx vertx) {
    return SqliteStore.open(vertx, new StoreConfig("sqlite", dir, "contract.db", 256, 2));
  }
}
