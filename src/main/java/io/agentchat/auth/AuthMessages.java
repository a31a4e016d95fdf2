package io.agentchat.auth;

import io.agentchat.common.Identity;
import io.agentchat.common.LocalCodec;
import io.vertx.core.Vertx;
import java.time.Instant;

/** Messages of the identity capability. */
public final class AuthMessages {
  private AuthMessages() {
  }

  public record Signup(String email, String password, String tenantId, String tier, boolean admin, String inviteCode) {
    @Override
    public String toString() {
      return "Signup[email=" + email + ", tenantId=" + tenantId + ", tier=" + tier + ", admin=" + admin + "]";
    }
  }

  public record SignupResult(String userId, boolean confirmationRequired, boolean tenantCreated) {
  }

  public record Confirm(String email, String code) {
  }

  public record Login(String email, String password) {
    @Override
    public String toString() {
      return "Login[email=" + email + "]";
    }
  }

  public record Refresh(String refreshToken) {
    @Override
    public String toString() {
      return "Refresh[...]";
    }
  }

  public record Tokens(String idToken, String accessToken, String refreshToken, int expiresIn) {
  }

  public record InviteRequest(Identity identity) {
  }

  public record Invite(String code, Instant expiresAt) {
  }

  public record Mailbox(String email) {
  }

  public static void registerCodecs(Vertx vertx) {
    for (Class<?> c : new Class<?>[] {Signup.class, SignupResult.class, Confirm.class, Login.class, Refresh.class, Tokens.class,
        InviteRequest.class, Invite.class, Mailbox.class}) {
      LocalCodec.register(vertx, c);
    }
  }
}
