package io.agentchat.session;

import io.agentchat.common.ErrorCode;
import io.agentchat.common.Ids;
import io.agentchat.session.SessionMessages.ChatTurn;
import io.agentchat.store.SessionRecord;
import io.agentchat.store.Store;
import io.vertx.core.Future;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A turn that replaces the chat's latest one (regenerate, edit): the replaced turn must be the caller's, of this chat, its
 * latest, and finished. Once the new turn is admitted (metered as any other), the old question and answer are hidden from
 * the conversation; their usage stays in the ledger.
 */
final class Replacement {
  private static final Logger LOG = LoggerFactory.getLogger(Replacement.class);

  private Replacement() {
  }

  /**
   * Checks {@code cmd.replacesTurnId()}: 409 turn_in_progress while it runs or waits, 400 when it is not the chat's latest
   * finished turn of the caller. A repeated request (its request id already a turn) passes, to be answered as a duplicate.
   * {@code live} tells the turns the actor holds, {@code idle} whether it holds none (checked again after the reads).
   */
  static Future<Void> check(Store store, SessionRecord session, ChatTurn cmd, Predicate<String> live, BooleanSupplier idle) {
    String tenant = session.tenantId();
    String replaced = cmd.replacesTurnId();
    if (live.test(replaced)) {
      return inProgress();
    }
    Future<Boolean> repeated = cmd.requestId() == null ? Future.succeededFuture(false)
        : store.usage().turn(tenant, Ids.turnId(tenant, cmd.identity().userId(), cmd.requestId())).map(t -> t.isPresent());
    return repeated.compose(again -> again ? Future.succeededFuture() : store.usage().turn(tenant, replaced).compose(t -> {
      if (t.isEmpty() || !t.get().userId().equals(cmd.identity().userId()) || !t.get().sessionId().equals(session.sessionId())) {
        return notLatest("replaces_turn_id is not a turn of this chat.");
      }
      if (t.get().running()) {
        return inProgress();
      }
      return store.sessions().messages(tenant, session.sessionId(), 1).compose(last -> {
        if (live.test(replaced)) {
          return inProgress();
        }
        if (last.isEmpty() || !last.get(0).turnId().equals(replaced) || !idle.getAsBoolean()) {
          return notLatest("replaces_turn_id must be the latest turn of this chat.");
        }
        return Future.succeededFuture();
      });
    }));
  }

  /** After admission: the replaced turn's messages hidden (not again for a duplicate). A failure is logged; the new turn runs. */
  static Future<Void> hide(Store store, SessionRecord session, ChatTurn cmd, boolean duplicate) {
    if (cmd.replacesTurnId() == null || duplicate) {
      return Future.succeededFuture();
    }
    return store.sessions().hideTurn(session.tenantId(), session.sessionId(), cmd.replacesTurnId()).recover(e -> {
      LOG.warn("replaced turn not hidden tenant={} session={} turn={}: {}", session.tenantId(), session.sessionId(), cmd.replacesTurnId(),
          e.toString());
      return Future.succeededFuture();
    });
  }

  private static Future<Void> inProgress() {
    return Future.failedFuture(ErrorCode.TURN_IN_PROGRESS.exception("The reply to replace is still running; wait for it or stop it first."));
  }

  private static Future<Void> notLatest(String message) {
    return Future.failedFuture(ErrorCode.INVALID_REQUEST.exception(message));
  }
}
