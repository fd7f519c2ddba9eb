package io.github.roleprobe.arn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AssumedRoleArnTest {

    @Test
    void recognisesInstanceIdSessionNamesOfTheNodeRole() {
        assertThat(AssumedRoleArn.parse("arn:aws:sts::111122223333:assumed-role/node/i-0123456789abcdef0")
                .orElseThrow().sessionNameIsInstanceId()).isTrue();
        assertThat(AssumedRoleArn.parse("arn:aws:sts::111122223333:assumed-role/node/i-01234567")
                .orElseThrow().sessionNameIsInstanceId()).isTrue();
        assertThat(AssumedRoleArn.parse("arn:aws:sts::111122223333:assumed-role/orders/eks-demo-orders-7c9")
                .orElseThrow().sessionNameIsInstanceId()).isFalse();
    }

    @Test
    void splitsRoleAndSession() {
        AssumedRoleArn arn = AssumedRoleArn.parse("arn:aws-cn:sts::111122223333:assumed-role/orders/aws-sdk-java-1")
                .orElseThrow();

        assertThat(arn.partition()).isEqualTo("aws-cn");
        assertThat(arn.accountId()).isEqualTo("111122223333");
        assertThat(arn.roleName()).isEqualTo("orders");
        assertThat(arn.sessionName()).isEqualTo("aws-sdk-java-1");
        assertThat(arn.roleArnWithoutPath()).isEqualTo("arn:aws-cn:iam::111122223333:role/orders");
    }

    @Test
    void usersAndGarbageAreNotRoleSessions() {
        assertThat(AssumedRoleArn.parse("arn:aws:iam::111122223333:user/alice")).isEmpty();
        assertThat(AssumedRoleArn.parse("not an arn")).isEmpty();
        assertThat(AssumedRoleArn.parse(null)).isEmpty();
    }
}
