package io.kcdatazone.testkit;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Looks for known secret values in texts and bytes: as they are, and in the encodings a leak commonly takes (Base64,
 * URL-safe Base64, hex, URL encoding). Findings name the secret's label, the encoding and where it was found, never
 * the value, so a failing test does not print the secret it protects.
 */
public final class SecretScan {

    private final Map<String, Map<String, String>> encodedByLabel = new LinkedHashMap<>();
    private final List<String> findings = new ArrayList<>();
    private int textsScanned;

    private SecretScan(Map<String, String> secrets) {
        secrets.forEach((label, secret) -> {
            if (secret == null || secret.length() < 8) {
                throw new IllegalArgumentException(label + ": a secret to scan for must be at least 8 characters,"
                        + " or the scan finds it by chance");
            }
            byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
            Map<String, String> encodings = new LinkedHashMap<>();
            encodings.put("raw", secret);
            encodings.put("base64", Base64.getEncoder().withoutPadding().encodeToString(bytes));
            encodings.put("base64url", Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
            encodings.put("hex", HexFormat.of().formatHex(bytes));
            encodings.put("HEX", HexFormat.of().withUpperCase().formatHex(bytes));
            encodings.put("url-encoded", URLEncoder.encode(secret, StandardCharsets.UTF_8));
            // An encoding that leaves a secret as another one has it would report the same place twice.
            Map<String, String> distinct = new LinkedHashMap<>();
            encodings.forEach((encoding, value) -> {
                if (!distinct.containsValue(value)) {
                    distinct.put(encoding, value);
                }
            });
            encodedByLabel.put(label, distinct);
        });
    }

    /** A scan for these secrets, keyed by a label that may be shown. */
    public static SecretScan of(Map<String, String> secretsByLabel) {
        return new SecretScan(secretsByLabel);
    }

    /** Scans one text; {@code where} says what it is in a finding. */
    public SecretScan scan(String where, String text) {
        textsScanned++;
        if (text == null) {
            return this;
        }
        encodedByLabel.forEach((label, encodings) -> encodings.forEach((encoding, value) -> {
            if (text.contains(value)) {
                findings.add(label + " (" + encoding + ") in " + where);
            }
        }));
        return this;
    }

    /** Scans bytes of any format: strings in UTF-8, Avro, JSON or Kafka's own records show as Latin-1 text. */
    public SecretScan scan(String where, byte[] bytes) {
        return scan(where, bytes == null ? null : new String(bytes, StandardCharsets.ISO_8859_1));
    }

    /** The text with every secret, in every encoding, replaced by its label: safe to show. */
    public String masked(String text) {
        String result = text;
        for (Map.Entry<String, Map<String, String>> secret : encodedByLabel.entrySet()) {
            for (String value : secret.getValue().values()) {
                result = result.replace(value, "<" + secret.getKey() + ">");
            }
        }
        return result;
    }

    /** What was found so far, one line per secret, encoding and place. */
    public List<String> findings() {
        return List.copyOf(findings);
    }

    /** How many texts were scanned, so a test can show the scan looked at something. */
    public int textsScanned() {
        return textsScanned;
    }
}
