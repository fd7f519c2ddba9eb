/**
 * Implementation of the simulated EKS pod world. Not a supported API: types here may change in any
 * release. Use {@link io.github.roleprobe.testkit.EksPodSimulator} instead.
 */
package io.github.roleprobe.testkit.internal;
