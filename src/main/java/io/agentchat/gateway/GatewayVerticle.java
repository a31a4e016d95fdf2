package io.agentchat.gateway;

import io.agentchat.App;
import io.agentchat.Services;
import io.agentchat.agent.AgentAddresses;
import io.agentchat.auth.AuthAddresses;
import io.agentchat.auth.AuthMessages.Confirm;
import io.agentchat.auth.AuthMessages.Invite;
import io.agentchat.auth.AuthMessages.InviteRequest;
import io.agentchat.auth.AuthMessages.Login;
import io.agentchat.auth.AuthMessages.Mailbox;
import io.agentchat.auth.AuthMessages.Refresh;
import io.agentchat.auth.AuthMessages.Signup;
import io.agentchat.auth.AuthMessages.SignupResult;
import io.agentchat.auth.AuthMessages.Tokens;
import io.agentchat.common.AppException;
import io.agentchat.common.ClientAddresses;
import io.agentchat.common.ErrorCode;
import io.agentchat.common.Identity;
import io.agentchat.common.Ids;
import io.agentchat.common.StopBudget;
import io.agentchat.auth.AuthConfig;
import io.agentchat.session.SessionConfig;
import io.agentchat.metering.MeteringAddresses;
import io.agentchat.metering.MeteringMessages.QuotaQuery;
import io.agentchat.metering.MeteringMessages.UsageReport;
import io.agentchat.metering.Pricing;
import io.agentchat.report.ReportAddresses;
import io.agentchat.report.ReportBuilder;
import io.agentchat.report.ReportMessages.AdminRequest;
import io.agentchat.report.ReportMessages.Kind;
import io.agentchat.report.ReportMessages.Report;
import io.agentchat.report.ReportMessages.ReportRequest;
import io.agentchat.session.SessionAddresses;
import io.agentchat.session.SessionMessages.CancelTurn;
import io.agentchat.session.SessionMessages.ChatTurn;
import io.agentchat.session.SessionMessages.CreateSession;
import io.agentchat.session.SessionMessages.GetMessages;
import io.agentchat.session.SessionMessages.GetTrace;
import io.agentchat.session.SessionMessages.TraceList;
import io.agentchat.session.SessionMessages.ListSessions;
import io.agentchat.session.SessionMessages.MessageList;
import io.agentchat.session.SessionMessages.OriginClosed;
import io.agentchat.session.SessionMessages.SessionList;
import io.agentchat.session.SessionMessages.TurnAccepted;
import io.agentchat.session.SessionMessages.TurnResult;
import io.agentchat.store.SessionRecord;
import io.agentchat.tier.Tier;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge: REST routes of the contract, the event-bus bridge for streaming, health, readiness, metrics and the static
 * web client. JSON is turned into message records here and nowhere deeper.
 */
public final class GatewayVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);
  private static final String IDENTITY = "identity";
  private static final DeliveryOptions CALL = new DeliveryOptions().setSendTimeout(30_000);
  private final Services services;
  private final HttpConfig http;
  private boolean devMailbox;
  private final int maxMessageChars;
  private String authProvider;
  private BridgeGuard guard;
  private RateLimiter authAttempts;
  private RateLimiter userTurns;
  private RateLimiter tenantTurns;
  private HttpServer server;

  private final AuthConfig auth;

  public GatewayVerticle(Services services, HttpConfig http, AuthConfig auth, SessionConfig session) {
    this.services = services;
    this.http = http;
    this.auth = auth;
    this.maxMessageChars = session.maxMessageChars();
  }

  @Override
  public Future<?> start() {
    devMailbox = auth.local().devMailbox() && !auth.cognitoMode();
    authProvider = auth.provider();
    guard = new BridgeGuard(vertx, services.tokens(), http.allowedOrigins(), auth.operatorGroup(), http.socketWriteQueueBytes());
    authAttempts = new RateLimiter(http.authAttemptsPerMinute());
    userTurns = new RateLimiter(http.turnsPerUserPerMinute());
    tenantTurns = new RateLimiter(http.turnsPerTenantPerMinute());
    vertx.setPeriodic(60_000, id -> {
      authAttempts.purge();
      userTurns.purge();
      tenantTurns.purge();
    });
    Gauge.builder("agentchat.bridge.sockets", guard, BridgeGuard::openSockets).register(services.meters());
    io.micrometer.core.instrument.FunctionCounter.builder("agentchat.bridge.slow.closed", guard, BridgeGuard::slowClosed)
        .register(services.meters());

    Router router = Router.router(vertx);
    router.route().handler(this::securityHeaders);
    router.get("/health").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "up")));
    router.get("/ready").handler(this::ready);
    if (services.meters() instanceof PrometheusMeterRegistry prom) {
      router.get("/metrics").handler(PrometheusScrapingHandler.create(prom));
    }
    if (!auth.cognitoMode()) {
      // the embedded provider's keys; in Cognito mode the pool publishes its own
      router.get("/.well-known/jwks.json").handler(ctx -> json(ctx, 200, services.signingKeys().jwks()));
    }

    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(http.maxBodyBytes()));
    router.get("/api/client-config").handler(this::clientConfig);
    router.route("/api/auth/*").handler(this::limitAuthAttempts);
    router.route("/api/dev/mailbox/*").handler(this::limitAuthAttempts);
    router.post("/api/auth/signup").handler(this::signup);
    router.post("/api/auth/confirm").handler(ctx -> call(ctx, AuthAddresses.CONFIRM, confirm(ctx), 200, ok -> new JsonObject().put("confirmed", true)));
    router.post("/api/auth/login").handler(ctx -> {
      JsonBody b = JsonBody.of(ctx);
      call(ctx, AuthAddresses.LOGIN, new Login(b.required("email"), b.required("password")), 200, GatewayVerticle::tokens);
    });
    router.post("/api/auth/refresh").handler(ctx ->
        call(ctx, AuthAddresses.REFRESH, new Refresh(JsonBody.of(ctx).required("refresh_token")), 200, GatewayVerticle::tokens));
    router.get("/api/dev/mailbox/:email").handler(this::mailbox);

    router.post("/api/admin/invites").handler(this::authenticate).handler(ctx ->
        call(ctx, AuthAddresses.INVITE, new InviteRequest(identity(ctx)), 201,
            (Invite i) -> new JsonObject().put("invite_code", i.code()).put("expires_at", i.expiresAt().toString())));
    router.post("/api/sessions").handler(this::authenticate).handler(ctx ->
        call(ctx, SessionAddresses.CREATE, new CreateSession(identity(ctx)), 201, (SessionRecord s) -> Frames.session(s, Instant.now())));
    router.post("/api/chat").handler(this::authenticate).handler(this::chat);
    router.get("/api/tenants/:tenantId/sessions").handler(this::authenticate).handler(this::ownTenant).handler(ctx ->
        call(ctx, SessionAddresses.LIST, new ListSessions(identity(ctx)), 200, (SessionList l) -> {
          Instant now = Instant.now();
          return new JsonObject().put("sessions", new JsonArray(l.sessions().stream().map(s -> Frames.session(s, now)).toList()));
        }));
    router.get("/api/tenants/:tenantId/sessions/:sessionId/messages").handler(this::authenticate).handler(this::ownTenant).handler(ctx ->
        call(ctx, SessionAddresses.MESSAGES, new GetMessages(identity(ctx), ctx.pathParam("sessionId")), 200, (MessageList l) ->
            new JsonObject().put("session_id", l.sessionId()).put("messages", new JsonArray(l.messages().stream().map(Frames::message).toList()))));
    router.get("/api/tenants/:tenantId/turns/:turnId/trace").handler(this::authenticate).handler(this::ownTenant).handler(ctx ->
        call(ctx, SessionAddresses.TRACE, new GetTrace(identity(ctx), ctx.pathParam("turnId")), 200, (TraceList t) -> new JsonObject()
            .put("turn_id", t.turnId()).put("session_id", t.sessionId()).put("status", t.status()).put("steps", new JsonArray(t.steps()))));
    router.get("/api/tenants/:tenantId/usage").handler(this::authenticate).handler(this::ownTenant).handler(ctx -> {
      Identity id = identity(ctx);
      call(ctx, MeteringAddresses.USAGE, new QuotaQuery(id), 200, (UsageReport u) -> Frames.quota(u.quota())
          .put("tenant_id", id.tenantId()).put("user_id", id.userId()).put("tier", id.tier())
          .put("month", new JsonObject().put("month", u.month()).put("input_tokens", u.inputTokens()).put("output_tokens", u.outputTokens())
              .put("cost_usd", Pricing.usd(u.costNanos()))));
    });
    router.get("/api/tenants/:tenantId/subscription").handler(this::authenticate).handler(this::ownTenant).handler(ctx -> {
      Identity id = identity(ctx);
      Tier tier = services.tiers().require(id.tier());
      json(ctx, 200, new JsonObject().put("tenant_id", id.tenantId()).put("tier", tier.name()).put("limits", tier.toJson()));
    });
    router.get("/api/tenants/:tenantId/costs").handler(this::authenticate).handler(this::ownTenant)
        .handler(ctx -> report(ctx, Kind.COSTS, null));
    router.get("/api/tenants/:tenantId/users/:userId/costs").handler(this::authenticate).handler(this::ownTenant)
        .handler(ctx -> report(ctx, Kind.USER_COSTS, ctx.pathParam("userId")));
    router.get("/api/admin/tenants/:tenantId/overall-cost").handler(this::authenticate).handler(this::ownTenant)
        .handler(ctx -> report(ctx, Kind.OVERALL_COST, null));
    router.get("/api/admin/tenants/:tenantId/per-user-cost").handler(this::authenticate).handler(this::ownTenant)
        .handler(ctx -> report(ctx, Kind.PER_USER_COST, null));
    router.get("/api/admin/tenants/:tenantId/service-wise-cost").handler(this::authenticate).handler(this::ownTenant)
        .handler(ctx -> report(ctx, Kind.SERVICE_WISE_COST, null));
    router.get("/api/admin/tenants/:tenantId/users/:userId/service-cost").handler(this::authenticate).handler(this::ownTenant)
        .handler(ctx -> report(ctx, Kind.USER_SERVICE_COST, ctx.pathParam("userId")));
    router.get("/api/admin/tenants/:tenantId/comprehensive-report").handler(this::authenticate).handler(this::ownTenant)
        .handler(ctx -> report(ctx, Kind.COMPREHENSIVE_REPORT, null));
    router.get("/api/admin/my-tenants").handler(this::authenticate).handler(ctx ->
        call(ctx, ReportAddresses.MY_TENANTS, new AdminRequest(identity(ctx), new JsonObject()), 200, (JsonObject j) -> j));
    String addToGroup = auth.cognitoMode() ? AuthAddresses.ADD_TO_GROUP : ReportAddresses.ADD_TO_GROUP;
    router.post("/api/admin/add-to-group").handler(this::authenticate).handler(ctx ->
        call(ctx, addToGroup, new AdminRequest(identity(ctx), JsonBody.object(ctx)), 200, (JsonObject j) -> j));
    router.get("/api/admin/tenants/:tenantId/members").handler(this::authenticate).handler(this::ownTenant).handler(ctx ->
        call(ctx, ReportAddresses.MEMBERS, new AdminRequest(identity(ctx), new JsonObject()), 200, (JsonObject j) -> j));
    router.get("/api/admin/tenants/:tenantId/budgets").handler(this::authenticate).handler(this::ownTenant).handler(ctx ->
        call(ctx, ReportAddresses.BUDGETS, new AdminRequest(identity(ctx), new JsonObject()), 200, (JsonObject j) -> j));
    router.put("/api/admin/tenants/:tenantId/budgets").handler(this::authenticate).handler(this::ownTenant).handler(ctx ->
        call(ctx, ReportAddresses.SET_BUDGET, new AdminRequest(identity(ctx), JsonBody.object(ctx)), 200, (JsonObject j) -> j));
    router.route("/api/*").handler(ctx -> error(ctx, ErrorCode.NOT_FOUND.exception("No such API route: " + ctx.request().method() + " " + ctx.request().path())));

    SockJSBridgeOptions bridge = new SockJSBridgeOptions()
        .addInboundPermitted(new PermittedOptions().setAddress(ClientAddresses.CHAT_SEND))
        .addInboundPermitted(new PermittedOptions().setAddress(ClientAddresses.CHAT_CANCEL))
        .addOutboundPermitted(new PermittedOptions().setAddressRegex("client\\.[a-z][a-z0-9-]{2,39}\\.[A-Za-z0-9-]{1,64}"))
        .addOutboundPermitted(new PermittedOptions().setAddressRegex("monitor\\.[a-z][a-z0-9-]{2,39}"))
        .setMaxAddressLength(128)
        .setMaxHandlersPerSocket(http.maxHandlersPerSocket())
        .setPingTimeout(http.pingTimeoutMs())
        .setReplyTimeout(60_000);
    router.get("/eventbus/websocket").handler(ctx -> WebSocketEdge.guardUpgrade(ctx, http.maxFrameBytes()));
    router.route("/eventbus/*").subRouter(SockJSHandler.create(vertx, new SockJSHandlerOptions().setRegisterWriteHandler(false))
        .bridge(bridge, guard::handle));

    // the client's files carry no version in their names: browsers must revalidate them (ETag / Last-Modified) on every load
    router.route("/*").handler(ctx -> {
      ctx.addHeadersEndHandler(v -> ctx.response().headers().set("Cache-Control", "no-cache"));
      ctx.next();
    }).handler(StaticHandler.create("webroot").setIndexPage("index.html"));
    router.route().failureHandler(this::failure);

    EventBus bus = vertx.eventBus();
    var send = bus.<Object>localConsumer(ClientAddresses.CHAT_SEND, this::bridgeChat);
    var cancel = bus.<Object>localConsumer(ClientAddresses.CHAT_CANCEL, this::bridgeCancel);
    return Future.join(send.completion(), cancel.completion())
        .compose(v -> vertx.createHttpServer(WebSocketEdge.serverOptions(http)).requestHandler(router).listen())
        .onSuccess(s -> {
          server = s;
          vertx.sharedData().getLocalMap(App.RUNTIME).put(App.HTTP_PORT, s.actualPort());
          LOG.info("listening on http://127.0.0.1:{}", s.actualPort());
        });
  }

  // ---------------------------------------------------------------- plumbing

  private void securityHeaders(RoutingContext ctx) {
    ctx.response().putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    ctx.next();
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-store").end(body.encode());
  }

  static void error(RoutingContext ctx, AppException e) {
    json(ctx, e.code().status(), e.toJson());
  }

  private void failure(RoutingContext ctx) {
    Throwable t = ctx.failure();
    AppException e;
    if (t instanceof AppException a) {
      e = a;
    } else if (ctx.statusCode() == 413) {
      e = ErrorCode.PAYLOAD_TOO_LARGE.exception("The request body is larger than " + http.maxBodyBytes() + " bytes.");
    } else if (ctx.statusCode() == 404) {
      e = ErrorCode.NOT_FOUND.exception("Not found.");
    } else if (ctx.statusCode() == 405) {
      e = ErrorCode.METHOD_NOT_ALLOWED.exception("Method not allowed.");
    } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      e = ErrorCode.INVALID_REQUEST.exception("The request could not be read.");
    } else {
      LOG.error("request {} {} failed", ctx.request().method(), ctx.request().path(), t);
      e = ErrorCode.INTERNAL.exception("Something went wrong on our side; please try again.");
    }
    error(ctx, e);
  }

  /** Sends a request on the event bus and maps the reply (or its failure) to the HTTP response. */
  private <T> void call(RoutingContext ctx, String address, Object body, int status, Function<T, JsonObject> map) {
    call(ctx, address, body, status, map, CALL);
  }

  private <T> void call(RoutingContext ctx, String address, Object body, int status, Function<T, JsonObject> map, DeliveryOptions opts) {
    vertx.eventBus().<T>request(address, body, opts).onComplete(ar -> {
      if (ar.succeeded()) {
        json(ctx, status, map.apply(ar.result().body()));
      } else {
        error(ctx, ErrorCode.toAppException(ar.cause()));
      }
    });
  }

  private static JsonObject tokens(Tokens t) {
    return new JsonObject().put("id_token", t.idToken()).put("access_token", t.accessToken()).put("refresh_token", t.refreshToken())
        .put("expires_in", t.expiresIn()).put("token_type", "Bearer");
  }

  private void authenticate(RoutingContext ctx) {
    String h = ctx.request().getHeader("Authorization");
    String token = h != null && h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).trim() : null;
    services.tokens().verify(token).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.put(IDENTITY, ar.result());
        ctx.next();
      } else {
        ctx.response().putHeader("WWW-Authenticate", "Bearer");
        error(ctx, ErrorCode.toAppException(ar.cause()));
      }
    });
  }

  private static Identity identity(RoutingContext ctx) {
    return ctx.get(IDENTITY);
  }

  /** A tenant in the path that is not the token's: 404, never 403 and never data. */
  private void ownTenant(RoutingContext ctx) {
    if (!identity(ctx).tenantId().equals(ctx.pathParam("tenantId"))) {
      error(ctx, ErrorCode.NOT_FOUND.exception("Not found."));
      return;
    }
    ctx.next();
  }

  // ---------------------------------------------------------------- handlers

  /** Sign-up, login, confirmation and refresh attempts per client address (credential stuffing, code guessing). */
  private void limitAuthAttempts(RoutingContext ctx) {
    String ip = ctx.request().remoteAddress() == null ? "?" : ctx.request().remoteAddress().host();
    if (!authAttempts.allow(ip)) {
      ctx.response().putHeader("Retry-After", String.valueOf(authAttempts.retryAfterSeconds(ip)));
      error(ctx, ErrorCode.RATE_LIMITED.exception("Too many attempts from your address; wait a minute and try again."));
      return;
    }
    ctx.next();
  }

  /** Turns per user and per tenant; null when allowed, else the refusal. */
  private AppException turnRate(Identity id) {
    String user = id.tenantId() + "/" + id.userId();
    if (!userTurns.allow(user)) {
      return ErrorCode.RATE_LIMITED.exception("You are sending messages too quickly; wait " + userTurns.retryAfterSeconds(user) + " s.");
    }
    if (!tenantTurns.allow(id.tenantId())) {
      return ErrorCode.RATE_LIMITED.exception("Your organisation is sending messages too quickly; wait a moment.");
    }
    return null;
  }

  private void clientConfig(RoutingContext ctx) {
    JsonObject tiers = new JsonObject();
    services.tiers().all().values().stream().sorted((a, b) -> Integer.compare(a.dailyMessages(), b.dailyMessages()))
        .forEach(t -> tiers.put(t.name(), t.toJson()));
    json(ctx, 200, new JsonObject().put("auth_provider", authProvider).put("dev_mailbox", devMailbox)
        .put("max_message_chars", maxMessageChars).put("tiers", tiers));
  }

  private void signup(RoutingContext ctx) {
    JsonBody b = JsonBody.of(ctx);
    Signup s = new Signup(b.required("email"), b.required("password"), b.required("tenant_id"), b.optional("subscription_tier"),
        b.bool("admin"), b.optional("invite_code"));
    call(ctx, AuthAddresses.SIGNUP, s, 201, (SignupResult r) -> new JsonObject().put("user_id", r.userId())
        .put("confirmation_required", r.confirmationRequired()).put("tenant_created", r.tenantCreated()));
  }

  private static Confirm confirm(RoutingContext ctx) {
    JsonBody b = JsonBody.of(ctx);
    return new Confirm(b.required("email"), b.required("code"));
  }

  private void mailbox(RoutingContext ctx) {
    if (!devMailbox) {
      error(ctx, ErrorCode.NOT_FOUND.exception("Not found."));
      return;
    }
    call(ctx, AuthAddresses.MAILBOX, new Mailbox(ctx.pathParam("email")), 200, (String code) -> new JsonObject().put("code", code));
  }

  private void chat(RoutingContext ctx) {
    JsonBody b = JsonBody.of(ctx);
    String message = b.optional("message");
    if (message == null) {
      throw ErrorCode.INVALID_REQUEST.exception("message is required.");
    }
    AppException limited = turnRate(identity(ctx));
    if (limited != null) {
      ctx.response().putHeader("Retry-After", "1");
      error(ctx, limited);
      return;
    }
    String origin = "http-" + Ids.uuid();
    ctx.response().closeHandler(v -> {
      if (!ctx.response().ended()) {
        vertx.eventBus().publish(SessionAddresses.ORIGIN_CLOSED, new OriginClosed(origin));
      }
    });
    ChatTurn turn = new ChatTurn(identity(ctx), b.optional("session_id"), message, b.optional("request_id"), origin, true);
    call(ctx, SessionAddresses.TURN, turn, 200, (TurnResult r) -> Frames.turn(r), new DeliveryOptions().setSendTimeout(http.chatTimeoutMs()));
  }

  /** A cost report: ?from=YYYY-MM-DD&to=YYYY-MM-DD (default: this month so far), ?granularity=day|week|month, ?format=json|csv. */
  private void report(RoutingContext ctx, Kind kind, String userId) {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    LocalDate from;
    LocalDate to;
    try {
      from = ctx.queryParams().contains("from") ? LocalDate.parse(ctx.queryParams().get("from")) : today.withDayOfMonth(1);
      to = ctx.queryParams().contains("to") ? LocalDate.parse(ctx.queryParams().get("to")) : today;
    } catch (DateTimeParseException e) {
      throw ErrorCode.INVALID_REQUEST.exception("from and to are dates like 2026-11-01.");
    }
    if (to.isBefore(from) || from.plusDays(366).isBefore(to)) {
      throw ErrorCode.INVALID_REQUEST.exception("The range must run forwards and span at most 366 days.");
    }
    String granularity = ctx.queryParams().get("granularity") == null ? "day" : ctx.queryParams().get("granularity");
    if (!List.of("day", "week", "month").contains(granularity)) {
      throw ErrorCode.INVALID_REQUEST.exception("granularity is day, week or month.");
    }
    String format = ctx.queryParams().get("format") == null ? "json" : ctx.queryParams().get("format");
    if (!format.equals("json") && !format.equals("csv")) {
      throw ErrorCode.INVALID_REQUEST.exception("format is json or csv.");
    }
    ReportRequest req = new ReportRequest(identity(ctx), kind, userId, from, to, granularity);
    vertx.eventBus().<Report>request(ReportAddresses.BUILD, req, CALL).onComplete(ar -> {
      if (ar.failed()) {
        error(ctx, ErrorCode.toAppException(ar.cause()));
      } else if (format.equals("csv")) {
        String name = ctx.pathParam("tenantId") + "-" + kind.name().toLowerCase().replace('_', '-') + "-" + from + "-" + to + ".csv";
        ctx.response().putHeader("Content-Type", "text/csv; charset=utf-8").putHeader("Cache-Control", "no-store")
            .putHeader("Content-Disposition", "attachment; filename=\"" + name + "\"").end(ReportBuilder.csv(ar.result().body()));
      } else {
        json(ctx, 200, ar.result().body().json());
      }
    });
  }

  private void ready(RoutingContext ctx) {
    Future<Void> store = services.store().ping();
    Future<Message<JsonObject>> agent = vertx.eventBus().request(AgentAddresses.READY, "", new DeliveryOptions().setSendTimeout(5000));
    Future.join(store, agent).onComplete(ar -> {
      JsonObject body = new JsonObject()
          .put("store", store.succeeded() ? "up" : "down")
          .put("agent", agent.succeeded() ? agent.result().body() : new JsonObject().put("state", "down"));
      body.put("status", ar.succeeded() ? "ready" : "not_ready");
      json(ctx, ar.succeeded() ? 200 : 503, body);
    });
  }

  // ---------------------------------------------------------------- bridge inbound

  private void bridgeChat(Message<Object> msg) {
    try {
      Identity id = BridgeGuard.identity(msg.headers());
      JsonBody b = JsonBody.of(msg.body());
      String message = b.optional("message");
      if (message == null) {
        throw ErrorCode.INVALID_REQUEST.exception("message is required.");
      }
      AppException limited = turnRate(id);
      if (limited != null) {
        throw limited;
      }
      ChatTurn turn = new ChatTurn(id, b.optional("session_id"), message, b.optional("request_id"), msg.headers().get(BridgeGuard.H_ORIGIN), false);
      vertx.eventBus().<TurnAccepted>request(SessionAddresses.TURN, turn, CALL).onComplete(ar -> {
        if (ar.succeeded()) {
          TurnAccepted a = ar.result().body();
          msg.reply(new JsonObject().put("accepted", true).put("turn_id", a.turnId()).put("session_id", a.sessionId())
              .put("duplicate", a.duplicate()));
        } else {
          ErrorCode.toAppException(ar.cause()).failReply(msg);
        }
      });
    } catch (AppException e) {
      e.failReply(msg);
    }
  }

  private void bridgeCancel(Message<Object> msg) {
    try {
      Identity id = BridgeGuard.identity(msg.headers());
      String turnId = JsonBody.of(msg.body()).required("turn_id");
      vertx.eventBus().<Boolean>request(SessionAddresses.CANCEL, new CancelTurn(id, turnId), CALL).onComplete(ar -> {
        if (ar.succeeded()) {
          msg.reply(new JsonObject().put("cancelled", ar.result().body()));
        } else {
          ErrorCode.toAppException(ar.cause()).failReply(msg);
        }
      });
    } catch (AppException e) {
      e.failReply(msg);
    }
  }

  /**
   * A clean stop: no new connections from the first moment; the sessions stop and settle their turns while the bridge
   * sockets are still open, so every client hears how its turns ended ({@code done} with the usage metered); then the
   * sockets are closed. HTTP requests in flight get their responses.
   */
  @Override
  public Future<?> stop() {
    if (server == null) {
      return Future.succeededFuture();
    }
    Future<Void> closed = server.shutdown(StopBudget.HTTP_SHUTDOWN.toMillis(), TimeUnit.MILLISECONDS);
    vertx.eventBus().request(SessionAddresses.DRAIN, "", new DeliveryOptions().setSendTimeout(StopBudget.SESSION_DRAIN.toMillis())).onComplete(ar -> {
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
