package com.boxserve.service.training;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.util.Arrays;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The training API: derivatives by autograd, linear regression by gradient descent, the
 * classic examples as presets, and pooling. A regression's loss curve comes back as SVG when
 * the request asks for {@code Accept: image/svg+xml}.
 */
@RestController
@Tag(name = "training", description = "Autograd, linear regression and pooling on the PyTorch engine")
public class TrainingController {

    private static final String SVG = "image/svg+xml";

    private final TrainingService training;

    public TrainingController(TrainingService training) {
        this.training = training;
    }

    /** A preset. */
    public record Example(String name, String description) {
    }

    @PostMapping(path = "/v1/autograd/derivative", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "f(x) and df/dx at each point, by the engine's autograd")
    public TrainingService.DerivativeResult derivative(@Valid @RequestBody DerivativeRequest request) {
        return training.derivative(request.expression(), request.x());
    }

    @PostMapping(path = "/v1/training/linear-regression", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = {MediaType.APPLICATION_JSON_VALUE, SVG})
    @Operation(summary = "Learn y = x·w + b by gradient descent (autograd or hand-written gradients)")
    public ResponseEntity<?> linearRegression(@Valid @RequestBody LinearRegressionRequest request,
            @RequestHeader(value = "Accept", required = false) String accept) {
        return respond("linear regression", training.linearRegression(request), accept);
    }

    @GetMapping("/v1/training/examples")
    @Operation(summary = "The classic PyTorch teaching examples this service runs")
    public List<Example> examples() {
        return Arrays.stream(TrainingExamples.values()).map(e -> new Example(e.id(), e.description())).toList();
    }

    @PostMapping(path = "/v1/training/examples/{name}", produces = {MediaType.APPLICATION_JSON_VALUE, SVG})
    @Operation(summary = "Run one of the examples")
    public ResponseEntity<?> runExample(@PathVariable String name,
            @RequestHeader(value = "Accept", required = false) String accept) {
        TrainingExamples example = TrainingExamples.find(name);
        if (example == null) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "no example named '" + name + "'; examples: "
                    + Arrays.stream(TrainingExamples.values()).map(TrainingExamples::id).toList());
        }
        if (example == TrainingExamples.AUTOGRAD) {
            return ResponseEntity.ok(training.derivative(TrainingExamples.AUTOGRAD_EXPRESSION, List.of(2.0)));
        }
        return respond(example.id(), training.linearRegression(example.regression()), accept);
    }

    @PostMapping(path = "/v1/tensors/pool", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Max or min pooling of a 2-D input (or a batch of them) with a kernel and stride")
    public TrainingService.PoolResult pool(@Valid @RequestBody PoolRequest request) {
        return training.pool(request);
    }

    private static ResponseEntity<?> respond(String title, LinearRegressionResult result, String accept) {
        if (accept != null && accept.contains(SVG)) {
            return ResponseEntity.ok().contentType(MediaType.parseMediaType(SVG))
                    .body(LossCurveSvg.render(title + ": loss by epoch", result.lossCurve()));
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(result);
    }
}
