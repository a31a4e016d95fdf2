package io.agentchat.auth;

import io.agentchat.config.ConfigReader;
import java.nio.file.Path;
import java.util.List;

/**
 * The embedded identity provider ({@code auth.local}). {@code operators}: e-mail addresses whose tokens carry the operator
 * group. {@code signingKeyFile}: a PKCS#8 PEM RSA key shared by every node (required in cluster mode); absent, the key is
 * generated once under the data directory.
 */
public record LocalIdpConfig(String issuer, String clientId, int idTokenTtlSeconds, int refreshTokenTtlDays, int inviteTtlHours,
                             boolean devMailbox, int argon2MemoryKiB, int argon2Iterations, int argon2Parallelism,
                             List<String> operators, Path signingKeyFile, int confirmationTtlHours) {
  public LocalIdpConfig {
    operators = List.copyOf(operators);
  }

  /**
   * {@code listensOnLoopback}: whether {@code http.host} is a loopback address. The development mailbox serves pending
   * confirmation codes to anyone who can reach the port, so unless {@code devMailbox} says otherwise it is on only then.
   */
  public static LocalIdpConfig from(ConfigReader r, boolean listensOnLoopback) {
    Boolean mailbox = r.optionalBool("devMailbox");
    ConfigReader a = r.section("argon2");
    String keyFile = r.optionalString("signingKeyFile");
    return new LocalIdpConfig(
        r.string("issuer", "agent-chat-embedded"),
        r.string("clientId", "agent-chat-web"),
        r.integer("idTokenTtlSeconds", 900, 1, 86_400),
        r.integer("refreshTokenTtlDays", 30, 1, 365),
        r.integer("inviteTtlHours", 168, 1, 24 * 365),
        mailbox != null ? mailbox : listensOnLoopback,
        a.integer("memoryKiB", 19_456, 8, 4 * 1024 * 1024),
        a.integer("iterations", 2, 1, 100),
        a.integer("parallelism", 1, 1, 16),
        r.strings("operators").stream().map(AccountRules::normalizeEmail).toList(),
        keyFile == null ? null : Path.of(keyFile),
        r.integer("confirmationTtlHours", 24, 1, 24 * 365));
  }
}
