package io.github.roleprobe.sample.spring;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/** Answers who the application's own AWS SDK client is, as STS sees it. */
@RestController
public class WhoAmIController {

    private final ObjectProvider<StsClient> sts;

    /** @param sts the application's STS client, created on first request */
    public WhoAmIController(ObjectProvider<StsClient> sts) {
        this.sts = sts;
    }

    /**
     * Calls STS {@code GetCallerIdentity} with the application's own client.
     *
     * @return 200 with the caller ARN, or 502 with the SDK's error message
     */
    @GetMapping("/whoami")
    public ResponseEntity<?> whoami() {
        try {
            GetCallerIdentityResponse r = sts.getObject().getCallerIdentity();
            return ResponseEntity.ok(new WhoAmI(r.arn(), r.account(), r.userId()));
        } catch (SdkException e) {
            return ResponseEntity.status(HttpStatus.BAD_GATEWAY).body(new WhoAmIError(e.getMessage()));
        }
    }

    /**
     * The caller identity.
     *
     * @param arn     caller ARN
     * @param account account id
     * @param userId  unique id, {@code ROLEID:SESSION} for roles
     */
    public record WhoAmI(String arn, String account, String userId) {
    }

    /** @param error why STS could not be asked */
    public record WhoAmIError(String error) {
    }
}
