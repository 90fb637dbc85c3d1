/*
 * OpenWUA fuzzing: one function per target, shared by the native libFuzzer
 * build (fuzz/main_*.c) and the replay test that runs the kept corpus under
 * Wine against the real system libraries (tests/test_fuzz_replay.c).
 *
 * Each returns S_OK or S_FALSE for an input handled as documented (accepted or
 * refused with a documented error), and any other HRESULT for a finding.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef OPENWUA_FUZZ_TARGET_H
#define OPENWUA_FUZZ_TARGET_H

#include <stddef.h>
#include <windows.h>
#include "rules.h"

HRESULT fuzz_criteria_one(const BYTE *data, size_t size);
HRESULT fuzz_catalog_one(const BYTE *data, size_t size);
HRESULT fuzz_rules_one(const BYTE *data, size_t size);

/* A fake machine whose answers the seed picks (fuzz_rules.c). */
const struct rule_facts *fuzz_facts(BYTE seed);
/* Whether content without a digest is allowed (the policy catalog_allows_no_digest reads). */
void fuzz_set_no_digest_policy(BOOL allow);

#endif
