/*
 * OpenWUA: UpdateSession, the factory of searchers, downloaders and installers.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "private.h"

struct update_session
{
    IUpdateSession3 IUpdateSession3_iface;
    LONG refs;
    SRWLOCK lock;
    struct client_id client_id;
    IWebProxy *proxy;           /* NULL: the default, system proxy settings */
    LCID locale;
};

static struct dispatch_type update_session_type = DISPATCH_TYPE(IID_IUpdateSession3);

static inline struct update_session *impl_from_IUpdateSession3(IUpdateSession3 *iface)
{
    return CONTAINING_RECORD(iface, struct update_session, IUpdateSession3_iface);
}

static HRESULT WINAPI update_session_QueryInterface(IUpdateSession3 *iface, REFIID riid, void **obj)
{
    if (!obj) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch)
        || IsEqualIID(riid, &IID_IUpdateSession) || IsEqualIID(riid, &IID_IUpdateSession2)
        || IsEqualIID(riid, &IID_IUpdateSession3))
    {
        *obj = iface;
        IUpdateSession3_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI update_session_AddRef(IUpdateSession3 *iface)
{
    return InterlockedIncrement(&impl_from_IUpdateSession3(iface)->refs);
}

static ULONG WINAPI update_session_Release(IUpdateSession3 *iface)
{
    struct update_session *This = impl_from_IUpdateSession3(iface);
    ULONG refs = InterlockedDecrement(&This->refs);

    if (!refs)
    {
        client_id_free(&This->client_id);
        if (This->proxy) IWebProxy_Release(This->proxy);
        free(This);
        object_destroyed();
    }
    return refs;
}

DEFINE_IDISPATCH(update_session, IUpdateSession3, update_session_type)

static HRESULT WINAPI update_session_get_ClientApplicationID(IUpdateSession3 *iface, BSTR *out)
{
    return client_id_get(&impl_from_IUpdateSession3(iface)->client_id, L"Unknown", out);
}

static HRESULT WINAPI update_session_put_ClientApplicationID(IUpdateSession3 *iface, BSTR value)
{
    return client_id_put(&impl_from_IUpdateSession3(iface)->client_id, value);
}

/* Sessions made in this process are never read-only; only remote ones would be. */
static HRESULT WINAPI update_session_get_ReadOnly(IUpdateSession3 *iface, VARIANT_BOOL *out)
{
    (void)iface;
    return return_bool(FALSE, out);
}

/* Without a proxy of its own, the session uses the system's settings: that
 * default reads as a fresh WebProxy with AutoDetect on and no address. */
static HRESULT default_proxy(IWebProxy **out)
{
    HRESULT hr = web_proxy_create(&IID_IWebProxy, (void **)out);

    if (SUCCEEDED(hr) && FAILED(hr = IWebProxy_put_AutoDetect(*out, VARIANT_TRUE)))
    {
        IWebProxy_Release(*out);
        *out = NULL;
    }
    return hr;
}

static HRESULT WINAPI update_session_get_WebProxy(IUpdateSession3 *iface, IWebProxy **out)
{
    struct update_session *This = impl_from_IUpdateSession3(iface);
    HRESULT hr = S_OK;

    if (!out) return E_POINTER;
    *out = NULL;
    AcquireSRWLockExclusive(&This->lock);
    if (!This->proxy) hr = default_proxy(&This->proxy);
    if (SUCCEEDED(hr))
    {
        *out = This->proxy;
        IWebProxy_AddRef(*out);
    }
    ReleaseSRWLockExclusive(&This->lock);
    return hr;
}

static HRESULT WINAPI update_session_put_WebProxy(IUpdateSession3 *iface, IWebProxy *value)
{
    struct update_session *This = impl_from_IUpdateSession3(iface);
    IWebProxy *old;

    if (value) IWebProxy_AddRef(value);
    AcquireSRWLockExclusive(&This->lock);
    old = This->proxy;
    This->proxy = value;
    ReleaseSRWLockExclusive(&This->lock);
    if (old) IWebProxy_Release(old);
    return S_OK;
}

static HRESULT WINAPI update_session_CreateUpdateSearcher(IUpdateSession3 *iface, IUpdateSearcher **out)
{
    if (!out) return E_POINTER;
    *out = NULL;
    return searcher_create(impl_from_IUpdateSession3(iface)->locale, &IID_IUpdateSearcher, (void **)out);
}

/* The name a client gave the session, for the downloaders and installers it
 * makes: the SDK sample and PSWindowsUpdate name only the session, and
 * their history entries carry that name.  NULL while the session has none. */
static BSTR session_client_id(struct update_session *This)
{
    BSTR value = NULL;

    AcquireSRWLockShared(&This->client_id.lock);
    if (This->client_id.value) value = SysAllocString(This->client_id.value);
    ReleaseSRWLockShared(&This->client_id.lock);
    return value;
}

/* The downloader keeps the WebProxy object the session has now. */
static HRESULT WINAPI update_session_CreateUpdateDownloader(IUpdateSession3 *iface, IUpdateDownloader **out)
{
    struct update_session *This = impl_from_IUpdateSession3(iface);
    IWebProxy *proxy;
    BSTR name;
    HRESULT hr;

    if (!out) return E_POINTER;
    *out = NULL;
    AcquireSRWLockShared(&This->lock);
    if ((proxy = This->proxy)) IWebProxy_AddRef(proxy);
    ReleaseSRWLockShared(&This->lock);
    hr = downloader_create_for_session(proxy, out);
    if (proxy) IWebProxy_Release(proxy);
    if (SUCCEEDED(hr) && (name = session_client_id(This)))
    {
        hr = IUpdateDownloader_put_ClientApplicationID(*out, name);
        SysFreeString(name);
        if (FAILED(hr))
        {
            IUpdateDownloader_Release(*out);
            *out = NULL;
        }
    }
    return hr;
}

static HRESULT WINAPI update_session_CreateUpdateInstaller(IUpdateSession3 *iface, IUpdateInstaller **out)
{
    struct update_session *This = impl_from_IUpdateSession3(iface);
    BSTR name;
    HRESULT hr;

    if (!out) return E_POINTER;
    *out = NULL;
    hr = installer_create(&IID_IUpdateInstaller, (void **)out);
    if (SUCCEEDED(hr) && (name = session_client_id(This)))
    {
        hr = IUpdateInstaller_put_ClientApplicationID(*out, name);
        SysFreeString(name);
        if (FAILED(hr))
        {
            IUpdateInstaller_Release(*out);
            *out = NULL;
        }
    }
    return hr;
}

static HRESULT WINAPI update_session_get_UserLocale(IUpdateSession3 *iface, LCID *out)
{
    if (!out) return E_POINTER;
    *out = impl_from_IUpdateSession3(iface)->locale;
    return S_OK;
}

static HRESULT WINAPI update_session_put_UserLocale(IUpdateSession3 *iface, LCID value)
{
    if (!IsValidLocale(value, LCID_SUPPORTED)) return E_INVALIDARG;
    impl_from_IUpdateSession3(iface)->locale = value;
    return S_OK;
}

static HRESULT WINAPI update_session_CreateUpdateServiceManager(IUpdateSession3 *iface, IUpdateServiceManager2 **out)
{
    (void)iface;
    if (!out) return E_POINTER;
    *out = NULL;
    return service_manager_create(&IID_IUpdateServiceManager2, (void **)out);
}

static const WCHAR *skip_blanks(const WCHAR *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') p++;
    return p;
}

/* The one criterion history takes: UpdateID='<guid>'.  *all is TRUE for empty criteria. */
static HRESULT parse_history_criteria(BSTR criteria, BOOL *all, GUID *id)
{
    static const WCHAR name[] = L"UpdateID";
    const WCHAR *p = criteria ? skip_blanks(criteria) : L"", *end;
    WCHAR text[40];

    *all = !*p;
    if (*all) return criteria && wcslen(criteria) != SysStringLen(criteria) ? WU_E_INVALID_CRITERIA : S_OK;
    if (wcslen(criteria) != SysStringLen(criteria) || _wcsnicmp(p, name, ARRAY_SIZE(name) - 1))
        return WU_E_INVALID_CRITERIA;
    p = skip_blanks(p + ARRAY_SIZE(name) - 1);
    if (*p++ != '=') return WU_E_INVALID_CRITERIA;
    p = skip_blanks(p);
    if (*p++ != '\'' || !(end = wcschr(p, '\'')) || end - p >= (ptrdiff_t)ARRAY_SIZE(text)) return WU_E_INVALID_CRITERIA;
    memcpy(text, p, (end - p) * sizeof(WCHAR));
    text[end - p] = 0;
    if (*skip_blanks(end + 1) || FAILED(guid_from_string(text, id))) return WU_E_INVALID_CRITERIA;
    return S_OK;
}

static HRESULT WINAPI update_session_QueryHistory(IUpdateSession3 *iface, BSTR criteria, LONG start, LONG count,
                                                  IUpdateHistoryEntryCollection **out)
{
    BOOL all;
    GUID id;
    HRESULT hr;

    (void)iface;
    if (!out) return E_POINTER;
    *out = NULL;
    if (FAILED(hr = parse_history_criteria(criteria, &all, &id))) return hr;
    if (start < 0 || count <= 0) return WU_E_INVALIDINDEX;
    return history_query(all ? NULL : &id, start, count, out);
}

static const IUpdateSession3Vtbl update_session_vtbl =
{
    update_session_QueryInterface,
    update_session_AddRef,
    update_session_Release,
    update_session_GetTypeInfoCount,
    update_session_GetTypeInfo,
    update_session_GetIDsOfNames,
    update_session_Invoke,
    update_session_get_ClientApplicationID,
    update_session_put_ClientApplicationID,
    update_session_get_ReadOnly,
    update_session_get_WebProxy,
    update_session_put_WebProxy,
    update_session_CreateUpdateSearcher,
    update_session_CreateUpdateDownloader,
    update_session_CreateUpdateInstaller,
    update_session_get_UserLocale,
    update_session_put_UserLocale,
    update_session_CreateUpdateServiceManager,
    update_session_QueryHistory,
};

HRESULT update_session_create(REFIID riid, void **obj)
{
    struct update_session *This;
    HRESULT hr;

    if (!(This = calloc(1, sizeof(*This)))) return E_OUTOFMEMORY;
    This->IUpdateSession3_iface.lpVtbl = &update_session_vtbl;
    This->refs = 1;
    This->locale = MAKELCID(GetUserDefaultUILanguage(), SORT_DEFAULT);
    InitializeSRWLock(&This->lock);
    object_created();
    hr = IUpdateSession3_QueryInterface(&This->IUpdateSession3_iface, riid, obj);
    IUpdateSession3_Release(&This->IUpdateSession3_iface);
    return hr;
}
