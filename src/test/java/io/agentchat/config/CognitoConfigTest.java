package io.agentchat.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.auth.CognitoConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CognitoConfigTest {
  @Test
  void cognitoModeFromTheEnvironmentWithDerivedIssuerAndEndpoint() {
    AppConfig c = ConfigLoader.load(Map.of("AUTH_PROVIDER", "cognito", "COGNITO_REGION", "eu-west-1",
        "COGNITO_USER_POOL_ID", "eu-west-1_AbC123", "COGNITO_CLIENT_ID", "client123"), null);
    assertTrue(c.auth().cognitoMode());
    CognitoConfig g = c.auth().cognito();
    assertEquals("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123", g.issuer());
    assertEquals("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123/.well-known/jwks.json", g.jwksUrl());
    assertEquals("https://cognito-idp.eu-west-1.amazonaws.com", g.endpoint());
    assertEquals("client123", g.clientId());
  }

  @Test
  void overridesForAnEmulator() {
    CognitoConfig g = ConfigLoader.load(Map.of("AUTH_PROVIDER", "cognito", "COGNITO_USER_POOL_ID", "local_1", "COGNITO_CLIENT_ID", "c",
        "COGNITO_ISSUER", "http://localhost:9229/local_1/", "COGNITO_ENDPOINT", "http://127.0.0.1:9229"), null).auth().cognito();
    assertEquals("http://localhost:9229/local_1", g.issuer());
    assertEquals("http://127.0.0.1:9229", g.endpoint());
  }

  @Test
  void poolAndClientAreRequiredInCognitoModeOnly() {
    assertEquals("auth.cognito.userPoolId", assertThrows(ConfigException.class,
        () -> ConfigLoader.load(Map.of("AUTH_PROVIDER", "cognito", "COGNITO_CLIENT_ID", "c"), null)).key());
    assertEquals("auth.cognito.clientId", assertThrows(ConfigException.class,
        () -> ConfigLoader.load(Map.of("AUTH_PROVIDER", "cognito", "COGNITO_USER_POOL_ID", "p"), null)).key());
    assertEquals("auth.cognito.issuer", assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of("AUTH_PROVIDER", "cognito",
        "COGNITO_USER_POOL_ID", "p", "COGNITO_CLIENT_ID", "c", "COGNITO_ISSUER", "not a url"), null)).key());
    assertNull(ConfigLoader.load(Map.of(), null).auth().cognito(), "embedded mode needs no pool");
  }
}
