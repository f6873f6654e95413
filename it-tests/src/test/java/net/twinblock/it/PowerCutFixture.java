package net.twinblock.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * How a node process runs with the engine's power-cut fixture (mirror-engine's tests jar, class
 * {@value #FACTORY}): every data-file write the node has not fsynced lives only in its heap, so a
 * SIGKILL of the node is a power cut. Plain SIGKILL of a node without it is a crash, which keeps
 * the page cache, and so cannot show what a node loses when power goes.
 *
 * <p>The tests jar is only a file on the node's class path (its path comes from the it-tests pom as
 * {@code twinblock.fixture.jar}); these tests never load engine classes themselves.
 */
final class PowerCutFixture {

    /** The node's storage factory switch (mirror-engine's StorageFiles.TEST_PROPERTY). */
    static final String PROPERTY = "twinblock.test.storage-files";
    static final String FACTORY = "net.twinblock.mirror.store.VolatileFiles";

    private PowerCutFixture() {
    }

    /** The launcher arguments after the JVM options: class path, the switch, the jar's main class. */
    static List<String> launch(Path nodeJar) {
        return List.of("-D" + PROPERTY + "=" + FACTORY, "-cp", nodeJar + File.pathSeparator + jar(), mainClass(nodeJar));
    }

    static Path jar() {
        String prop = System.getProperty("twinblock.fixture.jar");
        if (prop == null) {
            fail("twinblock.fixture.jar is not set; run the it-tests through Maven, whose pom sets it");
        }
        Path jar = Paths.get(prop);
        if (!Files.isRegularFile(jar)) {
            fail("mirror-engine tests jar (the power-cut fixture) not found at " + jar.toAbsolutePath()
                    + "; build it first: mvn -B -DskipTests install (from the repository root)");
        }
        return jar.toAbsolutePath();
    }

    /** Main-Class of the node jar's manifest: what {@code java -jar} would run. */
    static String mainClass(Path nodeJar) {
        try (JarFile jar = new JarFile(nodeJar.toFile())) {
            Manifest m = jar.getManifest();
            String main = m == null ? null : m.getMainAttributes().getValue("Main-Class");
            if (main == null) {
                fail(nodeJar + " has no Main-Class in its manifest");
            }
            return main;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the manifest of " + nodeJar, e);
        }
    }
}
