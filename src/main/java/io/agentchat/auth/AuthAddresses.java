package io.agentchat.auth;

/** Event-bus addresses of the identity capability. */
public final class AuthAddresses {
  public static final String SIGNUP = "auth.signup";
  public static final String PROFILE = "auth.profile";
  public static final String SET_PROFILE = "auth.profile.set";
  public static final String CONFIRM = "auth.confirm";
  public static final String LOGIN = "auth.login";
  public static final String REFRESH = "auth.refresh";
  public static final String INVITE = "auth.invite";
  public static final String MAILBOX = "auth.mailbox";
  /** A tenant's members, for its admins. */
  public static final String MEMBERS = "auth.members";
  /** The tenants the caller administers. */
  public static final String MY_TENANTS = "auth.my-tenants";
  /** Adds a member to the tenant's admin group (in Cognito mode through the user pool as well). */
  public static final String ADD_TO_GROUP = "auth.add-to-group";
  /**
   * Published to every node (JSON, {@link Revocations#event}): a user's tokens issued until then are refused; their bridge
   * sockets close when it says so, and their turns stop (a removal).
   */
  public static final String REVOKED = "auth.revoked";
  /** A tenant admin removes a member. */
  public static final String REMOVE_MEMBER = "auth.remove-member";
  /** A tenant admin makes a member an admin or a plain member. */
  public static final String SET_ROLE = "auth.set-role";
  /** A user signs out on every device. */
  public static final String SIGN_OUT_EVERYWHERE = "auth.sign-out-everywhere";
  public static final String INVITES = "auth.invites";
  /** A platform operator changes an organisation's plan, or suspends or resumes it. */
  public static final String SET_PLAN = "auth.set-plan";
  /** A platform operator lists the organisations. */
  public static final String ORGANISATIONS = "auth.organisations";
  /** A platform operator erases an organisation. */
  public static final String ERASE_ORGANISATION = "auth.erase-organisation";
  public static final String SET_SUSPENDED = "auth.set-suspended";
  public static final String REVOKE_INVITE = "auth.revoke-invite";
  public static final String CHANGE_PASSWORD = "auth.change-password";
  public static final String FORGOT_PASSWORD = "auth.forgot-password";
  public static final String RESET_PASSWORD = "auth.reset-password";
  /** How long a caller waits for the identity capability (Cognito calls included). */
  public static final long CALL_TIMEOUT_MS = 30_000;

  private AuthAddresses() {
  }
}
