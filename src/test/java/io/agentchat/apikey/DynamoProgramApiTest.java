package io.agentchat.apikey;

import io.agentchat.support.Dynalite;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/** The same tests with the DynamoDB store, on dynalite, with tables of their own. */
class DynamoProgramApiTest extends ProgramApiTest {
  private final String tables = Dynalite.uniquePrefix();

  @Override
  protected JsonObject config(Path dir) {
    return Dynalite.shared().useIn(super.config(dir), tables);
  }

  @Override
  protected boolean storeMayDropConnections() {
    return true;
  }
}
