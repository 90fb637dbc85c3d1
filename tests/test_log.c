/*
 * OpenWUA tests: the operations log (%ProgramData%\OpenWUA\openwua.log) and
 * its LogLevel setting.  The level is read once per process, so each level
 * is tried in a child process of its own.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "common.h"
#include <shlobj.h>
#include <stdio.h>

static const WCHAR openwua_key[] = L"Software\\OpenWUA";

static void log_path(WCHAR *path)
{
    assert_hr(S_OK, SHGetFolderPathW(NULL, CSIDL_COMMON_APPDATA, NULL, SHGFP_TYPE_CURRENT, path));
    wcscat(path, L"\\OpenWUA\\openwua.log");
}

/* A catalog that is not there: AddScanPackageService fails, which logs at level 1 and up. */
static HRESULT add_missing_catalog(const WCHAR *name)
{
    IUpdateServiceManager *manager = create(&CLSID_UpdateServiceManager, &IID_IUpdateServiceManager);
    BSTR bname = SysAllocString(name), location = SysAllocString(L"C:\\openwua-log-test\\missing.xml");
    IUpdateService *service = NULL;
    HRESULT hr = IUpdateServiceManager_AddScanPackageService(manager, bname, location, 0, &service);

    SysFreeString(bname);
    SysFreeString(location);
    IUpdateServiceManager_Release(manager);
    return hr;
}

/* A search with nothing configured succeeds: logged at level 2 and up. */
static HRESULT search_nothing(const WCHAR *criteria)
{
    IUpdateSearcher *searcher = create(&CLSID_UpdateSearcher, &IID_IUpdateSearcher);
    BSTR text = SysAllocString(criteria);
    ISearchResult *result = NULL;
    HRESULT hr = IUpdateSearcher_Search(searcher, text, &result);

    if (result) ISearchResult_Release(result);
    SysFreeString(text);
    IUpdateSearcher_Release(searcher);
    return hr;
}

/* The child: one failing and one succeeding operation, each with a unique mark. */
static int child(const char *mark)
{
    WCHAR name[96], criteria[160];
    HRESULT hr;

    swprintf(name, ARRAYSIZE(name), L"fail-%hs", mark);
    swprintf(criteria, ARRAYSIZE(criteria), L"IsInstalled=0 and UpdateID!='%hs'", mark);
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    hr = add_missing_catalog(name);
    if (SUCCEEDED(hr)) return 1;
    if (FAILED(search_nothing(criteria))) return 2;
    CoUninitialize();
    return 0;
}

static void run_child_at(DWORD level, BOOL set, const char *mark)
{
    WCHAR args[64];

    DWORD code;

    if (set) reg_set_dword(openwua_key, L"LogLevel", level);
    else RegDeleteKeyValueW(HKEY_LOCAL_MACHINE, openwua_key, L"LogLevel");
    swprintf(args, ARRAYSIZE(args), L"--child %hs", mark);
    code = run_self(args);
    RegDeleteKeyValueW(HKEY_LOCAL_MACHINE, openwua_key, L"LogLevel");
    assert_int_equal(0, code);
}

/* Marks differ from run to run, so lines an earlier run left cannot pass a
 * test; they are GUIDs, so they can stand in search criteria. */
static void new_mark(char *mark)
{
    static unsigned int n;

    sprintf(mark, "%08lx-%04lx-4000-8000-%012x", GetCurrentProcessId(), GetTickCount() & 0xffff, n++);
}

/* Runs the child at a level; the lines it adds must be there or not as wanted. */
static void check_level(DWORD level, BOOL set, BOOL want_failure, BOOL want_search)
{
    WCHAR failure[96], search[96];
    LONGLONG start = log_end();
    char mark[40];

    new_mark(mark);
    run_child_at(level, set, mark);
    swprintf(failure, ARRAYSIZE(failure), L"AddScanPackageService \"fail-%hs\"", mark);
    swprintf(search, ARRAYSIZE(search), L"UpdateID!='%hs'", mark);
    assert_int_equal(want_failure, log_has(start, failure));
    assert_int_equal(want_search, log_has(start, search));
}

static void operations_are_logged_by_default(void **state)
{
    (void)state;
    check_level(0, FALSE, TRUE, TRUE);
}

static void level_1_logs_failures_only(void **state)
{
    (void)state;
    check_level(1, TRUE, TRUE, FALSE);
}

static void level_0_logs_nothing(void **state)
{
    (void)state;
    check_level(0, TRUE, FALSE, FALSE);
}

/* Each line: "YYYY-MM-DD hh:mm:ss.mmm pid.tid text" with the HRESULT in hex. */
static void lines_carry_time_process_and_result(void **state)
{
    WCHAR path[MAX_PATH];
    char line[4096], expect[64], mark[40];
    unsigned int y, mo, d, h, mi, s, ms;
    unsigned long pid, tid;
    BOOL found = FALSE;
    FILE *f;

    (void)state;
    new_mark(mark);
    run_child_at(0, FALSE, mark);
    sprintf(expect, "fail-%s\" ", mark);
    log_path(path);
    assert_non_null(f = _wfopen(path, L"rb"));
    while (!found && fgets(line, sizeof(line), f))
    {
        if (!strstr(line, expect)) continue;
        found = TRUE;
        assert_int_equal(9, sscanf(line, "%4u-%2u-%2u %2u:%2u:%2u.%3u %lu.%lu", &y, &mo, &d, &h, &mi, &s, &ms,
                                   &pid, &tid));
        assert_true(y >= 2024 && mo >= 1 && mo <= 12);
        assert_non_null(strstr(line, ": 0x8"));
        assert_non_null(strstr(line, "\r\n"));
    }
    fclose(f);
    assert_true(found);
}

int main(int argc, char **argv)
{
    static const struct CMUnitTest tests[] =
    {
        LEAK_CHECKED(operations_are_logged_by_default),
        LEAK_CHECKED(level_1_logs_failures_only),
        LEAK_CHECKED(level_0_logs_nothing),
        LEAK_CHECKED(lines_carry_time_process_and_result),
    };

    if (argc > 2 && !strcmp(argv[1], "--child")) return child(argv[2]);
    return RUN_TESTS(tests);
}
