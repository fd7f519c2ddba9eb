/**
 * The role-probe sidecar: one executable jar ({@code role-probe serve|wait|check}) that verifies a pod's AWS identity
 * with core's verifier for pods in any language. Entry point {@link io.github.roleprobe.sidecar.RoleProbeSidecar}.
 */
package io.github.roleprobe.sidecar;
