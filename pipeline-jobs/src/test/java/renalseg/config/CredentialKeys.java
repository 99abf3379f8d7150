package renalseg.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Credential settings of the Hadoop object-store connectors, from their documentation: hadoop-aws (S3A,
 * also per bucket), hadoop-azure (WASB and ABFS, per account and container) and Google's GCS connector.
 * Each maps to a distinct fake secret value that tests grep for.
 */
public final class CredentialKeys {

    public static final List<String> KEYS = List.of(
        // hadoop-aws
        "fs.s3a.access.key", "fs.s3a.secret.key", "fs.s3a.session.token", "fs.s3a.encryption.key",
        "fs.s3a.server-side-encryption.key", "fs.s3a.server-side-encryption-key", "fs.s3a.proxy.password",
        "fs.s3a.proxy.username", "fs.s3a.bucket.imaging.access.key", "fs.s3a.bucket.imaging.secret.key",
        "fs.s3a.bucket.imaging.session.token", "fs.s3a.bucket.imaging.encryption.key",
        "fs.s3a.bucket.imaging.server-side-encryption.key",
        // hadoop-azure
        "fs.azure.account.key.acct.blob.core.windows.net", "fs.azure.account.key.acct.dfs.core.windows.net",
        "fs.azure.account.key", "fs.azure.account.oauth2.client.secret",
        "fs.azure.account.oauth2.client.secret.acct.dfs.core.windows.net", "fs.azure.account.oauth2.client.id",
        "fs.azure.account.oauth2.refresh.token", "fs.azure.account.oauth2.user.password",
        "fs.azure.sas.container.acct.blob.core.windows.net", "fs.azure.sas.fixed.token",
        "fs.azure.sas.fixed.token.acct.dfs.core.windows.net", "fs.azure.encryption.encoded.client-provided-key",
        "fs.azure.encryption.encoded.client-provided-key-sha", "fs.adl.oauth2.credential",
        "fs.adl.oauth2.refresh.token",
        // GCS connector
        "fs.gs.auth.service.account.private.key", "fs.gs.auth.service.account.private.key.id",
        "fs.gs.auth.service.account.email", "fs.gs.auth.client.secret", "fs.gs.auth.client.id",
        "fs.gs.auth.refresh.token", "fs.gs.encryption.key", "fs.gs.encryption.key.hash", "fs.gs.proxy.password",
        "google.cloud.auth.client.secret", "google.cloud.auth.service.account.private.key");

    private CredentialKeys() {
    }

    /** key -> a unique value such as "SeCrEt0007x" (no other text contains it by chance). */
    public static Map<String, String> secrets() {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < KEYS.size(); i++) {
            m.put(KEYS.get(i), String.format("SeCrEt%04dx", i));
        }
        return m;
    }
}
