package io.agentchat.auth;

import static io.agentchat.support.Api.expect;
import static io.agentchat.support.Api.expectError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.store.UsageEvent;
import io.agentchat.store.UsageKind;
import io.agentchat.support.Api;
import io.agentchat.support.Api.User;
import io.agentchat.support.AppTest;
import io.agentchat.support.BridgeClient;
import io.agentchat.support.BridgeClient.BridgeError;
import io.agentchat.support.TestApp;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Offboarding at once: a removed member's sockets close, their running turn stops and is metered once, every token they
 * hold is refused on every route and bridge address, their refresh and sign-in are refused; roles change both ways with
 * the next token; the last admin stays; signing out everywhere ends every sign-in.
 */
class MemberRemovalTest extends AppTest {

  @Override
  protected JsonObject config(Path dir) {
    JsonObject c = TestApp.config(dir);
    c.getJsonObject("agent").getJsonObject("offline").put("chunkDelayMs", 40);
    return c;
  }

  /** An admin and a member who joined with an invite. */
  private Future<User[]> adminAndMember() {
    return api.signupAndLogin("ada@acme.test", "acme", "premium", null).compose(admin -> api.invite(admin)
        .compose(code -> api.signupAndLogin("max@acme.test", "acme", "premium", code)).map(member -> new User[] {admin, member}));
  }

  private Future<HttpResponse<Buffer>> remove(User admin, User member) {
    return api.client.delete("/api/admin/tenants/acme/members/" + member.sub()).putHeader("Authorization", "Bearer " + admin.idToken()).send();
  }

  private Future<HttpResponse<Buffer>> role(User admin, User member, boolean isAdmin) {
    return api.put("/api/admin/tenants/acme/members/" + member.sub() + "/role", admin.idToken(), new JsonObject().put("admin", isAdmin));
  }

  private Future<HttpResponse<Buffer>> refresh(User u) {
    return api.post("/api/auth/refresh", new JsonObject().put("refresh_token", u.refreshToken()));
  }

  @Test
  void aMemberRemovedMidTurnIsCutOffAtOnceTheTurnMeteredOnceAndEveryTokenRefused(VertxTestContext ctx) {
    adminAndMember().compose(pair -> {
      User admin = pair[0];
      User member = pair[1];
      return listen(member).compose(socket -> socket.request("chat.send", member.idToken(),
              new JsonObject().put("message", "tell me a long story").put("request_id", "story-1"))
          .compose(accepted -> socket.await(fs -> BridgeClient.bodies(fs, "chunk").size() >= 3).map(accepted.getString("turn_id")))
          .compose(turnId -> remove(admin, member).compose(r -> expect(r, 200)).compose(removed -> {
            assertEquals("removed", removed.getString("status"));
            return socket.closed().map(turnId); // the server closes the removed member's socket
          }))
          .compose(turnId -> noTurnsLeft().compose(v -> app.store().usage().turn("acme", turnId)).compose(turn -> {
            assertEquals("cancelled", turn.orElseThrow().status(), "the running turn stopped");
            return app.store().usage().turnEvents("acme", turnId);
          }))
          .map(events -> {
            assertTrue(events.stream().anyMatch(e -> e.kind() == UsageKind.OUTPUT_TOKENS && e.quantity() > 0), "metered for what it produced");
            assertEquals(events.size(), events.stream().map(UsageEvent::eventId).distinct().count(), "once");
            return null;
          })
          .compose(v -> everyRouteRefuses(member))
          .compose(v -> refresh(member)).compose(r -> expectError(r, 401, "unauthorized"))
          .compose(v -> api.post("/api/auth/login", new JsonObject().put("email", "max@acme.test").put("password", Api.PASSWORD)))
          .compose(r -> expectError(r, 403, "forbidden"))
          .compose(v -> listen(member, "client.acme." + member.sub()).compose(b -> b.request("chat.send", member.idToken(),
              new JsonObject().put("message", "still here?")).transform(ar -> {
                assertTrue(ar.failed() && ar.cause() instanceof BridgeError e && e.code().equals("access_denied"), "the bridge refuses: " + ar);
                return b.close();
              })))
          // the admin still sees the member, removed, and their usage stays in the reports
          .compose(v -> api.get("/api/admin/tenants/acme/members", admin.idToken())).compose(r -> expect(r, 200)).compose(members -> {
            JsonObject max = members.getJsonArray("members").stream().map(JsonObject.class::cast)
                .filter(m -> m.getString("user_id").equals(member.sub())).findFirst().orElseThrow();
            assertEquals("removed", max.getString("status"));
            return api.get("/api/admin/tenants/acme/per-user-cost", admin.idToken()).compose(r -> expect(r, 200));
          }).map(report -> {
            assertTrue(report.encode().contains(member.sub()), "their usage stays in the reports");
            return null;
          }));
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aRemovedMembersQueuedTurnsAreGivenBackAndOnlyTheRunningOneIsCounted(VertxTestContext ctx) {
    adminAndMember().compose(pair -> {
      User admin = pair[0];
      User member = pair[1];
      JsonObject first = new JsonObject().put("message", "tell me a long story").put("request_id", "q-1");
      return listen(member).compose(socket -> socket.request("chat.send", member.idToken(), first).compose(running -> {
            String session = running.getString("session_id");
            // two more behind it in the same session: admitted, waiting for the first
            return socket.request("chat.send", member.idToken(), new JsonObject().put("message", "and another").put("session_id", session).put("request_id", "q-2"))
                .compose(q2 -> socket.request("chat.send", member.idToken(), new JsonObject().put("message", "and one more").put("session_id", session).put("request_id", "q-3"))
                    .map(q3 -> List.of(running.getString("turn_id"), q2.getString("turn_id"), q3.getString("turn_id"))));
          })
          .compose(ids -> socket.await(fs -> BridgeClient.bodies(fs, "chunk").size() >= 2)
              .compose(v -> api.get("/api/admin/tenants/acme/members", admin.idToken())).compose(r -> expect(r, 200)).compose(before -> {
                assertEquals(3, messagesOf(before, member), "three messages held while they wait: " + before.encode());
                return remove(admin, member).compose(r -> expect(r, 200));
              })
              .compose(v -> noTurnsLeft())
              .compose(v -> Future.all(ids.stream().map(id -> app.store().usage().turnEvents("acme", id)).toList()))
              .compose(events -> {
                List<List<UsageEvent>> each = events.list();
                assertTrue(each.get(0).stream().anyMatch(e -> e.kind() == UsageKind.OUTPUT_TOKENS && e.quantity() > 0), "the running one is metered: " + each.get(0));
                for (int i = 1; i < 3; i++) {
                  assertTrue(each.get(i).stream().noneMatch(e -> e.kind() == UsageKind.OUTPUT_TOKENS || e.kind() == UsageKind.INPUT_TOKENS),
                      "a queued turn never ran and used no tokens: " + each.get(i));
                }
                return api.get("/api/admin/tenants/acme/members", admin.idToken()).compose(r -> expect(r, 200));
              })
              .map(after -> {
                assertEquals(1, messagesOf(after, member), "the queued messages are given back: " + after.encode());
                return null;
              })));
    }).onComplete(ctx.succeedingThenComplete());
  }

  private static long messagesOf(JsonObject members, User member) {
    return members.getJsonArray("members").stream().map(JsonObject.class::cast)
        .filter(m -> m.getString("user_id").equals(member.sub())).findFirst().orElseThrow().getLong("messages_this_month");
  }

  /** The removed member's token on every route: 401, nothing of the tenant. */
  private Future<Void> everyRouteRefuses(User member) {
    String t = "/api/tenants/acme";
    List<String[]> routes = List.of(
        new String[] {"GET", t + "/usage"}, new String[] {"GET", t + "/sessions"}, new String[] {"GET", t + "/subscription"},
        new String[] {"GET", t + "/costs"}, new String[] {"POST", "/api/sessions"}, new String[] {"POST", "/api/chat"},
        new String[] {"POST", "/api/admin/invites"}, new String[] {"GET", "/api/admin/tenants/acme/members"},
        new String[] {"POST", "/api/auth/logout-everywhere"});
    Future<Void> chain = Future.succeededFuture();
    for (String[] route : routes) {
      chain = chain.compose(v -> api.client.request(HttpMethod.valueOf(route[0]), route[1]).putHeader("Authorization", "Bearer " + member.idToken())
          .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(new JsonObject().put("message", "hi").encode()))
          .map(r -> {
            assertEquals(401, r.statusCode(), route[0] + " " + route[1] + ": " + r.bodyAsString());
            assertEquals("unauthorized", Api.errorCode(r));
            return null;
          }));
    }
    return chain;
  }

  @Test
  void aRoleChangesBothWaysWithTheNextTokenAndTheOldOneIsRefused(VertxTestContext ctx) {
    adminAndMember().compose(pair -> {
      User admin = pair[0];
      User member = pair[1];
      return listen(member).compose(socket -> role(admin, member, true).compose(r -> expect(r, 200)).compose(changed -> {
            assertEquals("admin", changed.getString("role"));
            // the socket stays open, but a frame with the token from before the change is refused from now on
            return socket.request("chat.send", member.idToken(), new JsonObject().put("message", "hi")).transform(ar -> {
              assertTrue(ar.failed() && ar.cause() instanceof BridgeError e && e.code().equals("access_denied"), "the old token on the bridge: " + ar);
              return socket.close();
            });
          }))
          .compose(v -> api.get("/api/admin/tenants/acme/members", member.idToken()))
          .compose(r -> expectError(r, 401, "unauthorized")) // the token from before the change carries the old role: refused
          .compose(v -> refresh(member)).compose(r -> expect(r, 200)).compose(tokens -> {
            String promoted = tokens.getString("id_token");
            assertTrue(Api.claims(promoted).getJsonArray("cognito:groups").contains("acme-admins"), "the next token is an admin's");
            return api.get("/api/admin/tenants/acme/members", promoted).compose(r -> expect(r, 200))
                .compose(v -> role(admin, member, false)).compose(r -> expect(r, 200))
                .compose(v -> api.get("/api/admin/tenants/acme/members", promoted)).compose(r -> expectError(r, 401, "unauthorized"))
                .compose(v -> api.post("/api/auth/refresh", new JsonObject().put("refresh_token", tokens.getString("refresh_token"))))
                .compose(r -> expect(r, 200));
          })
          .compose(tokens -> api.get("/api/admin/tenants/acme/members", tokens.getString("id_token")))
          .compose(r -> expectError(r, 403, "forbidden"));
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void theLastAdminCannotBeRemovedOrDemotedAndAMemberCannotActAsAnAdmin(VertxTestContext ctx) {
    adminAndMember().compose(pair -> {
      User admin = pair[0];
      User member = pair[1];
      return remove(admin, admin).compose(r -> expectError(r, 409, "last_admin"))
          .compose(v -> role(admin, admin, false)).compose(r -> expectError(r, 409, "last_admin"))
          .compose(v -> remove(member, admin)).compose(r -> expectError(r, 403, "forbidden"))
          .compose(v -> role(member, member, true)).compose(r -> expectError(r, 403, "forbidden"))
          .compose(v -> api.client.delete("/api/admin/tenants/acme/members/nobody").putHeader("Authorization", "Bearer " + admin.idToken()).send())
          .compose(r -> expectError(r, 404, "not_found"))
          // with a second admin, the first may step down
          .compose(v -> role(admin, member, true)).compose(r -> expect(r, 200))
          .compose(v -> role(admin, admin, false)).compose(r -> expect(r, 200)).map(r -> {
            assertEquals("user", r.getString("role"));
            return null;
          });
    }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void twoAdminsRemovingEachOtherAtOnceLeaveOne(VertxTestContext ctx) {
    adminAndMember().compose(pair -> role(pair[0], pair[1], true).compose(r -> expect(r, 200))
        .compose(v -> api.login("max@acme.test", Api.PASSWORD)).compose(max -> Future.join(remove(pair[0], max), remove(max, pair[0]))
            .transform(ar -> app.store().identity().users("acme"))).map(users -> {
              assertEquals(1, users.stream().filter(u -> u.admin()).count(), "exactly one admin is left: " + users);
              return null;
            })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void signingOutEverywhereEndsEverySignInAndSocket(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(first -> api.login("ada@acme.test", Api.PASSWORD).compose(second ->
        listen(first).compose(socket -> socket.request("chat.cancel", first.idToken(), new JsonObject().put("turn_id", "none"))
            // the socket's frames are handled in order: its registration has been, and it is known as the user's
            .transform(ar -> api.post("/api/auth/logout-everywhere", second.idToken(), new JsonObject())).compose(r -> expect(r, 200))
            .compose(v -> socket.closed())
            .compose(v -> refresh(first)).compose(r -> expectError(r, 401, "unauthorized"))
            .compose(v -> refresh(second)).compose(r -> expectError(r, 401, "unauthorized"))
            .compose(v -> api.usage(first).transform(ar -> Future.succeededFuture(ar.failed())))
            .compose(v -> api.get("/api/tenants/acme/usage", second.idToken())).compose(r -> expectError(r, 401, "unauthorized"))
            // a new sign-in works
            .compose(v -> api.login("ada@acme.test", Api.PASSWORD)).compose(again -> api.usage(again)).mapEmpty())))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aRemovedMembersApiKeyIsRefused(VertxTestContext ctx) {
    adminAndMember().compose(pair -> api.post("/api/admin/tenants/acme/api-keys", pair[0].idToken(), new JsonObject().put("name", "max's")
            .put("user_id", pair[1].sub())).compose(r -> expect(r, 201))
        .compose(key -> remove(pair[0], pair[1]).compose(r -> expect(r, 200))
            .compose(v -> api.client.get("/v1/models").putHeader("Authorization", "Bearer " + key.getString("key")).send()))
        .map(r -> {
          assertEquals(401, r.statusCode(), r.bodyAsString());
          return null;
        })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void theMembersListShowsEachMembersUseThisMonth(VertxTestContext ctx) {
    adminAndMember().compose(pair -> api.chat(pair[1], "hello").compose(v -> api.chat(pair[1], "again"))
        .compose(v -> api.get("/api/admin/tenants/acme/members", pair[0].idToken())).compose(r -> expect(r, 200)).map(list -> {
          JsonObject max = list.getJsonArray("members").stream().map(JsonObject.class::cast)
              .filter(m -> m.getString("user_id").equals(pair[1].sub())).findFirst().orElseThrow();
          JsonObject ada = list.getJsonArray("members").stream().map(JsonObject.class::cast)
              .filter(m -> m.getString("user_id").equals(pair[0].sub())).findFirst().orElseThrow();
          assertEquals(2, max.getLong("messages_this_month"));
          assertTrue(max.getDouble("cost_this_month_usd") > 0, max.encode());
          assertTrue(max.getString("last_active_at") != null, max.encode());
          assertEquals(0, ada.getLong("messages_this_month"));
          assertEquals(null, ada.getValue("last_active_at"));
          assertEquals("active", ada.getString("status"));
          return null;
        })).onComplete(ctx.succeedingThenComplete());
  }
}
