package io.agentchat.store.dynamodb;

import static io.agentchat.store.dynamodb.Item.num;
import static io.agentchat.store.dynamodb.Item.str;
import static io.agentchat.store.dynamodb.Item.time;

import io.agentchat.common.ErrorCode;
import io.agentchat.store.KeyTotals;
import io.agentchat.store.ReportStore;
import io.agentchat.store.RollupRow;
import io.agentchat.store.TurnCost;
import io.agentchat.store.UsageKind;
import io.agentchat.store.UsageTotals;
import io.agentchat.store.UserRecord;
import io.vertx.core.Future;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Reports read each member's partition (rollups, turn totals, per-key totals), service accounts included; rollup repair
 * reads the events-by-day index.
 */
final class DynamoReports extends DynamoPart implements ReportStore {
  private static final Logger LOG = LoggerFactory.getLogger(DynamoReports.class);
  private static final int MAX_REBUILD_DAYS = 400;
  private final DynamoIdentity members;

  DynamoReports(DynamoIdentity members) {
    super(members);
    this.members = members;
  }

  /** Runs one query per member of the tenant (16 at a time) and joins the results. */
  private <T> Future<List<T>> perUser(String tenantId, String onlyUser, Function<String, Future<List<T>>> query) {
    Future<List<String>> ids = onlyUser != null ? Future.succeededFuture(List.of(onlyUser))
        : members.users(tenantId).map(us -> us.stream().map(UserRecord::userId).toList());
    return ids.compose(list -> {
      List<T> out = Collections.synchronizedList(new ArrayList<>());
      Future<Void> chain = Future.succeededFuture();
      for (int from = 0; from < list.size(); from += 16) {
        List<String> batch = list.subList(from, Math.min(list.size(), from + 16));
        chain = chain.compose(v -> Future.all(batch.stream().map(u -> query.apply(u).onSuccess(out::addAll)).toList()).mapEmpty());
      }
      return chain.map(v -> new ArrayList<>(out));
    });
  }

  @Override
  public Future<List<RollupRow>> rollups(String tenantId, String fromDay, String toDay) {
    return perUser(tenantId, null, user -> d.between(usage, Keys.userPk(tenantId, user), Keys.rollupFrom(fromDay), Keys.rollupTo(toDay), false)
        .map(items -> items.stream().map(i -> new RollupRow(str(i, "day"), user, str(i, "service"), str(i, "model"), num(i, "input_tokens"),
            num(i, "output_tokens"), num(i, "invocations"), num(i, "tool_actions"), num(i, "cost_nanos"), num(i, "events"))).toList()))
        .map(rows -> rows.stream().sorted(Comparator.comparing(RollupRow::day)).toList());
  }

  @Override
  public Future<List<TurnCost>> topTurns(String tenantId, String userId, Instant from, Instant to, int limit) {
    return perUser(tenantId, userId, user -> d.between(usage, Keys.userPk(tenantId, user), Keys.turnCostFrom(from), Keys.turnCostBefore(to), false)
        .map(items -> items.stream().map(i -> new TurnCost(str(i, "turn_id"), user, str(i, "session_id"), str(i, "status"), time(i, "created_at"),
            num(i, "input_tokens"), num(i, "output_tokens"), num(i, "cost_nanos"))).toList()))
        .map(all -> all.stream().sorted(Comparator.comparingLong(TurnCost::costNanos).reversed()
            .thenComparing(TurnCost::createdAt, Comparator.reverseOrder())).limit(limit).toList());
  }

  /** The members' turn totals of the period (as {@link #topTurns} reads them), summed per API key; turns without a key are left out. */
  @Override
  public Future<List<KeyTotals>> keyTotals(String tenantId, Instant from, Instant to) {
    return perUser(tenantId, null, user -> d.between(usage, Keys.userPk(tenantId, user), Keys.turnCostFrom(from), Keys.turnCostBefore(to), false)
        .map(items -> items.stream().filter(i -> str(i, "api_key_id") != null)
            .map(i -> new KeyTotals(str(i, "api_key_id"), 1, num(i, "input_tokens"), num(i, "output_tokens"), num(i, "cost_nanos"))).toList()))
        .map(all -> {
          Map<String, KeyTotals> byKey = new TreeMap<>();
          all.forEach(k -> byKey.merge(k.keyId(), k, (a, b) -> new KeyTotals(a.keyId(), a.turns() + b.turns(), a.inputTokens() + b.inputTokens(),
              a.outputTokens() + b.outputTokens(), a.costNanos() + b.costNanos())));
          return List.copyOf(byKey.values());
        });
  }

  /**
   * Recomputes the tenant's rollups day by day from its usage events (read through the events-by-day index, one Query per
   * shard), writes them with BatchWriteItem, and deletes rollups that no event supports. Meant for days without live
   * traffic (a settlement racing the rewrite of its rollup could be lost); the index is eventually consistent, so run
   * it a moment after the last write of the day.
   */
  @Override
  public Future<Long> rebuildRollups(String tenantId, String fromDay, String toDay) {
    LocalDate from = LocalDate.parse(fromDay);
    LocalDate to = LocalDate.parse(toDay);
    if (ChronoUnit.DAYS.between(from, to) > MAX_REBUILD_DAYS) {
      return Future.failedFuture(ErrorCode.INVALID_REQUEST.exception("Rebuild at most " + MAX_REBUILD_DAYS + " days at a time."));
    }
    Future<Long> chain = Future.succeededFuture(0L);
    for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
      String dayText = day.toString();
      chain = chain.compose(n -> rebuildDay(tenantId, dayText).map(m -> n + m));
    }
    return chain;
  }

  private Future<Integer> rebuildDay(String tenantId, String day) {
    List<Future<List<Map<String, AttributeValue>>>> shards = new ArrayList<>();
    for (int k = 0; k < Keys.SHARDS; k++) {
      shards.add(d.index(usage, Tables.DAY_INDEX, "day_pk", Keys.dayPk(tenantId, day, k)));
    }
    return Future.all(shards).compose(cf -> {
      Map<String, Item> rebuilt = new LinkedHashMap<>();
      Map<String, UsageTotals> sums = new HashMap<>();
      Map<String, Long> counts = new HashMap<>();
      Set<String> existing = new HashSet<>();
      for (Future<List<Map<String, AttributeValue>>> shard : shards) {
        for (Map<String, AttributeValue> i : shard.result()) {
          String sk = str(i, "sk");
          if (sk.startsWith(Keys.ROLLUP)) {
            existing.add(str(i, "pk") + "\n" + sk);
            continue;
          }
          String user = str(i, "user_id");
          Item rollup = Keys.rollup(tenantId, user, day, str(i, "service"), str(i, "model"));
          String id = str(rollup.map(), "pk") + "\n" + str(rollup.map(), "sk");
          rebuilt.computeIfAbsent(id, x -> rollup.s("tenant_id", tenantId).s("user_id", user).s("day", day).s("service", str(i, "service"))
              .s("model", str(i, "model")).s("day_pk", str(i, "day_pk")));
          sums.merge(id, UsageTotals.of(UsageKind.fromWire(str(i, "kind")), num(i, "quantity"), num(i, "cost_nanos")), UsageTotals::plus);
          counts.merge(id, 1L, Long::sum);
        }
      }
      List<Item> deletes = new ArrayList<>();
      rebuilt.forEach((id, item) -> {
        UsageTotals s = sums.get(id);
        item.n("input_tokens", s.inputTokens()).n("output_tokens", s.outputTokens()).n("invocations", s.invocations())
            .n("tool_actions", s.toolActions()).n("cost_nanos", s.costNanos()).n("events", counts.get(id));
      });
      for (String id : existing) {
        if (!rebuilt.containsKey(id)) {
          String[] k = id.split("\n", 2);
          deletes.add(Item.key(k[0], k[1]));
        }
      }
      LOG.info("rollups rebuilt tenant={} day={} rollups={} removed={}", tenantId, day, rebuilt.size(), deletes.size());
      return d.batchWrite(usage, new ArrayList<>(rebuilt.values()), deletes).map(v -> rebuilt.size());
    });
  }
}
