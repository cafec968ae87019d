package com.boxserve.service.models;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** What is served ({@code GET /v1/models}, {@code GET /v1/models/{name}}) and changing it ({@code PUT}, {@code DELETE}). */
@RestController
@RequestMapping("/v1/models")
@Tag(name = "models", description = "The detectors this service serves and their state")
public class ModelsController {

    private final DetectorRegistry registry;

    public ModelsController(DetectorRegistry registry) {
        this.registry = registry;
    }

    /** Every served model. */
    public record ModelsResponse(List<ModelView> models, boolean randomWeights, String warning) {
    }

    @GetMapping
    @Operation(summary = "List the served models with their status, engine, weights provenance and published facts")
    public ModelsResponse list() {
        List<ModelView> views = registry.all().stream().map(ModelView::of).toList();
        boolean random = views.stream().anyMatch(v -> v.weights() != null && v.weights().random());
        return new ModelsResponse(views, random,
                random ? "some models serve RANDOM weights: their detections are meaningless" : null);
    }

    @GetMapping("/{name}")
    @Operation(summary = "One served model")
    public ModelView get(@PathVariable String name) {
        return ModelView.of(registry.get(name));
    }

    @PutMapping("/{name}")
    @ManagementOperation
    @Operation(summary = "Load a model, or reload it with other settings (admin); it loads in the background")
    public ResponseEntity<ModelView> deploy(@PathVariable String name,
            @RequestBody(required = false) ModelSettingsRequest settings) {
        ServedModel model = registry.deploy(name, (settings == null ? ModelSettingsRequest.NONE : settings).settings());
        return ResponseEntity.accepted().body(ModelView.of(model));
    }

    @DeleteMapping("/{name}")
    @ManagementOperation
    @Operation(summary = "Unload a model after its queue drains (admin); it answers 503 meanwhile, then 404")
    public ResponseEntity<ModelView> undeploy(@PathVariable String name) {
        return ResponseEntity.accepted().body(ModelView.of(registry.undeploy(name)));
    }
}
