package io.agentchat.store;

import io.agentchat.store.dynamodb.DynamoStore;
import io.agentchat.store.sqlite.SqliteStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;

/** Opens the store that {@code store.provider} names: {@code sqlite} (embedded, the default) or {@code dynamodb}. */
public final class Stores {
  private Stores() {
  }

  public static Future<Store> open(Vertx vertx, StoreConfig config, Clock clock) {
    return switch (config.provider()) {
      case "dynamodb" -> DynamoStore.open(vertx, config.dynamodb(), clock);
      default -> SqliteStore.open(vertx, config);
    };
  }
}
