package io.agentchat.store.dynamodb;

import io.agentchat.config.ConfigException;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * The four tables: every one keyed by {@code pk} (partition, string) and {@code sk} (sort, string), on-demand, with a
 * {@code ttl} attribute. The usage table has two sparse global secondary indexes. {@code infra/terraform/dynamodb.tf}
 * declares the same.
 */
final class Tables {
  private static final Logger LOG = LoggerFactory.getLogger(Tables.class);
  /** Turns still running, by shard ({@code running_shard}, {@code created_at}): the recovery at start reads it. */
  static final String RUNNING_INDEX = "running-turns";
  /** Usage events and rollups of a tenant's day, by shard ({@code day_pk}, {@code sk}): rollup repair reads it. */
  static final String DAY_INDEX = "events-by-day";
  private static final Duration ACTIVE_WAIT = Duration.ofMinutes(2);

  private Tables() {
  }

  /** Verifies (or, with {@code createTables}, creates) every table; a missing one is a configuration error naming it. */
  static Future<Void> ensure(Dynamo d, DynamoConfig config) {
    Map<String, String> byKey = new LinkedHashMap<>();
    byKey.put("sessions", config.tables().sessions());
    byKey.put("usage", config.tables().usage());
    byKey.put("identity", config.tables().identity());
    byKey.put("directory", config.tables().directory());
    Future<Void> chain = Future.succeededFuture();
    for (Map.Entry<String, String> e : byKey.entrySet()) {
      String key = "store.dynamodb.tables." + e.getKey();
      boolean usage = e.getKey().equals("usage");
      chain = chain.compose(v -> describe(d, e.getValue()).compose(found -> {
        if (found.isPresent()) {
          return waitActive(d, e.getValue(), System.nanoTime()).map(t -> {
            verify(t, key, usage);
            return (Void) null;
          });
        }
        if (!config.createTables()) {
          return Future.failedFuture(new ConfigException(key, "table \"" + e.getValue() + "\" does not exist in " + config.region()
              + (config.endpoint() == null ? "" : " at " + config.endpoint())
              + "; create it (infra/terraform) or set store.dynamodb.createTables=true"));
        }
        return create(d, e.getValue(), usage);
      }));
    }
    return chain;
  }

  private static Future<Optional<TableDescription>> describe(Dynamo d, String table) {
    return d.raw(c -> c.describeTable(b -> b.tableName(table)), true).map(r -> Optional.of(r.table())).recover(t ->
        t instanceof ResourceNotFoundException ? Future.succeededFuture(Optional.empty()) : Future.failedFuture(Dynamo.map(t)));
  }

  private static void verify(TableDescription t, String key, boolean usage) {
    List<String> keys = t.keySchema().stream().map(k -> k.attributeName() + ":" + k.keyType()).toList();
    if (!keys.equals(List.of("pk:HASH", "sk:RANGE"))) {
      throw new ConfigException(key, "table \"" + t.tableName() + "\" must be keyed by pk (partition) and sk (sort), not " + keys);
    }
    if (usage) {
      List<String> indexes = t.globalSecondaryIndexes().stream().map(GlobalSecondaryIndexDescription::indexName).toList();
      for (String needed : List.of(RUNNING_INDEX, DAY_INDEX)) {
        if (!indexes.contains(needed)) {
          throw new ConfigException(key, "table \"" + t.tableName() + "\" lacks the global secondary index \"" + needed + "\"");
        }
      }
    }
  }

  private static Future<Void> create(Dynamo d, String table, boolean usage) {
    List<AttributeDefinition> attrs = new ArrayList<>(List.of(attr("pk", ScalarAttributeType.S), attr("sk", ScalarAttributeType.S)));
    CreateTableRequest.Builder b = CreateTableRequest.builder().tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
        .keySchema(key("pk", KeyType.HASH), key("sk", KeyType.RANGE));
    if (usage) {
      attrs.add(attr("running_shard", ScalarAttributeType.S));
      attrs.add(attr("created_at", ScalarAttributeType.N));
      attrs.add(attr("day_pk", ScalarAttributeType.S));
      b.globalSecondaryIndexes(index(RUNNING_INDEX, "running_shard", "created_at"), index(DAY_INDEX, "day_pk", "sk"));
    }
    CreateTableRequest req = b.attributeDefinitions(attrs).build();
    LOG.info("creating DynamoDB table {}", table);
    return d.call(c -> c.createTable(req))
        .compose(r -> waitActive(d, table, System.nanoTime()))
        .compose(t -> d.call(c -> c.updateTimeToLive(u -> u.tableName(table)
                .timeToLiveSpecification(s -> s.attributeName("ttl").enabled(true))))
            .<Void>mapEmpty()
            .otherwise(e -> {
              LOG.warn("table {}: TTL could not be enabled ({}); expired items are still skipped on read", table, e.toString());
              return null;
            }));
  }

  /** Waits (on the caller's context, never blocking) until the table and its indexes are active; {@code since} is a {@link System#nanoTime()}. */
  private static Future<TableDescription> waitActive(Dynamo d, String table, long since) {
    return describe(d, table).compose(t -> {
      boolean active = t.isPresent() && t.get().tableStatus() == TableStatus.ACTIVE
          && t.get().globalSecondaryIndexes().stream().allMatch(i -> "ACTIVE".equals(i.indexStatusAsString()));
      if (active) {
        return Future.succeededFuture(t.get());
      }
      if (System.nanoTime() - since > ACTIVE_WAIT.toNanos()) {
        return Future.failedFuture(new IllegalStateException("table " + table + " did not become active in " + ACTIVE_WAIT.toSeconds() + " s"));
      }
      return d.later(500, () -> waitActive(d, table, since));
    });
  }

  private static AttributeDefinition attr(String name, ScalarAttributeType type) {
    return AttributeDefinition.builder().attributeName(name).attributeType(type).build();
  }

  private static KeySchemaElement key(String name, KeyType type) {
    return KeySchemaElement.builder().attributeName(name).keyType(type).build();
  }

  private static GlobalSecondaryIndex index(String name, String hash, String range) {
    return GlobalSecondaryIndex.builder().indexName(name).keySchema(key(hash, KeyType.HASH), key(range, KeyType.RANGE))
        .projection(p -> p.projectionType(ProjectionType.ALL)).build();
  }
}
