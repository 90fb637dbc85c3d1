/*
 * OpenWUA tests: shared helpers for the CMocka test programs.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "common.h"
#include <shlobj.h>

HMODULE wuapi_module(void)
{
    return GetModuleHandleW(L"wuapi.dll");
}

HRESULT can_unload_now(void)
{
    HRESULT (WINAPI *can_unload)(void);
    HMODULE module = wuapi_module();

    if (!module) return S_OK;   /* nothing was ever loaded, or COM unloaded it with its last apartment */
    can_unload = (void *)GetProcAddress(module, "DllCanUnloadNow");
    return can_unload ? can_unload() : E_FAIL;
}

BOOL wait_unloadable(DWORD timeout_ms)
{
    DWORD start = GetTickCount();

    while (can_unload_now() != S_OK)
    {
        if (GetTickCount() - start >= timeout_ms) return FALSE;
        Sleep(10);
    }
    return TRUE;
}

void pump_messages(DWORD timeout_ms)
{
    MSG msg;

    MsgWaitForMultipleObjects(0, NULL, FALSE, timeout_ms, QS_ALLINPUT);
    while (PeekMessageW(&msg, NULL, 0, 0, PM_REMOVE)) DispatchMessageW(&msg);
}

int leak_check(void **state)
{
    (void)state;
    assert_hr(S_OK, can_unload_now());
    return 0;
}

int run_tests_mta(const char *name, const struct CMUnitTest *tests, size_t count)
{
    int failed;

    if (FAILED(CoInitializeEx(NULL, COINIT_MULTITHREADED))) return 1;
    failed = _cmocka_run_group_tests(name, tests, count, NULL, NULL);
    CoUninitialize();
    return failed;
}

void *create(REFCLSID clsid, REFIID iid)
{
    void *obj = NULL;

    assert_hr(S_OK, CoCreateInstance(clsid, NULL, CLSCTX_INPROC_SERVER, iid, &obj));
    assert_non_null(obj);
    return obj;
}

HRESULT invoke(IDispatch *disp, const WCHAR *name, WORD flags, VARIANT *result, EXCEPINFO *excep,
               UINT argc, const VARIANT *args)
{
    DISPID id, put_id = DISPID_PROPERTYPUT;
    DISPPARAMS params = { NULL, NULL, argc, 0 };
    VARIANT reversed[8];
    EXCEPINFO local;
    HRESULT hr;
    UINT i;

    assert_true(argc <= 8);
    hr = IDispatch_GetIDsOfNames(disp, &IID_NULL, (LPOLESTR *)&name, 1, LOCALE_USER_DEFAULT, &id);
    if (FAILED(hr)) return hr;
    /* DISPPARAMS holds the arguments last first. */
    for (i = 0; i < argc; i++) reversed[argc - 1 - i] = args[i];
    params.rgvarg = argc ? reversed : NULL;
    if (flags & (DISPATCH_PROPERTYPUT | DISPATCH_PROPERTYPUTREF))
    {
        params.rgdispidNamedArgs = &put_id;
        params.cNamedArgs = 1;
    }
    if (!excep) excep = &local;
    memset(excep, 0, sizeof(*excep));
    if (result) VariantInit(result);
    hr = IDispatch_Invoke(disp, id, &IID_NULL, LOCALE_USER_DEFAULT, flags, &params, result, excep, NULL);
    if (excep == &local)
    {
        SysFreeString(local.bstrSource);
        SysFreeString(local.bstrDescription);
        SysFreeString(local.bstrHelpFile);
    }
    return hr;
}

HRESULT get_property(IDispatch *disp, const WCHAR *name, VARIANT *result)
{
    return invoke(disp, name, DISPATCH_PROPERTYGET, result, NULL, 0, NULL);
}

HRESULT put_property(IDispatch *disp, const WCHAR *name, const VARIANT *value)
{
    return invoke(disp, name, DISPATCH_PROPERTYPUT, NULL, NULL, 1, value);
}

VARIANT var_i4(LONG value)
{
    VARIANT v;

    V_VT(&v) = VT_I4;
    V_I4(&v) = value;
    return v;
}

VARIANT var_bool(BOOL value)
{
    VARIANT v;

    V_VT(&v) = VT_BOOL;
    V_BOOL(&v) = value ? VARIANT_TRUE : VARIANT_FALSE;
    return v;
}

VARIANT var_bstr(const WCHAR *value)
{
    VARIANT v;

    V_VT(&v) = VT_BSTR;
    V_BSTR(&v) = SysAllocString(value);
    return v;
}

VARIANT var_disp(IDispatch *value)
{
    VARIANT v;

    V_VT(&v) = VT_DISPATCH;
    V_DISPATCH(&v) = value;
    return v;
}

void reg_delete_tree(const WCHAR *key)
{
    RegDeleteTreeW(HKEY_LOCAL_MACHINE, key);
}

void reg_set_dword(const WCHAR *key, const WCHAR *name, DWORD value)
{
    assert_int_equal(0, RegSetKeyValueW(HKEY_LOCAL_MACHINE, key, name, REG_DWORD, &value, sizeof(value)));
}

BOOL reg_get_dword(const WCHAR *key, const WCHAR *name, DWORD *value)
{
    DWORD size = sizeof(*value);

    return !RegGetValueW(HKEY_LOCAL_MACHINE, key, name, RRF_RT_REG_DWORD, NULL, value, &size);
}

BOOL reg_key_exists(HKEY root, const WCHAR *key)
{
    HKEY handle;

    if (RegOpenKeyExW(root, key, 0, KEY_READ, &handle)) return FALSE;
    RegCloseKey(handle);
    return TRUE;
}

DWORD run_process(const WCHAR *cmdline)
{
    WCHAR buffer[2 * MAX_PATH];
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    DWORD code = 0xdead;

    memset(&si, 0, sizeof(si));
    si.cb = sizeof(si);
    wcsncpy(buffer, cmdline, ARRAYSIZE(buffer) - 1);   /* CreateProcessW may write to it */
    buffer[ARRAYSIZE(buffer) - 1] = 0;
    assert_true(CreateProcessW(NULL, buffer, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
    assert_int_equal(WAIT_OBJECT_0, WaitForSingleObject(pi.hProcess, 60000));
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    return code;
}

DWORD run_self(const WCHAR *args)
{
    WCHAR path[MAX_PATH], cmdline[2 * MAX_PATH];

    GetModuleFileNameW(NULL, path, MAX_PATH);
    swprintf(cmdline, ARRAYSIZE(cmdline), L"\"%ls\" %ls", path, args);
    return run_process(cmdline);
}

static void openwua_data_path(WCHAR *path, const WCHAR *name)
{
    WCHAR base[MAX_PATH];

    assert_hr(S_OK, SHGetFolderPathW(NULL, CSIDL_COMMON_APPDATA, NULL, SHGFP_TYPE_CURRENT, base));
    swprintf(path, MAX_PATH, L"%ls\\OpenWUA\\%ls", base, name);
}

void history_folder(WCHAR *path)
{
    openwua_data_path(path, L"History");
}

void history_mark(WCHAR *mark)
{
    WCHAR folder[MAX_PATH], pattern[MAX_PATH];
    WIN32_FIND_DATAW data;
    HANDLE find;

    mark[0] = 0;
    history_folder(folder);
    swprintf(pattern, MAX_PATH, L"%ls\\*.wuh", folder);
    if ((find = FindFirstFileW(pattern, &data)) == INVALID_HANDLE_VALUE) return;
    do if (wcscmp(data.cFileName, mark) > 0) wcscpy(mark, data.cFileName);
    while (FindNextFileW(find, &data));
    FindClose(find);
}

void history_trim(const WCHAR *mark)
{
    WCHAR folder[MAX_PATH], path[MAX_PATH];
    WIN32_FIND_DATAW data;
    HANDLE find;

    history_folder(folder);
    swprintf(path, MAX_PATH, L"%ls\\*.wuh", folder);
    if ((find = FindFirstFileW(path, &data)) == INVALID_HANDLE_VALUE) return;
    do
    {
        if (wcscmp(data.cFileName, mark) <= 0) continue;
        swprintf(path, MAX_PATH, L"%ls\\%ls", folder, data.cFileName);
        DeleteFileW(path);
    } while (FindNextFileW(find, &data));
    FindClose(find);
}

LONGLONG log_end(void)
{
    WIN32_FILE_ATTRIBUTE_DATA data;
    WCHAR path[MAX_PATH];

    openwua_data_path(path, L"openwua.log");
    if (!GetFileAttributesExW(path, GetFileExInfoStandard, &data)) return 0;
    return ((LONGLONG)data.nFileSizeHigh << 32) | data.nFileSizeLow;
}

BOOL log_has(LONGLONG offset, const WCHAR *text)
{
    WCHAR path[MAX_PATH];
    char line[4096], narrow[1024];
    BOOL found = FALSE;
    FILE *f;

    openwua_data_path(path, L"openwua.log");
    WideCharToMultiByte(CP_UTF8, 0, text, -1, narrow, sizeof(narrow), NULL, NULL);
    if (!(f = _wfopen(path, L"rb"))) return FALSE;
    /* shorter than before: moved aside at 8 MiB since, so all of it is new */
    _fseeki64(f, 0, SEEK_END);
    if (_ftelli64(f) < offset) offset = 0;
    _fseeki64(f, offset, SEEK_SET);
    while (!found && fgets(line, sizeof(line), f)) found = strstr(line, narrow) != NULL;
    fclose(f);
    return found;
}

BSTR add_scan_service(const WCHAR *name, const WCHAR *path)
{
    IUpdateServiceManager *manager = create(&CLSID_UpdateServiceManager, &IID_IUpdateServiceManager);
    BSTR name_bstr = SysAllocString(name), location = SysAllocString(path), id = NULL;
    IUpdateService *service = NULL;

    assert_hr(S_OK, IUpdateServiceManager_AddScanPackageService(manager, name_bstr, location, 0, &service));
    assert_hr(S_OK, IUpdateService_get_ServiceID(service, &id));
    IUpdateService_Release(service);
    IUpdateServiceManager_Release(manager);
    SysFreeString(name_bstr);
    SysFreeString(location);
    return id;
}

IUpdateSearcher *service_searcher(IUpdateSession *session, const WCHAR *service_id)
{
    IUpdateSearcher *searcher = NULL;
    BSTR id = SysAllocString(service_id);

    if (session) assert_hr(S_OK, IUpdateSession_CreateUpdateSearcher(session, &searcher));
    else searcher = create(&CLSID_UpdateSearcher, &IID_IUpdateSearcher);
    assert_hr(S_OK, IUpdateSearcher_put_ServerSelection(searcher, ssOthers));
    assert_hr(S_OK, IUpdateSearcher_put_ServiceID(searcher, id));
    SysFreeString(id);
    return searcher;
}

IUpdateCollection *search_service_updates(const WCHAR *service_id, const WCHAR *criteria)
{
    IUpdateSearcher *searcher = service_searcher(NULL, service_id);
    BSTR text = SysAllocString(criteria);
    IUpdateCollection *updates = NULL;
    ISearchResult *result = NULL;

    assert_hr(S_OK, IUpdateSearcher_Search(searcher, text, &result));
    assert_hr(S_OK, ISearchResult_get_Updates(result, &updates));
    ISearchResult_Release(result);
    IUpdateSearcher_Release(searcher);
    SysFreeString(text);
    return updates;
}
