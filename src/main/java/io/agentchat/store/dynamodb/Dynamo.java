package io.agentchat.store.dynamodb;

import io.agentchat.common.AppException;
import io.agentchat.common.ErrorCode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * Every DynamoDB call of the store goes through here: each turned into a Vert.x future completed on the caller's context,
 * failures mapped to {@code store_unavailable}, conditional puts that recognise their own earlier attempt, paged queries;
 * batches ({@link DynamoBatches}) and undo steps ({@link Undo}) build on it.
 */
final class Dynamo {
  private static final Logger LOG = LoggerFactory.getLogger(Dynamo.class);
  static final String UNAVAILABLE = "The data store is not reachable right now; please try again shortly.";

  final Vertx vertx;
  private final DynamoClients clients;
  /** Items per query page (DynamoDB also cuts pages at 1 MB); small values let tests exercise paging. */
  private final int pageSize;
  private final DynamoBatches batches = new DynamoBatches(this);
  private final Undo undo = new Undo(this);

  private Dynamo(Vertx vertx, DynamoClients clients, int pageSize) {
    this.vertx = vertx;
    this.clients = clients;
    this.pageSize = pageSize;
  }

  /** Blocking: builds the clients. */
  static Dynamo create(Vertx vertx, DynamoConfig config, int pageSize) {
    return new Dynamo(vertx, DynamoClients.create(config), pageSize);
  }

  /** Blocking. */
  void close() {
    clients.close();
  }

  // ---------------------------------------------------------------- calls and failures

  /** Runs one call on the retrying client; the future completes on the caller's context. Conditional-check failures pass as they are. */
  <T> Future<T> call(Function<DynamoDbAsyncClient, CompletableFuture<T>> op) {
    return call(op, true);
  }

  /** As {@link #call(Function)}; {@code retry=false} sends it through the client that never repeats a call (for {@code ADD}). */
  <T> Future<T> call(Function<DynamoDbAsyncClient, CompletableFuture<T>> op, boolean retry) {
    return raw(op, retry).recover(t -> Future.failedFuture(map(t)));
  }

  /** Runs one call without mapping its failure (unwrapped from the SDK's completion exception); {@code retry=false}: never repeated. */
  <T> Future<T> raw(Function<DynamoDbAsyncClient, CompletableFuture<T>> op, boolean retry) {
    Context ctx = vertx.getOrCreateContext();
    CompletableFuture<T> cf;
    try {
      cf = op.apply(retry ? clients.retrying() : clients.once());
    } catch (RuntimeException e) {
      cf = CompletableFuture.failedFuture(e);
    }
    return Future.fromCompletionStage(cf, ctx).recover(t -> Future.failedFuture(unwrap(t)));
  }

  private static Throwable unwrap(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  static boolean conditionFailed(Throwable t) {
    return t instanceof ConditionalCheckFailedException;
  }

  /** A failed condition as {@code false}; any other failure stays one. */
  static Future<Boolean> falseIfConditionFailed(Throwable t) {
    return conditionFailed(t) ? Future.succeededFuture(false) : Future.failedFuture(t);
  }

  /** Unreachable, timed out, throttled beyond the retries, failing on its side, or its tables gone: {@code store_unavailable}. */
  static Throwable map(Throwable t) {
    if (t instanceof AppException || conditionFailed(t)) {
      return t;
    }
    boolean unavailable = t instanceof SdkClientException
        || t instanceof DynamoDbException d && (d.statusCode() >= 500 || d.isThrottlingException() || d.statusCode() == 400
            && d.awsErrorDetails() != null && "ResourceNotFoundException".equals(d.awsErrorDetails().errorCode()));
    if (unavailable) {
      LOG.warn("store call failed: {}", t.toString());
      return ErrorCode.STORE_UNAVAILABLE.exception(UNAVAILABLE);
    }
    return t;
  }

  /** True when the request never left this process (the connection was refused), so it certainly did not apply. */
  static boolean notSent(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ConnectException) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- items

  /** A strongly consistent read of one item. */
  Future<Optional<Map<String, AttributeValue>>> get(String table, Item key) {
    return call(c -> c.getItem(b -> b.tableName(table).key(key.map()).consistentRead(true)))
        .map(r -> r.hasItem() && !r.item().isEmpty() ? Optional.of(r.item()) : Optional.empty());
  }

  /** A cheap read of a key that never exists: it fails when DynamoDB or the table cannot be reached. */
  Future<Void> ping(String table) {
    return call(c -> c.getItem(b -> b.tableName(table).key(Item.key("_ping", "_ping").map()))).mapEmpty();
  }

  Future<Void> put(String table, Item item) {
    return call(c -> c.putItem(b -> b.tableName(table).item(item.map()))).mapEmpty();
  }

  Future<Void> delete(String table, Item key) {
    return call(c -> c.deleteItem(b -> b.tableName(table).key(key.map()))).mapEmpty();
  }

  /** A conditional delete; true when it applied, false when the condition did not hold. */
  Future<Boolean> deleteIf(String table, Item key, String condition, Map<String, AttributeValue> values) {
    return call(c -> c.deleteItem(b -> b.tableName(table).key(key.map()).conditionExpression(condition)
        .expressionAttributeNames(Item.names(condition)).expressionAttributeValues(values))).map(r -> true)
        .recover(t -> conditionFailed(t) ? Future.succeededFuture(false) : Future.failedFuture(t));
  }

  /**
   * Puts an item that must not exist yet. True when this call created it: an item found in its place that carries the
   * same write token {@code w} is this call's own write, applied once already by an attempt whose answer was lost.
   */
  Future<Boolean> putNew(String table, Item item) {
    return putIf(table, item, "attribute_not_exists(#pk)", Map.of());
  }

  /** As {@link #putNew}, failing when the key is in use. */
  Future<Void> insert(String table, Item item) {
    return putNew(table, item).compose(created -> created ? Future.succeededFuture()
        : Future.failedFuture(new IllegalStateException("key already in use: " + Item.str(item.map(), "pk") + " " + Item.str(item.map(), "sk"))));
  }

  /** Puts an item unless its key is in use: an item once written is never overwritten, and finding it there is no failure. */
  Future<Void> putOnce(String table, Item item) {
    return call(c -> c.putItem(b -> b.tableName(table).item(item.map()).conditionExpression("attribute_not_exists(#pk)")
        .expressionAttributeNames(Item.names("#pk")))).<Void>mapEmpty()
        .recover(t -> conditionFailed(t) ? Future.succeededFuture() : Future.failedFuture(t));
  }

  /** A conditional put; true when it applied (or an earlier attempt of it, recognised by its write token, did). */
  Future<Boolean> putIf(String table, Item item, String condition, Map<String, AttributeValue> values) {
    PutItemRequest.Builder b = PutItemRequest.builder().tableName(table).item(item.map()).conditionExpression(condition)
        .expressionAttributeNames(Item.names(condition));
    if (!values.isEmpty()) {
      b.expressionAttributeValues(values);
    }
    PutItemRequest req = b.build();
    return call(c -> c.putItem(req)).map(r -> true).recover(t -> {
      if (!conditionFailed(t)) {
        return Future.failedFuture(t);
      }
      Map<String, AttributeValue> m = item.map();
      return get(table, Item.key(m.get("pk").s(), m.get("sk").s()))
          .map(found -> found.isPresent() && m.get("w") != null && m.get("w").equals(found.get().get("w")));
    });
  }

  /** An update returning the item as it is after it; {@code retry=false} sends it through the client that never repeats a call (for {@code ADD}). */
  Future<Map<String, AttributeValue>> update(String table, Item key, String update, String condition, Map<String, AttributeValue> values,
                                             boolean retry) {
    UpdateItemRequest req = updateRequest(table, key, update, condition, values).returnValues(ReturnValue.ALL_NEW).build();
    return call(c -> c.updateItem(req), retry).map(r -> r.attributes());
  }

  static UpdateItemRequest.Builder updateRequest(String table, Item key, String update, String condition, Map<String, AttributeValue> values) {
    UpdateItemRequest.Builder b = UpdateItemRequest.builder().tableName(table).key(key.map()).updateExpression(update);
    Map<String, String> names = Item.names(update, condition);
    if (!names.isEmpty()) {
      b.expressionAttributeNames(names);
    }
    if (!values.isEmpty()) {
      b.expressionAttributeValues(values);
    }
    if (condition != null) {
      b.conditionExpression(condition);
    }
    return b;
  }

  // ---------------------------------------------------------------- queries

  /** Every item of one partition whose sort key starts with {@code prefix}, oldest first, strongly consistent. */
  Future<List<Map<String, AttributeValue>>> prefix(String table, String pk, String prefix) {
    return prefix(table, pk, prefix, true, Integer.MAX_VALUE, i -> true);
  }

  /** Up to {@code max} items that {@code keep} accepts of one partition whose sort key starts with {@code prefix}, strongly consistent. */
  Future<List<Map<String, AttributeValue>>> prefix(String table, String pk, String prefix, boolean oldestFirst, int max,
                                                   Predicate<Map<String, AttributeValue>> keep) {
    return query(QueryRequest.builder().tableName(table).keyConditionExpression("#pk = :pk AND begins_with(#sk, :p)")
        .expressionAttributeNames(Item.names("#pk #sk")).expressionAttributeValues(Item.vals(":pk", pk, ":p", prefix))
        .scanIndexForward(oldestFirst).consistentRead(true).build(), max, keep);
  }

  /** Every item of one partition with a sort key in [from, to]. */
  Future<List<Map<String, AttributeValue>>> between(String table, String pk, String from, String to, boolean consistent) {
    return query(QueryRequest.builder().tableName(table).keyConditionExpression("#pk = :pk AND #sk BETWEEN :from AND :to")
        .expressionAttributeNames(Item.names("#pk #sk")).expressionAttributeValues(Item.vals(":pk", pk, ":from", from, ":to", to))
        .consistentRead(consistent).build(), Integer.MAX_VALUE, i -> true);
  }

  /** Every item of one partition, strongly consistent. */
  Future<List<Map<String, AttributeValue>>> partition(String table, String pk) {
    return query(QueryRequest.builder().tableName(table).keyConditionExpression("#pk = :pk").expressionAttributeNames(Item.names("#pk"))
        .expressionAttributeValues(Item.vals(":pk", pk)).consistentRead(true).build(), Integer.MAX_VALUE, i -> true);
  }

  /** Up to {@code max} items that {@code keep} accepts of one partition with a sort key in [from, to], strongly consistent. */
  Future<List<Map<String, AttributeValue>>> between(String table, String pk, String from, String to, boolean oldestFirst, int max,
                                                    Predicate<Map<String, AttributeValue>> keep) {
    return query(QueryRequest.builder().tableName(table).keyConditionExpression("#pk = :pk AND #sk BETWEEN :from AND :to")
        .expressionAttributeNames(Item.names("#pk #sk")).expressionAttributeValues(Item.vals(":pk", pk, ":from", from, ":to", to))
        .scanIndexForward(oldestFirst).consistentRead(true).build(), max, keep);
  }

  /** Every item of one partition of an index (indexes are eventually consistent). */
  Future<List<Map<String, AttributeValue>>> index(String table, String index, String keyAttribute, String value) {
    return query(QueryRequest.builder().tableName(table).indexName(index).keyConditionExpression("#" + keyAttribute + " = :v")
        .expressionAttributeNames(Item.names("#" + keyAttribute)).expressionAttributeValues(Item.vals(":v", value)).build(),
        Integer.MAX_VALUE, i -> true);
  }

  /** Pages through a query until {@code max} items that {@code keep} accepts are collected or nothing is left. */
  private Future<List<Map<String, AttributeValue>>> query(QueryRequest request, int max, Predicate<Map<String, AttributeValue>> keep) {
    List<Map<String, AttributeValue>> out = new ArrayList<>();
    return queryPage(request.toBuilder().limit(Math.max(1, Math.min(max, pageSize))).build(), max, keep, out);
  }

  private Future<List<Map<String, AttributeValue>>> queryPage(QueryRequest request, int max, Predicate<Map<String, AttributeValue>> keep,
                                                              List<Map<String, AttributeValue>> out) {
    return call(c -> c.query(request)).compose((QueryResponse r) -> {
      for (Map<String, AttributeValue> item : r.items()) {
        if (out.size() < max && keep.test(item)) {
          out.add(item);
        }
      }
      if (out.size() >= max || !r.hasLastEvaluatedKey() || r.lastEvaluatedKey().isEmpty()) {
        return Future.succeededFuture(out);
      }
      return queryPage(request.toBuilder().exclusiveStartKey(r.lastEvaluatedKey()).build(), max, keep, out);
    });
  }

  /** Every item of a table whose sort key is {@code sk}, page by page (a scan: for rare operators' listings only). */
  Future<List<Map<String, AttributeValue>>> scanSortKey(String table, String sk) {
    List<Map<String, AttributeValue>> out = new ArrayList<>();
    return scanPage(ScanRequest.builder().tableName(table).filterExpression("#sk = :sk").expressionAttributeNames(Item.names("#sk"))
        .expressionAttributeValues(Item.vals(":sk", sk)).consistentRead(true).limit(pageSize).build(), out);
  }

  private Future<List<Map<String, AttributeValue>>> scanPage(ScanRequest request, List<Map<String, AttributeValue>> out) {
    return call(c -> c.scan(request)).compose((ScanResponse r) -> {
      out.addAll(r.items());
      if (!r.hasLastEvaluatedKey() || r.lastEvaluatedKey().isEmpty()) {
        return Future.succeededFuture(out);
      }
      return scanPage(request.toBuilder().exclusiveStartKey(r.lastEvaluatedKey()).build(), out);
    });
  }

  // ---------------------------------------------------------------- batches and undo steps

  /** Strongly consistent reads of many keys of one or more tables. */
  Future<List<Map<String, AttributeValue>>> batchGet(Map<String, List<Item>> keysByTable) {
    return batches.get(keysByTable);
  }

  /** Unconditional puts of items and deletes of keys in one table. */
  Future<Void> batchWrite(String table, List<Item> puts, List<Item> deletes) {
    return batches.write(table, puts, deletes);
  }

  /** Takes back an earlier step of an operation that could not finish (see {@link Undo}). */
  Future<Void> undo(String what, Undo.Step step) {
    return undo.run(what, step);
  }

  /** Runs {@code next} after {@code delayMs} on the caller's context. */
  <T> Future<T> later(long delayMs, Supplier<Future<T>> next) {
    Context ctx = vertx.getOrCreateContext();
    Promise<T> p = Promise.promise();
    vertx.setTimer(delayMs, id -> ctx.runOnContext(v -> next.get().onComplete(p)));
    return p.future();
  }

  /** Exponential backoff with jitter, capped at two seconds. */
  static long backoff(int attempt) {
    long cap = Math.min(2000, 25L << Math.min(attempt, 10));
    return cap / 2 + (long) (Math.random() * cap / 2);
  }
}
