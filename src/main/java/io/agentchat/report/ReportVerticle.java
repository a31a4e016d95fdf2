package io.agentchat.report;

import io.agentchat.Services;
import io.agentchat.common.Bus;
import io.agentchat.common.ErrorCode;
import io.agentchat.common.Identity;
import io.agentchat.metering.Periods;
import io.agentchat.metering.Pricing;
import io.agentchat.report.ReportMessages.AdminRequest;
import io.agentchat.report.ReportMessages.Kind;
import io.agentchat.report.ReportMessages.Report;
import io.agentchat.report.ReportMessages.ReportRequest;
import io.agentchat.store.Budget;
import io.agentchat.store.RollupRow;
import io.agentchat.store.Store;
import io.agentchat.store.TurnCost;
import io.agentchat.store.UserRecord;
import io.agentchat.tier.Tier;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cost reports (from daily rollups), budgets and tenant administration. Admin reports need an admin of the tenant on a
 * tier whose {@code admin_reports} is on; a user sees their own costs.
 */
public final class ReportVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ReportVerticle.class);
  static final int TOP_TURNS = 20;
  private final Services services;
  private Store store;
  private PlatformFeed feed;

  private final ReportConfig config;

  public ReportVerticle(Services services, ReportConfig config) {
    this.services = services;
    this.config = config;
  }

  @Override
  public Future<?> start() {
    store = services.store();
    EventBus bus = vertx.eventBus();
    List<MessageConsumer<?>> consumers = List.of(
        bus.<ReportRequest>localConsumer(ReportAddresses.BUILD, m -> Bus.reply(m, this::build, LOG)),
        bus.<AdminRequest>localConsumer(ReportAddresses.MY_TENANTS, m -> Bus.reply(m, this::myTenants, LOG)),
        bus.<AdminRequest>localConsumer(ReportAddresses.ADD_TO_GROUP, m -> Bus.reply(m, this::addToGroup, LOG)),
        bus.<AdminRequest>localConsumer(ReportAddresses.MEMBERS, m -> Bus.reply(m, this::members, LOG)),
        bus.<AdminRequest>localConsumer(ReportAddresses.SET_BUDGET, m -> Bus.reply(m, this::setBudget, LOG)),
        bus.<AdminRequest>localConsumer(ReportAddresses.BUDGETS, m -> Bus.reply(m, this::budgets, LOG)));
    feed = new PlatformFeed(vertx, config.platformFeedSeconds());
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).compose(v -> feed.start());
  }

  @Override
  public Future<?> stop() {
    feed.stop();
    return Future.succeededFuture();
  }

  private static void requireAdmin(Identity id) {
    if (!id.admin()) {
      throw ErrorCode.FORBIDDEN.exception("Only an admin of the organisation can do this.");
    }
  }

  private Future<Report> build(ReportRequest r) {
    Identity id = r.identity();
    if (r.kind().admin()) {
      requireAdmin(id);
      Tier tier = services.tiers().require(id.tier());
      if (!tier.adminReports()) {
        throw ErrorCode.UPGRADE_REQUIRED.exception("Cost reports for admins are part of the premium plan; your organisation is on the "
            + tier.name() + " plan. Upgrade to see where the money goes.");
      }
    }
    String userId = switch (r.kind()) {
      case COSTS -> id.admin() ? null : id.userId();
      case USER_COSTS, USER_SERVICE_COST -> r.userId();
      default -> null;
    };
    if (userId != null && !userId.equals(id.userId()) && !id.admin()) {
      return Future.failedFuture(ErrorCode.NOT_FOUND.exception("Not found."));
    }
    Instant fromInstant = r.from().atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant toInstant = r.to().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Future<List<RollupRow>> rows = store.rollups(id.tenantId(), r.from().toString(), r.to().toString());
    Future<List<UserRecord>> users = store.users(id.tenantId());
    Future<List<TurnCost>> top = r.kind() == Kind.COMPREHENSIVE_REPORT
        ? store.topTurns(id.tenantId(), null, fromInstant, toInstant, TOP_TURNS) : Future.succeededFuture(List.of());
    return Future.all(rows, users, top).compose(cf -> {
      Map<String, String> emails = new HashMap<>();
      users.result().forEach(u -> emails.put(u.userId(), u.email()));
      if (userId != null && !emails.containsKey(userId)) {
        return Future.failedFuture(ErrorCode.NOT_FOUND.exception("Not found."));
      }
      return Future.succeededFuture(new ReportBuilder(id.tenantId(), r.from(), r.to(), r.granularity(), rows.result(), emails)
          .build(r.kind(), userId, top.result()));
    });
  }

  private Future<JsonObject> myTenants(AdminRequest r) {
    Identity id = r.identity();
    requireAdmin(id);
    return store.tenant(id.tenantId()).map(t -> new JsonObject().put("tenants", new JsonArray().add(new JsonObject()
        .put("tenant_id", id.tenantId()).put("tier", t.map(x -> x.tier()).orElse(id.tier())).put("role", "admin")
        .put("admin_group", Identity.adminGroup(id.tenantId()))
        .put("admin_reports", services.tiers().find(id.tier()).map(Tier::adminReports).orElse(false)))));
  }

  private Future<JsonObject> members(AdminRequest r) {
    requireAdmin(r.identity());
    return store.users(r.identity().tenantId()).map(us -> new JsonObject().put("members", new JsonArray(us.stream().map(u -> new JsonObject()
        .put("user_id", u.userId()).put("email", u.email()).put("role", u.role()).put("confirmed", u.confirmed())
        .put("created_at", u.createdAt().toString())).toList())));
  }

  /** Adds a member of the caller's own tenant to its admin group. The change shows in the member's next token. */
  private Future<JsonObject> addToGroup(AdminRequest r) {
    Identity id = r.identity();
    requireAdmin(id);
    String group = r.body().getString("group", Identity.adminGroup(id.tenantId()));
    if (!group.equals(Identity.adminGroup(id.tenantId()))) {
      return Future.failedFuture(ErrorCode.NOT_FOUND.exception("No such group in your organisation."));
    }
    Object user = r.body().getValue("user_id");
    Object email = r.body().getValue("email");
    Future<java.util.Optional<UserRecord>> target = user instanceof String u ? store.user(id.tenantId(), u)
        : email instanceof String e ? store.userByEmail(e.trim().toLowerCase()).map(o -> o.filter(x -> x.tenantId().equals(id.tenantId())))
        : Future.failedFuture(ErrorCode.INVALID_REQUEST.exception("user_id or email is required."));
    return target.compose(t -> {
      if (t.isEmpty()) {
        return Future.failedFuture(ErrorCode.NOT_FOUND.exception("No such member in your organisation."));
      }
      return store.setRole(id.tenantId(), t.get().userId(), "admin").map(ok -> new JsonObject().put("user_id", t.get().userId())
          .put("group", group).put("added", ok));
    });
  }

  private Future<JsonObject> setBudget(AdminRequest r) {
    Identity id = r.identity();
    requireAdmin(id);
    Object amount = r.body().getValue("monthly_usd");
    Object user = r.body().getValue("user_id");
    String scope = user == null ? Budget.TENANT : user instanceof String u && !u.isBlank() ? u : null;
    if (scope == null) {
      return Future.failedFuture(ErrorCode.INVALID_REQUEST.exception("user_id must be a string."));
    }
    long nanos;
    if (amount == null) {
      nanos = -1;
    } else if (amount instanceof Number n && new BigDecimal(n.toString()).signum() >= 0
        && new BigDecimal(n.toString()).compareTo(BigDecimal.valueOf(1_000_000_000L)) <= 0) {
      nanos = new BigDecimal(n.toString()).movePointRight(9).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
    } else {
      return Future.failedFuture(ErrorCode.INVALID_REQUEST.exception("monthly_usd must be a number from 0 to 1000000000, or null to remove the budget."));
    }
    Future<Boolean> exists = scope.equals(Budget.TENANT) ? Future.succeededFuture(true)
        : store.user(id.tenantId(), scope).map(java.util.Optional::isPresent);
    return exists.compose(ok -> ok ? store.setBudget(id.tenantId(), scope, nanos)
            : Future.failedFuture(ErrorCode.NOT_FOUND.exception("No such member in your organisation.")))
        .compose(v -> budgets(r));
  }

  private Future<JsonObject> budgets(AdminRequest r) {
    Identity id = r.identity();
    requireAdmin(id);
    String month = Periods.monthKey(Instant.now());
    return store.budgets(id.tenantId(), month).map(bs -> new JsonObject().put("month", month.substring(2)).put("budgets",
        new JsonArray(bs.stream().map(b -> new JsonObject().put("scope", b.tenantWide() ? "tenant" : "user")
            .put("user_id", b.tenantWide() ? null : b.scope()).put("monthly_usd", Pricing.usd(b.limitNanos()))
            .put("spent_usd", Pricing.usd(b.spentNanos())).put("reserved_usd", Pricing.usd(b.reservedNanos()))
            .put("percent", b.limitNanos() == 0 ? 100 : Math.round(b.spentNanos() * 1000.0 / b.limitNanos()) / 10.0)).toList())));
  }

  static LocalDate today() {
    return LocalDate.now(ZoneOffset.UTC);
  }
}
