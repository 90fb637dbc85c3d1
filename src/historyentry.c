/*
 * OpenWUA: installation history as COM objects (IUpdateHistoryEntry2 and
 * IUpdateHistoryEntryCollection), and history_record, which turns an install
 * or uninstall attempt of an update into a stored entry.
 *
 * The store itself (history.c) knows nothing of COM or of update records, so
 * the unit tests link it alone.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include "private.h"
#include "category.h"
#include "history.h"
#include "store.h"

/* --- recording --- */

struct category_lists
{
    GUID *ids;
    WCHAR **names;
    WCHAR **types;
    LONG count;
};

static void add_category(struct category_lists *lists, const GUID *id, const WCHAR *name, const WCHAR *type)
{
    lists->ids[lists->count] = *id;
    lists->names[lists->count] = (WCHAR *)name;
    lists->types[lists->count++] = (WCHAR *)type;
}

/* The update's categories as IUpdate::Categories shows them: classification,
 * then each product (or the company when no product is named). */
static HRESULT package_categories(const struct catalog_package *package, struct category_lists *lists)
{
    unsigned int i, max = package->products.count + 2;
    WCHAR name[512];
    GUID id;
    HRESULT hr = S_OK;

    memset(lists, 0, sizeof(*lists));
    lists->ids = calloc(max, sizeof(*lists->ids));
    lists->names = calloc(max, sizeof(*lists->names));
    lists->types = calloc(max, sizeof(*lists->types));
    if (!lists->ids || !lists->names || !lists->types) return E_OUTOFMEMORY;
    if (catalog_classification_guid(package->classification, &id))
        add_category(lists, &id, package->classification ? package->classification : L"Applications",
                      L"UpdateClassification");
    if (package->vendor && !package->products.count && SUCCEEDED(hr = catalog_name_guid(package->vendor, &id)))
        add_category(lists, &id, package->vendor, L"Company");
    for (i = 0; i < package->products.count && SUCCEEDED(hr); i++)
    {
        swprintf(name, ARRAY_SIZE(name), L"%ls\\%ls", package->vendor ? package->vendor : L"",
                 package->products.items[i]);
        if (SUCCEEDED(hr = catalog_name_guid(name, &id)))
            add_category(lists, &id, package->products.items[i], L"Product");
    }
    return hr;
}

static void free_categories(struct category_lists *lists)
{
    free(lists->ids);
    free(lists->names);
    free(lists->types);
}

HRESULT history_record(struct update_record *record, LONG operation, LONG result_code, HRESULT hr,
                       LONG unmapped_result, const WCHAR *client_id)
{
    const struct catalog_package *package;
    const struct catalog_text *text;
    struct category_lists categories;
    struct history_entry entry;
    SYSTEMTIME now;

    if (!record) return E_POINTER;
    if (operation != uoInstallation && operation != uoUninstallation) return E_INVALIDARG;
    memset(&entry, 0, sizeof(entry));
    entry.operation = operation;
    entry.result_code = result_code;
    entry.hresult = hr;
    entry.unmapped_result = unmapped_result;
    entry.client_id = (WCHAR *)client_id;
    GetSystemTime(&now);
    SystemTimeToVariantTime(&now, &entry.date);
    /* The default catalog is the default service, which answers to Windows Update's
     * ID; a scan package service is one of the "others". */
    entry.service_id = record->service;
    entry.server_selection = IsEqualGUID(&record->service, &default_service_id) ? ssWindowsUpdate : ssOthers;

    package = update_record_lock(record);
    text = catalog_text_for(package, GetUserDefaultUILanguage());
    entry.update_id = package->id;
    entry.revision = package->revision;
    entry.title = text->title;
    entry.description = text->description;
    entry.support_url = package->support_url;
    if (SUCCEEDED(hr = package_categories(package, &categories)))
    {
        entry.categories = categories.ids;
        entry.category_names = categories.names;
        entry.category_types = categories.types;
        entry.category_count = categories.count;
        hr = history_append(&entry);
    }
    update_record_unlock(record);
    free_categories(&categories);
    return hr;
}

/* --- IUpdateHistoryEntry2 --- */

struct history_item
{
    IUpdateHistoryEntry2 IUpdateHistoryEntry2_iface;
    LONG refs;
    struct history_entry *entry;    /* an array of one, as history_read gives them */
};

static struct dispatch_type history_item_type = DISPATCH_TYPE(IID_IUpdateHistoryEntry2);
static struct dispatch_type history_collection_type = DISPATCH_TYPE(IID_IUpdateHistoryEntryCollection);

static inline struct history_item *impl_from_IUpdateHistoryEntry2(IUpdateHistoryEntry2 *iface)
{
    return CONTAINING_RECORD(iface, struct history_item, IUpdateHistoryEntry2_iface);
}

static inline const struct history_entry *entry_of(IUpdateHistoryEntry2 *iface)
{
    return impl_from_IUpdateHistoryEntry2(iface)->entry;
}

static HRESULT WINAPI history_item_QueryInterface(IUpdateHistoryEntry2 *iface, REFIID riid, void **obj)
{
    if (!obj) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch)
        || IsEqualIID(riid, &IID_IUpdateHistoryEntry) || IsEqualIID(riid, &IID_IUpdateHistoryEntry2))
    {
        *obj = iface;
        IUpdateHistoryEntry2_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI history_item_AddRef(IUpdateHistoryEntry2 *iface)
{
    return InterlockedIncrement(&impl_from_IUpdateHistoryEntry2(iface)->refs);
}

static ULONG WINAPI history_item_Release(IUpdateHistoryEntry2 *iface)
{
    struct history_item *This = impl_from_IUpdateHistoryEntry2(iface);
    ULONG refs = InterlockedDecrement(&This->refs);

    if (!refs)
    {
        history_free_entries(This->entry, 1);
        free(This);
        object_destroyed();
    }
    return refs;
}

DEFINE_IDISPATCH(history_item, IUpdateHistoryEntry2, history_item_type)

static HRESULT return_long(LONG value, LONG *out)
{
    if (!out) return E_POINTER;
    *out = value;
    return S_OK;
}

static HRESULT WINAPI history_item_get_Operation(IUpdateHistoryEntry2 *iface, UpdateOperation *out)
{
    return return_long(entry_of(iface)->operation, (LONG *)out);
}

static HRESULT WINAPI history_item_get_ResultCode(IUpdateHistoryEntry2 *iface, OperationResultCode *out)
{
    return return_long(entry_of(iface)->result_code, (LONG *)out);
}

static HRESULT WINAPI history_item_get_HResult(IUpdateHistoryEntry2 *iface, LONG *out)
{
    return return_long(entry_of(iface)->hresult, out);
}

static HRESULT WINAPI history_item_get_Date(IUpdateHistoryEntry2 *iface, DATE *out)
{
    if (!out) return E_POINTER;
    *out = entry_of(iface)->date;
    return S_OK;
}

static HRESULT WINAPI history_item_get_UpdateIdentity(IUpdateHistoryEntry2 *iface, IUpdateIdentity **out)
{
    const struct history_entry *entry = entry_of(iface);

    return identity_create(&entry->update_id, entry->revision, out);
}

static HRESULT WINAPI history_item_get_Title(IUpdateHistoryEntry2 *iface, BSTR *out)
{
    return return_bstr(entry_of(iface)->title, out);
}

static HRESULT WINAPI history_item_get_Description(IUpdateHistoryEntry2 *iface, BSTR *out)
{
    return return_bstr(entry_of(iface)->description, out);
}

static HRESULT WINAPI history_item_get_UnmappedResultCode(IUpdateHistoryEntry2 *iface, LONG *out)
{
    return return_long(entry_of(iface)->unmapped_result, out);
}

static HRESULT WINAPI history_item_get_ClientApplicationID(IUpdateHistoryEntry2 *iface, BSTR *out)
{
    return return_bstr(entry_of(iface)->client_id, out);
}

static HRESULT WINAPI history_item_get_ServerSelection(IUpdateHistoryEntry2 *iface, ServerSelection *out)
{
    return return_long(entry_of(iface)->server_selection, (LONG *)out);
}

static HRESULT WINAPI history_item_get_ServiceID(IUpdateHistoryEntry2 *iface, BSTR *out)
{
    return return_guid(&entry_of(iface)->service_id, out);
}

static HRESULT WINAPI history_item_get_UninstallationSteps(IUpdateHistoryEntry2 *iface, IStringCollection **out)
{
    const struct history_entry *entry = entry_of(iface);
    IStringCollection *steps;
    HRESULT hr;
    LONG i;

    if (!out) return E_POINTER;
    *out = NULL;
    if (FAILED(hr = string_collection_create(TRUE, &steps))) return hr;
    for (i = 0; i < entry->uninstall_step_count && SUCCEEDED(hr); i++)
        hr = string_collection_append(steps, entry->uninstall_steps[i]);
    if (FAILED(hr))
    {
        IStringCollection_Release(steps);
        return hr;
    }
    *out = steps;
    return S_OK;
}

static HRESULT WINAPI history_item_get_UninstallationNotes(IUpdateHistoryEntry2 *iface, BSTR *out)
{
    return return_bstr(entry_of(iface)->uninstall_notes, out);
}

static HRESULT WINAPI history_item_get_SupportUrl(IUpdateHistoryEntry2 *iface, BSTR *out)
{
    return return_bstr(entry_of(iface)->support_url, out);
}

/* The category set keeps type names by pointer: hand it the constant ones. */
static const WCHAR *category_type(const WCHAR *stored)
{
    static const WCHAR *const known[] = { L"UpdateClassification", L"Company", L"Product" };
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(known); i++)
        if (!wcscmp(stored, known[i])) return known[i];
    return L"";
}

static HRESULT WINAPI history_item_get_Categories(IUpdateHistoryEntry2 *iface, ICategoryCollection **out)
{
    const struct history_entry *entry = entry_of(iface);
    struct category_set *set;
    int index;
    HRESULT hr;
    LONG i;

    if (!out) return E_POINTER;
    *out = NULL;
    if (FAILED(hr = category_set_create(&set))) return hr;
    for (i = 0; i < entry->category_count && SUCCEEDED(hr); i++)
        hr = category_set_add(set, &entry->categories[i], entry->category_names[i],
                              category_type(entry->category_types[i]), CATEGORY_ROOTS, &index);
    if (SUCCEEDED(hr)) hr = category_collection_create(set, CATEGORY_ALL, out);
    category_set_release(set);
    return hr;
}

static const IUpdateHistoryEntry2Vtbl history_item_vtbl =
{
    history_item_QueryInterface,
    history_item_AddRef,
    history_item_Release,
    history_item_GetTypeInfoCount,
    history_item_GetTypeInfo,
    history_item_GetIDsOfNames,
    history_item_Invoke,
    history_item_get_Operation,
    history_item_get_ResultCode,
    history_item_get_HResult,
    history_item_get_Date,
    history_item_get_UpdateIdentity,
    history_item_get_Title,
    history_item_get_Description,
    history_item_get_UnmappedResultCode,
    history_item_get_ClientApplicationID,
    history_item_get_ServerSelection,
    history_item_get_ServiceID,
    history_item_get_UninstallationSteps,
    history_item_get_UninstallationNotes,
    history_item_get_SupportUrl,
    history_item_get_Categories,
};

/* Takes the entry's contents over (*entry is zeroed), also on failure. */
static HRESULT history_item_create(struct history_entry *entry, IUpdateHistoryEntry2 **out)
{
    struct history_item *This;
    struct history_entry *copy;

    *out = NULL;
    copy = calloc(1, sizeof(*copy));
    if (copy) *copy = *entry;
    memset(entry, 0, sizeof(*entry));
    if (!copy || !(This = calloc(1, sizeof(*This))))
    {
        history_free_entries(copy, copy ? 1 : 0);
        return E_OUTOFMEMORY;
    }
    This->IUpdateHistoryEntry2_iface.lpVtbl = &history_item_vtbl;
    This->refs = 1;
    This->entry = copy;
    object_created();
    *out = &This->IUpdateHistoryEntry2_iface;
    return S_OK;
}

/* --- the collection QueryHistory returns --- */

HRESULT history_query(const GUID *update_id, LONG start, LONG count, IUpdateHistoryEntryCollection **out)
{
    struct history_entry *entries;
    IUpdateHistoryEntry2 *item;
    struct var_array items = { 0 };
    LONG read, i;
    HRESULT hr;

    *out = NULL;
    if (FAILED(hr = history_read_matching(update_id, start, count, &entries, &read))) return hr;
    for (i = 0; i < read && SUCCEEDED(hr); i++)
        if (SUCCEEDED(hr = history_item_create(&entries[i], &item)))
            hr = var_array_append_object(&items, (IDispatch *)item);
    history_free_entries(entries, read);
    if (FAILED(hr))
    {
        var_array_clear(&items);
        return hr;
    }
    return ro_collection_create(&IID_IUpdateHistoryEntryCollection, &history_collection_type, &items, (void **)out);
}
