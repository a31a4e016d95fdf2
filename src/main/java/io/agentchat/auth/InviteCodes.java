package io.agentchat.auth;

import io.agentchat.auth.AuthMessages.Signup;
import java.security.SecureRandom;
import java.util.Locale;

/**
 * Invite codes people can read aloud and type: ten characters of an alphabet without look-alikes (no 0/O, 1/I/L, and no U),
 * upper case, grouped as {@code ABCD-EFGH-JK}; about 49 bits, single use and short-lived. Typed codes are taken in any case
 * and with or without the dashes or spaces.
 */
final class InviteCodes {
  static final String ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
  static final int LENGTH = 10;
  private static final SecureRandom RANDOM = new SecureRandom();

  private InviteCodes() {
  }

  static String generate() {
    StringBuilder raw = new StringBuilder(LENGTH);
    for (int i = 0; i < LENGTH; i++) {
      raw.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return grouped(raw.toString());
  }

  private static String grouped(String raw) {
    return raw.substring(0, 4) + "-" + raw.substring(4, 8) + "-" + raw.substring(8);
  }

  /**
   * A typed code in the form it is stored in: {@code abcd efgh-jk} and {@code ABCDEFGHJK} are {@code ABCD-EFGH-JK}. Anything
   * that is not such a code (one made before codes had this form, or a wrong one) is kept as typed, trimmed.
   */
  static String normalize(String typed) {
    if (typed == null) {
      return null;
    }
    String raw = typed.strip().replaceAll("[\\s-]", "").toUpperCase(Locale.ROOT);
    if (raw.length() != LENGTH || !raw.chars().allMatch(c -> ALPHABET.indexOf(c) >= 0)) {
      return typed.strip();
    }
    return grouped(raw);
  }

  static Signup normalized(Signup s) {
    return s.inviteCode() == null ? s : new Signup(s.email(), s.password(), s.tenantId(), s.tier(), s.admin(), normalize(s.inviteCode()));
  }
}
