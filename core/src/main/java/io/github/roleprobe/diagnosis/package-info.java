/**
 * Why credential resolution failed, in words a person can act on: which component of the pod's credential delivery
 * failed (the EKS Pod Identity agent, a token file, STS under IRSA, the application's own provider) and how, with a
 * remedy that fits that cause.
 *
 * <p>The SDK's credential provider chain reports only each provider's top-level message (its causes are dropped),
 * and several different failures of the container provider read the same ("Failed to load credentials from metadata
 * service."). {@link io.github.roleprobe.diagnosis.CredentialFailureDiagnosis} therefore reads the chain's message
 * per provider, checks the token file locally, and when that is not enough asks the agent once itself. Texts are
 * stable from attempt to attempt (no request ids, attempt counts or object hashes) and never contain a token.
 */
package io.github.roleprobe.diagnosis;
