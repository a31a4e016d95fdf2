package io.agentchat.gateway;

import io.agentchat.auth.TokenVerifier;
import io.agentchat.common.AppException;
import io.agentchat.common.ErrorCode;
import io.agentchat.common.Identity;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every HTTP route shares: the verified caller, the tenant check, JSON responses and errors, event-bus calls mapped
 * to responses, and the failure handler. Tenant, user, tier and role come from the verified token and nowhere else.
 */
record HttpEdge(Vertx vertx, TokenVerifier tokens, int maxBodyBytes) {
  private static final Logger LOG = LoggerFactory.getLogger(HttpEdge.class);
  private static final String IDENTITY = "identity";
  /** How long a route waits for the capability it calls. */
  static final long CALL_TIMEOUT_MS = 30_000;


  static void securityHeaders(RoutingContext ctx) {
    ctx.response().putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("X-Frame-Options", "DENY")
        .putHeader("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    ctx.next();
  }

  /**
   * A request framed by Transfer-Encoding is refused and its connection closed after the answer (RFC 9112 6.1): with a
   * Content-Length as well, a proxy in front may frame it differently and smuggle a second request in its body. The API
   * takes small JSON bodies with a Content-Length, as browsers send them.
   */
  static void framing(RoutingContext ctx) {
    if (ctx.request().headers().contains("Transfer-Encoding")) {
      ctx.response().putHeader("Connection", "close").endHandler(v -> ctx.request().connection().close());
      error(ctx, ErrorCode.INVALID_REQUEST.exception("Transfer-Encoding is not accepted; send the body with a Content-Length."));
      return;
    }
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
    if (e.code() == ErrorCode.SERVICE_UNAVAILABLE && !ctx.response().headWritten() && ctx.response().headers().get("Retry-After") == null) {
      ctx.response().putHeader("Retry-After", "1"); // briefly unavailable (shutting down, a session moving between nodes): try again
    }
    json(ctx, e.code().status(), e.toJson());
  }

  /** The verified caller of an authenticated route. */
  static Identity identity(RoutingContext ctx) {
    return ctx.get(IDENTITY);
  }

  /** The credential of {@code Authorization: Bearer <credential>} (null without one). */
  static String bearer(RoutingContext ctx) {
    String h = ctx.request().getHeader("Authorization");
    return h != null && h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).trim() : null;
  }

  /** Verifies the bearer token; the route goes on only with a verified identity. */
  void authenticate(RoutingContext ctx) {
    tokens.verify(bearer(ctx)).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.put(IDENTITY, ar.result());
        ctx.next();
      } else {
        ctx.response().putHeader("WWW-Authenticate", "Bearer");
        error(ctx, ErrorCode.toAppException(ar.cause()));
      }
    });
  }

  /** A tenant in the path that is not the token's: 404, never 403 and never data. */
  static void ownTenant(RoutingContext ctx) {
    if (!identity(ctx).tenantId().equals(ctx.pathParam("tenantId"))) {
      error(ctx, ErrorCode.NOT_FOUND.exception("Not found."));
      return;
    }
    ctx.next();
  }

  /** Routes of a tenant's admins: refused before the request body is read. */
  static void adminOnly(RoutingContext ctx) {
    if (!identity(ctx).admin()) {
      error(ctx, ErrorCode.FORBIDDEN.exception("Only an admin of the organisation can do this."));
      return;
    }
    ctx.next();
  }

  /** Sends a request on the event bus and maps the reply (or its failure) to the HTTP response. */
  <T> void call(RoutingContext ctx, String address, Object body, int status, Function<T, JsonObject> map) {
    call(ctx, address, body, status, map, CALL_TIMEOUT_MS);
  }

  <T> void call(RoutingContext ctx, String address, Object body, int status, Function<T, JsonObject> map, long timeoutMs) {
    call(ctx, address, body, status, map, timeoutMs, null);
  }

  /** As {@link #call}, and {@code then} is told of the answer once it succeeded (e.g. to record it in the audit log). */
  <T> void call(RoutingContext ctx, String address, Object body, int status, Function<T, JsonObject> map, java.util.function.Consumer<T> then) {
    call(ctx, address, body, status, map, CALL_TIMEOUT_MS, then);
  }

  private <T> void call(RoutingContext ctx, String address, Object body, int status, Function<T, JsonObject> map, long timeoutMs,
                        java.util.function.Consumer<T> then) {
    vertx.eventBus().<T>request(address, body, new DeliveryOptions().setSendTimeout(timeoutMs)).onComplete(ar -> {
      if (ar.succeeded()) {
        if (then != null) {
          then.accept(ar.result().body());
        }
        json(ctx, status, map.apply(ar.result().body()));
      } else {
        error(ctx, ErrorCode.toAppException(ar.cause()));
      }
    });
  }

  /** The last handler. */
  void failure(RoutingContext ctx) {
    error(ctx, failureOf(ctx));
  }

  /** A failed request's error: product errors as they are, framework statuses in the contract's words, anything else a logged 500. */
  AppException failureOf(RoutingContext ctx) {
    Throwable t = ctx.failure();
    AppException e;
    if (t instanceof AppException a) {
      e = a;
    } else if (ctx.statusCode() == 413) {
      e = ErrorCode.PAYLOAD_TOO_LARGE.exception("The request body is larger than " + maxBodyBytes + " bytes.");
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
    return e;
  }

  /** Unknown routes under {@code /api}. */
  static void noSuchRoute(RoutingContext ctx) {
    error(ctx, ErrorCode.NOT_FOUND.exception("No such API route: " + ctx.request().method() + " " + ctx.request().path()));
  }
}
