// Apache Jena's SHACL over many data files in ONE JVM (a JVM start costs 1 to 2 s each;
// the whole shape corpus is 150 files). What Jena 4.5's `shacl validate` does per file
// (shacl.shacl_validate: RDFDataMgr loads the graphs, ShaclValidator.get().validate,
// the report graph written as Turtle), with the shapes parsed once.
//
// Run as a source file (Java 11+, no javac step), with Jena's classpath:
//   .ci/engines/jena tests/interop/ShaclBatch.java SHAPES DATA...
// Writes DATA.report.ttl beside each DATA, or DATA.error with the exception if Jena could
// not read or validate it (the batch goes on). Exits 0 when every file got a report.

import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

import org.apache.jena.graph.Graph;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.shacl.ShaclValidator;
import org.apache.jena.shacl.Shapes;
import org.apache.jena.shacl.ValidationReport;
import org.apache.jena.sys.JenaSystem;

public class ShaclBatch {
    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: ShaclBatch SHAPES DATA...");
            System.exit(2);
        }
        JenaSystem.init();
        Shapes shapes = Shapes.parse(RDFDataMgr.loadGraph(args[0]));
        int failed = 0;
        for (int i = 1; i < args.length; i++) {
            String data = args[i];
            try {
                Graph graph = RDFDataMgr.loadGraph(data);
                ValidationReport report = ShaclValidator.get().validate(shapes, graph);
                try (OutputStream out = new FileOutputStream(data + ".report.ttl")) {
                    RDFDataMgr.write(out, report.getGraph(), Lang.TTL);
                }
            } catch (Exception e) {
                failed++;
                try (PrintWriter err = new PrintWriter(data + ".error", StandardCharsets.UTF_8)) {
                    e.printStackTrace(err);
                }
            }
        }
        System.err.println("ShaclBatch: " + (args.length - 1) + " file(s), " + failed + " error(s)");
        System.exit(failed == 0 ? 0 : 1);
    }
}
