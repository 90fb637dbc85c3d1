/*
 * OpenWUA fuzzing: libFuzzer's entry point for one target, chosen when this
 * file is built (FUZZ_TARGET names the fuzz_*_one function).  A finding
 * aborts, so libFuzzer keeps the input as a crasher.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "fuzz_target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    HRESULT hr = FUZZ_TARGET(data, size);

    if (hr != S_OK && hr != S_FALSE)
    {
        fprintf(stderr, "finding: %s returned 0x%08x\n", FUZZ_TARGET_NAME, (unsigned int)hr);
        abort();
    }
    return 0;
}
