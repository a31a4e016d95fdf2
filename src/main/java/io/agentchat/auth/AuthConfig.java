package io.agentchat.auth;

import io.agentchat.config.ConfigReader;
import java.util.Set;

/**
 * The {@code auth} section: which identity provider signs users in ({@code local}, the embedded one, or {@code cognito}),
 * the settings of each, and {@code operatorGroup}, whose members see the platform-wide monitor feed. {@code cognito} is
 * null in embedded mode.
 */
public record AuthConfig(String provider, LocalIdpConfig local, String operatorGroup, CognitoConfig cognito) {
  /** {@code listensOnLoopback}: whether the server listens on a loopback address only (see {@link LocalIdpConfig#from}). */
  public static AuthConfig from(ConfigReader r, boolean listensOnLoopback) {
    String provider = r.oneOf("provider", "local", Set.of("local", "cognito"));
    boolean cognito = "cognito".equals(provider);
    if (!cognito && r.isDescribing()) {
      CognitoConfig.from(r.section("cognito"), false);
    }
    return new AuthConfig(provider, LocalIdpConfig.from(r.section("local"), listensOnLoopback), r.string("operatorGroup", "platform-operators"),
        cognito ? CognitoConfig.from(r.section("cognito"), true) : null);
  }

  public boolean cognitoMode() {
    return "cognito".equals(provider);
  }

  /** Whether confirmation codes are served at {@code /api/dev/mailbox/{email}} (embedded mode only). */
  public boolean devMailbox() {
    return local.devMailbox() && !cognitoMode();
  }
}
