package io.kcdatazone.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Function;

/** The output shape every paginated DataZone listing shares: required {@code items}, optional {@code nextToken}. */
final class ListOutput {
    private ListOutput() {
    }

    static <T> ObjectNode of(Pagination.Page<T> page, Function<T, ObjectNode> render) {
        ObjectNode output = JsonNodeFactory.instance.objectNode();
        ArrayNode items = output.putArray("items");
        page.items().forEach(item -> items.add(render.apply(item)));
        page.nextToken().ifPresent(token -> output.put("nextToken", token));
        return output;
    }
}
