package io.agentchat.report;

import io.agentchat.Services;
import io.agentchat.common.Bus;
import io.agentchat.common.CapabilityVerticle;
import io.agentchat.common.ErrorCode;
import io.agentchat.common.Identity;
import io.agentchat.report.ReportMessages.Kind;
import io.agentchat.report.ReportMessages.Report;
import io.agentchat.report.ReportMessages.ReportRequest;
import io.agentchat.store.ApiKeyRecord;
import io.agentchat.store.KeyTotals;
import io.agentchat.store.RollupRow;
import io.agentchat.store.TurnCost;
import io.agentchat.store.UserRecord;
import io.agentchat.tier.Tier;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cost reports, built from daily rollups, and the operators' platform feed. Admin reports need an admin of the tenant on
 * a tier whose {@code admin_reports} is on; a user sees their own costs.
 */
public final class ReportVerticle extends CapabilityVerticle<ReportConfig> {
  private static final Logger LOG = LoggerFactory.getLogger(ReportVerticle.class);
  static final int TOP_TURNS = 20;
  private PlatformFeed feed;

  private final String operatorGroup;

  public ReportVerticle(Services services, ReportConfig config, io.agentchat.auth.AuthConfig auth) {
    super(services, config);
    this.operatorGroup = auth.operatorGroup();
  }

  @Override
  public Future<?> start() {
    EventBus bus = vertx.eventBus();
    List<MessageConsumer<?>> consumers = List.of(
        bus.<ReportRequest>localConsumer(ReportAddresses.BUILD, m -> Bus.reply(m, this::build, LOG)),
        bus.<io.agentchat.report.ReportMessages.ExportRequest>localConsumer(ReportAddresses.EXPORT, m -> Bus.reply(m, this::export, LOG)));
    feed = new PlatformFeed(vertx, config.platformFeedSeconds(), services.clock());
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).compose(v -> feed.start());
  }

  @Override
  public Future<?> stop() {
    feed.stop();
    return Future.succeededFuture();
  }

  /** One organisation's data, for the platform's operators only. */
  private Future<io.agentchat.report.ReportMessages.Export> export(io.agentchat.report.ReportMessages.ExportRequest r) {
    if (!r.identity().operator(operatorGroup)) {
      throw ErrorCode.FORBIDDEN.exception("Only the platform's operators can do this.");
    }
    return new OrganisationExport(vertx, services.store(), services.clock()).export(r.tenantId())
        .map(zip -> new io.agentchat.report.ReportMessages.Export(r.tenantId(), zip));
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
    Future<List<RollupRow>> rows = services.store().reports().rollups(id.tenantId(), r.from().toString(), r.to().toString());
    Future<List<UserRecord>> users = services.store().identity().users(id.tenantId());
    Future<List<TurnCost>> top = r.kind() == Kind.COMPREHENSIVE_REPORT
        ? services.store().reports().topTurns(id.tenantId(), null, fromInstant, toInstant, TOP_TURNS) : Future.succeededFuture(List.of());
    boolean perKey = r.kind() == Kind.PER_KEY_COST || r.kind() == Kind.COMPREHENSIVE_REPORT;
    Future<List<KeyTotals>> keyTotals = perKey ? services.store().reports().keyTotals(id.tenantId(), fromInstant, toInstant)
        : Future.succeededFuture(List.of());
    Future<List<ApiKeyRecord>> keys = perKey ? services.store().apiKeys().keys(id.tenantId()) : Future.succeededFuture(List.of());
    return Future.all(List.of(rows, users, top, keyTotals, keys)).compose(cf -> {
      Map<String, String> emails = new HashMap<>();
      users.result().forEach(u -> emails.put(u.userId(), u.email()));
      if (userId != null && !emails.containsKey(userId)) {
        return Future.failedFuture(ErrorCode.NOT_FOUND.exception("Not found."));
      }
      return Future.succeededFuture(new ReportBuilder(id.tenantId(), r.from(), r.to(), r.granularity(), rows.result(), emails)
          .build(r.kind(), userId, top.result(), new ReportBuilder.Keys(keyTotals.result(), keys.result())));
    });
  }
}
