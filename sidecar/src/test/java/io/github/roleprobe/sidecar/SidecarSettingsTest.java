package io.github.roleprobe.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Bad flags and bad environment values stop every command before anything is verified, with exit code 2 and core's
 * message (setting, value, example) naming where the value came from. In this JVM: no verifier is built for them.
 */
class SidecarSettingsTest {

    record Run(int code, String out, String err) {
    }

    static Run run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = RoleProbeSidecar.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"serve", "wait", "check"})
    void aBadEnvironmentValueIsAUsageErrorWithCoresMessage(String command) {
        Run r = run(Map.of("ROLE_PROBE_ROLE_ARNS", "arn:aws:iam::1111:role/orders"), command);
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("role-probe: Invalid value for 'role-probe.role-arns':"
                + " 'arn:aws:iam::1111:role/orders'. Expected arn:<aws|aws-cn|aws-us-gov>:iam::<12-digit account>:role/"
                + "<optional/path/>name. Set by the environment variable ROLE_PROBE_ROLE_ARNS. Example:"
                + " role-probe.role-arns=arn:aws:iam::111122223333:role/orders" + System.lineSeparator());
        assertThat(r.out()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ROLE_PROBE_REGION|Europe|role-probe.region|Expected an AWS region name.|eu-west-1",
        "ROLE_PROBE_STS_ENDPOINT|ftp://sts|role-probe.sts-endpoint|Expected an absolute http(s) URI with a host.|https://sts.eu-west-1.amazonaws.com",
        "ROLE_PROBE_REFRESH_INTERVAL|10|role-probe.refresh-interval|It must be a duration: a whole number and a unit (ns, ms, s, m, h or d, in lowercase), such as 500ms, 30s or 5m, or ISO-8601, such as PT30S.|60s",
        "ROLE_PROBE_BACKOFF_LOCAL_MAX|fast|role-probe.backoff.local-max|It must be a duration: a whole number and a unit (ns, ms, s, m, h or d, in lowercase), such as 500ms, 30s or 5m, or ISO-8601, such as PT30S.|1s",
        "ROLE_PROBE_STS_TIMEOUT|0s|role-probe.sts-timeout|It must be a positive duration.|5s",
        "ROLE_PROBE_LIVENESS_GRACE|PT-1S|role-probe.liveness-grace|It must not be negative.|60s",
        "ROLE_PROBE_MAX_AGE|20M|role-probe.max-age|It must be a duration: a whole number and a unit (ns, ms, s, m, h or d, in lowercase), such as 500ms, 30s or 5m, or ISO-8601, such as PT30S.|1200s",
    })
    void eachBadEnvironmentValueNamesSettingValueOriginAndExample(String variable, String value, String setting,
                                                                String problem, String example) {
        Run r = run(Map.of(variable, value), "check");
        // core shows an out-of-range duration as it formats durations (PT-1S: -1s)
        value = value.startsWith("PT-") ? "-" + value.substring(3).toLowerCase(java.util.Locale.ROOT) : value;
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("role-probe: Invalid value for '" + setting + "': '" + value + "'. " + problem
                + " Set by the environment variable " + variable + ". Example: " + setting + "=" + example
                + System.lineSeparator());
    }

    @Test
    void aFlagWinsOverItsEnvironmentVariableAndIsNamedWhenBad() {
        Run r = run(Map.of("ROLE_PROBE_BACKOFF_MAX", "5s"), "wait", "--backoff-max", "100ms", "--backoff-initial",
                "1s");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("role-probe: Invalid value for 'role-probe.backoff.max': '100ms'. It must not be"
                + " shorter than role-probe.backoff.initial (1s). Set by --backoff-max. Example: role-probe.backoff.max=5s"
                + System.lineSeparator());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "serve --port abc|Invalid value for option '--port': 'abc' is not a port: a whole number from 0 to 65535 (0: any free port). Example: --port=9090",
        "wait --timeout 5x|Invalid value for option '--timeout': '5x' is not a duration",
        "check --timeout 0s|Invalid value for option '--timeout': '0s' is not a positive duration",
        "wait --timeout 200000d|Invalid value for option '--timeout': '200000d' is too long: at most 106751d. Example: --timeout=120s",
        "check --timeout 106752d|Invalid value for option '--timeout': '106752d' is too long: at most 106751d.",
        "serve --port 70000|Invalid value for option '--port': '70000' is not a port: a whole number from 0 to 65535 (0: any free port). Example: --port=9090",
        "serve --port -1|Invalid value for option '--port': '-1' is not a port: a whole number from 0 to 65535",
        "check --no-such-flag|Unknown option: '--no-such-flag'",
        "check --region|Missing required parameter for option '--region'",
        "frobnicate|Unmatched argument at index 0: 'frobnicate'",
        "''|Missing command: serve, wait or check",
    })
    void badFlagsAreUsageErrorsWithAClearMessage(String line, String message) {
        String[] args = line.isEmpty() ? new String[0] : line.split(" ");
        Run r = run(Map.of(), args);
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith(message);
    }

    @ParameterizedTest
    @EnumSource(Setting.class)
    void everySettingHasTheStartersEnvironmentVariableAndAFlag(Setting s) {
        String variable = "ROLE_PROBE_" + s.key().substring("role-probe.".length()).toUpperCase(java.util.Locale.ROOT)
                .replace('.', '_').replace('-', '_');
        assertThat(s.environmentVariable()).isEqualTo(variable);
        assertThat(run(Map.of(), "check", "--help").out().replaceAll("\\s+", " ")).contains(s.flag() + "=", "Env: " + variable + ".");
    }

    @ParameterizedTest
    @ValueSource(strings = {"wait", "check"})
    void theHelpOfWaitAndCheckListsTheirExitCodes(String command) {
        Run r = run(Map.of(), command, "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out().replaceAll("\\s+", " ")).contains("Exit codes of wait and check: 0 VERIFIED, 2 bad flags or"
                + " environment values, 10 PENDING, 11 WRONG_IDENTITY, 12 NO_CREDENTIALS, 13 NOT_INJECTED, 14"
                + " STS_UNAVAILABLE, 15 MISCONFIGURED, 1 unexpected failure.");
    }
}
