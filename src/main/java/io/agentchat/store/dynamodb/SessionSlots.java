package io.agentchat.store.dynamodb;

import static io.agentchat.store.dynamodb.Item.num;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A user's slots item: the open sessions (id, creation and expiry in epoch ms) and the version that the next write must
 * find. One item per user, written by compare-and-set on its version, is what makes the session limit exact.
 */
record SessionSlots(List<Slot> all, long version, boolean exists) {
  record Slot(String sessionId, long created, long expires) {
  }

  static final SessionSlots NONE = new SessionSlots(List.of(), 0, false);

  static SessionSlots from(Optional<Map<String, AttributeValue>> item) {
    if (item.isEmpty()) {
      return NONE;
    }
    List<Slot> all = new ArrayList<>();
    AttributeValue m = item.get().get("slots");
    if (m != null && m.hasM()) {
      m.m().forEach((id, v) -> all.add(new Slot(id, num(v.m(), "c"), num(v.m(), "e"))));
    }
    return new SessionSlots(all, num(item.get(), "version"), true);
  }

  List<Slot> activeAt(long nowMs) {
    return all.stream().filter(s -> s.expires() > nowMs).toList();
  }

  /** The item that replaces this one with {@code next}: the version one higher, kept a day past its last expiry. */
  Item next(String tenantId, String userId, List<Slot> next, Instant now) {
    Map<String, AttributeValue> m = new LinkedHashMap<>();
    long keep = now.getEpochSecond() + Duration.ofDays(1).toSeconds();
    for (Slot s : next) {
      m.put(s.sessionId(), AttributeValue.fromM(Item.vals("c", s.created(), "e", s.expires())));
      keep = Math.max(keep, s.expires() / 1000 + Duration.ofDays(1).toSeconds());
    }
    return Keys.slots(tenantId, userId).s("tenant_id", tenantId).s("user_id", userId).n("version", version + 1)
        .put("slots", AttributeValue.fromM(m)).n("ttl", keep).s("w", Claims.token());
  }
}
