package io.agentchat.auth;

import io.agentchat.common.Identity;
import io.agentchat.common.LocalCodec;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.List;

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

  /**
   * {@code addressTaken}: the address already had an account, so nothing was created and the answer only looks like a new
   * sign-up's (never told to the client).
   */
  public record SignupResult(String userId, boolean confirmationRequired, boolean tenantCreated, boolean addressTaken) {
    public SignupResult(String userId, boolean confirmationRequired, boolean tenantCreated) {
      this(userId, confirmationRequired, tenantCreated, false);
    }
  }

  public record Confirm(String email, String code) {
  }

  /** A sign-in; {@code clientAddress} is where it came from, for the audit log of a failed one (null when unknown). */
  public record Login(String email, String password, String clientAddress) {
    public Login(String email, String password) {
      this(email, password, null);
    }

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

  /** A new invite; {@code expiresInHours} null: the configured lifetime ({@code auth.local.inviteTtlHours}). */
  public record InviteRequest(Identity identity, Integer expiresInHours) {
    public InviteRequest(Identity identity) {
      this(identity, null);
    }

    /** The invite's lifetime in hours, given the configured one. */
    public long hours(long configured) {
      return expiresInHours == null ? configured : expiresInHours;
    }
  }

  /** A tenant admin lists the tenant's invites. */
  public record ListInvites(Identity identity) {
  }

  public record InviteList(List<io.agentchat.store.InviteRecord> invites) {
    public InviteList {
      invites = List.copyOf(invites);
    }
  }

  /** A tenant admin revokes an unused invite. */
  public record RevokeInvite(Identity identity, String code) {
  }

  public record Invite(String code, Instant expiresAt) {
  }

  public record Mailbox(String email) {
  }

  /** What the development mailbox holds for an address: a code, or (code null) a message in words. */
  public record MailboxMessage(String code, String text) {
  }

  public record ListMembers(Identity identity) {
  }

  /** A member as the tenant's admins see it. */
  /**
   * A member with this month's use: the messages they sent, what their turns cost, and when they last started a chat (null:
   * never).
   */
  public record Member(String userId, String email, String role, boolean confirmed, Instant createdAt, long monthMessages, long monthCostNanos,
                       Instant lastActiveAt, String displayName) {
  }

  public record GetProfile(Identity identity) {
  }

  /** {@code displayName} null clears it. */
  public record SetProfile(Identity identity, String displayName) {
  }

  /** The caller's profile; {@code displayName} null when they set none, {@code role} admin or user. */
  public record Profile(String userId, String email, String displayName, String tenantId, String role) {
  }

  public record MemberList(List<Member> members) {
    public MemberList {
      members = List.copyOf(members);
    }
  }

  public record MyTenants(Identity identity) {
  }

  /** A tenant the caller administers, its plan and whether that plan has admin reports. */
  public record AdminTenant(String tenantId, String tier, boolean adminReports) {
  }

  /** Adds a member, named by {@code userId} or else {@code email}, to {@code group} (null: the tenant's admin group). */
  public record AddToGroup(Identity identity, String userId, String email, String group) {
  }

  public record GroupChange(String userId, String group, boolean added) {
  }

  /** A tenant admin removes a member of their own tenant. */
  public record RemoveMember(Identity identity, String userId) {
  }

  /** A tenant admin makes a member of their own tenant an admin ({@code admin}) or a plain member. */
  public record SetRole(Identity identity, String userId, boolean admin) {
  }

  /** The caller signs out on every device. */
  public record SignOutEverywhere(Identity identity) {
  }

  /** The caller changes their password (the current one is required). */
  public record ChangePassword(Identity identity, String oldPassword, String newPassword) {
    @Override
    public String toString() {
      return "ChangePassword[" + identity.userId() + "]";
    }
  }

  /** Anyone asks for a password-reset code for an address (answered the same whether it has an account or not). */
  public record ForgotPassword(String email) {
  }

  /** A new password with a reset code. */
  public record ResetPassword(String email, String code, String newPassword, String clientAddress) {
    @Override
    public String toString() {
      return "ResetPassword[" + email + "]";
    }
  }

  /** A platform operator changes an organisation's plan. */
  public record SetPlan(Identity identity, String tenantId, String tier) {
  }

  /** A platform operator suspends or resumes an organisation. */
  public record SetSuspended(Identity identity, String tenantId, boolean suspended) {
  }

  /** An organisation's plan and status after an operator's change. */
  public record TenantStatus(String tenantId, String tier, boolean suspended) {
  }

  /** A platform operator erases an organisation (its usage ledger is kept). */
  public record EraseOrganisation(Identity identity, String tenantId) {
  }

  /** A platform operator lists the organisations. */
  public record ListOrganisations(Identity identity) {
  }

  /** An organisation as operators see it: plan, status, members (not removed) and what it spent this month ({@code month}, YYYY-MM). */
  public record Organisation(io.agentchat.store.TenantRecord tenant, int members, long spentNanos) {
  }

  public record OrganisationList(String month, List<Organisation> organisations) {
    public OrganisationList {
      organisations = List.copyOf(organisations);
    }
  }

  /** A member's role after a change: admin, user or removed; {@code changed} false when it was that already. */
  public record MemberChange(String userId, String role, boolean changed) {
  }

  public static void registerCodecs(Vertx vertx) {
    for (Class<?> c : new Class<?>[] {Signup.class, SignupResult.class, Confirm.class, Login.class, Refresh.class, Tokens.class,
        InviteRequest.class, Invite.class, Mailbox.class, MailboxMessage.class, GetProfile.class, SetProfile.class, Profile.class, ListMembers.class, MemberList.class, MyTenants.class, AdminTenant.class,
        AddToGroup.class, GroupChange.class, RemoveMember.class, SetRole.class, SignOutEverywhere.class,
        MemberChange.class, ChangePassword.class, ForgotPassword.class, ResetPassword.class, ListInvites.class, InviteList.class,
        RevokeInvite.class, SetPlan.class, SetSuspended.class, TenantStatus.class,
        ListOrganisations.class, Organisation.class, OrganisationList.class, EraseOrganisation.class}) {
      LocalCodec.register(vertx, c);
    }
  }
}
