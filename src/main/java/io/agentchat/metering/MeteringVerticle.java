package io.agentchat.metering;

import io.agentchat.Services;
import io.agentchat.client.ClientAddresses;
import io.agentchat.client.ClientFrame;
import io.agentchat.client.ClientFrames;
import io.agentchat.common.Bus;
import io.agentchat.common.CapabilityVerticle;
import io.agentchat.common.ErrorCode;
import io.agentchat.common.Identity;
import io.agentchat.metering.MeteringMessages.GetBudgets;
import io.agentchat.metering.MeteringMessages.QuotaQuery;
import io.agentchat.metering.MeteringMessages.QuotaStatus;
import io.agentchat.metering.MeteringMessages.Reservation;
import io.agentchat.metering.MeteringMessages.ReserveTurn;
import io.agentchat.metering.MeteringMessages.SetBudget;
import io.agentchat.metering.MeteringMessages.SettleTurn;
import io.agentchat.metering.MeteringMessages.Settlement;
import io.agentchat.metering.MeteringMessages.TurnUsage;
import io.agentchat.metering.MeteringMessages.UsageReport;
import io.agentchat.store.Budget;
import io.agentchat.store.BudgetAlert;
import io.agentchat.store.Periods;
import io.agentchat.store.ReserveOutcome;
import io.agentchat.store.ReserveRequest;
import io.agentchat.store.SettleRequest;
import io.agentchat.store.UsageEvent;
import io.agentchat.store.UsageKind;
import io.agentchat.tier.Tier;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quotas and usage. A turn reserves one message before the agent runs (exact under concurrency: the store applies
 * reservations one at a time) and is settled afterwards with its usage events, priced from {@code conf/services.pricing().json}.
 * Event ids are derived from the turn id, so a settlement repeated after a retry records nothing twice.
 */
public final class MeteringVerticle extends CapabilityVerticle<MeteringConfig> {
  private final Map<String, Counter> counters = new HashMap<>();
  private static final Logger LOG = LoggerFactory.getLogger(MeteringVerticle.class);
  private Budgets budgets;

  public MeteringVerticle(Services services, MeteringConfig config) {
    super(services, config);
  }

  @Override
  public Future<?> start() {
    if (!services.pricing().knows(config.offlinePricedAs())) {
      return Future.failedFuture(new io.agentchat.config.ConfigException("metering.offlinePricedAs",
          "names no model of the pricing file (got \"" + config.offlinePricedAs() + "\")"));
    }
    for (Tier t : services.tiers().all().values()) {
      for (String model : t.models()) {
        if (!services.pricing().knows(model)) {
          return Future.failedFuture(new io.agentchat.config.ConfigException("tiers." + t.name() + ".models",
              "names no model of the pricing file (got \"" + model + "\")"));
        }
      }
    }
    budgets = new Budgets(services.store(), services.clock(), config.budgetReserveNanos());
    EventBus bus = vertx.eventBus();
    List<MessageConsumer<?>> consumers = List.of(
        bus.<ReserveTurn>localConsumer(MeteringAddresses.RESERVE, m -> Bus.reply(m, this::reserve, LOG)),
        bus.<SettleTurn>localConsumer(MeteringAddresses.SETTLE, m -> Bus.reply(m, this::settle, LOG)),
        bus.<QuotaQuery>localConsumer(MeteringAddresses.QUOTA, m -> Bus.reply(m, q -> quota(q.identity(), services.clock().instant()), LOG)),
        bus.<QuotaQuery>localConsumer(MeteringAddresses.USAGE, m -> Bus.reply(m, this::usage, LOG)),
        bus.<GetBudgets>localConsumer(MeteringAddresses.BUDGETS, m -> Bus.reply(m, budgets::list, LOG)),
        bus.<SetBudget>localConsumer(MeteringAddresses.SET_BUDGET, m -> Bus.reply(m, budgets::set, LOG)));
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }


  private Future<Reservation> reserve(ReserveTurn r) {
    return services.plans().plan(r.identity().tenantId()).compose(p -> {
      if (p.isPresent() && p.get().suspended()) {
        return Future.failedFuture(ErrorCode.TENANT_SUSPENDED.exception("Your organisation is suspended by the platform's operators; "
            + "new messages are refused until it is resumed. Your admins can ask the operators why."));
      }
      return admit(r);
    });
  }

  private Future<Reservation> admit(ReserveTurn r) {
    Identity id = r.identity();
    Tier tier = services.tiers().require(id.tier());
    Instant now = services.clock().instant();
    ReserveRequest req = new ReserveRequest(id.tenantId(), id.userId(), r.sessionId(), r.turnId(), r.requestId(), r.message(),
        Periods.dayKey(now), Periods.monthKey(now), tier.dailyMessages(), tier.monthlyMessages(), now, config.budgetReserveNanos(),
        id.apiKeyId());
    return services.store().usage().reserveTurn(req).compose(out -> {
      if (out.status() == ReserveOutcome.Status.KEY_BUDGET_EXCEEDED) {
        counter("agentchat.budget.refused", "tier", tier.name(), "scope", "api_key").increment();
        monitor(id.tenantId(), ClientFrames.budgetRefused(id.userId(), "api_key", now));
        return Future.failedFuture(ErrorCode.BUDGET_EXCEEDED.exception("This API key's monthly budget is used up (each request holds "
            + Pricing.usd(config.budgetReserveNanos()).toPlainString() + " USD until it is settled); requests are refused until an admin "
            + "raises it or the month ends."));
      }
      if (out.status() == ReserveOutcome.Status.TENANT_BUDGET_EXCEEDED || out.status() == ReserveOutcome.Status.USER_BUDGET_EXCEEDED) {
        boolean tenantWide = out.status() == ReserveOutcome.Status.TENANT_BUDGET_EXCEEDED;
        counter("agentchat.budget.refused", "tier", tier.name(), "scope", tenantWide ? "tenant" : "user").increment();
        monitor(id.tenantId(), ClientFrames.budgetRefused(id.userId(), tenantWide ? "tenant" : "user", now));
        return budgets.refusal(id.tenantId(), id.userId(), tenantWide)
            .compose(text -> Future.failedFuture(ErrorCode.BUDGET_EXCEEDED.exception(text)));
      }
      if (out.status() == ReserveOutcome.Status.DAILY_EXCEEDED || out.status() == ReserveOutcome.Status.MONTHLY_EXCEEDED) {
        monitor(id.tenantId(), ClientFrames.quotaRefused(id.userId(), out.status() == ReserveOutcome.Status.DAILY_EXCEEDED ? "day" : "month", now));
      }
      if (out.status() == ReserveOutcome.Status.DAILY_EXCEEDED) {
        counter("agentchat.quota.refused", "tier", tier.name(), "period", "day").increment();
        return Future.failedFuture(ErrorCode.QUOTA_EXCEEDED.exception("You have used all " + tier.dailyMessages()
            + " messages of your " + tier.name() + " plan for today; the count resets at 00:00 UTC."));
      }
      if (out.status() == ReserveOutcome.Status.MONTHLY_EXCEEDED) {
        counter("agentchat.quota.refused", "tier", tier.name(), "period", "month").increment();
        return Future.failedFuture(ErrorCode.QUOTA_EXCEEDED.exception("You have used all " + tier.monthlyMessages()
            + " messages of your " + tier.name() + " plan for this month; the count resets on the 1st (UTC)."));
      }
      pushQuota(id, now);
      return Future.succeededFuture(new Reservation(out.status() == ReserveOutcome.Status.DUPLICATE, out.turn().turnId(), out.turn().status()));
    });
  }

  private Future<Settlement> settle(SettleTurn s) {
    Identity id = s.identity();
    Instant now = services.clock().instant();
    List<UsageEvent> events = events(s, now);
    return services.store().usage().settleTurn(new SettleRequest(id.tenantId(), id.userId(), s.sessionId(), s.turnId(), s.status(), s.reply(), events,
            s.refund(), now, s.traces()))
        .compose(out -> {
          for (BudgetAlert a : out.alerts()) {
            alert(a);
          }
          if (out.applied()) {
            TurnUsage u = s.usage();
            counter("agentchat.cost.nanos", "tier", id.tier()).increment(out.turnCostNanos());
            counter("agentchat.tokens", "tier", id.tier(), "direction", "input").increment(u.inputTokens());
            counter("agentchat.tokens", "tier", id.tier(), "direction", "output").increment(u.outputTokens());
            counter("agentchat.turns.settled", "tier", id.tier(), "status", s.status()).increment();
          }
          pushQuota(id, now);
          return Future.succeededFuture(new Settlement(out.applied(), out.turnCostNanos()));
        });
  }

  /** The counter of that name and tags, looked up once (a turn increments several; tags are bounded: tier, status, scope). */
  private Counter counter(String name, String... tags) {
    return counters.computeIfAbsent(name + "|" + String.join("/", tags), k -> services.meters().counter(name, tags));
  }

  /** The usage events of one turn, with deterministic ids. */
  List<UsageEvent> events(SettleTurn s, Instant now) {
    Identity id = s.identity();
    TurnUsage u = s.usage();
    String priceKey = services.pricing().modelKey(u.model());
    if (priceKey == null) {
      priceKey = config.offlinePricedAs();
    }
    String model = u.model() == null ? priceKey : u.model();
    List<UsageEvent> out = new ArrayList<>();
    String t = s.turnId();
    if (u.invoked()) {
      out.add(new UsageEvent(t + "/invocation", id.tenantId(), id.userId(), s.sessionId(), t, UsageKind.INVOCATION, Pricing.AGENT_RUNTIME,
          "orchestration", 1, services.pricing().orchestrationNanos(), false, now));
    }
    if (u.inputTokens() > 0) {
      out.add(new UsageEvent(t + "/input_tokens", id.tenantId(), id.userId(), s.sessionId(), t, UsageKind.INPUT_TOKENS, Pricing.BEDROCK_MODELS,
          model, u.inputTokens(), services.pricing().inputNanos(priceKey, u.inputTokens()), u.estimated(), now));
    }
    if (u.outputTokens() > 0) {
      out.add(new UsageEvent(t + "/output_tokens", id.tenantId(), id.userId(), s.sessionId(), t, UsageKind.OUTPUT_TOKENS, Pricing.BEDROCK_MODELS,
          model, u.outputTokens(), services.pricing().outputNanos(priceKey, u.outputTokens()), u.estimated(), now));
    }
    if (s.storedBytes() > 0) {
      out.add(new UsageEvent(t + "/storage", id.tenantId(), id.userId(), s.sessionId(), t, UsageKind.STORAGE_BYTES, Pricing.STORAGE, "conversation",
          s.storedBytes(), services.pricing().storageNanos(s.storedBytes()), false, now));
    }
    for (int i = 0; i < u.tools().size(); i++) {
      out.add(new UsageEvent(t + "/tool/" + i, id.tenantId(), id.userId(), s.sessionId(), t, UsageKind.TOOL_ACTION, Pricing.TOOLS,
          u.tools().get(i), 1, services.pricing().toolActionNanos(), false, now));
    }
    return out;
  }

  private void monitor(String tenantId, JsonObject event) {
    vertx.eventBus().publish(ClientAddresses.monitor(tenantId), event);
  }

  /** A budget threshold crossed: the tenant's admins are told on the monitor, and the user too for a user budget (a key's is the admins'). */
  private void alert(BudgetAlert a) {
    JsonObject event = ClientFrames.budgetAlert(a);
    if (!a.scope().equals(Budget.TENANT) && io.agentchat.store.MeteringRules.keyOfScope(a.scope()) == null) {
      vertx.eventBus().publish(ClientAddresses.user(a.tenantId(), a.scope()), event.copy());
    }
    monitor(a.tenantId(), event.put("at", services.clock().instant().toString()));
    LOG.info("budget alert tenant={} scope={} threshold={}%", a.tenantId(), a.scope(), a.threshold());
  }

  /**
   * Tells the user their counters after a reservation or a settlement. The turn does not wait for them: the reply goes at
   * once (the first chunk and the next turn need only the write), the frame as soon as they are read.
   */
  private void pushQuota(Identity id, Instant now) {
    quota(id, now).onSuccess(q -> vertx.eventBus().publish(ClientAddresses.user(id.tenantId(), id.userId()), ClientFrame.of(ClientFrames.quota(q))))
        .onFailure(t -> LOG.debug("quota of user {} of tenant {} not pushed: {}", id.userId(), id.tenantId(), t.toString()));
  }

  private Future<QuotaStatus> quota(Identity id, Instant now) {
    Tier tier = services.tiers().require(id.tier());
    return services.store().usage().quotaUsage(id.tenantId(), id.userId(), Periods.dayKey(now), Periods.monthKey(now), now)
        .map(q -> new QuotaStatus(q.dailyUsed(), tier.dailyMessages(), q.monthlyUsed(), tier.monthlyMessages(), q.activeSessions(),
            tier.concurrentSessions()));
  }

  private Future<UsageReport> usage(QuotaQuery q) {
    Instant now = services.clock().instant();
    LocalDate day = Periods.day(now);
    String from = day.withDayOfMonth(1).toString();
    return quota(q.identity(), now).compose(quota -> services.store().usage().userTotals(q.identity().tenantId(), q.identity().userId(), from, day.toString())
        .map(t -> new UsageReport(quota, t.inputTokens(), t.outputTokens(), t.costNanos(), from.substring(0, 7))));
  }
}
