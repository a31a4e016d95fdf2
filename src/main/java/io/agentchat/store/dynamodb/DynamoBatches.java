package io.agentchat.store.dynamodb;

import io.agentchat.common.ErrorCode;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** Batch reads (100 keys a request) and writes (25 a request) through {@link Dynamo}; what DynamoDB leaves unprocessed is retried with backoff. */
final class DynamoBatches {
  private static final Logger LOG = LoggerFactory.getLogger(DynamoBatches.class);
  private static final int ATTEMPTS = 8;
  private final Dynamo d;

  DynamoBatches(Dynamo d) {
    this.d = d;
  }

  Future<List<Map<String, AttributeValue>>> get(Map<String, List<Item>> keysByTable) {
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
      chain = chain.compose(v -> getRound(req, 1, out));
    }
    return chain.map(v -> out);
  }

  private Future<Void> getRound(Map<String, KeysAndAttributes> req, int attempt, List<Map<String, AttributeValue>> out) {
    return d.call(c -> c.batchGetItem(b -> b.requestItems(req))).compose((BatchGetItemResponse r) -> {
      r.responses().values().forEach(out::addAll);
      Map<String, KeysAndAttributes> rest = r.unprocessedKeys();
      if (rest == null || rest.isEmpty()) {
        return Future.succeededFuture();
      }
      return retryLater(attempt, () -> getRound(rest, attempt + 1, out));
    });
  }

  Future<Void> write(String table, List<Item> puts, List<Item> deletes) {
    List<WriteRequest> writes = new ArrayList<>();
    puts.forEach(item -> writes.add(WriteRequest.builder().putRequest(p -> p.item(item.map())).build()));
    deletes.forEach(key -> writes.add(WriteRequest.builder().deleteRequest(x -> x.key(key.map())).build()));
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < writes.size(); i += 25) {
      List<WriteRequest> chunk = writes.subList(i, Math.min(writes.size(), i + 25));
      chain = chain.compose(v -> writeRound(Map.of(table, chunk), 1));
    }
    return chain;
  }

  private Future<Void> writeRound(Map<String, List<WriteRequest>> req, int attempt) {
    return d.call(c -> c.batchWriteItem(b -> b.requestItems(req))).compose((BatchWriteItemResponse r) -> {
      Map<String, List<WriteRequest>> rest = r.unprocessedItems();
      if (rest == null || rest.isEmpty()) {
        return Future.succeededFuture();
      }
      return retryLater(attempt, () -> writeRound(rest, attempt + 1));
    });
  }

  private <T> Future<T> retryLater(int attempt, Supplier<Future<T>> next) {
    if (attempt >= ATTEMPTS) {
      LOG.warn("store batch still had unprocessed items after {} attempts", attempt);
      return Future.failedFuture(ErrorCode.STORE_UNAVAILABLE.exception(Dynamo.UNAVAILABLE));
    }
    return d.later(Dynamo.backoff(attempt), next);
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
