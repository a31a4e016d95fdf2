package io.agentchat.gateway;

import io.agentchat.audit.AuditAddresses;
import io.agentchat.audit.AuditKind;
import io.agentchat.audit.AuditMessages.AuditPage;
import io.agentchat.audit.AuditMessages.AuditQuery;
import io.agentchat.common.ErrorCode;
import io.agentchat.common.Identity;
import io.agentchat.common.Ids;
import io.agentchat.report.ReportBuilder;
import io.agentchat.store.AuditEntry;
import java.util.List;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log at the edge: what a caller did, recorded in their tenant's log once it succeeded (who, what, to which
 * target, when, from which client address), and the log read by the tenant's admins as JSON or CSV.
 */
record AuditTrail(Vertx vertx, Clock clock) {
  private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);
  /** The longest range one read of the log may span. */
  static final int MAX_DAYS = 366;

  /** The client's address as the connection has it. */
  static String clientAddress(RoutingContext ctx) {
    return ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().host();
  }

  /** Records that {@code actor} did {@code kind} to {@code target}. */
  void record(RoutingContext ctx, Identity actor, AuditKind kind, String target, JsonObject detail) {
    record(ctx, actor.tenantId(), actor.userId(), actor.email(), kind, target, detail);
  }

  void record(RoutingContext ctx, String tenantId, String userId, String email, AuditKind kind, String target, JsonObject detail) {
    AuditEntry e = new AuditEntry(tenantId, Ids.uuid(), clock.instant(), kind.wire(), userId, email, target, clientAddress(ctx),
        detail == null ? "{}" : detail.encode());
    vertx.eventBus().request(AuditAddresses.APPEND, e, new DeliveryOptions().setSendTimeout(60_000))
        .onFailure(t -> LOG.error("audit entry {} of tenant {} not recorded: {}", kind.wire(), tenantId, t.toString()));
  }

  /** {@code GET /api/admin/tenants/{tenant_id}/audit?from=&to=&kind=&format=csv}: dates are UTC days, {@code to} included. */
  void read(RoutingContext ctx) {
    Identity id = HttpEdge.identity(ctx);
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    LocalDate from;
    LocalDate to;
    try {
      from = ctx.queryParams().contains("from") ? LocalDate.parse(ctx.queryParams().get("from")) : today.minusDays(29);
      to = ctx.queryParams().contains("to") ? LocalDate.parse(ctx.queryParams().get("to")) : today;
    } catch (DateTimeParseException e) {
      throw ErrorCode.INVALID_REQUEST.exception("from and to are dates like 2026-11-01.");
    }
    if (to.isBefore(from) || from.plusDays(MAX_DAYS).isBefore(to)) {
      throw ErrorCode.INVALID_REQUEST.exception("The range must run forwards and span at most " + MAX_DAYS + " days.");
    }
    String kind = ctx.queryParams().get("kind");
    if (kind != null && AuditKind.of(kind) == null) {
      throw ErrorCode.INVALID_REQUEST.exception("kind is one of " + String.join(", ", java.util.Arrays.stream(AuditKind.values())
          .map(AuditKind::wire).toList()) + ".");
    }
    String format = ctx.queryParams().get("format") == null ? "json" : ctx.queryParams().get("format");
    if (!format.equals("json") && !format.equals("csv")) {
      throw ErrorCode.INVALID_REQUEST.exception("format is json or csv.");
    }
    Instant start = from.atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant end = to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    String tenantId = ctx.pathParam("tenantId"); // the caller's own, or (an operator's read) any organisation's
    vertx.eventBus().<AuditPage>request(AuditAddresses.QUERY, new AuditQuery(id, tenantId, start, end, kind),
        new DeliveryOptions().setSendTimeout(HttpEdge.CALL_TIMEOUT_MS)).onComplete(ar -> {
          if (ar.failed()) {
            HttpEdge.error(ctx, ErrorCode.toAppException(ar.cause()));
            return;
          }
          AuditPage page = ar.result().body();
          if (format.equals("csv")) {
            ctx.response().putHeader("Content-Type", "text/csv; charset=utf-8").putHeader("Cache-Control", "no-store")
                .putHeader("Content-Disposition", "attachment; filename=\"" + tenantId + "-audit-" + from + "-" + to + ".csv\"")
                .end(csv(page));
          } else {
            HttpEdge.json(ctx, 200, new JsonObject().put("tenant_id", tenantId).put("from", from.toString()).put("to", to.toString())
                .put("truncated", page.truncated()).put("entries", new JsonArray(page.entries().stream().map(AuditTrail::json).toList())));
          }
        });
  }

  static JsonObject json(AuditEntry e) {
    return new JsonObject().put("id", e.entryId()).put("at", e.at().toString()).put("kind", e.kind()).put("actor_user_id", e.actorUserId())
        .put("actor_email", e.actorEmail()).put("target", e.target()).put("client_address", e.clientAddress())
        .put("detail", new JsonObject(e.detail()));
  }

  private static String csv(AuditPage page) {
    return ReportBuilder.csv(List.of("at", "kind", "actor_user_id", "actor_email", "target", "client_address", "detail"),
        page.entries().stream().map(e -> java.util.Arrays.<Object>asList(e.at().toString(), e.kind(), e.actorUserId(), e.actorEmail(),
            e.target(), e.clientAddress(), e.detail())).toList());
  }
}
