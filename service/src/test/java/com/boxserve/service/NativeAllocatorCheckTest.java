package com.boxserve.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class NativeAllocatorCheckTest {

    private static final String GLIBC =
            "7f1c2a000000-7f1c2a028000 r--p 00000000 08:01 1311 /usr/lib/x86_64-linux-gnu/libc.so.6";
    private static final String TCMALLOC =
            "7f1c2b000000-7f1c2b010000 r-xp 00000000 08:01 1422 /usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4.5.10";

    @Test
    void findsAPreloadedTcmallocAmongTheMappedLibraries() {
        assertEquals(Optional.of("libtcmalloc_minimal.so.4.5.10"),
                NativeAllocatorCheck.allocatorIn(Stream.of("00400000-00401000 r-xp 00000000 00:00 0 [heap]", GLIBC, TCMALLOC)));
    }

    @Test
    void glibcAloneIsNotTcmalloc() {
        assertEquals(Optional.empty(), NativeAllocatorCheck.allocatorIn(Stream.of(GLIBC, "7ffd-7ffe rw-p 00000000 00:00 0 [stack]")));
    }

    @Test
    void theTestJvmHasTheAllocatorThatBinTestPreloads() {
        String preload = System.getenv().getOrDefault("LD_PRELOAD", "");
        assumeTrue(preload.contains("tcmalloc"), "LD_PRELOAD names no tcmalloc (tests not run by bin/test)");
        assertTrue(NativeAllocatorCheck.loadedTcmalloc().orElse("").contains("tcmalloc"),
                "LD_PRELOAD=" + preload + " but /proc/self/maps maps no tcmalloc");
    }
}
