/*
 * OpenWUA: building and freeing rule trees (the evaluator is rules.c).
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>
#include <string.h>
#include "rules.h"

#define SDP_NS L"http://schemas.microsoft.com/wsus/2005/04/CorporatePublishing/"

static const WCHAR logical_ns[] = SDP_NS L"LogicalApplicabilityRules.xsd";
static const WCHAR base_ns[] = SDP_NS L"BaseApplicabilityRules.xsd";
static const WCHAR msi_ns[] = SDP_NS L"MsiApplicabilityRules.xsd";
static const WCHAR driver_ns[] = SDP_NS L"Installers/WindowsDriver.xsd";

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

BOOL rule_is_rule_namespace(const WCHAR *namespace_uri)
{
    return namespace_uri && (!wcscmp(namespace_uri, logical_ns) || !wcscmp(namespace_uri, base_ns)
                             || !wcscmp(namespace_uri, msi_ns) || !wcscmp(namespace_uri, driver_ns));
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
    if (!(rule->name = copy_string(local_name)))
    {
        free(rule);
        return NULL;
    }
    rule->kind = RULE_UNKNOWN;
    for (i = 0; i < sizeof(rule_names) / sizeof(rule_names[0]); i++)
        if (namespace_uri && !wcscmp(namespace_uri, rule_names[i].ns) && !wcscmp(local_name, rule_names[i].name))
            rule->kind = rule_names[i].kind;
    return rule;
}

HRESULT rule_add_attr(struct rule *rule, const WCHAR *name, const WCHAR *value)
{
    struct rule_attr *attrs = realloc(rule->attrs, (rule->attr_count + 1) * sizeof(*attrs));
    struct rule_attr attr;

    if (!attrs) return E_OUTOFMEMORY;
    rule->attrs = attrs;
    attr.name = copy_string(name);
    attr.value = copy_string(value);
    if (!attr.name || !attr.value)
    {
        free(attr.name);
        free(attr.value);
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
        free(rule->attrs[i].name);
        free(rule->attrs[i].value);
    }
    free(rule->children);
    free(rule->attrs);
    free(rule->name);
    free(rule);
}

const WCHAR *rule_attr(const struct rule *rule, const WCHAR *name)
{
    unsigned int i;

    for (i = 0; i < rule->attr_count; i++)
        if (!wcscmp(rule->attrs[i].name, name)) return rule->attrs[i].value;
    return NULL;
}
