package io.kcdatazone;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The package map of the README's Development section, held: the plugin's packages depend one way only, each on
 * packages listed below it, never on one beside or above it, and no packages form a cycle. A package missing from the
 * map fails too, so a new one gets its place.
 */
class ArchitectureTest {

    private static final String ROOT = "io.kcdatazone";

    /** Top down. Packages on one line do not use each other; "" is {@value #ROOT} itself ({@link Version}). */
    private static final List<List<String>> LAYERS = List.of(
            List.of("sink", "source"),
            List.of("connector"),
            List.of("config", "event"),
            List.of("ledger"),
            List.of("datazone", "metrics"),
            List.of("logging", ""));

    /** The plugin's classes only (target/classes): not the tests, the simulator or the libraries. */
    private static final JavaClasses MAIN_CLASSES = new ClassFileImporter().importPath(mainClassesPath());

    @Test
    void packagesFormNoCycle() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(MAIN_CLASSES);
    }

    @Test
    void everyPackageUsesOnlyPackagesBelowIt() {
        LayeredArchitecture architecture = layeredArchitecture().consideringOnlyDependenciesInLayers();
        List<String> above = new ArrayList<>();
        for (List<String> layer : LAYERS) {
            for (String name : layer) {
                architecture = architecture.layer(layerName(name)).definedBy(packageOf(name));
            }
        }
        for (List<String> layer : LAYERS) {
            for (String name : layer) {
                architecture = above.isEmpty()
                        ? architecture.whereLayer(layerName(name)).mayNotBeAccessedByAnyLayer()
                        : architecture.whereLayer(layerName(name)).mayOnlyBeAccessedByLayers(
                                above.toArray(new String[0]));
            }
            layer.forEach(name -> above.add(layerName(name)));
        }
        architecture.check(MAIN_CLASSES);
    }

    @Test
    void everyPackageIsOnTheMap() {
        String[] mapped = LAYERS.stream().flatMap(List::stream).map(ArchitectureTest::packageOf)
                .toArray(String[]::new);
        classes().should().resideInAnyPackage(mapped).check(MAIN_CLASSES);
    }

    private static Path mainClassesPath() {
        try {
            return Paths.get(Version.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String layerName(String name) {
        return name.isEmpty() ? "root" : name;
    }

    /** The package and its subpackages; the root alone, as the others are layers of their own. */
    private static String packageOf(String name) {
        return name.isEmpty() ? ROOT : ROOT + "." + name + "..";
    }
}
