package io.github.roleprobe.guard;

import io.github.roleprobe.credentials.AccessKeyIds;
import io.github.roleprobe.credentials.CredentialSource;

/**
 * What a request guard knows about one access key id: its identity, the caller ARN STS told (if any), and, while
 * unidentified, why and when to try again. Immutable and thread-safe; holds no secret (the key id is shown masked).
 */
final class KeyView {

    final String accessKeyId;
    final String maskedAccessKeyId;
    final CredentialSource source;
    final RequestIdentity identity;
    final String callerArn;
    /** Final: the identity will not change for this key id. */
    final boolean settled;
    /** While not settled: the clock millis from which another identification may be tried. */
    final long retryAtMillis;
    /** While not settled: why the key is unidentified, one line. */
    final String note;
    /** Settled as the node role by its source, caller ARN still to be learnt from the next request's credentials. */
    final boolean lookupCaller;

    private KeyView(String accessKeyId, CredentialSource source, RequestIdentity identity, String callerArn,
            boolean settled, long retryAtMillis, String note, boolean lookupCaller) {
        this.accessKeyId = accessKeyId;
        this.maskedAccessKeyId = AccessKeyIds.mask(accessKeyId);
        this.source = source;
        this.identity = identity;
        this.callerArn = callerArn;
        this.settled = settled;
        this.retryAtMillis = retryAtMillis;
        this.note = note;
        this.lookupCaller = lookupCaller;
    }

    static KeyView settled(String accessKeyId, CredentialSource source, RequestIdentity identity, String callerArn) {
        return new KeyView(accessKeyId, source, identity, callerArn, true, Long.MAX_VALUE, null, false);
    }

    /** The node role known by its source, adopted without credentials: learn its caller ARN when it signs again. */
    static KeyView nodeRoleToLookUp(String accessKeyId) {
        return new KeyView(accessKeyId, CredentialSource.INSTANCE_PROFILE, RequestIdentity.NODE_ROLE, null, true,
                Long.MAX_VALUE, null, true);
    }

    KeyView withoutLookup() {
        return new KeyView(accessKeyId, source, identity, callerArn, settled, retryAtMillis, note, false);
    }

    static KeyView unidentified(String accessKeyId, CredentialSource source, long retryAtMillis, String note) {
        return new KeyView(accessKeyId, source, RequestIdentity.UNIDENTIFIED, null, false, retryAtMillis, note, false);
    }
}
