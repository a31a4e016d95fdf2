package io.agentchat.apikey;

import static io.agentchat.support.Api.expect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.support.Api;
import io.agentchat.support.AppTest;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Programs through the OpenAI-compatible surface with API keys, over plain HTTP, against a real deployment. */
class ProgramApiTest extends AppTest {

  static JsonObject ask(String text) {
    return new JsonObject().put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", text)));
  }

  Future<HttpResponse<Buffer>> completion(String key, JsonObject body) {
    return completion(key, body, null);
  }

  Future<HttpResponse<Buffer>> completion(String key, JsonObject body, String idempotencyKey) {
    HttpRequest<Buffer> req = api.client.post("/v1/chat/completions").putHeader("Content-Type", "application/json");
    if (key != null) {
      req.putHeader("Authorization", "Bearer " + key);
    }
    if (idempotencyKey != null) {
      req.putHeader("Idempotency-Key", idempotencyKey);
    }
    return req.sendBuffer(Buffer.buffer(body.encode()));
  }

  /** Creates a key as {@code admin}; the answer (with the key, shown this once). */
  static Future<JsonObject> createKey(Api api, Api.User admin, JsonObject body) {
    return api.post("/api/admin/tenants/" + admin.tenant() + "/api-keys", admin.idToken(), body).compose(r -> expect(r, 201));
  }

  static Future<JsonObject> keys(Api api, Api.User admin) {
    return api.get("/api/admin/tenants/" + admin.tenant() + "/api-keys", admin.idToken()).compose(r -> expect(r, 200));
  }

  static JsonObject openAiError(HttpResponse<Buffer> r, int status, String type, String code) {
    assertEquals(status, r.statusCode(), r.bodyAsString());
    JsonObject e = r.bodyAsJsonObject().getJsonObject("error");
    assertEquals(type, e.getString("type"), r.bodyAsString());
    assertEquals(code, e.getString("code"), r.bodyAsString());
    assertNotNull(e.getString("message"));
    assertTrue(e.containsKey("param"));
    return e;
  }

  /** The {@code data:} events of a server-sent event stream, without {@code [DONE]}, which must end it. */
  static List<JsonObject> events(String sse) {
    List<JsonObject> out = new ArrayList<>();
    String[] blocks = sse.split("\n\n");
    assertEquals("data: [DONE]", blocks[blocks.length - 1].strip(), "the stream ends with [DONE]: " + sse);
    for (int i = 0; i < blocks.length - 1; i++) {
      assertTrue(blocks[i].startsWith("data: "), blocks[i]);
      out.add(new JsonObject(blocks[i].substring(6)));
    }
    return out;
  }

  @Test
  void aKeyIsShownOnceAndAnswersAsItsOwnerWithUsageAndCost(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "premium", null).compose(admin -> createKey(api, admin,
        new JsonObject().put("name", "nightly report").put("user_id", admin.sub())).compose(created -> {
          String key = created.getString("key");
          assertTrue(key.startsWith("ack_acme_"), key);
          assertEquals("active", created.getString("status"));
          assertTrue(key.startsWith(created.getString("prefix")), "the prefix names the key without its secret");
          return completion(key, ask("hello there")).compose(r -> expect(r, 200)).compose(c -> {
            assertEquals("chat.completion", c.getString("object"));
            assertTrue(c.getString("id").startsWith("chatcmpl-"));
            assertEquals("anthropic.claude-3-haiku", c.getString("model"), "the plan's default model");
            JsonObject choice = c.getJsonArray("choices").getJsonObject(0);
            assertEquals("assistant", choice.getJsonObject("message").getString("role"));
            assertFalse(choice.getJsonObject("message").getString("content").isBlank());
            assertEquals("stop", choice.getString("finish_reason"));
            JsonObject usage = c.getJsonObject("usage");
            assertTrue(usage.getLong("prompt_tokens") > 0 && usage.getLong("completion_tokens") > 0);
            assertEquals(usage.getLong("prompt_tokens") + usage.getLong("completion_tokens"), usage.getLong("total_tokens"));
            assertTrue(c.getJsonObject("agent_chat").getDouble("cost_usd") > 0);
            return keys(api, admin).compose(list -> {
              JsonObject k = list.getJsonArray("api_keys").getJsonObject(0);
              assertEquals(created.getString("id"), k.getString("id"));
              assertNull(k.getValue("key"), "the secret is never listed");
              assertFalse(list.encode().contains(key.substring(key.lastIndexOf('_') + 1)), "nor any part of it");
              assertEquals(c.getJsonObject("agent_chat").getDouble("cost_usd"), k.getDouble("spent_usd"), 1e-12, "its spend this month");
              assertNotNull(k.getString("last_used_at"));
              assertEquals("ada@acme.test", k.getString("email"));
              // the owner's usage counts the turn: the key acts as its owner
              return api.usage(admin);
            }).compose(u -> {
              assertEquals(1, u.getLong("daily_used"));
              assertEquals(0, u.getLong("active_sessions"), "a program's request takes none of its owner's chat slots");
              return api.get("/api/tenants/acme/sessions", admin.idToken()).compose(r -> expect(r, 200));
            }).compose(sessions -> {
              assertTrue(sessions.getJsonArray("sessions").isEmpty(), "nor is it among the owner's chats: " + sessions.encode());
              return api.get("/api/admin/tenants/acme/per-key-cost", admin.idToken()).compose(r -> expect(r, 200));
            }).map(report -> {
              JsonObject row = report.getJsonArray("api_keys").getJsonObject(0);
              assertEquals(created.getString("id"), row.getString("api_key_id"));
              assertEquals("nightly report", row.getString("name"));
              assertEquals(1, row.getLong("turns"));
              assertEquals(usage.getLong("prompt_tokens"), row.getLong("input_tokens"));
              return null;
            });
          });
        })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aStreamedAnswerIsTheWholeAnswerInChunksThenTheFinishTheUsageAndDone(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(admin -> createKey(api, admin,
        new JsonObject().put("name", "cli").put("service_account", "ci"))).compose(created -> {
          String key = created.getString("key");
          assertEquals("ci", created.getString("service_account"));
          JsonObject body = ask("tell me something").put("stream", true).put("stream_options", new JsonObject().put("include_usage", true));
          return completion(key, body).compose(r -> {
            assertEquals(200, r.statusCode(), r.bodyAsString());
            assertTrue(r.getHeader("Content-Type").startsWith("text/event-stream"));
            List<JsonObject> events = events(r.bodyAsString());
            assertEquals("assistant", events.get(0).getJsonArray("choices").getJsonObject(0).getJsonObject("delta").getString("role"));
            StringBuilder text = new StringBuilder();
            String finish = null;
            JsonObject usage = null;
            for (JsonObject e : events) {
              assertEquals("chat.completion.chunk", e.getString("object"));
              assertEquals(events.get(0).getString("id"), e.getString("id"), "one id for the whole stream");
              JsonArray choices = e.getJsonArray("choices");
              if (choices.isEmpty()) {
                usage = e.getJsonObject("usage");
                continue;
              }
              JsonObject choice = choices.getJsonObject(0);
              text.append(choice.getJsonObject("delta").getString("content", ""));
              if (choice.getString("finish_reason") != null) {
                finish = choice.getString("finish_reason");
              }
            }
            assertEquals("stop", finish);
            assertNotNull(usage, "usage in the last chunk, as include_usage asks");
            assertTrue(usage.getLong("completion_tokens") > 0);
            assertTrue(events.size() >= 4, "role, content, finish and usage: " + events.size());
            String streamed = text.toString();
            // the same question without streaming gives the same (offline, deterministic) answer
            return completion(key, ask("tell me something")).compose(w -> expect(w, 200)).map(whole -> {
              assertEquals(whole.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content"), streamed);
              return null;
            });
          });
        }).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aRevokedKeyIsRefusedOnTheNextRequest(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(admin -> createKey(api, admin,
        new JsonObject().put("name", "temp").put("user_id", admin.sub())).compose(created -> {
          String key = created.getString("key");
          return completion(key, ask("one")).compose(r -> expect(r, 200))
              .compose(v -> api.client.delete("/api/admin/tenants/acme/api-keys/" + created.getString("id"))
                  .putHeader("Authorization", "Bearer " + admin.idToken()).send())
              .compose(r -> expect(r, 200))
              .compose(revoked -> {
                assertEquals("revoked", revoked.getString("status"));
                assertNotNull(revoked.getString("revoked_at"));
                return completion(key, ask("two"));
              })
              .map(r -> {
                JsonObject e = openAiError(r, 401, "authentication_error", "unauthorized");
                assertTrue(e.getString("message").contains("revoked"), e.encode());
                return null;
              })
              .compose(v -> api.get("/v1/models", key)).map(r -> openAiError(r, 401, "authentication_error", "unauthorized"));
        })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void badKeysAndBadRequestsAreRefusedInOpenAisShape(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(admin -> createKey(api, admin,
        new JsonObject().put("name", "k").put("user_id", admin.sub())).compose(created -> {
          String key = created.getString("key");
          String forged = key.substring(0, key.length() - 1) + (key.endsWith("0") ? "1" : "0");
          return completion(null, ask("x")).map(r -> openAiError(r, 401, "authentication_error", "unauthorized"))
              .compose(v -> completion(admin.idToken(), ask("x"))).map(r -> openAiError(r, 401, "authentication_error", "unauthorized"))
              .compose(v -> completion(forged, ask("x"))).map(r -> openAiError(r, 401, "authentication_error", "unauthorized"))
              .compose(v -> api.client.post("/v1/chat/completions").putHeader("Authorization", "Bearer " + key)
                  .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer("{not json")))
              .map(r -> openAiError(r, 400, "invalid_request_error", "invalid_request"))
              .compose(v -> completion(key, ask("x").put("functions", new JsonArray())))
              .map(r -> {
                assertTrue(openAiError(r, 400, "invalid_request_error", "invalid_request").getString("message").contains("functions"));
                return null;
              })
              .compose(v -> completion(key, new JsonObject().put("messages", new JsonArray().add(new JsonObject().put("role", "assistant")
                  .put("content", "hi")))))
              .map(r -> openAiError(r, 400, "invalid_request_error", "invalid_request"))
              .compose(v -> completion(key, ask("x").put("model", "anthropic.claude-3-5-sonnet")))
              .map(r -> openAiError(r, 404, "not_found_error", "model_not_found"))
              .compose(v -> api.get("/v1/models", key)).compose(r -> expect(r, 200)).map(models -> {
                assertEquals("list", models.getString("object"));
                assertEquals(List.of("anthropic.claude-3-haiku"), models.getJsonArray("data").stream()
                    .map(o -> ((JsonObject) o).getString("id")).toList(), "the basic plan's models");
                return null;
              })
              .compose(v -> api.get("/v1/nothing", key)).map(r -> openAiError(r, 404, "not_found_error", "not_found"))
              // nothing of it was charged
              .compose(v -> api.usage(admin)).map(u -> {
                assertEquals(0, u.getLong("daily_used"));
                return null;
              });
        })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aRepeatedIdempotencyKeyIsAnsweredByTheSameTurnAndChargedOnce(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(admin -> createKey(api, admin,
        new JsonObject().put("name", "k").put("user_id", admin.sub())).compose(created -> {
          String key = created.getString("key");
          return completion(key, ask("same"), "req-1").compose(r -> expect(r, 200))
              .compose(first -> completion(key, ask("same"), "req-1").compose(r -> expect(r, 200)).map(second -> {
                assertEquals(first.getString("id"), second.getString("id"));
                assertEquals(first.getJsonArray("choices").encode(), second.getJsonArray("choices").encode());
                assertTrue(second.getJsonObject("agent_chat").getBoolean("duplicate"));
                return null;
              }))
              .compose(v -> api.usage(admin)).map(u -> {
                assertEquals(1, u.getLong("daily_used"), "charged once");
                return null;
              });
        })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aKeysOwnRateRefusesWithRetryAfter(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(admin -> createKey(api, admin,
        new JsonObject().put("name", "slow").put("user_id", admin.sub()).put("requests_per_minute", 2)).compose(created -> {
          String key = created.getString("key");
          return completion(key, ask("1")).compose(r -> expect(r, 200))
              .compose(v -> completion(key, ask("2"))).compose(r -> expect(r, 200))
              .compose(v -> completion(key, ask("3"))).map(r -> {
                openAiError(r, 429, "rate_limit_error", "rate_limited");
                assertTrue(Long.parseLong(r.getHeader("Retry-After")) >= 1);
                return null;
              });
        })).onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void hundredConcurrentRequestsWithFiftyMessagesLeftAdmitExactlyFifty(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(admin -> createKey(api, admin,
        new JsonObject().put("name", "burst").put("service_account", "burst")).compose(created -> {
          String key = created.getString("key");
          List<Future<HttpResponse<Buffer>>> all = new ArrayList<>();
          for (int i = 0; i < 100; i++) {
            all.add(completion(key, ask("hello " + i).put("stream", i % 2 == 0)));
          }
          return Future.all(all).compose(cf -> {
            int ok = 0;
            int unavailable = 0;
            for (Future<HttpResponse<Buffer>> f : all) {
              HttpResponse<Buffer> r = f.result();
              if (r.statusCode() == 200) {
                ok++;
              } else if (r.statusCode() == 503 && storeMayDropConnections()) {
                openAiError(r, 503, "api_error", "store_unavailable");
                unavailable++;
              } else {
                openAiError(r, 429, "insufficient_quota", "quota_exceeded");
                long retry = Long.parseLong(r.getHeader("Retry-After"));
                assertTrue(retry >= 1 && retry <= 86_400, "until the next UTC midnight: " + retry);
              }
            }
            if (unavailable == 0) {
              assertEquals(50, ok, "the service account's 50 daily messages admit exactly 50");
            } else {
              assertTrue(ok <= 50, "never more than the 50 messages left: " + ok);
            }
            int admitted = ok;
            java.time.Instant now = java.time.Instant.now();
            return noTurnsLeft().compose(v -> app.store().usage().quotaUsage("acme", "svc-burst", io.agentchat.store.Periods.dayKey(now),
                io.agentchat.store.Periods.monthKey(now), now)).map(q -> {
                  assertEquals(admitted, q.dailyUsed(), "the store counts exactly the admitted requests: a failed one gave its message back");
                  return null;
                });
          });
        })).onComplete(ctx.succeedingThenComplete());
  }

  /**
   * Whether the store under test may lose a connection under a burst (dynalite, on Node, sometimes closes one mid-request;
   * the write that cannot be retried then fails with store_unavailable and gives back what it took).
   */
  protected boolean storeMayDropConnections() {
    return false;
  }

  @Test
  void keysAreTheirTenantsOnly(VertxTestContext ctx) {
    api.signupAndLogin("ada@acme.test", "acme", "basic", null).compose(ada -> api.signupAndLogin("bob@globex.test", "globex", "basic", null)
        .compose(bob -> createKey(api, ada, new JsonObject().put("name", "acme's").put("user_id", ada.sub())).compose(created -> {
          String id = created.getString("id");
          String key = created.getString("key");
          String elsewhere = key.replace("ack_acme_", "ack_globex_");
          return api.get("/api/admin/tenants/acme/api-keys", bob.idToken()).compose(r -> Api.expectError(r, 404, "not_found"))
              .compose(v -> api.client.delete("/api/admin/tenants/globex/api-keys/" + id).putHeader("Authorization", "Bearer " + bob.idToken()).send())
              .compose(r -> Api.expectError(r, 404, "not_found"))
              .compose(v -> api.post("/api/admin/tenants/globex/api-keys", bob.idToken(), new JsonObject().put("name", "x").put("user_id", ada.sub())))
              .compose(r -> Api.expectError(r, 404, "not_found"))
              .compose(v -> completion(elsewhere, ask("x"))).map(r -> openAiError(r, 401, "authentication_error", "unauthorized"))
              .compose(v -> keys(api, bob)).map(l -> {
                assertTrue(l.getJsonArray("api_keys").isEmpty());
                return null;
              })
              .compose(v -> keys(api, ada)).map(l -> {
                assertEquals("active", l.getJsonArray("api_keys").getJsonObject(0).getString("status"), "still usable");
                return null;
              });
        }))).onComplete(ctx.succeedingThenComplete());
  }
}
