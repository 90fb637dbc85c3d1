/*
 * OpenWUA: DllRegisterServer and DllUnregisterServer.
 *
 * Registration writes, per implemented class, its CLSID key, both ProgIDs and
 * the type library; unregistering removes exactly those keys again.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include "private.h"
#include "classes.h"

static const WCHAR libid_string[] = L"{B596CC9F-56E5-419E-A622-E01BB457431E}";

static LSTATUS set_value(HKEY parent, const WCHAR *subkey, const WCHAR *name, const WCHAR *value)
{
    HKEY key;
    LSTATUS status = RegCreateKeyExW(parent, subkey, 0, NULL, 0, KEY_WRITE, NULL, &key, NULL);

    if (status) return status;
    status = RegSetValueExW(key, name, 0, REG_SZ, (const BYTE *)value,
                            (DWORD)((wcslen(value) + 1) * sizeof(WCHAR)));
    RegCloseKey(key);
    return status;
}

static LSTATUS register_progid(const WCHAR *progid, const struct wua_class *class,
                               const WCHAR *clsid, const WCHAR *current)
{
    HKEY key;
    LSTATUS status = RegCreateKeyExW(HKEY_CLASSES_ROOT, progid, 0, NULL, 0, KEY_WRITE, NULL, &key, NULL);

    if (status) return status;
    if (!(status = set_value(key, NULL, NULL, class->name))
        && !(status = set_value(key, L"CLSID", NULL, clsid))
        && current)
        status = set_value(key, L"CurVer", NULL, current);
    RegCloseKey(key);
    return status;
}

static LSTATUS register_clsid(const struct wua_class *class, const WCHAR *clsid,
                              const WCHAR *versioned, const WCHAR *path)
{
    WCHAR keyname[64];
    HKEY key;
    LSTATUS status;

    swprintf(keyname, ARRAY_SIZE(keyname), L"CLSID\\%ls", clsid);
    if ((status = RegCreateKeyExW(HKEY_CLASSES_ROOT, keyname, 0, NULL, 0, KEY_WRITE, NULL, &key, NULL)))
        return status;
    if (!(status = set_value(key, NULL, NULL, class->name))
        && !(status = set_value(key, L"InprocServer32", NULL, path))
        && !(status = set_value(key, L"InprocServer32", L"ThreadingModel", L"Both"))
        && !(status = set_value(key, L"ProgID", NULL, versioned))
        && !(status = set_value(key, L"VersionIndependentProgID", NULL, class->progid))
        && !(status = set_value(key, L"TypeLib", NULL, libid_string))
        && !(status = set_value(key, L"Version", NULL, L"2.0")))
        status = set_value(key, L"Programmable", NULL, L"");
    RegCloseKey(key);
    return status;
}

static HRESULT register_class(const struct wua_class *class, const WCHAR *path)
{
    WCHAR clsid[40], versioned[128];
    LSTATUS status;

    StringFromGUID2(class->clsid, clsid, ARRAY_SIZE(clsid));
    swprintf(versioned, ARRAY_SIZE(versioned), L"%ls.1", class->progid);
    if (!(status = register_clsid(class, clsid, versioned, path))
        && !(status = register_progid(versioned, class, clsid, NULL)))
        status = register_progid(class->progid, class, clsid, versioned);
    return HRESULT_FROM_WIN32(status);
}

static void unregister_class(const struct wua_class *class)
{
    WCHAR clsid[40], keyname[128];

    StringFromGUID2(class->clsid, clsid, ARRAY_SIZE(clsid));
    swprintf(keyname, ARRAY_SIZE(keyname), L"CLSID\\%ls", clsid);
    RegDeleteTreeW(HKEY_CLASSES_ROOT, keyname);
    swprintf(keyname, ARRAY_SIZE(keyname), L"%ls.1", class->progid);
    RegDeleteTreeW(HKEY_CLASSES_ROOT, keyname);
    RegDeleteTreeW(HKEY_CLASSES_ROOT, class->progid);
}

static HRESULT register_typelib(WCHAR *path)
{
    ITypeLib *typelib;
    HRESULT hr = dispatch_load_typelib(&typelib);

    if (FAILED(hr)) return hr;
    /* Registering the type library also registers its oleautomation interfaces
     * with the typelib marshaller, so proxies work across apartments. */
    hr = RegisterTypeLib(typelib, path, NULL);
    ITypeLib_Release(typelib);
    return hr;
}

static HRESULT unregister_typelib(void)
{
    ITypeLib *typelib;
    TLIBATTR *attr;
    BSTR path;
    HRESULT hr = dispatch_load_typelib(&typelib);

    if (FAILED(hr)) return hr;
    if (SUCCEEDED(hr = ITypeLib_GetLibAttr(typelib, &attr)))
    {
        /* Already unregistered is not an error: unregistering twice is harmless. */
        if (SUCCEEDED(QueryPathOfRegTypeLib(&attr->guid, attr->wMajorVerNum, attr->wMinorVerNum, attr->lcid, &path)))
        {
            SysFreeString(path);
            hr = UnRegisterTypeLib(&attr->guid, attr->wMajorVerNum, attr->wMinorVerNum, attr->lcid, attr->syskind);
        }
        ITypeLib_ReleaseTLibAttr(typelib, attr);
    }
    ITypeLib_Release(typelib);
    return hr;
}

/* Registration starts from a clean slate: whatever another wuapi.dll (Wine's
 * builtin) left under these keys goes, so the result is always the same. */
HRESULT WINAPI DllRegisterServer(void)
{
    WCHAR path[MAX_PATH];
    HRESULT hr;
    size_t i;

    if (!GetModuleFileNameW(wuapi_instance, path, ARRAY_SIZE(path))) return HRESULT_FROM_WIN32(GetLastError());
    for (i = 0; i < ARRAY_SIZE(wua_classes); i++)
    {
        unregister_class(&wua_classes[i]);
        if (FAILED(hr = register_class(&wua_classes[i], path))) return hr;
    }
    if (FAILED(hr = unregister_typelib())) return hr;
    return register_typelib(path);
}

HRESULT WINAPI DllUnregisterServer(void)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(wua_classes); i++) unregister_class(&wua_classes[i]);
    return unregister_typelib();
}
