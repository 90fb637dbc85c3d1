/*
 * OpenWUA: evaluating applicability rules (building them is rule_tree.c).
 *
 * Every rule answers TRUE, FALSE or ERROR.  ERROR means the rule could not be
 * evaluated: an element we do not know, an attribute that is missing or
 * malformed, a query that failed.  It is never turned into a guess; the caller
 * does not offer an update whose rules end in ERROR.  A fact that is simply not
 * there (a registry key, a file, a product) is FALSE, not ERROR.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>
#include "rules.h"

enum comparison { CMP_LESS, CMP_LESS_EQUAL, CMP_EQUAL, CMP_GREATER_EQUAL, CMP_GREATER };
enum string_comparison { STR_EQUAL, STR_BEGINS, STR_CONTAINS, STR_ENDS };

static const WCHAR *const comparison_names[] =
{
    L"LessThan", L"LessThanOrEqualTo", L"EqualTo", L"GreaterThanOrEqualTo", L"GreaterThan",
};

static const WCHAR *const string_comparison_names[] =
{
    L"EqualTo", L"BeginsWith", L"Contains", L"EndsWith",
};

/* The cache: WMI answers and logged messages, in one hash table keyed by
 * counted strings. */
struct cache_entry
{
    struct cache_entry *next;
    unsigned int hash;
    size_t length;
    WCHAR *key;
    HRESULT hr;
    BOOL has_rows;
};

struct rule_cache
{
    struct cache_entry **buckets;
    unsigned int bucket_count;
    unsigned int count;
};

struct eval
{
    const struct rule_facts *facts;
    struct rule_cache *cache;
};

static rule_log_fn log_function;

void rule_set_log(rule_log_fn log)
{
    log_function = log;
}

struct rule_cache *rule_cache_create(void)
{
    struct rule_cache *cache = calloc(1, sizeof(*cache));

    if (!cache) return NULL;
    cache->bucket_count = 64;
    if (!(cache->buckets = calloc(cache->bucket_count, sizeof(*cache->buckets))))
    {
        free(cache);
        return NULL;
    }
    return cache;
}

void rule_cache_free(struct rule_cache *cache)
{
    struct cache_entry *entry, *next;
    unsigned int i;

    if (!cache) return;
    for (i = 0; i < cache->bucket_count; i++)
    {
        for (entry = cache->buckets[i]; entry; entry = next)
        {
            next = entry->next;
            free(entry->key);
            free(entry);
        }
    }
    free(cache->buckets);
    free(cache);
}

static unsigned int hash_key(const WCHAR *key, size_t length)
{
    unsigned int hash = 2166136261u;    /* FNV-1a */
    size_t i;

    for (i = 0; i < length; i++)
    {
        hash ^= key[i];
        hash *= 16777619u;
    }
    return hash;
}

static struct cache_entry *cache_find(struct rule_cache *cache, const WCHAR *key, size_t length)
{
    unsigned int hash = hash_key(key, length);
    struct cache_entry *entry;

    for (entry = cache->buckets[hash % cache->bucket_count]; entry; entry = entry->next)
        if (entry->hash == hash && entry->length == length && !memcmp(entry->key, key, length * sizeof(WCHAR)))
            return entry;
    return NULL;
}

static void cache_grow(struct rule_cache *cache)
{
    unsigned int count = cache->bucket_count * 2, i;
    struct cache_entry **buckets = calloc(count, sizeof(*buckets)), *entry, *next;

    if (!buckets) return;   /* longer chains, still correct */
    for (i = 0; i < cache->bucket_count; i++)
    {
        for (entry = cache->buckets[i]; entry; entry = next)
        {
            next = entry->next;
            entry->next = buckets[entry->hash % count];
            buckets[entry->hash % count] = entry;
        }
    }
    free(cache->buckets);
    cache->buckets = buckets;
    cache->bucket_count = count;
}

/* NULL when out of memory: the caller then just does not remember. */
static struct cache_entry *cache_add(struct rule_cache *cache, const WCHAR *key, size_t length)
{
    struct cache_entry *entry = calloc(1, sizeof(*entry));

    if (!entry) return NULL;
    if (!(entry->key = malloc(length * sizeof(WCHAR))))
    {
        free(entry);
        return NULL;
    }
    memcpy(entry->key, key, length * sizeof(WCHAR));
    entry->length = length;
    entry->hash = hash_key(key, length);
    if (cache->count >= cache->bucket_count * 2) cache_grow(cache);
    entry->next = cache->buckets[entry->hash % cache->bucket_count];
    cache->buckets[entry->hash % cache->bucket_count] = entry;
    cache->count++;
    return entry;
}

/* OutputDebugStringA: Wine 8 shows it with WINEDEBUG=+debugstr, but not the W one. */
static void debug_output(const WCHAR *message)
{
    char narrow[1024];

    if (WideCharToMultiByte(CP_ACP, 0, message, -1, narrow, sizeof(narrow), NULL, NULL))
        OutputDebugStringA(narrow);
}

/* Logs why a rule is an error, once per message and search; returns ERROR so
 * that callers can "return rule_error(...)". */
static enum rule_result rule_error(struct eval *eval, const struct rule *rule, const WCHAR *format, ...)
{
    WCHAR message[512];
    size_t length;
    va_list args;
    int prefix;

    if ((prefix = swprintf(message, ARRAYSIZE(message), L"OpenWUA: rule %.64ls: ", rule->name)) < 0) prefix = 0;
    va_start(args, format);
    vswprintf(message + prefix, ARRAYSIZE(message) - prefix - 1, format, args);
    va_end(args);
    message[ARRAYSIZE(message) - 2] = 0;
    length = wcslen(message);
    message[length++] = '\n';
    message[length] = 0;

    /* Log keys start with 'L', WMI keys with 'W': the two never collide. */
    if (eval->cache)
    {
        WCHAR key[ARRAYSIZE(message) + 1];

        key[0] = 'L';
        memcpy(key + 1, message, length * sizeof(WCHAR));
        if (cache_find(eval->cache, key, length + 1)) return RULE_RESULT_ERROR;
        cache_add(eval->cache, key, length + 1);
    }
    if (log_function) log_function(message);
    else debug_output(message);
    return RULE_RESULT_ERROR;
}

/* Parsing attribute values.  Attributes are xs: typed; a value that does not
 * parse is an error, never a default. */

static BOOL parse_uint(const WCHAR *s, ULONGLONG max, ULONGLONG *value)
{
    ULONGLONG v = 0;

    if (!*s) return FALSE;
    for (; *s; s++)
    {
        if (*s < '0' || *s > '9') return FALSE;
        if (v > (max - (*s - '0')) / 10) return FALSE;
        v = v * 10 + (*s - '0');
    }
    *value = v;
    return TRUE;
}

static BOOL parse_bool(const WCHAR *s, BOOL *value)
{
    if (!wcscmp(s, L"true") || !wcscmp(s, L"1")) *value = TRUE;
    else if (!wcscmp(s, L"false") || !wcscmp(s, L"0")) *value = FALSE;
    else return FALSE;
    return TRUE;
}

/* Up to count parts "a.b.c.d", each at most limits[i]; missing parts are 0
 * when at least min_parts are there. */
static BOOL parse_parts(const WCHAR *s, unsigned int min_parts, unsigned int max_parts,
                        const ULONGLONG *limits, ULONGLONG *parts)
{
    unsigned int n = 0;

    memset(parts, 0, max_parts * sizeof(*parts));
    for (;;)
    {
        ULONGLONG v = 0;
        const WCHAR *start = s;

        if (n == max_parts) return FALSE;
        for (; *s >= '0' && *s <= '9'; s++)
        {
            v = v * 10 + (*s - '0');
            if (v > limits[n]) return FALSE;
        }
        if (s == start) return FALSE;
        parts[n++] = v;
        if (!*s) break;
        if (*s++ != '.') return FALSE;
    }
    return n >= min_parts;
}

static const ULONGLONG version_limits[4] = { 0xffff, 0xffff, 0xffff, 0xffff };

static ULONGLONG pack_version(const ULONGLONG *parts)
{
    return parts[0] << 48 | parts[1] << 32 | parts[2] << 16 | parts[3];
}

/* bt:Version: exactly four parts of 16 bits. */
static BOOL parse_version(const WCHAR *s, ULONGLONG *version)
{
    ULONGLONG parts[4];

    if (!parse_parts(s, 4, 4, version_limits, parts)) return FALSE;
    *version = pack_version(parts);
    return TRUE;
}

/* Versions read from the machine (RegSzToVersion) may have fewer parts: "10.0" is 10.0.0.0. */
static BOOL parse_loose_version(const WCHAR *s, ULONGLONG *version)
{
    ULONGLONG parts[4];

    if (!parse_parts(s, 1, 4, version_limits, parts)) return FALSE;
    *version = pack_version(parts);
    return TRUE;
}

/* MSI versions are major.minor.build (8, 8, 16 bits); a fourth part is allowed and,
 * as Windows Installer does, ignored. */
static BOOL parse_msi_version(const WCHAR *s, DWORD *version)
{
    static const ULONGLONG limits[4] = { 0xff, 0xff, 0xffff, 0xffff };
    ULONGLONG parts[4];

    if (!parse_parts(s, 1, 4, limits, parts)) return FALSE;
    *version = (DWORD)(parts[0] << 24 | parts[1] << 16 | parts[2]);
    return TRUE;
}

static BOOL parse_name(const WCHAR *s, const WCHAR *const *names, unsigned int count, unsigned int *index)
{
    unsigned int i;

    for (i = 0; i < count; i++)
    {
        if (!wcscmp(s, names[i]))
        {
            *index = i;
            return TRUE;
        }
    }
    return FALSE;
}

static int order(ULONGLONG a, ULONGLONG b)
{
    return a < b ? -1 : a > b;
}

static BOOL compare(enum comparison comparison, int order)
{
    switch (comparison)
    {
    case CMP_LESS: return order < 0;
    case CMP_LESS_EQUAL: return order <= 0;
    case CMP_EQUAL: return order == 0;
    case CMP_GREATER_EQUAL: return order >= 0;
    case CMP_GREATER: return order > 0;
    }
    return FALSE;
}

static enum rule_result result_of(BOOL value)
{
    return value ? RULE_RESULT_TRUE : RULE_RESULT_FALSE;
}

/* Attribute readers: FALSE when the rule is an error (already logged). */

static BOOL attr_required(struct eval *eval, const struct rule *rule, const WCHAR *name, const WCHAR **value)
{
    if ((*value = rule_attr(rule, name))) return TRUE;
    rule_error(eval, rule, L"no %ls", name);
    return FALSE;
}

static enum rule_result bad_value(struct eval *eval, const struct rule *rule, const WCHAR *name, const WCHAR *value)
{
    return rule_error(eval, rule, L"bad %ls \"%.200ls\"", name, value);
}

static BOOL bad_attr(struct eval *eval, const struct rule *rule, const WCHAR *name, const WCHAR *value)
{
    bad_value(eval, rule, name, value);
    return FALSE;
}

/* *present tells whether it was there. */
static BOOL attr_uint(struct eval *eval, const struct rule *rule, const WCHAR *name, ULONGLONG max,
                      BOOL *present, ULONGLONG *value)
{
    const WCHAR *s = rule_attr(rule, name);

    *present = s != NULL;
    if (!s || parse_uint(s, max, value)) return TRUE;
    return bad_attr(eval, rule, name, s);
}

static BOOL attr_bool(struct eval *eval, const struct rule *rule, const WCHAR *name, BOOL *value)
{
    const WCHAR *s = rule_attr(rule, name);

    *value = FALSE;
    if (!s || parse_bool(s, value)) return TRUE;
    return bad_attr(eval, rule, name, s);
}

static BOOL attr_comparison(struct eval *eval, const struct rule *rule, BOOL required, enum comparison *comparison)
{
    const WCHAR *s = rule_attr(rule, L"Comparison");
    unsigned int index;

    *comparison = CMP_EQUAL;
    if (!s)
    {
        if (!required) return TRUE;
        rule_error(eval, rule, L"no Comparison");
        return FALSE;
    }
    if (!parse_name(s, comparison_names, ARRAYSIZE(comparison_names), &index))
        return bad_attr(eval, rule, L"Comparison", s);
    *comparison = index;
    return TRUE;
}

static BOOL attr_string_comparison(struct eval *eval, const struct rule *rule, enum string_comparison *comparison)
{
    const WCHAR *s;
    unsigned int index;

    if (!attr_required(eval, rule, L"Comparison", &s)) return FALSE;
    if (!parse_name(s, string_comparison_names, ARRAYSIZE(string_comparison_names), &index))
        return bad_attr(eval, rule, L"Comparison", s);
    *comparison = index;
    return TRUE;
}

static BOOL attr_version(struct eval *eval, const struct rule *rule, const WCHAR *name, BOOL required,
                         BOOL *present, ULONGLONG *version)
{
    const WCHAR *s = rule_attr(rule, name);

    *present = s != NULL;
    if (!s)
    {
        if (!required) return TRUE;
        rule_error(eval, rule, L"no %ls", name);
        return FALSE;
    }
    if (parse_version(s, version)) return TRUE;
    return bad_attr(eval, rule, name, s);
}

/* Operating system rules. */

static enum rule_result evaluate_windows_version(struct eval *eval, const struct rule *rule)
{
    static const WCHAR *const names[] =
        { L"MajorVersion", L"MinorVersion", L"BuildNumber", L"ServicePackMajor", L"ServicePackMinor" };
    static const ULONGLONG limits[] = { 0xffffffff, 0xffffffff, 0xffffffff, 0xffff, 0xffff };
    BOOL present, compared = FALSE, product_present, suite_present, all_suites, result = TRUE;
    ULONGLONG wanted, product_type, suite_mask, have[5];
    enum comparison comparison;
    OSVERSIONINFOEXW os;
    int version_order = 0;
    unsigned int i;

    if (!attr_comparison(eval, rule, FALSE, &comparison)
            || !attr_uint(eval, rule, L"ProductType", 0xffff, &product_present, &product_type)
            || !attr_uint(eval, rule, L"SuiteMask", 0xffff, &suite_present, &suite_mask)
            || !attr_bool(eval, rule, L"AllSuitesMustBePresent", &all_suites))
        return RULE_RESULT_ERROR;

    memset(&os, 0, sizeof(os));
    os.dwOSVersionInfoSize = sizeof(os);
    if (!eval->facts->os_version(eval->facts->ctx, &os))
        return rule_error(eval, rule, L"the Windows version is unknown");
    have[0] = os.dwMajorVersion;
    have[1] = os.dwMinorVersion;
    have[2] = os.dwBuildNumber;
    have[3] = os.wServicePackMajor;
    have[4] = os.wServicePackMinor;

    /* The version parts that are given form one tuple, compared in order, as
     * VerifyVersionInfo compares a combined condition mask. */
    for (i = 0; i < ARRAYSIZE(names); i++)
    {
        if (!attr_uint(eval, rule, names[i], limits[i], &present, &wanted)) return RULE_RESULT_ERROR;
        if (!present) continue;
        compared = TRUE;
        if (!version_order) version_order = order(have[i], wanted);
    }
    if (!compared && !product_present && !suite_present)
        return rule_error(eval, rule, L"nothing to compare");   /* VerifyVersionInfo refuses an empty mask */

    if (compared) result = compare(comparison, version_order);
    if (product_present && os.wProductType != product_type) result = FALSE;
    if (suite_present)
    {
        WORD suites = os.wSuiteMask & (WORD)suite_mask;

        if (all_suites ? suites != suite_mask : !suites) result = FALSE;
    }
    return result_of(result);
}

/* xs:language: letters, then "-" and letters or digits, each part 1-8 long. */
static BOOL is_language_tag(const WCHAR *s)
{
    BOOL first = TRUE;

    for (;;)
    {
        const WCHAR *start = s;

        while ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (!first && *s >= '0' && *s <= '9')) s++;
        if (s == start || s - start > 8) return FALSE;
        if (!*s) return TRUE;
        if (*s++ != '-') return FALSE;
        first = FALSE;
    }
}

/* The rule's tag names the system language or a range of it: "en" matches en-US
 * and en-GB, "en-US" only en-US (RFC 4647 basic filtering). */
static enum rule_result evaluate_windows_language(struct eval *eval, const struct rule *rule)
{
    WCHAR system[LOCALE_NAME_MAX_LENGTH];
    const WCHAR *language;
    LANGID langid;
    size_t length;

    if (!attr_required(eval, rule, L"Language", &language)) return RULE_RESULT_ERROR;
    if (!is_language_tag(language)) return bad_value(eval, rule, L"Language", language);
    langid = eval->facts->system_language(eval->facts->ctx);
    if (!LCIDToLocaleName(MAKELCID(langid, SORT_DEFAULT), system, ARRAYSIZE(system), 0))
        return rule_error(eval, rule, L"the system language %#x has no name", langid);
    length = wcslen(language);
    if (length > wcslen(system)) return RULE_RESULT_FALSE;
    if (CompareStringOrdinal(language, length, system, length, TRUE) != CSTR_EQUAL) return RULE_RESULT_FALSE;
    return result_of(!system[length] || system[length] == '-');
}

static enum rule_result evaluate_processor(struct eval *eval, const struct rule *rule)
{
    ULONGLONG architecture, level, revision;
    BOOL present, level_present, revision_present;
    WORD have_architecture = 0, have_level = 0, have_revision = 0;

    if (!attr_uint(eval, rule, L"Architecture", 0xffff, &present, &architecture)
            || !attr_uint(eval, rule, L"Level", 0xffff, &level_present, &level)
            || !attr_uint(eval, rule, L"Revision", 0xffff, &revision_present, &revision))
        return RULE_RESULT_ERROR;
    if (!present) return rule_error(eval, rule, L"no Architecture");
    eval->facts->processor(eval->facts->ctx, &have_architecture, &have_level, &have_revision);
    return result_of(have_architecture == architecture
                     && (!level_present || have_level == level)
                     && (!revision_present || have_revision == revision));
}

/* Registry rules. */

struct reg_target
{
    BOOL wow32;
    const WCHAR *subkey;
    const WCHAR *value;         /* L"" for the default value */
};

static BOOL reg_target(struct eval *eval, const struct rule *rule, struct reg_target *target)
{
    const WCHAR *key;

    if (!attr_required(eval, rule, L"Key", &key) || !attr_required(eval, rule, L"Subkey", &target->subkey)
            || !attr_bool(eval, rule, L"RegType32", &target->wow32))
        return FALSE;
    /* HKEY_LOOP_TARGET only means something inside RegKeyLoop, which is not supported. */
    if (wcscmp(key, L"HKEY_LOCAL_MACHINE")) return bad_attr(eval, rule, L"Key", key);
    if (!(target->value = rule_attr(rule, L"Value"))) target->value = L"";
    return TRUE;
}

static BOOL reg_missing(LSTATUS status)
{
    return status == ERROR_FILE_NOT_FOUND || status == ERROR_PATH_NOT_FOUND;
}

/* Reads a value into a new buffer with room for a terminating NUL.  TRUE: read;
 * FALSE: not there; ERROR: could not be read. */
static enum rule_result reg_read(struct eval *eval, const struct rule *rule, const struct reg_target *target,
                                 DWORD *type, BYTE **data, DWORD *size)
{
    const struct rule_facts *facts = eval->facts;
    LSTATUS status;
    int tries;

    *data = NULL;
    /* The value may grow between the two calls: try a few times. */
    for (tries = 0; tries < 4; tries++)
    {
        *size = 0;
        status = facts->reg_query(facts->ctx, target->wow32, target->subkey, target->value, type, NULL, size);
        if (status == ERROR_SUCCESS)
        {
            free(*data);
            if (!(*data = calloc(1, *size + sizeof(WCHAR)))) return rule_error(eval, rule, L"out of memory");
            status = facts->reg_query(facts->ctx, target->wow32, target->subkey, target->value, type, *data, size);
        }
        if (status != ERROR_MORE_DATA) break;
    }
    if (status == ERROR_SUCCESS) return RULE_RESULT_TRUE;
    free(*data);
    *data = NULL;
    if (reg_missing(status)) return RULE_RESULT_FALSE;
    return rule_error(eval, rule, L"cannot read %.200ls\\%.64ls: error %ld", target->subkey, target->value, status);
}

static enum rule_result evaluate_reg_key_exists(struct eval *eval, const struct rule *rule)
{
    const struct rule_facts *facts = eval->facts;
    struct reg_target target;
    LSTATUS status;

    if (!reg_target(eval, rule, &target)) return RULE_RESULT_ERROR;
    status = facts->reg_query(facts->ctx, target.wow32, target.subkey, NULL, NULL, NULL, NULL);
    if (status == ERROR_SUCCESS) return RULE_RESULT_TRUE;
    if (reg_missing(status)) return RULE_RESULT_FALSE;
    return rule_error(eval, rule, L"cannot open %.200ls: error %ld", target.subkey, status);
}

static const struct
{
    const WCHAR *name;
    DWORD type;
}
reg_types[] =
{
    { L"REG_SZ", REG_SZ },
    { L"REG_EXPAND_SZ", REG_EXPAND_SZ },
    { L"REG_BINARY", REG_BINARY },
    { L"REG_DWORD", REG_DWORD },
    { L"REG_MULTI_SZ", REG_MULTI_SZ },
    { L"REG_QWORD", REG_QWORD },
};

static enum rule_result evaluate_reg_value_exists(struct eval *eval, const struct rule *rule)
{
    const WCHAR *type_name = rule_attr(rule, L"Type");
    DWORD type, size, wanted = REG_NONE;
    struct reg_target target;
    enum rule_result result;
    BYTE *data;
    unsigned int i;

    if (!reg_target(eval, rule, &target)) return RULE_RESULT_ERROR;
    if (type_name)
    {
        for (i = 0; i < ARRAYSIZE(reg_types); i++)
            if (!wcscmp(type_name, reg_types[i].name)) wanted = reg_types[i].type;
        if (wanted == REG_NONE) return bad_value(eval, rule, L"Type", type_name);
    }
    result = reg_read(eval, rule, &target, &type, &data, &size);
    free(data);
    if (result == RULE_RESULT_TRUE && type_name && type != wanted) result = RULE_RESULT_FALSE;
    return result;
}

static enum rule_result evaluate_reg_dword(struct eval *eval, const struct rule *rule)
{
    enum comparison comparison;
    struct reg_target target;
    enum rule_result result;
    const WCHAR *data_attr;
    ULONGLONG wanted;
    DWORD type, size;
    BYTE *data;

    if (!reg_target(eval, rule, &target) || !attr_comparison(eval, rule, TRUE, &comparison)
            || !attr_required(eval, rule, L"Data", &data_attr))
        return RULE_RESULT_ERROR;
    if (!parse_uint(data_attr, 0xffffffff, &wanted)) return bad_value(eval, rule, L"Data", data_attr);
    if ((result = reg_read(eval, rule, &target, &type, &data, &size)) != RULE_RESULT_TRUE) return result;
    /* A value of another type is not the DWORD the rule asks about. */
    if (type == REG_DWORD && size == sizeof(DWORD))
        result = result_of(compare(comparison, order(*(DWORD *)data, wanted)));
    else
        result = RULE_RESULT_FALSE;
    free(data);
    return result;
}

static BOOL equal_nocase(const WCHAR *a, const WCHAR *b, size_t length)
{
    return CompareStringOrdinal(a, length, b, length, TRUE) == CSTR_EQUAL;
}

/* Ordinal, case-insensitive: registry data is no more case-sensitive than
 * the registry's names are. */
static BOOL compare_strings(enum string_comparison comparison, const WCHAR *have, const WCHAR *wanted)
{
    size_t have_length = wcslen(have), wanted_length = wcslen(wanted), i;

    switch (comparison)
    {
    case STR_EQUAL:
        return have_length == wanted_length && equal_nocase(have, wanted, have_length);
    case STR_BEGINS:
        return have_length >= wanted_length && equal_nocase(have, wanted, wanted_length);
    case STR_ENDS:
        return have_length >= wanted_length
            && equal_nocase(have + have_length - wanted_length, wanted, wanted_length);
    case STR_CONTAINS:
        for (i = 0; i + wanted_length <= have_length; i++)
            if (equal_nocase(have + i, wanted, wanted_length)) return TRUE;
        return FALSE;
    }
    return FALSE;
}

/* A REG_SZ or REG_EXPAND_SZ value as a string (the buffer has room for a NUL);
 * NULL when the value has another type. */
static WCHAR *reg_string(BYTE *data, DWORD size, DWORD type, DWORD wanted_type)
{
    WCHAR *s = (WCHAR *)data;

    if (type != wanted_type) return NULL;
    s[size / sizeof(WCHAR)] = 0;
    return s;
}

static WCHAR *expand(const WCHAR *s)
{
    DWORD length = ExpandEnvironmentStringsW(s, NULL, 0);
    WCHAR *expanded;

    if (!length || !(expanded = malloc(length * sizeof(WCHAR)))) return NULL;
    if (ExpandEnvironmentStringsW(s, expanded, length) > length)
    {
        free(expanded);     /* the environment changed under us */
        return NULL;
    }
    return expanded;
}

static enum rule_result evaluate_reg_string(struct eval *eval, const struct rule *rule, DWORD wanted_type)
{
    enum string_comparison comparison;
    struct reg_target target;
    enum rule_result result;
    const WCHAR *wanted;
    WCHAR *have, *expanded;
    DWORD type, size;
    BYTE *data;

    if (!reg_target(eval, rule, &target) || !attr_string_comparison(eval, rule, &comparison)
            || !attr_required(eval, rule, L"Data", &wanted))
        return RULE_RESULT_ERROR;
    if ((result = reg_read(eval, rule, &target, &type, &data, &size)) != RULE_RESULT_TRUE) return result;
    if (!(have = reg_string(data, size, type, wanted_type)))
        result = RULE_RESULT_FALSE;
    else if (wanted_type != REG_EXPAND_SZ)
        result = result_of(compare_strings(comparison, have, wanted));
    else if (!(expanded = expand(have)))
        result = rule_error(eval, rule, L"cannot expand %.200ls", have);
    else
    {
        /* Compared as the program reading it would see it. */
        result = result_of(compare_strings(comparison, expanded, wanted));
        free(expanded);
    }
    free(data);
    return result;
}

static enum rule_result evaluate_reg_sz_to_version(struct eval *eval, const struct rule *rule)
{
    enum comparison comparison;
    struct reg_target target;
    enum rule_result result;
    ULONGLONG wanted, have;
    DWORD type, size;
    BOOL present;
    WCHAR *string;
    BYTE *data;

    if (!reg_target(eval, rule, &target) || !attr_comparison(eval, rule, TRUE, &comparison)
            || !attr_version(eval, rule, L"Data", TRUE, &present, &wanted))
        return RULE_RESULT_ERROR;
    if ((result = reg_read(eval, rule, &target, &type, &data, &size)) != RULE_RESULT_TRUE) return result;
    /* Data that is no version is not a version that compares. */
    if ((string = reg_string(data, size, type, REG_SZ)) && parse_loose_version(string, &have))
        result = result_of(compare(comparison, order(have, wanted)));
    else
        result = RULE_RESULT_FALSE;
    free(data);
    return result;
}

/* File rules. */

static BOOL path_escapes(const WCHAR *path)
{
    const WCHAR *s = path;

    while (*s)
    {
        const WCHAR *end = s;

        while (*end && *end != '\\' && *end != '/') end++;
        if (end - s == 2 && s[0] == '.' && s[1] == '.') return TRUE;
        s = *end ? end + 1 : end;
    }
    return FALSE;
}

static BOOL path_is_absolute(const WCHAR *path)
{
    return (path[0] && path[1] == ':' && (path[2] == '\\' || path[2] == '/'))
        || (path[0] == '\\' && path[1] == '\\');
}

/* Csidl's folder + Path, or Path alone, which then must be absolute.  ".."
 * is refused so that a rule cannot look outside the folder it names.  NULL
 * when the rule is an error (logged); the caller frees the path. */
static WCHAR *file_path(struct eval *eval, const struct rule *rule)
{
    WCHAR folder[MAX_PATH], *path;
    const WCHAR *relative, *colon;
    ULONGLONG csidl;
    BOOL present;
    size_t size;

    if (!attr_required(eval, rule, L"Path", &relative) || !attr_uint(eval, rule, L"Csidl", 0xff, &present, &csidl))
        return NULL;
    /* A drive letter only where the path is absolute; no streams. */
    colon = wcschr(relative, ':');
    if (colon == relative + 1 && !present) colon = wcschr(colon + 1, ':');
    if (!*relative || colon || path_escapes(relative) || wcspbrk(relative, L"*?\"<>|"))
    {
        bad_attr(eval, rule, L"Path", relative);
        return NULL;
    }
    if (!present)
    {
        if (!path_is_absolute(relative))
        {
            rule_error(eval, rule, L"Path \"%.200ls\" is relative and there is no Csidl", relative);
            return NULL;
        }
        if (!(path = _wcsdup(relative))) rule_error(eval, rule, L"out of memory");
        return path;
    }
    if (relative[0] == '\\' && relative[1] == '\\')
    {
        bad_attr(eval, rule, L"Path", relative);
        return NULL;
    }
    if (!eval->facts->folder_path(eval->facts->ctx, (int)csidl, folder, ARRAYSIZE(folder)))
    {
        rule_error(eval, rule, L"no folder for Csidl %u", (unsigned int)csidl);
        return NULL;
    }
    while (*relative == '\\' || *relative == '/') relative++;
    size = wcslen(folder) + wcslen(relative) + 2;
    if (!(path = malloc(size * sizeof(WCHAR))))
    {
        rule_error(eval, rule, L"out of memory");
        return NULL;
    }
    swprintf(path, size, L"%ls%ls%ls", folder,
             folder[0] && folder[wcslen(folder) - 1] != '\\' ? L"\\" : L"", relative);
    return path;
}

/* TRUE: *info is filled; FALSE: no such file; ERROR. */
static enum rule_result file_info(struct eval *eval, const struct rule *rule, const WCHAR *path,
                                  struct rule_file_info *info)
{
    DWORD error;

    memset(info, 0, sizeof(*info));
    error = eval->facts->file_info(eval->facts->ctx, path, info);
    if (!error) return RULE_RESULT_TRUE;
    if (error == ERROR_FILE_NOT_FOUND || error == ERROR_PATH_NOT_FOUND) return RULE_RESULT_FALSE;
    return rule_error(eval, rule, L"cannot look at %.200ls: error %lu", path, error);
}

static enum rule_result evaluate_file_exists(struct eval *eval, const struct rule *rule)
{
    static const WCHAR *const unsupported[] = { L"Created", L"Modified", L"Language" };
    BOOL version_present, size_present;
    struct rule_file_info info;
    ULONGLONG version, size;
    enum rule_result result;
    unsigned int i;
    WCHAR *path;

    for (i = 0; i < ARRAYSIZE(unsupported); i++)
        if (rule_attr(rule, unsupported[i])) return rule_error(eval, rule, L"%ls is not supported", unsupported[i]);
    if (!attr_version(eval, rule, L"Version", FALSE, &version_present, &version)
            || !attr_uint(eval, rule, L"Size", ~(ULONGLONG)0, &size_present, &size)
            || !(path = file_path(eval, rule)))
        return RULE_RESULT_ERROR;
    result = file_info(eval, rule, path, &info);
    free(path);
    if (result != RULE_RESULT_TRUE) return result;
    /* A folder exists too, but has neither a version nor a size. */
    if (version_present && (info.directory || !info.has_version || info.version != version)) return RULE_RESULT_FALSE;
    if (size_present && (info.directory || info.size != size)) return RULE_RESULT_FALSE;
    return RULE_RESULT_TRUE;
}

static enum rule_result evaluate_file_version(struct eval *eval, const struct rule *rule)
{
    enum comparison comparison;
    struct rule_file_info info;
    enum rule_result result;
    ULONGLONG version;
    BOOL present;
    WCHAR *path;

    if (!attr_comparison(eval, rule, TRUE, &comparison)
            || !attr_version(eval, rule, L"Version", TRUE, &present, &version)
            || !(path = file_path(eval, rule)))
        return RULE_RESULT_ERROR;
    result = file_info(eval, rule, path, &info);
    free(path);
    if (result != RULE_RESULT_TRUE) return result;
    if (info.directory || !info.has_version) return RULE_RESULT_FALSE;
    return result_of(compare(comparison, order(info.version, version)));
}

/* WMI. */

/* "W" namespace NUL query: namespaces are case-insensitive, queries are kept
 * as written (string literals in them may not be). */
static WCHAR *wmi_key(const WCHAR *namespace_path, const WCHAR *query, size_t *length)
{
    size_t namespace_length = wcslen(namespace_path), query_length = wcslen(query), i;
    WCHAR *key;

    *length = namespace_length + query_length + 2;
    if (!(key = malloc(*length * sizeof(WCHAR)))) return NULL;
    key[0] = 'W';
    for (i = 0; i < namespace_length; i++) key[1 + i] = towlower(namespace_path[i]);
    key[1 + namespace_length] = 0;
    memcpy(key + namespace_length + 2, query, query_length * sizeof(WCHAR));
    return key;
}

static HRESULT wmi_has_rows(struct eval *eval, const WCHAR *namespace_path, const WCHAR *query, BOOL *has_rows)
{
    struct cache_entry *entry = NULL;
    WCHAR *key = NULL;
    size_t length = 0;
    HRESULT hr;

    if (eval->cache && (key = wmi_key(namespace_path, query, &length))
            && (entry = cache_find(eval->cache, key, length)))
    {
        free(key);
        *has_rows = entry->has_rows;
        return entry->hr;
    }
    *has_rows = FALSE;
    hr = eval->facts->wmi_has_rows(eval->facts->ctx, namespace_path, query, has_rows);
    /* Failures are remembered too: a query that failed once fails again. */
    if (key && (entry = cache_add(eval->cache, key, length)))
    {
        entry->hr = hr;
        entry->has_rows = *has_rows;
    }
    free(key);
    return hr;
}

static enum rule_result evaluate_wmi_query(struct eval *eval, const struct rule *rule)
{
    const WCHAR *namespace_path = rule_attr(rule, L"Namespace"), *query;
    BOOL has_rows;
    HRESULT hr;

    if (!attr_required(eval, rule, L"WqlQuery", &query)) return RULE_RESULT_ERROR;
    if (!namespace_path) namespace_path = L"root\\cimv2";
    if (!*namespace_path) return bad_value(eval, rule, L"Namespace", namespace_path);
    if (!*query) return bad_value(eval, rule, L"WqlQuery", query);
    hr = wmi_has_rows(eval, namespace_path, query, &has_rows);
    if (FAILED(hr)) return rule_error(eval, rule, L"query in %.100ls failed: %#lx", namespace_path, hr);
    return result_of(has_rows);
}

/* MSI. */

static BOOL is_hex(WCHAR c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}", as Windows Installer wants product codes. */
static BOOL is_product_code(const WCHAR *s)
{
    static const char pattern[] = "{hhhhhhhh-hhhh-hhhh-hhhh-hhhhhhhhhhhh}";
    unsigned int i;

    for (i = 0; pattern[i]; i++)
        if (pattern[i] == 'h' ? !is_hex(s[i]) : s[i] != pattern[i]) return FALSE;
    return !s[i];
}

/* Language: LANGIDs in decimal, separated by commas. */
static BOOL parse_languages(const WCHAR *s, LANGID have, BOOL *found)
{
    *found = FALSE;
    for (;;)
    {
        const WCHAR *end = wcschr(s, ',');
        WCHAR number[8];
        ULONGLONG langid;
        size_t length = end ? (size_t)(end - s) : wcslen(s);

        if (!length || length >= ARRAYSIZE(number)) return FALSE;
        memcpy(number, s, length * sizeof(WCHAR));
        number[length] = 0;
        if (!parse_uint(number, 0xffff, &langid)) return FALSE;
        if (langid == have) *found = TRUE;
        if (!end) return TRUE;
        s = end + 1;
    }
}

static BOOL attr_msi_version(struct eval *eval, const struct rule *rule, const WCHAR *name, BOOL *present,
                             DWORD *version)
{
    const WCHAR *s = rule_attr(rule, name);

    *present = s != NULL;
    if (!s || parse_msi_version(s, version)) return TRUE;
    return bad_attr(eval, rule, name, s);
}

static enum rule_result evaluate_msi_product_installed(struct eval *eval, const struct rule *rule)
{
    BOOL min_present, max_present, exclude_min, exclude_max, found = TRUE;
    const WCHAR *code, *languages = rule_attr(rule, L"Language");
    DWORD min, max, version = 0;
    LANGID language = 0;
    UINT error;

    if (!attr_required(eval, rule, L"ProductCode", &code)) return RULE_RESULT_ERROR;
    if (!is_product_code(code)) return bad_value(eval, rule, L"ProductCode", code);
    /* The Exclude flags only modify a bound; without one they change nothing. */
    if (!attr_msi_version(eval, rule, L"VersionMin", &min_present, &min)
            || !attr_msi_version(eval, rule, L"VersionMax", &max_present, &max)
            || !attr_bool(eval, rule, L"ExcludeVersionMin", &exclude_min)
            || !attr_bool(eval, rule, L"ExcludeVersionMax", &exclude_max))
        return RULE_RESULT_ERROR;
    if (languages && !parse_languages(languages, 0, &found))
        return bad_value(eval, rule, L"Language", languages);

    error = eval->facts->msi_product(eval->facts->ctx, code, &version, &language);
    if (error == ERROR_UNKNOWN_PRODUCT) return RULE_RESULT_FALSE;
    if (error) return rule_error(eval, rule, L"cannot query %ls: error %u", code, error);
    if (min_present && (exclude_min ? version <= min : version < min)) return RULE_RESULT_FALSE;
    if (max_present && (exclude_max ? version >= max : version > max)) return RULE_RESULT_FALSE;
    if (languages) parse_languages(languages, language, &found);
    return result_of(found);
}

/* Logical rules. */

static enum rule_result evaluate(struct eval *eval, const struct rule *rule);

static enum rule_result evaluate_and(struct eval *eval, const struct rule *rule)
{
    enum rule_result result = RULE_RESULT_TRUE;
    unsigned int i;

    if (!rule->child_count) return rule_error(eval, rule, L"no rule inside");
    for (i = 0; i < rule->child_count; i++)
    {
        enum rule_result child = evaluate(eval, rule->children[i]);

        /* FALSE decides whatever the others say: they need not run. */
        if (child == RULE_RESULT_FALSE) return RULE_RESULT_FALSE;
        if (child == RULE_RESULT_ERROR) result = RULE_RESULT_ERROR;
    }
    return result;
}

static enum rule_result evaluate_or(struct eval *eval, const struct rule *rule)
{
    enum rule_result result = RULE_RESULT_FALSE;
    unsigned int i;

    if (!rule->child_count) return rule_error(eval, rule, L"no rule inside");
    for (i = 0; i < rule->child_count; i++)
    {
        enum rule_result child = evaluate(eval, rule->children[i]);

        if (child == RULE_RESULT_TRUE) return RULE_RESULT_TRUE;
        if (child == RULE_RESULT_ERROR) result = RULE_RESULT_ERROR;
    }
    return result;
}

static enum rule_result evaluate_not(struct eval *eval, const struct rule *rule)
{
    enum rule_result child;

    if (rule->child_count != 1) return rule_error(eval, rule, L"%u rules inside, not one", rule->child_count);
    child = evaluate(eval, rule->children[0]);
    if (child == RULE_RESULT_ERROR) return RULE_RESULT_ERROR;
    return result_of(child == RULE_RESULT_FALSE);
}

static enum rule_result evaluate_leaf(struct eval *eval, const struct rule *rule)
{
    /* The schemas give these no content: a rule inside one is a malformed catalog. */
    if (rule->child_count) return rule_error(eval, rule, L"rules inside a rule that takes none");

    switch (rule->kind)
    {
    case RULE_TRUE: return RULE_RESULT_TRUE;
    case RULE_FALSE: return RULE_RESULT_FALSE;
    case RULE_WINDOWS_VERSION: return evaluate_windows_version(eval, rule);
    case RULE_WINDOWS_LANGUAGE: return evaluate_windows_language(eval, rule);
    case RULE_PROCESSOR: return evaluate_processor(eval, rule);
    case RULE_REG_KEY_EXISTS: return evaluate_reg_key_exists(eval, rule);
    case RULE_REG_VALUE_EXISTS: return evaluate_reg_value_exists(eval, rule);
    case RULE_REG_DWORD: return evaluate_reg_dword(eval, rule);
    case RULE_REG_SZ: return evaluate_reg_string(eval, rule, REG_SZ);
    case RULE_REG_EXPAND_SZ: return evaluate_reg_string(eval, rule, REG_EXPAND_SZ);
    case RULE_REG_SZ_TO_VERSION: return evaluate_reg_sz_to_version(eval, rule);
    case RULE_FILE_EXISTS: return evaluate_file_exists(eval, rule);
    case RULE_FILE_VERSION: return evaluate_file_version(eval, rule);
    case RULE_WMI_QUERY: return evaluate_wmi_query(eval, rule);
    case RULE_MSI_PRODUCT_INSTALLED: return evaluate_msi_product_installed(eval, rule);
    default: break;
    }
    return rule_error(eval, rule, L"unexpected kind %d", rule->kind);
}

/* Recursion depth is bounded by the loader's CATALOG_MAX_DEPTH. */
static enum rule_result evaluate(struct eval *eval, const struct rule *rule)
{
    switch (rule->kind)
    {
    case RULE_AND: return evaluate_and(eval, rule);
    case RULE_OR: return evaluate_or(eval, rule);
    case RULE_NOT: return evaluate_not(eval, rule);
    /* Logged once a search: a catalog may use it thousands of times. */
    case RULE_UNKNOWN: return rule_error(eval, rule, L"not a rule OpenWUA evaluates");
    default: return evaluate_leaf(eval, rule);
    }
}

enum rule_result rule_evaluate(const struct rule *rule, const struct rule_facts *facts, struct rule_cache *cache)
{
    struct eval eval = { facts, cache };

    if (!rule || !facts) return RULE_RESULT_ERROR;
    return evaluate(&eval, rule);
}
