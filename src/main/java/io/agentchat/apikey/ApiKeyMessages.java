package io.agentchat.apikey;

import io.agentchat.common.Identity;
import io.agentchat.common.LocalCodec;
import io.agentchat.store.ApiKeyRecord;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.List;

/** Messages of the API-key capability. */
public final class ApiKeyMessages {
  private ApiKeyMessages() {
  }

  /**
   * A new key for a member ({@code userId}) or for a service account of the organisation ({@code serviceAccount}, created
   * on first use of its name); {@code expiresAt} and {@code requestsPerMinute} (0: none of its own) optional,
   * {@code monthlyLimitNanos} below 0: no budget of its own.
   */
  public record CreateKey(Identity identity, String name, String userId, String serviceAccount, Instant expiresAt, long monthlyLimitNanos,
                          int requestsPerMinute) {
  }

  /** A key as its tenant's admins see it: never its secret. {@code limitNanos} null: no budget of its own. */
  public record KeyView(ApiKeyRecord key, String ownerEmail, boolean serviceAccount, Long limitNanos, long spentNanos, Instant now) {
    public String status() {
      return key.revoked() ? "revoked" : key.expired(now) ? "expired" : "active";
    }

    /** The key's public part, which names it without its secret. */
    public String prefix() {
      return ApiKeySecrets.label(key.tenantId(), key.keyId());
    }

    /** The service account's name (null for a member's key). */
    public String serviceAccountName() {
      return serviceAccount && key.userId().startsWith("svc-") ? key.userId().substring(4) : null;
    }
  }

  /** A key just created, with its secret: the only time it is shown. */
  public record CreatedKey(KeyView view, String secret) {
  }

  public record ListKeys(Identity identity) {
  }

  /** The tenant's keys with this month's ({@code month}, YYYY-MM) spending. */
  public record KeyList(String month, List<KeyView> keys) {
    public KeyList {
      keys = List.copyOf(keys);
    }
  }

  public record RevokeKey(Identity identity, String keyId) {
  }

  /** The {@code Authorization} bearer a program sent. */
  public record VerifyKey(String bearer) {
  }

  /** A usable key: who it acts as (its owner, under the organisation's current plan) and its own rate (0: none). */
  public record VerifiedKey(Identity identity, String name, int requestsPerMinute) {
  }

  public static void registerCodecs(Vertx vertx) {
    for (Class<?> c : new Class<?>[] {CreateKey.class, KeyView.class, CreatedKey.class, ListKeys.class, KeyList.class, RevokeKey.class,
        VerifyKey.class, VerifiedKey.class}) {
      LocalCodec.register(vertx, c);
    }
  }
}
