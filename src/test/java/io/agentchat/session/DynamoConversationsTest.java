package io.agentchat.session;

import io.agentchat.support.Dynalite;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/** The same tests with the DynamoDB store, on dynalite, with tables of their own. */
class DynamoConversationsTest extends ConversationsTest {
  private final String tables = Dynalite.uniquePrefix();

  @Override
  protected JsonObject config(Path dir) {
    return Dynalite.shared().useIn(super.config(dir), tables);
  }
}
