/*
 * OpenWUA: building and freeing rule trees (the evaluator is rules.c).
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "rules.h"

#define SDP_NS L"http://schemas.microsoft.com/wsus/2005/04/CorporatePublishing/"

static const WCHAR logical_ns[] = SDP_NS L"LogicalApplicabilityRules.xsd";
static const WCHAR base_ns[] = SDP_NS L"BaseApplicabilityRules.xsd";
static const WCHAR msi_ns[] = SDP_NS L"MsiApplicabilityRules.xsd";

struct rule_name
{
    const WCHAR *ns;
    const WCHAR *name;
    enum rule_kind kind;
};

static const struct rule_name rule_names[] =
{
    { logical_ns, L"True", RULE_TRUE },
    { logical_ns, L"False", RULE_FALSE },
    { logical_ns, L"And", RULE_AND },
    { logical_ns, L"Or", RULE_OR },
    { logical_ns, L"Not", RULE_NOT },
    { base_ns, L"WindowsVersion", RULE_WINDOWS_VERSION },
    { base_ns, L"WindowsLanguage", RULE_WINDOWS_LANGUAGE },
    { base_ns, L"Processor", RULE_PROCESSOR },
    { base_ns, L"RegKeyExists", RULE_REG_KEY_EXISTS },
    { base_ns, L"RegValueExists", RULE_REG_VALUE_EXISTS },
    { base_ns, L"RegSz", RULE_REG_SZ },
    { base_ns, L"RegDword", RULE_REG_DWORD },
    { base_ns, L"RegExpandSz", RULE_REG_EXPAND_SZ },
    { base_ns, L"RegSzToVersion", RULE_REG_SZ_TO_VERSION },
    { base_ns, L"FileExists", RULE_FILE_EXISTS },
    { base_ns, L"FileVersion", RULE_FILE_VERSION },
    { base_ns, L"WmiQuery", RULE_WMI_QUERY },
    { msi_ns, L"MsiProductInstalled", RULE_MSI_PRODUCT_INSTALLED },
};

/* Every attribute name the rule vocabulary uses.  A big catalog has hundreds of
 * thousands of rule attributes: sharing these names instead of copying each
 * one keeps the loaded model near the size of the XML. */
static const WCHAR *const attr_names[] =
{
    L"AllSuitesMustBePresent", L"Architecture", L"BuildNumber", L"Comparison", L"Created", L"Csidl", L"Data",
    L"ExcludeVersionMax", L"ExcludeVersionMin", L"Key", L"Language", L"Level", L"MajorVersion", L"MinorVersion",
    L"Modified", L"Namespace", L"Path", L"ProductCode", L"ProductType", L"RegType32", L"Revision",
    L"ServicePackMajor", L"ServicePackMinor", L"Size", L"Subkey", L"SuiteMask", L"Type", L"Value", L"Version",
    L"VersionMax", L"VersionMin", L"WqlQuery",
};

static const WCHAR *shared_attr_name(const WCHAR *name)
{
    size_t i;

    for (i = 0; i < ARRAYSIZE(attr_names); i++)
        if (!wcscmp(attr_names[i], name)) return attr_names[i];
    return NULL;
}

static BOOL is_shared_name(const WCHAR *name)
{
    size_t i;

    for (i = 0; i < ARRAYSIZE(attr_names); i++)
        if (attr_names[i] == name) return TRUE;
    for (i = 0; i < ARRAYSIZE(rule_names); i++)
        if (rule_names[i].name == name) return TRUE;
    return FALSE;
}

/* Attribute values repeat a great deal (HP's catalog: 120,000 values, 4,000
 * distinct): each distinct value is kept once, counted, in one table. */
struct shared_value
{
    struct shared_value *next;
    LONG refs;
    UINT hash;
    WCHAR text[1];
};

static SRWLOCK values_lock = SRWLOCK_INIT;
static struct shared_value **buckets;
static UINT bucket_count, value_count;

static UINT hash_text(const WCHAR *text)
{
    UINT hash = 2166136261u;

    while (*text) hash = (hash ^ *text++) * 16777619u;
    return hash;
}

static void grow_buckets(void)
{
    UINT count = bucket_count ? bucket_count * 2 : 1024, i;
    struct shared_value **grown = calloc(count, sizeof(*grown)), *value, *next;

    if (!grown) return;     /* longer chains, still correct */
    for (i = 0; i < bucket_count; i++)
        for (value = buckets[i]; value; value = next)
        {
            next = value->next;
            value->next = grown[value->hash & (count - 1)];
            grown[value->hash & (count - 1)] = value;
        }
    free(buckets);
    buckets = grown;
    bucket_count = count;
}

static const WCHAR *share_value(const WCHAR *text)
{
    UINT hash = hash_text(text);
    size_t len = wcslen(text);
    struct shared_value *value = NULL;

    AcquireSRWLockExclusive(&values_lock);
    if (value_count >= bucket_count) grow_buckets();
    if (bucket_count)
        for (value = buckets[hash & (bucket_count - 1)]; value; value = value->next)
            if (value->hash == hash && !wcscmp(value->text, text)) break;
    if (value) value->refs++;
    else if (bucket_count && (value = malloc(offsetof(struct shared_value, text[len + 1]))))
    {
        value->refs = 1;
        value->hash = hash;
        memcpy(value->text, text, (len + 1) * sizeof(WCHAR));
        value->next = buckets[hash & (bucket_count - 1)];
        buckets[hash & (bucket_count - 1)] = value;
        value_count++;
    }
    ReleaseSRWLockExclusive(&values_lock);
    return value ? value->text : NULL;
}

static void release_value(const WCHAR *text)
{
    struct shared_value *value = CONTAINING_RECORD(text, struct shared_value, text), **link;

    AcquireSRWLockExclusive(&values_lock);
    if (!--value->refs)
    {
        for (link = &buckets[value->hash & (bucket_count - 1)]; *link != value; link = &(*link)->next) {}
        *link = value->next;
        free(value);
        /* with the last tree goes the table too: a freed catalog leaves nothing behind */
        if (!--value_count)
        {
            free(buckets);
            buckets = NULL;
            bucket_count = 0;
        }
    }
    ReleaseSRWLockExclusive(&values_lock);
}

static WCHAR *copy_string(const WCHAR *s)
{
    size_t size = (wcslen(s) + 1) * sizeof(WCHAR);
    WCHAR *copy = malloc(size);

    if (copy) memcpy(copy, s, size);
    return copy;
}

struct rule *rule_create(const WCHAR *namespace_uri, const WCHAR *local_name)
{
    struct rule *rule = calloc(1, sizeof(*rule));
    size_t i;

    if (!rule) return NULL;
    rule->kind = RULE_UNKNOWN;
    for (i = 0; i < ARRAYSIZE(rule_names); i++)
    {
        if (wcscmp(local_name, rule_names[i].name) || !namespace_uri || wcscmp(namespace_uri, rule_names[i].ns))
            continue;
        rule->kind = rule_names[i].kind;
        rule->name = rule_names[i].name;
        return rule;
    }
    if (!(rule->name = copy_string(local_name)))
    {
        free(rule);
        return NULL;
    }
    return rule;
}

HRESULT rule_add_attr(struct rule *rule, const WCHAR *name, const WCHAR *value)
{
    struct rule_attr *attrs = realloc(rule->attrs, (rule->attr_count + 1) * sizeof(*attrs));
    struct rule_attr attr;

    if (!attrs) return E_OUTOFMEMORY;
    rule->attrs = attrs;
    if (!(attr.name = shared_attr_name(name))) attr.name = copy_string(name);
    attr.value = share_value(value);
    if (!attr.name || !attr.value)
    {
        if (attr.name && !is_shared_name(attr.name)) free((WCHAR *)attr.name);
        if (attr.value) release_value(attr.value);
        return E_OUTOFMEMORY;
    }
    rule->attrs[rule->attr_count++] = attr;
    return S_OK;
}

HRESULT rule_add_child(struct rule *rule, struct rule *child)
{
    struct rule **children = realloc(rule->children, (rule->child_count + 1) * sizeof(*children));

    if (!children)
    {
        rule_free(child);
        return E_OUTOFMEMORY;
    }
    rule->children = children;
    rule->children[rule->child_count++] = child;
    return S_OK;
}

/* Recursion depth is bounded by the loader's CATALOG_MAX_DEPTH. */
void rule_free(struct rule *rule)
{
    unsigned int i;

    if (!rule) return;
    for (i = 0; i < rule->child_count; i++) rule_free(rule->children[i]);
    for (i = 0; i < rule->attr_count; i++)
    {
        if (!is_shared_name(rule->attrs[i].name)) free((WCHAR *)rule->attrs[i].name);
        release_value(rule->attrs[i].value);
    }
    free(rule->children);
    free(rule->attrs);
    if (!is_shared_name(rule->name)) free((WCHAR *)rule->name);
    free(rule);
}

const WCHAR *rule_attr(const struct rule *rule, const WCHAR *name)
{
    unsigned int i;

    for (i = 0; i < rule->attr_count; i++)
        if (!wcscmp(rule->attrs[i].name, name)) return rule->attrs[i].value;
    return NULL;
}
