package io.agentchat.apikey;

/** Event-bus addresses of the API-key capability (node-local). */
public final class ApiKeyAddresses {
  /** A tenant admin creates a key: {@code CreateKey} -> {@code CreatedKey}. */
  public static final String CREATE = "apikey.create";
  /** A tenant admin lists the tenant's keys: {@code ListKeys} -> {@code KeyList}. */
  public static final String LIST = "apikey.list";
  /** A tenant admin revokes a key: {@code RevokeKey} -> {@code KeyView}. */
  public static final String REVOKE = "apikey.revoke";
  /** A program presents a key: {@code VerifyKey} -> {@code VerifiedKey}, or unauthorized. */
  public static final String VERIFY = "apikey.verify";

  private ApiKeyAddresses() {
  }
}
