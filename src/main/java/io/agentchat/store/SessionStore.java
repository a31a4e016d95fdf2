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

  Future<List<SessionRecord>> sessions(String tenantId, String userId, int max);

  Future<List<MessageRecord>> messages(String tenantId, String sessionId, int max);
}
