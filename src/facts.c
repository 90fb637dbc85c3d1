/*
 * OpenWUA: the machine as the applicability rules see it, answered by Win32.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <windows.h>
#include <ole2.h>
#include <shlobj.h>
#include <wbemcli.h>
#include <msi.h>
#include "rules.h"

/* WMI calls that never answer must not hang a search. */
#define WMI_TIMEOUT_MS 60000

static BOOL system_os_version(void *ctx, OSVERSIONINFOEXW *info)
{
    LONG (WINAPI *get_version)(OSVERSIONINFOEXW *);
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");

    (void)ctx;
    /* GetVersionEx answers what the process manifest claims to support. */
    if (!ntdll || !(get_version = (void *)GetProcAddress(ntdll, "RtlGetVersion"))) return FALSE;
    memset(info, 0, sizeof(*info));
    info->dwOSVersionInfoSize = sizeof(*info);
    return !get_version(info);
}

static void system_processor(void *ctx, WORD *architecture, WORD *level, WORD *revision)
{
    SYSTEM_INFO info;

    (void)ctx;
    /* The machine's, not the one a 32-bit process on 64-bit Windows is shown. */
    GetNativeSystemInfo(&info);
    *architecture = info.wProcessorArchitecture;
    *level = info.wProcessorLevel;
    *revision = info.wProcessorRevision;
}

static LANGID system_language(void *ctx)
{
    (void)ctx;
    return GetSystemDefaultUILanguage();
}

static LSTATUS system_reg_query(void *ctx, BOOL wow32, const WCHAR *subkey, const WCHAR *value,
                                DWORD *type, BYTE *data, DWORD *size)
{
    REGSAM view = wow32 ? KEY_WOW64_32KEY : KEY_WOW64_64KEY;
    LSTATUS status;
    HKEY key;

    (void)ctx;
    if ((status = RegOpenKeyExW(HKEY_LOCAL_MACHINE, subkey, 0, KEY_QUERY_VALUE | view, &key))) return status;
    if (value) status = RegQueryValueExW(key, value, NULL, type, data, size);
    RegCloseKey(key);
    return status;
}

static BOOL system_folder_path(void *ctx, int csidl, WCHAR *path, DWORD size)
{
    WCHAR folder[MAX_PATH];

    (void)ctx;
    /* S_FALSE: a known folder that does not exist here; nothing is in it either way. */
    if (SHGetFolderPathW(NULL, csidl, NULL, SHGFP_TYPE_CURRENT, folder) != S_OK) return FALSE;
    if (wcslen(folder) >= size) return FALSE;
    wcscpy(path, folder);
    return TRUE;
}

static void read_file_version(const WCHAR *path, struct rule_file_info *info)
{
    VS_FIXEDFILEINFO *fixed;
    DWORD size, handle;
    UINT length;
    void *block;

    if (!(size = GetFileVersionInfoSizeW(path, &handle)) || !(block = malloc(size))) return;
    if (GetFileVersionInfoW(path, 0, size, block) && VerQueryValueW(block, L"\\", (void **)&fixed, &length)
            && length >= sizeof(*fixed) && fixed->dwSignature == VS_FFI_SIGNATURE)
    {
        info->has_version = TRUE;
        info->version = (ULONGLONG)fixed->dwFileVersionMS << 32 | fixed->dwFileVersionLS;
    }
    free(block);
}

static DWORD system_file_info(void *ctx, const WCHAR *path, struct rule_file_info *info)
{
    WIN32_FILE_ATTRIBUTE_DATA data;

    (void)ctx;
    memset(info, 0, sizeof(*info));
    if (!GetFileAttributesExW(path, GetFileExInfoStandard, &data)) return GetLastError();
    info->directory = !!(data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY);
    if (info->directory) return ERROR_SUCCESS;
    info->size = (ULONGLONG)data.nFileSizeHigh << 32 | data.nFileSizeLow;
    read_file_version(path, info);
    return ERROR_SUCCESS;
}

static HRESULT run_query(IWbemLocator *locator, const WCHAR *namespace_path, const WCHAR *query, BOOL *has_rows)
{
    BSTR namespace_bstr = SysAllocString(namespace_path), language = SysAllocString(L"WQL");
    BSTR query_bstr = SysAllocString(query);
    IEnumWbemClassObject *rows = NULL;
    IWbemServices *services = NULL;
    IWbemClassObject *row = NULL;
    ULONG count = 0;
    HRESULT hr;

    if (!namespace_bstr || !language || !query_bstr) hr = E_OUTOFMEMORY;
    else hr = IWbemLocator_ConnectServer(locator, namespace_bstr, NULL, NULL, NULL, 0, NULL, NULL, &services);
    if (SUCCEEDED(hr))
    {
        /* Needed when WMI is out of process (Windows); harmless when it is not (Wine). */
        CoSetProxyBlanket((IUnknown *)services, RPC_C_AUTHN_WINNT, RPC_C_AUTHZ_NONE, NULL, RPC_C_AUTHN_LEVEL_CALL,
                          RPC_C_IMP_LEVEL_IMPERSONATE, NULL, EOAC_NONE);
        hr = IWbemServices_ExecQuery(services, language, query_bstr,
                                     WBEM_FLAG_FORWARD_ONLY | WBEM_FLAG_RETURN_IMMEDIATELY, NULL, &rows);
    }
    if (SUCCEEDED(hr))
    {
        /* One row answers the question. */
        hr = IEnumWbemClassObject_Next(rows, WMI_TIMEOUT_MS, 1, &row, &count);
        if (hr == WBEM_S_TIMEDOUT) hr = HRESULT_FROM_WIN32(ERROR_TIMEOUT);
        else if (SUCCEEDED(hr)) hr = S_OK;
        *has_rows = SUCCEEDED(hr) && count == 1;
    }
    if (row) IWbemClassObject_Release(row);
    if (rows) IEnumWbemClassObject_Release(rows);
    if (services) IWbemServices_Release(services);
    SysFreeString(namespace_bstr);
    SysFreeString(language);
    SysFreeString(query_bstr);
    return hr;
}

static HRESULT system_wmi_has_rows(void *ctx, const WCHAR *namespace_path, const WCHAR *query, BOOL *has_rows)
{
    IWbemLocator *locator;
    HRESULT init, hr;

    (void)ctx;
    *has_rows = FALSE;
    /* Use the thread's apartment whatever it is; only a thread without one gets (and loses) the MTA. */
    init = CoInitializeEx(NULL, COINIT_MULTITHREADED);
    if (FAILED(init) && init != RPC_E_CHANGED_MODE) return init;
    hr = CoCreateInstance(&CLSID_WbemLocator, NULL, CLSCTX_INPROC_SERVER, &IID_IWbemLocator, (void **)&locator);
    if (SUCCEEDED(hr))
    {
        hr = run_query(locator, namespace_path, query, has_rows);
        IWbemLocator_Release(locator);
    }
    if (SUCCEEDED(init)) CoUninitialize();
    return hr;
}

static UINT system_msi_product(void *ctx, const WCHAR *product_code, DWORD *version, LANGID *language)
{
    WCHAR buffer[32], *end;
    DWORD length = ARRAYSIZE(buffer);
    INSTALLSTATE state;
    UINT error;

    (void)ctx;
    *version = 0;
    *language = 0;
    state = MsiQueryProductStateW(product_code);
    if (state == INSTALLSTATE_INVALIDARG) return ERROR_INVALID_PARAMETER;
    /* Advertised or absent is not installed. */
    if (state != INSTALLSTATE_DEFAULT) return ERROR_UNKNOWN_PRODUCT;

    if ((error = MsiGetProductInfoW(product_code, INSTALLPROPERTY_VERSION, buffer, &length))) return error;
    *version = wcstoul(buffer, &end, 10);
    if (!buffer[0] || *end) return ERROR_BAD_FORMAT;

    /* A product without a language is language-neutral: 0. */
    length = ARRAYSIZE(buffer);
    if (!MsiGetProductInfoW(product_code, INSTALLPROPERTY_LANGUAGE, buffer, &length))
        *language = (LANGID)wcstoul(buffer, NULL, 10);
    return ERROR_SUCCESS;
}

static const struct rule_facts system_facts =
{
    NULL,
    system_os_version,
    system_processor,
    system_language,
    system_reg_query,
    system_folder_path,
    system_file_info,
    system_wmi_has_rows,
    system_msi_product,
};

const struct rule_facts *rule_system_facts(void)
{
    return &system_facts;
}
