package io.agentchat.store.dynamodb;

import static io.agentchat.store.dynamodb.Item.num;
import static io.agentchat.store.dynamodb.Item.str;
import static io.agentchat.store.dynamodb.Item.time;
import static io.agentchat.store.dynamodb.Item.vals;

import io.agentchat.common.ErrorCode;
import io.agentchat.store.MeteringRules;
import io.agentchat.store.MeteringRules.Check;
import io.agentchat.store.ReserveOutcome;
import io.agentchat.store.ReserveOutcome.Status;
import io.agentchat.store.ReserveRequest;
import io.agentchat.store.StoreErrors;
import io.agentchat.store.TurnRecord;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One reservation of a turn, without transactions: the request id is claimed, then each check of
 * {@link MeteringRules#ADMISSION_ORDER} is taken by one conditional write (a quota counter, a budget hold of the tenant, the
 * user or the API key), then the
 * question and the turn are written. A refused or failed step gives back every step taken before it, latest first, so
 * nothing stays counted. Every write carries this reservation's token {@code w}.
 */
final class DynamoReservation extends DynamoPart {
  private static final long COUNTER_TTL_SECONDS = Duration.ofDays(400).toSeconds();
  private final DynamoUsage turns;
  private final ReserveRequest r;
  private final String w = Claims.token();
  private final Deque<Check> taken = new ArrayDeque<>();
  private long daily;
  private long monthly;
  private Future<Map<String, Long>> limits;

  DynamoReservation(DynamoUsage turns, ReserveRequest r) {
    super(turns);
    this.turns = turns;
    this.r = r;
  }

  Future<ReserveOutcome> run() {
    Future<Optional<TurnRecord>> earlier = r.requestId() == null ? Future.succeededFuture(Optional.empty()) : claimRequest(1);
    return earlier.compose(dup -> {
      if (dup.isPresent()) {
        return Future.succeededFuture(new ReserveOutcome(Status.DUPLICATE, dup.get(), 0, 0));
      }
      return d.get(usage, Keys.turn(r.tenantId(), r.turnId())).compose(existing -> existing.isPresent()
              ? Future.<ReserveOutcome>failedFuture(StoreErrors.turnIdTaken())
              : admit())
          .recover(err -> undoRequest().transform(x -> Future.failedFuture(err)));
    });
  }

  /**
   * The idempotency key: a conditional put of the request id item (or of one whose turn is past the idempotency window).
   * Empty when this reservation holds the key; the earlier turn when the request was already reserved. A key whose turn
   * is not written yet belongs to a reservation under way: wait for it, or take the key over once it is stale.
   */
  private Future<Optional<TurnRecord>> claimRequest(int attempt) {
    Item key = Keys.request(r.tenantId(), r.userId(), r.requestId());
    Item item = Keys.request(r.tenantId(), r.userId(), r.requestId()).s("turn_id", r.turnId()).n("created_at", r.now())
        .n("ttl", r.now().plus(MeteringRules.IDEMPOTENCY_WINDOW).plus(Duration.ofDays(1)).getEpochSecond()).s("w", w);
    long cutoff = MeteringRules.idempotencyCutoff(r.now()).toEpochMilli();
    return d.putIf(usage, item, "attribute_not_exists(#pk) OR #created_at <= :cutoff", vals(":cutoff", cutoff)).compose(mine -> {
      if (mine) {
        return Future.succeededFuture(Optional.<TurnRecord>empty());
      }
      return d.get(usage, key).compose(found -> {
        if (found.isEmpty()) {
          return retryRequest(attempt);
        }
        Map<String, AttributeValue> old = found.get();
        return d.get(usage, Keys.turn(r.tenantId(), str(old, "turn_id"))).compose(turn -> {
          if (turn.isPresent()) {
            return Future.succeededFuture(Optional.of(DynamoUsage.toTurn(turn.get())));
          }
          if (claims.stale(time(old, "created_at"))) {
            return d.putIf(usage, item, "#w = :old", vals(":old", old.get("w")))
                .compose(won -> won ? Future.succeededFuture(Optional.<TurnRecord>empty()) : retryRequest(attempt));
          }
          return retryRequest(attempt);
        });
      });
    });
  }

  private Future<Optional<TurnRecord>> retryRequest(int attempt) {
    if (attempt >= Claims.ATTEMPTS) {
      return Future.failedFuture(ErrorCode.TURN_IN_PROGRESS.exception("This request is still being processed; try again in a moment."));
    }
    return d.later(Claims.retryDelay(attempt), () -> claimRequest(attempt + 1));
  }

  private Future<Void> undoRequest() {
    return r.requestId() == null ? Future.succeededFuture()
        : d.undo("request id", Undo.delete(usage, Keys.request(r.tenantId(), r.userId(), r.requestId()), w));
  }

  /** Takes the checks in order, then writes the question and the turn; what was taken is given back on a refusal or failure. */
  private Future<ReserveOutcome> admit() {
    return take(0).compose(status -> {
      if (status != Status.RESERVED) {
        return undoRequest().compose(v -> turns.quotaUsage(r.tenantId(), r.userId(), r.dayKey(), r.monthKey(), r.now()))
            .map(q -> new ReserveOutcome(status, null, q.dailyUsed(), q.monthlyUsed()));
      }
      return recordTurn().map(turn -> new ReserveOutcome(Status.RESERVED, turn, daily, monthly))
          .recover(err -> giveBack().transform(x -> Future.failedFuture(err)));
    });
  }

  private Future<Status> take(int i) {
    if (i == MeteringRules.ADMISSION_ORDER.size()) {
      return Future.succeededFuture(Status.RESERVED);
    }
    Check check = MeteringRules.ADMISSION_ORDER.get(i);
    return take(check).compose(ok -> ok ? take(i + 1) : giveBack().map(check.refusal()),
        err -> giveBack().transform(x -> Future.failedFuture(err)));
  }

  private Future<Boolean> take(Check check) {
    String scope = check.scope(r);
    Future<Boolean> step = switch (check) {
      case DAILY_QUOTA -> count(r.dayKey(), r.dailyLimit()).map(n -> {
        daily = n;
        return n >= 0;
      });
      case MONTHLY_QUOTA -> count(r.monthKey(), r.monthlyLimit()).map(n -> {
        monthly = n;
        return n >= 0;
      });
      // a turn without a key has no key scope: its key check passes and holds nothing
      case TENANT_BUDGET, USER_BUDGET, KEY_BUDGET -> !MeteringRules.holdsBudget(r) || scope == null ? Future.succeededFuture(true)
          : limits().compose(l -> turns.budgets.hold(r, scope, l.get(scope)));
    };
    return step.onSuccess(ok -> {
      if (ok) {
        taken.push(check);
      }
    });
  }

  /** The budget limits, read once when the first budget check runs. */
  private Future<Map<String, Long>> limits() {
    if (limits == null) {
      limits = turns.budgets.limits(r);
    }
    return limits;
  }

  /** Gives back what was taken, the latest first. */
  private Future<Void> giveBack() {
    Future<Void> chain = Future.succeededFuture();
    while (!taken.isEmpty()) {
      Check check = taken.pop();
      chain = chain.compose(v -> switch (check) {
        case DAILY_QUOTA -> uncount(r.dayKey());
        case MONTHLY_QUOTA -> uncount(r.monthKey());
        case TENANT_BUDGET, USER_BUDGET, KEY_BUDGET -> MeteringRules.holdsBudget(r) && check.scope(r) != null ? turns.budgets.release(r, check.scope(r))
            : Future.succeededFuture();
      });
    }
    return chain;
  }

  /**
   * One conditional {@code ADD} on a quota counter (its condition is {@link MeteringRules#quotaAdmits} as DynamoDB writes
   * it): the new count, or -1 when the limit is reached (nothing changed). The counter remembers the last reservation that
   * counted ({@code last_w}), and the condition refuses to count the same one twice: when a lost answer makes the SDK send
   * the call again, the repeat is refused and the read that follows shows that the first attempt counted.
   */
  private Future<Long> count(String period, int limit) {
    Item key = Keys.counter(r.tenantId(), r.userId(), period);
    String update = "SET #tenant_id = :t, #user_id = :u, #ttl = :ttl, #last_w = :w ADD #used :one";
    return d.update(usage, key, update, "(attribute_not_exists(#used) OR #used < :limit) AND (attribute_not_exists(#last_w) OR #last_w <> :w)",
            vals(":t", r.tenantId(), ":u", r.userId(), ":ttl", r.now().getEpochSecond() + COUNTER_TTL_SECONDS, ":one", 1, ":limit", limit, ":w", w), true)
        .map(i -> num(i, "used"))
        .recover(t -> Dynamo.conditionFailed(t)
            ? d.get(usage, key).map(i -> i.isPresent() && w.equals(str(i.get(), "last_w")) ? num(i.get(), "used") : -1L)
            : Future.failedFuture(t));
  }

  private Future<Void> uncount(String period) {
    return d.undo("quota count " + period, Undo.add(usage, Keys.counter(r.tenantId(), r.userId(), period), "used", -1));
  }

  /** The question takes the session's next sequence number; the turn item records it for the reply. */
  private Future<TurnRecord> recordTurn() {
    String t = r.tenantId();
    return turns.messages.appendQuestion(t, r.sessionId(), r.turnId(), r.message(), r.now()).compose(q -> {
      TurnRecord turn = new TurnRecord(t, r.turnId(), r.userId(), r.sessionId(), r.requestId(), TurnRecord.RUNNING, r.dayKey(), r.monthKey(),
          r.now(), null, r.apiKeyId());
      Item turnItem = Keys.turn(t, r.turnId()).s("tenant_id", t).s("turn_id", r.turnId()).s("user_id", r.userId()).s("session_id", r.sessionId())
          .s("request_id", r.requestId()).s("status", TurnRecord.RUNNING).s("day_key", r.dayKey()).s("month_key", r.monthKey())
          .n("created_at", r.now()).n("seq", q.seq()).n("message_ttl", q.ttl()).s("running_shard", Keys.runningShard(Keys.shard(r.turnId())))
          .s("w", w).n("budget_held", r.budgetReserveNanos()).s("api_key_id", r.apiKeyId());
      return d.putNew(usage, turnItem)
          .compose(created -> created ? Future.succeededFuture(turn) : Future.<TurnRecord>failedFuture(StoreErrors.turnIdTaken()))
          .recover(err -> turns.messages.removeQuestion(t, r.sessionId(), q).transform(x -> Future.failedFuture(err)));
    });
  }
}
