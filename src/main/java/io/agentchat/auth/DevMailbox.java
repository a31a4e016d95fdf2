package io.agentchat.auth;

import io.agentchat.auth.AuthMessages.MailboxMessage;
import io.agentchat.common.ErrorCode;
import io.agentchat.store.IdentityStore;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;

/**
 * The embedded provider's development mailbox: what would have been e-mailed to an address, newest first: a password-reset
 * code, a notice that a sign-up was tried for an address that already has an account (instead of a code), or the pending
 * confirmation code. Kept in memory (the store keeps only hashes of reset codes); event-loop only.
 */
final class DevMailbox {
  /** What a sign-up with a taken address gets instead of a confirmation code. */
  static final String ACCOUNT_EXISTS = "Someone (perhaps you) tried to sign up with this address, but it already has an account. "
      + "Log in with its password, or choose \"Forgot password?\" on the log-in page to get a reset code. If this was not you, "
      + "nothing was changed and you can ignore this message.";

  private final boolean on;
  private final Map<String, MailboxMessage> latest = new HashMap<>();

  DevMailbox(boolean on) {
    this.on = on;
  }

  void resetCode(String email, String code) {
    if (on) {
      latest.put(email, new MailboxMessage(code, null));
    }
  }

  void accountExists(String email) {
    if (on) {
      latest.put(email, new MailboxMessage(null, ACCOUNT_EXISTS));
    }
  }

  /** A reset code was used: the next message is the store's again. */
  void used(String email) {
    latest.remove(email);
  }

  /** The newest message for the address; else its pending confirmation code ({@code pending} judges expiry). */
  Future<MailboxMessage> read(IdentityStore store, String email, PendingSignups pending) {
    if (!on) {
      return Future.failedFuture(ErrorCode.NOT_FOUND.exception("The development mailbox is off."));
    }
    MailboxMessage m = latest.get(email);
    if (m != null) {
      return Future.succeededFuture(m);
    }
    return store.userByEmail(email).compose(u -> u.isEmpty() || u.get().confirmCode() == null || pending.expired(u.get())
        ? Future.failedFuture(ErrorCode.NOT_FOUND.exception("No message for this address."))
        : Future.succeededFuture(new MailboxMessage(u.get().confirmCode(), null)));
  }
}
