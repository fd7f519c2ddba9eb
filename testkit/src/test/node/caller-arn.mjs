// Independent cross-check of the role-probe simulator: the AWS SDK for JavaScript v3 default
// credential chain plus STS GetCallerIdentity, configured only by the environment the Java test
// passes in (EksPodSimulator.environment()). Prints the caller ARN and nothing else; never prints
// credentials. Exit status 1 with a one-line reason on stderr when it fails.
import { STSClient, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { fromNodeProviderChain } from "@aws-sdk/credential-providers";

try {
  const client = new STSClient({ credentials: fromNodeProviderChain(), maxAttempts: 1 });
  const identity = await client.send(new GetCallerIdentityCommand({}));
  process.stdout.write(`${identity.Arn}\n`);
} catch (error) {
  process.stderr.write(`caller-arn failed: ${error?.name ?? "Error"}: ${error?.message ?? error}\n`);
  process.exitCode = 1;
}
