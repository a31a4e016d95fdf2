package io.agentchat.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxTestContext;
import java.util.function.Function;

/**
 * A part of the store contract (its tests are default methods, run for each adapter by the subclasses of
 * {@link StoreContractTest}; the fixtures are the static members of that class).
 */
interface StoreContract {
  /** Opens an empty store of the adapter under test, runs the test body on it, and completes the test context with the outcome. */
  void run(Vertx vertx, VertxTestContext ctx, Function<Store, Future<?>> body);
}
