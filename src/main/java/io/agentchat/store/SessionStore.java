package io.agentchat.store;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Chat sessions and their messages. */
public interface SessionStore {

  /** Creates the session unless the user already has {@code limit} unexpired sessions (then fails with session_limit). Exact under concurrency. */
  Future<SessionRecord> createSession(SessionRecord session, int limit);

  /** The user's newest unexpired session, or a new one created under the same limit rule. */
  Future<SessionRecord> latestOrNewSession(SessionRecord candidate, int limit);

  Future<Optional<SessionRecord>> session(String tenantId, String sessionId);

  /**
   * The user's chats, the last used first (then the newest): the sessions of programs' requests ({@link #programSession}) are
   * not among them.
   */
  Future<List<SessionRecord>> sessions(String tenantId, String userId, int max);

  /** Gives the session a title; false when there is no such session. */
  Future<Boolean> renameSession(String tenantId, String sessionId, String title);

  /**
   * Ends the session at {@code at} (its slot is free from then on) and marks it closed; a session that ended already keeps
   * its end. The session as it is afterwards, empty when there is none.
   */
  Future<Optional<SessionRecord>> closeSession(String tenantId, String sessionId, Instant at);

  /**
   * Deletes the session, its messages and its turns' trace steps, and frees its slot; its turns and usage stay in the
   * ledger. False when there was no such session.
   */
  Future<Boolean> deleteSession(String tenantId, String sessionId);

  /** Hides a turn's question and answer from the conversation (its messages and searches); its usage stays. */
  Future<Void> hideTurn(String tenantId, String sessionId, String turnId);

  /**
   * The user's chats (not programs' sessions) whose title or a visible message contains {@code text}, ignoring case; the
   * last used first, at most {@code max}.
   */
  Future<List<SearchHit>> search(String tenantId, String userId, String text, int max);

  /** Sessions of programs' requests (the OpenAI-compatible API) have ids starting with this. */
  String PROGRAM_SESSION_PREFIX = "api-";

  static boolean programSession(String sessionId) {
    return sessionId != null && sessionId.startsWith(PROGRAM_SESSION_PREFIX);
  }

  Future<List<MessageRecord>> messages(String tenantId, String sessionId, int max);

  /** The session's owner record ({@link SessionOwner#NONE} when there is none). Cluster mode only. */
  default Future<SessionOwner> sessionOwner(String tenantId, String sessionId) {
    return Future.failedFuture(new UnsupportedOperationException("session ownership needs a shared store"));
  }

  /** Takes the session for {@code node} if its owner record is still {@code seen}: true when this call took it. */
  default Future<Boolean> claimSession(String tenantId, String sessionId, String node, SessionOwner seen) {
    return Future.failedFuture(new UnsupportedOperationException("session ownership needs a shared store"));
  }

  /** Gives the session up if {@code mine} still owns it: true when released. */
  default Future<Boolean> releaseSession(String tenantId, String sessionId, SessionOwner mine) {
    return Future.failedFuture(new UnsupportedOperationException("session ownership needs a shared store"));
  }
}
