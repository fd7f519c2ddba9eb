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

    private KeyView(String accessKeyId, CredentialSource source, RequestIdentity identity, String callerArn,
            boolean settled, long retryAtMillis, String note) {
        this.accessKeyId = accessKeyId;
        this.maskedAccessKeyId = AccessKeyIds.mask(accessKeyId);
        this.source = source;
        this.identity = identity;
        this.callerArn = callerArn;
        this.settled = settled;
        this.retryAtMillis = retryAtMillis;
        this.note = note;
    }

    static KeyView settled(String accessKeyId, CredentialSource source, RequestIdentity identity, String callerArn) {
        return new KeyView(accessKeyId, source, identity, callerArn, true, Long.MAX_VALUE, null);
    }

    static KeyView unidentified(String accessKeyId, CredentialSource source, long retryAtMillis, String note) {
        return new KeyView(accessKeyId, source, RequestIdentity.UNIDENTIFIED, null, false, retryAtMillis, note);
    }
}
