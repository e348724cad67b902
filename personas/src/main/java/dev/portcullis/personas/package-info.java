/**
 * Personas and entitlements: what an agent acting for a person may do.
 *
 * <p>A {@link dev.portcullis.personas.PolicyBundle} is loaded from YAML by
 * {@link dev.portcullis.personas.PolicyLoader}. It binds IdP groups (and individual subjects) to grants
 * ({@link dev.portcullis.personas.Entitlement}), describes agent roles
 * ({@link dev.portcullis.personas.Persona}) and says how a caller's persona is found
 * ({@link dev.portcullis.personas.Bindings}). The effective permission for a request is the
 * intersection of the person's entitlements and the persona; anything not granted by both is denied.
 * Decisions are pure functions of the bundle, the caller, the target and the time, and every decision
 * carries the bundle's {@link dev.portcullis.personas.PolicyBundle#version() policyVersion}.
 */
package dev.portcullis.personas;
