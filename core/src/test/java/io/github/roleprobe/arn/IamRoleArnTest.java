package io.github.roleprobe.arn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.roleprobe.config.InvalidSettingException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IamRoleArnTest {

    private static AssumedRoleArn caller(String arn) {
        return AssumedRoleArn.parse(arn).orElseThrow();
    }

    @Test
    void parsesRoleWithPathKeepingPathForDisplay() {
        IamRoleArn role = IamRoleArn.parse("role-probe.role-arns", " arn:aws:iam::111122223333:role/team/app/orders ");

        assertThat(role.partition()).isEqualTo("aws");
        assertThat(role.accountId()).isEqualTo("111122223333");
        assertThat(role.path()).isEqualTo("/team/app/");
        assertThat(role.roleName()).isEqualTo("orders");
        assertThat(role).hasToString("arn:aws:iam::111122223333:role/team/app/orders");
    }

    @Test
    void roleWithPathMatchesAssumedRoleWithoutPath() {
        IamRoleArn role = IamRoleArn.parse("s", "arn:aws:iam::111122223333:role/team/app/orders");

        assertThat(role.matches(caller("arn:aws:sts::111122223333:assumed-role/orders/eks-demo-orders-1a2b"))).isTrue();
    }

    @ParameterizedTest
    @CsvSource({
        "arn:aws-cn:iam::111122223333:role/orders, arn:aws-cn:sts::111122223333:assumed-role/orders/s1, true",
        "arn:aws-us-gov:iam::111122223333:role/orders, arn:aws-us-gov:sts::111122223333:assumed-role/orders/s1, true",
        "arn:aws:iam::111122223333:role/Orders, arn:aws:sts::111122223333:assumed-role/ORDERS/s1, true",
        "arn:aws:iam::111122223333:role/orders, arn:aws:sts::444455556666:assumed-role/orders/s1, false",
        "arn:aws:iam::111122223333:role/orders, arn:aws-cn:sts::111122223333:assumed-role/orders/s1, false",
        "arn:aws:iam::111122223333:role/orders, arn:aws:sts::111122223333:assumed-role/payments/s1, false",
        "arn:aws:iam::111122223333:role/orders, arn:aws:sts::111122223333:assumed-role/orders-admin/s1, false",
    })
    void matchesOnPartitionAccountAndCaseInsensitiveName(String role, String caller, boolean expected) {
        assertThat(IamRoleArn.parse("s", role).matches(caller(caller))).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "arn:aws:iam::12345:role/orders",
        "arn:aws:iam::111122223333:user/orders",
        "arn:aws-iso:iam::111122223333:role/orders",
        "orders",
        "arn:aws:iam::111122223333:role/",
    })
    void malformedArnNamesSettingValueAndExample(String value) {
        assertThatThrownBy(() -> IamRoleArn.parse("role-probe.role-arns", value))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("role-probe.role-arns")
                .hasMessageContaining("'" + value + "'")
                .hasMessageContaining("arn:aws:iam::111122223333:role/orders");
    }

    @Test
    void assumedRoleArnIsRejectedWithAHint() {
        assertThatThrownBy(() -> IamRoleArn.parse("role-probe.role-arns",
                "arn:aws:sts::111122223333:assumed-role/orders/s1"))
                .hasMessageContaining("assumed-role")
                .hasMessageContaining("IAM role ARN instead");
    }

    @Test
    void missingValueIsAnError() {
        assertThatThrownBy(() -> IamRoleArn.parse("role-probe.role-arns", "  "))
                .isInstanceOf(InvalidSettingException.class)
                .extracting(e -> ((InvalidSettingException) e).setting())
                .isEqualTo("role-probe.role-arns");
    }
}
