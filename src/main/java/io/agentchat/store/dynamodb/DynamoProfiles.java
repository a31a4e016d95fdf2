package io.agentchat.store.dynamodb;

import static io.agentchat.store.dynamodb.Item.str;
import static io.agentchat.store.dynamodb.Item.vals;

import io.agentchat.store.UserRecord;
import io.vertx.core.Future;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** What members say about themselves: the display name, an attribute of the user item of the identity table. */
abstract class DynamoProfiles extends DynamoPart {
  DynamoProfiles(Dynamo d, Claims claims, DynamoConfig config) {
    super(d, claims, config);
  }

  /** Set (or, null, removed) on the member's item; false when there is none or it is removed. */
  public Future<Boolean> setDisplayName(String tenantId, String userId, String displayName) {
    String update = displayName == null ? "REMOVE #display_name" : "SET #display_name = :n";
    var values = displayName == null ? vals(":removed", UserRecord.REMOVED) : vals(":n", displayName, ":removed", UserRecord.REMOVED);
    return d.update(identity, Keys.user(tenantId, userId), update, "attribute_exists(#pk) AND #role <> :removed", values, true)
        .map(i -> true).recover(Dynamo::falseIfConditionFailed);
  }

  public Future<Optional<String>> displayName(String tenantId, String userId) {
    return d.get(identity, Keys.user(tenantId, userId)).map(o -> o.map(i -> str(i, "display_name")));
  }

  /** One query of the tenant's user items. */
  public Future<Map<String, String>> displayNames(String tenantId) {
    return d.prefix(identity, Keys.tenant(tenantId), "USER#").map(items -> items.stream().filter(i -> str(i, "display_name") != null)
        .collect(Collectors.toMap(i -> str(i, "user_id"), i -> str(i, "display_name"))));
  }
}
