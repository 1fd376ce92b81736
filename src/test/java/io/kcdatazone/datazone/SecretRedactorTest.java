package io.kcdatazone.datazone;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A secret is masked not only as configured but also in the forms a message echoing a request takes: URL-encoded
 * (form or query string, either hex case) and escaped inside a JSON string.
 */
class SecretRedactorTest {

    /** Every character that URL encoding or JSON escaping changes. */
    private static final String SECRET = "pa/ss+wo=rd\"with\\quote";

    private final SecretRedactor redactor = SecretRedactor.of(List.of(SECRET));

    @Test
    void masksTheSecretAsConfigured() {
        assertThat(redactor.redact("password " + SECRET + " refused")).isEqualTo("password [hidden] refused");
    }

    @Test
    void masksTheUrlEncodedSecretInEitherHexCase() {
        String encoded = URLEncoder.encode(SECRET, StandardCharsets.UTF_8);
        assertThat(encoded).isEqualTo("pa%2Fss%2Bwo%3Drd%22with%5Cquote");

        assertThat(redactor.redact("POST /token?password=" + encoded + "&x=1"))
                .isEqualTo("POST /token?password=[hidden]&x=1");
        assertThat(redactor.redact("body: password=pa%2fss%2bwo%3drd%22with%5cquote"))
                .isEqualTo("body: password=[hidden]");
    }

    @Test
    void masksTheSecretEscapedInAJsonString() {
        assertThat(redactor.redact("{\"password\":\"pa/ss+wo=rd\\\"with\\\\quote\"}"))
                .isEqualTo("{\"password\":\"[hidden]\"}");
        // JSON may also escape the solidus
        assertThat(redactor.redact("{\"password\":\"pa\\/ss+wo=rd\\\"with\\\\quote\"}"))
                .isEqualTo("{\"password\":\"[hidden]\"}");
    }

    @Test
    void masksSpacesAndControlCharactersInEveryForm() {
        SecretRedactor spaced = SecretRedactor.of(List.of("two words\tand a tab"));

        assertThat(spaced.redact("a=two+words%09and+a+tab b=two%20words%09and%20a%20tab c=\"two words\\tand a tab\""))
                .isEqualTo("a=[hidden] b=[hidden] c=\"[hidden]\"");
    }

    @Test
    void leavesTextWithoutASecretAlone() {
        assertThat(redactor.redact("nothing to hide here: pa/ss")).isEqualTo("nothing to hide here: pa/ss");
        assertThat(SecretRedactor.none().redact(SECRET)).isEqualTo(SECRET);
        assertThat(redactor.redact(null)).isNull();
    }
}
