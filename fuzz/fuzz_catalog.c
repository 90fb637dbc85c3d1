/*
 * OpenWUA fuzzing: the SDP catalog loader (src/catalog.c) and, through the
 * catalogs that load, the rule engine on real rule trees.
 *
 * The first byte picks how the document is handed over (the size of each
 * read, so that reads split the document everywhere) and the no-digest
 * policy; the rest is the document.  Documented outcomes: S_OK with a
 * catalog, WU_E_XML_INVALID, WU_E_XML_MISSINGDATA.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <wuerror.h>
#include "catalog_loader.h"
#include "fuzz_target.h"

struct source
{
    const BYTE *data;
    size_t size, pos;
    ULONG chunk;
};

static HRESULT read_source(void *context, BYTE *buffer, ULONG size, ULONG *done)
{
    struct source *source = context;
    size_t left = source->size - source->pos;

    *done = min(min(size, source->chunk), left);
    memcpy(buffer, source->data + source->pos, *done);
    source->pos += *done;
    return S_OK;
}

/* Every rule of the catalog evaluated: whatever loads must evaluate. */
static HRESULT evaluate_all(const struct catalog *catalog, BYTE seed)
{
    const struct rule_facts *facts = fuzz_facts(seed);
    unsigned int i, j;

    for (i = 0; i < catalog->package_count; i++)
    {
        const struct catalog_package *package = &catalog->packages[i];
        const struct rule *rules[2 + 3 * 64];
        unsigned int count = 0, k;

        if (!package->text_count) return E_UNEXPECTED;     /* the model promises one */
        rules[count++] = package->is_installed;
        rules[count++] = package->is_installable;
        for (j = 0; j < package->item_count && j < 64; j++)
        {
            rules[count++] = package->items[j].is_installed;
            rules[count++] = package->items[j].is_superseded;
            rules[count++] = package->items[j].is_installable;
        }
        for (k = 0; k < count; k++)
        {
            enum rule_result result;

            if (!rules[k]) continue;
            result = rule_evaluate(rules[k], facts, NULL);
            if (result < RULE_RESULT_ERROR || result > RULE_RESULT_TRUE) return E_UNEXPECTED;
        }
    }
    return S_OK;
}

HRESULT fuzz_catalog_one(const BYTE *data, size_t size)
{
    static const ULONG chunks[] = { 4096, 1, 2, 3, 7, 64, 1000, 65536 };
    struct source source = { data + 1, size ? size - 1 : 0, 0, 0 };
    struct catalog_loader *loader;
    struct catalog *catalog = NULL;
    HRESULT hr;

    if (!size) return S_FALSE;
    source.chunk = chunks[data[0] & 7];
    fuzz_set_no_digest_policy(data[0] & 8);
    if (SUCCEEDED(hr = catalog_loader_create(&loader))) hr = catalog_loader_parse(loader, read_source, &source);
    hr = catalog_loader_finish(loader, hr, &catalog);
    if (hr == WU_E_XML_INVALID || hr == WU_E_XML_MISSINGDATA) return catalog ? E_UNEXPECTED : S_FALSE;
    if (FAILED(hr)) return hr;
    if (!catalog) return E_UNEXPECTED;
    hr = evaluate_all(catalog, data[0]);
    catalog_free(catalog);
    return hr;
}
