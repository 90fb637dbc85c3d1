/*
 * OpenWUA: SystemInformation and WindowsUpdateAgentInfo.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include "private.h"

/* --- SystemInformation --- */

struct system_info
{
    ISystemInformation ISystemInformation_iface;
    LONG refs;
};

static struct dispatch_type system_info_type = DISPATCH_TYPE(IID_ISystemInformation);

static inline struct system_info *impl_from_ISystemInformation(ISystemInformation *iface)
{
    return CONTAINING_RECORD(iface, struct system_info, ISystemInformation_iface);
}

static HRESULT WINAPI system_info_QueryInterface(ISystemInformation *iface, REFIID riid, void **obj)
{
    if (!obj) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch)
        || IsEqualIID(riid, &IID_ISystemInformation))
    {
        *obj = iface;
        ISystemInformation_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI system_info_AddRef(ISystemInformation *iface)
{
    return InterlockedIncrement(&impl_from_ISystemInformation(iface)->refs);
}

static ULONG WINAPI system_info_Release(ISystemInformation *iface)
{
    struct system_info *This = impl_from_ISystemInformation(iface);
    ULONG refs = InterlockedDecrement(&This->refs);

    if (!refs)
    {
        free(This);
        object_destroyed();
    }
    return refs;
}

DEFINE_IDISPATCH(system_info, ISystemInformation, system_info_type)

/* The OEM's support link, where Windows keeps it; empty when the OEM left none. */
static HRESULT WINAPI system_info_get_OemHardwareSupportLink(ISystemInformation *iface, BSTR *out)
{
    WCHAR *link;
    HRESULT hr;

    (void)iface;
    if (!out) return E_POINTER;
    if (FAILED(state_get_string(L"Software\\Microsoft\\Windows\\CurrentVersion\\OEMInformation", L"SupportURL", &link)))
        return return_bstr(L"", out);
    hr = return_bstr(link, out);
    free(link);
    return hr;
}

static HRESULT WINAPI system_info_get_RebootRequired(ISystemInformation *iface, VARIANT_BOOL *out)
{
    (void)iface;
    return return_bool(state_reboot_required(), out);
}

static const ISystemInformationVtbl system_info_vtbl =
{
    system_info_QueryInterface,
    system_info_AddRef,
    system_info_Release,
    system_info_GetTypeInfoCount,
    system_info_GetTypeInfo,
    system_info_GetIDsOfNames,
    system_info_Invoke,
    system_info_get_OemHardwareSupportLink,
    system_info_get_RebootRequired,
};

HRESULT system_info_create(REFIID riid, void **obj)
{
    struct system_info *This;
    HRESULT hr;

    if (!(This = calloc(1, sizeof(*This)))) return E_OUTOFMEMORY;
    This->ISystemInformation_iface.lpVtbl = &system_info_vtbl;
    This->refs = 1;
    object_created();
    hr = ISystemInformation_QueryInterface(&This->ISystemInformation_iface, riid, obj);
    ISystemInformation_Release(&This->ISystemInformation_iface);
    return hr;
}

/* --- WindowsUpdateAgentInfo --- */

struct agent_info
{
    IWindowsUpdateAgentInfo IWindowsUpdateAgentInfo_iface;
    LONG refs;
};

static struct dispatch_type agent_info_type = DISPATCH_TYPE(IID_IWindowsUpdateAgentInfo);

static inline struct agent_info *impl_from_IWindowsUpdateAgentInfo(IWindowsUpdateAgentInfo *iface)
{
    return CONTAINING_RECORD(iface, struct agent_info, IWindowsUpdateAgentInfo_iface);
}

static HRESULT WINAPI agent_info_QueryInterface(IWindowsUpdateAgentInfo *iface, REFIID riid, void **obj)
{
    if (!obj) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch)
        || IsEqualIID(riid, &IID_IWindowsUpdateAgentInfo))
    {
        *obj = iface;
        IWindowsUpdateAgentInfo_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI agent_info_AddRef(IWindowsUpdateAgentInfo *iface)
{
    return InterlockedIncrement(&impl_from_IWindowsUpdateAgentInfo(iface)->refs);
}

static ULONG WINAPI agent_info_Release(IWindowsUpdateAgentInfo *iface)
{
    struct agent_info *This = impl_from_IWindowsUpdateAgentInfo(iface);
    ULONG refs = InterlockedDecrement(&This->refs);

    if (!refs)
    {
        free(This);
        object_destroyed();
    }
    return refs;
}

DEFINE_IDISPATCH(agent_info, IWindowsUpdateAgentInfo, agent_info_type)

/* "major.minor.build.revision" of this DLL's own version resource. */
static HRESULT product_version(VARIANT *out)
{
    HRSRC res = FindResourceW(wuapi_instance, MAKEINTRESOURCEW(VS_VERSION_INFO), (const WCHAR *)RT_VERSION);
    const BYTE *data = res ? LockResource(LoadResource(wuapi_instance, res)) : NULL;
    VS_FIXEDFILEINFO *info;
    WCHAR text[48];
    UINT size;
    BYTE copy[1024];

    if (!data || SizeofResource(wuapi_instance, res) > sizeof(copy)) return E_UNEXPECTED;
    /* VerQueryValue wants a writable copy. */
    memcpy(copy, data, SizeofResource(wuapi_instance, res));
    if (!VerQueryValueW(copy, L"\\", (void **)&info, &size) || size < sizeof(*info)) return E_UNEXPECTED;
    swprintf(text, ARRAY_SIZE(text), L"%u.%u.%u.%u", HIWORD(info->dwFileVersionMS), LOWORD(info->dwFileVersionMS),
             HIWORD(info->dwFileVersionLS), LOWORD(info->dwFileVersionLS));
    V_VT(out) = VT_BSTR;
    return (V_BSTR(out) = SysAllocString(text)) ? S_OK : E_OUTOFMEMORY;
}

static HRESULT WINAPI agent_info_GetInfo(IWindowsUpdateAgentInfo *iface, VARIANT id, VARIANT *out)
{
    VARIANT name;
    HRESULT hr;

    (void)iface;
    if (!out) return E_POINTER;
    VariantInit(out);
    VariantInit(&name);
    /* Scripts pass variables by reference. */
    if (FAILED(VariantCopyInd(&name, &id)) || V_VT(&name) != VT_BSTR || !V_BSTR(&name)) hr = E_INVALIDARG;
    else if (!_wcsicmp(V_BSTR(&name), L"ApiMajorVersion"))
    {
        V_VT(out) = VT_I4;
        V_I4(out) = 8;
        hr = S_OK;
    }
    else if (!_wcsicmp(V_BSTR(&name), L"ApiMinorVersion"))
    {
        V_VT(out) = VT_I4;
        V_I4(out) = 0;
        hr = S_OK;
    }
    else if (!_wcsicmp(V_BSTR(&name), L"ProductVersionString")) hr = product_version(out);
    else hr = E_INVALIDARG;
    VariantClear(&name);
    return hr;
}

static const IWindowsUpdateAgentInfoVtbl agent_info_vtbl =
{
    agent_info_QueryInterface,
    agent_info_AddRef,
    agent_info_Release,
    agent_info_GetTypeInfoCount,
    agent_info_GetTypeInfo,
    agent_info_GetIDsOfNames,
    agent_info_Invoke,
    agent_info_GetInfo,
};

HRESULT agent_info_create(REFIID riid, void **obj)
{
    struct agent_info *This;
    HRESULT hr;

    if (!(This = calloc(1, sizeof(*This)))) return E_OUTOFMEMORY;
    This->IWindowsUpdateAgentInfo_iface.lpVtbl = &agent_info_vtbl;
    This->refs = 1;
    object_created();
    hr = IWindowsUpdateAgentInfo_QueryInterface(&This->IWindowsUpdateAgentInfo_iface, riid, obj);
    IWindowsUpdateAgentInfo_Release(&This->IWindowsUpdateAgentInfo_iface);
    return hr;
}
