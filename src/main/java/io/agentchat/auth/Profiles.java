package io.agentchat.auth;

import io.agentchat.auth.AuthMessages.GetProfile;
import io.agentchat.auth.AuthMessages.Profile;
import io.agentchat.auth.AuthMessages.SetProfile;
import io.agentchat.common.ErrorCode;
import io.agentchat.common.Identity;
import io.agentchat.store.IdentityStore;
import io.vertx.core.Future;

/**
 * What a member says about themselves, the same in both identity modes (kept in the store, beside the mirror of a pool's
 * account in Cognito mode): the display name shown instead of their e-mail address. Only the caller's own, from the token.
 */
record Profiles(IdentityStore store) {
  static final int MAX_NAME = 60;

  /**
   * A display name as it is stored: trimmed, 1 to {@value #MAX_NAME} characters, no control, format (invisible) or
   * unassigned characters; null clears it.
   */
  static String displayName(String typed) {
    if (typed == null) {
      return null;
    }
    String name = typed.strip();
    int length = name.codePointCount(0, name.length());
    if (length < 1 || length > MAX_NAME) {
      throw ErrorCode.INVALID_REQUEST.exception("display_name must have 1 to " + MAX_NAME + " characters, or be null to clear it.");
    }
    boolean hidden = name.codePoints().anyMatch(c -> switch (Character.getType(c)) {
      case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE, Character.UNASSIGNED, Character.LINE_SEPARATOR,
           Character.PARAGRAPH_SEPARATOR -> true;
      default -> false;
    });
    if (hidden) {
      throw ErrorCode.INVALID_REQUEST.exception("display_name must not contain control or invisible characters.");
    }
    return name;
  }

  Future<Profile> get(GetProfile g) {
    Identity id = g.identity();
    return store.user(id.tenantId(), id.userId()).compose(u -> u.isEmpty() || u.get().removed()
        ? Future.failedFuture(ErrorCode.UNAUTHORIZED.exception("The account no longer exists."))
        : store.displayName(id.tenantId(), id.userId()).map(name -> new Profile(id.userId(), u.get().email(), name.orElse(null),
            id.tenantId(), u.get().admin() ? "admin" : "user")));
  }

  Future<Profile> set(SetProfile s) {
    Identity id = s.identity();
    String name = displayName(s.displayName());
    return store.setDisplayName(id.tenantId(), id.userId(), name).compose(ok -> ok ? get(new GetProfile(id))
        : Future.failedFuture(ErrorCode.UNAUTHORIZED.exception("The account no longer exists.")));
  }
}
