package io.agentchat.gateway;

import io.agentchat.apikey.ApiKeyAddresses;
import io.agentchat.apikey.ApiKeyMessages.VerifiedKey;
import io.agentchat.apikey.ApiKeyMessages.VerifyKey;
import io.agentchat.client.ClientFrame;
import io.agentchat.common.AppException;
import io.agentchat.common.ErrorCode;
import io.agentchat.common.Identity;
import io.agentchat.common.Ids;
import io.agentchat.metering.Pricing;
import io.agentchat.session.SessionAddresses;
import io.agentchat.session.SessionMessages.ChatTurn;
import io.agentchat.session.SessionMessages.ConnectionClosed;
import io.agentchat.session.SessionMessages.Program;
import io.agentchat.session.SessionMessages.ProgramTurn;
import io.agentchat.session.SessionMessages.TurnResult;
import io.agentchat.tier.Tier;
import io.agentchat.tier.TierCatalog;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * The OpenAI-compatible surface for programs, with an API key as the bearer: {@code POST /v1/chat/completions} (the whole
 * answer, or server-sent events) and {@code GET /v1/models}. A request is one turn of the key's owner, admitted, run and
 * settled like a chat turn; errors are in OpenAI's shape, with the product's codes and statuses (quota, budget and rate
 * refusals are 429 with {@code Retry-After}).
 */
record ProgramRoutes(Vertx vertx, TurnRate rate, KeyRates keyRates, TierCatalog tiers, Clock clock, long timeoutMs, int writeQueueBytes) {
  private static final String KEY = "apiKey";
  private static final String OWNER = "agent-chat";

  /** Verifies the API key; the route goes on only with a usable one. */
  void authenticate(RoutingContext ctx) {
    vertx.eventBus().<VerifiedKey>request(ApiKeyAddresses.VERIFY, new VerifyKey(HttpEdge.bearer(ctx)), new DeliveryOptions().setSendTimeout(HttpEdge.CALL_TIMEOUT_MS))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            ctx.put(KEY, ar.result().body());
            ctx.next();
          } else {
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
            error(ctx, ErrorCode.toAppException(ar.cause()));
          }
        });
  }

  private static VerifiedKey key(RoutingContext ctx) {
    return ctx.get(KEY);
  }

  void models(RoutingContext ctx) {
    Tier tier = tiers.require(key(ctx).identity().tier());
    HttpEdge.json(ctx, 200, new JsonObject().put("object", "list")
        .put("data", new JsonArray(tier.models().stream().map(ProgramRoutes::model).toList())));
  }

  void model(RoutingContext ctx) {
    Tier tier = tiers.require(key(ctx).identity().tier());
    String name = ctx.pathParam("model");
    if (!tier.models().contains(name)) {
      error(ctx, ErrorCode.MODEL_NOT_FOUND.exception("The model \"" + name + "\" is not available on the " + tier.name() + " plan."));
      return;
    }
    HttpEdge.json(ctx, 200, model(name));
  }

  private static JsonObject model(String name) {
    return new JsonObject().put("id", name).put("object", "model").put("created", 0).put("owned_by", OWNER);
  }

  /** One completion: the key's rate and the owner's turn rate, then the turn, answered whole or streamed. */
  void completions(RoutingContext ctx) {
    VerifiedKey key = key(ctx);
    Identity id = key.identity();
    CompletionRequest req = CompletionRequest.parse(JsonBody.of(ctx), tiers.require(id.tier()));
    String idempotency = ctx.request().getHeader("Idempotency-Key");
    if (idempotency != null && (idempotency.isEmpty() || idempotency.length() > 255 || !idempotency.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
      throw ErrorCode.INVALID_REQUEST.exception("Idempotency-Key must be 1-255 visible ASCII characters.");
    }
    AppException limited = keyRates.check(id.tenantId(), id.apiKeyId(), key.requestsPerMinute());
    if (limited == null) {
      limited = rate.check(id);
    }
    if (limited != null) {
      error(ctx, limited);
      return;
    }
    // a repeated Idempotency-Key names the same turn (and its session): it is answered by that turn and charged once
    String requestId = idempotency == null ? null : "k" + Ids.sha256Hex(id.apiKeyId() + "\n" + idempotency).substring(0, 40);
    String sessionId = io.agentchat.store.SessionStore.PROGRAM_SESSION_PREFIX + (requestId != null ? requestId.substring(1) : Ids.uuid().replace("-", ""));
    String connectionId = "http-" + Ids.uuid();
    ctx.response().closeHandler(v -> {
      if (!ctx.response().ended()) {
        vertx.eventBus().publish(SessionAddresses.CONNECTION_CLOSED, new ConnectionClosed(connectionId));
      }
    });
    if (req.stream()) {
      new Streamed(ctx, req, "program.stream." + Ids.uuid()).start(id, sessionId, requestId, connectionId);
      return;
    }
    ChatTurn turn = new ChatTurn(id, sessionId, req.message(), requestId, connectionId, true, new Program(req.history(), req.model(), req.sampling(), null));
    vertx.eventBus().<TurnResult>request(SessionAddresses.PROGRAM_TURN, new ProgramTurn(turn), new DeliveryOptions().setSendTimeout(timeoutMs))
        .onComplete(ar -> {
          if (ar.failed()) {
            error(ctx, ErrorCode.toAppException(ar.cause()));
            return;
          }
          TurnResult r = ar.result().body();
          AppException failed = failure(r);
          if (failed != null) {
            error(ctx, failed);
            return;
          }
          JsonObject body = head(r.turnId(), "chat.completion", req.model())
              .put("choices", new JsonArray().add(new JsonObject().put("index", 0)
                  .put("message", new JsonObject().put("role", "assistant").put("content", r.reply()))
                  .put("logprobs", (Object) null).put("finish_reason", "stop")))
              .put("usage", usage(r))
              .put("agent_chat", extension(r));
          HttpEdge.json(ctx, 200, body);
        });
  }

  /** A turn that ended without an answer to give: failed, or stopped (the server stopping). */
  private static AppException failure(TurnResult r) {
    return switch (r.status()) {
      case "failed" -> ErrorCode.AGENT_ERROR.exception("The agent could not finish its answer; what it used is billed. Try again.");
      case "cancelled", "interrupted" -> ErrorCode.SERVICE_UNAVAILABLE.exception("The answer was stopped before it was complete; try again.");
      default -> null;
    };
  }

  private JsonObject head(String turnId, String object, String model) {
    return new JsonObject().put("id", "chatcmpl-" + turnId).put("object", object).put("created", clock.instant().getEpochSecond())
        .put("model", model);
  }

  private static JsonObject usage(TurnResult r) {
    return new JsonObject().put("prompt_tokens", r.usage().inputTokens()).put("completion_tokens", r.usage().outputTokens())
        .put("total_tokens", r.usage().inputTokens() + r.usage().outputTokens());
  }

  /** What the product adds beside OpenAI's fields: the turn, its cost, whether tokens were estimated, a repeat. */
  private static JsonObject extension(TurnResult r) {
    return new JsonObject().put("turn_id", r.turnId()).put("session_id", r.sessionId()).put("status", r.status())
        .put("cost_usd", Pricing.usd(r.costNanos())).put("estimated", r.usage().estimated()).put("duplicate", r.duplicate())
        .put("tools", new JsonArray(r.usage().tools()));
  }

  /**
   * A streamed answer: the response starts once the turn is admitted (a refusal before that is an ordinary error
   * response), each chunk frame of the turn is one {@code chat.completion.chunk}, then the finish, the usage when asked
   * for, and {@code [DONE]}. A client that reads too slowly for the answer's pace is disconnected, which stops the turn.
   */
  private final class Streamed {
    private final RoutingContext ctx;
    private final CompletionRequest req;
    private final String address;
    private final StringBuilder written = new StringBuilder();
    private MessageConsumer<ClientFrame> frames;
    private String turnId;
    private JsonObject errorFrame;

    Streamed(RoutingContext ctx, CompletionRequest req, String address) {
      this.ctx = ctx;
      this.req = req;
      this.address = address;
    }

    void start(Identity id, String sessionId, String requestId, String connectionId) {
      frames = vertx.eventBus().localConsumer(address, m -> frame(m.body().json()));
      ChatTurn turn = new ChatTurn(id, sessionId, req.message(), requestId, connectionId, true, new Program(req.history(), req.model(), req.sampling(), address));
      frames.completion().compose(v -> vertx.eventBus().<TurnResult>request(SessionAddresses.PROGRAM_TURN, new ProgramTurn(turn),
          new DeliveryOptions().setSendTimeout(timeoutMs))).onComplete(ar -> {
            frames.unregister();
            if (ar.succeeded()) {
              finish(ar.result().body());
            } else {
              AppException e = ErrorCode.toAppException(ar.cause());
              if (turnId == null) {
                error(ctx, e);
              } else {
                end(e);
              }
            }
          });
    }

    private void frame(JsonObject f) {
      switch (f.getString("type", "")) {
        case "accepted" -> begin(f.getString("turn_id"));
        case "chunk" -> {
          begin(f.getString("turn_id"));
          delta(new JsonObject().put("content", f.getString("text", "")));
          written.append(f.getString("text", ""));
        }
        case "error" -> errorFrame = f;
        default -> {
        }
      }
    }

    /** The response's head and the assistant's role, once. */
    private void begin(String turn) {
      if (turnId != null) {
        return;
      }
      turnId = turn;
      HttpServerResponse res = ctx.response();
      if (res.closed()) {
        return;
      }
      res.setChunked(true).setStatusCode(200).putHeader("Content-Type", "text/event-stream; charset=utf-8")
          .putHeader("Cache-Control", "no-store").putHeader("X-Accel-Buffering", "no");
      res.setWriteQueueMaxSize(writeQueueBytes);
      delta(new JsonObject().put("role", "assistant").put("content", ""));
    }

    private void delta(JsonObject delta) {
      event(chunk(new JsonObject().put("index", 0).put("delta", delta).put("logprobs", (Object) null).put("finish_reason", (Object) null)));
    }

    private JsonObject chunk(JsonObject choice) {
      JsonObject c = head(turnId, "chat.completion.chunk", req.model()).put("choices", choice == null ? new JsonArray() : new JsonArray().add(choice));
      if (req.includeUsage()) {
        c.put("usage", (Object) null);
      }
      return c;
    }

    private void event(JsonObject data) {
      write("data: " + data.encode() + "\n\n");
    }

    private void write(String text) {
      HttpServerResponse res = ctx.response();
      if (res.closed() || res.ended()) {
        return;
      }
      res.write(Buffer.buffer(text));
      if (res.writeQueueFull()) {
        // the client does not read as fast as the answer comes: it is let go, which stops the turn (metered for what it produced)
        ctx.request().connection().close();
      }
    }

    private void finish(TurnResult r) {
      begin(r.turnId());
      String reply = r.reply() == null ? "" : r.reply();
      if (reply.length() > written.length() && reply.startsWith(written.toString())) {
        delta(new JsonObject().put("content", reply.substring(written.length()))); // a repeated request, or a last word still on its way
      }
      AppException failed = failure(r);
      if (failed != null) {
        end(errorFrame != null ? ErrorCode.AGENT_ERROR.exception(errorFrame.getString("message", failed.getMessage())) : failed);
        return;
      }
      event(chunk(new JsonObject().put("index", 0).put("delta", new JsonObject()).put("logprobs", (Object) null).put("finish_reason", "stop")));
      if (req.includeUsage()) {
        event(head(turnId, "chat.completion.chunk", req.model()).put("choices", new JsonArray()).put("usage", usage(r))
            .put("agent_chat", extension(r)));
      }
      done();
    }

    /** A stream that cannot finish: the error as OpenAI streams it, then the end. */
    private void end(AppException e) {
      event(errorBody(e));
      done();
    }

    private void done() {
      write("data: [DONE]\n\n");
      if (!ctx.response().closed() && !ctx.response().ended()) {
        ctx.response().end();
      }
    }
  }

  // ---------------------------------------------------------------- errors

  /** An error in OpenAI's shape; quota, budget and rate refusals are 429 with the seconds until they may pass. */
  static void error(RoutingContext ctx, AppException e) {
    HttpServerResponse res = ctx.response();
    if (res.ended() || res.closed()) {
      return;
    }
    int status = e.code() == ErrorCode.BUDGET_EXCEEDED ? 429 : e.code().status();
    if (status == 429 || status == 503) {
      res.putHeader("Retry-After", String.valueOf(retryAfterSeconds(e, Instant.now())));
    }
    res.setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8").putHeader("Cache-Control", "no-store")
        .end(errorBody(e).encode());
  }

  static JsonObject errorBody(AppException e) {
    return new JsonObject().put("error", new JsonObject().put("message", e.getMessage()).put("type", type(e.code()))
        .put("param", (Object) null).put("code", e.code().code()));
  }

  /** OpenAI's error types, by the product's codes. */
  static String type(ErrorCode c) {
    return switch (c) {
      case UNAUTHORIZED -> "authentication_error";
      case FORBIDDEN, ACCESS_DENIED, TOOL_NOT_IN_TIER, UPGRADE_REQUIRED -> "permission_error";
      case NOT_FOUND, MODEL_NOT_FOUND -> "not_found_error";
      case QUOTA_EXCEEDED, BUDGET_EXCEEDED -> "insufficient_quota";
      case RATE_LIMITED -> "rate_limit_error";
      case INTERNAL, AGENT_ERROR, SERVICE_UNAVAILABLE, STORE_UNAVAILABLE, AUTH_UNAVAILABLE, TIMEOUT -> "api_error";
      default -> "invalid_request_error";
    };
  }

  /**
   * When a refusal may pass: a rate at once its window lets it (the message says so), a daily quota at the next UTC
   * midnight, a monthly quota or budget on the first of the next month (UTC).
   */
  static long retryAfterSeconds(AppException e, Instant now) {
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    Instant next = switch (e.code()) {
      case QUOTA_EXCEEDED -> e.getMessage().contains("for today") ? today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()
          : today.withDayOfMonth(1).plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant();
      case BUDGET_EXCEEDED -> today.withDayOfMonth(1).plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant();
      case RATE_LIMITED -> now.plusSeconds(KeyRates.retrySeconds(e));
      default -> now.plusSeconds(1);
    };
    return Math.max(1, Duration.between(now, next).toSeconds());
  }

  /** Unknown routes under {@code /v1}. */
  static void noSuchRoute(RoutingContext ctx) {
    error(ctx, ErrorCode.NOT_FOUND.exception("No such route: " + ctx.request().method() + " " + ctx.request().path()
        + " (this server offers POST /v1/chat/completions and GET /v1/models)."));
  }
}
