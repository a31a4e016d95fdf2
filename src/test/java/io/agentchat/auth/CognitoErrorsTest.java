package io.agentchat.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.agentchat.common.AppException;
import io.agentchat.common.ErrorCode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CognitoErrorsTest {
  @Test
  void cognitoExceptionsBecomeTheContractsCodesWithReadableMessages() {
    Map<String, ErrorCode> expected = Map.of(
        "UsernameExistsException", ErrorCode.USER_EXISTS,
        "CodeMismatchException", ErrorCode.INVALID_CODE,
        "ExpiredCodeException", ErrorCode.INVALID_CODE,
        "NotAuthorizedException", ErrorCode.INVALID_CREDENTIALS,
        "UserNotConfirmedException", ErrorCode.USER_NOT_CONFIRMED,
        "InvalidPasswordException", ErrorCode.WEAK_PASSWORD,
        "com.amazonaws.cognito.identity.idp.model#TooManyRequestsException", ErrorCode.RATE_LIMITED,
        "InternalErrorException", ErrorCode.AUTH_UNAVAILABLE);
    expected.forEach((type, code) -> {
      AppException e = CognitoApi.error(type, "Password did not conform with policy");
      assertEquals(code, e.code(), type);
      assertFalse(e.getMessage().contains("Exception"), "no exception names for people: " + e.getMessage());
    });
  }

  @Test
  void secretHashIsBase64OfHmacSha256OfUsernameAndClientId() {
    // computed independently: printf 'ada@acme.testclient1' | openssl dgst -sha256 -hmac secret -binary | base64
    assertEquals("7IVRRMgQpiAO3W3b6iMzY0Fir20pTLn9XkIP3hYdwhY=", CognitoAuthVerticle.secretHash("ada@acme.test", "client1", "secret"));
  }
}
