package com.boxserve.zoo;

import ai.djl.Model;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorFactory;
import ai.djl.util.Pair;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.Set;

/**
 * Lets DJL tooling load an exported directory on its own: {@code serving.properties} names this
 * factory, which reads the directory's {@code detector.json}. Argument {@code maxInputSide} as in
 * {@link DetectionTranslator}.
 */
public class DetectionTranslatorFactory implements TranslatorFactory {

    @Override
    public Set<Pair<Type, Type>> getSupportedTypes() {
        return Set.of(new Pair<>(DetectionInput.class, DetectionResult.class));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <I, O> Translator<I, O> newInstance(Class<I> input, Class<O> output, Model model, Map<String, ?> arguments) {
        if (!isSupported(input, output)) {
            throw new IllegalArgumentException("unsupported input/output types: " + input + " -> " + output);
        }
        DetectorMetadata metadata = ModelDirectory.open(model.getModelPath()).metadata();
        Object maxInputSide = arguments.get("maxInputSide");
        int side = maxInputSide == null ? 0 : Integer.parseInt(maxInputSide.toString());
        return (Translator<I, O>) new DetectionTranslator(metadata, side);
    }
}
