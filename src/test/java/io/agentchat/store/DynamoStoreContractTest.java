package io.agentchat.store;

import io.agentchat.store.dynamodb.DynamoConfig;
import io.agentchat.config.ConfigReader;
import io.agentchat.store.dynamodb.DynamoStore;
import io.agentchat.support.Dynalite;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;

/** The store contract on DynamoDB (dynalite), with fresh tables per test and small query pages so that paging is exercised. */
class DynamoStoreContractTest extends StoreContractTest {

  @Override
  protected Future<Store> open(Vertx vertx) {
    DynamoConfig config = DynamoConfig.from(new ConfigReader(Dynalite.shared().storeConfig(Dynalite.uniquePrefix()), "store.dynamodb"));
    return DynamoStore.open(vertx, config, 3, Clock.systemUTC()).map(s -> s);
  }
}
