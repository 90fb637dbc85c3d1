/*
 * OpenWUA fuzzing: the applicability rule engine (src/rule_tree.c, src/rules.c).
 *
 * The input is decoded into a rule tree (element names from the vocabulary
 * and a few unknown ones, attributes with hostile values) and the answers of
 * a fake machine, then evaluated with and without a per-search cache.  The
 * decoding never fails: every input is some tree.  A result that is not one
 * of the three is a finding.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include "rules.h"
#include "fuzz_target.h"

#define NS L"http://schemas.microsoft.com/wsus/2005/04/CorporatePublishing/"
#define MAX_RULES 4096
#define MAX_DEPTH 64

static const WCHAR logical_ns[] = NS L"LogicalApplicabilityRules.xsd";
static const WCHAR base_ns[] = NS L"BaseApplicabilityRules.xsd";
static const WCHAR msi_ns[] = NS L"MsiApplicabilityRules.xsd";

static const struct { const WCHAR *ns, *name; } names[] =
{
    { logical_ns, L"True" }, { logical_ns, L"False" }, { logical_ns, L"And" }, { logical_ns, L"Or" },
    { logical_ns, L"Not" }, { base_ns, L"WindowsVersion" }, { base_ns, L"WindowsLanguage" },
    { base_ns, L"Processor" }, { base_ns, L"RegKeyExists" }, { base_ns, L"RegValueExists" }, { base_ns, L"RegSz" },
    { base_ns, L"RegDword" }, { base_ns, L"RegExpandSz" }, { base_ns, L"RegSzToVersion" },
    { base_ns, L"FileExists" }, { base_ns, L"FileVersion" }, { base_ns, L"WmiQuery" },
    { msi_ns, L"MsiProductInstalled" }, { base_ns, L"Unheard" }, { L"urn:other", L"And" },
};

static const WCHAR *const attr_names[] =
{
    L"AllSuitesMustBePresent", L"Architecture", L"BuildNumber", L"Comparison", L"Created", L"Csidl", L"Data",
    L"ExcludeVersionMax", L"ExcludeVersionMin", L"Key", L"Language", L"Level", L"MajorVersion", L"MinorVersion",
    L"Modified", L"Namespace", L"Path", L"ProductCode", L"ProductType", L"RegType32", L"Revision",
    L"ServicePackMajor", L"ServicePackMinor", L"Size", L"Subkey", L"SuiteMask", L"Type", L"Value", L"Version",
    L"VersionMax", L"VersionMin", L"WqlQuery", L"Unheard",
};

/* Values are mostly made of what rule attributes hold, so that they parse often. */
static const WCHAR *const pieces[] =
{
    L"0", L"1", L"9", L"4294967295", L"-1", L"65536", L".", L"10.0.19041.1", L"EqualTo", L"LessThan",
    L"GreaterThanOrEqualTo", L"Contains", L"BeginsWith", L"true", L"false", L"HKEY_LOCAL_MACHINE", L"HKLM",
    L"SOFTWARE\\Vendor", L"\\", L"%ProgramFiles%", L"%", L"C:\\", L"..\\", L"{11111111-2222-3333-4444-555555555555}",
    L"root\\cimv2", L"SELECT * FROM Win32_Foo", L"en", L"en-US", L"x64", L" ", L"0x", L"Registry", L"38", L"0001",
};

struct input
{
    const BYTE *data;
    size_t size, pos;
    unsigned int rules;
};

static BYTE next(struct input *in)
{
    return in->pos < in->size ? in->data[in->pos++] : 0;
}

static WCHAR *make_value(struct input *in)
{
    unsigned int count = next(in) % 8, i;
    WCHAR *value = calloc(256, sizeof(WCHAR));
    size_t used = 0, length;

    for (i = 0; value && i < count; i++)
    {
        BYTE b = next(in);
        const WCHAR *piece = pieces[b % ARRAYSIZE(pieces)];
        WCHAR raw[2] = { 0 };

        if (b >= 0xf0)      /* any UTF-16 unit, now and then */
        {
            raw[0] = next(in);
            raw[0] |= next(in) << 8;
            if (!raw[0]) continue;
            piece = raw;
        }
        length = wcslen(piece);
        if (used + length >= 255) break;
        memcpy(value + used, piece, length * sizeof(WCHAR));
        used += length;
    }
    return value;
}

static struct rule *make_rule(struct input *in, unsigned int depth)
{
    BYTE b = next(in);
    struct rule *rule, *child;
    unsigned int count, i;
    WCHAR *value;

    if (++in->rules > MAX_RULES) return NULL;
    if (!(rule = rule_create(names[b % ARRAYSIZE(names)].ns, names[b % ARRAYSIZE(names)].name))) return NULL;
    for (count = next(in) % 6, i = 0; i < count; i++)
    {
        const WCHAR *name = attr_names[next(in) % ARRAYSIZE(attr_names)];

        if (!(value = make_value(in))) break;
        rule_add_attr(rule, name, value);   /* a repeated name is the loader's error, not the engine's */
        free(value);
    }
    if (depth >= MAX_DEPTH) return rule;
    for (count = next(in) % 4, i = 0; i < count && in->pos < in->size; i++)
        if ((child = make_rule(in, depth + 1)) && FAILED(rule_add_child(rule, child))) rule_free(child);
    return rule;
}

/* --- the fake machine: each answer picked by the input's seed and the question --- */

struct machine
{
    BYTE seed;
};

static UINT ask(const struct machine *m, const WCHAR *a, const WCHAR *b)
{
    UINT hash = 2166136261u ^ m->seed;

    while (a && *a) hash = (hash ^ *a++) * 16777619u;
    while (b && *b) hash = (hash ^ *b++) * 16777619u;
    return hash;
}

static BOOL os_version(void *ctx, OSVERSIONINFOEXW *info)
{
    const struct machine *m = ctx;

    memset(info, 0, sizeof(*info));
    info->dwMajorVersion = m->seed & 1 ? 10 : 6;
    info->dwMinorVersion = m->seed & 2 ? 0 : 3;
    info->dwBuildNumber = m->seed & 4 ? 19045 : 9600;
    info->wServicePackMajor = m->seed >> 6;
    info->wSuiteMask = m->seed;
    info->wProductType = 1 + m->seed % 3;
    return m->seed != 0xff;
}

static void processor(void *ctx, WORD *architecture, WORD *level, WORD *revision)
{
    const struct machine *m = ctx;

    *architecture = m->seed & 8 ? 9 : 0;
    *level = m->seed;
    *revision = 0x0100;
}

static LANGID system_language(void *ctx)
{
    const struct machine *m = ctx;

    return m->seed & 16 ? 0x0409 : 0x0407;
}

/* Data of every kind, with the RegQueryValueEx size rules. */
static LSTATUS reg_query(void *ctx, BOOL wow32, const WCHAR *subkey, const WCHAR *value, DWORD *type, BYTE *data,
                         DWORD *size)
{
    static const WCHAR version[] = L"10.0.19041.1", expand[] = L"%ProgramFiles%\\x", multi[] = L"a\0b\0";
    static const DWORD dword = 7;
    static const BYTE odd[] = { 'x', 0, 'y' };
    const struct { DWORD type; const void *data; DWORD size; } answers[] =
    {
        { REG_SZ, version, sizeof(version) }, { REG_SZ, version, 6 }, { REG_DWORD, &dword, sizeof(dword) },
        { REG_EXPAND_SZ, expand, sizeof(expand) }, { REG_MULTI_SZ, multi, sizeof(multi) }, { REG_BINARY, odd, 3 },
        { REG_SZ, odd, 3 }, { REG_DWORD, odd, 3 }, { REG_SZ, NULL, 0 },
    };
    UINT pick = ask(ctx, subkey, value) + wow32;

    if (pick % 11 == 9) return ERROR_FILE_NOT_FOUND;
    if (pick % 11 == 10) return ERROR_ACCESS_DENIED;
    if (!value) return ERROR_SUCCESS;
    pick %= ARRAYSIZE(answers);
    if (type) *type = answers[pick].type;
    if (!size) return data ? ERROR_INVALID_PARAMETER : ERROR_SUCCESS;
    if (data && *size < answers[pick].size)
    {
        *size = answers[pick].size;
        return ERROR_MORE_DATA;
    }
    if (data && answers[pick].size) memcpy(data, answers[pick].data, answers[pick].size);
    *size = answers[pick].size;
    return ERROR_SUCCESS;
}

static BOOL folder_path(void *ctx, int csidl, WCHAR *path, DWORD size)
{
    static const WCHAR folder[] = L"C:\\Program Files";

    (void)ctx;
    if (csidl % 3 == 2 || size < ARRAYSIZE(folder)) return FALSE;
    memcpy(path, folder, sizeof(folder));
    return TRUE;
}

static DWORD file_info(void *ctx, const WCHAR *path, struct rule_file_info *info)
{
    UINT pick = ask(ctx, path, NULL);

    memset(info, 0, sizeof(*info));
    switch (pick % 5)
    {
    case 0: return ERROR_FILE_NOT_FOUND;
    case 1: return ERROR_SHARING_VIOLATION;
    case 2: info->directory = TRUE; return ERROR_SUCCESS;
    default:
        info->size = pick;
        info->has_version = pick % 5 == 4;
        info->version = (ULONGLONG)pick << 17;
        return ERROR_SUCCESS;
    }
}

static HRESULT wmi_has_rows(void *ctx, const WCHAR *namespace_path, const WCHAR *query, BOOL *has_rows)
{
    UINT pick = ask(ctx, namespace_path, query);

    *has_rows = pick & 1;
    return pick % 7 ? S_OK : E_FAIL;
}

static UINT msi_product(void *ctx, const WCHAR *product_code, DWORD *version, LANGID *language)
{
    UINT pick = ask(ctx, product_code, NULL);

    *version = pick;
    *language = pick % 3 ? 0x0409 : 0;
    return pick % 4 == 0 ? ERROR_UNKNOWN_PRODUCT : pick % 4 == 1 ? ERROR_BAD_CONFIGURATION : ERROR_SUCCESS;
}

static void quiet(const WCHAR *message)
{
    (void)message;
}

const struct rule_facts *fuzz_facts(BYTE seed)
{
    static struct machine machine;
    static struct rule_facts facts = { &machine, os_version, processor, system_language, reg_query,
                                       folder_path, file_info, wmi_has_rows, msi_product };

    machine.seed = seed;
    rule_set_log(quiet);
    return &facts;
}

HRESULT fuzz_rules_one(const BYTE *data, size_t size)
{
    struct input in = { data, size, 1, 0 };
    const struct rule_facts *facts = fuzz_facts(size ? data[0] : 0);
    struct rule_cache *cache;
    enum rule_result result;
    struct rule *rule;
    HRESULT hr = S_OK;

    if (!(rule = make_rule(&in, 0))) return S_FALSE;
    result = rule_evaluate(rule, facts, NULL);
    if (result < RULE_RESULT_ERROR || result > RULE_RESULT_TRUE) hr = E_UNEXPECTED;
    if ((cache = rule_cache_create()))
    {
        /* twice: the second time the cache answers */
        if (rule_evaluate(rule, facts, cache) != result || rule_evaluate(rule, facts, cache) != result)
            hr = E_UNEXPECTED;
        rule_cache_free(cache);
    }
    rule_free(rule);
    return hr;
}
