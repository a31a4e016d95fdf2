package io.agentchat.auth;

import io.agentchat.common.Identity;
import io.agentchat.common.Ids;

import io.agentchat.store.UserRecord;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.auth.JWTOptions;
import java.time.Instant;

/** Signs Cognito-shaped ID and access tokens with the embedded provider's RS256 key. */
public final class TokenIssuer {
  private final JWTAuth jwt;
  private final JWTOptions options;
  private final LocalIdpConfig config;
  private final String operatorGroup;

  public TokenIssuer(Vertx vertx, SigningKeys keys, LocalIdpConfig config, String operatorGroup) {
    this.config = config;
    this.operatorGroup = operatorGroup;
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm("RS256").setBuffer(keys.privatePem()).setId(keys.kid())));
    this.options = new JWTOptions().setAlgorithm("RS256").setNoTimestamp(true)
        .setHeader(new JsonObject().put("kid", keys.kid()));
  }

  public String idToken(UserRecord user, String tier, Instant now) {
    return sign(new JsonObject()
        .put("sub", user.userId())
        .put("email", user.email())
        .put("email_verified", user.confirmed())
        .put("cognito:username", user.email())
        .put("custom:tenant_id", user.tenantId())
        .put("custom:subscription_tier", tier)
        .put("cognito:groups", groups(user))
        .put("token_use", "id")
        .put("aud", config.clientId()), now);
  }

  public String accessToken(UserRecord user, Instant now) {
    return sign(new JsonObject()
        .put("sub", user.userId())
        .put("username", user.email())
        .put("cognito:groups", groups(user))
        .put("token_use", "access")
        .put("scope", "aws.cognito.signin.user.admin")
        .put("client_id", config.clientId()), now);
  }

  /** Adds what every token carries (issuer, times, a unique id) and signs it; both kinds live as long as the ID token. */
  private String sign(JsonObject claims, Instant now) {
    long iat = now.getEpochSecond();
    claims.put("iss", config.issuer()).put("auth_time", iat).put("iat", iat).put("exp", iat + config.idTokenTtlSeconds()).put("jti", Ids.uuid());
    return jwt.generateToken(claims, options);
  }

  private JsonArray groups(UserRecord user) {
    JsonArray groups = new JsonArray();
    if (user.admin()) {
      groups.add(Identity.adminGroup(user.tenantId()));
    }
    if (config.operators().contains(user.email())) {
      groups.add(operatorGroup);
    }
    return groups;
  }
}
