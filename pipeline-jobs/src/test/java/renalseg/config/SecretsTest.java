package renalseg.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The allowlist: every credential key of the Hadoop object-store connectors is masked, known settings shown. */
class SecretsTest {

    @Test
    void everyConnectorCredentialIsMaskedUnderSparkConf() {
        List<String> sets = new ArrayList<>();
        Map<String, String> secretByKey = CredentialKeys.secrets();
        secretByKey.forEach((k, v) -> sets.add("spark.conf.\"spark.hadoop." + k + "\"=\"" + v + "\""));
        sets.add("spark.conf.\"spark.hadoop.fs.s3a.endpoint\"=\"http://127.0.0.1:9000\"");
        sets.add("cohort.uri=\"s3a://AKIAUSERINFO:uri-secret-77@bucket/kits\"");
        Config c = RenalsegConfig.load(null, sets);
        String text = RenalsegConfig.render(c);
        for (Map.Entry<String, String> e : secretByKey.entrySet()) {
            assertFalse(text.contains(e.getValue()), e.getKey() + " leaked:\n" + text);
        }
        assertFalse(text.contains("uri-secret-77") || text.contains("AKIAUSERINFO"), text);
        assertTrue(text.contains("s3a://***@bucket/kits"), text);
        assertTrue(text.contains("http://127.0.0.1:9000"), "a harmless setting stays readable:\n" + text);
        assertTrue(text.contains("local[*]"), "renalseg's own keys are shown:\n" + text);
    }

    @Test
    void anUnknownKeyIsMaskedEvenWithAHarmlessLookingName() {
        // the allowlist decides on the last segment: an account name at the end is never "harmless"
        assertFalse(Secrets.harmlessSettingName("fs.azure.account.key.acct.blob.core.windows.net"));
        assertFalse(Secrets.harmlessSettingName("spark.hadoop.fs.example.opaque"));
        assertTrue(Secrets.harmlessSettingName("spark.hadoop.fs.s3a.path.style.access"));
    }

    @Test
    void setWithoutEqualsDoesNotEchoTheArgument() {
        ConfigError e = assertThrows(ConfigError.class, () -> RenalsegConfig.parseOverrides(List.of("hunter2-secret")));
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        assertEquals("--set expects key=value; an argument has no '=' (14 characters, not shown)", e.getMessage());
        renalseg.util.InputError c = assertThrows(renalseg.util.InputError.class, () ->
            renalseg.pipeline.SparkSettings.from(RenalsegConfig.defaults(), List.of("spark.hadoop.fs.s3a.secret.key:hunter2")));
        assertFalse(c.getMessage().contains("hunter2") || c.getMessage().contains("secret.key"), c.getMessage());
    }
}
