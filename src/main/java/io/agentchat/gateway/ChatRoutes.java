package io.agentchat.gateway;

import io.agentchat.common.AppException;
import io.agentchat.common.ErrorCode;
import io.agentchat.common.Identity;
import io.agentchat.common.Ids;
import io.agentchat.metering.MeteringAddresses;
import io.agentchat.metering.MeteringMessages.QuotaQuery;
import io.agentchat.metering.MeteringMessages.UsageReport;
import io.agentchat.session.SessionAddresses;
import io.agentchat.session.SessionMessages.ChatTurn;
import io.agentchat.session.SessionMessages.ConnectionClosed;
import io.agentchat.session.SessionMessages.CreateSession;
import io.agentchat.session.SessionMessages.GetMessages;
import io.agentchat.session.SessionMessages.GetTrace;
import io.agentchat.session.SessionMessages.ListSessions;
import io.agentchat.session.SessionMessages.SessionList;
import io.agentchat.session.SessionMessages.TurnResult;
import io.agentchat.store.SessionRecord;
import io.agentchat.tier.Tier;
import io.agentchat.tier.TierCatalog;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;

/** Chat sessions, the whole-reply chat turn, a turn's trace, the caller's usage and plan. */
record ChatRoutes(Vertx vertx, HttpEdge edge, TurnRate rate, TierCatalog tiers, io.agentchat.tier.Plans plans, Clock clock, long chatTimeoutMs) {

  void createSession(RoutingContext ctx) {
    edge.call(ctx, SessionAddresses.CREATE, new CreateSession(HttpEdge.identity(ctx)), 201,
        (SessionRecord s) -> HttpShapes.session(s, clock.instant()));
  }

  void listSessions(RoutingContext ctx) {
    edge.call(ctx, SessionAddresses.LIST, new ListSessions(HttpEdge.identity(ctx)), 200,
        (SessionList l) -> HttpShapes.sessions(l, clock.instant()));
  }

  void messages(RoutingContext ctx) {
    edge.call(ctx, SessionAddresses.MESSAGES, new GetMessages(HttpEdge.identity(ctx), ctx.pathParam("sessionId")), 200, HttpShapes::messages);
  }

  void trace(RoutingContext ctx) {
    edge.call(ctx, SessionAddresses.TRACE, new GetTrace(HttpEdge.identity(ctx), ctx.pathParam("turnId")), 200, HttpShapes::trace);
  }

  void usage(RoutingContext ctx) {
    Identity id = HttpEdge.identity(ctx);
    edge.call(ctx, MeteringAddresses.USAGE, new QuotaQuery(id), 200, (UsageReport u) -> HttpShapes.usage(id, u));
  }

  void subscription(RoutingContext ctx) {
    Identity id = HttpEdge.identity(ctx);
    Tier tier = tiers.require(id.tier());
    // the organisation's current plan (a token's claim may be older) and whether it is suspended
    io.agentchat.tier.Plans.Plan p = plans.known(id.tenantId());
    HttpEdge.json(ctx, 200, new JsonObject().put("tenant_id", id.tenantId()).put("tier", tier.name()).put("limits", tier.toJson())
        .put("status", p != null && p.suspended() ? "suspended" : "active"));
  }

  /** One turn answered with the whole reply; the request's connection closing stops the turn like a closed socket. */
  void chat(RoutingContext ctx) {
    JsonBody b = JsonBody.of(ctx);
    String message = b.optional("message");
    if (message == null) {
      throw ErrorCode.INVALID_REQUEST.exception("message is required.");
    }
    AppException limited = rate.check(HttpEdge.identity(ctx));
    if (limited != null) {
      ctx.response().putHeader("Retry-After", "1");
      HttpEdge.error(ctx, limited);
      return;
    }
    String connectionId = "http-" + Ids.uuid();
    ctx.response().closeHandler(v -> {
      if (!ctx.response().ended()) {
        vertx.eventBus().publish(SessionAddresses.CONNECTION_CLOSED, new ConnectionClosed(connectionId));
      }
    });
    ChatTurn turn = new ChatTurn(HttpEdge.identity(ctx), b.optional("session_id"), message, b.optional("request_id"), connectionId, true,
        null, b.optional("replaces_turn_id"));
    edge.call(ctx, SessionAddresses.TURN, turn, 200, (TurnResult r) -> HttpShapes.turn(r), chatTimeoutMs);
  }
}
