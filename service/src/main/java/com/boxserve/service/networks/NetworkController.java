package com.boxserve.service.networks;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.Arrays;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** The network builder: networks described as data, trained on the engine, with PyTorch's names and numbers. */
@RestController
@Tag(name = "networks", description = "Networks of modules and parameters, trained on the PyTorch engine")
public class NetworkController {

    private final NetworkService networks;

    public NetworkController(NetworkService networks) {
        this.networks = networks;
    }

    @PostMapping(path = "/v1/training/networks", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Build a network from layers, show its modules and parameters, and train it")
    public NetworkResult train(@RequestBody NetworkRequest request) {
        return networks.train(request);
    }

    @GetMapping("/v1/training/layers")
    @Operation(summary = "Every layer kind with its arguments, defaults, shape rule and parameters")
    public List<LayerKind.Description> layers() {
        return Arrays.stream(LayerKind.values()).map(LayerKind::describe).toList();
    }

    @GetMapping("/v1/training/networks/presets")
    @Operation(summary = "The preset networks, with their data, seed and the figure each reaches")
    public List<NetworkPresets.Description> presets() {
        return Arrays.stream(NetworkPresets.values()).map(NetworkPresets::describe).toList();
    }
}
