package io.agentchat.common;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;
import java.util.regex.Pattern;

/** Identifier rules and generators shared by all capabilities. */
public final class Ids {
  public static final Pattern TENANT_ID = Pattern.compile("[a-z][a-z0-9-]{2,39}");
  /** User ids: the embedded provider's UUIDs and Cognito's {@code sub}. */
  public static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
  /** Session ids and request ids chosen by clients: short, URL- and key-safe. */
  public static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {
  }

  /** Tenant ids that would collide with the product's own addresses or names. */
  public static final java.util.Set<String> RESERVED_TENANTS = java.util.Set.of("platform", "admin", "system", "operator");

  public static boolean validTenant(String id) {
    return id != null && TENANT_ID.matcher(id).matches();
  }

  public static boolean validClientId(String id) {
    return id != null && CLIENT_ID.matcher(id).matches();
  }

  public static String uuid() {
    return UUID.randomUUID().toString();
  }

  public static String randomToken(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** {@code bytes} random bytes as lowercase hex. */
  public static String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** A human-friendly code of digits, e.g. for e-mail confirmation. */
  public static String digits(int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(RANDOM.nextInt(10));
    }
    return sb.toString();
  }

  public static String sha256Hex(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A deterministic id for a turn: the same tenant, user and request id always give the same turn id. */
  public static String turnId(String tenantId, String userId, String requestId) {
    return "t-" + sha256Hex(tenantId + "\n" + userId + "\n" + requestId).substring(0, 32);
  }

  /** Session key as in the contract: {tenant_id}-{subscription_tier}-{user_id}-{session_id}. */
  public static String sessionKey(String tenantId, String tier, String userId, String sessionId) {
    return tenantId + "-" + tier + "-" + userId + "-" + sessionId;
  }
}
