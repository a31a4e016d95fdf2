package io.agentchat;

import io.agentchat.auth.SigningKeys;
import io.agentchat.auth.TokenVerifier;
import io.agentchat.metering.Pricing;
import io.agentchat.store.Store;
import io.agentchat.tier.TierCatalog;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;

/**
 * Shared, thread-safe objects built once by {@link App} and handed to every verticle's constructor. Configuration is not
 * here: each verticle reads only its own section from {@code config()}. {@code clock} is where metering and sessions read
 * the time (UTC; tests pass one they control). {@code tokens} applies the users' revocation marks ({@code revocations}) and the organisations' current plans ({@code plans}).
 */
public record Services(Store store, TierCatalog tiers, Pricing pricing, SigningKeys signingKeys, TokenVerifier tokens,
                       MeterRegistry meters, io.agentchat.telemetry.Telemetry telemetry, Clock clock,
                       io.agentchat.auth.Revocations revocations, io.agentchat.tier.Plans plans) {
}
