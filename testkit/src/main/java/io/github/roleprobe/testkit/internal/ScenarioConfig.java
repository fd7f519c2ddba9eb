package io.github.roleprobe.testkit.internal;

import io.github.roleprobe.testkit.AgentFailure;
import io.github.roleprobe.testkit.ImdsMode;
import io.github.roleprobe.testkit.StsFailure;
import io.github.roleprobe.testkit.TokenFileProblem;

import java.time.Duration;
import java.util.List;

/**
 * Everything a simulator was built with. Immutable.
 *
 * @param region                    AWS region
 * @param accountId                 12-digit account id
 * @param clusterName               EKS cluster name
 * @param podName                   pod name (used in Pod Identity session names)
 * @param podIdentityRoleArn        the Pod Identity association's role, or null when Pod Identity is off
 * @param consistentAfter           time after start at which the association becomes effective, or null
 * @param consistentAfterRequests   agent requests that fail before the association is effective (0: none)
 * @param agentFailure              how the agent fails while the association is not effective
 * @param irsaRoleArn               IRSA role, or null when IRSA is off
 * @param inKubernetes              whether to add the {@code KUBERNETES_SERVICE_*} variables
 * @param imdsMode                  initial IMDS behaviour
 * @param nodeRoleArn               the node's instance-profile role
 * @param instanceId                the EC2 instance id (node role session name)
 * @param stsLatency                delay before each STS answer
 * @param stsFailFirst              number of STS requests answered with {@code stsFailFirstWith}
 * @param stsFailFirstWith          failure for the first {@code stsFailFirst} requests
 * @param credentialsLifetime       lifetime of issued credentials
 * @param requestHold               how long black-holed or timed-out requests are held at most
 * @param sqsQueues                 names of the SQS queues that exist in {@code accountId} from the start
 * @param podIdentityTargetRoleArn  the association's target role (credentials are for it), or null
 * @param agentOutage               how every agent request fails from the start, or null for no outage
 * @param tokenFileProblem          the Pod Identity token file's initial state
 * @param stsClockOffset            how far STS's clock is ahead of the real one (negative: behind)
 * @param regionInSettings          whether the system properties and environment name the region
 */
public record ScenarioConfig(String region, String accountId, String clusterName, String podName,
                             String podIdentityRoleArn, Duration consistentAfter, int consistentAfterRequests,
                             AgentFailure agentFailure, String irsaRoleArn, boolean inKubernetes, ImdsMode imdsMode,
                             String nodeRoleArn, String instanceId, Duration stsLatency, int stsFailFirst,
                             StsFailure stsFailFirstWith, Duration credentialsLifetime, Duration requestHold,
                             List<String> sqsQueues, String podIdentityTargetRoleArn, AgentFailure agentOutage,
                             TokenFileProblem tokenFileProblem, Duration stsClockOffset, boolean regionInSettings) {

    /** Copies the queue names. */
    public ScenarioConfig {
        sqsQueues = List.copyOf(sqsQueues);
    }
}
