/*
 * OpenWUA fuzzing: the search criteria parser (src/criteria.c).
 *
 * The input is the criteria text as UTF-16LE.  What parses is matched against
 * a few updates, so the matcher runs over every shape the parser accepts.
 * Anything but S_OK or WU_E_INVALID_CRITERIA is a finding.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <wuerror.h>
#include "criteria.h"
#include "fuzz_target.h"

static const GUID category = {0x0fa1201d, 0x4330, 0x4fa8, {0x8a, 0xe9, 0xb8, 0x77, 0x47, 0x3b, 0x61, 0x41}};

HRESULT fuzz_criteria_one(const BYTE *data, size_t size)
{
    struct criteria_subject subjects[3] = {
        { .type = 1, .revision = 1 },
        { .type = 2, .revision = 200, .is_installed = TRUE, .is_hidden = TRUE, .categories = &category,
          .category_count = 1, .reboot_required = TRUE, .is_present = TRUE },
        { .type = 1, .revision = 7, .is_assigned = TRUE, .browse_only = TRUE, .auto_select_on_websites = TRUE },
    };
    size_t count = size / 2, i;
    struct criteria *criteria;
    WCHAR *text;
    HRESULT hr;
    int action;

    if (!(text = malloc((count + 1) * sizeof(WCHAR)))) return E_OUTOFMEMORY;
    for (i = 0; i < count; i++) text[i] = data[2 * i] | (data[2 * i + 1] << 8);
    text[count] = 0;
    memcpy(&subjects[0].update_id, &category, sizeof(GUID));
    hr = criteria_parse(text, &criteria);
    free(text);
    if (hr != S_OK && hr != WU_E_INVALID_CRITERIA) return hr;
    if ((hr == S_OK) != (criteria != NULL)) return E_UNEXPECTED;
    if (!criteria) return S_FALSE;
    hr = criteria_support(criteria);
    if (hr != S_OK && hr != WU_S_SEARCH_CRITERIA_NOT_SUPPORTED) return hr;
    criteria_deployment_actions(criteria);
    for (i = 0; i < ARRAYSIZE(subjects); i++)
        for (action = 1; action <= 4; action++) criteria_match(criteria, &subjects[i], action);
    criteria_free(criteria);
    return S_OK;
}
