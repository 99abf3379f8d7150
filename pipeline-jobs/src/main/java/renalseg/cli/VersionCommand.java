package renalseg.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Prints the renalseg version and the versions of the stack it runs on. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Print versions of renalseg, Java, Spark and DL4J.")
public final class VersionCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        for (String line : new Provider().getVersion()) {
            System.out.println(line);
        }
        return 0;
    }

    static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "renalseg " + BuildInfo.get("renalseg.version"),
                "java " + System.getProperty("java.version"),
                "spark " + BuildInfo.get("spark.version") + " (scala " + BuildInfo.get("scala.binary.version") + ")",
                "deeplearning4j " + BuildInfo.get("dl4j.version") + ", nd4j backend "
                    + BuildInfo.get("nd4j.backend") + " " + BuildInfo.get("nd4j.classifier"),
            };
        }
    }
}
