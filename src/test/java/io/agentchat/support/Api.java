package io.agentchat.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.Base64;
import java.util.function.Supplier;

/** A small HTTP client for the product's REST API, as a browser or script would use it. */
public final class Api {
  /** The password of every user the tests sign up. */
  public static final String PASSWORD = "correct horse 1";
  public final WebClient client;
  public final int port;

  public Api(Vertx vertx, int port) {
    this.client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
            // shorter than the server's keep-alive timeout: a pooled connection is never reused as the server closes it
            .setKeepAliveTimeout(20),
        new io.vertx.core.http.PoolOptions().setHttp1MaxSize(128));
    this.port = port;
  }

  /** A signed-in user: its tokens and the claims of its ID token. */
  public record User(String email, String idToken, String refreshToken, JsonObject claims) {
    public String tenant() {
      return claims.getString("custom:tenant_id");
    }

    public String sub() {
      return claims.getString("sub");
    }
  }

  public static JsonObject claims(String jwt) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1])));
  }

  public Future<HttpResponse<Buffer>> post(String path, JsonObject body) {
    return client.post(path).putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body.encode()));
  }

  public Future<HttpResponse<Buffer>> post(String path, String token, JsonObject body) {
    return client.post(path).putHeader("Content-Type", "application/json").putHeader("Authorization", "Bearer " + token)
        .sendBuffer(Buffer.buffer(body.encode()));
  }

  public Future<HttpResponse<Buffer>> get(String path, String token) {
    var req = client.get(path);
    if (token != null) {
      req.putHeader("Authorization", "Bearer " + token);
    }
    return req.send();
  }

  public Future<HttpResponse<Buffer>> put(String path, String token, JsonObject body) {
    return client.put(path).putHeader("Authorization", "Bearer " + token).sendJsonObject(body);
  }

  /** The body of the answer if its status is {@code status}; else a failure that shows the answer. */
  public static Future<JsonObject> expect(HttpResponse<Buffer> r, int status) {
    if (r.statusCode() != status) {
      return Future.failedFuture(new AssertionError("expected " + status + " but got " + r.statusCode() + ": " + r.bodyAsString()));
    }
    return Future.succeededFuture(r.bodyAsJsonObject());
  }

  /** The error answer {@code status} with the product's error {@code code} and a message a person understands. */
  public static Future<JsonObject> expectError(HttpResponse<Buffer> r, int status, String code) {
    return expect(r, status).map(j -> {
      assertEquals(code, j.getJsonObject("error").getString("code"), j.encode());
      assertFalse(j.getJsonObject("error").getString("message", "").isBlank(), "a message a person understands");
      return j;
    });
  }

  /** The product's error code in an error answer. */
  public static String errorCode(HttpResponse<Buffer> r) {
    return r.bodyAsJsonObject().getJsonObject("error").getString("code");
  }

  /** The sign-up form of a user creating (invite null) or joining a tenant, with {@link #PASSWORD}. */
  public static JsonObject signupForm(String email, String tenant, String tier, String invite) {
    JsonObject body = new JsonObject().put("email", email).put("password", PASSWORD).put("tenant_id", tenant)
        .put("subscription_tier", tier).put("admin", invite == null);
    if (invite != null) {
      body.put("invite_code", invite);
    }
    return body;
  }

  /** The sign-up alone, whatever its answer. */
  public Future<HttpResponse<Buffer>> signup(String email, String tenant, String tier, String invite) {
    return post("/api/auth/signup", signupForm(email, tenant, tier, invite));
  }

  /** Sign-up, mailbox code, confirmation and login of a user creating (invite null) or joining a tenant. */
  public Future<User> signupAndLogin(String email, String tenant, String tier, String invite) {
    return signupAndLogin(email, tenant, tier, invite, () -> get("/api/dev/mailbox/" + email, null).compose(r -> expect(r, 200))
        .map(m -> m.getString("code")));
  }

  /** Sign-up, confirmation with the code {@code code} gives (a user pool's fixed one, say) and login. */
  public Future<User> signupAndLogin(String email, String tenant, String tier, String invite, Supplier<Future<String>> code) {
    return signup(email, tenant, tier, invite).compose(r -> expect(r, 201))
        .compose(v -> code.get())
        .compose(c -> post("/api/auth/confirm", new JsonObject().put("email", email).put("code", c))).compose(r -> expect(r, 200))
        .compose(v -> login(email, PASSWORD));
  }

  public Future<User> login(String email, String password) {
    return post("/api/auth/login", new JsonObject().put("email", email).put("password", password)).compose(r -> expect(r, 200))
        .map(t -> new User(email, t.getString("id_token"), t.getString("refresh_token"), claims(t.getString("id_token"))));
  }

  public Future<String> invite(User admin) {
    return post("/api/admin/invites", admin.idToken(), new JsonObject()).compose(r -> expect(r, 201)).map(j -> j.getString("invite_code"));
  }

  public Future<JsonObject> newSession(User u) {
    return post("/api/sessions", u.idToken(), new JsonObject()).compose(r -> expect(r, 201));
  }

  /** One turn over HTTP, whole reply; fails unless the answer is 200. */
  public Future<JsonObject> chat(User u, String message) {
    return post("/api/chat", u.idToken(), new JsonObject().put("message", message)).compose(r -> expect(r, 200));
  }

  /** Sets the tenant's monthly budget (the admin's own tenant); fails unless the answer is 200. */
  public Future<JsonObject> budget(User admin, Object monthlyUsd) {
    return put("/api/admin/tenants/" + admin.tenant() + "/budgets", admin.idToken(), new JsonObject().put("monthly_usd", monthlyUsd))
        .compose(r -> expect(r, 200));
  }

  public Future<JsonObject> usage(User u) {
    return get("/api/tenants/" + u.tenant() + "/usage", u.idToken()).compose(r -> expect(r, 200));
  }

  public void close() {
    client.close();
  }
}
