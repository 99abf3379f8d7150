package renalseg.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import renalseg.io.AtomicFiles;
import renalseg.util.InputError;

/** The run folder lock, dated run ids, the stage graph and atomic output files (no Spark needed). */
class RunLockTest {

    @TempDir
    Path tmp;

    @Test
    void aSecondRunOnTheSameFolderIsRefusedWithOneLine() throws Exception {
        RunFolder run = new RunFolder(tmp.resolve("run").toString(), new Configuration());
        try (RunLock lock = RunLock.acquire(run, 20, 120)) {
            assertTrue(Files.exists(tmp.resolve("run").resolve(RunLock.FILE)));
            InputError e = assertThrows(InputError.class, () -> RunLock.acquire(run, 20, 120));
            assertTrue(e.getMessage().contains("is in use by another run") && e.getMessage().contains("pid "
                + ProcessHandle.current().pid()), e.getMessage());
            assertFalse(e.getMessage().contains("\n"));

            // through the command line: exit 2, one line on stderr, nothing run
            var r = renalseg.cli.CommandRunner.run("pipeline", "--run", tmp.resolve("run").toString(), "--stages",
                "evaluate", "--conf", "spark.ui.enabled=false");
            assertEquals(2, r.code(), r.err());
            List<String> errors = r.err().lines().filter(l -> l.startsWith("renalseg pipeline: error:")).toList();
            assertEquals(1, errors.size(), r.err());
            assertTrue(errors.get(0).contains("is in use by another run"), r.err());
        }
        assertFalse(Files.exists(tmp.resolve("run").resolve(RunLock.FILE)), "released on close");
        try (RunLock again = RunLock.acquire(run, 20, 120)) {
            assertTrue(Files.exists(tmp.resolve("run").resolve(RunLock.FILE)));
        }
    }

    @Test
    void aDeadOwnersLockIsTakenOver() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        Properties dead = new Properties();
        dead.setProperty("token", "x");
        dead.setProperty("host", RunLock.host());
        dead.setProperty("pid", Long.toString(p.pid()));
        dead.setProperty("heartbeat", Long.toString(System.currentTimeMillis()));
        assertTrue(RunLock.stale(dead, 120_000).contains("is gone"));
        Properties alive = (Properties) dead.clone();
        alive.setProperty("pid", Long.toString(ProcessHandle.current().parent().orElseThrow().pid()));
        assertNull(RunLock.stale(alive, 120_000), "a live process on this host holds it");
        alive.setProperty("host", "another-host");
        alive.setProperty("heartbeat", Long.toString(System.currentTimeMillis() - 200_000));
        assertTrue(RunLock.stale(alive, 120_000).contains("no heartbeat for 200 s"));

        Path dir = Files.createDirectories(tmp.resolve("killed"));
        Files.writeString(dir.resolve(RunLock.FILE), "token=x\nhost=" + RunLock.host() + "\npid=" + p.pid()
            + "\nheartbeat=" + System.currentTimeMillis() + "\n");
        try (RunLock lock = RunLock.acquire(new RunFolder(dir.toString(), new Configuration()), 20, 120)) {
            assertTrue(Files.readString(dir.resolve(RunLock.FILE)).contains("pid=" + ProcessHandle.current().pid()));
        }
    }

    @Test
    void datedRunIdsStartedInTheSameSecondDiffer() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            ids.add(RunFolder.resolve(tmp.toString(), null));
        }
        assertTrue(ids.size() >= 49, "50 ids, " + ids.size() + " distinct"); // 16 random bits: a repeat is rare
        assertTrue(ids.iterator().next().matches(".*/\\d{8}-\\d{6}-" + ProcessHandle.current().pid() + "-[0-9a-f]{4}"),
            ids.toString());
    }

    @Test
    void redoReachesEveryStageThatReadsTheOutput() {
        assertEquals(List.of("postprocess", "evaluate"), Pipeline.withDependents("postprocess"));
        assertEquals(List.of("infer", "postprocess", "evaluate"), Pipeline.withDependents("infer"));
        assertEquals(List.of("augment", "train", "localize", "infer", "postprocess", "evaluate"),
            Pipeline.withDependents("augment"));
        assertEquals(List.copyOf(Pipeline.STAGES.keySet()), Pipeline.withDependents("ingest"));
        assertEquals(Pipeline.STAGES.keySet(), Pipeline.READS.keySet());
        // each stage reads only earlier ones (the order the pipeline runs them)
        List<String> order = List.copyOf(Pipeline.STAGES.keySet());
        Pipeline.READS.forEach((s, reads) -> reads.forEach(r -> assertTrue(order.indexOf(r) < order.indexOf(s), s)));
    }

    @Test
    void atomicWritesLeaveTheOldFileOrTheNewOneNeverAPart() throws Exception {
        var fs = org.apache.hadoop.fs.FileSystem.getLocal(new Configuration());
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(tmp.resolve("seg.nii.gz").toUri());
        AtomicFiles.write(fs, target, out -> out.write("old".getBytes()));
        assertThrows(java.io.IOException.class, () -> AtomicFiles.write(fs, target, out -> {
            out.write("half of the new".getBytes());
            throw new java.io.IOException("killed mid-write");
        }));
        assertEquals("old", Files.readString(tmp.resolve("seg.nii.gz")));
        try (var s = Files.list(tmp)) {
            assertEquals(List.of(), s.map(f -> f.getFileName().toString())
                .filter(n -> n.contains(AtomicFiles.TMP_PREFIX)).toList(), "no temporary left behind");
        }
        AtomicFiles.write(fs, target, out -> out.write("new".getBytes()));
        assertEquals("new", Files.readString(tmp.resolve("seg.nii.gz")));
        // a temporary of a killed writer: cleaned on the next run, never read as output
        Path run = Files.createDirectories(tmp.resolve("r").resolve("segmentations"));
        Files.writeString(run.resolve(AtomicFiles.TMP_PREFIX + "case_00001.nii.gz-123"), "partial");
        new RunFolder(tmp.resolve("r").toString(), new Configuration()).cleanTemporaries();
        try (var s = Files.list(run)) {
            assertEquals(0, s.count());
        }
        assertNotEquals(0, Files.size(tmp.resolve("seg.nii.gz")));
    }
}
