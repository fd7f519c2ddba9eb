package io.github.roleprobe.kubernetes;

import io.github.roleprobe.kubernetes.sim.SampleApp;
import java.util.List;

/** The sample apps the kit deploys. */
final class SampleApps {

    private SampleApps() {
    }

    static List<SampleApp> available() {
        return List.of(SampleApp.micronaut(), SampleApp.spring(), SampleApp.springBoot3());
    }
}
