package io.agentchat.store;

import static io.agentchat.store.StoreContractTest.code;
import static io.agentchat.store.StoreContractTest.reserve;
import static io.agentchat.store.StoreContractTest.session;
import static io.agentchat.store.StoreContractTest.settle;
import static io.agentchat.store.StoreContractTest.tenantWithSession;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.common.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Managing chats: listed by last use, renamed, closed (which frees the slot), deleted (messages and trace steps gone,
 * usage kept), a replaced turn hidden, and searched among the caller's own chats only.
 */
interface ConversationContract extends StoreContract {

  /** A question and its settled answer, with one trace step. */
  private static Future<Void> exchange(Store s, String tenant, String user, String sessionId, String turnId, String q, String a) {
    SettleRequest plain = settle(tenant, user, sessionId, turnId, a, false);
    SettleRequest withSteps = new SettleRequest(plain.tenantId(), plain.userId(), plain.sessionId(), plain.turnId(), plain.status(), plain.reply(),
        plain.events(), false, plain.now(), List.of(new JsonObject().put("step", "plan").put("text", "think about " + q)));
    return s.usage().reserveTurn(reserve(tenant, user, sessionId, turnId, "r-" + turnId, q, 50, 1000))
        .compose(v -> s.usage().settleTurn(withSteps)).mapEmpty();
  }

  @Test
  default void chatsAreListedByTheirLastUseAndShowIt(Vertx vertx, VertxTestContext ctx) {
    Instant base = Instant.now().minus(Duration.ofMinutes(30)).truncatedTo(ChronoUnit.MILLIS);
    Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    run(vertx, ctx, s -> tenantWithSession(s, "acme", "u1", "older")
        .compose(v -> s.sessions().createSession(session("acme", "first", "u1", base, Duration.ofHours(2)), 10))
        .compose(v -> s.sessions().createSession(session("acme", "second", "u1", base.plusSeconds(10), Duration.ofHours(2)), 10))
        .compose(v -> exchange(s, "acme", "u1", "first", "t1", "question", "answer"))
        .compose(v -> s.sessions().sessions("acme", "u1", 10))
        .map(list -> {
          assertEquals(List.of("first", "older", "second"), list.stream().map(SessionRecord::sessionId).toList(),
              "the chat just used first, then by creation (older was made now, after second)");
          SessionRecord first = list.get(0);
          assertFalse(first.lastUsedAt().isBefore(before), "last used at its latest message");
          assertEquals(base.plusSeconds(10), list.get(2).lastUsedAt(), "a chat without messages was last used when it was made");
          assertEquals("open", first.status(Instant.now()));
          return null;
        }));
  }

  @Test
  default void aRenamedChatKeepsItsNewTitleOnlyInItsTenant(Vertx vertx, VertxTestContext ctx) {
    run(vertx, ctx, s -> tenantWithSession(s, "acme", "u1", "s1")
        .compose(v -> tenantWithSession(s, "beta", "u1", "s2"))
        .compose(v -> Future.all(s.sessions().renameSession("acme", "s1", "Trip to Rome"), s.sessions().renameSession("beta", "s1", "not here"),
            s.sessions().renameSession("acme", "nope", "x")))
        .compose(cf -> {
          assertEquals(List.of(true, false, false), cf.list());
          return exchange(s, "acme", "u1", "s1", "t1", "first question", "answer");
        })
        .compose(v -> s.sessions().session("acme", "s1"))
        .map(found -> {
          assertEquals("Trip to Rome", found.orElseThrow().title(), "the first question does not replace a title given by the user");
          return null;
        }));
  }

  @Test
  default void aClosedChatEndsNowFreesItsSlotAndStaysListed(Vertx vertx, VertxTestContext ctx) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    run(vertx, ctx, s -> s.identity().createTenantWithAdmin(StoreContractTest.tenant("acme"), StoreContractTest.admin("acme", "u1", "u1@acme.test"))
        .compose(v -> s.sessions().createSession(session("acme", "s1", "u1", now.minusSeconds(5), Duration.ofHours(1)), 1))
        .compose(v -> s.sessions().createSession(session("acme", "s2", "u1", now, Duration.ofHours(1)), 1).transform(ar -> {
          assertEquals(ErrorCode.SESSION_LIMIT, code(ar), "one chat at a time");
          return s.sessions().closeSession("acme", "s1", now);
        }))
        .compose(closed -> {
          SessionRecord c = closed.orElseThrow();
          assertEquals(now, c.closedAt());
          assertEquals(now, c.expiresAt(), "it ended when it was closed");
          assertEquals("closed", c.status(now.plusMillis(1)));
          return Future.all(s.sessions().closeSession("beta", "s1", now), s.sessions().closeSession("acme", "nope", now));
        })
        .compose(cf -> {
          assertTrue(cf.<Optional<?>>resultAt(0).isEmpty(), "another tenant's id is no chat of this one");
          assertTrue(cf.<Optional<?>>resultAt(1).isEmpty());
          return s.sessions().createSession(session("acme", "s2", "u1", now.plusMillis(1), Duration.ofHours(1)), 1);
        })
        .compose(v -> s.sessions().closeSession("acme", "s1", now.plusSeconds(60)))
        .compose(again -> {
          assertEquals(now, again.orElseThrow().closedAt(), "closing twice keeps the first end");
          assertEquals(now, again.get().expiresAt());
          return s.sessions().sessions("acme", "u1", 10);
        })
        .map(list -> {
          assertEquals(List.of("s2", "s1"), list.stream().map(SessionRecord::sessionId).toList(), "the closed chat stays readable in the list");
          return null;
        }));
  }

  @Test
  default void aDeletedChatLosesItsMessagesAndStepsButNotItsUsage(Vertx vertx, VertxTestContext ctx) {
    Instant now = Instant.now();
    run(vertx, ctx, s -> s.identity().createTenantWithAdmin(StoreContractTest.tenant("acme"), StoreContractTest.admin("acme", "u1", "u1@acme.test"))
        .compose(v -> s.sessions().createSession(session("acme", "s1", "u1", now.minusSeconds(5), Duration.ofHours(1)), 1))
        .compose(v -> exchange(s, "acme", "u1", "s1", "t1", "question", "answer"))
        .compose(v -> s.usage().traces("acme", "t1"))
        .compose(steps -> {
          assertEquals(1, steps.size());
          return Future.all(s.sessions().deleteSession("beta", "s1"), s.sessions().deleteSession("acme", "s1"));
        })
        .compose(cf -> {
          assertEquals(List.of(false, true), cf.list(), "only the tenant's own chat is deleted");
          return Future.all(List.of(s.sessions().session("acme", "s1"), s.sessions().messages("acme", "s1", 100), s.usage().traces("acme", "t1"),
              s.usage().turnEvents("acme", "t1"), s.usage().turn("acme", "t1"), s.sessions().sessions("acme", "u1", 10),
              s.sessions().deleteSession("acme", "s1")));
        })
        .compose(cf -> {
          assertTrue(cf.<Optional<?>>resultAt(0).isEmpty());
          assertEquals(List.of(), cf.resultAt(1));
          assertEquals(List.of(), cf.resultAt(2), "its trace steps are gone");
          assertEquals(3, cf.<List<UsageEvent>>resultAt(3).size(), "its usage stays in the ledger");
          assertTrue(cf.<Optional<TurnRecord>>resultAt(4).isPresent());
          assertEquals(List.of(), cf.resultAt(5));
          assertFalse(cf.<Boolean>resultAt(6), "deleted once");
          return s.sessions().createSession(session("acme", "s2", "u1", now, Duration.ofHours(1)), 1);
        })
        .map(created -> {
          assertEquals("s2", created.sessionId(), "the deleted chat's slot is free");
          return null;
        }));
  }

  @Test
  default void aHiddenTurnLeavesTheConversationAndItsSearches(Vertx vertx, VertxTestContext ctx) {
    run(vertx, ctx, s -> tenantWithSession(s, "acme", "u1", "s1")
        .compose(v -> exchange(s, "acme", "u1", "s1", "t0", "first zebra", "striped"))
        .compose(v -> exchange(s, "acme", "u1", "s1", "t1", "tell me about lions", "manes"))
        .compose(v -> s.sessions().hideTurn("acme", "s1", "t1"))
        .compose(v -> s.sessions().hideTurn("acme", "s1", "t1"))
        .compose(v -> exchange(s, "acme", "u1", "s1", "t2", "tell me about tigers", "stripes too"))
        .compose(v -> Future.all(List.of(s.sessions().messages("acme", "s1", 100), s.sessions().messages("acme", "s1", 1),
            s.sessions().search("acme", "u1", "lions", 50), s.usage().turnEvents("acme", "t1"), s.sessions().session("acme", "s1"))))
        .map(cf -> {
          assertEquals(4, cf.<Optional<SessionRecord>>resultAt(4).orElseThrow().messageCount(), "hidden messages are not counted (once)");
          assertEquals(List.of("first zebra", "striped", "tell me about tigers", "stripes too"),
              cf.<List<MessageRecord>>resultAt(0).stream().map(MessageRecord::text).toList());
          assertEquals("t2", cf.<List<MessageRecord>>resultAt(1).get(0).turnId());
          assertEquals(List.of(), cf.resultAt(2), "a hidden exchange is not found");
          assertEquals(3, cf.<List<UsageEvent>>resultAt(3).size(), "its usage stays");
          return null;
        }));
  }

  @Test
  default void aSearchFindsOnlyTheCallersChatsIgnoringCaseWithWildcardsTakenLiterally(Vertx vertx, VertxTestContext ctx) {
    Instant base = Instant.now().minus(Duration.ofMinutes(20));
    run(vertx, ctx, s -> tenantWithSession(s, "acme", "u1", "a")
        .compose(v -> Future.all(List.of(s.sessions().createSession(session("acme", "b", "u1", base, Duration.ofHours(2)), 10),
            s.sessions().createSession(session("acme", "c", "u1", base.plusSeconds(1), Duration.ofHours(2)), 10),
            s.sessions().createSession(session("acme", "other-user", "u2", base, Duration.ofHours(2)), 10))))
        .compose(v -> tenantWithSession(s, "beta", "u1", "other-tenant"))
        .compose(v -> exchange(s, "acme", "u1", "a", "t1", "Say Hello World", "hi"))
        .compose(v -> exchange(s, "acme", "u1", "b", "t2", "I am 100% sure", "fine"))
        .compose(v -> exchange(s, "acme", "u1", "c", "t3", "what is snake_case", "a_b"))
        .compose(v -> exchange(s, "acme", "u2", "other-user", "t4", "hello from u2", "hi"))
        .compose(v -> exchange(s, "beta", "u1", "other-tenant", "t5", "hello from beta", "hi"))
        .compose(v -> s.sessions().renameSession("acme", "b", "Percentages"))
        .compose(v -> Future.all(List.of(s.sessions().search("acme", "u1", "HELLO", 50), s.sessions().search("acme", "u1", "%", 50),
            s.sessions().search("acme", "u1", "_", 50), s.sessions().search("acme", "u1", "percent", 50), s.sessions().search("acme", "u1", "i", 2),
            s.sessions().search("acme", "u1", "nothing like it", 50))))
        .map(cf -> {
          List<SearchHit> hello = cf.resultAt(0);
          assertEquals(List.of("a"), hello.stream().map(SearchHit::sessionId).toList(), "not another user's nor another tenant's");
          assertEquals("Say Hello World", hello.get(0).matched());
          assertEquals(List.of("b"), cf.<List<SearchHit>>resultAt(1).stream().map(SearchHit::sessionId).toList(), "% is a character");
          assertEquals(List.of("c"), cf.<List<SearchHit>>resultAt(2).stream().map(SearchHit::sessionId).toList(), "_ is a character");
          SearchHit titled = cf.<List<SearchHit>>resultAt(3).get(0);
          assertEquals("b", titled.sessionId());
          assertNull(titled.matched(), "only the title matched");
          assertEquals(List.of("c", "b"), cf.<List<SearchHit>>resultAt(4).stream().map(SearchHit::sessionId).toList(),
              "the last used first, cut at the limit");
          assertEquals(List.of(), cf.resultAt(5));
          return null;
        }));
  }
}
