package io.agentchat.store.dynamodb;

import io.agentchat.common.AppException;
import io.agentchat.common.ErrorCode;
import io.agentchat.config.AppConfig.DynamoConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.vertx.core.Vertx;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The DynamoDB plumbing under {@link DynamoStore}: two async clients on one Netty HTTP client, every call turned into a
 * Vert.x future completed on the caller's context, failures mapped to {@code store_unavailable}, conditional puts that
 * recognise their own earlier attempt, paged queries, batches that retry what DynamoDB left unprocessed, and undo steps.
 *
 * <p>{@link #db} retries (reads, puts, deletes and conditional writes, which may safely run twice). {@link #once} never
 * retries: it carries the {@code ADD}s that have no condition against being applied twice (rollups, message counts,
 * undo steps), since a repeat would count twice.
 */
final class Dynamo {
  private static final Logger LOG = LoggerFactory.getLogger(Dynamo.class);
  static final String UNAVAILABLE = "The data store is not reachable right now; please try again shortly.";
  private static final int BATCH_ATTEMPTS = 8;
  private static final int UNDO_ATTEMPTS = 40;
  /** Undo attempts the caller waits for; later ones go on in the background. */
  private static final int UNDO_INLINE = 3;

  final Vertx vertx;
  final DynamoDbAsyncClient db;
  final DynamoDbAsyncClient once;
  private final SdkAsyncHttpClient http;
  private final EventLoopGroup loops;
  private final DefaultCredentialsProvider credentials;
  /** Items per query page (DynamoDB also cuts pages at 1 MB); small values let tests exercise paging. */
  final int pageSize;

  private Dynamo(Vertx vertx, DynamoDbAsyncClient db, DynamoDbAsyncClient once, SdkAsyncHttpClient http, EventLoopGroup loops,
                 DefaultCredentialsProvider credentials, int pageSize) {
    this.vertx = vertx;
    this.db = db;
    this.once = once;
    this.http = http;
    this.loops = loops;
    this.credentials = credentials;
    this.pageSize = pageSize;
  }

  @SuppressWarnings("deprecation")
  static Dynamo create(Vertx vertx, DynamoConfig config, int pageSize) {
    Duration call = Duration.ofMillis(config.callTimeoutMs());
    // an event loop group of our own, so that closing the store does not wait out Netty's default two-second quiet period;
    // the SDK recognises only the classic group classes (deprecated in Netty 4.2, still supported)
    EventLoopGroup loops = new NioEventLoopGroup(2, new DefaultThreadFactory("dynamodb-io", true));
    SdkAsyncHttpClient http = NettyNioAsyncHttpClient.builder()
        .eventLoopGroup(SdkEventLoopGroup.create(loops, NioSocketChannel::new))
        .connectionTimeout(Duration.ofMillis(Math.min(2000, config.callTimeoutMs())))
        .connectionAcquisitionTimeout(call)
        .readTimeout(call)
        .writeTimeout(call)
        .maxConcurrency(256)
        .build();
    DefaultCredentialsProvider credentials = DefaultCredentialsProvider.builder().build();
    RetryStrategy retries = AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(3).build();
    return new Dynamo(vertx, client(config, http, credentials, retries), client(config, http, credentials, AwsRetryStrategy.doNotRetry()),
        http, loops, credentials, pageSize);
  }

  private static DynamoDbAsyncClient client(DynamoConfig config, SdkAsyncHttpClient http, DefaultCredentialsProvider credentials,
                                            RetryStrategy retries) {
    var b = DynamoDbAsyncClient.builder()
        .httpClient(http)
        .region(Region.of(config.region()))
        .credentialsProvider(credentials)
        .overrideConfiguration(ClientOverrideConfiguration.builder()
            .apiCallTimeout(Duration.ofMillis(config.callTimeoutMs()))
            .retryStrategy(retries)
            .build());
    if (config.endpoint() != null) {
      b.endpointOverride(URI.create(config.endpoint()));
    }
    return b.build();
  }

  void close() {
    db.close();
    once.close();
    http.close();
    loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    credentials.close();
  }

  // ---------------------------------------------------------------- calls and failures

  /** Runs one SDK call; the future completes on the caller's context. Conditional-check failures pass through as they are. */
  <T> Future<T> call(Supplier<CompletableFuture<T>> op) {
    return raw(op).recover(t -> Future.failedFuture(map(t)));
  }

  /** Runs one SDK call without mapping its failure (unwrapped from the SDK's completion exception). */
  <T> Future<T> raw(Supplier<CompletableFuture<T>> op) {
    Context ctx = vertx.getOrCreateContext();
    CompletableFuture<T> cf;
    try {
      cf = op.get();
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

  Future<Optional<Map<String, AttributeValue>>> get(String table, Item key) {
    return call(() -> db.getItem(b -> b.tableName(table).key(key.map()).consistentRead(true)))
        .map(r -> r.hasItem() && !r.item().isEmpty() ? Optional.of(r.item()) : Optional.empty());
  }

  Future<Void> put(String table, Item item) {
    return call(() -> db.putItem(b -> b.tableName(table).item(item.map()))).mapEmpty();
  }

  Future<Void> delete(String table, Item key) {
    return call(() -> db.deleteItem(b -> b.tableName(table).key(key.map()))).mapEmpty();
  }

  /**
   * Puts an item that must not exist yet. True when this call created it: an item found in its place that carries the
   * same write token {@code w} is this call's own write, applied once already by an attempt whose answer was lost.
   */
  Future<Boolean> putNew(String table, Item item) {
    return putIf(table, item, "attribute_not_exists(#pk)", Map.of());
  }

  Future<Boolean> putIf(String table, Item item, String condition, Map<String, AttributeValue> values) {
    PutItemRequest.Builder b = PutItemRequest.builder().tableName(table).item(item.map()).conditionExpression(condition)
        .expressionAttributeNames(Item.names(condition));
    if (!values.isEmpty()) {
      b.expressionAttributeValues(values);
    }
    PutItemRequest req = b.build();
    return call(() -> db.putItem(req)).map(r -> true).recover(t -> {
      if (!conditionFailed(t)) {
        return Future.failedFuture(t);
      }
      Map<String, AttributeValue> m = item.map();
      return get(table, Item.key(m.get("pk").s(), m.get("sk").s()))
          .map(found -> found.isPresent() && m.get("w") != null && m.get("w").equals(found.get().get("w")));
    });
  }

  /** An update; {@code retry=false} sends it through the client that never repeats a call (for {@code ADD}). */
  Future<Map<String, AttributeValue>> update(String table, Item key, String update, String condition, Map<String, AttributeValue> values,
                                             boolean retry) {
    UpdateItemRequest.Builder b = UpdateItemRequest.builder().tableName(table).key(key.map()).updateExpression(update)
        .returnValues(ReturnValue.ALL_NEW);
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
    UpdateItemRequest req = b.build();
    return call(() -> (retry ? db : once).updateItem(req)).map(r -> r.attributes());
  }

  // ---------------------------------------------------------------- queries and batches

  /** Pages through a query until {@code max} items that {@code keep} accepts are collected or nothing is left. */
  Future<List<Map<String, AttributeValue>>> query(QueryRequest request, int max, Predicate<Map<String, AttributeValue>> keep) {
    List<Map<String, AttributeValue>> out = new ArrayList<>();
    return queryPage(request.toBuilder().limit(Math.max(1, Math.min(max, pageSize))).build(), max, keep, out);
  }

  private Future<List<Map<String, AttributeValue>>> queryPage(QueryRequest request, int max, Predicate<Map<String, AttributeValue>> keep,
                                                              List<Map<String, AttributeValue>> out) {
    return call(() -> db.query(request)).compose((QueryResponse r) -> {
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

  /** Strongly consistent reads of many keys of one or more tables, 100 keys a request, unprocessed keys retried with backoff. */
  Future<List<Map<String, AttributeValue>>> batchGet(Map<String, List<Item>> keysByTable) {
    List<Map<String, KeysAndAttributes>> requests = new ArrayList<>();
    Map<String, KeysAndAttributes> current = new HashMap<>();
    int n = 0;
    for (Map.Entry<String, List<Item>> e : keysByTable.entrySet()) {
      for (Item key : e.getValue()) {
        if (n == 100) {
          requests.add(current);
          current = new HashMap<>();
          n = 0;
        }
        current.merge(e.getKey(), KeysAndAttributes.builder().keys(List.of(key.map())).consistentRead(true).build(),
            (a, b) -> a.toBuilder().keys(concat(a.keys(), b.keys())).build());
        n++;
      }
    }
    if (n > 0) {
      requests.add(current);
    }
    List<Map<String, AttributeValue>> out = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (Map<String, KeysAndAttributes> req : requests) {
      chain = chain.compose(v -> batchGetRound(req, 1, out));
    }
    return chain.map(v -> out);
  }

  private Future<Void> batchGetRound(Map<String, KeysAndAttributes> req, int attempt, List<Map<String, AttributeValue>> out) {
    return call(() -> db.batchGetItem(b -> b.requestItems(req))).compose((BatchGetItemResponse r) -> {
      r.responses().values().forEach(out::addAll);
      Map<String, KeysAndAttributes> rest = r.unprocessedKeys();
      if (rest == null || rest.isEmpty()) {
        return Future.succeededFuture();
      }
      return retryLater(attempt, () -> batchGetRound(rest, attempt + 1, out));
    });
  }

  /** Unconditional puts and deletes of one table, 25 a request, unprocessed items retried with backoff. */
  Future<Void> batchWrite(String table, List<WriteRequest> writes) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < writes.size(); i += 25) {
      List<WriteRequest> chunk = writes.subList(i, Math.min(writes.size(), i + 25));
      chain = chain.compose(v -> batchWriteRound(Map.of(table, chunk), 1));
    }
    return chain;
  }

  private Future<Void> batchWriteRound(Map<String, List<WriteRequest>> req, int attempt) {
    return call(() -> db.batchWriteItem(b -> b.requestItems(req))).compose((BatchWriteItemResponse r) -> {
      Map<String, List<WriteRequest>> rest = r.unprocessedItems();
      if (rest == null || rest.isEmpty()) {
        return Future.succeededFuture();
      }
      return retryLater(attempt, () -> batchWriteRound(rest, attempt + 1));
    });
  }

  private <T> Future<T> retryLater(int attempt, Supplier<Future<T>> next) {
    if (attempt >= BATCH_ATTEMPTS) {
      LOG.warn("store batch still had unprocessed items after {} attempts", attempt);
      return Future.failedFuture(ErrorCode.STORE_UNAVAILABLE.exception(UNAVAILABLE));
    }
    return later(backoff(attempt), next);
  }

  /** Runs {@code next} after {@code delayMs} on the caller's context. */
  <T> Future<T> later(long delayMs, Supplier<Future<T>> next) {
    Context ctx = vertx.getOrCreateContext();
    Promise<T> p = Promise.promise();
    vertx.setTimer(delayMs, id -> ctx.runOnContext(v -> next.get().onComplete(p)));
    return p.future();
  }

  static long backoff(int attempt) {
    long cap = Math.min(2000, 25L << Math.min(attempt, 10));
    return cap / 2 + (long) (Math.random() * cap / 2);
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  // ---------------------------------------------------------------- undo

  /**
   * Takes back an earlier step of an operation that could not finish: one SDK call. An idempotent step (a delete, a
   * conditional write) is retried on any failure; a counter step ({@code ADD}) only when its request certainly never left
   * (connection refused), so an undo never applies twice. A failed condition means there is nothing left to undo. The
   * caller waits for the first attempts; the rest go on in the background.
   */
  Future<Void> undo(String what, Supplier<CompletableFuture<?>> step, boolean idempotent) {
    Promise<Void> inline = Promise.promise();
    undoAttempt(what, step, idempotent, 1, inline);
    return inline.future();
  }

  private void undoAttempt(String what, Supplier<CompletableFuture<?>> step, boolean idempotent, int attempt, Promise<Void> inline) {
    raw(() -> step.get().thenApply(r -> (Void) null)).onComplete(ar -> {
      if (ar.succeeded() || conditionFailed(ar.cause())) {
        inline.tryComplete();
        return;
      }
      boolean again = (idempotent || notSent(ar.cause())) && attempt < UNDO_ATTEMPTS;
      if (!again) {
        LOG.error("store step could not be undone ({}): {}", what, ar.cause().toString());
        inline.tryComplete();
        return;
      }
      if (attempt == UNDO_INLINE) {
        inline.tryComplete();
      }
      vertx.setTimer(backoff(attempt), id -> undoAttempt(what, step, idempotent, attempt + 1, inline));
    });
  }
}
