package io.agentchat.gateway;

import io.agentchat.auth.AuthAddresses;
import io.agentchat.auth.AuthMessages.AddToGroup;
import io.agentchat.auth.AuthMessages.InviteRequest;
import io.agentchat.auth.AuthMessages.ListMembers;
import io.agentchat.auth.AuthMessages.MyTenants;
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

/** A tenant's administration: invites, members and the admin group, budgets, and the cost reports (JSON or CSV). */
record AdminRoutes(Vertx vertx, HttpEdge edge, Clock clock) {

  void invite(RoutingContext ctx) {
    edge.call(ctx, AuthAddresses.INVITE, new InviteRequest(HttpEdge.identity(ctx)), 201, HttpShapes::invite);
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
    edge.call(ctx, AuthAddresses.ADD_TO_GROUP, add, 200, HttpShapes::groupChange);
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
    edge.call(ctx, MeteringAddresses.SET_BUDGET, set, 200, HttpShapes::budgets);
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
