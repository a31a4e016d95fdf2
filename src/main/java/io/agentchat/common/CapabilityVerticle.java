package io.agentchat.common;

import io.agentchat.Services;
import io.vertx.core.VerticleBase;

/**
 * A capability's verticle: the shared services and its own section of the configuration, both handed to its constructor
 * by {@code App} as its deployment descriptor names them.
 */
public abstract class CapabilityVerticle<C> extends VerticleBase {
  protected final Services services;
  protected final C config;

  protected CapabilityVerticle(Services services, C config) {
    this.services = services;
    this.config = config;
  }
}
