package io.agentchat.auth;

/** Event-bus addresses of the identity capability. */
public final class AuthAddresses {
  public static final String SIGNUP = "auth.signup";
  public static final String CONFIRM = "auth.confirm";
  public static final String LOGIN = "auth.login";
  public static final String REFRESH = "auth.refresh";
  public static final String INVITE = "auth.invite";
  public static final String MAILBOX = "auth.mailbox";
  /** Cognito mode only: admin group membership goes through the user pool. */
  public static final String ADD_TO_GROUP = "auth.add-to-group";

  private AuthAddresses() {
  }
}
