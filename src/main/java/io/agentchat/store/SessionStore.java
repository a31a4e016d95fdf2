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

  /** The user's chats, newest first: the sessions of programs' requests ({@link #programSession}) are not among them. */
  Future<List<SessionRecord>> sessions(String tenantId, String userId, int max);

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
