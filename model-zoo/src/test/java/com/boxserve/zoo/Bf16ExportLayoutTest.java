package com.boxserve.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.boxserve.zoo.precision.Bf16Artifact;
import com.boxserve.zoo.precision.Bf16Export;
import com.boxserve.zoo.precision.ExporterTools;
import com.boxserve.zoo.precision.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bf16 export's choice of layout, with a stand-in {@code bf16_torchscript.py} that writes the
 * layout it was asked for into the model file, and trials that fail the layouts a CPU's libtorch
 * would crash on: channels-last is kept where it runs, its 1x1 convolutions made matrix products
 * where it does not, NCHW where neither runs, nothing recorded where none does. (Bf16ExportTest makes
 * and runs the real model.)
 */
class Bf16ExportLayoutTest {

    private static final String NAME = "fasterrcnn_mobilenet_v3_large_320_fpn";
    private static final String STAND_IN = """
            import argparse, json, os
            parser = argparse.ArgumentParser()
            for option in ("--scenes", "--layout", "--step"):
                parser.add_argument(option)
            parser.add_argument("model_dir")
            parser.add_argument("out")
            args = parser.parse_args()
            if args.step == "make":
                with open(args.out, "w") as f:
                    f.write(args.layout)
            with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "steps"), "a") as f:
                f.write(args.step + " " + args.layout + "\\n")
            agreement = {"images": 22} if args.step == "measure" else None
            print(json.dumps({"file": os.path.basename(args.out), "layout": args.layout, "agreement": agreement}))
            """;

    @TempDir
    Path copy;

    @TempDir
    Path exporter;

    private ExporterTools tools;
    private final List<String> tried = new ArrayList<>();

    @BeforeEach
    void standIn() throws IOException {
        TestModels.copyForExport(NAME, copy);
        Files.writeString(exporter.resolve("bf16_torchscript.py"), STAND_IN);
        tools = ExporterTools.at(exporter);
    }

    private Optional<String> crashesOn(Set<String> layouts, Path model) throws IOException {
        String layout = Files.readString(model);
        tried.add(layout);
        return layouts.contains(layout) ? Optional.of("SIGSEGV in " + layout) : Optional.empty();
    }

    @Test
    void keepsChannelsLastWhereItRuns() throws Exception {
        Bf16Artifact made = Bf16Export.export(copy, tools, model -> crashesOn(Set.of(), model));

        assertEquals(List.of(Bf16Export.CHANNELS_LAST), tried);
        assertEquals(Bf16Export.CHANNELS_LAST, made.layout());
        assertRecorded(made);
    }

    @Test
    void makesThe1x1ConvolutionsMatrixProductsWhereChannelsLastFails() throws Exception {
        Bf16Artifact made = Bf16Export.export(copy, tools, model -> crashesOn(Set.of(Bf16Export.CHANNELS_LAST), model));

        assertEquals(List.of(Bf16Export.CHANNELS_LAST, Bf16Export.CHANNELS_LAST_MATMUL), tried);
        assertEquals(Bf16Export.CHANNELS_LAST_MATMUL, made.layout());
        assertRecorded(made);
        assertEquals(List.of("make channels-last", "make channels-last-matmul", "measure channels-last-matmul"),
                Files.readAllLines(exporter.resolve("steps")), "the agreement measured for the layout kept alone");
    }

    @Test
    void makesItNchwWhereNoChannelsLastModelRuns() throws Exception {
        Bf16Artifact made = Bf16Export.export(copy, tools,
                model -> crashesOn(Set.of(Bf16Export.CHANNELS_LAST, Bf16Export.CHANNELS_LAST_MATMUL), model));

        assertEquals(List.of(Bf16Export.CHANNELS_LAST, Bf16Export.CHANNELS_LAST_MATMUL, Bf16Export.NCHW), tried);
        assertEquals(Bf16Export.NCHW, made.layout());
        assertRecorded(made);
    }

    @Test
    void recordsNothingWhereNoneRuns() throws Exception {
        IOException failure = assertThrows(IOException.class, () -> Bf16Export.export(copy, tools,
                model -> crashesOn(Set.of(Bf16Export.CHANNELS_LAST, Bf16Export.CHANNELS_LAST_MATMUL, Bf16Export.NCHW), model)));

        assertTrue(failure.getMessage().contains("SIGSEGV in channels-last)")
                && failure.getMessage().contains("SIGSEGV in channels-last-matmul")
                && failure.getMessage().contains("SIGSEGV in nchw"), failure.getMessage());
        assertFalse(Files.exists(copy.resolve(NAME + ".bf16.pt")));
        assertEquals(Optional.empty(), ModelDirectory.open(copy).metadata().bf16());
    }

    private void assertRecorded(Bf16Artifact made) throws IOException {
        ModelDirectory directory = ModelDirectory.open(copy);
        assertEquals(Optional.of(made), directory.metadata().bf16());
        assertEquals(made.layout(), Files.readString(directory.modelFile(InferenceEngine.PYTORCH, Precision.BF16)),
                "the model file is the one made in the recorded layout");
    }
}
