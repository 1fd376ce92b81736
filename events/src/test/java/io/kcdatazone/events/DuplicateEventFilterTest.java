package io.kcdatazone.events;

import static io.kcdatazone.events.TestEvents.withId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.Test;

class DuplicateEventFilterTest {

    @Test
    void dropsRepeatsOfAnEvent() {
        DuplicateEventFilter filter = new DuplicateEventFilter(10);

        assertThat(filter.firstSeen(withId("a"))).isTrue();
        assertThat(filter.firstSeen(withId("b"))).isTrue();
        assertThat(filter.firstSeen(withId("a"))).isFalse();
        assertThat(filter.firstSeen(new Utf8("b"))).as("the same id, as Avro's own string").isFalse();
    }

    @Test
    void aReplayAfterACrashIsDroppedWhole() {
        // At-least-once: the events since the last offset commit come again, in their order.
        DuplicateEventFilter filter = new DuplicateEventFilter(100);
        List<String> firstDelivery = ids(0, 50);
        List<String> replay = ids(30, 50);

        firstDelivery.forEach(id -> assertThat(filter.firstSeen(id)).isTrue());
        List<String> passed = replay.stream().filter(filter::firstSeen).collect(Collectors.toList());

        assertThat(passed).isEmpty();
    }

    @Test
    void remembersOnlyTheLastCapacityIds() {
        DuplicateEventFilter filter = new DuplicateEventFilter(3);
        ids(0, 5).forEach(filter::firstSeen);

        assertThat(filter.size()).isEqualTo(3);
        assertThat(filter.firstSeen("event-4")).as("among the last three").isFalse();
        assertThat(filter.firstSeen("event-2")).as("among the last three").isFalse();
        assertThat(filter.firstSeen("event-1")).as("forgotten: the memory is bounded").isTrue();
        assertThat(filter.size()).isEqualTo(3);
    }

    @Test
    void aRepeatDoesNotKeepAnIdLonger() {
        // Ids leave in the order they first came, so a repeated id cannot crowd out newer ones.
        DuplicateEventFilter filter = new DuplicateEventFilter(2);
        filter.firstSeen("a");
        filter.firstSeen("b");
        filter.firstSeen("a");
        filter.firstSeen("c");

        assertThat(filter.firstSeen("b")).as("b came after a, so a went first").isFalse();
        assertThat(filter.firstSeen("a")).isTrue();
    }

    @Test
    void refusesAnEmptyMemory() {
        assertThatIllegalArgumentException().isThrownBy(() -> new DuplicateEventFilter(0));
    }

    private static List<String> ids(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "event-" + i).collect(Collectors.toList());
    }
}
