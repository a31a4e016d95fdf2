package io.agentchat.gateway;

import static io.vertx.core.http.HttpMethod.DELETE;
import static io.vertx.core.http.HttpMethod.GET;
import static io.vertx.core.http.HttpMethod.PATCH;
import static io.vertx.core.http.HttpMethod.POST;
import static io.vertx.core.http.HttpMethod.PUT;

import io.agentchat.App;
import io.agentchat.Services;
import io.agentchat.agent.AgentAddresses;
import io.agentchat.auth.AuthConfig;
import io.agentchat.common.ErrorCode;
import io.agentchat.common.NodeLocal;
import io.agentchat.common.StopBudget;
import io.agentchat.report.ReportMessages.Kind;
import io.agentchat.session.SessionAddresses;
import io.agentchat.session.SessionConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.Transport;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge: the contract's HTTP routes (the table in {@link #routes}), the event-bus bridge for streaming, health,
 * readiness, metrics and the static web client. JSON is turned into message records here and nowhere deeper.
 */
public final class GatewayVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);

  /** Who may call a route. */
  private enum Access { SIGNED_IN, OWN_TENANT, ADMIN, TENANT_ADMIN, OPERATOR, TENANT_ADMIN_OR_OPERATOR }

  private final Services services;
  private final HttpConfig http;
  private final AuthConfig auth;
  private final int maxMessageChars;
  private HttpEdge edge;
  private BridgeGuard guard;
  private ConnectionGuard connections;
  private HttpServer server;

  public GatewayVerticle(Services services, HttpConfig http, AuthConfig auth, SessionConfig session) {
    this.services = services;
    this.http = http;
    this.auth = auth;
    this.maxMessageChars = session.maxMessageChars();
  }

  @Override
  public Future<?> start() {
    boolean[] first = {false};
    GatewayShared shared = NodeLocal.of(vertx, sharedName(), () -> {
      first[0] = true;
      return new GatewayShared(http, services.meters());
    });
    if (first[0]) {
      vertx.setPeriodic(60_000, id -> shared.purge());
    }
    edge = new HttpEdge(vertx, services.tokens(), http.maxBodyBytes());
    connections = new ConnectionGuard(vertx, http, shared);
    BridgeInbound.Addresses inbound = BridgeInbound.Addresses.create();
    guard = new BridgeGuard(vertx, services.tokens(), http.allowedOrigins(), http.publicOrigin(), auth.operatorGroup(),
        http.socketWriteQueueBytes(), http.maxHandlersPerSocket(), inbound, shared);
    AuditTrail audit = new AuditTrail(vertx, services.clock());
    AuthRoutes signIn = new AuthRoutes(edge, auth, services.tiers(), services.signingKeys(), maxMessageChars, shared.signInAttempts, audit);
    BridgeInbound bridge = new BridgeInbound(vertx, inbound, shared.turns, guard);
    ProgramRoutes programs = new ProgramRoutes(vertx, shared.turns, shared.keyRates, services.tiers(), services.clock(), http.chatTimeoutMs(),
        http.socketWriteQueueBytes());
    Router router = routes(signIn, new ChatRoutes(vertx, edge, shared.turns, services.tiers(), services.plans(), services.clock(), http.chatTimeoutMs()),
        new AdminRoutes(vertx, edge, services.clock(), audit), programs, audit, bridge);
    HttpServer created = vertx.createHttpServer(WebSocketEdge.serverOptions(http)).connectionHandler(connections::opened)
        .requestHandler(router);
    // the instances share one listening socket, whose connections Vert.x hands out to them in turn; for a random port
    // they ask for port -1, which Vert.x binds once to a random port for all of them (0 would give each its own)
    int port = http.port() == 0 ? -1 : http.port();
    // a user's sign-ins revoked (on any node): their sockets here close at once when the revocation says so
    var revoked = vertx.eventBus().<JsonObject>consumer(io.agentchat.auth.AuthAddresses.REVOKED, m -> {
      if (m.body().getBoolean("close_sockets", false)) {
        String tenantId = m.body().getString("tenant_id", "");
        String userId = m.body().getString("user_id", "");
        int n = guard.closeSocketsOf(id -> id.tenantId().equals(tenantId) && id.userId().equals(userId));
        if (n > 0) {
          LOG.info("closed {} bridge socket(s) of a revoked user of tenant {}", n, m.body().getString("tenant_id"));
        }
      }
    });
    // an organisation suspended (on any node): its members' sockets here close
    var suspended = vertx.eventBus().<JsonObject>consumer(io.agentchat.tier.Plans.CHANGED, m -> {
      if (m.body().getBoolean("close_sockets", false)) {
        String tenantId = m.body().getString("tenant_id", "");
        guard.closeSocketsOf(id -> id.tenantId().equals(tenantId));
      }
    });
    return bridge.start()
        .compose(v -> revoked.completion())
        .compose(v -> suspended.completion())
        .compose(v -> created.listen(port))
        .onSuccess(s -> {
          server = s;
          vertx.sharedData().getLocalMap(App.RUNTIME).put(App.HTTP_PORT, s.actualPort());
          if (first[0]) {
            LOG.info("listening on http://{}:{} ({} instance{})", http.host(), s.actualPort(), context.getInstanceCount(),
                context.getInstanceCount() == 1 ? "" : "s");
          }
        });
  }

  /** The route table: one line a route. */
  private Router routes(AuthRoutes signIn, ChatRoutes chat, AdminRoutes admin, ProgramRoutes programs, AuditTrail audit, BridgeInbound bridge) {
    Router r = Router.router(vertx);
    r.route().handler(connections::request).handler(HttpEdge::securityHeaders).handler(HttpEdge::framing);
    r.get("/health").handler(ctx -> HttpEdge.json(ctx, 200, new JsonObject().put("status", "up")));
    r.get("/ready").handler(this::ready);
    if (services.meters() instanceof PrometheusMeterRegistry prom) {
      r.get("/metrics").handler(PrometheusScrapingHandler.create(prom));
    }
    if (!auth.cognitoMode()) {
      r.get("/.well-known/jwks.json").handler(signIn::jwks);
    }
    r.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(http.maxBodyBytes())).handler(connections::bodyRead);
    r.get("/api/client-config").handler(signIn::clientConfig);
    r.route("/api/auth/*").handler(signIn::limitAttempts);
    r.route("/api/dev/mailbox/*").handler(signIn::limitAttempts);
    r.post("/api/auth/signup").handler(signIn::signup);
    r.post("/api/auth/confirm").handler(signIn::confirm);
    r.post("/api/auth/login").handler(signIn::login);
    r.post("/api/auth/refresh").handler(signIn::refresh);
    r.post("/api/auth/forgot").handler(signIn::forgotPassword);
    r.post("/api/auth/reset").handler(signIn::resetPassword);
    r.get("/api/dev/mailbox/:email").handler(signIn::mailbox);
    route(r, POST, "/api/auth/logout-everywhere", Access.SIGNED_IN, signIn::logoutEverywhere);
    route(r, POST, "/api/auth/password", Access.SIGNED_IN, signIn::changePassword);
    route(r, GET, "/api/auth/profile", Access.SIGNED_IN, signIn::profile);
    route(r, PUT, "/api/auth/profile", Access.SIGNED_IN, signIn::setProfile);
    route(r, POST, "/api/admin/invites", Access.SIGNED_IN, admin::invite);
    route(r, POST, "/api/sessions", Access.SIGNED_IN, chat::createSession);
    route(r, POST, "/api/chat", Access.SIGNED_IN, chat::chat);
    route(r, GET, "/api/tenants/:tenantId/sessions", Access.OWN_TENANT, chat::listSessions);
    route(r, GET, "/api/tenants/:tenantId/sessions/:sessionId/messages", Access.OWN_TENANT, chat::messages);
    SessionRoutes chats = new SessionRoutes(edge, services.clock());
    route(r, GET, "/api/tenants/:tenantId/sessions/search", Access.OWN_TENANT, chats::search);
    route(r, PATCH, "/api/tenants/:tenantId/sessions/:sessionId", Access.OWN_TENANT, chats::rename);
    route(r, DELETE, "/api/tenants/:tenantId/sessions/:sessionId", Access.OWN_TENANT, chats::delete);
    route(r, POST, "/api/tenants/:tenantId/sessions/:sessionId/close", Access.OWN_TENANT, chats::close);
    route(r, GET, "/api/tenants/:tenantId/turns/:turnId/trace", Access.OWN_TENANT, chat::trace);
    route(r, GET, "/api/tenants/:tenantId/usage", Access.OWN_TENANT, chat::usage);
    route(r, GET, "/api/tenants/:tenantId/subscription", Access.OWN_TENANT, chat::subscription);
    route(r, GET, "/api/tenants/:tenantId/costs", Access.OWN_TENANT, ctx -> admin.report(ctx, Kind.COSTS, null));
    route(r, GET, "/api/tenants/:tenantId/users/:userId/costs", Access.OWN_TENANT, ctx -> admin.report(ctx, Kind.USER_COSTS, ctx.pathParam("userId")));
    route(r, GET, "/api/admin/tenants/:tenantId/overall-cost", Access.OWN_TENANT, ctx -> admin.report(ctx, Kind.OVERALL_COST, null));
    route(r, GET, "/api/admin/tenants/:tenantId/per-user-cost", Access.OWN_TENANT, ctx -> admin.report(ctx, Kind.PER_USER_COST, null));
    route(r, GET, "/api/admin/tenants/:tenantId/per-key-cost", Access.OWN_TENANT, ctx -> admin.report(ctx, Kind.PER_KEY_COST, null));
    route(r, GET, "/api/admin/tenants/:tenantId/service-wise-cost", Access.OWN_TENANT, ctx -> admin.report(ctx, Kind.SERVICE_WISE_COST, null));
    route(r, GET, "/api/admin/tenants/:tenantId/users/:userId/service-cost", Access.OWN_TENANT,
        ctx -> admin.report(ctx, Kind.USER_SERVICE_COST, ctx.pathParam("userId")));
    route(r, GET, "/api/admin/tenants/:tenantId/comprehensive-report", Access.OWN_TENANT, ctx -> admin.report(ctx, Kind.COMPREHENSIVE_REPORT, null));
    route(r, GET, "/api/admin/my-tenants", Access.ADMIN, admin::myTenants);
    route(r, POST, "/api/admin/add-to-group", Access.ADMIN, admin::addToGroup);
    route(r, GET, "/api/admin/tenants/:tenantId/members", Access.TENANT_ADMIN, admin::members);
    route(r, DELETE, "/api/admin/tenants/:tenantId/members/:userId", Access.TENANT_ADMIN, admin::removeMember);
    route(r, GET, "/api/admin/tenants/:tenantId/invites", Access.TENANT_ADMIN, admin::invites);
    route(r, DELETE, "/api/admin/tenants/:tenantId/invites/:code", Access.TENANT_ADMIN, admin::revokeInvite);
    route(r, GET, "/api/admin/tenants/:tenantId/audit", Access.TENANT_ADMIN_OR_OPERATOR, audit::read);
    route(r, PUT, "/api/admin/tenants/:tenantId/members/:userId/role", Access.TENANT_ADMIN, admin::setRole);
    route(r, GET, "/api/admin/tenants/:tenantId/budgets", Access.TENANT_ADMIN, admin::budgets);
    route(r, PUT, "/api/admin/tenants/:tenantId/budgets", Access.TENANT_ADMIN, admin::setBudget);
    route(r, POST, "/api/admin/tenants/:tenantId/api-keys", Access.TENANT_ADMIN, admin::createKey);
    route(r, GET, "/api/admin/tenants/:tenantId/api-keys", Access.TENANT_ADMIN, admin::keys);
    route(r, DELETE, "/api/admin/tenants/:tenantId/api-keys/:keyId", Access.TENANT_ADMIN, admin::revokeKey);
    route(r, GET, "/api/operator/tenants", Access.OPERATOR, admin::organisations);
    route(r, GET, "/api/operator/tenants/:tenantId/export", Access.OPERATOR, admin::export);
    route(r, DELETE, "/api/operator/tenants/:tenantId", Access.OPERATOR, admin::erase);
    route(r, PUT, "/api/operator/tenants/:tenantId/plan", Access.OPERATOR, admin::setPlan);
    route(r, POST, "/api/operator/tenants/:tenantId/suspend", Access.OPERATOR, ctx -> admin.setSuspended(ctx, true));
    route(r, POST, "/api/operator/tenants/:tenantId/resume", Access.OPERATOR, ctx -> admin.setSuspended(ctx, false));
    r.route("/api/*").handler(HttpEdge::noSuchRoute);
    // programs: the OpenAI-compatible surface, with API keys and OpenAI's error shape
    r.route("/v1/*").handler(BodyHandler.create(false).setBodyLimit(http.maxCompletionBodyBytes())).handler(connections::bodyRead);
    r.post("/v1/chat/completions").handler(programs::authenticate).handler(programs::completions);
    r.get("/v1/models").handler(programs::authenticate).handler(programs::models);
    r.get("/v1/models/:model").handler(programs::authenticate).handler(programs::model);
    r.route("/v1/*").handler(ProgramRoutes::noSuchRoute);
    r.route("/v1/*").failureHandler(ctx -> ProgramRoutes.error(ctx, ctx.statusCode() == 413
        ? ErrorCode.PAYLOAD_TOO_LARGE.exception("The request body is larger than " + http.maxCompletionBodyBytes() + " bytes.")
        : edge.failureOf(ctx)));
    r.get("/eventbus/websocket").handler(ctx -> WebSocketEdge.guardUpgrade(ctx, http.maxFrameBytes()));
    // WebSocket only: the HTTP fallback transports (XHR, JSONP, EventSource, HTML file) would need their own body handling
    // and per-frame authentication, and the web client does not use them
    SockJSHandlerOptions sockJs = new SockJSHandlerOptions().setRegisterWriteHandler(false);
    for (Transport t : List.of(Transport.XHR, Transport.JSON_P, Transport.EVENT_SOURCE, Transport.HTML_FILE)) {
      sockJs.addDisabledTransport(t.name());
    }
    r.route("/eventbus/*").subRouter(SockJSHandler.create(vertx, sockJs).bridge(bridge.options(http), guard::handle));
    // the client's files carry no version in their names: browsers must revalidate them (ETag / Last-Modified) on every load
    r.route("/*").handler(ctx -> {
      ctx.addHeadersEndHandler(v -> ctx.response().headers().set("Cache-Control", "no-cache"));
      ctx.next();
    }).handler(StaticHandler.create("webroot").setIndexPage("index.html"));
    r.route().failureHandler(edge::failure);
    return r;
  }

  /** An authenticated route: the token verified, then the tenant in the path and the admin role checked as {@code access} asks. */
  private void route(Router r, HttpMethod method, String path, Access access, Handler<RoutingContext> handler) {
    Route route = r.route(method, path).handler(edge::authenticate);
    if (access == Access.TENANT_ADMIN_OR_OPERATOR) {
      // an operator reads any organisation's; anyone else only their own, as its admin
      route.handler(ctx -> {
        if (HttpEdge.identity(ctx).operator(auth.operatorGroup())) {
          ctx.next();
        } else {
          HttpEdge.ownTenant(ctx);
        }
      }).handler(ctx -> {
        if (HttpEdge.identity(ctx).operator(auth.operatorGroup())) {
          ctx.next();
        } else {
          HttpEdge.adminOnly(ctx);
        }
      });
    }
    if (access == Access.OWN_TENANT || access == Access.TENANT_ADMIN) {
      route.handler(HttpEdge::ownTenant);
    }
    if (access == Access.ADMIN || access == Access.TENANT_ADMIN) {
      route.handler(HttpEdge::adminOnly);
    }
    if (access == Access.OPERATOR) {
      route.handler(ctx -> {
        if (!HttpEdge.identity(ctx).operator(auth.operatorGroup())) {
          HttpEdge.error(ctx, ErrorCode.FORBIDDEN.exception("Only the platform's operators can do this."));
          return;
        }
        ctx.next();
      });
    }
    route.handler(handler);
  }

  private void ready(RoutingContext ctx) {
    Future<Void> store = services.store().ping();
    Future<Message<JsonObject>> agent = vertx.eventBus().request(AgentAddresses.READY, "", new DeliveryOptions().setSendTimeout(5000));
    Future.join(store, agent).onComplete(ar -> {
      JsonObject body = new JsonObject()
          .put("store", store.succeeded() ? "up" : "down")
          .put("agent", agent.succeeded() ? agent.result().body() : new JsonObject().put("state", "down"));
      body.put("status", ar.succeeded() ? "ready" : "not_ready");
      HttpEdge.json(ctx, ar.succeeded() ? 200 : 503, body);
    });
  }

  /**
   * A clean stop: no new connections from the first moment; the sessions stop and settle their turns while the bridge
   * sockets are still open, so every client hears how its turns ended ({@code done} with the usage metered); then the
   * sockets are closed. HTTP requests in flight get their responses.
   */
  /** The name of what this deployment's instances share on the node. */
  private String sharedName() {
    return "gateway." + deploymentID();
  }

  @Override
  public Future<?> stop() {
    NodeLocal.release(vertx, sharedName());
    if (server == null) {
      return Future.succeededFuture();
    }
    Future<Void> closed = server.shutdown(StopBudget.HTTP_SHUTDOWN.toMillis(), TimeUnit.MILLISECONDS);
    vertx.eventBus().request(SessionAddresses.DRAIN, "", new DeliveryOptions().setSendTimeout(StopBudget.SESSION_DRAIN.toMillis()))
        .onComplete(ar -> {
          if (ar.failed()) {
            LOG.warn("sessions did not drain: {}", ar.cause().toString());
          }
          // the sessions' last frames are published on the event bus; give the bridge a moment to write them out
          if (guard.openSockets() > 0) {
            vertx.setTimer(StopBudget.LAST_FRAMES.toMillis(), id -> guard.closeAll());
          }
        });
    return closed;
  }
}
