package io.agentchat.auth;

import static io.agentchat.support.Api.expect;
import static io.agentchat.support.Api.expectError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.support.Api;
import io.agentchat.support.Api.User;
import io.agentchat.support.AppTest;
import io.agentchat.support.CognitoLocal;
import io.agentchat.support.StandInServer;
import io.agentchat.support.TestApp;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A user's own account in Cognito mode, against cognito-local: signing out everywhere, changing the password with the
 * current one, and a forgotten password reset with the pool's code (ForgotPassword, ConfirmForgotPassword).
 *
 * <p>cognito-local has no AdminUserGlobalSignOut (it answers "Unsupported"). The pool's endpoint here is therefore a
 * forwarding stand-in in front of cognito-local that answers that one call as Cognito does: every refresh token the pool
 * issued to the user until then is refused from then on ({@code NotAuthorizedException}). Everything else is cognito-local's.
 */
class CognitoAccountTest extends AppTest {
  private static final String NEW = "a much better secret 7";
  private static CognitoLocal cognito;
  private static StandInServer pool;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  /** refresh token -> the user it was issued to, as the pool issued them. */
  private static final Map<String, String> refreshTokens = new ConcurrentHashMap<>();
  private static final Set<String> revoked = ConcurrentHashMap.newKeySet();
  private static final List<String> signedOut = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startPool() throws Exception {
    cognito = CognitoLocal.start();
    pool = new StandInServer().otherwise(CognitoAccountTest::pool).start();
  }

  @AfterAll
  static void stopPool() throws Exception {
    if (pool != null) {
      pool.close();
    }
    if (cognito != null) {
      cognito.close();
    }
  }

  /** cognito-local, with AdminUserGlobalSignOut as Cognito answers it. */
  private static void pool(HttpServerRequest req, Buffer body) {
    String target = req.getHeader("X-Amz-Target");
    JsonObject call = body.length() == 0 ? new JsonObject() : body.toJsonObject();
    if (target.endsWith(".AdminUserGlobalSignOut")) {
      String user = call.getString("Username");
      signedOut.add(user);
      refreshTokens.forEach((token, owner) -> {
        if (owner.equals(user)) {
          revoked.add(token);
        }
      });
      StandInServer.json(req.response(), new JsonObject());
      return;
    }
    JsonObject params = call.getJsonObject("AuthParameters", new JsonObject());
    if (target.endsWith(".InitiateAuth") && revoked.contains(params.getString("REFRESH_TOKEN", ""))) {
      req.response().setStatusCode(400).putHeader("Content-Type", "application/x-amz-json-1.1")
          .end(new JsonObject().put("__type", "NotAuthorizedException").put("message", "Refresh Token has been revoked").encode());
      return;
    }
    HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(cognito.endpoint() + "/"))
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    for (String h : List.of("Content-Type", "X-Amz-Target")) {
      forward.header(h, req.getHeader(h));
    }
    HTTP.sendAsync(forward.build(), HttpResponse.BodyHandlers.ofString()).whenComplete((r, t) -> {
      if (t != null) {
        req.response().setStatusCode(502).end();
        return;
      }
      if (r.statusCode() == 200 && target.endsWith(".InitiateAuth") && params.containsKey("USERNAME")) {
        JsonObject result = new JsonObject(r.body()).getJsonObject("AuthenticationResult");
        if (result != null && result.getString("RefreshToken") != null) {
          refreshTokens.put(result.getString("RefreshToken"), params.getString("USERNAME"));
        }
      }
      req.response().setStatusCode(r.statusCode()).putHeader("Content-Type", "application/x-amz-json-1.1").end(r.body());
    });
  }

  @Override
  protected JsonObject config(Path dir) {
    CognitoLocal.Pool p = cognito.createPool();
    JsonObject json = TestApp.config(dir);
    JsonObject auth = json.getJsonObject("auth");
    p.authConfig().forEach(e -> auth.put(e.getKey(), e.getValue()));
    auth.getJsonObject("cognito").put("endpoint", pool.baseUrl());
    return json;
  }

  private Future<User> signupAndLogin(String email) {
    return api.signupAndLogin(email, "acme", "basic", null, () -> Future.succeededFuture(CognitoLocal.CODE));
  }

  private Future<Void> refreshRefused(User u) {
    return api.post("/api/auth/refresh", new JsonObject().put("refresh_token", u.refreshToken())).compose(r -> expectError(r, 401, "unauthorized")).mapEmpty();
  }

  @Test
  void signingOutEverywhereEndsEverySignInInThePoolAndHere(VertxTestContext ctx) {
    signupAndLogin("ada@acme.test").compose(first -> api.login("ada@acme.test", Api.PASSWORD).compose(second ->
        listen(first).compose(socket -> socket.request("chat.cancel", first.idToken(), new JsonObject().put("turn_id", "none"))
            .transform(ar -> api.post("/api/auth/logout-everywhere", second.idToken(), new JsonObject())).compose(r -> expect(r, 200))
            .compose(v -> socket.closed())
            .map(v -> {
              assertEquals(List.of("ada@acme.test"), signedOut, "the pool signed the user out");
              return null;
            })
            .compose(v -> refreshRefused(first)).compose(v -> refreshRefused(second))
            .compose(v -> api.get("/api/tenants/acme/usage", first.idToken())).compose(r -> expectError(r, 401, "unauthorized"))
            .compose(v -> api.get("/api/tenants/acme/usage", second.idToken())).compose(r -> expectError(r, 401, "unauthorized"))
            .compose(v -> api.login("ada@acme.test", Api.PASSWORD)).compose(again -> api.get("/api/tenants/acme/usage", again.idToken()))
            .compose(r -> expect(r, 200)).mapEmpty())))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aPasswordChangeNeedsTheCurrentOneSetsItInThePoolAndEndsTheOtherSignIns(VertxTestContext ctx) {
    signupAndLogin("bo@acme.test").compose(bo -> api.login("bo@acme.test", Api.PASSWORD).compose(other ->
        api.post("/api/auth/password", bo.idToken(), new JsonObject().put("old_password", "not my password 1").put("new_password", NEW))
            .compose(r -> expectError(r, 401, "invalid_credentials"))
            .compose(v -> api.post("/api/auth/password", bo.idToken(), new JsonObject().put("old_password", Api.PASSWORD).put("new_password", "password123")))
            .compose(r -> expectError(r, 400, "weak_password"))
            .map(v -> {
              assertTrue(signedOut.stream().noneMatch("bo@acme.test"::equals), "a refused change signs nobody out");
              return null;
            })
            .compose(v -> api.post("/api/auth/password", bo.idToken(), new JsonObject().put("old_password", Api.PASSWORD).put("new_password", NEW)))
            .compose(r -> expect(r, 200))
            // this sign-in goes on with the new tokens; the other one and the old tokens end
            .compose(tokens -> api.get("/api/tenants/acme/usage", tokens.getString("id_token")).compose(r -> expect(r, 200)))
            .compose(v -> api.get("/api/tenants/acme/usage", other.idToken())).compose(r -> expectError(r, 401, "unauthorized"))
            .compose(v -> refreshRefused(other))
            .compose(v -> api.post("/api/auth/login", new JsonObject().put("email", "bo@acme.test").put("password", Api.PASSWORD)))
            .compose(r -> expectError(r, 401, "invalid_credentials"))
            .compose(v -> api.login("bo@acme.test", NEW)).mapEmpty()))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aForgottenPasswordIsResetWithThePoolsCode(VertxTestContext ctx) {
    signupAndLogin("cy@acme.test").compose(cy ->
        api.post("/api/auth/forgot", new JsonObject().put("email", "nobody@acme.test")).compose(r -> expect(r, 202))
            .compose(unknown -> api.post("/api/auth/forgot", new JsonObject().put("email", "CY@acme.test")).compose(r -> expect(r, 202)).map(known -> {
              assertEquals(unknown, known, "the same answer for an unknown address");
              return null;
            }))
            .compose(v -> api.post("/api/auth/reset", new JsonObject().put("email", "cy@acme.test").put("code", "000000").put("new_password", NEW)))
            .compose(r -> expectError(r, 400, "invalid_code"))
            .compose(v -> api.post("/api/auth/reset", new JsonObject().put("email", "cy@acme.test").put("code", CognitoLocal.CODE).put("new_password", "qwerty123")))
            .compose(r -> expectError(r, 400, "weak_password"))
            .compose(v -> api.post("/api/auth/reset", new JsonObject().put("email", "cy@acme.test").put("code", CognitoLocal.CODE).put("new_password", NEW)))
            .compose(r -> expect(r, 200))
            .compose(v -> api.get("/api/tenants/acme/usage", cy.idToken())).compose(r -> expectError(r, 401, "unauthorized"))
            .compose(v -> refreshRefused(cy))
            .compose(v -> api.post("/api/auth/login", new JsonObject().put("email", "cy@acme.test").put("password", Api.PASSWORD)))
            .compose(r -> expectError(r, 401, "invalid_credentials"))
            .compose(v -> api.login("cy@acme.test", NEW)).mapEmpty())
        .onComplete(ctx.succeedingThenComplete());
  }
}
