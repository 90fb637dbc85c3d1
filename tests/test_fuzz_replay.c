/*
 * OpenWUA tests: the fuzzers' kept inputs (fuzz/corpus/<target>/, crashers
 * included) replayed against the real stack under Wine: Wine's XmlLite where
 * the fuzzers had libxml2, msvcrt's wide strings where they had shims.  Every
 * input must end in a documented outcome, as it did natively
 * (docs/reliability.md, "Fuzzing").
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <windows.h>
#include <cmocka.h>
#include "common.h"
#include "fuzz_target.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const WCHAR policy_key[] = L"Software\\OpenWUA";
static int policy = -1;

/* The real policy, in the registry, as fuzz_catalog.c asks for it. */
void fuzz_set_no_digest_policy(BOOL allow)
{
    DWORD one = 1;

    if (policy == !!allow) return;
    if (allow)
        assert_int_equal(ERROR_SUCCESS, RegSetKeyValueW(HKEY_LOCAL_MACHINE, policy_key, L"AllowContentWithoutDigest",
                                                        REG_DWORD, &one, sizeof(one)));
    else
        RegDeleteKeyValueW(HKEY_LOCAL_MACHINE, policy_key, L"AllowContentWithoutDigest");
    policy = !!allow;
}

static BYTE *read_whole(const WCHAR *path, DWORD *size)
{
    HANDLE file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    BYTE *data;

    assert_true(file != INVALID_HANDLE_VALUE);
    *size = GetFileSize(file, NULL);
    assert_true(*size < (64u << 20));
    assert_non_null(data = malloc(*size + 1));
    assert_true(ReadFile(file, data, *size, size, NULL));
    CloseHandle(file);
    return data;
}

/* Every file in the target's folder; the count of inputs run. */
static void replay(const WCHAR *target, HRESULT (*run)(const BYTE *, size_t))
{
    WCHAR folder[MAX_PATH], pattern[MAX_PATH], path[MAX_PATH];
    unsigned int total = 0, accepted = 0;
    WIN32_FIND_DATAW found;
    HANDLE find;

    assert_true(GetEnvironmentVariableW(L"OPENWUA_FUZZ_CORPUS", folder, ARRAY_SIZE(folder)));
    swprintf(pattern, ARRAY_SIZE(pattern), L"%ls\\%ls\\*", folder, target);
    assert_true((find = FindFirstFileW(pattern, &found)) != INVALID_HANDLE_VALUE);
    do
    {
        DWORD size;
        BYTE *data;
        HRESULT hr;

        if (found.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) continue;
        swprintf(path, ARRAY_SIZE(path), L"%ls\\%ls\\%ls", folder, target, found.cFileName);
        data = read_whole(path, &size);
        /* which input, should one never end */
        fprintf(stderr, "%ls\n", found.cFileName);
        hr = run(data, size);
        free(data);
        if (hr != S_OK && hr != S_FALSE) fail_msg("%ls: 0x%08lx", found.cFileName, (unsigned long)hr);
        total++;
        if (hr == S_OK) accepted++;
    } while (FindNextFileW(find, &found));
    FindClose(find);
    print_message("%ls: %u inputs, %u accepted, %u refused as documented\n", target, total, accepted,
                  total - accepted);
    /* a folder that lost its inputs would pass without testing anything */
    assert_true(total >= 10);
}

static void criteria_corpus(void **state)
{
    (void)state;
    replay(L"criteria", fuzz_criteria_one);
}

static void rules_corpus(void **state)
{
    (void)state;
    replay(L"rules", fuzz_rules_one);
}

static void catalog_corpus(void **state)
{
    (void)state;
    replay(L"catalog", fuzz_catalog_one);
    fuzz_set_no_digest_policy(FALSE);
}

int main(void)
{
    const struct CMUnitTest tests[] =
    {
        cmocka_unit_test(criteria_corpus),
        cmocka_unit_test(rules_corpus),
        cmocka_unit_test(catalog_corpus),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
