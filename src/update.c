/*
 * OpenWUA: the update object (IUpdate..IUpdate5) and its small parts:
 * identity, installation behaviour, categories and download contents.
 *
 * An update is a view onto a shared update_record: state (hidden, installed,
 * downloaded, EULA) is live on every object for the same update.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include "private.h"
#include "store.h"
#include "category.h"

#define HANDLER_BASE L"http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/"

/* --- small helpers --- */

static HRESULT string_list_collection(const struct string_list *list, IStringCollection **out)
{
    HRESULT hr;
    unsigned int i;

    if (FAILED(hr = string_collection_create(TRUE, out))) return hr;
    for (i = 0; i < list->count && SUCCEEDED(hr); i++) hr = string_collection_append(*out, list->items[i]);
    if (FAILED(hr))
    {
        IStringCollection_Release(*out);
        *out = NULL;
    }
    return hr;
}

static void decimal_from(ULONGLONG value, DECIMAL *out)
{
    memset(out, 0, sizeof(*out));
    out->Lo64 = value;
}

/* --- IInstallationBehavior --- */

struct behavior
{
    IInstallationBehavior IInstallationBehavior_iface;
    LONG refs;
    struct catalog_behavior values;
};

static struct dispatch_type behavior_type = DISPATCH_TYPE(IID_IInstallationBehavior);

static inline struct behavior *impl_from_IInstallationBehavior(IInstallationBehavior *iface)
{
    return CONTAINING_RECORD(iface, struct behavior, IInstallationBehavior_iface);
}

static HRESULT WINAPI behavior_QueryInterface(IInstallationBehavior *iface, REFIID riid, void **obj)
{
    if (!obj) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch)
        || IsEqualIID(riid, &IID_IInstallationBehavior))
    {
        *obj = iface;
        IInstallationBehavior_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI behavior_AddRef(IInstallationBehavior *iface)
{
    return InterlockedIncrement(&impl_from_IInstallationBehavior(iface)->refs);
}

static ULONG WINAPI behavior_Release(IInstallationBehavior *iface)
{
    struct behavior *This = impl_from_IInstallationBehavior(iface);
    ULONG refs = InterlockedDecrement(&This->refs);

    if (!refs)
    {
        free(This);
        object_destroyed();
    }
    return refs;
}

DEFINE_IDISPATCH(behavior, IInstallationBehavior, behavior_type)

static HRESULT WINAPI behavior_get_CanRequestUserInput(IInstallationBehavior *iface, VARIANT_BOOL *out)
{
    return return_bool(impl_from_IInstallationBehavior(iface)->values.can_request_user_input, out);
}

static HRESULT WINAPI behavior_get_Impact(IInstallationBehavior *iface, InstallationImpact *out)
{
    if (!out) return E_POINTER;
    *out = impl_from_IInstallationBehavior(iface)->values.impact;
    return S_OK;
}

static HRESULT WINAPI behavior_get_RebootBehavior(IInstallationBehavior *iface, InstallationRebootBehavior *out)
{
    if (!out) return E_POINTER;
    *out = impl_from_IInstallationBehavior(iface)->values.reboot;
    return S_OK;
}

static HRESULT WINAPI behavior_get_RequiresNetworkConnectivity(IInstallationBehavior *iface, VARIANT_BOOL *out)
{
    return return_bool(impl_from_IInstallationBehavior(iface)->values.requires_network, out);
}

static const IInstallationBehaviorVtbl behavior_vtbl =
{
    behavior_QueryInterface,
    behavior_AddRef,
    behavior_Release,
    behavior_GetTypeInfoCount,
    behavior_GetTypeInfo,
    behavior_GetIDsOfNames,
    behavior_Invoke,
    behavior_get_CanRequestUserInput,
    behavior_get_Impact,
    behavior_get_RebootBehavior,
    behavior_get_RequiresNetworkConnectivity,
};

/* Without InstallProperties, SDP's defaults: normal impact, may ask for a reboot. */
static HRESULT behavior_create(const struct catalog_behavior *values, IInstallationBehavior **out)
{
    struct behavior *This;

    if (!out) return E_POINTER;
    *out = NULL;
    if (!(This = calloc(1, sizeof(*This)))) return E_OUTOFMEMORY;
    This->IInstallationBehavior_iface.lpVtbl = &behavior_vtbl;
    This->refs = 1;
    if (values && values->present) This->values = *values;
    else This->values.reboot = irbCanRequestReboot;
    object_created();
    *out = &This->IInstallationBehavior_iface;
    return S_OK;
}

/* --- IUpdateIdentity --- */

struct identity
{
    IUpdateIdentity IUpdateIdentity_iface;
    LONG refs;
    GUID id;
    LONG revision;
};

static struct dispatch_type identity_type = DISPATCH_TYPE(IID_IUpdateIdentity);

static inline struct identity *impl_from_IUpdateIdentity(IUpdateIdentity *iface)
{
    return CONTAINING_RECORD(iface, struct identity, IUpdateIdentity_iface);
}

static HRESULT WINAPI identity_QueryInterface(IUpdateIdentity *iface, REFIID riid, void **obj)
{
    if (!obj) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch) || IsEqualIID(riid, &IID_IUpdateIdentity))
    {
        *obj = iface;
        IUpdateIdentity_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI identity_AddRef(IUpdateIdentity *iface)
{
    return InterlockedIncrement(&impl_from_IUpdateIdentity(iface)->refs);
}

static ULONG WINAPI identity_Release(IUpdateIdentity *iface)
{
    struct identity *This = impl_from_IUpdateIdentity(iface);
    ULONG refs = InterlockedDecrement(&This->refs);

    if (!refs)
    {
        free(This);
        object_destroyed();
    }
    return refs;
}

DEFINE_IDISPATCH(identity, IUpdateIdentity, identity_type)

static HRESULT WINAPI identity_get_RevisionNumber(IUpdateIdentity *iface, LONG *out)
{
    if (!out) return E_POINTER;
    *out = impl_from_IUpdateIdentity(iface)->revision;
    return S_OK;
}

static HRESULT WINAPI identity_get_UpdateID(IUpdateIdentity *iface, BSTR *out)
{
    return return_guid(&impl_from_IUpdateIdentity(iface)->id, out);
}

static const IUpdateIdentityVtbl identity_vtbl =
{
    identity_QueryInterface,
    identity_AddRef,
    identity_Release,
    identity_GetTypeInfoCount,
    identity_GetTypeInfo,
    identity_GetIDsOfNames,
    identity_Invoke,
    identity_get_RevisionNumber,
    identity_get_UpdateID,
};

HRESULT identity_create(const GUID *id, LONG revision, IUpdateIdentity **out)
{
    struct identity *This;

    if (!out) return E_POINTER;
    *out = NULL;
    if (!(This = calloc(1, sizeof(*This)))) return E_OUTOFMEMORY;
    This->IUpdateIdentity_iface.lpVtbl = &identity_vtbl;
    This->refs = 1;
    This->id = *id;
    This->revision = revision;
    object_created();
    *out = &This->IUpdateIdentity_iface;
    return S_OK;
}

/* --- IUpdateDownloadContent2 --- */

struct content
{
    IUpdateDownloadContent2 IUpdateDownloadContent2_iface;
    LONG refs;
    BSTR url;
};

static struct dispatch_type content_type = DISPATCH_TYPE(IID_IUpdateDownloadContent2);
static struct dispatch_type content_collection_type = DISPATCH_TYPE(IID_IUpdateDownloadContentCollection);

static inline struct content *impl_from_IUpdateDownloadContent2(IUpdateDownloadContent2 *iface)
{
    return CONTAINING_RECORD(iface, struct content, IUpdateDownloadContent2_iface);
}

static HRESULT WINAPI content_QueryInterface(IUpdateDownloadContent2 *iface, REFIID riid, void **obj)
{
    if (!obj) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch)
        || IsEqualIID(riid, &IID_IUpdateDownloadContent) || IsEqualIID(riid, &IID_IUpdateDownloadContent2))
    {
        *obj = iface;
        IUpdateDownloadContent2_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI content_AddRef(IUpdateDownloadContent2 *iface)
{
    return InterlockedIncrement(&impl_from_IUpdateDownloadContent2(iface)->refs);
}

static ULONG WINAPI content_Release(IUpdateDownloadContent2 *iface)
{
    struct content *This = impl_from_IUpdateDownloadContent2(iface);
    ULONG refs = InterlockedDecrement(&This->refs);

    if (!refs)
    {
        SysFreeString(This->url);
        free(This);
        object_destroyed();
    }
    return refs;
}

DEFINE_IDISPATCH(content, IUpdateDownloadContent2, content_type)

static HRESULT WINAPI content_get_DownloadUrl(IUpdateDownloadContent2 *iface, BSTR *out)
{
    return return_bstr(impl_from_IUpdateDownloadContent2(iface)->url, out);
}

/* SDP content is always whole files. */
static HRESULT WINAPI content_get_IsDeltaCompressedContent(IUpdateDownloadContent2 *iface, VARIANT_BOOL *out)
{
    (void)iface;
    return return_bool(FALSE, out);
}

static const IUpdateDownloadContent2Vtbl content_vtbl =
{
    content_QueryInterface,
    content_AddRef,
    content_Release,
    content_GetTypeInfoCount,
    content_GetTypeInfo,
    content_GetIDsOfNames,
    content_Invoke,
    content_get_DownloadUrl,
    content_get_IsDeltaCompressedContent,
};

static HRESULT content_create(const WCHAR *url, IDispatch **out)
{
    struct content *This;

    if (!(This = calloc(1, sizeof(*This)))) return E_OUTOFMEMORY;
    This->IUpdateDownloadContent2_iface.lpVtbl = &content_vtbl;
    This->refs = 1;
    if (!(This->url = SysAllocString(url ? url : L"")))
    {
        free(This);
        return E_OUTOFMEMORY;
    }
    object_created();
    *out = (IDispatch *)&This->IUpdateDownloadContent2_iface;
    return S_OK;
}

/* --- IUpdate5 --- */

struct update
{
    IUpdate5 IUpdate5_iface;
    LONG refs;
    struct update_record *record;
    LCID locale;
    DeploymentAction action;
};

static struct dispatch_type update_type = DISPATCH_TYPE(IID_IUpdate5);

static inline struct update *impl_from_IUpdate5(IUpdate5 *iface)
{
    return CONTAINING_RECORD(iface, struct update, IUpdate5_iface);
}

/* The package, locked for reading; every caller pairs it with unlock(). */
static const struct catalog_package *lock(IUpdate5 *iface)
{
    return update_record_lock(impl_from_IUpdate5(iface)->record);
}

static void unlock(IUpdate5 *iface)
{
    update_record_unlock(impl_from_IUpdate5(iface)->record);
}

static HRESULT WINAPI update_QueryInterface(IUpdate5 *iface, REFIID riid, void **obj)
{
    if (!obj) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch) || IsEqualIID(riid, &IID_IUpdate)
        || IsEqualIID(riid, &IID_IUpdate2) || IsEqualIID(riid, &IID_IUpdate3) || IsEqualIID(riid, &IID_IUpdate4)
        || IsEqualIID(riid, &IID_IUpdate5))
    {
        *obj = iface;
        IUpdate5_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI update_AddRef(IUpdate5 *iface)
{
    return InterlockedIncrement(&impl_from_IUpdate5(iface)->refs);
}

static ULONG WINAPI update_Release(IUpdate5 *iface)
{
    struct update *This = impl_from_IUpdate5(iface);
    ULONG refs = InterlockedDecrement(&This->refs);

    if (!refs)
    {
        update_record_release(This->record);
        free(This);
        object_destroyed();
    }
    return refs;
}

DEFINE_IDISPATCH(update, IUpdate5, update_type)

static HRESULT WINAPI update_get_Title(IUpdate5 *iface, BSTR *out)
{
    HRESULT hr = return_bstr(catalog_text_for(lock(iface), impl_from_IUpdate5(iface)->locale)->title, out);

    unlock(iface);
    return hr;
}

static BOOL is_classification(const struct catalog_package *package, const WCHAR *name)
{
    return package->classification && !_wcsicmp(package->classification, name);
}

/* Windows selects critical and security updates on its update web sites. */
static HRESULT WINAPI update_get_AutoSelectOnWebSites(IUpdate5 *iface, VARIANT_BOOL *out)
{
    const struct catalog_package *package = lock(iface);
    BOOL important = is_classification(package, L"Critical Updates") || is_classification(package, L"Security Updates");

    unlock(iface);
    return return_bool(important, out);
}

/* SDP bundles (BundledPackages) are not read yet: no update has bundled updates. */
static HRESULT WINAPI update_get_BundledUpdates(IUpdate5 *iface, IUpdateCollection **out)
{
    (void)iface;
    if (!out) return E_POINTER;
    return update_collection_create(TRUE, out);
}

static HRESULT WINAPI update_get_CanRequireSource(IUpdate5 *iface, VARIANT_BOOL *out)
{
    (void)iface;
    return return_bool(FALSE, out);
}

static HRESULT add_category(struct category_set *set, const GUID *id, const WCHAR *name, const WCHAR *type,
                            int parent, IUpdate *update, int *index)
{
    HRESULT hr = category_set_add(set, id, name, type, parent, index);

    if (SUCCEEDED(hr) && update) hr = category_set_add_update(set, *index, update);
    return hr;
}

/* The classification, the company and its products; update, when given, is
 * filed under each of them (a search's RootCategories). */
static HRESULT add_categories(struct category_set *set, const struct catalog_package *package, IUpdate *update)
{
    const WCHAR *vendor = package->vendor ? package->vendor : L"";
    WCHAR name[512];
    int company = CATEGORY_ROOTS, index;
    unsigned int i;
    GUID id;
    HRESULT hr = S_OK;

    if (catalog_classification_guid(package->classification, &id))
        hr = add_category(set, &id, package->classification ? package->classification : L"Applications",
                          L"UpdateClassification", CATEGORY_ROOTS, update, &index);
    if (SUCCEEDED(hr) && package->vendor && SUCCEEDED(hr = catalog_name_guid(vendor, &id)))
        hr = add_category(set, &id, vendor, L"Company", CATEGORY_ROOTS, update, &company);
    for (i = 0; i < package->products.count && SUCCEEDED(hr); i++)
    {
        swprintf(name, ARRAY_SIZE(name), L"%ls\\%ls", vendor, package->products.items[i]);
        if (SUCCEEDED(hr = catalog_name_guid(name, &id)))
            hr = add_category(set, &id, package->products.items[i], L"Product", company, update, &index);
    }
    return hr;
}

static HRESULT WINAPI update_get_Categories(IUpdate5 *iface, ICategoryCollection **out)
{
    struct category_set *set;
    HRESULT hr;

    if (!out) return E_POINTER;
    *out = NULL;
    if (FAILED(hr = category_set_create(&set))) return hr;
    hr = add_categories(set, lock(iface), NULL);
    unlock(iface);
    /* A company whose products are listed is their parent, not one of the update's categories. */
    if (SUCCEEDED(hr)) hr = category_collection_create(set, CATEGORY_LEAVES, out);
    category_set_release(set);
    return hr;
}

/* SDP has no deadlines. */
static HRESULT WINAPI update_get_Deadline(IUpdate5 *iface, VARIANT *out)
{
    (void)iface;
    if (!out) return E_POINTER;
    VariantInit(out);
    return S_OK;
}

static HRESULT WINAPI update_get_DeltaCompressedContentAvailable(IUpdate5 *iface, VARIANT_BOOL *out)
{
    (void)iface;
    return return_bool(FALSE, out);
}

static HRESULT WINAPI update_get_DeltaCompressedContentPreferred(IUpdate5 *iface, VARIANT_BOOL *out)
{
    (void)iface;
    return return_bool(FALSE, out);
}

static HRESULT WINAPI update_get_Description(IUpdate5 *iface, BSTR *out)
{
    HRESULT hr = return_bstr(catalog_text_for(lock(iface), impl_from_IUpdate5(iface)->locale)->description, out);

    unlock(iface);
    return hr;
}

/* An update without EULA has nothing to accept ([MS-UAMG]: EulaAccepted TRUE). */
static HRESULT WINAPI update_get_EulaAccepted(IUpdate5 *iface, VARIANT_BOOL *out)
{
    BOOL has_eula = lock(iface)->eula != NULL;

    unlock(iface);
    return return_bool(!has_eula || update_record_has(impl_from_IUpdate5(iface)->record, UPDATE_EULA_ACCEPTED), out);
}

static HRESULT WINAPI update_get_EulaText(IUpdate5 *iface, BSTR *out)
{
    HRESULT hr = return_bstr(lock(iface)->eula, out);

    unlock(iface);
    return hr;
}

static const WCHAR *handler_id(const struct catalog_package *package)
{
    if (package->type == utDriver) return HANDLER_BASE L"WindowsDriver";
    if (!package->item_count) return L"";
    switch (package->items[0].installer)
    {
    case CATALOG_INSTALLER_COMMAND_LINE: return HANDLER_BASE L"CommandLineInstallation";
    case CATALOG_INSTALLER_MSI:
    case CATALOG_INSTALLER_MSP: return HANDLER_BASE L"WindowsInstaller";
    default: return L"";
    }
}

static HRESULT WINAPI update_get_HandlerID(IUpdate5 *iface, BSTR *out)
{
    HRESULT hr = return_bstr(handler_id(lock(iface)), out);

    unlock(iface);
    return hr;
}

static HRESULT WINAPI update_get_Identity(IUpdate5 *iface, IUpdateIdentity **out)
{
    const struct catalog_package *package = lock(iface);
    HRESULT hr = identity_create(&package->id, package->revision, out);

    unlock(iface);
    return hr;
}

static HRESULT WINAPI update_get_Image(IUpdate5 *iface, IImageInformation **out)
{
    (void)iface;
    if (!out) return E_POINTER;
    *out = NULL;
    return S_OK;
}

static HRESULT WINAPI update_get_InstallationBehavior(IUpdate5 *iface, IInstallationBehavior **out)
{
    const struct catalog_package *package = lock(iface);
    HRESULT hr = behavior_create(package->item_count ? &package->items[0].install : NULL, out);

    unlock(iface);
    return hr;
}

static HRESULT WINAPI update_get_IsBeta(IUpdate5 *iface, VARIANT_BOOL *out)
{
    (void)iface;
    return return_bool(FALSE, out);
}

static BOOL has_content(const struct catalog_package *package)
{
    unsigned int i;

    for (i = 0; i < package->item_count; i++)
        if (package->items[i].file) return TRUE;
    return FALSE;
}

/* An update with nothing to download has all of its content. */
static HRESULT WINAPI update_get_IsDownloaded(IUpdate5 *iface, VARIANT_BOOL *out)
{
    BOOL content = has_content(lock(iface));

    unlock(iface);
    return return_bool(!content || update_record_has(impl_from_IUpdate5(iface)->record, UPDATE_DOWNLOADED), out);
}

static HRESULT WINAPI update_get_IsHidden(IUpdate5 *iface, VARIANT_BOOL *out)
{
    return return_bool(update_record_has(impl_from_IUpdate5(iface)->record, UPDATE_HIDDEN), out);
}

static HRESULT WINAPI update_put_IsHidden(IUpdate5 *iface, VARIANT_BOOL value)
{
    if (!is_variant_bool(value)) return E_INVALIDARG;
    return update_record_persist(impl_from_IUpdate5(iface)->record, UPDATE_HIDDEN, value == VARIANT_TRUE);
}

static HRESULT WINAPI update_get_IsInstalled(IUpdate5 *iface, VARIANT_BOOL *out)
{
    return return_bool(update_record_has(impl_from_IUpdate5(iface)->record, UPDATE_INSTALLED), out);
}

static HRESULT WINAPI update_get_IsMandatory(IUpdate5 *iface, VARIANT_BOOL *out)
{
    (void)iface;
    return return_bool(FALSE, out);
}

/* Windows Installer packages can be removed; SDP gives command-line items no uninstall command. */
static BOOL is_uninstallable(const struct catalog_package *package)
{
    return package->item_count && (package->items[0].installer == CATALOG_INSTALLER_MSI
                                   || package->items[0].installer == CATALOG_INSTALLER_MSP);
}

static HRESULT WINAPI update_get_IsUninstallable(IUpdate5 *iface, VARIANT_BOOL *out)
{
    BOOL uninstallable = is_uninstallable(lock(iface));

    unlock(iface);
    return return_bool(uninstallable, out);
}

static HRESULT WINAPI update_get_Languages(IUpdate5 *iface, IStringCollection **out)
{
    const struct catalog_package *package;
    HRESULT hr;

    if (!out) return E_POINTER;
    package = lock(iface);
    hr = string_list_collection(package->item_count ? &package->items[0].languages : &(struct string_list){0}, out);
    unlock(iface);
    return hr;
}

static HRESULT WINAPI update_get_LastDeploymentChangeTime(IUpdate5 *iface, DATE *out)
{
    SYSTEMTIME st;
    BOOL ok;

    if (!out) return E_POINTER;
    ok = FileTimeToSystemTime(&lock(iface)->created, &st);
    unlock(iface);
    if (!ok || !SystemTimeToVariantTime(&st, out)) return E_UNEXPECTED;
    return S_OK;
}

static ULONGLONG content_size(const struct catalog_package *package)
{
    ULONGLONG total = 0;
    unsigned int i;

    for (i = 0; i < package->item_count; i++)
        if (package->items[i].file) total += package->items[i].file->size;
    return total;
}

/* Without delta content the smallest download is the whole one. */
static HRESULT WINAPI update_get_MaxDownloadSize(IUpdate5 *iface, DECIMAL *out)
{
    if (!out) return E_POINTER;
    decimal_from(content_size(lock(iface)), out);
    unlock(iface);
    return S_OK;
}

static HRESULT WINAPI update_get_MinDownloadSize(IUpdate5 *iface, DECIMAL *out)
{
    return update_get_MaxDownloadSize(iface, out);
}

static HRESULT WINAPI update_get_MoreInfoUrls(IUpdate5 *iface, IStringCollection **out)
{
    HRESULT hr;

    if (!out) return E_POINTER;
    hr = string_list_collection(&lock(iface)->more_info_urls, out);
    unlock(iface);
    return hr;
}

static HRESULT WINAPI update_get_MsrcSeverity(IUpdate5 *iface, BSTR *out)
{
    HRESULT hr = return_bstr(lock(iface)->severity, out);

    unlock(iface);
    return hr;
}

static HRESULT zero(LONG *out)
{
    if (!out) return E_POINTER;
    *out = 0;
    return S_OK;
}

/* SDP states no hardware recommendations. */
static HRESULT WINAPI update_get_RecommendedCpuSpeed(IUpdate5 *iface, LONG *out)
{
    (void)iface;
    return zero(out);
}

static HRESULT WINAPI update_get_RecommendedHardDiskSpace(IUpdate5 *iface, LONG *out)
{
    (void)iface;
    return zero(out);
}

static HRESULT WINAPI update_get_RecommendedMemory(IUpdate5 *iface, LONG *out)
{
    (void)iface;
    return zero(out);
}

static HRESULT WINAPI update_get_ReleaseNotes(IUpdate5 *iface, BSTR *out)
{
    (void)iface;
    return return_bstr(L"", out);
}

static HRESULT WINAPI update_get_SecurityBulletinIDs(IUpdate5 *iface, IStringCollection **out)
{
    HRESULT hr;

    if (!out) return E_POINTER;
    hr = string_list_collection(&lock(iface)->bulletin_ids, out);
    unlock(iface);
    return hr;
}

static HRESULT superseded_collection(const struct catalog_package *package, IStringCollection **out)
{
    WCHAR text[37];
    HRESULT hr;
    unsigned int i;

    if (FAILED(hr = string_collection_create(TRUE, out))) return hr;
    for (i = 0; i < package->superseded_count && SUCCEEDED(hr); i++)
    {
        guid_to_wua_string(&package->superseded[i], text);
        hr = string_collection_append(*out, text);
    }
    if (FAILED(hr))
    {
        IStringCollection_Release(*out);
        *out = NULL;
    }
    return hr;
}

static HRESULT WINAPI update_get_SupersededUpdateIDs(IUpdate5 *iface, IStringCollection **out)
{
    HRESULT hr;

    if (!out) return E_POINTER;
    hr = superseded_collection(lock(iface), out);
    unlock(iface);
    return hr;
}

static HRESULT WINAPI update_get_SupportUrl(IUpdate5 *iface, BSTR *out)
{
    HRESULT hr = return_bstr(lock(iface)->support_url, out);

    unlock(iface);
    return hr;
}

static HRESULT WINAPI update_get_Type(IUpdate5 *iface, UpdateType *out)
{
    if (!out) return E_POINTER;
    *out = lock(iface)->type;
    unlock(iface);
    return S_OK;
}

static HRESULT WINAPI update_get_UninstallationNotes(IUpdate5 *iface, BSTR *out)
{
    (void)iface;
    return return_bstr(L"", out);
}

static HRESULT WINAPI update_get_UninstallationBehavior(IUpdate5 *iface, IInstallationBehavior **out)
{
    const struct catalog_package *package = lock(iface);
    HRESULT hr = behavior_create(package->item_count ? &package->items[0].uninstall : NULL, out);

    unlock(iface);
    return hr;
}

static HRESULT WINAPI update_get_UninstallationSteps(IUpdate5 *iface, IStringCollection **out)
{
    (void)iface;
    if (!out) return E_POINTER;
    return string_collection_create(TRUE, out);
}

static HRESULT WINAPI update_get_KBArticleIDs(IUpdate5 *iface, IStringCollection **out)
{
    HRESULT hr;

    if (!out) return E_POINTER;
    hr = string_list_collection(&lock(iface)->kb_ids, out);
    unlock(iface);
    return hr;
}

static HRESULT WINAPI update_AcceptEula(IUpdate5 *iface)
{
    return update_record_persist(impl_from_IUpdate5(iface)->record, UPDATE_EULA_ACCEPTED, TRUE);
}

static HRESULT WINAPI update_get_DeploymentAction(IUpdate5 *iface, DeploymentAction *out)
{
    if (!out) return E_POINTER;
    *out = impl_from_IUpdate5(iface)->action;
    return S_OK;
}

/* Copies the files the downloader put in the cache (checked again) into path. */
static HRESULT WINAPI update_CopyFromCache(IUpdate5 *iface, BSTR path, VARIANT_BOOL extract)
{
    VARIANT_BOOL downloaded;

    if (!SysStringLen(path) || !is_variant_bool(extract)) return E_INVALIDARG;
    update_get_IsDownloaded(iface, &downloaded);
    if (!downloaded) return WU_E_DM_NOTDOWNLOADED;
    return download_copy_from_cache(impl_from_IUpdate5(iface)->record, path);
}

static HRESULT WINAPI update_get_DownloadPriority(IUpdate5 *iface, DownloadPriority *out)
{
    (void)iface;
    if (!out) return E_POINTER;
    *out = dpNormal;
    return S_OK;
}

static HRESULT contents(const struct catalog_package *package, IUpdateDownloadContentCollection **out)
{
    struct var_array items = { 0 };
    IDispatch *content;
    HRESULT hr = S_OK;
    unsigned int i;

    for (i = 0; i < package->item_count && SUCCEEDED(hr); i++)
    {
        if (!package->items[i].file) continue;
        if (SUCCEEDED(hr = content_create(package->items[i].file->uri, &content)))
            hr = var_array_append_object(&items, content);
    }
    if (FAILED(hr))
    {
        var_array_clear(&items);
        return hr;
    }
    return ro_collection_create(&IID_IUpdateDownloadContentCollection, &content_collection_type, &items,
                                (void **)out);
}

static HRESULT WINAPI update_get_DownloadContents(IUpdate5 *iface, IUpdateDownloadContentCollection **out)
{
    HRESULT hr;

    if (!out) return E_POINTER;
    hr = contents(lock(iface), out);
    unlock(iface);
    return hr;
}

static HRESULT WINAPI update_get_RebootRequired(IUpdate5 *iface, VARIANT_BOOL *out)
{
    return return_bool(update_record_has(impl_from_IUpdate5(iface)->record, UPDATE_REBOOT_REQUIRED), out);
}

/* SDP updates are machine-wide: present means installed. */
static HRESULT WINAPI update_get_IsPresent(IUpdate5 *iface, VARIANT_BOOL *out)
{
    return update_get_IsInstalled(iface, out);
}

static HRESULT WINAPI update_get_CveIDs(IUpdate5 *iface, IStringCollection **out)
{
    HRESULT hr;

    if (!out) return E_POINTER;
    hr = string_list_collection(&lock(iface)->cve_ids, out);
    unlock(iface);
    return hr;
}

static HRESULT WINAPI update_CopyToCache(IUpdate5 *iface, IStringCollection *files)
{
    return download_copy_to_cache(impl_from_IUpdate5(iface)->record, files);
}

static HRESULT WINAPI update_get_BrowseOnly(IUpdate5 *iface, VARIANT_BOOL *out)
{
    (void)iface;
    return return_bool(FALSE, out);
}

static HRESULT WINAPI update_get_PerUser(IUpdate5 *iface, VARIANT_BOOL *out)
{
    (void)iface;
    return return_bool(FALSE, out);
}

static HRESULT WINAPI update_get_AutoSelection(IUpdate5 *iface, AutoSelectionMode *out)
{
    (void)iface;
    if (!out) return E_POINTER;
    *out = asLetWindowsUpdateDecide;
    return S_OK;
}

static HRESULT WINAPI update_get_AutoDownload(IUpdate5 *iface, AutoDownloadMode *out)
{
    (void)iface;
    if (!out) return E_POINTER;
    *out = adLetWindowsUpdateDecide;
    return S_OK;
}

static const IUpdate5Vtbl update_vtbl =
{
    update_QueryInterface,
    update_AddRef,
    update_Release,
    update_GetTypeInfoCount,
    update_GetTypeInfo,
    update_GetIDsOfNames,
    update_Invoke,
    update_get_Title,
    update_get_AutoSelectOnWebSites,
    update_get_BundledUpdates,
    update_get_CanRequireSource,
    update_get_Categories,
    update_get_Deadline,
    update_get_DeltaCompressedContentAvailable,
    update_get_DeltaCompressedContentPreferred,
    update_get_Description,
    update_get_EulaAccepted,
    update_get_EulaText,
    update_get_HandlerID,
    update_get_Identity,
    update_get_Image,
    update_get_InstallationBehavior,
    update_get_IsBeta,
    update_get_IsDownloaded,
    update_get_IsHidden,
    update_put_IsHidden,
    update_get_IsInstalled,
    update_get_IsMandatory,
    update_get_IsUninstallable,
    update_get_Languages,
    update_get_LastDeploymentChangeTime,
    update_get_MaxDownloadSize,
    update_get_MinDownloadSize,
    update_get_MoreInfoUrls,
    update_get_MsrcSeverity,
    update_get_RecommendedCpuSpeed,
    update_get_RecommendedHardDiskSpace,
    update_get_RecommendedMemory,
    update_get_ReleaseNotes,
    update_get_SecurityBulletinIDs,
    update_get_SupersededUpdateIDs,
    update_get_SupportUrl,
    update_get_Type,
    update_get_UninstallationNotes,
    update_get_UninstallationBehavior,
    update_get_UninstallationSteps,
    update_get_KBArticleIDs,
    update_AcceptEula,
    update_get_DeploymentAction,
    update_CopyFromCache,
    update_get_DownloadPriority,
    update_get_DownloadContents,
    update_get_RebootRequired,
    update_get_IsPresent,
    update_get_CveIDs,
    update_CopyToCache,
    update_get_BrowseOnly,
    update_get_PerUser,
    update_get_AutoSelection,
    update_get_AutoDownload,
};

/* Takes a reference on record. */
HRESULT update_create(struct update_record *record, LCID locale, DeploymentAction action, IUpdate **out)
{
    struct update *This;

    *out = NULL;
    if (!(This = calloc(1, sizeof(*This)))) return E_OUTOFMEMORY;
    This->IUpdate5_iface.lpVtbl = &update_vtbl;
    This->refs = 1;
    This->record = record;
    This->locale = locale;
    This->action = action;
    update_record_addref(record);
    object_created();
    *out = (IUpdate *)&This->IUpdate5_iface;
    return S_OK;
}

/* Adds the update's categories to a search's set, with the update in each. */
HRESULT update_add_to_categories(IUpdate *update, struct category_set *set)
{
    struct update *This = impl_from_IUpdate5((IUpdate5 *)update);
    HRESULT hr;

    hr = add_categories(set, update_record_lock(This->record), update);
    update_record_unlock(This->record);
    return hr;
}

/* The record behind one of OpenWUA's own updates, with a reference; NULL for
 * any other object (a client's own IUpdate implementation). */
struct update_record *update_record_from(IUpdate *update)
{
    struct update *This;

    if (!update || (const void *)update->lpVtbl != (const void *)&update_vtbl) return NULL;
    This = impl_from_IUpdate5((IUpdate5 *)update);
    update_record_addref(This->record);
    return This->record;
}
