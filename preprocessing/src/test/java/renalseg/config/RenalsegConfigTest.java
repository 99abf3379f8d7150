package renalseg.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenalsegConfigTest {

    @Test
    void defaultsCarryThePaperValues() {
        Config c = RenalsegConfig.load(null, List.of());
        assertEquals(-200, c.getInt("preprocess.hu-min"));
        assertEquals(500, c.getInt("preprocess.hu-max"));
        assertEquals(90000, c.getInt("augment.samples"));
        assertEquals(List.of(0.2, 1.0, 2.0), c.getDoubleList("train.class-weights"));
        assertEquals("local[*]", c.getString("spark.master"));
    }

    @Test
    void fileThenSetOverridesInThatOrder(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("study.conf");
        Files.writeString(f, "augment.samples = 500\naugment.seed = 9\n");
        Config c = RenalsegConfig.load(f, List.of("augment.seed=11", "train.lr-decay-epochs=[1,2]"));
        assertEquals(500, c.getInt("augment.samples"));
        assertEquals(11, c.getInt("augment.seed"));
        assertEquals(List.of(1, 2), c.getIntList("train.lr-decay-epochs"));
    }

    @Test
    void systemPropertiesOverrideTheFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("study.conf");
        Files.writeString(f, "augment.samples = 500\n");
        System.setProperty("augment.samples", "700");
        try {
            assertEquals(700, RenalsegConfig.load(f, List.of()).getInt("augment.samples"));
            assertEquals(800, RenalsegConfig.load(f, List.of("augment.samples=800")).getInt("augment.samples"));
        } finally {
            System.clearProperty("augment.samples");
        }
    }

    @Test
    void misspelledKeyNamesTheKeyAndTheNearestValidOne(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("study.conf");
        Files.writeString(f, "augment.sampels = 500\n");
        ConfigError e = assertThrows(ConfigError.class, () -> RenalsegConfig.load(f, List.of()));
        assertTrue(e.getMessage().contains("'augment.sampels'"), e.getMessage());
        assertTrue(e.getMessage().contains("did you mean 'augment.samples'"), e.getMessage());
        ConfigError s = assertThrows(ConfigError.class, () -> RenalsegConfig.load(null, List.of("trian.epochs=3")));
        assertTrue(s.getMessage().contains("'train.epochs'"), s.getMessage());
    }

    @Test
    void keysWithNullDefaultsAndOpenObjectsAreAccepted() {
        Config c = RenalsegConfig.load(null, List.of("cohort.uri=/data/kits19",
            "spark.conf.\"spark.hadoop.fs.s3a.endpoint\"=\"http://127.0.0.1:9000\""));
        assertEquals("/data/kits19", c.getString("cohort.uri"));
        assertEquals("http://127.0.0.1:9000", c.getConfig("spark.conf").getString("\"spark.hadoop.fs.s3a.endpoint\""));
    }

    @Test
    void missingFileIsAnError() {
        ConfigError e = assertThrows(ConfigError.class,
            () -> RenalsegConfig.load(Path.of("/nonexistent/x.conf"), List.of()));
        assertTrue(e.getMessage().contains("/nonexistent/x.conf"));
    }

    @Test
    void renderRedactsCredentials() {
        Config c = ConfigFactory.parseString("spark.conf { \"spark.hadoop.fs.s3a.secret.key\" = hunter2, "
            + "\"spark.hadoop.fs.s3a.access.key\" = AKIAEXAMPLE, \"spark.hadoop.fs.s3a.endpoint\" = \"http://x\" }");
        String text = RenalsegConfig.render(c);
        assertFalse(text.contains("hunter2"), text);
        assertFalse(text.contains("AKIAEXAMPLE"), text);
        assertTrue(text.contains("http://x"), text);
    }

    @Test
    void everyShippedConfFileUsesOnlyValidKeys() {
        Path conf = Path.of(System.getProperty("user.dir")).getParent().resolve("conf");
        for (String name : List.of("local.conf", "cluster-s3.conf")) {
            Config c = RenalsegConfig.load(conf.resolve(name), List.of());
            assertTrue(c.hasPath("spark.master"), name);
        }
    }
}
