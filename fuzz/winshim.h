/*
 * OpenWUA fuzzing: what the native shims share with the fuzz targets.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef OPENWUA_FUZZ_WINSHIM_H
#define OPENWUA_FUZZ_WINSHIM_H

#include <windows.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* The policy catalog_allows_no_digest() answers. */
extern BOOL fuzz_allow_no_digest;

#endif
