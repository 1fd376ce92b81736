package io.kcdatazone.logging;

import static org.assertj.core.api.Assertions.assertThat;

import io.kcdatazone.testkit.CapturedLog;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.MockTime;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ThrottledLogTest {

    private static final String LOGGER = ThrottledLogTest.class.getName();

    private final MockTime time = new MockTime(0, 1_000_000, 0);
    private final ThrottledLog log = new ThrottledLog(LoggerFactory.getLogger(LOGGER), Duration.ofMinutes(1), time);

    @Test
    void eachKeySpeaksOncePerIntervalAndThenSaysHowOftenItWasHeldBack() {
        try (CapturedLog captured = CapturedLog.start(Map.of(LOGGER, Level.INFO))) {
            log.warn("clock a", "clock of {} is off", "a");
            log.warn("clock a", "clock of {} is off", "a");
            log.info("page a", "short page of {}", "a");
            log.warn("clock b", "clock of {} is off", "b");
            time.sleep(Duration.ofSeconds(59).toMillis());
            log.warn("clock a", "clock of {} is off", "a");
            time.sleep(Duration.ofSeconds(1).toMillis());
            log.warn("clock a", "clock of {} is off", "a");
            log.warn("clock a", "clock of {} is off", "a");

            assertThat(lines(captured)).containsExactly(
                    "WARN clock of a is off",
                    "INFO short page of a",
                    "WARN clock of b is off",
                    "WARN clock of a is off (seen 2 more times since the last report)");
        }
    }

    private static List<String> lines(CapturedLog captured) {
        return captured.lines().stream()
                .filter(line -> line.contains(LOGGER + ":"))
                .map(line -> line.replaceAll("^\\S+ (\\w+)\\s+.*" + LOGGER + ": (.*)\\R?$", "$1 $2").strip())
                .toList();
    }
}
