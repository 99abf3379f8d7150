package renalseg.cohort;

import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import renalseg.util.InputError;

/**
 * Lists the cases of a cohort at any Hadoop URI (local paths, {@code file://}, {@code s3a://}, {@code hdfs://}).
 * Listing reads no volumes; a case folder without its image is still listed (reading it then fails, and
 * that failure is recorded for the case rather than the case silently vanishing).
 */
public final class Cohort {

    public static final String IMAGE = "imaging.nii.gz";
    public static final String KITS19_LABEL = "segmentation.nii.gz";
    public static final String KITS21_LABEL = "aggregated_MAJ_seg.nii.gz";

    private Cohort() {
    }

    public static List<CaseRef> list(CohortSettings s, Configuration hadoop) {
        if (s.uri() == null) {
            throw new InputError("no cohort given (set cohort.uri)");
        }
        return list(s.uri(), s.layout(), hadoop);
    }

    /** The cases at {@code uri}, sorted by case id. */
    public static List<CaseRef> list(String uri, CohortLayout layout, Configuration hadoop) {
        Path root = new Path(uri);
        try {
            FileSystem fs = root.getFileSystem(hadoop);
            FileStatus st;
            try {
                st = fs.getFileStatus(root);
            } catch (FileNotFoundException e) {
                throw new InputError(uri + ": cohort not found");
            }
            CohortLayout l = layout;
            if (l == CohortLayout.AUTO) {
                l = st.isFile() || uri.toLowerCase(Locale.ROOT).endsWith(".csv") ? CohortLayout.MANIFEST : null;
            }
            if (l == CohortLayout.MANIFEST) {
                if (!st.isFile()) {
                    throw new InputError(uri + ": a manifest must be a CSV file, this is a folder");
                }
                return manifest(fs, st.getPath(), uri);
            }
            if (!st.isDirectory()) {
                throw new InputError(uri + ": a " + (l == null ? "KiTS" : l.name().toLowerCase(Locale.ROOT))
                    + " cohort must be a folder of case folders");
            }
            return folders(fs, st.getPath(), uri, l);
        } catch (IOException e) {
            throw new InputError(uri + ": cannot list cohort: " + e.getMessage(), e);
        }
    }

    private static List<CaseRef> folders(FileSystem fs, Path root, String uri, CohortLayout layout)
        throws IOException {
        List<FileStatus> dirs = new ArrayList<>();
        for (FileStatus c : fs.listStatus(root)) {
            if (c.isDirectory() && !c.getPath().getName().startsWith(".")
                && !c.getPath().getName().startsWith("_")) {
                dirs.add(c);
            }
        }
        dirs.sort((a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
        // KiTS folders hold case_XXXXX folders; anything else in the folder (docs, scripts) is not a case
        List<FileStatus> cases = new ArrayList<>();
        for (FileStatus d : dirs) {
            if (d.getPath().getName().startsWith("case_")) {
                cases.add(d);
            }
        }
        if (cases.isEmpty()) {
            throw new InputError(uri + ": no case_XXXXX folders (KiTS layout) found");
        }
        CohortLayout l = layout;
        if (l == null) {
            l = CohortLayout.KITS19;
            for (FileStatus d : cases) {
                if (fs.exists(new Path(d.getPath(), KITS21_LABEL))) {
                    l = CohortLayout.KITS21;
                    break;
                }
            }
        }
        String labelName = l == CohortLayout.KITS21 ? KITS21_LABEL : KITS19_LABEL;
        List<CaseRef> out = new ArrayList<>();
        for (FileStatus d : cases) {
            Path dir = d.getPath();
            Path label = new Path(dir, labelName);
            out.add(new CaseRef(dir.getName(), new Path(dir, IMAGE).toString(),
                fs.exists(label) ? label.toString() : null));
        }
        return out;
    }

    private static List<CaseRef> manifest(FileSystem fs, Path file, String uri) throws IOException {
        List<CaseRef> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Path base = file.getParent();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(file), StandardCharsets.UTF_8))) {
            String header = r.readLine();
            if (header == null) {
                throw new InputError(uri + ": empty manifest");
            }
            List<String> cols = splitCsv(stripBom(header));
            int ci = cols.indexOf("case_id");
            int ii = cols.indexOf("image_uri");
            int li = cols.indexOf("label_uri");
            if (ci < 0 || ii < 0) {
                throw new InputError(uri + ": manifest header must name case_id,image_uri[,label_uri], found: "
                    + header);
            }
            String line;
            int n = 1;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                List<String> f = splitCsv(line);
                if (f.size() < Math.max(ci, ii) + 1) {
                    throw new InputError(uri + " line " + n + ": expected " + cols.size() + " fields, found "
                        + f.size());
                }
                String id = f.get(ci).trim();
                try {
                    CaseRef.checkId(id);
                } catch (InvalidCaseId e) {
                    throw new InvalidCaseId(uri + " line " + n + ": " + e.getMessage());
                }
                if (!seen.add(id)) {
                    throw new InputError(uri + " line " + n + ": case id " + id + " appears twice");
                }
                String image = f.get(ii).trim();
                if (image.isEmpty()) {
                    throw new InputError(uri + " line " + n + ": case " + id + " has no image_uri");
                }
                String label = li >= 0 && li < f.size() ? f.get(li).trim() : "";
                out.add(new CaseRef(id, resolve(base, image), label.isEmpty() ? null : resolve(base, label)));
            }
        }
        out.sort((a, b) -> a.caseId().compareTo(b.caseId()));
        return out;
    }

    /** Relative paths in a manifest are relative to the manifest's folder (as in a KiTS folder). */
    private static String resolve(Path base, String p) {
        URI u = new Path(p).toUri();
        if (u.getScheme() != null || p.startsWith("/")) {
            return new Path(p).toString();
        }
        return new Path(base, p).toString();
    }

    private static String stripBom(String s) {
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    /** One CSV line (RFC 4180 quoting, no embedded line breaks). */
    static List<String> splitCsv(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cur.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
