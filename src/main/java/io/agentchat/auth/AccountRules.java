package io.agentchat.auth;

import io.agentchat.auth.AuthMessages.Signup;
import io.agentchat.common.ErrorCode;
import io.agentchat.common.Ids;
import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/** The account rules both identity providers apply before they talk to a store or a user pool. */
final class AccountRules {
  static final int MIN_PASSWORD = 8;
  static final int MAX_PASSWORD = 256;
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,255}\\.[^@\\s]{1,63}");

  private AccountRules() {
  }

  /**
   * E-mail addresses compare in one form, whoever typed them where: trimmed, Unicode NFKC (fullwidth and other
   * compatibility forms become their plain letters), lower case, and the dot a lowered capital I with dot keeps dropped, so
   * that look-alikes name the same account. Used before every lookup and store.
   */
  static String normalizeEmail(String email) {
    if (email == null) {
      return null;
    }
    String lower = Normalizer.normalize(email.trim(), Normalizer.Form.NFKC).toLowerCase(Locale.ROOT).replace("i\u0307", "i");
    return Normalizer.normalize(lower, Normalizer.Form.NFKC);
  }

  /** Invisible, control, private-use and unassigned characters, and spaces: never part of an address. */
  static boolean hasHiddenCharacters(String s) {
    return s.codePoints().anyMatch(c -> switch (Character.getType(c)) {
      case Character.CONTROL, Character.FORMAT, Character.PRIVATE_USE, Character.SURROGATE, Character.UNASSIGNED, Character.SPACE_SEPARATOR,
           Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> true;
      default -> false;
    });
  }

  /** Passwords too common to accept, lower case (a small list shipped with the product). */
  private static final java.util.Set<String> COMMON = commonPasswords();

  private static java.util.Set<String> commonPasswords() {
    try (var in = AccountRules.class.getResourceAsStream("/auth/common-passwords.txt")) {
      if (in == null) {
        throw new IllegalStateException("auth/common-passwords.txt is missing from the build");
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().map(String::strip)
          .filter(l -> !l.isEmpty() && !l.startsWith("#")).map(l -> l.toLowerCase(Locale.ROOT)).collect(java.util.stream.Collectors.toUnmodifiableSet());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * The password policy, the same for sign-up, a change and a reset: {@value #MIN_PASSWORD} to {@value #MAX_PASSWORD}
   * characters, not one of the most common passwords, not the account's own e-mail address or its name part.
   */
  static void requireGoodPassword(String password, String email) {
    if (password == null || password.length() < MIN_PASSWORD || password.length() > MAX_PASSWORD) {
      throw ErrorCode.WEAK_PASSWORD.exception("The password must have " + MIN_PASSWORD + " to " + MAX_PASSWORD + " characters.");
    }
    String lower = password.strip().toLowerCase(Locale.ROOT);
    if (COMMON.contains(lower)) {
      throw ErrorCode.WEAK_PASSWORD.exception("This password is one of the most common ones and easy to guess; choose another.");
    }
    String address = email == null ? "" : normalizeEmail(email);
    if (!address.isEmpty() && (lower.equals(address) || lower.equals(address.substring(0, Math.max(0, address.indexOf('@')))))) {
      throw ErrorCode.WEAK_PASSWORD.exception("The password must not be your e-mail address.");
    }
  }

  /** The checks of a sign-up that need no store. */
  static void validateSignup(Signup s) {
    String email = normalizeEmail(s.email());
    if (email == null || email.length() > 320 || !EMAIL.matcher(email).matches() || hasHiddenCharacters(email)) {
      throw ErrorCode.INVALID_REQUEST.exception("Enter a valid e-mail address.");
    }
    requireGoodPassword(s.password(), email);
    if (!Ids.validTenant(s.tenantId())) {
      throw ErrorCode.INVALID_REQUEST.exception("tenant_id must be 3-40 characters of a-z, 0-9 and '-', starting with a letter.");
    }
    if (Ids.RESERVED_TENANTS.contains(s.tenantId())) {
      throw io.agentchat.store.StoreErrors.tenantExists(s.tenantId()); // said as of a taken one
    }
    boolean joining = s.inviteCode() != null;
    if (joining && s.admin()) {
      throw ErrorCode.FORBIDDEN.exception("Members who join with an invite cannot make themselves admin; an admin of the organisation can grant it.");
    }
  }
}
