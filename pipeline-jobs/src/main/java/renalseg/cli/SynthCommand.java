package renalseg.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "synth", mixinStandardHelpOptions = true, description = "Write a synthetic cohort (placeholder).")
public final class SynthCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 0;
    }
}
