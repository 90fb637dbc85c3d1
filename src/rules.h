/*
 * OpenWUA: the applicability rule engine.  No COM objects in here.
 *
 * A rule is a tree: logical rules (True, False, And, Or, Not) over base rules
 * (WindowsVersion, RegSz, FileVersion, WmiQuery, MsiProductInstalled, ...).
 * The catalog loader builds the tree from the XML without knowing what the
 * attributes mean; the evaluator gives them meaning.  Evaluation goes through a
 * "facts" layer, so tests can put in a fake machine.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef OPENWUA_RULES_H
#define OPENWUA_RULES_H

#include <windows.h>

enum rule_kind
{
    RULE_UNKNOWN,           /* an element we do not evaluate: the update is not applicable */
    RULE_TRUE, RULE_FALSE, RULE_AND, RULE_OR, RULE_NOT,
    RULE_WINDOWS_VERSION, RULE_WINDOWS_LANGUAGE, RULE_PROCESSOR,
    RULE_REG_KEY_EXISTS, RULE_REG_VALUE_EXISTS, RULE_REG_SZ, RULE_REG_DWORD, RULE_REG_EXPAND_SZ,
    RULE_REG_SZ_TO_VERSION,
    RULE_FILE_EXISTS, RULE_FILE_VERSION,
    RULE_WMI_QUERY,
    RULE_MSI_PRODUCT_INSTALLED,
};

struct rule_attr
{
    const WCHAR *name;          /* a static string for the names the vocabulary has */
    const WCHAR *value;         /* shared by every attribute with the same value */
};

struct rule
{
    enum rule_kind kind;
    const WCHAR *name;          /* the element's local name, for logs; static when known */
    struct rule_attr *attrs;
    unsigned int attr_count;
    struct rule **children;
    unsigned int child_count;
};

/* Tri-state: a rule that cannot be evaluated is an error, never a guess. */
enum rule_result
{
    RULE_RESULT_ERROR = -1,
    RULE_RESULT_FALSE = 0,
    RULE_RESULT_TRUE = 1,
};

/* Building (used by the catalog loader).  namespace_uri and local_name are the
 * element's; a known namespace + name gives its kind, anything else RULE_UNKNOWN.
 * All return NULL / E_OUTOFMEMORY on allocation failure. */
struct rule *rule_create(const WCHAR *namespace_uri, const WCHAR *local_name);
HRESULT rule_add_attr(struct rule *rule, const WCHAR *name, const WCHAR *value);
HRESULT rule_add_child(struct rule *rule, struct rule *child);   /* takes ownership of child */
void rule_free(struct rule *rule);
/* The attribute's value, or NULL. */
const WCHAR *rule_attr(const struct rule *rule, const WCHAR *name);

/* A file as the file rules see it. */
struct rule_file_info
{
    BOOL directory;
    ULONGLONG size;
    BOOL has_version;           /* a VS_FIXEDFILEINFO was found */
    ULONGLONG version;          /* dwFileVersionMS:LS, 16 bits a part */
};

/* The machine as the rules see it.  Each function answers for the real system
 * (rule_system_facts) or for a fake one in tests.  ctx is passed back.  The
 * rules learn nothing about the machine except through these, the process
 * environment (RegExpandSz) and the locale names (WindowsLanguage). */
struct rule_facts
{
    void *ctx;
    /* RtlGetVersion: the real version, whatever the process manifest says. */
    BOOL (*os_version)(void *ctx, OSVERSIONINFOEXW *info);
    /* GetNativeSystemInfo: PROCESSOR_ARCHITECTURE_*, wProcessorLevel, wProcessorRevision. */
    void (*processor)(void *ctx, WORD *architecture, WORD *level, WORD *revision);
    /* The system default UI language (the install language). */
    LANGID (*system_language)(void *ctx);
    /* RegQueryValueEx semantics on HKLM; wow32: the 32-bit view, else the 64-bit one.
     * value NULL: key existence only; L"": the key's default value.  data NULL: size only. */
    LSTATUS (*reg_query)(void *ctx, BOOL wow32, const WCHAR *subkey, const WCHAR *value,
                         DWORD *type, BYTE *data, DWORD *size);
    /* SHGetFolderPath for a CSIDL; FALSE when unknown. */
    BOOL (*folder_path)(void *ctx, int csidl, WCHAR *path, DWORD size);
    /* A file or folder: ERROR_SUCCESS, ERROR_FILE_NOT_FOUND / ERROR_PATH_NOT_FOUND when it
     * is not there, anything else when it cannot be told. */
    DWORD (*file_info)(void *ctx, const WCHAR *path, struct rule_file_info *info);
    /* Whether a WQL query returns at least one row; a failure is an error. */
    HRESULT (*wmi_has_rows)(void *ctx, const WCHAR *namespace_path, const WCHAR *query, BOOL *has_rows);
    /* An installed MSI product: ERROR_SUCCESS with its version (INSTALLPROPERTY_VERSION:
     * major << 24 | minor << 16 | build) and language (0 when it has none);
     * ERROR_UNKNOWN_PRODUCT when it is not installed; anything else when it cannot be told. */
    UINT (*msi_product)(void *ctx, const WCHAR *product_code, DWORD *version, LANGID *language);
};

const struct rule_facts *rule_system_facts(void);

/* One search's memory: each distinct WMI query runs once, and each distinct
 * reason for an error is logged once.  Not thread-safe: one per search. */
struct rule_cache;
struct rule_cache *rule_cache_create(void);
void rule_cache_free(struct rule_cache *cache);

/* cache may be NULL (nothing remembered, every error logged). */
enum rule_result rule_evaluate(const struct rule *rule, const struct rule_facts *facts, struct rule_cache *cache);

/* Where the evaluator says why a rule is an error (unknown element, bad
 * attribute, failed query).  NULL, the default, is OutputDebugString.  Set it
 * before searching; it is not synchronised with running evaluations. */
typedef void (*rule_log_fn)(const WCHAR *message);
void rule_set_log(rule_log_fn log);

#endif
