package io.kcdatazone.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.MockTime;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class TaperingProgressLogTest {

    private final MockTime time = new MockTime(0, 1_000_000, 0);
    private final List<String> lines = new ArrayList<>();

    @Test
    void logsOftenAtFirstThenEverMoreRarely() {
        TaperingProgressLog progress = new TaperingProgressLog(capturingLogger(), () -> "n=" + time.milliseconds(),
                time);

        List<Long> loggedAt = new ArrayList<>();
        for (int second = 1; second <= 7_200; second++) {
            time.sleep(1_000);
            int before = lines.size();
            progress.maybeLog();
            if (lines.size() > before) {
                loggedAt.add((time.milliseconds() - 1_000_000) / 1_000);
            }
        }

        assertThat(loggedAt).startsWith(5L, 15L, 45L, 105L, 405L, 1_305L, 4_905L);
        assertThat(loggedAt).hasSize(7);
        assertThat(lines.get(0)).contains("next line in 10s").contains("n=");
    }

    private Logger capturingLogger() {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("isInfoEnabled")) {
                        return true;
                    }
                    if (method.getName().equals("info")) {
                        String line = String.valueOf(args[0]);
                        for (int i = 1; i < args.length; i++) {
                            line = line.replaceFirst("\\{}", java.util.regex.Matcher.quoteReplacement(
                                    String.valueOf(args[i])));
                        }
                        lines.add(line);
                    }
                    return null;
                });
    }
}
