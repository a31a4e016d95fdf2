package io.agentchat.gateway;

import io.agentchat.apikey.ApiKeyAddresses;
import io.agentchat.apikey.ApiKeyMessages.CreatedKey;
import io.agentchat.apikey.ApiKeyMessages.KeyView;
import io.agentchat.audit.AuditKind;
import io.agentchat.auth.AuthMessages.GroupChange;
import io.agentchat.auth.AuthMessages.Invite;
import io.agentchat.auth.AuthMessages.MemberChange;
import io.agentchat.metering.MeteringMessages.BudgetList;
import io.vertx.core.json.JsonObject;
import io.agentchat.apikey.ApiKeyMessages.CreateKey;
import io.agentchat.apikey.ApiKeyMessages.ListKeys;
import io.agentchat.apikey.ApiKeyMessages.RevokeKey;
import io.agentchat.auth.AuthAddresses;
import io.agentchat.auth.AuthMessages.AddToGroup;
import io.agentchat.auth.AuthMessages.InviteRequest;
import io.agentchat.auth.AuthMessages.ListMembers;
import io.agentchat.auth.AuthMessages.MyTenants;
import io.agentchat.auth.AuthMessages.InviteList;
import io.agentchat.auth.AuthMessages.ListInvites;
import io.agentchat.auth.AuthMessages.RevokeInvite;
import io.agentchat.auth.AuthMessages.RemoveMember;
import io.agentchat.auth.AuthMessages.SetRole;
import io.agentchat.common.ErrorCode;
import io.agentchat.common.Identity;
import io.agentchat.metering.Budgets;
import io.agentchat.metering.MeteringAddresses;
import io.agentchat.metering.MeteringMessages.GetBudgets;
import io.agentchat.metering.MeteringMessages.SetBudget;
import io.agentchat.report.ReportAddresses;
import io.agentchat.report.ReportBuilder;
import io.agentchat.report.ReportMessages.Kind;
import io.agentchat.report.ReportMessages.Report;
import io.agentchat.report.ReportQuery;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;

/** A tenant's administration: invites, members and the admin group, budgets, API keys, and the cost reports (JSON or CSV). */
record AdminRoutes(Vertx vertx, HttpEdge edge, Clock clock, AuditTrail audit) {

  /** {@code {expires_in_hours?}} (1 to 720; default {@code auth.local.inviteTtlHours}); an empty body is fine. */
  void invite(RoutingContext ctx) {
    Integer hours = null;
    String text = ctx.body() == null ? null : ctx.body().asString();
    if (text != null && !text.isBlank()) {
      hours = JsonBody.of(ctx).wholeNumber("expires_in_hours", 1, 720, "");
    }
    edge.call(ctx, AuthAddresses.INVITE, new InviteRequest(HttpEdge.identity(ctx), hours), 201,
        (Invite i) -> HttpShapes.invite(i, HttpEdge.identity(ctx).tenantId()),
        (Invite i) -> audit.record(ctx, HttpEdge.identity(ctx), AuditKind.INVITE_CREATED, i.code().substring(0, 4) + "…",
            new JsonObject().put("expires_at", i.expiresAt().toString())));
  }

  void myTenants(RoutingContext ctx) {
    edge.call(ctx, AuthAddresses.MY_TENANTS, new MyTenants(HttpEdge.identity(ctx)), 200, HttpShapes::adminTenants);
  }

  void members(RoutingContext ctx) {
    edge.call(ctx, AuthAddresses.MEMBERS, new ListMembers(HttpEdge.identity(ctx)), 200, HttpShapes::members);
  }

  /** {@code {user_id or email, group?}}: the member joins the tenant's admin group. */
  void addToGroup(RoutingContext ctx) {
    JsonBody b = JsonBody.of(ctx).only("user_id", "email", "group");
    if (b.has("group") && !(b.value("group") instanceof String)) {
      throw ErrorCode.INVALID_REQUEST.exception("group must be a string.");
    }
    AddToGroup add = new AddToGroup(HttpEdge.identity(ctx), b.stringOrNull("user_id"), b.stringOrNull("email"), b.optional("group"));
    edge.call(ctx, AuthAddresses.ADD_TO_GROUP, add, 200, HttpShapes::groupChange, (GroupChange g) -> {
      if (g.added()) {
        audit.record(ctx, HttpEdge.identity(ctx), AuditKind.ROLE_CHANGED, g.userId(), new JsonObject().put("role", "admin"));
      }
    });
  }

  void invites(RoutingContext ctx) {
    edge.call(ctx, AuthAddresses.INVITES, new ListInvites(HttpEdge.identity(ctx)), 200,
        (InviteList l) -> HttpShapes.invites(l, HttpEdge.identity(ctx).tenantId(), clock.instant()));
  }

  void revokeInvite(RoutingContext ctx) {
    String code = ctx.pathParam("code");
    edge.call(ctx, AuthAddresses.REVOKE_INVITE, new RevokeInvite(HttpEdge.identity(ctx), code), 200,
        ok -> new io.vertx.core.json.JsonObject().put("invite_code", code).put("revoked", true),
        ok -> audit.record(ctx, HttpEdge.identity(ctx), AuditKind.INVITE_REVOKED, code.length() > 4 ? code.substring(0, 4) + "…" : code, null));
  }

  void removeMember(RoutingContext ctx) {
    edge.call(ctx, AuthAddresses.REMOVE_MEMBER, new RemoveMember(HttpEdge.identity(ctx), ctx.pathParam("userId")), 200, HttpShapes::memberChange,
        (MemberChange c) -> audit.record(ctx, HttpEdge.identity(ctx), AuditKind.MEMBER_REMOVED, c.userId(), null));
  }

  /** {@code {"admin": true|false}}. */
  void setRole(RoutingContext ctx) {
    JsonBody b = JsonBody.of(ctx).only("admin");
    if (!(b.value("admin") instanceof Boolean admin)) {
      throw ErrorCode.INVALID_REQUEST.exception("admin is required: true or false.");
    }
    edge.call(ctx, AuthAddresses.SET_ROLE, new SetRole(HttpEdge.identity(ctx), ctx.pathParam("userId"), admin), 200, HttpShapes::memberChange,
        (MemberChange c) -> {
          if (c.changed()) {
            audit.record(ctx, HttpEdge.identity(ctx), AuditKind.ROLE_CHANGED, c.userId(), new JsonObject().put("role", c.role()));
          }
        });
  }

  void organisations(RoutingContext ctx) {
    edge.call(ctx, AuthAddresses.ORGANISATIONS, new io.agentchat.auth.AuthMessages.ListOrganisations(HttpEdge.identity(ctx)), 200,
        HttpShapes::organisations);
  }

  /** An operator erases an organisation (its usage ledger and audit log stay), recorded in its audit log. */
  void erase(RoutingContext ctx) {
    String tenantId = ctx.pathParam("tenantId");
    Identity op = HttpEdge.identity(ctx);
    edge.call(ctx, AuthAddresses.ERASE_ORGANISATION, new io.agentchat.auth.AuthMessages.EraseOrganisation(op, tenantId), 200,
        t -> new JsonObject().put("tenant_id", tenantId).put("status", "erased"),
        t -> audit.record(ctx, tenantId, op.userId(), op.email(), AuditKind.DELETED, tenantId, null));
  }

  /** An operator downloads one organisation's data as a zip, recorded in its audit log. */
  void export(RoutingContext ctx) {
    String tenantId = ctx.pathParam("tenantId");
    Identity op = HttpEdge.identity(ctx);
    vertx.eventBus().<io.agentchat.report.ReportMessages.Export>request(ReportAddresses.EXPORT,
        new io.agentchat.report.ReportMessages.ExportRequest(op, tenantId), new DeliveryOptions().setSendTimeout(120_000)).onComplete(ar -> {
          if (ar.failed()) {
            HttpEdge.error(ctx, ErrorCode.toAppException(ar.cause()));
            return;
          }
          audit.record(ctx, tenantId, op.userId(), op.email(), AuditKind.EXPORTED, tenantId, null);
          ctx.response().putHeader("Content-Type", "application/zip").putHeader("Cache-Control", "no-store")
              .putHeader("Content-Disposition", "attachment; filename=\"" + tenantId + "-export-" + clock.instant().toString().substring(0, 10) + ".zip\"")
              .end(io.vertx.core.buffer.Buffer.buffer(ar.result().body().zip()));
        });
  }

  /** An operator: {@code {"subscription_tier": "..."}}, recorded in that organisation's audit log. */
  void setPlan(RoutingContext ctx) {
    JsonBody b = JsonBody.of(ctx).only("subscription_tier");
    String tenantId = ctx.pathParam("tenantId");
    Identity op = HttpEdge.identity(ctx);
    edge.call(ctx, AuthAddresses.SET_PLAN, new io.agentchat.auth.AuthMessages.SetPlan(op, tenantId, b.required("subscription_tier")), 200,
        HttpShapes::tenantStatus, (io.agentchat.auth.AuthMessages.TenantStatus t) -> audit.record(ctx, tenantId, op.userId(), op.email(),
            AuditKind.PLAN_CHANGED, tenantId, new JsonObject().put("subscription_tier", t.tier())));
  }

  /** An operator suspends or resumes an organisation, recorded in its audit log. */
  void setSuspended(RoutingContext ctx, boolean suspended) {
    String tenantId = ctx.pathParam("tenantId");
    Identity op = HttpEdge.identity(ctx);
    edge.call(ctx, AuthAddresses.SET_SUSPENDED, new io.agentchat.auth.AuthMessages.SetSuspended(op, tenantId, suspended), 200,
        HttpShapes::tenantStatus, (io.agentchat.auth.AuthMessages.TenantStatus t) -> audit.record(ctx, tenantId, op.userId(), op.email(),
            suspended ? AuditKind.SUSPENDED : AuditKind.RESUMED, tenantId, null));
  }

  void budgets(RoutingContext ctx) {
    edge.call(ctx, MeteringAddresses.BUDGETS, new GetBudgets(HttpEdge.identity(ctx)), 200, HttpShapes::budgets);
  }

  /** {@code {monthly_usd, user_id?}}: the tenant's budget, or a member's; {@code monthly_usd: null} removes it. */
  void setBudget(RoutingContext ctx) {
    JsonBody b = JsonBody.of(ctx).only("monthly_usd", "user_id");
    if (!b.has("monthly_usd")) {
      throw ErrorCode.INVALID_REQUEST.exception("monthly_usd is required: a number of USD, or null to remove the budget.");
    }
    Object user = b.value("user_id");
    if (user != null && !(user instanceof String u && !u.isBlank())) {
      throw ErrorCode.INVALID_REQUEST.exception("user_id must be a string.");
    }
    SetBudget set = new SetBudget(HttpEdge.identity(ctx), (String) user, Budgets.nanosOf(b.value("monthly_usd")));
    edge.call(ctx, MeteringAddresses.SET_BUDGET, set, 200, HttpShapes::budgets, (BudgetList l) -> audit.record(ctx, HttpEdge.identity(ctx),
        AuditKind.BUDGET_CHANGED, user == null ? "tenant" : (String) user, new JsonObject().put("monthly_usd", b.value("monthly_usd"))));
  }

  /**
   * {@code {name, user_id | service_account, expires_at?, monthly_usd?, requests_per_minute?}}: a new API key acting as a
   * member or a service account; its secret is in this answer only.
   */
  void createKey(RoutingContext ctx) {
    JsonBody b = JsonBody.of(ctx).only("name", "user_id", "service_account", "expires_at", "monthly_usd", "requests_per_minute");
    String name = b.required("name");
    Instant expires = null;
    String at = b.optional("expires_at");
    if (at != null) {
      try {
        expires = java.time.OffsetDateTime.parse(at).toInstant();
      } catch (java.time.format.DateTimeParseException e) {
        throw ErrorCode.INVALID_REQUEST.exception("expires_at must be a date and time with its offset, e.g. 2027-01-31T00:00:00Z.");
      }
    }
    Integer rpm = b.wholeNumber("requests_per_minute", 1, 100_000, " (or absent: no rate of its own)");
    long limit = b.value("monthly_usd") == null ? -1 : Budgets.nanosOf(b.value("monthly_usd"));
    CreateKey create = new CreateKey(HttpEdge.identity(ctx), name, b.optional("user_id"), b.optional("service_account"), expires, limit,
        rpm == null ? 0 : rpm);
    edge.call(ctx, ApiKeyAddresses.CREATE, create, 201, HttpShapes::createdKey, (CreatedKey k) -> audit.record(ctx, HttpEdge.identity(ctx),
        AuditKind.API_KEY_CREATED, k.view().key().keyId(), new JsonObject().put("name", k.view().key().name()).put("user_id", k.view().key().userId())));
  }

  void keys(RoutingContext ctx) {
    edge.call(ctx, ApiKeyAddresses.LIST, new ListKeys(HttpEdge.identity(ctx)), 200, HttpShapes::keys);
  }

  void revokeKey(RoutingContext ctx) {
    edge.call(ctx, ApiKeyAddresses.REVOKE, new RevokeKey(HttpEdge.identity(ctx), ctx.pathParam("keyId")), 200, HttpShapes::key,
        (KeyView k) -> audit.record(ctx, HttpEdge.identity(ctx), AuditKind.API_KEY_REVOKED, k.key().keyId(), new JsonObject().put("name", k.key().name())));
  }

  /** A cost report; {@code userId} names the user of the one-user reports. */
  void report(RoutingContext ctx, Kind kind, String userId) {
    Identity id = HttpEdge.identity(ctx);
    ReportQuery query = ReportQuery.parse(ctx.queryParams(), clock);
    vertx.eventBus().<Report>request(ReportAddresses.BUILD, query.request(id, kind, userId),
        new DeliveryOptions().setSendTimeout(HttpEdge.CALL_TIMEOUT_MS)).onComplete(ar -> {
          if (ar.failed()) {
            HttpEdge.error(ctx, ErrorCode.toAppException(ar.cause()));
          } else if (query.csv()) {
            ctx.response().putHeader("Content-Type", "text/csv; charset=utf-8").putHeader("Cache-Control", "no-store")
                .putHeader("Content-Disposition", "attachment; filename=\"" + query.fileName(id.tenantId(), kind) + "\"")
                .end(ReportBuilder.csv(ar.result().body()));
          } else {
            HttpEdge.json(ctx, 200, ar.result().body().json());
          }
        });
  }
}
