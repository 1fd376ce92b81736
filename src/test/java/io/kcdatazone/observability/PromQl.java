package io.kcdatazone.observability;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric and label names a PromQL expression uses, enough to check a dashboard's queries against what an exporter
 * exposes: it removes string literals, range selectors and Grafana variables, reads label names from matchers and
 * from {@code by}, {@code without}, {@code on} and {@code ignoring} lists, and takes every other name that is not a
 * function call or a keyword for a metric.
 */
public final class PromQl {

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*]");
    private static final Pattern MATCHERS = Pattern.compile("\\{([^}]*)}");
    private static final Pattern MATCHER_LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(?:=~|!~|!=|=)");
    private static final Pattern GROUPING = Pattern.compile(
            "\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?\\w+}?");
    private static final Pattern NAME = Pattern.compile("(?<![\\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "inf", "nan", "by",
            "without", "on", "ignoring", "group_left", "group_right");

    private final Set<String> metrics = new TreeSet<>();
    private final Set<String> labels = new TreeSet<>();

    private PromQl(String expression) {
        String rest = STRING.matcher(expression).replaceAll("\"\"");
        rest = RANGE.matcher(rest).replaceAll(" ");
        rest = collect(MATCHERS, rest, MATCHER_LABEL);
        rest = collect(GROUPING, rest, Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)"));
        rest = VARIABLE.matcher(rest).replaceAll(" ");
        Matcher name = NAME.matcher(rest);
        while (name.find()) {
            if (name.group(2) == null && !KEYWORDS.contains(name.group(1).toLowerCase())) {
                metrics.add(name.group(1));
            }
        }
    }

    public static PromQl parse(String expression) {
        return new PromQl(expression);
    }

    /** Removes each match of {@code part}, collecting the label names in it. */
    private String collect(Pattern part, String text, Pattern labelName) {
        Matcher matcher = part.matcher(text);
        StringBuilder rest = new StringBuilder();
        while (matcher.find()) {
            Matcher label = labelName.matcher(matcher.group(1));
            while (label.find()) {
                labels.add(label.group(1));
            }
            matcher.appendReplacement(rest, " ");
        }
        matcher.appendTail(rest);
        return rest.toString();
    }

    public Set<String> metrics() {
        return metrics;
    }

    public Set<String> labels() {
        return labels;
    }
}
