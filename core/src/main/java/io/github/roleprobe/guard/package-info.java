/**
 * The request guard: what the application's own AWS SDK clients sign their requests with.
 *
 * <p>{@link io.github.roleprobe.guard.RequestGuardInterceptor} is loaded by the AWS SDK into every client;
 * {@link io.github.roleprobe.guard.RequestGuard} (one per verifier) judges each signed request and hands the
 * verifier its evidence ({@link io.github.roleprobe.guard.GuardEvidence}); {@link io.github.roleprobe.guard.GuardMode}
 * says whether requests are only observed or also refused.
 */
package io.github.roleprobe.guard;
