/*
 * OpenWUA: UpdateServiceManager, update services and their registrations.
 *
 * A service is where a search looks for updates.  OpenWUA has two kinds: the
 * default service, which searches the catalog named by the DefaultCatalog
 * setting, and scan-package services that AddScanPackageService registers for
 * an SDP catalog.  Both persist under HKLM\Software\OpenWUA.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include "private.h"
#include "log.h"
#include "store.h"

/* The default service answers to Windows Update's well-known service ID. */
const GUID default_service_id = { 0x9482f4b4, 0xe343, 0x43b6, { 0xb1, 0x70, 0x9a, 0x65, 0xbc, 0x82, 0x2c, 0x77 } };
static const WCHAR services_key[] = L"Software\\OpenWUA\\Services";

struct service_info
{
    GUID id;
    WCHAR *name;
    WCHAR *location;            /* NULL: the default service with no catalog set */
    BOOL is_default;
    BOOL registered_with_au;
    DATE issued;
};

static void service_info_free(struct service_info *info)
{
    free(info->name);
    free(info->location);
    memset(info, 0, sizeof(*info));
}

static void service_key(const GUID *id, WCHAR *key, size_t size)
{
    WCHAR text[37];

    guid_to_wua_string(id, text);
    swprintf(key, size, L"%ls\\%ls", services_key, text);
}

static HRESULT read_default(struct service_info *info)
{
    HRESULT hr;

    memset(info, 0, sizeof(*info));
    info->id = default_service_id;
    info->is_default = TRUE;
    info->registered_with_au = TRUE;
    if (FAILED(state_get_string(state_key_openwua, L"DefaultCatalog", &info->location))) info->location = NULL;
    hr = (info->name = _wcsdup(L"OpenWUA default catalog")) ? S_OK : E_OUTOFMEMORY;
    if (FAILED(hr)) service_info_free(info);
    return hr;
}

/* WU_E_DS_UNKNOWNSERVICE for an ID no service has. */
static HRESULT read_service(const GUID *id, struct service_info *info)
{
    WCHAR key[128];
    DWORD value;
    HRESULT hr;

    if (IsEqualGUID(id, &default_service_id)) return read_default(info);
    memset(info, 0, sizeof(*info));
    service_key(id, key, ARRAY_SIZE(key));
    if (FAILED(state_get_string(key, L"Location", &info->location))) return WU_E_DS_UNKNOWNSERVICE;
    if (FAILED(hr = state_get_string(key, L"Name", &info->name)))
    {
        service_info_free(info);
        return hr;
    }
    info->id = *id;
    info->registered_with_au = SUCCEEDED(state_get_dword(key, L"RegisteredWithAU", &value)) && value;
    if (FAILED(state_get_date(key, L"Issued", &info->issued))) info->issued = 0;
    return S_OK;
}

HRESULT service_location(const GUID *service, WCHAR **location)
{
    struct service_info info;
    HRESULT hr;

    *location = NULL;
    if (FAILED(hr = read_service(service, &info))) return hr;
    *location = info.location;
    info.location = NULL;
    service_info_free(&info);
    return *location ? S_OK : S_FALSE;
}

/* --- IUpdateService2 --- */

struct service
{
    IUpdateService2 IUpdateService2_iface;
    LONG refs;
    struct service_info info;
};

static struct dispatch_type service_type = DISPATCH_TYPE(IID_IUpdateService2);
static struct dispatch_type service_collection_type = DISPATCH_TYPE(IID_IUpdateServiceCollection);

static inline struct service *impl_from_IUpdateService2(IUpdateService2 *iface)
{
    return CONTAINING_RECORD(iface, struct service, IUpdateService2_iface);
}

static HRESULT WINAPI service_QueryInterface(IUpdateService2 *iface, REFIID riid, void **obj)
{
    if (!obj) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch) || IsEqualIID(riid, &IID_IUpdateService)
        || IsEqualIID(riid, &IID_IUpdateService2))
    {
        *obj = iface;
        IUpdateService2_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI service_AddRef(IUpdateService2 *iface)
{
    return InterlockedIncrement(&impl_from_IUpdateService2(iface)->refs);
}

static ULONG WINAPI service_Release(IUpdateService2 *iface)
{
    struct service *This = impl_from_IUpdateService2(iface);
    ULONG refs = InterlockedDecrement(&This->refs);

    if (!refs)
    {
        service_info_free(&This->info);
        free(This);
        object_destroyed();
    }
    return refs;
}

DEFINE_IDISPATCH(service, IUpdateService2, service_type)

static const struct service_info *info_of(IUpdateService2 *iface)
{
    return &impl_from_IUpdateService2(iface)->info;
}

static HRESULT WINAPI service_get_Name(IUpdateService2 *iface, BSTR *out)
{
    return return_bstr(info_of(iface)->name, out);
}

/* Catalog content is checked by its digests, not by a service certificate. */
static HRESULT WINAPI service_get_ContentValidationCert(IUpdateService2 *iface, VARIANT *out)
{
    (void)iface;
    if (!out) return E_POINTER;
    VariantInit(out);
    return S_OK;
}

static HRESULT return_date(DATE value, DATE *out)
{
    if (!out) return E_POINTER;
    *out = value;
    return S_OK;
}

/* Local services do not expire: 9999-12-31. */
static HRESULT WINAPI service_get_ExpirationDate(IUpdateService2 *iface, DATE *out)
{
    (void)iface;
    return return_date(2958465.0, out);
}

static HRESULT WINAPI service_get_IsManaged(IUpdateService2 *iface, VARIANT_BOOL *out)
{
    (void)iface;
    return return_bool(FALSE, out);
}

static HRESULT WINAPI service_get_IsRegisteredWithAU(IUpdateService2 *iface, VARIANT_BOOL *out)
{
    return return_bool(info_of(iface)->registered_with_au, out);
}

static HRESULT WINAPI service_get_IssueDate(IUpdateService2 *iface, DATE *out)
{
    return return_date(info_of(iface)->issued, out);
}

static HRESULT WINAPI service_get_OffersWindowsUpdates(IUpdateService2 *iface, VARIANT_BOOL *out)
{
    return return_bool(info_of(iface)->is_default, out);
}

static HRESULT WINAPI service_get_RedirectUrls(IUpdateService2 *iface, IStringCollection **out)
{
    (void)iface;
    if (!out) return E_POINTER;
    return string_collection_create(TRUE, out);
}

static HRESULT WINAPI service_get_ServiceID(IUpdateService2 *iface, BSTR *out)
{
    return return_guid(&info_of(iface)->id, out);
}

static HRESULT WINAPI service_get_IsScanPackageService(IUpdateService2 *iface, VARIANT_BOOL *out)
{
    return return_bool(!info_of(iface)->is_default, out);
}

/* Windows keeps scan packages away from Automatic Updates. */
static HRESULT WINAPI service_get_CanRegisterWithAU(IUpdateService2 *iface, VARIANT_BOOL *out)
{
    return return_bool(info_of(iface)->is_default, out);
}

static HRESULT WINAPI service_get_ServiceUrl(IUpdateService2 *iface, BSTR *out)
{
    return return_bstr(info_of(iface)->location, out);
}

static HRESULT WINAPI service_get_SetupPrefix(IUpdateService2 *iface, BSTR *out)
{
    (void)iface;
    return return_bstr(L"", out);
}

static HRESULT WINAPI service_get_IsDefaultAUService(IUpdateService2 *iface, VARIANT_BOOL *out)
{
    return return_bool(info_of(iface)->is_default, out);
}

static const IUpdateService2Vtbl service_vtbl =
{
    service_QueryInterface,
    service_AddRef,
    service_Release,
    service_GetTypeInfoCount,
    service_GetTypeInfo,
    service_GetIDsOfNames,
    service_Invoke,
    service_get_Name,
    service_get_ContentValidationCert,
    service_get_ExpirationDate,
    service_get_IsManaged,
    service_get_IsRegisteredWithAU,
    service_get_IssueDate,
    service_get_OffersWindowsUpdates,
    service_get_RedirectUrls,
    service_get_ServiceID,
    service_get_IsScanPackageService,
    service_get_CanRegisterWithAU,
    service_get_ServiceUrl,
    service_get_SetupPrefix,
    service_get_IsDefaultAUService,
};

/* Takes the info over. */
static HRESULT service_create(struct service_info *info, IUpdateService2 **out)
{
    struct service *This;

    *out = NULL;
    if (!(This = calloc(1, sizeof(*This))))
    {
        service_info_free(info);
        return E_OUTOFMEMORY;
    }
    This->IUpdateService2_iface.lpVtbl = &service_vtbl;
    This->refs = 1;
    This->info = *info;
    memset(info, 0, sizeof(*info));
    object_created();
    *out = &This->IUpdateService2_iface;
    return S_OK;
}

static HRESULT service_open(const GUID *id, IUpdateService2 **out)
{
    struct service_info info;
    HRESULT hr;

    if (FAILED(hr = read_service(id, &info))) return hr;
    return service_create(&info, out);
}

/* --- IUpdateServiceRegistration --- */

struct registration
{
    IUpdateServiceRegistration IUpdateServiceRegistration_iface;
    LONG refs;
    IUpdateService2 *service;
};

static struct dispatch_type registration_type = DISPATCH_TYPE(IID_IUpdateServiceRegistration);

static inline struct registration *impl_from_IUpdateServiceRegistration(IUpdateServiceRegistration *iface)
{
    return CONTAINING_RECORD(iface, struct registration, IUpdateServiceRegistration_iface);
}

static HRESULT WINAPI registration_QueryInterface(IUpdateServiceRegistration *iface, REFIID riid, void **obj)
{
    if (!obj) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch)
        || IsEqualIID(riid, &IID_IUpdateServiceRegistration))
    {
        *obj = iface;
        IUpdateServiceRegistration_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI registration_AddRef(IUpdateServiceRegistration *iface)
{
    return InterlockedIncrement(&impl_from_IUpdateServiceRegistration(iface)->refs);
}

static ULONG WINAPI registration_Release(IUpdateServiceRegistration *iface)
{
    struct registration *This = impl_from_IUpdateServiceRegistration(iface);
    ULONG refs = InterlockedDecrement(&This->refs);

    if (!refs)
    {
        IUpdateService2_Release(This->service);
        free(This);
        object_destroyed();
    }
    return refs;
}

DEFINE_IDISPATCH(registration, IUpdateServiceRegistration, registration_type)

/* Local services are registered the moment they exist. */
static HRESULT WINAPI registration_get_RegistrationState(IUpdateServiceRegistration *iface,
                                                          UpdateServiceRegistrationState *out)
{
    (void)iface;
    if (!out) return E_POINTER;
    *out = usrsRegistered;
    return S_OK;
}

static HRESULT WINAPI registration_get_ServiceID(IUpdateServiceRegistration *iface, BSTR *out)
{
    return IUpdateService2_get_ServiceID(impl_from_IUpdateServiceRegistration(iface)->service, out);
}

static HRESULT WINAPI registration_get_IsPendingRegistrationWithAU(IUpdateServiceRegistration *iface,
                                                                    VARIANT_BOOL *out)
{
    (void)iface;
    return return_bool(FALSE, out);
}

static HRESULT WINAPI registration_get_Service(IUpdateServiceRegistration *iface, IUpdateService2 **out)
{
    if (!out) return E_POINTER;
    *out = impl_from_IUpdateServiceRegistration(iface)->service;
    IUpdateService2_AddRef(*out);
    return S_OK;
}

static const IUpdateServiceRegistrationVtbl registration_vtbl =
{
    registration_QueryInterface,
    registration_AddRef,
    registration_Release,
    registration_GetTypeInfoCount,
    registration_GetTypeInfo,
    registration_GetIDsOfNames,
    registration_Invoke,
    registration_get_RegistrationState,
    registration_get_ServiceID,
    registration_get_IsPendingRegistrationWithAU,
    registration_get_Service,
};

/* --- IUpdateServiceManager2 --- */

struct service_manager
{
    IUpdateServiceManager2 IUpdateServiceManager2_iface;
    LONG refs;
    struct client_id client_id;
    GUID allowed_service;       /* SetOption("AllowedServiceID") */
    BOOL allow_warning_ui;      /* SetOption("AllowWarningUI") */
};

static struct dispatch_type service_manager_type = DISPATCH_TYPE(IID_IUpdateServiceManager2);

static inline struct service_manager *impl_from_IUpdateServiceManager2(IUpdateServiceManager2 *iface)
{
    return CONTAINING_RECORD(iface, struct service_manager, IUpdateServiceManager2_iface);
}

static HRESULT WINAPI manager_QueryInterface(IUpdateServiceManager2 *iface, REFIID riid, void **obj)
{
    if (!obj) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch)
        || IsEqualIID(riid, &IID_IUpdateServiceManager) || IsEqualIID(riid, &IID_IUpdateServiceManager2))
    {
        *obj = iface;
        IUpdateServiceManager2_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI manager_AddRef(IUpdateServiceManager2 *iface)
{
    return InterlockedIncrement(&impl_from_IUpdateServiceManager2(iface)->refs);
}

static ULONG WINAPI manager_Release(IUpdateServiceManager2 *iface)
{
    struct service_manager *This = impl_from_IUpdateServiceManager2(iface);
    ULONG refs = InterlockedDecrement(&This->refs);

    if (!refs)
    {
        client_id_free(&This->client_id);
        free(This);
        object_destroyed();
    }
    return refs;
}

DEFINE_IDISPATCH(manager, IUpdateServiceManager2, service_manager_type)

static HRESULT add_service_object(struct var_array *items, const GUID *id)
{
    IUpdateService2 *service;
    HRESULT hr = service_open(id, &service);

    return SUCCEEDED(hr) ? var_array_append_object(items, (IDispatch *)service) : hr;
}

static HRESULT list_services(struct var_array *items)
{
    WCHAR name[64];
    DWORD i, len;
    HKEY key;
    GUID id;
    HRESULT hr = add_service_object(items, &default_service_id);

    if (FAILED(hr) || RegOpenKeyExW(HKEY_LOCAL_MACHINE, services_key, 0, KEY_READ, &key)) return hr;
    for (i = 0; SUCCEEDED(hr); i++)
    {
        len = ARRAY_SIZE(name);
        if (RegEnumKeyExW(key, i, name, &len, NULL, NULL, NULL, NULL)) break;
        /* A half-written service key (no Location) is not a service. */
        if (SUCCEEDED(guid_from_string(name, &id)) && (hr = add_service_object(items, &id)) == WU_E_DS_UNKNOWNSERVICE)
            hr = S_OK;
    }
    RegCloseKey(key);
    return hr;
}

static HRESULT WINAPI manager_get_Services(IUpdateServiceManager2 *iface, IUpdateServiceCollection **out)
{
    struct var_array items = { 0 };
    HRESULT hr;

    (void)iface;
    if (!out) return E_POINTER;
    *out = NULL;
    if (FAILED(hr = list_services(&items)))
    {
        var_array_clear(&items);
        return hr;
    }
    return ro_collection_create(&IID_IUpdateServiceCollection, &service_collection_type, &items, (void **)out);
}

/* Adding an online service by ID needs Microsoft's service registration, which
 * OpenWUA does not have. */
static HRESULT WINAPI manager_AddService(IUpdateServiceManager2 *iface, BSTR id, BSTR cab, IUpdateService **out)
{
    GUID guid;

    (void)iface; (void)cab;
    if (!out) return E_POINTER;
    *out = NULL;
    if (FAILED(guid_from_string(id, &guid))) return E_INVALIDARG;
    return E_NOTIMPL;
}

static HRESULT set_registered(BSTR id, BOOL on)
{
    struct service_info info;
    WCHAR key[128];
    GUID guid;
    HRESULT hr;

    if (FAILED(guid_from_string(id, &guid))) return E_INVALIDARG;
    if (FAILED(hr = read_service(&guid, &info))) return hr;
    if (info.is_default) hr = on ? S_OK : WU_E_DS_INVALIDOPERATION;    /* it stays AU's service */
    else if (on) hr = WU_E_DS_INVALIDOPERATION;                           /* CanRegisterWithAU is FALSE */
    else
    {
        service_key(&guid, key, ARRAY_SIZE(key));
        hr = state_set_dword(key, L"RegisteredWithAU", 0);
    }
    service_info_free(&info);
    return hr;
}

static HRESULT WINAPI manager_RegisterServiceWithAU(IUpdateServiceManager2 *iface, BSTR id)
{
    (void)iface;
    return set_registered(id, TRUE);
}

static HRESULT WINAPI manager_RemoveService(IUpdateServiceManager2 *iface, BSTR id)
{
    struct service_info info;
    WCHAR key[128];
    GUID guid;
    HRESULT hr;

    (void)iface;
    if (FAILED(guid_from_string(id, &guid))) return E_INVALIDARG;
    if (FAILED(hr = read_service(&guid, &info))) return hr;
    hr = info.is_default ? WU_E_DS_INVALIDOPERATION : S_OK;
    service_info_free(&info);
    if (FAILED(hr)) return hr;
    service_key(&guid, key, ARRAY_SIZE(key));
    hr = state_delete_key(key);
    log_write(LOG_RESULT(hr), L"RemoveService %ls: 0x%08lx", id, (unsigned long)hr);
    return hr;
}

static HRESULT WINAPI manager_UnregisterServiceWithAU(IUpdateServiceManager2 *iface, BSTR id)
{
    (void)iface;
    return set_registered(id, FALSE);
}

/* Writes the service; Location last, as it is what makes the key a service. */
static HRESULT save_service(const struct service_info *info)
{
    WCHAR key[128];
    HRESULT hr;

    service_key(&info->id, key, ARRAY_SIZE(key));
    if (FAILED(hr = state_set_string(key, L"Name", info->name)) || FAILED(hr = state_set_date(key, L"Issued", info->issued))
        || FAILED(hr = state_set_string(key, L"Location", info->location)))
        state_delete_key(key);
    return hr;
}

/* The catalog is loaded once here, so a bad one is refused before anything is registered. */
static HRESULT WINAPI manager_AddScanPackageService(IUpdateServiceManager2 *iface, BSTR name, BSTR location,
                                                    LONG flags, IUpdateService **out)
{
    struct service_info info = { 0 };
    struct catalog_ref *catalog;
    SYSTEMTIME now;
    HRESULT hr;

    (void)iface;
    if (!out) return E_POINTER;
    *out = NULL;
    if (!SysStringLen(name) || !SysStringLen(location) || (flags & ~usoNonVolatileService)) return E_INVALIDARG;
    hr = catalog_ref_load(location, &catalog);
    log_write(LOG_RESULT(hr), L"AddScanPackageService \"%ls\" %ls: 0x%08lx", name, location, (unsigned long)hr);
    if (FAILED(hr)) return hr;
    catalog_ref_release(catalog);
    GetSystemTime(&now);
    SystemTimeToVariantTime(&now, &info.issued);
    if (FAILED(hr = CoCreateGuid(&info.id))) return hr;
    if (!(info.name = _wcsdup(name)) || !(info.location = _wcsdup(location)))
    {
        service_info_free(&info);
        return E_OUTOFMEMORY;
    }
    if (FAILED(hr = save_service(&info)))
    {
        service_info_free(&info);
        return hr;
    }
    return service_create(&info, (IUpdateService2 **)out);
}

static HRESULT WINAPI manager_SetOption(IUpdateServiceManager2 *iface, BSTR name, VARIANT value)
{
    struct service_manager *This = impl_from_IUpdateServiceManager2(iface);
    VARIANT v;
    HRESULT hr = E_INVALIDARG;

    VariantInit(&v);
    if (!name || FAILED(VariantCopyInd(&v, &value))) return E_INVALIDARG;
    if (!_wcsicmp(name, L"AllowedServiceID") && V_VT(&v) == VT_BSTR)
        hr = guid_from_string(V_BSTR(&v), &This->allowed_service);
    else if (!_wcsicmp(name, L"AllowWarningUI") && V_VT(&v) == VT_BOOL && is_variant_bool(V_BOOL(&v)))
    {
        This->allow_warning_ui = V_BOOL(&v) == VARIANT_TRUE;
        hr = S_OK;
    }
    VariantClear(&v);
    return hr;
}

static HRESULT WINAPI manager_get_ClientApplicationID(IUpdateServiceManager2 *iface, BSTR *out)
{
    return client_id_get(&impl_from_IUpdateServiceManager2(iface)->client_id, L"Unknown", out);
}

static HRESULT WINAPI manager_put_ClientApplicationID(IUpdateServiceManager2 *iface, BSTR value)
{
    return client_id_put(&impl_from_IUpdateServiceManager2(iface)->client_id, value);
}

static HRESULT WINAPI manager_QueryServiceRegistration(IUpdateServiceManager2 *iface, BSTR id,
                                                       IUpdateServiceRegistration **out)
{
    struct registration *This;
    IUpdateService2 *service;
    GUID guid;
    HRESULT hr;

    (void)iface;
    if (!out) return E_POINTER;
    *out = NULL;
    if (FAILED(guid_from_string(id, &guid))) return E_INVALIDARG;
    if (FAILED(hr = service_open(&guid, &service))) return hr;
    if (!(This = calloc(1, sizeof(*This))))
    {
        IUpdateService2_Release(service);
        return E_OUTOFMEMORY;
    }
    This->IUpdateServiceRegistration_iface.lpVtbl = &registration_vtbl;
    This->refs = 1;
    This->service = service;
    object_created();
    *out = &This->IUpdateServiceRegistration_iface;
    return S_OK;
}

/* Registration of online services: see AddService. */
static HRESULT WINAPI manager_AddService2(IUpdateServiceManager2 *iface, BSTR id, LONG flags, BSTR cab,
                                          IUpdateServiceRegistration **out)
{
    GUID guid;

    (void)iface; (void)cab;
    if (!out) return E_POINTER;
    *out = NULL;
    if (FAILED(guid_from_string(id, &guid))) return E_INVALIDARG;
    if (flags & ~(asfAllowPendingRegistration | asfAllowOnlineRegistration | asfRegisterServiceWithAU))
        return E_INVALIDARG;
    return E_NOTIMPL;
}

static const IUpdateServiceManager2Vtbl manager_vtbl =
{
    manager_QueryInterface,
    manager_AddRef,
    manager_Release,
    manager_GetTypeInfoCount,
    manager_GetTypeInfo,
    manager_GetIDsOfNames,
    manager_Invoke,
    manager_get_Services,
    manager_AddService,
    manager_RegisterServiceWithAU,
    manager_RemoveService,
    manager_UnregisterServiceWithAU,
    manager_AddScanPackageService,
    manager_SetOption,
    manager_get_ClientApplicationID,
    manager_put_ClientApplicationID,
    manager_QueryServiceRegistration,
    manager_AddService2,
};

HRESULT service_manager_create(REFIID riid, void **obj)
{
    struct service_manager *This;
    HRESULT hr;

    if (!(This = calloc(1, sizeof(*This)))) return E_OUTOFMEMORY;
    This->IUpdateServiceManager2_iface.lpVtbl = &manager_vtbl;
    This->refs = 1;
    object_created();
    hr = IUpdateServiceManager2_QueryInterface(&This->IUpdateServiceManager2_iface, riid, obj);
    IUpdateServiceManager2_Release(&This->IUpdateServiceManager2_iface);
    return hr;
}
