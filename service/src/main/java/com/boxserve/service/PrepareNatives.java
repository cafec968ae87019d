package com.boxserve.service;

import ai.djl.engine.Engine;

/**
 * Unpacks DJL's native libraries (libtorch, ONNX Runtime) into {@code DJL_CACHE_DIR} and exits:
 * the container image runs it at build time, so a container starts with everything in place.
 */
public final class PrepareNatives {

    private PrepareNatives() {
    }

    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        for (String engine : new String[] {"PyTorch", "OnnxRuntime"}) {
            System.out.println(engine + " " + Engine.getEngine(engine).getVersion() + " ready");
        }
    }
}
