package io.agentchat.store.dynamodb;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Takes back an earlier step of an operation that could not finish: one SDK call. An idempotent step (a delete, a
 * conditional write) is retried on any failure; a counter step ({@code ADD}) only when its request certainly never left
 * (connection refused), so an undo never applies twice. A failed condition means there is nothing left to undo. The
 * caller waits for the first attempts; the rest go on in the background.
 */
final class Undo {
  private static final Logger LOG = LoggerFactory.getLogger(Undo.class);
  private static final int ATTEMPTS = 40;
  /** Attempts the caller waits for; later ones go on in the background. */
  private static final int INLINE = 3;
  private final Dynamo d;

  Undo(Dynamo d) {
    this.d = d;
  }

  /** One SDK call kept to be run later, perhaps more than once when it is idempotent. */
  record Step(Function<DynamoDbAsyncClient, CompletableFuture<?>> call, boolean idempotent) {
  }

  /** Deletes an item, only while it still carries the write token {@code w} when {@code w} is given. */
  static Step delete(String table, Item key, String w) {
    return new Step(c -> c.deleteItem(b -> {
      b.tableName(table).key(key.map());
      if (w != null) {
        b.conditionExpression("#w = :w").expressionAttributeNames(Map.of("#w", "w")).expressionAttributeValues(Item.vals(":w", w));
      }
    }), true);
  }

  /** A conditional update (safe to repeat: once applied, its condition fails). */
  static Step update(String table, Item key, String update, String condition, Map<String, AttributeValue> values) {
    return new Step(c -> c.updateItem(Dynamo.updateRequest(table, key, update, condition, values).build()), true);
  }

  /** Adds {@code delta} to a number, never below zero; sent through the client that does not repeat calls. */
  static Step add(String table, Item key, String attribute, long delta) {
    String condition = delta < 0 ? "#" + attribute + " >= :minus" : "attribute_exists(#pk)";
    Map<String, AttributeValue> values = delta < 0 ? Item.vals(":d", delta, ":minus", -delta) : Item.vals(":d", delta);
    return new Step(c -> c.updateItem(Dynamo.updateRequest(table, key, "ADD #" + attribute + " :d", condition, values).build()), false);
  }

  Future<Void> run(String what, Step step) {
    Promise<Void> inline = Promise.promise();
    attempt(what, step, 1, inline);
    return inline.future();
  }

  private void attempt(String what, Step step, int attempt, Promise<Void> inline) {
    d.raw(c -> step.call().apply(c).thenApply(r -> (Void) null), step.idempotent()).onComplete(ar -> {
      if (ar.succeeded() || Dynamo.conditionFailed(ar.cause())) {
        inline.tryComplete();
        return;
      }
      boolean again = (step.idempotent() || Dynamo.notSent(ar.cause())) && attempt < ATTEMPTS;
      if (!again) {
        LOG.error("store step could not be undone ({}): {}", what, ar.cause().toString());
        inline.tryComplete();
        return;
      }
      if (attempt == INLINE) {
        inline.tryComplete();
      }
      d.vertx.setTimer(Dynamo.backoff(attempt), id -> attempt(what, step, attempt + 1, inline));
    });
  }
}
