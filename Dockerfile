# syntax=docker/dockerfile:1
# boxserve: torchvision's seven COCO detectors over HTTP through DJL.
#
#   docker build -t boxserve .                                  # official pretrained weights (needs network)
#   docker build -t boxserve --build-arg WEIGHTS=random .       # offline: seeded random weights, flagged in /v1/models
#   docker build -t boxserve --build-arg MODELS="fasterrcnn_mobilenet_v3_large_320_fpn" .   # a subset
#   docker run -p 8080:8080 -p 8081:8081 boxserve     (8081: the Open Inference Protocol over gRPC)

ARG MODELS="fasterrcnn_mobilenet_v3_large_320_fpn fasterrcnn_mobilenet_v3_large_fpn fasterrcnn_resnet50_fpn fasterrcnn_resnet50_fpn_v2 fcos_resnet50_fpn retinanet_resnet50_fpn retinanet_resnet50_fpn_v2"

# ---- 1. export the detectors (torch and torchvision from pip: the versions the exporter is tested with)
FROM python:3.10-slim AS models
ARG MODELS
ARG WEIGHTS=pretrained
RUN pip install --no-cache-dir torch==1.13.1 torchvision==0.14.1 --index-url https://download.pytorch.org/whl/cpu \
 && pip install --no-cache-dir onnx==1.12.0 "numpy<2" pillow
COPY model-zoo/exporter /exporter
RUN python /exporter/export_detectors.py --out /models --models ${MODELS} --weights ${WEIGHTS} --seed 0 \
        $( [ "$WEIGHTS" = random ] && echo --detections-per-image 100 ) \
 && find /models -name '.*' -prune -exec rm -rf {} +

# ---- 2. build the service
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY model-zoo/pom.xml model-zoo/
COPY service/pom.xml service/
RUN mvn -B -q -pl service -am dependency:go-offline -DexcludeArtifactIds=model-zoo || true
COPY model-zoo model-zoo
COPY service service
RUN mvn -B -q -pl service -am package -DskipTests && cp service/target/service-*.jar /app.jar

# ---- 2b. NVIDIA GPU variant (docker build --target runtime-cuda): DJL's cu128 JNI with pip's libtorch 2.7.1+cu128;
#          run with `docker run --gpus all`. Not built or run in this project's CI (no GPU, no Docker engine).
FROM build AS build-cuda
RUN mvn -B -q -Pcuda -pl service -am package -DskipTests && cp service/target/service-*.jar /app-cuda.jar

FROM nvidia/cuda:12.8.1-cudnn-runtime-ubuntu22.04 AS runtime-cuda
RUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jre-headless python3-pip curl libtcmalloc-minimal4  && pip3 install --no-cache-dir torch==2.7.1 --index-url https://download.pytorch.org/whl/cu128  && rm -rf /var/lib/apt/lists/* && useradd --system --uid 10001 --home-dir /app boxserve
WORKDIR /app
ENV DJL_CACHE_DIR=/app/djl-cache OPT_OUT_TRACKING=true JAVA_TOOL_OPTIONS="-Dai.djl.offline=true" \
    LD_PRELOAD=libtcmalloc_minimal.so.4 \
    PYTORCH_LIBRARY_PATH=/usr/local/lib/python3.10/dist-packages/torch/lib PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR=cu128 \
    BOXSERVE_MODELS_DIRECTORY=/app/models BOXSERVE_MODELS_DEVICE=gpu0
COPY --from=build-cuda /app-cuda.jar /app/app.jar
COPY --from=models /models /app/models
# evaluation jobs are kept here (a volume in compose): made now, so a volume mounted on it is the service's to write
RUN mkdir -p /app/evaluations && chown -R boxserve /app
USER boxserve
EXPOSE 8080 8081
HEALTHCHECK --interval=15s --timeout=3s --start-period=180s --retries=3 \
    CMD curl -fsS http://localhost:8080/actuator/health/readiness || exit 1
ENTRYPOINT ["java", "-jar", "/app/app.jar"]

# ---- 3. run it: slim Java 17 runtime, non-root, natives unpacked, no network needed
FROM eclipse-temurin:17-jre-jammy AS runtime
RUN apt-get update && apt-get install -y --no-install-recommends curl libtcmalloc-minimal4 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app boxserve
WORKDIR /app
# tcmalloc keeps the memory libtorch frees for the next forward (bin/native-allocator says why)
ENV DJL_CACHE_DIR=/app/djl-cache \
    LD_PRELOAD=libtcmalloc_minimal.so.4 \
    OPT_OUT_TRACKING=true \
    JAVA_TOOL_OPTIONS="-Dai.djl.offline=true -XX:MaxRAMPercentage=50" \
    BOXSERVE_MODELS_DIRECTORY=/app/models
COPY --from=build /app.jar /app/app.jar
COPY --from=models /models /app/models
RUN java -Dloader.main=com.boxserve.service.PrepareNatives -cp /app/app.jar \
        org.springframework.boot.loader.launch.PropertiesLauncher \
 && mkdir -p /app/evaluations && chown -R boxserve /app
USER boxserve
EXPOSE 8080 8081
HEALTHCHECK --interval=15s --timeout=3s --start-period=180s --retries=3 \
    CMD curl -fsS http://localhost:8080/actuator/health/readiness || exit 1
ENTRYPOINT ["java", "-jar", "/app/app.jar"]
