/*
 * OpenWUA tests: the applicability rule evaluator, against a fake machine and
 * against the Wine prefix it runs in.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "common.h"
#include <msi.h>
#include <shlobj.h>
#include <wbemcli.h>
#include "rules.h"

#define SDP L"http://schemas.microsoft.com/wsus/2005/04/CorporatePublishing/"
static const WCHAR lar[] = SDP L"LogicalApplicabilityRules.xsd";
static const WCHAR bar[] = SDP L"BaseApplicabilityRules.xsd";
static const WCHAR msiar[] = SDP L"MsiApplicabilityRules.xsd";

/* Short names for the three answers, so that tables of cases stay readable. */
#define RT RULE_RESULT_TRUE
#define RF RULE_RESULT_FALSE
#define RE RULE_RESULT_ERROR

/* Building rules. */

static struct rule *make_v(const WCHAR *ns, const WCHAR *name, va_list args)
{
    struct rule *rule = rule_create(ns, name);
    const WCHAR *attr;

    assert_non_null(rule);
    while ((attr = va_arg(args, const WCHAR *)))
    {
        const WCHAR *value = va_arg(args, const WCHAR *);

        assert_hr(S_OK, rule_add_attr(rule, attr, value));
    }
    return rule;
}

/* A bar: rule; attributes as name, value pairs, then NULL. */
static struct rule *b(const WCHAR *name, ...)
{
    struct rule *rule;
    va_list args;

    va_start(args, name);
    rule = make_v(bar, name, args);
    va_end(args);
    return rule;
}

static struct rule *msi(const WCHAR *name, ...)
{
    struct rule *rule;
    va_list args;

    va_start(args, name);
    rule = make_v(msiar, name, args);
    va_end(args);
    return rule;
}

/* A lar: rule holding the given rules, then NULL. */
static struct rule *l(const WCHAR *name, ...)
{
    struct rule *rule = rule_create(lar, name), *child;
    va_list args;

    assert_non_null(rule);
    va_start(args, name);
    while ((child = va_arg(args, struct rule *))) assert_hr(S_OK, rule_add_child(rule, child));
    va_end(args);
    return rule;
}

static struct rule *yes(void) { return l(L"True", NULL); }
static struct rule *no(void) { return l(L"False", NULL); }
static struct rule *unknown(void) { return b(L"RegKeyLoop", L"TrueIf", L"Any", NULL); }

static struct rule *of(enum rule_result result)
{
    return result == RT ? yes() : result == RF ? no() : unknown();
}

/* The log. */

static unsigned int log_count;
static WCHAR last_log[512];

static void capture_log(const WCHAR *message)
{
    log_count++;
    wcsncpy(last_log, message, ARRAYSIZE(last_log) - 1);
}

/* The fake machine. */

static const DWORD forty_two = 42;

static const struct fake_key
{
    BOOL wow32;
    const WCHAR *key;
}
fake_keys[] =
{
    { FALSE, L"Software\\Test" },
    { FALSE, L"Software\\Empty" },
    { TRUE, L"Software\\Test32" },
};

#define SZ(s) REG_SZ, s, sizeof(s)

static const struct fake_value
{
    BOOL wow32;
    const WCHAR *key;
    const WCHAR *name;
    DWORD type;
    const void *data;
    DWORD size;
}
fake_values[] =
{
    { FALSE, L"Software\\Test", L"", SZ(L"the default") },
    { FALSE, L"Software\\Test", L"String", SZ(L"Hello World") },
    { FALSE, L"Software\\Test", L"Unterminated", REG_SZ, L"abcdef", 3 * sizeof(WCHAR) },
    { FALSE, L"Software\\Test", L"Number", REG_DWORD, &forty_two, sizeof(forty_two) },
    { FALSE, L"Software\\Test", L"Expand", REG_EXPAND_SZ, L"%OPENWUA_RULES%\\bin", sizeof(L"%OPENWUA_RULES%\\bin") },
    { FALSE, L"Software\\Test", L"Version", SZ(L"10.2.300.4") },
    { FALSE, L"Software\\Test", L"ShortVersion", SZ(L"10.2") },
    { FALSE, L"Software\\Test", L"NotVersion", SZ(L"ten") },
    { FALSE, L"Software\\Test", L"Binary", REG_BINARY, "\1\2", 2 },
    { TRUE, L"Software\\Test32", L"String", SZ(L"wow") },
};

static const struct fake_file
{
    const WCHAR *path;
    DWORD error;
    struct rule_file_info info;
}
fake_files[] =
{
    { L"C:\\windows\\system32\\drivers\\setup.exe", 0, { FALSE, 1234, TRUE, 0x000f0002001e0118ull } },
    { L"C:\\windows\\system32\\plain.txt", 0, { FALSE, 5, FALSE, 0 } },
    { L"C:\\windows\\system32\\drivers", 0, { TRUE, 0, FALSE, 0 } },
    { L"C:\\windows\\system32\\locked.dll", ERROR_ACCESS_DENIED, { FALSE, 0, FALSE, 0 } },
    { L"C:\\data\\file.bin", 0, { FALSE, 7, FALSE, 0 } },
    { L"C:\\boot.ini", 0, { FALSE, 1, FALSE, 0 } },
};

static const struct fake_query
{
    const WCHAR *namespace_path;
    const WCHAR *query;
    HRESULT hr;
    BOOL has_rows;
}
fake_queries[] =
{
    { L"root\\cimv2", L"SELECT * FROM Win32_ComputerSystem", S_OK, TRUE },
    { L"root\\cimv2", L"SELECT * FROM Win32_ComputerSystem WHERE Model = 'none'", S_OK, FALSE },
    { L"root\\other", L"SELECT * FROM Thing", S_OK, TRUE },
};

static const WCHAR installed_product[] = L"{11111111-2222-3333-4444-555555555555}";
static const WCHAR broken_product[] = L"{DEADBEEF-0000-0000-0000-000000000000}";

static struct
{
    OSVERSIONINFOEXW os;
    BOOL os_ok;
    LANGID language;
    unsigned int wmi_calls;
    unsigned int reg_calls;
} fake;

static BOOL fake_os_version(void *ctx, OSVERSIONINFOEXW *info)
{
    (void)ctx;
    assert_int_equal(sizeof(*info), info->dwOSVersionInfoSize);
    if (!fake.os_ok) return FALSE;
    *info = fake.os;
    return TRUE;
}

static void fake_processor(void *ctx, WORD *architecture, WORD *level, WORD *revision)
{
    (void)ctx;
    *architecture = PROCESSOR_ARCHITECTURE_AMD64;
    *level = 6;
    *revision = 0x9e0a;
}

static LANGID fake_language(void *ctx)
{
    (void)ctx;
    return fake.language;
}

static const struct fake_value *find_value(BOOL wow32, const WCHAR *subkey, const WCHAR *value)
{
    unsigned int i;

    for (i = 0; i < ARRAYSIZE(fake_values); i++)
    {
        const struct fake_value *v = &fake_values[i];

        if (v->wow32 == wow32 && !_wcsicmp(v->key, subkey) && !_wcsicmp(v->name, value)) return v;
    }
    return NULL;
}

static LSTATUS fake_reg_query(void *ctx, BOOL wow32, const WCHAR *subkey, const WCHAR *value,
                              DWORD *type, BYTE *data, DWORD *size)
{
    const struct fake_value *found;
    BOOL key_found = FALSE;
    unsigned int i;

    (void)ctx;
    fake.reg_calls++;
    if (!_wcsicmp(subkey, L"Software\\Denied")) return ERROR_ACCESS_DENIED;
    for (i = 0; i < ARRAYSIZE(fake_keys); i++)
        if (fake_keys[i].wow32 == wow32 && !_wcsicmp(fake_keys[i].key, subkey)) key_found = TRUE;
    if (!key_found) return ERROR_FILE_NOT_FOUND;
    if (!value) return ERROR_SUCCESS;
    if (!_wcsicmp(value, L"Broken")) return ERROR_INVALID_DATA;
    if (!(found = find_value(wow32, subkey, value))) return ERROR_FILE_NOT_FOUND;
    if (type) *type = found->type;
    if (!data)
    {
        *size = found->size;
        return ERROR_SUCCESS;
    }
    if (*size < found->size)
    {
        *size = found->size;
        return ERROR_MORE_DATA;
    }
    memcpy(data, found->data, found->size);
    *size = found->size;
    return ERROR_SUCCESS;
}

static BOOL fake_folder_path(void *ctx, int csidl, WCHAR *path, DWORD size)
{
    (void)ctx;
    assert_true(size >= MAX_PATH);
    if (csidl == CSIDL_SYSTEM) wcscpy(path, L"C:\\windows\\system32");
    else if (csidl == CSIDL_WINDOWS) wcscpy(path, L"C:\\");     /* a root, ending in a backslash */
    else return FALSE;
    return TRUE;
}

static DWORD fake_file_info(void *ctx, const WCHAR *path, struct rule_file_info *info)
{
    unsigned int i;

    (void)ctx;
    for (i = 0; i < ARRAYSIZE(fake_files); i++)
    {
        if (_wcsicmp(fake_files[i].path, path)) continue;
        *info = fake_files[i].info;
        return fake_files[i].error;
    }
    return ERROR_FILE_NOT_FOUND;
}

static HRESULT fake_wmi_has_rows(void *ctx, const WCHAR *namespace_path, const WCHAR *query, BOOL *has_rows)
{
    unsigned int i;

    (void)ctx;
    fake.wmi_calls++;
    if (!_wcsicmp(namespace_path, L"root\\missing")) return WBEM_E_INVALID_NAMESPACE;
    for (i = 0; i < ARRAYSIZE(fake_queries); i++)
    {
        if (_wcsicmp(fake_queries[i].namespace_path, namespace_path)) continue;
        if (wcscmp(fake_queries[i].query, query)) continue;
        *has_rows = fake_queries[i].has_rows;
        return fake_queries[i].hr;
    }
    return WBEM_E_INVALID_QUERY;
}

static UINT fake_msi_product(void *ctx, const WCHAR *product_code, DWORD *version, LANGID *language)
{
    (void)ctx;
    if (!wcscmp(product_code, broken_product)) return ERROR_BAD_CONFIGURATION;
    if (_wcsicmp(product_code, installed_product)) return ERROR_UNKNOWN_PRODUCT;
    *version = 1 << 24 | 6 << 16 | 6;   /* 1.6.6 */
    *language = 1033;
    return ERROR_SUCCESS;
}

static const struct rule_facts fake_facts =
{
    NULL,
    fake_os_version,
    fake_processor,
    fake_language,
    fake_reg_query,
    fake_folder_path,
    fake_file_info,
    fake_wmi_has_rows,
    fake_msi_product,
};

static int reset_fake(void **state)
{
    (void)state;
    memset(&fake, 0, sizeof(fake));
    fake.os.dwOSVersionInfoSize = sizeof(fake.os);
    fake.os.dwMajorVersion = 10;
    fake.os.dwMinorVersion = 0;
    fake.os.dwBuildNumber = 19043;
    fake.os.wProductType = VER_NT_WORKSTATION;
    fake.os.wSuiteMask = VER_SUITE_SINGLEUSERTS | VER_SUITE_TERMINAL;     /* 0x110 */
    fake.os_ok = TRUE;
    fake.language = MAKELANGID(LANG_ENGLISH, SUBLANG_ENGLISH_US);
    log_count = 0;
    last_log[0] = 0;
    rule_set_log(capture_log);
    return 0;
}

/* Evaluates against the fake machine, without a cache, and frees the rule. */
static enum rule_result check(struct rule *rule)
{
    enum rule_result result = rule_evaluate(rule, &fake_facts, NULL);

    rule_free(rule);
    return result;
}

/* Logical rules. */

static void logical_rules_follow_three_valued_logic(void **state)
{
    static const enum rule_result values[] = { RT, RF, RE };
    unsigned int i, j;

    (void)state;
    assert_int_equal(RT, check(yes()));
    assert_int_equal(RF, check(no()));
    for (i = 0; i < 3; i++)
    {
        enum rule_result a = values[i];

        assert_int_equal(a == RE ? RE : a == RT ? RF : RT, check(l(L"Not", of(a), NULL)));
        assert_int_equal(a, check(l(L"And", of(a), NULL)));
        assert_int_equal(a, check(l(L"Or", of(a), NULL)));
        for (j = 0; j < 3; j++)
        {
            enum rule_result b = values[j];
            enum rule_result and = (a == RF || b == RF) ? RF : (a == RE || b == RE) ? RE : RT;
            enum rule_result or = (a == RT || b == RT) ? RT : (a == RE || b == RE) ? RE : RF;

            assert_int_equal(and, check(l(L"And", of(a), of(b), NULL)));
            assert_int_equal(or, check(l(L"Or", of(a), of(b), NULL)));
        }
    }
    /* Three of them, the decisive one last. */
    assert_int_equal(RF, check(l(L"And", yes(), unknown(), no(), NULL)));
    assert_int_equal(RT, check(l(L"Or", no(), unknown(), yes(), NULL)));
    assert_int_equal(RE, check(l(L"And", yes(), yes(), unknown(), NULL)));
    assert_int_equal(RE, check(l(L"Or", no(), no(), unknown(), NULL)));
}

static void logical_rules_need_their_children(void **state)
{
    struct rule *rule;

    (void)state;
    assert_int_equal(RE, check(l(L"And", NULL)));
    assert_int_equal(RE, check(l(L"Or", NULL)));
    assert_int_equal(RE, check(l(L"Not", NULL)));
    assert_int_equal(RE, check(l(L"Not", yes(), no(), NULL)));
    assert_int_equal(RE, check(l(L"True", no(), NULL)));
    assert_int_equal(RE, check(l(L"False", no(), NULL)));
    rule = b(L"Processor", L"Architecture", L"9", NULL);
    assert_hr(S_OK, rule_add_child(rule, yes()));
    assert_int_equal(RE, check(rule));
    /* NULL in, error out. */
    assert_int_equal(RE, rule_evaluate(NULL, &fake_facts, NULL));
}

static void logical_rules_stop_at_the_decisive_child(void **state)
{
    static const WCHAR query[] = L"SELECT * FROM Win32_ComputerSystem";

    (void)state;
    assert_int_equal(RF, check(l(L"And", no(), b(L"WmiQuery", L"WqlQuery", query, NULL), NULL)));
    assert_int_equal(RT, check(l(L"Or", yes(), b(L"WmiQuery", L"WqlQuery", query, NULL), NULL)));
    assert_int_equal(0, fake.wmi_calls);
    assert_int_equal(RT, check(l(L"And", yes(), b(L"WmiQuery", L"WqlQuery", query, NULL), NULL)));
    assert_int_equal(1, fake.wmi_calls);
}

static void deep_trees_evaluate(void **state)
{
    struct rule *rule = yes();
    unsigned int i;

    (void)state;
    for (i = 0; i < 255; i++) rule = l(i % 2 ? L"And" : L"Not", rule, NULL);
    /* 128 Nots over True. */
    assert_int_equal(RT, check(rule));
}

static void unknown_rules_are_errors_logged_once_a_search(void **state)
{
    struct rule_cache *cache = rule_cache_create();
    struct rule *rule;

    (void)state;
    assert_non_null(cache);
    assert_int_equal(RE, check(unknown()));
    assert_int_equal(1, log_count);
    assert_non_null(wcsstr(last_log, L"RegKeyLoop"));
    assert_int_equal(RE, check(b(L"MsiPatchInstalledForProduct", NULL)));
    assert_int_equal(RE, check(msi(L"WindowsVersion", L"MajorVersion", L"10", NULL)));  /* wrong namespace */
    assert_int_equal(RE, check(rule_create(L"urn:other", L"True")));
    assert_int_equal(4, log_count);

    /* Without a cache every error is logged; with one, each distinct reason once. */
    log_count = 0;
    assert_int_equal(RE, check(l(L"And", unknown(), unknown(), unknown(), NULL)));
    assert_int_equal(3, log_count);
    log_count = 0;
    rule = l(L"And", unknown(), unknown(), b(L"Processor", NULL), unknown(), NULL);
    assert_int_equal(RE, rule_evaluate(rule, &fake_facts, cache));
    assert_int_equal(RE, rule_evaluate(rule, &fake_facts, cache));
    assert_int_equal(2, log_count);
    rule_free(rule);
    rule_cache_free(cache);
    rule_cache_free(NULL);

    /* The default log is the debugger's, and must not crash. */
    rule_set_log(NULL);
    assert_int_equal(RE, check(unknown()));
}

/* WindowsVersion against 10.0.19043 SP0, workstation, suites 0x110. */

static void windows_version_compares_the_version_tuple(void **state)
{
    static const struct
    {
        const WCHAR *comparison, *major, *minor, *build, *sp_major, *sp_minor;
        enum rule_result result;
    }
    cases[] =
    {
        { NULL, L"10", NULL, NULL, NULL, NULL, RT },
        { NULL, L"6", NULL, NULL, NULL, NULL, RF },
        { L"EqualTo", L"10", L"0", L"19043", L"0", L"0", RT },
        { L"EqualTo", L"10", L"0", L"19042", NULL, NULL, RF },
        { L"LessThan", L"10", L"0", L"19043", NULL, NULL, RF },
        { L"LessThan", L"10", L"0", L"19044", NULL, NULL, RT },
        { L"LessThan", L"10", L"1", NULL, NULL, NULL, RT },
        { L"LessThanOrEqualTo", L"10", L"0", L"19043", NULL, NULL, RT },
        { L"LessThanOrEqualTo", L"10", L"0", L"19042", NULL, NULL, RF },
        { L"GreaterThan", L"10", L"0", L"19043", NULL, NULL, RF },
        { L"GreaterThan", L"10", L"0", L"19042", NULL, NULL, RT },
        { L"GreaterThan", L"6", L"9", NULL, NULL, NULL, RT },       /* the major part decides */
        { L"GreaterThanOrEqualTo", L"10", L"0", L"19043", NULL, NULL, RT },
        { L"GreaterThanOrEqualTo", L"10", L"0", L"19044", NULL, NULL, RF },
        { L"GreaterThanOrEqualTo", L"5", L"0", NULL, L"4", L"0", RT },  /* Dell's rule */
        { L"GreaterThanOrEqualTo", NULL, NULL, L"19041", NULL, NULL, RT },
        { L"GreaterThanOrEqualTo", L"10", L"0", NULL, L"1", NULL, RF },
        { L"EqualTo", NULL, NULL, NULL, L"1", NULL, RF },
        { L"EqualTo", NULL, NULL, NULL, L"0", L"0", RT },
        { L"LessThan", NULL, NULL, NULL, NULL, L"1", RT },
    };
    unsigned int i;

    (void)state;
    for (i = 0; i < ARRAYSIZE(cases); i++)
    {
        struct rule *rule = b(L"WindowsVersion", NULL);

        if (cases[i].comparison) rule_add_attr(rule, L"Comparison", cases[i].comparison);
        if (cases[i].major) rule_add_attr(rule, L"MajorVersion", cases[i].major);
        if (cases[i].minor) rule_add_attr(rule, L"MinorVersion", cases[i].minor);
        if (cases[i].build) rule_add_attr(rule, L"BuildNumber", cases[i].build);
        if (cases[i].sp_major) rule_add_attr(rule, L"ServicePackMajor", cases[i].sp_major);
        if (cases[i].sp_minor) rule_add_attr(rule, L"ServicePackMinor", cases[i].sp_minor);
        if (check(rule) != cases[i].result) fail_msg("case %u", i);
    }

    /* Service packs count once the major, minor and build are equal. */
    fake.os.wServicePackMajor = 1;
    assert_int_equal(RT, check(b(L"WindowsVersion", L"Comparison", L"GreaterThan", L"MajorVersion", L"10",
                                 L"MinorVersion", L"0", L"BuildNumber", L"19043", L"ServicePackMajor", L"0", NULL)));
    assert_int_equal(RF, check(b(L"WindowsVersion", L"Comparison", L"GreaterThan", L"MajorVersion", L"10",
                                 L"MinorVersion", L"0", L"BuildNumber", L"19043", L"ServicePackMajor", L"1", NULL)));
}

static void windows_version_product_type_and_suites(void **state)
{
    (void)state;
    assert_int_equal(RT, check(b(L"WindowsVersion", L"ProductType", L"1", NULL)));
    assert_int_equal(RF, check(b(L"WindowsVersion", L"ProductType", L"3", NULL)));
    /* Comparison is for the version only: ProductType is always equality. */
    assert_int_equal(RF, check(b(L"WindowsVersion", L"Comparison", L"GreaterThan", L"ProductType", L"0", NULL)));
    assert_int_equal(RT, check(b(L"WindowsVersion", L"MajorVersion", L"10", L"ProductType", L"1", NULL)));
    assert_int_equal(RF, check(b(L"WindowsVersion", L"MajorVersion", L"6", L"ProductType", L"1", NULL)));
    assert_int_equal(RF, check(b(L"WindowsVersion", L"MajorVersion", L"10", L"ProductType", L"2", NULL)));

    assert_int_equal(RT, check(b(L"WindowsVersion", L"SuiteMask", L"256", NULL)));
    assert_int_equal(RT, check(b(L"WindowsVersion", L"SuiteMask", L"257", NULL)));
    assert_int_equal(RF, check(b(L"WindowsVersion", L"SuiteMask", L"1", NULL)));
    assert_int_equal(RT, check(b(L"WindowsVersion", L"SuiteMask", L"257", L"AllSuitesMustBePresent", L"false",
                                 NULL)));
    assert_int_equal(RF, check(b(L"WindowsVersion", L"SuiteMask", L"257", L"AllSuitesMustBePresent", L"true", NULL)));
    assert_int_equal(RT, check(b(L"WindowsVersion", L"SuiteMask", L"272", L"AllSuitesMustBePresent", L"1", NULL)));
    assert_int_equal(RF, check(b(L"WindowsVersion", L"MajorVersion", L"6", L"SuiteMask", L"256", NULL)));
}

static void windows_version_errors(void **state)
{
    (void)state;
    assert_int_equal(RE, check(b(L"WindowsVersion", NULL)));
    assert_int_equal(RE, check(b(L"WindowsVersion", L"Comparison", L"GreaterThan", NULL)));
    assert_int_equal(RE, check(b(L"WindowsVersion", L"AllSuitesMustBePresent", L"true", NULL)));
    assert_int_equal(RE, check(b(L"WindowsVersion", L"Comparison", L"Equal", L"MajorVersion", L"10", NULL)));
    assert_int_equal(RE, check(b(L"WindowsVersion", L"Comparison", L"equalto", L"MajorVersion", L"10", NULL)));
    assert_int_equal(RE, check(b(L"WindowsVersion", L"Comparison", L"BeginsWith", L"MajorVersion", L"10", NULL)));
    assert_int_equal(RE, check(b(L"WindowsVersion", L"MajorVersion", L"ten", NULL)));
    assert_int_equal(RE, check(b(L"WindowsVersion", L"MajorVersion", L"-1", NULL)));
    assert_int_equal(RE, check(b(L"WindowsVersion", L"MajorVersion", L" 10", NULL)));
    assert_int_equal(RE, check(b(L"WindowsVersion", L"MajorVersion", L"", NULL)));
    assert_int_equal(RE, check(b(L"WindowsVersion", L"MajorVersion", L"4294967296", NULL)));
    assert_int_equal(RE, check(b(L"WindowsVersion", L"ServicePackMajor", L"65536", NULL)));
    assert_int_equal(RE, check(b(L"WindowsVersion", L"MajorVersion", L"10", L"MinorVersion", L"0.1", NULL)));
    assert_int_equal(RE, check(b(L"WindowsVersion", L"SuiteMask", L"0x100", NULL)));
    assert_int_equal(RE, check(b(L"WindowsVersion", L"SuiteMask", L"256", L"AllSuitesMustBePresent", L"yes", NULL)));
    assert_int_equal(RE, check(b(L"WindowsVersion", L"ProductType", L"workstation", NULL)));
    /* An error in an attribute counts even when the others already decided. */
    assert_int_equal(RE, check(b(L"WindowsVersion", L"MajorVersion", L"6", L"BuildNumber", L"x", NULL)));
    fake.os_ok = FALSE;
    assert_int_equal(RE, check(b(L"WindowsVersion", L"MajorVersion", L"10", NULL)));
}

static void windows_language_matches_tags_and_ranges(void **state)
{
    (void)state;
    assert_int_equal(RT, check(b(L"WindowsLanguage", L"Language", L"en-US", NULL)));
    assert_int_equal(RT, check(b(L"WindowsLanguage", L"Language", L"EN-us", NULL)));
    assert_int_equal(RT, check(b(L"WindowsLanguage", L"Language", L"en", NULL)));
    assert_int_equal(RF, check(b(L"WindowsLanguage", L"Language", L"en-GB", NULL)));
    assert_int_equal(RF, check(b(L"WindowsLanguage", L"Language", L"e", NULL)));
    assert_int_equal(RF, check(b(L"WindowsLanguage", L"Language", L"de", NULL)));
    assert_int_equal(RF, check(b(L"WindowsLanguage", L"Language", L"en-US-x1", NULL)));
    fake.language = MAKELANGID(LANG_GERMAN, SUBLANG_GERMAN);
    assert_int_equal(RT, check(b(L"WindowsLanguage", L"Language", L"de", NULL)));
    assert_int_equal(RT, check(b(L"WindowsLanguage", L"Language", L"de-DE", NULL)));
    assert_int_equal(RF, check(b(L"WindowsLanguage", L"Language", L"en", NULL)));

    assert_int_equal(RE, check(b(L"WindowsLanguage", NULL)));
    assert_int_equal(RE, check(b(L"WindowsLanguage", L"Language", L"", NULL)));
    assert_int_equal(RE, check(b(L"WindowsLanguage", L"Language", L"de_DE", NULL)));
    assert_int_equal(RE, check(b(L"WindowsLanguage", L"Language", L"1031", NULL)));
    assert_int_equal(RE, check(b(L"WindowsLanguage", L"Language", L"de-", NULL)));
    assert_int_equal(RE, check(b(L"WindowsLanguage", L"Language", L"toolonglanguage", NULL)));
}

static void processor_compares_architecture_level_revision(void **state)
{
    (void)state;
    assert_int_equal(RT, check(b(L"Processor", L"Architecture", L"9", NULL)));
    assert_int_equal(RF, check(b(L"Processor", L"Architecture", L"0", NULL)));
    assert_int_equal(RF, check(b(L"Processor", L"Architecture", L"12", NULL)));
    assert_int_equal(RT, check(b(L"Processor", L"Architecture", L"9", L"Level", L"6", NULL)));
    assert_int_equal(RF, check(b(L"Processor", L"Architecture", L"9", L"Level", L"5", NULL)));
    assert_int_equal(RT, check(b(L"Processor", L"Architecture", L"9", L"Revision", L"40458", NULL)));
    assert_int_equal(RF, check(b(L"Processor", L"Architecture", L"9", L"Revision", L"1", NULL)));
    assert_int_equal(RF, check(b(L"Processor", L"Architecture", L"0", L"Level", L"6", NULL)));

    assert_int_equal(RE, check(b(L"Processor", NULL)));
    assert_int_equal(RE, check(b(L"Processor", L"Level", L"6", NULL)));
    assert_int_equal(RE, check(b(L"Processor", L"Architecture", L"x64", NULL)));
    assert_int_equal(RE, check(b(L"Processor", L"Architecture", L"65536", NULL)));
    assert_int_equal(RE, check(b(L"Processor", L"Architecture", L"9", L"Level", L"six", NULL)));
}

/* Registry rules against the fake registry. */

static struct rule *reg(const WCHAR *name, const WCHAR *subkey, const WCHAR *value)
{
    struct rule *rule = b(name, L"Key", L"HKEY_LOCAL_MACHINE", L"Subkey", subkey, NULL);

    if (value) rule_add_attr(rule, L"Value", value);
    return rule;
}

static struct rule *with(struct rule *rule, const WCHAR *name, const WCHAR *value)
{
    assert_hr(S_OK, rule_add_attr(rule, name, value));
    return rule;
}

static void reg_key_exists_checks_the_key(void **state)
{
    (void)state;
    assert_int_equal(RT, check(reg(L"RegKeyExists", L"Software\\Test", NULL)));
    assert_int_equal(RT, check(reg(L"RegKeyExists", L"SOFTWARE\\test", NULL)));
    assert_int_equal(RT, check(reg(L"RegKeyExists", L"Software\\Empty", NULL)));
    assert_int_equal(RF, check(reg(L"RegKeyExists", L"Software\\Nope", NULL)));
    assert_int_equal(RF, check(reg(L"RegKeyExists", L"Software\\Test32", NULL)));
    assert_int_equal(RT, check(with(reg(L"RegKeyExists", L"Software\\Test32", NULL), L"RegType32", L"true")));
    assert_int_equal(RF, check(with(reg(L"RegKeyExists", L"Software\\Test", NULL), L"RegType32", L"true")));
    assert_int_equal(RT, check(with(reg(L"RegKeyExists", L"Software\\Test", NULL), L"RegType32", L"false")));

    assert_int_equal(RE, check(reg(L"RegKeyExists", L"Software\\Denied", NULL)));
    assert_int_equal(RE, check(with(reg(L"RegKeyExists", L"Software\\Test", NULL), L"RegType32", L"yes")));
    assert_int_equal(RE, check(b(L"RegKeyExists", L"Key", L"HKEY_CURRENT_USER", L"Subkey", L"Software", NULL)));
    assert_int_equal(RE, check(b(L"RegKeyExists", L"Key", L"HKEY_LOOP_TARGET", L"Subkey", L"Software", NULL)));
    assert_int_equal(RE, check(b(L"RegKeyExists", L"Key", L"HKLM", L"Subkey", L"Software\\Test", NULL)));
    assert_int_equal(RE, check(b(L"RegKeyExists", L"Subkey", L"Software\\Test", NULL)));
    assert_int_equal(RE, check(b(L"RegKeyExists", L"Key", L"HKEY_LOCAL_MACHINE", NULL)));
}

static void reg_value_exists(void **state)
{
    (void)state;
    assert_int_equal(RT, check(reg(L"RegValueExists", L"Software\\Test", L"String")));
    assert_int_equal(RT, check(reg(L"RegValueExists", L"Software\\Test", L"string")));
    assert_int_equal(RT, check(reg(L"RegValueExists", L"Software\\Test", L"Binary")));
    assert_int_equal(RF, check(reg(L"RegValueExists", L"Software\\Test", L"Missing")));
    assert_int_equal(RF, check(reg(L"RegValueExists", L"Software\\Nope", L"String")));
    /* No Value: the key's default value. */
    assert_int_equal(RT, check(reg(L"RegValueExists", L"Software\\Test", NULL)));
    assert_int_equal(RF, check(reg(L"RegValueExists", L"Software\\Empty", NULL)));
    assert_int_equal(RT, check(with(reg(L"RegValueExists", L"Software\\Test", L"String"), L"Type", L"REG_SZ")));
    assert_int_equal(RF, check(with(reg(L"RegValueExists", L"Software\\Test", L"String"), L"Type", L"REG_DWORD")));
    assert_int_equal(RT, check(with(reg(L"RegValueExists", L"Software\\Test", L"Number"), L"Type", L"REG_DWORD")));
    assert_int_equal(RT, check(with(reg(L"RegValueExists", L"Software\\Test", L"Expand"), L"Type",
                                    L"REG_EXPAND_SZ")));
    assert_int_equal(RT, check(with(reg(L"RegValueExists", L"Software\\Test", L"Binary"), L"Type", L"REG_BINARY")));
    assert_int_equal(RF, check(with(reg(L"RegValueExists", L"Software\\Test", L"Missing"), L"Type", L"REG_SZ")));
    assert_int_equal(RT, check(with(reg(L"RegValueExists", L"Software\\Test32", L"String"), L"RegType32", L"1")));

    assert_int_equal(RE, check(with(reg(L"RegValueExists", L"Software\\Test", L"String"), L"Type", L"REG_FOO")));
    assert_int_equal(RE, check(with(reg(L"RegValueExists", L"Software\\Test", L"String"), L"Type", L"reg_sz")));
    assert_int_equal(RE, check(reg(L"RegValueExists", L"Software\\Test", L"Broken")));
    assert_int_equal(RE, check(reg(L"RegValueExists", L"Software\\Denied", L"String")));
}

static struct rule *reg_compare(const WCHAR *name, const WCHAR *value, const WCHAR *comparison, const WCHAR *data)
{
    struct rule *rule = reg(name, L"Software\\Test", value);

    if (comparison) with(rule, L"Comparison", comparison);
    if (data) with(rule, L"Data", data);
    return rule;
}

static void reg_dword_compares_numbers(void **state)
{
    static const struct
    {
        const WCHAR *comparison, *data;
        enum rule_result result;
    }
    cases[] =
    {
        { L"EqualTo", L"42", RT }, { L"EqualTo", L"41", RF },
        { L"LessThan", L"43", RT }, { L"LessThan", L"42", RF },
        { L"LessThanOrEqualTo", L"42", RT }, { L"LessThanOrEqualTo", L"41", RF },
        { L"GreaterThan", L"41", RT }, { L"GreaterThan", L"42", RF },
        { L"GreaterThanOrEqualTo", L"42", RT }, { L"GreaterThanOrEqualTo", L"43", RF },
        { L"LessThan", L"4294967295", RT }, { L"GreaterThan", L"0", RT },
        { L"EqualTo", L"0x2a", RE }, { L"EqualTo", L"4294967296", RE }, { L"EqualTo", L"-42", RE },
        { L"EqualTo", L"", RE }, { L"BeginsWith", L"42", RE }, { L"Equals", L"42", RE },
        { NULL, L"42", RE }, { L"EqualTo", NULL, RE },
    };
    unsigned int i;

    (void)state;
    for (i = 0; i < ARRAYSIZE(cases); i++)
        if (check(reg_compare(L"RegDword", L"Number", cases[i].comparison, cases[i].data)) != cases[i].result)
            fail_msg("case %u", i);
    /* Not there, or not a DWORD: false. */
    assert_int_equal(RF, check(reg_compare(L"RegDword", L"Missing", L"EqualTo", L"42")));
    assert_int_equal(RF, check(reg_compare(L"RegDword", L"String", L"EqualTo", L"42")));
    assert_int_equal(RF, check(reg_compare(L"RegDword", L"Binary", L"GreaterThanOrEqualTo", L"0")));
    assert_int_equal(RE, check(reg_compare(L"RegDword", L"Broken", L"EqualTo", L"42")));
}

static void reg_sz_compares_strings_ignoring_case(void **state)
{
    static const struct
    {
        const WCHAR *comparison, *data;
        enum rule_result result;
    }
    cases[] =
    {
        { L"EqualTo", L"Hello World", RT }, { L"EqualTo", L"hello WORLD", RT },
        { L"EqualTo", L"Hello", RF }, { L"EqualTo", L"Hello World!", RF }, { L"EqualTo", L"", RF },
        { L"BeginsWith", L"HELLO", RT }, { L"BeginsWith", L"Hello World", RT }, { L"BeginsWith", L"", RT },
        { L"BeginsWith", L"World", RF }, { L"BeginsWith", L"Hello World and more", RF },
        { L"Contains", L"o w", RT }, { L"Contains", L"WORLD", RT }, { L"Contains", L"hello world", RT },
        { L"Contains", L"xyz", RF }, { L"Contains", L"Hello World and more", RF },
        { L"EndsWith", L"world", RT }, { L"EndsWith", L"d", RT },
        { L"EndsWith", L"Hello", RF }, { L"EndsWith", L"Big Hello World", RF },
        { L"LessThan", L"Hello", RE }, { L"equalto", L"Hello World", RE }, { L"StartsWith", L"Hello", RE },
        { NULL, L"Hello World", RE }, { L"EqualTo", NULL, RE },
    };
    unsigned int i;

    (void)state;
    for (i = 0; i < ARRAYSIZE(cases); i++)
        if (check(reg_compare(L"RegSz", L"String", cases[i].comparison, cases[i].data)) != cases[i].result)
            fail_msg("case %u", i);
    assert_int_equal(RT, check(reg_compare(L"RegSz", NULL, L"EqualTo", L"the default")));
    assert_int_equal(RT, check(reg_compare(L"RegSz", L"Unterminated", L"EqualTo", L"abc")));
    assert_int_equal(RF, check(reg_compare(L"RegSz", L"Missing", L"EqualTo", L"")));
    assert_int_equal(RF, check(reg_compare(L"RegSz", L"Number", L"EqualTo", L"42")));
    assert_int_equal(RF, check(reg_compare(L"RegSz", L"Expand", L"Contains", L"bin")));
    assert_int_equal(RE, check(reg_compare(L"RegSz", L"Broken", L"EqualTo", L"")));
    assert_int_equal(RF, check(with(b(L"RegSz", L"Key", L"HKEY_LOCAL_MACHINE", L"Subkey", L"Software\\Test32",
                                      L"Value", L"String", L"Comparison", L"EqualTo", L"Data", L"wow", NULL),
                                    L"RegType32", L"false")));
    assert_int_equal(RT, check(with(b(L"RegSz", L"Key", L"HKEY_LOCAL_MACHINE", L"Subkey", L"Software\\Test32",
                                      L"Value", L"String", L"Comparison", L"EqualTo", L"Data", L"wow", NULL),
                                    L"RegType32", L"true")));
}

static void reg_expand_sz_compares_the_expanded_string(void **state)
{
    (void)state;
    SetEnvironmentVariableW(L"OPENWUA_RULES", L"C:\\Rules");
    assert_int_equal(RT, check(reg_compare(L"RegExpandSz", L"Expand", L"EqualTo", L"c:\\rules\\bin")));
    assert_int_equal(RF, check(reg_compare(L"RegExpandSz", L"Expand", L"EqualTo", L"%OPENWUA_RULES%\\bin")));
    assert_int_equal(RT, check(reg_compare(L"RegExpandSz", L"Expand", L"BeginsWith", L"C:\\Rules\\")));
    assert_int_equal(RT, check(reg_compare(L"RegExpandSz", L"Expand", L"EndsWith", L"\\BIN")));
    assert_int_equal(RT, check(reg_compare(L"RegExpandSz", L"Expand", L"Contains", L"Rules")));
    assert_int_equal(RF, check(reg_compare(L"RegExpandSz", L"Expand", L"Contains", L"OPENWUA")));
    SetEnvironmentVariableW(L"OPENWUA_RULES", NULL);
    /* An unset variable stays as written, as ExpandEnvironmentStrings leaves it. */
    assert_int_equal(RT, check(reg_compare(L"RegExpandSz", L"Expand", L"EqualTo", L"%OPENWUA_RULES%\\bin")));

    assert_int_equal(RF, check(reg_compare(L"RegExpandSz", L"String", L"EqualTo", L"Hello World")));
    assert_int_equal(RF, check(reg_compare(L"RegExpandSz", L"Missing", L"EqualTo", L"")));
    assert_int_equal(RE, check(reg_compare(L"RegExpandSz", L"Expand", L"GreaterThan", L"x")));
    assert_int_equal(RE, check(reg_compare(L"RegExpandSz", L"Expand", L"EqualTo", NULL)));
}

static void reg_sz_to_version_compares_versions(void **state)
{
    static const struct
    {
        const WCHAR *value, *comparison, *data;
        enum rule_result result;
    }
    cases[] =
    {
        { L"Version", L"EqualTo", L"10.2.300.4", RT }, { L"Version", L"EqualTo", L"10.2.300.5", RF },
        { L"Version", L"LessThan", L"10.2.300.5", RT }, { L"Version", L"LessThan", L"10.2.300.4", RF },
        { L"Version", L"LessThan", L"10.3.0.0", RT }, { L"Version", L"LessThan", L"9.99.999.9999", RF },
        { L"Version", L"LessThanOrEqualTo", L"10.2.300.4", RT },
        { L"Version", L"LessThanOrEqualTo", L"10.2.299.9", RF },
        { L"Version", L"GreaterThan", L"10.2.299.9", RT }, { L"Version", L"GreaterThan", L"10.2.300.4", RF },
        { L"Version", L"GreaterThan", L"2.65535.65535.65535", RT },
        { L"Version", L"GreaterThanOrEqualTo", L"10.2.300.4", RT },
        { L"Version", L"GreaterThanOrEqualTo", L"11.0.0.0", RF },
        /* The machine's "10.2" is 10.2.0.0. */
        { L"ShortVersion", L"EqualTo", L"10.2.0.0", RT }, { L"ShortVersion", L"LessThan", L"10.2.0.1", RT },
        /* Data on the machine that is no version never compares. */
        { L"NotVersion", L"LessThan", L"99.0.0.0", RF }, { L"NotVersion", L"GreaterThan", L"0.0.0.0", RF },
        { L"Number", L"GreaterThan", L"0.0.0.0", RF }, { L"Missing", L"GreaterThan", L"0.0.0.0", RF },
        /* The rule's version must be a.b.c.d, 16 bits each. */
        { L"Version", L"EqualTo", L"10.2.300", RE }, { L"Version", L"EqualTo", L"10.2", RE },
        { L"Version", L"EqualTo", L"10.2.300.4.5", RE }, { L"Version", L"EqualTo", L"10.2.300.65536", RE },
        { L"Version", L"EqualTo", L"a.b.c.d", RE }, { L"Version", L"EqualTo", L"10..300.4", RE },
        { L"Version", L"EqualTo", L"10.2.300.4.", RE }, { L"Version", L"EqualTo", L"", RE },
        { L"Version", L"EqualTo", L" 10.2.300.4", RE }, { L"Version", L"Contains", L"10.2.300.4", RE },
        { L"Version", NULL, L"10.2.300.4", RE }, { L"Version", L"EqualTo", NULL, RE },
    };
    unsigned int i;

    (void)state;
    for (i = 0; i < ARRAYSIZE(cases); i++)
        if (check(reg_compare(L"RegSzToVersion", cases[i].value, cases[i].comparison,
                              cases[i].data)) != cases[i].result)
            fail_msg("case %u", i);
}

/* File rules against the fake disk (system folder C:\windows\system32). */

static void file_exists_finds_files_and_checks_them(void **state)
{
    (void)state;
    assert_int_equal(RT, check(b(L"FileExists", L"Csidl", L"37", L"Path", L"drivers\\setup.exe", NULL)));
    assert_int_equal(RT, check(b(L"FileExists", L"Csidl", L"37", L"Path", L"\\drivers\\setup.exe", NULL)));
    assert_int_equal(RT, check(b(L"FileExists", L"Csidl", L"37", L"Path", L"DRIVERS\\SETUP.EXE", NULL)));
    assert_int_equal(RF, check(b(L"FileExists", L"Csidl", L"37", L"Path", L"drivers\\nope.exe", NULL)));
    assert_int_equal(RT, check(b(L"FileExists", L"Path", L"C:\\data\\file.bin", NULL)));
    assert_int_equal(RF, check(b(L"FileExists", L"Path", L"C:\\data\\other.bin", NULL)));
    assert_int_equal(RT, check(b(L"FileExists", L"Csidl", L"36", L"Path", L"boot.ini", NULL)));
    /* A folder exists, but has no version and no size. */
    assert_int_equal(RT, check(b(L"FileExists", L"Csidl", L"37", L"Path", L"drivers", NULL)));
    assert_int_equal(RF, check(b(L"FileExists", L"Csidl", L"37", L"Path", L"drivers", L"Size", L"0", NULL)));

    assert_int_equal(RT, check(b(L"FileExists", L"Csidl", L"37", L"Path", L"drivers\\setup.exe",
                                 L"Version", L"15.2.30.280", NULL)));
    assert_int_equal(RF, check(b(L"FileExists", L"Csidl", L"37", L"Path", L"drivers\\setup.exe",
                                 L"Version", L"15.2.30.281", NULL)));
    assert_int_equal(RF, check(b(L"FileExists", L"Csidl", L"37", L"Path", L"plain.txt", L"Version", L"0.0.0.0",
                                 NULL)));
    assert_int_equal(RT, check(b(L"FileExists", L"Csidl", L"37", L"Path", L"plain.txt", L"Size", L"5", NULL)));
    assert_int_equal(RF, check(b(L"FileExists", L"Csidl", L"37", L"Path", L"plain.txt", L"Size", L"6", NULL)));
    assert_int_equal(RT, check(b(L"FileExists", L"Csidl", L"37", L"Path", L"drivers\\setup.exe",
                                 L"Version", L"15.2.30.280", L"Size", L"1234", NULL)));
    assert_int_equal(RF, check(b(L"FileExists", L"Csidl", L"37", L"Path", L"drivers\\setup.exe",
                                 L"Version", L"15.2.30.280", L"Size", L"1235", NULL)));
    assert_int_equal(RF, check(b(L"FileExists", L"Csidl", L"37", L"Path", L"nope.dll", L"Size", L"5", NULL)));
}

/* FileExists, or (version) FileVersion with a valid comparison: only the path is in question. */
static struct rule *file_rule(BOOL version, ...)
{
    struct rule *rule;
    va_list args;

    va_start(args, version);
    rule = make_v(bar, version ? L"FileVersion" : L"FileExists", args);
    va_end(args);
    if (version) with(with(rule, L"Comparison", L"EqualTo"), L"Version", L"1.0.0.0");
    return rule;
}

static void file_rules_refuse_bad_paths(void **state)
{
    BOOL version;

    (void)state;
    for (version = FALSE; version <= TRUE; version++)
    {
        assert_int_equal(RE, check(file_rule(version, L"Csidl", L"37", NULL)));
        assert_int_equal(RE, check(file_rule(version, L"Csidl", L"37", L"Path", L"", NULL)));
        assert_int_equal(RE, check(file_rule(version, L"Path", L"relative\\file.exe", NULL)));
        assert_int_equal(RE, check(file_rule(version, L"Path", L"\\rooted\\file.exe", NULL)));
        assert_int_equal(RE, check(file_rule(version, L"Csidl", L"37", L"Path", L"..\\win.ini", NULL)));
        assert_int_equal(RE, check(file_rule(version, L"Csidl", L"37", L"Path", L"drivers\\..\\..\\win.ini", NULL)));
        assert_int_equal(RE, check(file_rule(version, L"Csidl", L"37", L"Path", L"drivers/../../win.ini", NULL)));
        assert_int_equal(RE, check(file_rule(version, L"Path", L"C:\\windows\\..\\secret", NULL)));
        assert_int_equal(RE, check(file_rule(version, L"Csidl", L"37", L"Path", L"C:\\windows\\win.ini", NULL)));
        assert_int_equal(RE, check(file_rule(version, L"Csidl", L"37", L"Path", L"\\\\server\\share\\x", NULL)));
        assert_int_equal(RE, check(file_rule(version, L"Csidl", L"37", L"Path", L"*.dll", NULL)));
        assert_int_equal(RE, check(file_rule(version, L"Path", L"C:\\data\\file.bin:stream", NULL)));
        assert_int_equal(RE, check(file_rule(version, L"Csidl", L"99", L"Path", L"file.exe", NULL)));
        assert_int_equal(RE, check(file_rule(version, L"Csidl", L"system", L"Path", L"file.exe", NULL)));
        assert_int_equal(RE, check(file_rule(version, L"Csidl", L"256", L"Path", L"file.exe", NULL)));
        assert_int_equal(RE, check(file_rule(version, L"Csidl", L"-1", L"Path", L"file.exe", NULL)));
        assert_int_equal(RE, check(file_rule(version, L"Csidl", L"37", L"Path", L"locked.dll", NULL)));
    }
    /* A name with dots is not an escape. */
    assert_int_equal(RF, check(b(L"FileExists", L"Csidl", L"37", L"Path", L"..config", NULL)));
}

static void file_exists_errors(void **state)
{
    (void)state;
    assert_int_equal(RE, check(b(L"FileExists", L"Csidl", L"37", L"Path", L"plain.txt", L"Created",
                                 L"2020-01-01T00:00:00", NULL)));
    assert_int_equal(RE, check(b(L"FileExists", L"Csidl", L"37", L"Path", L"plain.txt", L"Modified",
                                 L"2020-01-01T00:00:00", NULL)));
    assert_int_equal(RE, check(b(L"FileExists", L"Csidl", L"37", L"Path", L"plain.txt", L"Language", L"1033", NULL)));
    assert_int_equal(RE, check(b(L"FileExists", L"Csidl", L"37", L"Path", L"plain.txt", L"Size", L"five", NULL)));
    assert_int_equal(RE, check(b(L"FileExists", L"Csidl", L"37", L"Path", L"plain.txt", L"Version", L"1.0", NULL)));
    /* Malformed even though the file is not there. */
    assert_int_equal(RE, check(b(L"FileExists", L"Csidl", L"37", L"Path", L"nope.txt", L"Version", L"1.0", NULL)));
}

static void file_version_compares_the_version(void **state)
{
    static const struct
    {
        const WCHAR *path, *comparison, *version;
        enum rule_result result;
    }
    cases[] =
    {
        { L"drivers\\setup.exe", L"EqualTo", L"15.2.30.280", RT },
        { L"drivers\\setup.exe", L"EqualTo", L"15.2.30.279", RF },
        { L"drivers\\setup.exe", L"LessThan", L"15.2.30.281", RT },
        { L"drivers\\setup.exe", L"LessThan", L"15.2.30.280", RF },
        { L"drivers\\setup.exe", L"LessThanOrEqualTo", L"15.2.30.280", RT },
        { L"drivers\\setup.exe", L"LessThanOrEqualTo", L"15.1.65535.65535", RF },
        { L"drivers\\setup.exe", L"GreaterThan", L"15.2.29.65535", RT },
        { L"drivers\\setup.exe", L"GreaterThan", L"16.0.0.0", RF },
        { L"drivers\\setup.exe", L"GreaterThanOrEqualTo", L"15.2.30.280", RT },
        { L"drivers\\setup.exe", L"GreaterThanOrEqualTo", L"15.2.30.281", RF },
        /* Not there, a folder, or no version: false. */
        { L"drivers\\nope.exe", L"LessThan", L"99.0.0.0", RF }, { L"drivers", L"GreaterThan", L"0.0.0.0", RF },
        { L"plain.txt", L"GreaterThanOrEqualTo", L"0.0.0.0", RF },
        { L"drivers\\setup.exe", NULL, L"15.2.30.280", RE }, { L"drivers\\setup.exe", L"EqualTo", NULL, RE },
        { L"drivers\\setup.exe", L"EqualTo", L"15.2.30", RE },
        { L"drivers\\setup.exe", L"Contains", L"15.2.30.280", RE },
        { L"drivers\\nope.exe", L"EqualTo", L"15.2.30", RE },
    };
    unsigned int i;

    (void)state;
    for (i = 0; i < ARRAYSIZE(cases); i++)
    {
        struct rule *rule = b(L"FileVersion", L"Csidl", L"37", L"Path", cases[i].path, NULL);

        if (cases[i].comparison) with(rule, L"Comparison", cases[i].comparison);
        if (cases[i].version) with(rule, L"Version", cases[i].version);
        if (check(rule) != cases[i].result) fail_msg("case %u", i);
    }
    /* HP's rule, as in its catalog. */
    assert_int_equal(RT, check(b(L"FileVersion", L"Csidl", L"37", L"Path", L"drivers\\setup.exe",
                                 L"Comparison", L"GreaterThanOrEqualTo", L"Version", L"15.2.30.280", NULL)));
}

/* WMI. */

static void wmi_query_is_true_when_rows_come_back(void **state)
{
    (void)state;
    assert_int_equal(RT, check(b(L"WmiQuery", L"Namespace", L"root\\cimv2",
                                 L"WqlQuery", L"SELECT * FROM Win32_ComputerSystem", NULL)));
    assert_int_equal(RF, check(b(L"WmiQuery", L"Namespace", L"Root\\CIMv2",
                                 L"WqlQuery", L"SELECT * FROM Win32_ComputerSystem WHERE Model = 'none'", NULL)));
    /* No Namespace: root\cimv2. */
    assert_int_equal(RT, check(b(L"WmiQuery", L"WqlQuery", L"SELECT * FROM Win32_ComputerSystem", NULL)));
    assert_int_equal(RT, check(b(L"WmiQuery", L"Namespace", L"root\\other", L"WqlQuery", L"SELECT * FROM Thing",
                                 NULL)));
    assert_int_equal(RE, check(b(L"WmiQuery", L"WqlQuery", L"SELECT * FROM Thing", NULL)));
    assert_int_equal(RE, check(b(L"WmiQuery", L"Namespace", L"root\\missing", L"WqlQuery", L"SELECT * FROM Thing",
                                 NULL)));
    assert_int_equal(6, fake.wmi_calls);

    assert_int_equal(RE, check(b(L"WmiQuery", L"Namespace", L"root\\cimv2", NULL)));
    assert_int_equal(RE, check(b(L"WmiQuery", L"WqlQuery", L"", NULL)));
    assert_int_equal(RE, check(b(L"WmiQuery", L"Namespace", L"", L"WqlQuery", L"SELECT * FROM Win32_ComputerSystem",
                                 NULL)));
    assert_int_equal(6, fake.wmi_calls);
}

static struct rule *wmi(const WCHAR *namespace_path, const WCHAR *query)
{
    return b(L"WmiQuery", L"Namespace", namespace_path, L"WqlQuery", query, NULL);
}

static void wmi_answers_are_cached_for_a_search(void **state)
{
    static const WCHAR yes_query[] = L"SELECT * FROM Win32_ComputerSystem";
    static const WCHAR no_query[] = L"SELECT * FROM Win32_ComputerSystem WHERE Model = 'none'";
    struct rule_cache *cache = rule_cache_create();
    struct rule *rule = l(L"And", yes(), NULL), *other;
    unsigned int i;

    (void)state;
    assert_non_null(cache);
    for (i = 0; i < 600; i++)
        assert_hr(S_OK, rule_add_child(rule, wmi(i % 2 ? L"root\\cimv2" : L"ROOT\\CIMV2", yes_query)));
    assert_int_equal(RT, rule_evaluate(rule, &fake_facts, cache));
    assert_int_equal(1, fake.wmi_calls);
    assert_int_equal(RT, rule_evaluate(rule, &fake_facts, cache));
    assert_int_equal(1, fake.wmi_calls);
    /* Without a cache each rule asks. */
    assert_int_equal(RT, rule_evaluate(rule, &fake_facts, NULL));
    assert_int_equal(601, fake.wmi_calls);
    rule_free(rule);

    /* Distinct queries are asked once each; failures are remembered too. */
    fake.wmi_calls = 0;
    rule = l(L"Or", NULL);
    for (i = 0; i < 300; i++)
    {
        assert_hr(S_OK, rule_add_child(rule, wmi(L"root\\cimv2", no_query)));
        assert_hr(S_OK, rule_add_child(rule, wmi(L"root\\missing", L"SELECT * FROM Thing")));
        assert_hr(S_OK, rule_add_child(rule, wmi(L"root\\cimv2", L"select * from Nothing")));
    }
    assert_int_equal(RE, rule_evaluate(rule, &fake_facts, cache));
    assert_int_equal(3, fake.wmi_calls);
    /* The query text is compared as written. */
    other = wmi(L"root\\cimv2", L"select * from win32_computersystem");
    assert_int_equal(RE, rule_evaluate(other, &fake_facts, cache));
    assert_int_equal(4, fake.wmi_calls);
    rule_free(other);
    other = wmi(L"root\\cimv2", yes_query);
    assert_int_equal(RT, rule_evaluate(other, &fake_facts, cache));
    assert_int_equal(4, fake.wmi_calls);
    rule_free(other);
    rule_free(rule);

    /* Many distinct queries: the table grows and still finds each. */
    fake.wmi_calls = 0;
    rule = l(L"And", NULL);
    for (i = 0; i < 1000; i++)
    {
        WCHAR query[64];

        swprintf(query, ARRAYSIZE(query), L"SELECT * FROM Thing%u", i);
        assert_hr(S_OK, rule_add_child(rule, wmi(L"root\\cimv2", query)));
    }
    assert_int_equal(RE, rule_evaluate(rule, &fake_facts, cache));
    assert_int_equal(RE, rule_evaluate(rule, &fake_facts, cache));
    assert_int_equal(1000, fake.wmi_calls);
    rule_free(rule);
    rule_cache_free(cache);
}

/* MSI. */

static struct rule *product(const WCHAR *code)
{
    return msi(L"MsiProductInstalled", L"ProductCode", code, NULL);
}

static void msi_product_installed_checks_version_and_language(void **state)
{
    (void)state;
    assert_int_equal(RT, check(product(installed_product)));
    assert_int_equal(RT, check(product(L"{11111111-2222-3333-4444-555555555555}")));
    assert_int_equal(RF, check(product(L"{11111111-2222-3333-4444-555555555556}")));
    /* Dell's VersionMin="1.6.6.5": the fourth part is ignored, as MSI does. */
    assert_int_equal(RT, check(with(product(installed_product), L"VersionMin", L"1.6.6.5")));
    assert_int_equal(RT, check(with(product(installed_product), L"VersionMin", L"1.6.6")));
    assert_int_equal(RT, check(with(product(installed_product), L"VersionMin", L"1")));
    assert_int_equal(RF, check(with(product(installed_product), L"VersionMin", L"1.6.7")));
    assert_int_equal(RF, check(with(with(product(installed_product), L"VersionMin", L"1.6.6"), L"ExcludeVersionMin",
                                    L"true")));
    assert_int_equal(RT, check(with(with(product(installed_product), L"VersionMin", L"1.6.5"), L"ExcludeVersionMin",
                                    L"true")));
    assert_int_equal(RT, check(with(with(product(installed_product), L"VersionMin", L"1.6.6"), L"ExcludeVersionMin",
                                    L"false")));
    assert_int_equal(RT, check(with(product(installed_product), L"VersionMax", L"1.6.6")));
    assert_int_equal(RF, check(with(product(installed_product), L"VersionMax", L"1.6.5")));
    assert_int_equal(RF, check(with(with(product(installed_product), L"VersionMax", L"1.6.6"), L"ExcludeVersionMax",
                                    L"true")));
    assert_int_equal(RT, check(with(with(product(installed_product), L"VersionMax", L"1.6.7"), L"ExcludeVersionMax",
                                    L"1")));
    assert_int_equal(RT, check(with(with(product(installed_product), L"VersionMin", L"1.0"), L"VersionMax", L"2.0")));
    assert_int_equal(RF, check(with(with(product(installed_product), L"VersionMin", L"1.7"), L"VersionMax", L"2.0")));
    /* An Exclude flag without its bound changes nothing. */
    assert_int_equal(RT, check(with(product(installed_product), L"ExcludeVersionMin", L"true")));

    assert_int_equal(RT, check(with(product(installed_product), L"Language", L"1033")));
    assert_int_equal(RT, check(with(product(installed_product), L"Language", L"1031,1033")));
    assert_int_equal(RF, check(with(product(installed_product), L"Language", L"1031")));
    assert_int_equal(RF, check(with(product(installed_product), L"Language", L"1031,3082")));
    assert_int_equal(RF, check(with(with(product(installed_product), L"Language", L"1033"), L"VersionMin", L"2.0")));
    assert_int_equal(RF, check(with(product(L"{11111111-2222-3333-4444-555555555556}"), L"Language", L"1033")));
}

static void msi_product_installed_errors(void **state)
{
    (void)state;
    assert_int_equal(RE, check(msi(L"MsiProductInstalled", NULL)));
    assert_int_equal(RE, check(product(broken_product)));
    assert_int_equal(RE, check(product(L"11111111-2222-3333-4444-555555555555")));
    assert_int_equal(RE, check(product(L"{11111111-2222-3333-4444-55555555555}")));
    assert_int_equal(RE, check(product(L"{11111111-2222-3333-4444-55555555555G}")));
    assert_int_equal(RE, check(product(L"{11111111-2222-3333-4444-555555555555}x")));
    assert_int_equal(RE, check(product(L"")));
    assert_int_equal(RE, check(with(product(installed_product), L"VersionMin", L"256.0.0")));
    assert_int_equal(RE, check(with(product(installed_product), L"VersionMin", L"1.256.0")));
    assert_int_equal(RE, check(with(product(installed_product), L"VersionMax", L"1.0.65536")));
    assert_int_equal(RE, check(with(product(installed_product), L"VersionMax", L"1.0.0.0.0")));
    assert_int_equal(RE, check(with(product(installed_product), L"VersionMax", L"one")));
    assert_int_equal(RE, check(with(product(installed_product), L"ExcludeVersionMin", L"maybe")));
    assert_int_equal(RE, check(with(product(installed_product), L"Language", L"en-US")));
    assert_int_equal(RE, check(with(product(installed_product), L"Language", L"1033,")));
    assert_int_equal(RE, check(with(product(installed_product), L"Language", L"")));
    assert_int_equal(RE, check(with(product(installed_product), L"Language", L"1033, 1031")));
    assert_int_equal(RE, check(with(product(installed_product), L"Language", L"65536")));
    /* Malformed even when the product is not there. */
    assert_int_equal(RE, check(with(product(L"{11111111-2222-3333-4444-555555555556}"), L"VersionMin", L"x")));
}

/* End to end, against the Wine prefix. */

static const WCHAR test_key[] = L"Software\\OpenWUA-RuleTests";

static void delete_test_keys(void)
{
    RegDeleteTreeW(HKEY_LOCAL_MACHINE, test_key);
    RegDeleteKeyExW(HKEY_LOCAL_MACHINE, test_key, KEY_WOW64_64KEY, 0);
    {
        HKEY key;

        if (!RegOpenKeyExW(HKEY_LOCAL_MACHINE, L"Software", 0, KEY_ALL_ACCESS | KEY_WOW64_32KEY, &key))
        {
            RegDeleteTreeW(key, L"OpenWUA-RuleTests32");
            RegCloseKey(key);
        }
    }
}

static void set_value(HKEY key, const WCHAR *name, DWORD type, const void *data, DWORD size)
{
    assert_int_equal(0, RegSetValueExW(key, name, 0, type, data, size));
}

static enum rule_result check_system(struct rule *rule)
{
    enum rule_result result = rule_evaluate(rule, rule_system_facts(), NULL);

    rule_free(rule);
    return result;
}

static struct rule *sys_reg(const WCHAR *name, const WCHAR *subkey, const WCHAR *value,
                            const WCHAR *comparison, const WCHAR *data)
{
    struct rule *rule = b(name, L"Key", L"HKEY_LOCAL_MACHINE", L"Subkey", subkey, NULL);

    if (value) with(rule, L"Value", value);
    if (comparison) with(rule, L"Comparison", comparison);
    if (data) with(rule, L"Data", data);
    return rule;
}

static void system_registry(void **state)
{
    static const WCHAR hello[] = L"Hello World", version[] = L"1.2.3.4", expandable[] = L"%SystemRoot%\\x";
    WCHAR expanded[MAX_PATH];
    DWORD number = 42;
    HKEY key;

    (void)state;
    delete_test_keys();
    assert_int_equal(RF, check_system(sys_reg(L"RegKeyExists", test_key, NULL, NULL, NULL)));
    assert_int_equal(0, RegCreateKeyExW(HKEY_LOCAL_MACHINE, test_key, 0, NULL, 0, KEY_ALL_ACCESS, NULL, &key, NULL));
    set_value(key, L"Str", REG_SZ, hello, sizeof(hello));
    set_value(key, L"Num", REG_DWORD, &number, sizeof(number));
    set_value(key, L"Exp", REG_EXPAND_SZ, expandable, sizeof(expandable));
    set_value(key, L"Ver", REG_SZ, version, sizeof(version));
    RegCloseKey(key);
    ExpandEnvironmentStringsW(expandable, expanded, ARRAYSIZE(expanded));
    assert_true(wcscmp(expanded, expandable));

    assert_int_equal(RT, check_system(sys_reg(L"RegKeyExists", test_key, NULL, NULL, NULL)));
    assert_int_equal(RT, check_system(sys_reg(L"RegKeyExists", L"SOFTWARE\\openwua-ruletests", NULL, NULL, NULL)));
    assert_int_equal(RF, check_system(sys_reg(L"RegKeyExists", L"Software\\OpenWUA-RuleTests\\Nope", NULL, NULL,
                                              NULL)));
    assert_int_equal(RT, check_system(sys_reg(L"RegValueExists", test_key, L"Str", NULL, NULL)));
    assert_int_equal(RF, check_system(sys_reg(L"RegValueExists", test_key, L"Nope", NULL, NULL)));
    assert_int_equal(RF, check_system(sys_reg(L"RegValueExists", test_key, NULL, NULL, NULL)));
    assert_int_equal(RT, check_system(with(sys_reg(L"RegValueExists", test_key, L"Num", NULL, NULL), L"Type",
                                           L"REG_DWORD")));
    assert_int_equal(RF, check_system(with(sys_reg(L"RegValueExists", test_key, L"Num", NULL, NULL), L"Type",
                                           L"REG_SZ")));

    assert_int_equal(RT, check_system(sys_reg(L"RegSz", test_key, L"Str", L"EqualTo", L"hello world")));
    assert_int_equal(RF, check_system(sys_reg(L"RegSz", test_key, L"Str", L"EqualTo", L"Hello")));
    assert_int_equal(RT, check_system(sys_reg(L"RegSz", test_key, L"Str", L"BeginsWith", L"Hello")));
    assert_int_equal(RF, check_system(sys_reg(L"RegSz", test_key, L"Str", L"BeginsWith", L"World")));
    assert_int_equal(RT, check_system(sys_reg(L"RegSz", test_key, L"Str", L"Contains", L"O W")));
    assert_int_equal(RF, check_system(sys_reg(L"RegSz", test_key, L"Str", L"Contains", L"xyz")));
    assert_int_equal(RT, check_system(sys_reg(L"RegSz", test_key, L"Str", L"EndsWith", L"World")));
    assert_int_equal(RF, check_system(sys_reg(L"RegSz", test_key, L"Str", L"EndsWith", L"Hello")));
    assert_int_equal(RF, check_system(sys_reg(L"RegSz", test_key, L"Nope", L"EqualTo", L"")));
    assert_int_equal(RF, check_system(sys_reg(L"RegSz", test_key, L"Num", L"EqualTo", L"42")));

    assert_int_equal(RT, check_system(sys_reg(L"RegDword", test_key, L"Num", L"EqualTo", L"42")));
    assert_int_equal(RT, check_system(sys_reg(L"RegDword", test_key, L"Num", L"GreaterThan", L"41")));
    assert_int_equal(RF, check_system(sys_reg(L"RegDword", test_key, L"Num", L"LessThan", L"42")));
    assert_int_equal(RF, check_system(sys_reg(L"RegDword", test_key, L"Str", L"EqualTo", L"42")));

    assert_int_equal(RT, check_system(sys_reg(L"RegExpandSz", test_key, L"Exp", L"EqualTo", expanded)));
    assert_int_equal(RF, check_system(sys_reg(L"RegExpandSz", test_key, L"Exp", L"EqualTo", expandable)));
    assert_int_equal(RT, check_system(sys_reg(L"RegExpandSz", test_key, L"Exp", L"EndsWith", L"\\x")));

    assert_int_equal(RT, check_system(sys_reg(L"RegSzToVersion", test_key, L"Ver", L"EqualTo", L"1.2.3.4")));
    assert_int_equal(RT, check_system(sys_reg(L"RegSzToVersion", test_key, L"Ver", L"LessThan", L"1.2.10.0")));
    assert_int_equal(RF, check_system(sys_reg(L"RegSzToVersion", test_key, L"Ver", L"GreaterThan", L"1.2.3.4")));
    assert_int_equal(RF, check_system(sys_reg(L"RegSzToVersion", test_key, L"Str", L"GreaterThan", L"0.0.0.0")));

    /* A key the 64-bit view has is not in the 32-bit one. */
    assert_int_equal(RF, check_system(with(sys_reg(L"RegKeyExists", test_key, NULL, NULL, NULL), L"RegType32",
                                           L"true")));

    delete_test_keys();
    assert_int_equal(RF, check_system(sys_reg(L"RegKeyExists", test_key, NULL, NULL, NULL)));
    assert_int_equal(RF, check_system(sys_reg(L"RegSz", test_key, L"Str", L"EqualTo", L"Hello World")));
}

static void system_registry_32bit_view(void **state)
{
    static const WCHAR subkey[] = L"Software\\OpenWUA-RuleTests32", value[] = L"thirty-two";
    HKEY key;

    (void)state;
    delete_test_keys();
    assert_int_equal(0, RegCreateKeyExW(HKEY_LOCAL_MACHINE, subkey, 0, NULL, 0, KEY_ALL_ACCESS | KEY_WOW64_32KEY,
                                        NULL, &key, NULL));
    set_value(key, L"Str", REG_SZ, value, sizeof(value));
    RegCloseKey(key);

    assert_int_equal(RT, check_system(with(sys_reg(L"RegKeyExists", subkey, NULL, NULL, NULL), L"RegType32",
                                           L"true")));
    assert_int_equal(RT, check_system(with(sys_reg(L"RegSz", subkey, L"Str", L"EqualTo", value), L"RegType32",
                                           L"true")));
#ifdef _WIN64
    assert_int_equal(RF, check_system(sys_reg(L"RegKeyExists", subkey, NULL, NULL, NULL)));
    assert_int_equal(RF, check_system(with(sys_reg(L"RegKeyExists", subkey, NULL, NULL, NULL), L"RegType32",
                                           L"false")));
    assert_int_equal(RF, check_system(sys_reg(L"RegSz", subkey, L"Str", L"EqualTo", value)));
#endif
    delete_test_keys();
    assert_int_equal(RF, check_system(with(sys_reg(L"RegKeyExists", subkey, NULL, NULL, NULL), L"RegType32",
                                           L"true")));
}

static void version_string(ULONGLONG version, WCHAR *buffer, size_t size)
{
    swprintf(buffer, size, L"%u.%u.%u.%u", (unsigned int)(version >> 48), (unsigned int)(version >> 32) & 0xffff,
             (unsigned int)(version >> 16) & 0xffff, (unsigned int)version & 0xffff);
}

static ULONGLONG real_file_version(const WCHAR *path)
{
    VS_FIXEDFILEINFO *info;
    DWORD size = GetFileVersionInfoSizeW(path, NULL);
    ULONGLONG version;
    UINT length;
    void *block;

    assert_true(size > 0);
    block = malloc(size);
    assert_true(GetFileVersionInfoW(path, 0, size, block));
    assert_true(VerQueryValueW(block, L"\\", (void **)&info, &length));
    version = (ULONGLONG)info->dwFileVersionMS << 32 | info->dwFileVersionLS;
    free(block);
    return version;
}

static void system_files(void **state)
{
    static const char content[] = "12345";
    WCHAR folder[MAX_PATH], path[MAX_PATH], system[MAX_PATH], version[64], higher[64];
    ULONGLONG kernel32;
    HANDLE file;
    DWORD written;

    (void)state;
    assert_hr(S_OK, SHGetFolderPathW(NULL, CSIDL_COMMON_APPDATA, NULL, SHGFP_TYPE_CURRENT, folder));
    wcscat(folder, L"\\OpenWUA-RuleTests");
    swprintf(path, ARRAYSIZE(path), L"%ls\\file.txt", folder);
    DeleteFileW(path);
    RemoveDirectoryW(folder);
    assert_int_equal(RF, check_system(b(L"FileExists", L"Csidl", L"35", L"Path", L"OpenWUA-RuleTests\\file.txt",
                                        NULL)));

    assert_true(CreateDirectoryW(folder, NULL));
    file = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_NEW, 0, NULL);
    assert_true(file != INVALID_HANDLE_VALUE);
    assert_true(WriteFile(file, content, 5, &written, NULL));
    CloseHandle(file);

    assert_int_equal(RT, check_system(b(L"FileExists", L"Csidl", L"35", L"Path", L"OpenWUA-RuleTests\\file.txt",
                                        NULL)));
    assert_int_equal(RT, check_system(b(L"FileExists", L"Path", path, NULL)));
    assert_int_equal(RT, check_system(b(L"FileExists", L"Csidl", L"35", L"Path", L"OpenWUA-RuleTests", NULL)));
    assert_int_equal(RT, check_system(b(L"FileExists", L"Csidl", L"35", L"Path", L"OpenWUA-RuleTests\\file.txt",
                                        L"Size", L"5", NULL)));
    assert_int_equal(RF, check_system(b(L"FileExists", L"Csidl", L"35", L"Path", L"OpenWUA-RuleTests\\file.txt",
                                        L"Size", L"6", NULL)));
    assert_int_equal(RF, check_system(b(L"FileExists", L"Csidl", L"35", L"Path", L"OpenWUA-RuleTests\\file.txt",
                                        L"Version", L"0.0.0.0", NULL)));
    assert_int_equal(RF, check_system(b(L"FileExists", L"Csidl", L"35", L"Path", L"OpenWUA-RuleTests\\nope.txt",
                                        NULL)));
    assert_int_equal(RF, check_system(b(L"FileExists", L"Csidl", L"35", L"Path", L"OpenWUA-Nope\\file.txt", NULL)));
    assert_int_equal(RF, check_system(b(L"FileVersion", L"Csidl", L"35", L"Path", L"OpenWUA-RuleTests\\file.txt",
                                        L"Comparison", L"GreaterThanOrEqualTo", L"Version", L"0.0.0.0", NULL)));

    /* A versioned system DLL, compared with what the version API says. */
    GetSystemDirectoryW(system, ARRAYSIZE(system));
    wcscat(system, L"\\kernel32.dll");
    kernel32 = real_file_version(system);
    assert_true(kernel32 > 0 && kernel32 < 0xffffffffffffffffull);
    version_string(kernel32, version, ARRAYSIZE(version));
    version_string(kernel32 + 1, higher, ARRAYSIZE(higher));
    assert_int_equal(RT, check_system(b(L"FileVersion", L"Csidl", L"37", L"Path", L"kernel32.dll",
                                        L"Comparison", L"EqualTo", L"Version", version, NULL)));
    assert_int_equal(RF, check_system(b(L"FileVersion", L"Csidl", L"37", L"Path", L"kernel32.dll",
                                        L"Comparison", L"EqualTo", L"Version", higher, NULL)));
    assert_int_equal(RT, check_system(b(L"FileVersion", L"Csidl", L"37", L"Path", L"kernel32.dll",
                                        L"Comparison", L"LessThan", L"Version", higher, NULL)));
    assert_int_equal(RF, check_system(b(L"FileVersion", L"Csidl", L"37", L"Path", L"kernel32.dll",
                                        L"Comparison", L"GreaterThan", L"Version", version, NULL)));
    assert_int_equal(RT, check_system(b(L"FileVersion", L"Csidl", L"37", L"Path", L"kernel32.dll",
                                        L"Comparison", L"GreaterThanOrEqualTo", L"Version", version, NULL)));
    assert_int_equal(RT, check_system(b(L"FileExists", L"Csidl", L"37", L"Path", L"kernel32.dll",
                                        L"Version", version, NULL)));
    assert_int_equal(RF, check_system(b(L"FileVersion", L"Csidl", L"37", L"Path", L"no-such-file.dll",
                                        L"Comparison", L"GreaterThan", L"Version", L"0.0.0.0", NULL)));

    DeleteFileW(path);
    RemoveDirectoryW(folder);
    assert_int_equal(RF, check_system(b(L"FileExists", L"Path", path, NULL)));
}

static void system_windows_version_and_processor(void **state)
{
    LONG (WINAPI *get_version)(OSVERSIONINFOEXW *) =
        (void *)GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "RtlGetVersion");
    WCHAR major[16], minor[16], build[16], next_build[16], product_type[16], architecture[16];
    OSVERSIONINFOEXW os;
    SYSTEM_INFO info;

    (void)state;
    memset(&os, 0, sizeof(os));
    os.dwOSVersionInfoSize = sizeof(os);
    assert_non_null(get_version);
    assert_int_equal(0, get_version(&os));
    swprintf(major, ARRAYSIZE(major), L"%lu", os.dwMajorVersion);
    swprintf(minor, ARRAYSIZE(minor), L"%lu", os.dwMinorVersion);
    swprintf(build, ARRAYSIZE(build), L"%lu", os.dwBuildNumber);
    swprintf(next_build, ARRAYSIZE(next_build), L"%lu", os.dwBuildNumber + 1);
    swprintf(product_type, ARRAYSIZE(product_type), L"%u", os.wProductType);

    assert_int_equal(RT, check_system(b(L"WindowsVersion", L"MajorVersion", major, L"MinorVersion", minor,
                                        L"BuildNumber", build, NULL)));
    assert_int_equal(RF, check_system(b(L"WindowsVersion", L"MajorVersion", major, L"MinorVersion", minor,
                                        L"BuildNumber", next_build, NULL)));
    assert_int_equal(RT, check_system(b(L"WindowsVersion", L"Comparison", L"LessThan", L"MajorVersion", major,
                                        L"MinorVersion", minor, L"BuildNumber", next_build, NULL)));
    assert_int_equal(RF, check_system(b(L"WindowsVersion", L"Comparison", L"GreaterThan", L"MajorVersion", major,
                                        L"MinorVersion", minor, L"BuildNumber", build, NULL)));
    assert_int_equal(RT, check_system(b(L"WindowsVersion", L"Comparison", L"GreaterThanOrEqualTo",
                                        L"MajorVersion", L"5", L"MinorVersion", L"0",
                                        L"ServicePackMajor", L"4", NULL)));
    assert_int_equal(RT, check_system(b(L"WindowsVersion", L"ProductType", product_type, NULL)));
    assert_int_equal(RF, check_system(b(L"WindowsVersion", L"ProductType", L"255", NULL)));

    GetNativeSystemInfo(&info);
    swprintf(architecture, ARRAYSIZE(architecture), L"%u", info.wProcessorArchitecture);
    assert_int_equal(RT, check_system(b(L"Processor", L"Architecture", architecture, NULL)));
#ifdef _WIN64
    assert_int_equal(RT, check_system(b(L"Processor", L"Architecture", L"9", NULL)));
    assert_int_equal(RF, check_system(b(L"Processor", L"Architecture", L"0", NULL)));
#endif
}

static void system_language(void **state)
{
    WCHAR name[LOCALE_NAME_MAX_LENGTH], *dash;

    (void)state;
    assert_true(LCIDToLocaleName(GetSystemDefaultUILanguage(), name, ARRAYSIZE(name), 0) > 0);
    assert_int_equal(RT, check_system(b(L"WindowsLanguage", L"Language", name, NULL)));
    if ((dash = wcschr(name, '-'))) *dash = 0;
    assert_int_equal(RT, check_system(b(L"WindowsLanguage", L"Language", name, NULL)));
    assert_int_equal(RF, check_system(b(L"WindowsLanguage", L"Language", L"xx", NULL)));
}

static void system_wmi(void **state)
{
    struct rule_cache *cache = rule_cache_create();
    struct rule *rule;

    (void)state;
    assert_int_equal(RT, check_system(b(L"WmiQuery", L"WqlQuery", L"SELECT * FROM Win32_OperatingSystem", NULL)));
    assert_int_equal(RT, check_system(b(L"WmiQuery", L"Namespace", L"Root\\CIMv2",
                                        L"WqlQuery", L"SELECT * FROM Win32_ComputerSystem", NULL)));
    assert_int_equal(RF, check_system(wmi(L"root\\cimv2",
                                          L"SELECT * FROM Win32_OperatingSystem WHERE Caption = 'OpenWUA-none'")));
    assert_int_equal(RE, check_system(b(L"WmiQuery", L"WqlQuery", L"SELEKT nothing FRUM nowhere", NULL)));
    /* Windows says WBEM_E_INVALID_CLASS; Wine 8 answers no rows. */
    assert_int_not_equal(RT, check_system(b(L"WmiQuery", L"WqlQuery", L"SELECT * FROM OpenWUA_NoSuchClass", NULL)));
    assert_int_equal(RE, check_system(b(L"WmiQuery", L"Namespace", L"root\\OpenWUA\\nowhere",
                                        L"WqlQuery", L"SELECT * FROM Win32_OperatingSystem", NULL)));

    rule = l(L"And", wmi(L"root\\cimv2", L"SELECT * FROM Win32_OperatingSystem"),
             wmi(L"root\\cimv2", L"SELECT * FROM Win32_OperatingSystem"), NULL);
    assert_int_equal(RT, rule_evaluate(rule, rule_system_facts(), cache));
    assert_int_equal(RT, rule_evaluate(rule, rule_system_facts(), cache));
    rule_free(rule);
    rule_cache_free(cache);
}

/* The WMI facts take whatever apartment the thread has, or none. */
static DWORD CALLBACK wmi_thread(void *arg)
{
    DWORD apartment = (DWORD)(ULONG_PTR)arg;
    struct rule *rule = wmi(L"root\\cimv2", L"SELECT * FROM Win32_OperatingSystem");
    enum rule_result result, again;

    if (apartment != ~0u) CoInitializeEx(NULL, apartment);
    result = rule_evaluate(rule, rule_system_facts(), NULL);
    again = rule_evaluate(rule, rule_system_facts(), NULL);
    if (apartment != ~0u) CoUninitialize();
    rule_free(rule);
    return result == RT && again == RT;
}

static void system_wmi_in_any_apartment(void **state)
{
    static const DWORD apartments[] = { ~0u, COINIT_APARTMENTTHREADED, COINIT_MULTITHREADED };
    unsigned int i;

    (void)state;
    for (i = 0; i < ARRAYSIZE(apartments); i++)
    {
        HANDLE thread = CreateThread(NULL, 0, wmi_thread, (void *)(ULONG_PTR)apartments[i], 0, NULL);
        DWORD ok = 0;

        assert_non_null(thread);
        assert_int_equal(WAIT_OBJECT_0, WaitForSingleObject(thread, 60000));
        GetExitCodeThread(thread, &ok);
        CloseHandle(thread);
        if (!ok) fail_msg("apartment %u", i);
    }
}

static void system_msi(void **state)
{
    (void)state;
    assert_int_equal(RF, check_system(product(L"{0DDBA11E-0DDB-A11E-0DDB-A11E0DDBA11E}")));
    assert_int_equal(RF, check_system(with(product(L"{0DDBA11E-0DDB-A11E-0DDB-A11E0DDBA11E}"), L"VersionMin",
                                           L"1.0")));
    assert_int_equal(RE, check_system(product(L"{0DDBA11E-0DDB-A11E-0DDB-A11E0DDBA11E")));
}

/* Test products built by wixl from tests/msi/ and installed in the prefix with msiexec, the
 * way an installer would be.  Both are per machine and 32-bit (their registry value is in
 * the 32-bit view); each puts ProgramData\OpenWUA-MsiTestX\payload.txt and
 * HKLM\Software\OpenWUA-MsiTestX\Version on the machine. */
static const WCHAR product_a[] = L"{FA816E69-D9A9-44D3-A725-06CBA722B43B}";     /* 1.2.3, 1033 */
static const WCHAR product_b[] = L"{143154EF-BE2E-4D0D-A681-16E235615903}";     /* 2.0.0.7, 1031 */

/* The path of a test MSI: OPENWUA_MSI is the Wine path of the folder CMake builds them in. */
static void test_msi_path(const WCHAR *name, WCHAR *path)
{
    DWORD length = GetEnvironmentVariableW(L"OPENWUA_MSI", path, MAX_PATH);
    WCHAR *p;

    if (!length || length >= MAX_PATH - 32) fail_msg("OPENWUA_MSI is not set: run the test with ctest");
    for (p = path; *p; p++)
        if (*p == '/') *p = '\\';
    wcscat(path, L"\\");
    wcscat(path, name);
    if (GetFileAttributesW(path) == INVALID_FILE_ATTRIBUTES)
        fail_msg("%ls is missing: the build makes it with wixl (Debian package wixl)", path);
}

/* msiexec's exit code, with no UI at all. */
static DWORD msiexec(const WCHAR *action, const WCHAR *what)
{
    WCHAR cmdline[2 * MAX_PATH];

    swprintf(cmdline, ARRAYSIZE(cmdline), L"msiexec.exe %ls \"%ls\" /qn", action, what);
    return run_process(cmdline);
}

static void install_test_msi(const WCHAR *name, const WCHAR *code)
{
    WCHAR path[MAX_PATH];

    test_msi_path(name, path);
    assert_int_equal(INSTALLSTATE_UNKNOWN, MsiQueryProductStateW(code));
    assert_int_equal(ERROR_SUCCESS, msiexec(L"/i", path));
    /* What Windows Installer itself says, apart from the rule engine. */
    assert_int_equal(INSTALLSTATE_DEFAULT, MsiQueryProductStateW(code));
}

static void uninstall_test_msi(const WCHAR *code)
{
    assert_int_equal(ERROR_SUCCESS, msiexec(L"/x", code));
    assert_int_equal(INSTALLSTATE_UNKNOWN, MsiQueryProductStateW(code));
}

/* Removes the test products in process, whatever a case left behind (or an earlier run
 * that was killed); fails when one is still there afterwards. */
static int remove_test_msis(void)
{
    static const WCHAR *const codes[] = { product_a, product_b };
    unsigned int i;
    int result = 0;

    MsiSetInternalUI(INSTALLUILEVEL_NONE, NULL);
    for (i = 0; i < ARRAYSIZE(codes); i++)
    {
        UINT error;

        if (MsiQueryProductStateW(codes[i]) == INSTALLSTATE_UNKNOWN) continue;
        error = MsiConfigureProductExW(codes[i], INSTALLLEVEL_DEFAULT, INSTALLSTATE_ABSENT, L"");
        if (MsiQueryProductStateW(codes[i]) != INSTALLSTATE_UNKNOWN)
        {
            print_error("cannot remove test product %ls: error %u\n", codes[i], error);
            result = -1;
        }
    }
    return result;
}

static int msi_setup(void **state)
{
    reset_fake(state);
    return remove_test_msis();
}

static int msi_teardown(void **state)
{
    (void)state;
    return remove_test_msis();
}

static struct rule *product_range(const WCHAR *code, const WCHAR *min, const WCHAR *exclude_min,
                                  const WCHAR *max, const WCHAR *exclude_max)
{
    struct rule *rule = product(code);

    if (min) with(rule, L"VersionMin", min);
    if (exclude_min) with(rule, L"ExcludeVersionMin", exclude_min);
    if (max) with(rule, L"VersionMax", max);
    if (exclude_max) with(rule, L"ExcludeVersionMax", exclude_max);
    return rule;
}

static struct rule *test_msi_file(const WCHAR *path)
{
    return b(L"FileExists", L"Csidl", L"35", L"Path", path, NULL);
}

static struct rule *test_msi_value(const WCHAR *subkey, const WCHAR *data)
{
    return with(sys_reg(L"RegSz", subkey, L"Version", L"EqualTo", data), L"RegType32", L"true");
}

static void system_msi_installed_product(void **state)
{
    WCHAR lower[ARRAYSIZE(product_a)];
    unsigned int i;

    (void)state;
    assert_int_equal(RF, check_system(product(product_a)));
    assert_int_equal(RF, check_system(test_msi_file(L"OpenWUA-MsiTestA\\payload.txt")));
    install_test_msi(L"openwua-test-a.msi", product_a);

    assert_int_equal(RT, check_system(product(product_a)));
    for (i = 0; product_a[i]; i++) lower[i] = towlower(product_a[i]);
    lower[i] = 0;
    assert_int_equal(RT, check_system(product(lower)));
    assert_int_equal(RF, check_system(product(product_b)));
    /* What the package put on the machine, through the other rules. */
    assert_int_equal(RT, check_system(test_msi_file(L"OpenWUA-MsiTestA\\payload.txt")));
    assert_int_equal(RT, check_system(test_msi_value(L"Software\\OpenWUA-MsiTestA", L"1.2.3")));

    /* Version 1.2.3: bounds are inclusive unless excluded. */
    assert_int_equal(RT, check_system(product_range(product_a, L"1.2.3", NULL, NULL, NULL)));
    assert_int_equal(RT, check_system(product_range(product_a, L"1.2.3", L"false", NULL, NULL)));
    assert_int_equal(RF, check_system(product_range(product_a, L"1.2.3", L"true", NULL, NULL)));
    assert_int_equal(RT, check_system(product_range(product_a, L"1.2.2", L"true", NULL, NULL)));
    assert_int_equal(RF, check_system(product_range(product_a, L"1.2.4", NULL, NULL, NULL)));
    assert_int_equal(RF, check_system(product_range(product_a, L"1.3", NULL, NULL, NULL)));
    assert_int_equal(RT, check_system(product_range(product_a, L"1.2.3.99", NULL, NULL, NULL)));
    assert_int_equal(RT, check_system(product_range(product_a, NULL, NULL, L"1.2.3", NULL)));
    assert_int_equal(RF, check_system(product_range(product_a, NULL, NULL, L"1.2.3", L"true")));
    assert_int_equal(RT, check_system(product_range(product_a, NULL, NULL, L"1.2.4", L"true")));
    assert_int_equal(RF, check_system(product_range(product_a, NULL, NULL, L"1.2.2", NULL)));
    assert_int_equal(RF, check_system(product_range(product_a, NULL, NULL, L"1.1.65535", NULL)));
    assert_int_equal(RT, check_system(product_range(product_a, L"1.2.3", NULL, L"1.2.3", NULL)));
    assert_int_equal(RF, check_system(product_range(product_a, L"1.2.3", L"true", L"1.2.3", NULL)));
    assert_int_equal(RT, check_system(product_range(product_a, L"1.0", L"true", L"2.0", L"true")));
    assert_int_equal(RF, check_system(product_range(product_a, L"1.2.4", NULL, L"2.0", NULL)));
    assert_int_equal(RF, check_system(product_range(product_a, L"0.9", NULL, L"1.2", NULL)));

    /* Language 1033. */
    assert_int_equal(RT, check_system(with(product(product_a), L"Language", L"1033")));
    assert_int_equal(RF, check_system(with(product(product_a), L"Language", L"1031")));
    assert_int_equal(RT, check_system(with(product(product_a), L"Language", L"1031,1033")));
    assert_int_equal(RF, check_system(with(product(product_a), L"Language", L"1031,3082")));
    assert_int_equal(RF, check_system(with(product_range(product_a, L"2.0", NULL, NULL, NULL), L"Language",
                                           L"1033")));

    /* An IsInstalled rule the way catalogs write them. */
    assert_int_equal(RT, check_system(l(L"And", with(product_range(product_a, L"1.0", NULL, L"1.9", NULL),
                                                      L"Language", L"1033"),
                                        test_msi_file(L"OpenWUA-MsiTestA\\payload.txt"),
                                        test_msi_value(L"Software\\OpenWUA-MsiTestA", L"1.2.3"), NULL)));

    uninstall_test_msi(product_a);
    assert_int_equal(RF, check_system(product(product_a)));
    assert_int_equal(RF, check_system(product_range(product_a, L"1.0", NULL, L"2.0", NULL)));
    assert_int_equal(RF, check_system(with(product(product_a), L"Language", L"1033")));
    assert_int_equal(RF, check_system(test_msi_file(L"OpenWUA-MsiTestA\\payload.txt")));
    assert_int_equal(RF, check_system(test_msi_value(L"Software\\OpenWUA-MsiTestA", L"1.2.3")));
}

static void system_msi_two_products(void **state)
{
    (void)state;
    install_test_msi(L"openwua-test-b.msi", product_b);
    assert_int_equal(RT, check_system(product(product_b)));
    assert_int_equal(RF, check_system(product(product_a)));
    assert_int_equal(RT, check_system(test_msi_value(L"Software\\OpenWUA-MsiTestB", L"2.0.0.7")));

    /* ProductVersion 2.0.0.7: Windows Installer keeps 2.0.0, so 2.0.0 is an equal bound. */
    assert_int_equal(RT, check_system(product_range(product_b, L"2.0.0", NULL, L"2.0.0", NULL)));
    assert_int_equal(RF, check_system(product_range(product_b, L"2.0.0", L"true", NULL, NULL)));
    assert_int_equal(RF, check_system(product_range(product_b, NULL, NULL, L"2.0.0", L"true")));
    assert_int_equal(RT, check_system(product_range(product_b, NULL, NULL, L"2.0.1", L"true")));
    assert_int_equal(RT, check_system(product_range(product_b, L"1.255.65535", L"true", NULL, NULL)));
    assert_int_equal(RF, check_system(product_range(product_b, L"2.0.1", NULL, NULL, NULL)));

    /* Language 1031. */
    assert_int_equal(RT, check_system(with(product(product_b), L"Language", L"1031")));
    assert_int_equal(RF, check_system(with(product(product_b), L"Language", L"1033")));

    /* Both at once, each with its own version and language. */
    install_test_msi(L"openwua-test-a.msi", product_a);
    assert_int_equal(RT, check_system(l(L"And", with(product(product_a), L"Language", L"1033"),
                                        with(product(product_b), L"Language", L"1031"), NULL)));
    assert_int_equal(RF, check_system(l(L"Or", with(product(product_a), L"Language", L"1031"),
                                        with(product(product_b), L"Language", L"1033"), NULL)));
    assert_int_equal(RT, check_system(product_range(product_a, NULL, NULL, L"2.0.0", L"true")));
    assert_int_equal(RF, check_system(product_range(product_b, NULL, NULL, L"2.0.0", L"true")));

    /* Removing one leaves the other. */
    uninstall_test_msi(product_b);
    assert_int_equal(RF, check_system(product(product_b)));
    assert_int_equal(RF, check_system(test_msi_value(L"Software\\OpenWUA-MsiTestB", L"2.0.0.7")));
    assert_int_equal(RT, check_system(product(product_a)));
    uninstall_test_msi(product_a);
    assert_int_equal(RF, check_system(product(product_a)));
}

int main(void)
{
    const struct CMUnitTest tests[] =
    {
        cmocka_unit_test_setup(logical_rules_follow_three_valued_logic, reset_fake),
        cmocka_unit_test_setup(logical_rules_need_their_children, reset_fake),
        cmocka_unit_test_setup(logical_rules_stop_at_the_decisive_child, reset_fake),
        cmocka_unit_test_setup(deep_trees_evaluate, reset_fake),
        cmocka_unit_test_setup(unknown_rules_are_errors_logged_once_a_search, reset_fake),
        cmocka_unit_test_setup(windows_version_compares_the_version_tuple, reset_fake),
        cmocka_unit_test_setup(windows_version_product_type_and_suites, reset_fake),
        cmocka_unit_test_setup(windows_version_errors, reset_fake),
        cmocka_unit_test_setup(windows_language_matches_tags_and_ranges, reset_fake),
        cmocka_unit_test_setup(processor_compares_architecture_level_revision, reset_fake),
        cmocka_unit_test_setup(reg_key_exists_checks_the_key, reset_fake),
        cmocka_unit_test_setup(reg_value_exists, reset_fake),
        cmocka_unit_test_setup(reg_dword_compares_numbers, reset_fake),
        cmocka_unit_test_setup(reg_sz_compares_strings_ignoring_case, reset_fake),
        cmocka_unit_test_setup(reg_expand_sz_compares_the_expanded_string, reset_fake),
        cmocka_unit_test_setup(reg_sz_to_version_compares_versions, reset_fake),
        cmocka_unit_test_setup(file_exists_finds_files_and_checks_them, reset_fake),
        cmocka_unit_test_setup(file_rules_refuse_bad_paths, reset_fake),
        cmocka_unit_test_setup(file_exists_errors, reset_fake),
        cmocka_unit_test_setup(file_version_compares_the_version, reset_fake),
        cmocka_unit_test_setup(wmi_query_is_true_when_rows_come_back, reset_fake),
        cmocka_unit_test_setup(wmi_answers_are_cached_for_a_search, reset_fake),
        cmocka_unit_test_setup(msi_product_installed_checks_version_and_language, reset_fake),
        cmocka_unit_test_setup(msi_product_installed_errors, reset_fake),
        cmocka_unit_test_setup(system_registry, reset_fake),
        cmocka_unit_test_setup(system_registry_32bit_view, reset_fake),
        cmocka_unit_test_setup(system_files, reset_fake),
        cmocka_unit_test_setup(system_windows_version_and_processor, reset_fake),
        cmocka_unit_test_setup(system_language, reset_fake),
        cmocka_unit_test_setup(system_wmi, reset_fake),
        cmocka_unit_test_setup(system_wmi_in_any_apartment, reset_fake),
        cmocka_unit_test_setup(system_msi, reset_fake),
        cmocka_unit_test_setup_teardown(system_msi_installed_product, msi_setup, msi_teardown),
        cmocka_unit_test_setup_teardown(system_msi_two_products, msi_setup, msi_teardown),
    };
    return RUN_TESTS(tests);
}
