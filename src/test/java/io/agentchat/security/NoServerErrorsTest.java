package io.agentchat.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentchat.support.Api;
import io.agentchat.support.AppTest;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Inputs that used to end in an internal error answer with the contract's error body instead: a budget of 1e400, an
 * add-to-group whose group is null, and the SockJS HTTP fallback transports, which are off (the bridge is WebSocket only).
 */
class NoServerErrorsTest extends AppTest {

  @Test
  void oddInputsGetTheContractsErrorsNotInternalOnes(VertxTestContext ctx) {
    api.signupAndLogin("sal@acme.test", "acme", "premium", null).compose(admin -> {
      List<String> failures = new ArrayList<>();
      String auth = "Bearer " + admin.idToken();
      Future<Void> budget = api.client.put("/api/admin/tenants/acme/budgets").putHeader("Authorization", auth)
          .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer("{\"monthly_usd\":1e400}")).map(r -> {
            expect(failures, "budget 1e400", r.statusCode(), 400, Api.errorCode(r), "invalid_request");
            return null;
          });
      Future<Void> group = budget.compose(v -> api.post("/api/admin/add-to-group", admin.idToken(),
          new JsonObject().put("email", "sal@acme.test").putNull("group"))).map(r -> {
            expect(failures, "add-to-group with a null group", r.statusCode(), 400, Api.errorCode(r), "invalid_request");
            return null;
          });
      Future<Void> transports = group;
      for (String path : List.of("/eventbus/1/abcdef/xhr", "/eventbus/1/abcdef/xhr_send", "/eventbus/1/abcdef/jsonp_send?c=x",
          "/eventbus/1/abcdef/eventsource", "/eventbus/1/abcdef/htmlfile?c=x")) {
        transports = transports.compose(v -> api.client.request(path.contains("send") || path.endsWith("xhr") ? HttpMethod.POST : HttpMethod.GET, path)
            .sendBuffer(Buffer.buffer("[\"{}\"]")).map(r -> {
              if (r.statusCode() >= 500) {
                failures.add(path + " -> " + r.statusCode() + " " + r.bodyAsString());
              }
              return null;
            }));
      }
      return transports.map(v -> {
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        return null;
      });
    }).onComplete(ctx.succeedingThenComplete());
  }

  private static void expect(List<String> failures, String what, int status, int wantStatus, String code, String wantCode) {
    if (status != wantStatus || !wantCode.equals(code)) {
      failures.add(what + " -> " + status + " " + code);
    }
  }
}
