package io.github.roleprobe.sample.micronaut;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Provider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/** Answers who the application's own AWS SDK client is, as STS sees it. */
@Controller("/whoami")
public class WhoAmIController {

    private final Provider<StsClient> sts;

    /** @param sts the application's STS client, created on first request */
    public WhoAmIController(Provider<StsClient> sts) {
        this.sts = sts;
    }

    /**
     * Calls STS {@code GetCallerIdentity} with the application's own client.
     *
     * @return 200 with the caller ARN, or 502 with the SDK's error message
     */
    @Get
    @ExecuteOn(TaskExecutors.BLOCKING)
    public HttpResponse<?> whoami() {
        try {
            GetCallerIdentityResponse r = sts.get().getCallerIdentity();
            return HttpResponse.ok(new WhoAmI(r.arn(), r.account(), r.userId()));
        } catch (SdkException e) {
            return HttpResponse.status(HttpStatus.BAD_GATEWAY).body(new WhoAmIError(e.getMessage()));
        }
    }

    /**
     * The caller identity.
     *
     * @param arn     caller ARN
     * @param account account id
     * @param userId  unique id, {@code ROLEID:SESSION} for roles
     */
    @Serdeable
    public record WhoAmI(String arn, String account, String userId) {
    }

    /** @param error why STS could not be asked */
    @Serdeable
    public record WhoAmIError(String error) {
    }
}
