// mac_peak THREADS: the CPU's multiply-accumulate peaks, one JSON line each, for benchmarks/report.py:
// fp32 (FMA) always, bf16 (AVX-512 BF16 dot products) where the CPU has them.
//
// A forward can be no faster than its multiply-accumulates at these rates, so the report sets each
// model's fp32 and bf16 forwards against those floors: a target below a floor cannot be met on the
// machine, whatever the engine, and one just above it needs a share of the peak no engine reaches.
// Twelve independent chains per thread cover the latency of every unit seen here (4 to 6 cycles,
// 2 units); the wider of 256 and 512 bits that runs faster is kept, since Zen 4 splits a 512-bit
// instruction into two 256-bit halves and gains nothing from it. AMX tiles are not measured: on a
// CPU with them the bf16 figure is its AVX-512 BF16 peak, not its best.
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

// Each chain accumulates STEP(c, y, x) in fp32 lanes; OPERAND turns a vector of floats into the
// step's operand type (bf16 pairs for the dot products). The seeds differ per chain so that the
// compiler cannot merge the chains into one.
#define CHAIN_LOOP(VEC, SET1, OPERAND, STEP, ADD, WIDTH)                                      \
    VEC c[CHAINS];                                                                            \
    VEC x_ = SET1(1.0001f), y_ = SET1(0.9999f);                                               \
    for (int k = 0; k < CHAINS; k++) c[k] = SET1(seeds[k]);                                   \
    __typeof__(OPERAND(x_)) x = OPERAND(x_), y = OPERAND(y_);                                 \
    for (long i = 0; i < STEPS; i++) {                                                        \
        c[0] = STEP(c[0], y, x); c[1] = STEP(c[1], y, x); c[2] = STEP(c[2], y, x);            \
        c[3] = STEP(c[3], y, x); c[4] = STEP(c[4], y, x); c[5] = STEP(c[5], y, x);            \
        c[6] = STEP(c[6], y, x); c[7] = STEP(c[7], y, x); c[8] = STEP(c[8], y, x);            \
        c[9] = STEP(c[9], y, x); c[10] = STEP(c[10], y, x); c[11] = STEP(c[11], y, x);        \
    }                                                                                         \
    VEC s = c[0];                                                                             \
    for (int k = 1; k < CHAINS; k++) s = ADD(s, c[k]);                                        \
    float lanes[WIDTH / 32];                                                                  \
    memcpy(lanes, &s, sizeof lanes);                                                          \
    results[(long) slot] = lanes[0];                                                          \
    return NULL;

#define SAME(v) (v)
// c * y + x: bounded, so the fp32 chains never overflow
#define FMA512(c, y, x) _mm512_fmadd_ps(c, y, x)
#define FMA256(c, y, x) _mm256_fmadd_ps(c, y, x)
// c + y . x over pairs of bf16: two multiply-accumulates a lane; c grows by about 2 a step, far
// from overflow after STEPS
#define BF16_512(v) _mm512_cvtne2ps_pbh(v, v)
#define BF16_256(v) _mm256_cvtne2ps_pbh(v, v)
#define DOT512(c, y, x) _mm512_dpbf16_ps(c, y, x)
#define DOT256(c, y, x) _mm256_dpbf16_ps(c, y, x)

__attribute__((target("avx512f"))) static void *fma512(void *slot) {
    CHAIN_LOOP(__m512, _mm512_set1_ps, SAME, FMA512, _mm512_add_ps, 512)
}

__attribute__((target("avx2,fma"))) static void *fma256(void *slot) {
    CHAIN_LOOP(__m256, _mm256_set1_ps, SAME, FMA256, _mm256_add_ps, 256)
}

__attribute__((target("avx512f,avx512bf16"))) static void *dot512(void *slot) {
    CHAIN_LOOP(__m512, _mm512_set1_ps, BF16_512, DOT512, _mm512_add_ps, 512)
}

__attribute__((target("avx512f,avx512vl,avx512bf16"))) static void *dot256(void *slot) {
    CHAIN_LOOP(__m256, _mm256_set1_ps, BF16_256, DOT256, _mm256_add_ps, 256)
}

struct kernel {
    void *(*chains)(void *);
    int width;
    int macs_per_lane;
};

// multiply-accumulates per second (1e9) of THREADS threads running one kernel's chains
static double rate(int threads, struct kernel k) {
    pthread_t ids[256];
    double start = now();
    for (long t = 0; t < threads; t++) pthread_create(&ids[t], NULL, k.chains, (void *) t);
    for (int t = 0; t < threads; t++) pthread_join(ids[t], NULL);
    double seconds = now() - start;
    return (double) threads * STEPS * CHAINS * (k.width / 32) * k.macs_per_lane / seconds / 1e9;
}

// the best of three passes of each kernel (a VM's neighbours only ever slow a pass down), as a JSON line
static void peak(const char *kind, int threads, const struct kernel *kernels, int count) {
    double best = 0;
    int best_width = 0;
    for (int k = 0; k < count; k++)
        for (int pass = 0; pass < 3; pass++) {
            double measured = rate(threads, kernels[k]);
            if (measured > best) best = measured, best_width = kernels[k].width;
        }
    printf("{\"kind\": \"%s\", \"threads\": %d, \"vectorBits\": %d, \"gmacPerSecond\": %.1f}\n",
           kind, threads, best_width, best);
    fflush(stdout);
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    if (threads < 1 || threads > 256) {
        fprintf(stderr, "usage: mac_peak THREADS (1-256)\n");
        return 2;
    }
    for (int k = 0; k < CHAINS; k++) seeds[k] = 1.0f + k * 0.001f * argc;
    struct kernel fp32[2], bf16[2];
    int fp32_count = 0, bf16_count = 0;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        fp32[fp32_count++] = (struct kernel) {fma256, 256, 1};
    if (__builtin_cpu_supports("avx512f")) fp32[fp32_count++] = (struct kernel) {fma512, 512, 1};
    if (fp32_count == 0) {
        fprintf(stderr, "mac_peak: neither AVX2 with FMA nor AVX-512 on this CPU\n");
        return 1;
    }
    peak("fp32-peak", threads, fp32, fp32_count);
    if (__builtin_cpu_supports("avx512bf16")) {
        if (__builtin_cpu_supports("avx512vl")) bf16[bf16_count++] = (struct kernel) {dot256, 256, 2};
        bf16[bf16_count++] = (struct kernel) {dot512, 512, 2};
        peak("bf16-peak", threads, bf16, bf16_count);
    }
    return 0;
}
