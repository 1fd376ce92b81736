package io.kcdatazone.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/**
 * The events library (events/) and the consumer example (examples/consumer/) are Maven projects of their own, each
 * buildable where it is, so their poms name their versions: the plugin's, which this test holds them to, with the
 * example's dependency on the library and the README's snippet of it.
 */
class ModuleVersionsTest {

    @Test
    void theLibraryAndTheExampleHaveThePluginsVersion() throws Exception {
        String version = read(Path.of("pom.xml"), "/project/version");

        assertThat(read(Path.of("events", "pom.xml"), "/project/version")).isEqualTo(version);
        Path example = Path.of("examples", "consumer", "pom.xml");
        assertThat(read(example, "/project/version")).isEqualTo(version);
        assertThat(read(example, "/project/dependencies/dependency[artifactId='kafka-connect-datazone-events']"
                + "/version")).isEqualTo(version);
        assertThat(Files.readString(Path.of("README.md")))
                .contains("<artifactId>kafka-connect-datazone-events</artifactId>\n  <version>" + version
                        + "</version>");
    }

    private static String read(Path pom, String xpath) throws Exception {
        Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
        return XPathFactory.newInstance().newXPath().evaluate(xpath, document).trim();
    }
}
