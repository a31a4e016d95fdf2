package io.agentchat.auth;

import io.agentchat.config.ConfigReader;

/**
 * An Amazon Cognito user pool ({@code auth.cognito}): {@code issuer} defaults to
 * {@code https://cognito-idp.<region>.amazonaws.com/<userPoolId>} (cognito-local's is {@code http://localhost:<port>/<poolId>});
 * {@code endpoint} is the Cognito API (defaults to the regional one). {@code jwksMinRefreshMs}: a token with an unknown key
 * id makes the JWKS be fetched again at most once per this interval. {@code signupClientId}/{@code signupClientSecret}: an
 * optional server-only app client (with a secret) used for SignUp when the web client may not write
 * {@code custom:tenant_id} and {@code custom:subscription_tier}.
 */
public record CognitoConfig(String region, String userPoolId, String clientId, String issuer, String endpoint, long jwksMinRefreshMs,
                            long callTimeoutMs, String signupClientId, String signupClientSecret) {

  /** {@code required}: the pool and client must be given (Cognito mode). */
  public static CognitoConfig from(ConfigReader r, boolean required) {
    String region = r.string("region", "us-east-1");
    String pool = required ? r.string("userPoolId", null) : r.optionalString("userPoolId");
    String client = required ? r.string("clientId", null) : r.optionalString("clientId");
    String issuer = r.optionalUrl("issuer");
    String endpoint = r.optionalUrl("endpoint");
    return new CognitoConfig(region, pool, client,
        issuer != null ? stripSlash(issuer) : "https://cognito-idp." + region + ".amazonaws.com/" + pool,
        endpoint != null ? stripSlash(endpoint) : "https://cognito-idp." + region + ".amazonaws.com",
        r.longValue("jwksMinRefreshMs", 30_000, 10, 86_400_000),
        r.longValue("callTimeoutMs", 10_000, 100, 120_000),
        r.optionalString("signupClientId"),
        r.optionalString("signupClientSecret"));
  }

  /** The app client that signs users up: a server-only client allowed to write the custom attributes, else the web client. */
  public String signupClient() {
    return signupClientId != null ? signupClientId : clientId;
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  public String jwksUrl() {
    return issuer + "/.well-known/jwks.json";
  }
}
