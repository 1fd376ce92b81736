package io.kcdatazone.simulator;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.ToLongFunction;

/**
 * Pages a listing. A token names the position of the last item returned rather than an offset, so items added
 * while a client pages (new runs appear at the head of a newest-first listing) neither repeat nor shift the pages
 * that follow. Tokens are opaque to clients and absent on the last page, as the SDK paginators expect.
 */
final class Pagination {
    /** DataZone documents no default page size; the simulator uses the maximum. */
    static final int DEFAULT_PAGE_SIZE = 50;
    private static final String TOKEN_PREFIX = "after:";

    /**
     * One page of a listing.
     *
     * @param items the items of this page
     * @param nextToken the token for the next page, absent on the last page
     */
    record Page<T>(List<T> items, Optional<String> nextToken) {
    }

    private Pagination() {
    }

    /**
     * The page of {@code items} that follows {@code nextToken}.
     *
     * @param items the whole listing in page order, with strictly increasing {@code position}s
     */
    static <T> Page<T> page(List<T> items, ToLongFunction<T> position, Optional<Integer> maxResults,
            Optional<String> nextToken) {
        long after = nextToken.map(Pagination::decode).orElse(Long.MIN_VALUE);
        int size = maxResults.orElse(DEFAULT_PAGE_SIZE);
        List<T> remaining = items.stream().filter(item -> position.applyAsLong(item) > after).toList();
        if (remaining.size() <= size) {
            return new Page<>(remaining, Optional.empty());
        }
        List<T> page = remaining.subList(0, size);
        return new Page<>(page, Optional.of(encode(position.applyAsLong(page.get(size - 1)))));
    }

    /** A page with no items whose token leads to the listing's first page: legal, if odd. */
    static <T> Page<T> emptyFirstPage() {
        return new Page<>(List.of(), Optional.of(encode(Long.MIN_VALUE)));
    }

    private static String encode(long position) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((TOKEN_PREFIX + position).getBytes(StandardCharsets.UTF_8));
    }

    private static long decode(String token) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (text.startsWith(TOKEN_PREFIX)) {
                return Long.parseLong(text.substring(TOKEN_PREFIX.length()));
            }
        } catch (IllegalArgumentException e) {
            // NumberFormatException is an IllegalArgumentException too; both mean the token is not ours.
        }
        throw ApiException.validation("The nextToken is invalid or expired");
    }
}
