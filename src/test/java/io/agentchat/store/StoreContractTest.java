package io.agentchat.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.common.AppException;
import io.agentchat.common.ErrorCode;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every store behaviour the product relies on, run against each adapter (one subclass per adapter): tenant scoping here,
 * the rest by capability in {@link IdentityContract}, {@link MemberRemovalContract}, {@link SessionContract},
 * {@link UsageContract}, {@link ApiKeyContract}, {@link AuditContract}, {@link EraseContract} and {@link ProfileContract}. Each test gets an empty store. The fixtures below are shared by all parts (and by the adapters' own tests).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
public abstract class StoreContractTest implements IdentityContract, MemberRemovalContract, SessionContract, ConversationContract,
    UsageContract, ApiKeyContract, AuditContract, EraseContract, ProfileContract {
  static final String DAY = "d:2026-11-28";
  static final String MONTH = "m:2026-11";
  protected Store store;

  /** An empty store of the adapter under test. */
  protected abstract Future<Store> open(Vertx vertx);

  @AfterEach
  void closeStore(VertxTestContext ctx) {
    (store == null ? Future.<Void>succeededFuture() : store.close()).onComplete(ctx.succeedingThenComplete());
  }

  @Override
  public void run(Vertx vertx, VertxTestContext ctx, Function<Store, Future<?>> body) {
    open(vertx).compose(s -> {
      store = s;
      return body.apply(s);
    }).onComplete(ctx.succeedingThenComplete());
  }

  // ---------------------------------------------------------------- fixtures

  static final Instant NOW = Instant.now();

  static TenantRecord tenant(String id) {
    return new TenantRecord(id, "basic", "UTC", NOW);
  }

  static UserRecord user(String tenant, String userId, String email) {
    return new UserRecord(tenant, userId, email, "hash", "user", false, "123456", NOW);
  }

  static UserRecord admin(String tenant, String userId, String email) {
    return new UserRecord(tenant, userId, email, "hash", "admin", true, null, NOW);
  }

  static SessionRecord session(String tenant, String sessionId, String userId, Instant created, Duration life) {
    return new SessionRecord(tenant, sessionId, userId, "basic", created, created.plus(life), null, 0);
  }

  static ReserveRequest reserve(String tenant, String user, String sessionId, String turnId, String requestId, String message, int daily,
                                int monthly) {
    return new ReserveRequest(tenant, user, sessionId, turnId, requestId, message, DAY, MONTH, daily, monthly, Instant.now());
  }

  static UsageEvent event(String tenant, String user, String sessionId, String turnId, UsageKind kind, long quantity, long cost) {
    String service = kind == UsageKind.INVOCATION ? "agent_runtime" : "bedrock_models";
    String model = kind == UsageKind.INVOCATION ? "orchestration" : "anthropic.claude-3-haiku";
    return new UsageEvent(turnId + "/" + kind.wire(), tenant, user, sessionId, turnId, kind, service, model, quantity, cost, true,
        Instant.parse("2026-11-28T10:00:00Z"));
  }

  static List<UsageEvent> turnUsage(String tenant, String user, String sessionId, String turnId) {
    return List.of(event(tenant, user, sessionId, turnId, UsageKind.INVOCATION, 1, 1_000_000),
        event(tenant, user, sessionId, turnId, UsageKind.INPUT_TOKENS, 12, 3_000),
        event(tenant, user, sessionId, turnId, UsageKind.OUTPUT_TOKENS, 40, 50_000));
  }

  static SettleRequest settle(String tenant, String user, String sessionId, String turnId, String reply, boolean refund) {
    return new SettleRequest(tenant, user, sessionId, turnId, "completed", reply, turnUsage(tenant, user, sessionId, turnId), refund, Instant.now());
  }

  /** Runs {@code n} calls at once and completes when all have ended, with each one's outcome. */
  static <T> Future<List<Future<T>>> concurrently(int n, IntFunction<Future<T>> call) {
    List<Future<T>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(call.apply(i));
    }
    return Future.join(all).transform(ar -> Future.succeededFuture(all));
  }

  static ErrorCode code(AsyncResult<?> f) {
    assertTrue(f.failed(), "expected a failure");
    return assertInstanceOf(AppException.class, f.cause()).code();
  }

  static <T> long count(List<Future<T>> all, java.util.function.Predicate<Future<T>> p) {
    return all.stream().filter(p).count();
  }

  /** A tenant with its admin {@code user} and one open session of the user's. */
  static Future<Void> tenantWithSession(Store store, String tenant, String user, String sessionId) {
    return store.identity().createTenantWithAdmin(tenant(tenant), admin(tenant, user, user + "@" + tenant + ".test"))
        .compose(u -> store.sessions().createSession(session(tenant, sessionId, user, Instant.now(), Duration.ofHours(1)), 10)).mapEmpty();
  }

  // ---------------------------------------------------------------- tenant scoping

  @Test
  void aTenantNeverSeesAnotherTenantsItemsUnderTheSameIds(Vertx vertx, VertxTestContext ctx) {
    run(vertx, ctx, s -> tenantWithSession(s, "acme", "u1", "s1")
        .compose(v -> tenantWithSession(s, "beta", "u1", "s1"))
        .compose(v -> s.sessions().createSession(session("acme", "only-acme", "u1", Instant.now(), Duration.ofHours(1)), 10))
        .compose(v -> s.usage().reserveTurn(reserve("acme", "u1", "s1", "t1", "r1", "secret of acme", 50, 1000)))
        .compose(v -> s.usage().settleTurn(settle("acme", "u1", "s1", "t1", "acme's answer", false)))
        .compose(v -> s.usage().reserveTurn(reserve("beta", "u1", "s1", "t1", "r1", "beta asks", 50, 1000)))
        .compose(out -> {
          assertEquals(ReserveOutcome.Status.RESERVED, out.status(), "the same request id in another tenant is another request");
          return Future.all(List.of(s.sessions().messages("beta", "s1", 100), s.usage().turn("beta", "t1"), s.usage().turnEvents("beta", "t1"),
              s.usage().userTotals("beta", "u1", "2026-11-01", "2026-11-30"), s.usage().quotaUsage("beta", "u1", DAY, MONTH, Instant.now()),
              s.sessions().sessions("beta", "u1", 100), s.sessions().session("beta", "only-acme"), s.identity().user("beta", "u1"), s.usage().runningTurns()));
        })
        .map(cf -> {
          List<MessageRecord> msgs = cf.resultAt(0);
          assertEquals(List.of("beta asks"), msgs.stream().map(MessageRecord::text).toList());
          TurnRecord t = cf.<java.util.Optional<TurnRecord>>resultAt(1).orElseThrow();
          assertEquals("beta", t.tenantId());
          assertTrue(t.running(), "beta's t1 is its own turn, still running while acme's is settled");
          assertTrue(cf.<List<UsageEvent>>resultAt(2).isEmpty(), "acme's usage events are not beta's");
          assertEquals(0, cf.<UsageTotals>resultAt(3).costNanos());
          assertEquals(1, cf.<QuotaUsage>resultAt(4).dailyUsed(), "each tenant's counter counts only its own turns");
          List<SessionRecord> sessions = cf.resultAt(5);
          assertEquals(List.of("s1"), sessions.stream().map(SessionRecord::sessionId).toList());
          assertEquals("beta asks", sessions.get(0).title());
          assertTrue(cf.<java.util.Optional<?>>resultAt(6).isEmpty());
          assertEquals("u1@beta.test", cf.<java.util.Optional<UserRecord>>resultAt(7).orElseThrow().email());
          List<TurnRecord> running = cf.resultAt(8);
          assertEquals(List.of("beta/t1"), running.stream().map(r -> r.tenantId() + "/" + r.turnId()).toList());
          return null;
        })
        .compose(v -> s.sessions().messages("acme", "s1", 100))
        .map(msgs -> {
          assertEquals(List.of("secret of acme", "acme's answer"), msgs.stream().map(MessageRecord::text).toList());
          return null;
        }));
  }
}
