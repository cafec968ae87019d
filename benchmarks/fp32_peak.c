// fp32_peak THREADS: the CPU's fp32 multiply-accumulate peak, as one JSON line for benchmarks/report.py.
//
// A forward can be no faster than its multiply-accumulates at this rate, so the report sets each
// model's fp32 forward against that floor: a target below it cannot be met in exact fp32 on the
// machine, whatever the engine. Twelve independent FMA chains per thread cover the FMA latency of
// every CPU seen here (4 cycles, 2 units); the wider of AVX2 and AVX-512 that runs faster is kept,
// since Zen 4 splits a 512-bit FMA into two 256-bit halves and gains nothing from it.
#include <immintrin.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STEPS 100000000L
#define CHAINS 12

static float seeds[CHAINS];
// each thread's sum, stored so that its chains cannot be dropped
static volatile float results[256];

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

// The seeds differ per chain so that the compiler cannot merge the chains into one.
#define CHAIN_LOOP(VEC, SET1, FMA, ADD, WIDTH)                                         \
    VEC c[CHAINS];                                                                     \
    VEC x = SET1(1.0001f), y = SET1(0.9999f);                                          \
    for (int k = 0; k < CHAINS; k++) c[k] = SET1(seeds[k]);                            \
    for (long i = 0; i < STEPS; i++) {                                                 \
        c[0] = FMA(c[0], y, x); c[1] = FMA(c[1], y, x); c[2] = FMA(c[2], y, x);        \
        c[3] = FMA(c[3], y, x); c[4] = FMA(c[4], y, x); c[5] = FMA(c[5], y, x);        \
        c[6] = FMA(c[6], y, x); c[7] = FMA(c[7], y, x); c[8] = FMA(c[8], y, x);        \
        c[9] = FMA(c[9], y, x); c[10] = FMA(c[10], y, x); c[11] = FMA(c[11], y, x);    \
    }                                                                                  \
    VEC s = c[0];                                                                      \
    for (int k = 1; k < CHAINS; k++) s = ADD(s, c[k]);                                 \
    float lanes[WIDTH / 32];                                                           \
    memcpy(lanes, &s, sizeof lanes);                                                   \
    results[(long) slot] = lanes[0];                                                   \
    return NULL;

__attribute__((target("avx512f"))) static void *chains512(void *slot) {
    CHAIN_LOOP(__m512, _mm512_set1_ps, _mm512_fmadd_ps, _mm512_add_ps, 512)
}

__attribute__((target("avx2,fma"))) static void *chains256(void *slot) {
    CHAIN_LOOP(__m256, _mm256_set1_ps, _mm256_fmadd_ps, _mm256_add_ps, 256)
}

// multiply-accumulates per second (1e9) of THREADS threads running the chains at this width
static double rate(int threads, int width) {
    pthread_t ids[256];
    double start = now();
    for (long t = 0; t < threads; t++)
        pthread_create(&ids[t], NULL, width == 512 ? chains512 : chains256, (void *) t);
    for (int t = 0; t < threads; t++) pthread_join(ids[t], NULL);
    double seconds = now() - start;
    return (double) threads * STEPS * CHAINS * (width / 32) / seconds / 1e9;
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    if (threads < 1 || threads > 256) {
        fprintf(stderr, "usage: fp32_peak THREADS (1-256)\n");
        return 2;
    }
    for (int k = 0; k < CHAINS; k++) seeds[k] = 1.0f + k * 0.001f * argc;
    int widths[2], count = 0;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) widths[count++] = 256;
    if (__builtin_cpu_supports("avx512f")) widths[count++] = 512;
    if (count == 0) {
        fprintf(stderr, "fp32_peak: neither AVX2 with FMA nor AVX-512 on this CPU\n");
        return 1;
    }
    // best of three per width: a VM's neighbours only ever slow a pass down
    double best = 0;
    int best_width = 0;
    for (int w = 0; w < count; w++)
        for (int pass = 0; pass < 3; pass++) {
            double measured = rate(threads, widths[w]);
            if (measured > best) best = measured, best_width = widths[w];
        }
    printf("{\"kind\": \"fp32-peak\", \"threads\": %d, \"vectorBits\": %d, \"gmacPerSecond\": %.1f}\n",
           threads, best_width, best);
    return 0;
}
