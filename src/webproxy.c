/*
 * OpenWUA: WebProxy, the proxy settings a session's downloads use.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <wctype.h>
#include "private.h"

struct web_proxy
{
    IWebProxy IWebProxy_iface;
    IUpdateLockdown IUpdateLockdown_iface;
    LONG refs;
    SRWLOCK lock;
    BSTR address;               /* NULL: no proxy server */
    IStringCollection *bypass;
    BOOL bypass_local;
    BOOL auto_detect;
    BOOL locked;
    BSTR user;
    BSTR password;
};

static struct dispatch_type web_proxy_type = DISPATCH_TYPE(IID_IWebProxy);

static inline struct web_proxy *impl_from_IWebProxy(IWebProxy *iface)
{
    return CONTAINING_RECORD(iface, struct web_proxy, IWebProxy_iface);
}

static inline struct web_proxy *impl_from_IUpdateLockdown(IUpdateLockdown *iface)
{
    return CONTAINING_RECORD(iface, struct web_proxy, IUpdateLockdown_iface);
}

static HRESULT WINAPI web_proxy_QueryInterface(IWebProxy *iface, REFIID riid, void **obj)
{
    struct web_proxy *This = impl_from_IWebProxy(iface);

    if (!obj) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch) || IsEqualIID(riid, &IID_IWebProxy))
        *obj = &This->IWebProxy_iface;
    else if (IsEqualIID(riid, &IID_IUpdateLockdown))
        *obj = &This->IUpdateLockdown_iface;
    else
    {
        *obj = NULL;
        return E_NOINTERFACE;
    }
    IUnknown_AddRef((IUnknown *)*obj);
    return S_OK;
}

static ULONG WINAPI web_proxy_AddRef(IWebProxy *iface)
{
    return InterlockedIncrement(&impl_from_IWebProxy(iface)->refs);
}

static void free_secret(BSTR secret)
{
    if (secret) SecureZeroMemory(secret, SysStringByteLen(secret));
    SysFreeString(secret);
}

static ULONG WINAPI web_proxy_Release(IWebProxy *iface)
{
    struct web_proxy *This = impl_from_IWebProxy(iface);
    ULONG refs = InterlockedDecrement(&This->refs);

    if (!refs)
    {
        SysFreeString(This->address);
        SysFreeString(This->user);
        free_secret(This->password);
        if (This->bypass) IStringCollection_Release(This->bypass);
        free(This);
        object_destroyed();
    }
    return refs;
}

DEFINE_IDISPATCH(web_proxy, IWebProxy, web_proxy_type)

static HRESULT get_string(struct web_proxy *This, BSTR *field, BSTR *out)
{
    HRESULT hr = S_OK;

    if (!out) return E_POINTER;
    *out = NULL;
    AcquireSRWLockShared(&This->lock);
    if (*field && !(*out = SysAllocStringLen(*field, SysStringLen(*field)))) hr = E_OUTOFMEMORY;
    ReleaseSRWLockShared(&This->lock);
    return hr;
}

/* Locked-down objects refuse their setters (IUpdateLockdown::LockDown). */
static HRESULT set_string(struct web_proxy *This, BSTR *field, BSTR value)
{
    BSTR copy = NULL;

    if (This->locked) return WU_E_INVALID_OPERATION;
    if (SysStringLen(value) && !(copy = SysAllocStringLen(value, SysStringLen(value)))) return E_OUTOFMEMORY;
    AcquireSRWLockExclusive(&This->lock);
    if (field == &This->password) free_secret(*field);
    else SysFreeString(*field);
    *field = copy;
    ReleaseSRWLockExclusive(&This->lock);
    return S_OK;
}

static HRESULT set_bool(struct web_proxy *This, BOOL *field, VARIANT_BOOL value)
{
    if (This->locked) return WU_E_INVALID_OPERATION;
    if (!is_variant_bool(value)) return E_INVALIDARG;
    *field = value == VARIANT_TRUE;
    return S_OK;
}

static HRESULT WINAPI web_proxy_get_Address(IWebProxy *iface, BSTR *out)
{
    struct web_proxy *This = impl_from_IWebProxy(iface);

    return get_string(This, &This->address, out);
}

/* "host" or "host:port", port a decimal 1-65535; no blanks or controls anywhere. */
static BOOL is_valid_address(const WCHAR *address, UINT len)
{
    const WCHAR *colon = NULL;
    UINT i, port = 0;

    for (i = 0; i < len; i++)
    {
        if (iswspace(address[i]) || iswcntrl(address[i]) || !address[i]) return FALSE;
        if (address[i] == ':' && address[0] != '[') colon = &address[i];
        if (address[i] == ']') colon = NULL;    /* a colon inside [IPv6] is not the port's */
    }
    if (!colon) return len > 0;
    if (colon == address || colon == address + len - 1) return FALSE;
    for (colon++; colon < address + len; colon++)
    {
        if (*colon < '0' || *colon > '9') return FALSE;
        if ((port = port * 10 + (*colon - '0')) > 65535) return FALSE;
    }
    return port > 0;
}

static HRESULT WINAPI web_proxy_put_Address(IWebProxy *iface, BSTR value)
{
    struct web_proxy *This = impl_from_IWebProxy(iface);

    if (SysStringLen(value) && !is_valid_address(value, SysStringLen(value))) return E_INVALIDARG;
    return set_string(This, &This->address, value);
}

static HRESULT WINAPI web_proxy_get_BypassList(IWebProxy *iface, IStringCollection **out)
{
    struct web_proxy *This = impl_from_IWebProxy(iface);
    HRESULT hr = S_OK;

    if (!out) return E_POINTER;
    AcquireSRWLockExclusive(&This->lock);
    /* The list is live: what a script adds through the getter sticks. */
    if (!This->bypass) hr = string_collection_create(This->locked, &This->bypass);
    *out = SUCCEEDED(hr) ? This->bypass : NULL;
    if (*out) IStringCollection_AddRef(*out);
    ReleaseSRWLockExclusive(&This->lock);
    return hr;
}

static HRESULT WINAPI web_proxy_put_BypassList(IWebProxy *iface, IStringCollection *value)
{
    struct web_proxy *This = impl_from_IWebProxy(iface);
    IStringCollection *old;

    if (This->locked) return WU_E_INVALID_OPERATION;
    if (value) IStringCollection_AddRef(value);
    AcquireSRWLockExclusive(&This->lock);
    old = This->bypass;
    This->bypass = value;
    ReleaseSRWLockExclusive(&This->lock);
    if (old) IStringCollection_Release(old);
    return S_OK;
}

static HRESULT WINAPI web_proxy_get_BypassProxyOnLocal(IWebProxy *iface, VARIANT_BOOL *out)
{
    return return_bool(impl_from_IWebProxy(iface)->bypass_local, out);
}

static HRESULT WINAPI web_proxy_put_BypassProxyOnLocal(IWebProxy *iface, VARIANT_BOOL value)
{
    struct web_proxy *This = impl_from_IWebProxy(iface);

    return set_bool(This, &This->bypass_local, value);
}

static HRESULT WINAPI web_proxy_get_ReadOnly(IWebProxy *iface, VARIANT_BOOL *out)
{
    return return_bool(impl_from_IWebProxy(iface)->locked, out);
}

static HRESULT WINAPI web_proxy_get_UserName(IWebProxy *iface, BSTR *out)
{
    struct web_proxy *This = impl_from_IWebProxy(iface);

    return get_string(This, &This->user, out);
}

static HRESULT WINAPI web_proxy_put_UserName(IWebProxy *iface, BSTR value)
{
    struct web_proxy *This = impl_from_IWebProxy(iface);

    return set_string(This, &This->user, value);
}

static HRESULT WINAPI web_proxy_SetPassword(IWebProxy *iface, BSTR value)
{
    struct web_proxy *This = impl_from_IWebProxy(iface);

    return set_string(This, &This->password, value);
}

/* Both prompts need a credentials dialog, which OpenWUA does not have. */
static HRESULT WINAPI web_proxy_PromptForCredentials(IWebProxy *iface, IUnknown *parent, BSTR title)
{
    (void)iface; (void)parent; (void)title;
    return E_NOTIMPL;
}

static HRESULT WINAPI web_proxy_PromptForCredentialsFromHwnd(IWebProxy *iface, HWND parent, BSTR title)
{
    (void)iface; (void)parent; (void)title;
    return E_NOTIMPL;
}

static HRESULT WINAPI web_proxy_get_AutoDetect(IWebProxy *iface, VARIANT_BOOL *out)
{
    return return_bool(impl_from_IWebProxy(iface)->auto_detect, out);
}

static HRESULT WINAPI web_proxy_put_AutoDetect(IWebProxy *iface, VARIANT_BOOL value)
{
    struct web_proxy *This = impl_from_IWebProxy(iface);

    return set_bool(This, &This->auto_detect, value);
}

static const IWebProxyVtbl web_proxy_vtbl =
{
    web_proxy_QueryInterface,
    web_proxy_AddRef,
    web_proxy_Release,
    web_proxy_GetTypeInfoCount,
    web_proxy_GetTypeInfo,
    web_proxy_GetIDsOfNames,
    web_proxy_Invoke,
    web_proxy_get_Address,
    web_proxy_put_Address,
    web_proxy_get_BypassList,
    web_proxy_put_BypassList,
    web_proxy_get_BypassProxyOnLocal,
    web_proxy_put_BypassProxyOnLocal,
    web_proxy_get_ReadOnly,
    web_proxy_get_UserName,
    web_proxy_put_UserName,
    web_proxy_SetPassword,
    web_proxy_PromptForCredentials,
    web_proxy_PromptForCredentialsFromHwnd,
    web_proxy_get_AutoDetect,
    web_proxy_put_AutoDetect,
};

static HRESULT WINAPI lockdown_QueryInterface(IUpdateLockdown *iface, REFIID riid, void **obj)
{
    return web_proxy_QueryInterface(&impl_from_IUpdateLockdown(iface)->IWebProxy_iface, riid, obj);
}

static ULONG WINAPI lockdown_AddRef(IUpdateLockdown *iface)
{
    return web_proxy_AddRef(&impl_from_IUpdateLockdown(iface)->IWebProxy_iface);
}

static ULONG WINAPI lockdown_Release(IUpdateLockdown *iface)
{
    return web_proxy_Release(&impl_from_IUpdateLockdown(iface)->IWebProxy_iface);
}

static HRESULT WINAPI lockdown_LockDown(IUpdateLockdown *iface, LONG flags)
{
    struct web_proxy *This = impl_from_IUpdateLockdown(iface);

    if (flags != uloForWebsiteAccess) return E_INVALIDARG;
    This->locked = TRUE;
    return S_OK;
}

static const IUpdateLockdownVtbl lockdown_vtbl =
{
    lockdown_QueryInterface,
    lockdown_AddRef,
    lockdown_Release,
    lockdown_LockDown,
};

HRESULT web_proxy_create(REFIID riid, void **obj)
{
    struct web_proxy *This;
    HRESULT hr;

    if (!(This = calloc(1, sizeof(*This)))) return E_OUTOFMEMORY;
    This->IWebProxy_iface.lpVtbl = &web_proxy_vtbl;
    This->IUpdateLockdown_iface.lpVtbl = &lockdown_vtbl;
    This->refs = 1;
    InitializeSRWLock(&This->lock);
    object_created();
    hr = IWebProxy_QueryInterface(&This->IWebProxy_iface, riid, obj);
    IWebProxy_Release(&This->IWebProxy_iface);
    return hr;
}
