package io.agentchat.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.Base64;

/** A small HTTP client for the product's REST API, as a browser or script would use it. */
public final class Api {
  public final WebClient client;
  public final int port;

  public Api(Vertx vertx, int port) {
    this.client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port),
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

  private static Future<JsonObject> expect(HttpResponse<Buffer> r, int status) {
    if (r.statusCode() != status) {
      return Future.failedFuture(new AssertionError("expected " + status + " but got " + r.statusCode() + ": " + r.bodyAsString()));
    }
    return Future.succeededFuture(r.bodyAsJsonObject());
  }

  /** Sign-up, mailbox code, confirmation and login of a user creating (invite null) or joining a tenant. */
  public Future<User> signupAndLogin(String email, String tenant, String tier, String invite) {
    JsonObject body = new JsonObject().put("email", email).put("password", "correct horse 1").put("tenant_id", tenant)
        .put("subscription_tier", tier).put("admin", invite == null);
    if (invite != null) {
      body.put("invite_code", invite);
    }
    return post("/api/auth/signup", body).compose(r -> expect(r, 201))
        .compose(v -> get("/api/dev/mailbox/" + email, null)).compose(r -> expect(r, 200))
        .compose(m -> post("/api/auth/confirm", new JsonObject().put("email", email).put("code", m.getString("code")))).compose(r -> expect(r, 200))
        .compose(v -> login(email, "correct horse 1"));
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

  public Future<JsonObject> usage(User u) {
    return get("/api/tenants/" + u.tenant() + "/usage", u.idToken()).compose(r -> expect(r, 200));
  }

  public void close() {
    client.close();
  }
}
