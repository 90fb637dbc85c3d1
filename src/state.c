/*
 * OpenWUA: persistent machine state in the registry.  No COM in here.
 *
 * OpenWUA's own state lives under HKLM\Software\OpenWUA.  Where Windows keeps a
 * documented value that real clients read (Automatic Updates settings, the
 * RebootRequired flag), OpenWUA keeps that same value, so both views agree.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "private.h"

const WCHAR state_key_openwua[] = L"Software\\OpenWUA";
const WCHAR state_key_au[] = L"Software\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update";
const WCHAR state_key_au_policy[] = L"Software\\Policies\\Microsoft\\Windows\\WindowsUpdate\\AU";
static const WCHAR reboot_key[] =
    L"Software\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired";

HRESULT state_get_dword(const WCHAR *subkey, const WCHAR *name, DWORD *value)
{
    DWORD size = sizeof(*value);
    LSTATUS status = RegGetValueW(HKEY_LOCAL_MACHINE, subkey, name, RRF_RT_REG_DWORD, NULL, value, &size);

    return HRESULT_FROM_WIN32(status);
}

HRESULT state_set_dword(const WCHAR *subkey, const WCHAR *name, DWORD value)
{
    LSTATUS status = RegSetKeyValueW(HKEY_LOCAL_MACHINE, subkey, name, REG_DWORD, &value, sizeof(value));

    return HRESULT_FROM_WIN32(status);
}

/* The caller frees *value with free(). */
HRESULT state_get_string(const WCHAR *subkey, const WCHAR *name, WCHAR **value)
{
    DWORD size = 0;
    LSTATUS status;

    *value = NULL;
    status = RegGetValueW(HKEY_LOCAL_MACHINE, subkey, name, RRF_RT_REG_SZ, NULL, NULL, &size);
    if (status) return HRESULT_FROM_WIN32(status);
    if (!(*value = malloc(size))) return E_OUTOFMEMORY;
    status = RegGetValueW(HKEY_LOCAL_MACHINE, subkey, name, RRF_RT_REG_SZ, NULL, *value, &size);
    if (status)
    {
        free(*value);
        *value = NULL;
    }
    return HRESULT_FROM_WIN32(status);
}

/* Dates are stored as UTC FILETIMEs in a REG_QWORD. */
HRESULT state_get_date(const WCHAR *subkey, const WCHAR *name, DATE *value)
{
    ULONGLONG stamp;
    DWORD size = sizeof(stamp);
    FILETIME ft;
    SYSTEMTIME st;
    LSTATUS status = RegGetValueW(HKEY_LOCAL_MACHINE, subkey, name, RRF_RT_REG_QWORD, NULL, &stamp, &size);

    if (status) return HRESULT_FROM_WIN32(status);
    ft.dwLowDateTime = (DWORD)stamp;
    ft.dwHighDateTime = (DWORD)(stamp >> 32);
    if (!FileTimeToSystemTime(&ft, &st) || !SystemTimeToVariantTime(&st, value)) return E_UNEXPECTED;
    return S_OK;
}

HRESULT state_set_date(const WCHAR *subkey, const WCHAR *name, DATE value)
{
    SYSTEMTIME st;
    FILETIME ft;
    ULONGLONG stamp;
    LSTATUS status;

    if (!VariantTimeToSystemTime(value, &st) || !SystemTimeToFileTime(&st, &ft)) return E_INVALIDARG;
    stamp = ((ULONGLONG)ft.dwHighDateTime << 32) | ft.dwLowDateTime;
    status = RegSetKeyValueW(HKEY_LOCAL_MACHINE, subkey, name, REG_QWORD, &stamp, sizeof(stamp));
    return HRESULT_FROM_WIN32(status);
}

/* Windows marks a pending reboot by the presence of the "Auto Update\RebootRequired" key. */
BOOL state_reboot_required(void)
{
    HKEY key;

    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, reboot_key, 0, KEY_READ, &key)) return FALSE;
    RegCloseKey(key);
    return TRUE;
}

HRESULT state_set_string(const WCHAR *subkey, const WCHAR *name, const WCHAR *value)
{
    /* HRESULT_FROM_WIN32 is a macro that evaluates its argument twice: call first. */
    LSTATUS status = RegSetKeyValueW(HKEY_LOCAL_MACHINE, subkey, name, REG_SZ, value,
                                     (DWORD)((wcslen(value) + 1) * sizeof(WCHAR)));

    return HRESULT_FROM_WIN32(status);
}

HRESULT state_delete_key(const WCHAR *subkey)
{
    LSTATUS status = RegDeleteTreeW(HKEY_LOCAL_MACHINE, subkey);

    return HRESULT_FROM_WIN32(status);
}
