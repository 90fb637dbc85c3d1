/*
 * OpenWUA: UpdateDownloader and its results (IDownloadResult,
 * IUpdateDownloadResult).
 *
 * Download() puts every file of every update in the collection into the
 * download cache (download.c), one update after the other in the
 * collection's order.  An update that fails is a failed result at its
 * position, never an error of the call.  The asynchronous pair
 * (BeginDownload/EndDownload) comes with the job engine.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "private.h"
#include "store.h"
#include "download.h"

/* --- IUpdateDownloadResult --- */

struct update_result
{
    IUpdateDownloadResult IUpdateDownloadResult_iface;
    LONG refs;
    HRESULT hr;
    OperationResultCode code;
};

static struct dispatch_type update_result_type = DISPATCH_TYPE(IID_IUpdateDownloadResult);

static inline struct update_result *impl_from_IUpdateDownloadResult(IUpdateDownloadResult *iface)
{
    return CONTAINING_RECORD(iface, struct update_result, IUpdateDownloadResult_iface);
}

static HRESULT WINAPI update_result_QueryInterface(IUpdateDownloadResult *iface, REFIID riid, void **obj)
{
    if (!obj) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch)
        || IsEqualIID(riid, &IID_IUpdateDownloadResult))
    {
        *obj = iface;
        IUpdateDownloadResult_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI update_result_AddRef(IUpdateDownloadResult *iface)
{
    return InterlockedIncrement(&impl_from_IUpdateDownloadResult(iface)->refs);
}

static ULONG WINAPI update_result_Release(IUpdateDownloadResult *iface)
{
    struct update_result *This = impl_from_IUpdateDownloadResult(iface);
    ULONG refs = InterlockedDecrement(&This->refs);

    if (!refs)
    {
        free(This);
        object_destroyed();
    }
    return refs;
}

DEFINE_IDISPATCH(update_result, IUpdateDownloadResult, update_result_type)

static HRESULT WINAPI update_result_get_HResult(IUpdateDownloadResult *iface, LONG *out)
{
    if (!out) return E_POINTER;
    *out = impl_from_IUpdateDownloadResult(iface)->hr;
    return S_OK;
}

static HRESULT WINAPI update_result_get_ResultCode(IUpdateDownloadResult *iface, OperationResultCode *out)
{
    if (!out) return E_POINTER;
    *out = impl_from_IUpdateDownloadResult(iface)->code;
    return S_OK;
}

static const IUpdateDownloadResultVtbl update_result_vtbl =
{
    update_result_QueryInterface,
    update_result_AddRef,
    update_result_Release,
    update_result_GetTypeInfoCount,
    update_result_GetTypeInfo,
    update_result_GetIDsOfNames,
    update_result_Invoke,
    update_result_get_HResult,
    update_result_get_ResultCode,
};

static HRESULT update_result_create(HRESULT hr, OperationResultCode code, IUpdateDownloadResult **out)
{
    struct update_result *This;

    if (!(This = calloc(1, sizeof(*This)))) return E_OUTOFMEMORY;
    This->IUpdateDownloadResult_iface.lpVtbl = &update_result_vtbl;
    This->refs = 1;
    This->hr = hr;
    This->code = code;
    object_created();
    *out = &This->IUpdateDownloadResult_iface;
    return S_OK;
}

/* --- IDownloadResult --- */

struct outcome
{
    HRESULT hr;
    OperationResultCode code;
};

struct result
{
    IDownloadResult IDownloadResult_iface;
    LONG refs;
    HRESULT hr;
    OperationResultCode code;
    LONG count;
    struct outcome *updates;
};

static struct dispatch_type result_type = DISPATCH_TYPE(IID_IDownloadResult);

static inline struct result *impl_from_IDownloadResult(IDownloadResult *iface)
{
    return CONTAINING_RECORD(iface, struct result, IDownloadResult_iface);
}

static HRESULT WINAPI result_QueryInterface(IDownloadResult *iface, REFIID riid, void **obj)
{
    if (!obj) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch) || IsEqualIID(riid, &IID_IDownloadResult))
    {
        *obj = iface;
        IDownloadResult_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI result_AddRef(IDownloadResult *iface)
{
    return InterlockedIncrement(&impl_from_IDownloadResult(iface)->refs);
}

static ULONG WINAPI result_Release(IDownloadResult *iface)
{
    struct result *This = impl_from_IDownloadResult(iface);
    ULONG refs = InterlockedDecrement(&This->refs);

    if (!refs)
    {
        free(This->updates);
        free(This);
        object_destroyed();
    }
    return refs;
}

DEFINE_IDISPATCH(result, IDownloadResult, result_type)

static HRESULT WINAPI result_get_HResult(IDownloadResult *iface, LONG *out)
{
    if (!out) return E_POINTER;
    *out = impl_from_IDownloadResult(iface)->hr;
    return S_OK;
}

static HRESULT WINAPI result_get_ResultCode(IDownloadResult *iface, OperationResultCode *out)
{
    if (!out) return E_POINTER;
    *out = impl_from_IDownloadResult(iface)->code;
    return S_OK;
}

static HRESULT WINAPI result_GetUpdateResult(IDownloadResult *iface, LONG index, IUpdateDownloadResult **out)
{
    struct result *This = impl_from_IDownloadResult(iface);

    if (!out) return E_POINTER;
    *out = NULL;
    if (index < 0 || index >= This->count) return WU_E_INVALIDINDEX;
    return update_result_create(This->updates[index].hr, This->updates[index].code, out);
}

static const IDownloadResultVtbl result_vtbl =
{
    result_QueryInterface,
    result_AddRef,
    result_Release,
    result_GetTypeInfoCount,
    result_GetTypeInfo,
    result_GetIDsOfNames,
    result_Invoke,
    result_get_HResult,
    result_get_ResultCode,
    result_GetUpdateResult,
};

/* Folds the per-update outcomes: all succeeded, some, or none.  The call's
 * HResult is S_OK unless every update failed; then it is the first update's. */
static HRESULT result_create(struct outcome *updates, LONG count, IDownloadResult **out)
{
    struct result *This;
    LONG i, succeeded = 0;

    if (!(This = calloc(1, sizeof(*This)))) return E_OUTOFMEMORY;
    This->IDownloadResult_iface.lpVtbl = &result_vtbl;
    This->refs = 1;
    This->updates = updates;
    This->count = count;
    for (i = 0; i < count; i++)
        if (updates[i].code == orcSucceeded) succeeded++;
    if (succeeded == count) This->code = orcSucceeded;
    else if (succeeded) This->code = orcSucceededWithErrors;
    else This->code = orcFailed;
    This->hr = This->code == orcFailed ? updates[0].hr : S_OK;
    object_created();
    *out = &This->IDownloadResult_iface;
    return S_OK;
}

/* --- downloading one update --- */

struct file_list
{
    struct catalog_file *files;
    unsigned int count;
};

static void file_list_free(struct file_list *list)
{
    unsigned int i;

    for (i = 0; i < list->count; i++)
    {
        free(list->files[i].name);
        free(list->files[i].uri);
    }
    free(list->files);
}

/* A copy of the package's files, so no lock is held while they are fetched. */
static HRESULT file_list_get(struct update_record *record, struct file_list *list)
{
    const struct catalog_package *package;
    const struct catalog_file *file;
    HRESULT hr = S_OK;
    unsigned int i;

    memset(list, 0, sizeof(*list));
    package = update_record_lock(record);
    if (package && package->item_count && !(list->files = calloc(package->item_count, sizeof(*list->files))))
        hr = E_OUTOFMEMORY;
    for (i = 0; package && SUCCEEDED(hr) && i < package->item_count; i++)
    {
        if (!(file = package->items[i].file)) continue;
        list->files[list->count] = *file;
        list->files[list->count].name = file->name ? wcsdup(file->name) : NULL;
        list->files[list->count].uri = file->uri ? wcsdup(file->uri) : NULL;
        list->count++;
        if ((file->name && !list->files[list->count - 1].name) || (file->uri && !list->files[list->count - 1].uri))
            hr = E_OUTOFMEMORY;
    }
    update_record_unlock(record);
    if (FAILED(hr)) file_list_free(list);
    return hr;
}

static HRESULT download_update(IUpdate *update, BOOL force)
{
    struct update_record *record;
    struct file_list list;
    BOOL fetched, removed, any_removed = FALSE;
    HRESULT hr;
    unsigned int i;

    /* a client's own IUpdate has no content OpenWUA knows of */
    if (!(record = update_record_from(update))) return WU_E_INVALID_UPDATE;
    if (SUCCEEDED(hr = file_list_get(record, &list)))
    {
        for (i = 0; i < list.count && SUCCEEDED(hr); i++)
        {
            hr = download_file(&record->id, &list.files[i], force, NULL, &fetched, &removed);
            if (removed) any_removed = TRUE;
        }
        file_list_free(&list);
    }
    if (SUCCEEDED(hr)) update_record_set(record, UPDATE_DOWNLOADED, TRUE);
    else if (any_removed) update_record_set(record, UPDATE_DOWNLOADED, FALSE);
    update_record_release(record);
    return hr;
}

/* IUpdate::CopyFromCache: every file of the update, checked, into path (which must exist). */
HRESULT download_copy_from_cache(struct update_record *record, const WCHAR *path)
{
    struct file_list list;
    DWORD attributes;
    HRESULT hr;
    unsigned int i;

    attributes = GetFileAttributesW(path);
    if (attributes == INVALID_FILE_ATTRIBUTES || !(attributes & FILE_ATTRIBUTE_DIRECTORY)) return STG_E_PATHNOTFOUND;
    if (FAILED(hr = file_list_get(record, &list))) return hr;
    for (i = 0; i < list.count && SUCCEEDED(hr); i++) hr = download_copy_out(&record->id, &list.files[i], path);
    file_list_free(&list);
    return hr;
}

/* --- IUpdateDownloader --- */

struct downloader
{
    IUpdateDownloader IUpdateDownloader_iface;
    LONG refs;
    SRWLOCK lock;               /* guards client_id and updates */
    BSTR client_id;             /* NULL until set */
    BOOL forced;
    DownloadPriority priority;
    IUpdateCollection *updates;
};

static struct dispatch_type downloader_type = DISPATCH_TYPE(IID_IUpdateDownloader);

static inline struct downloader *impl_from_IUpdateDownloader(IUpdateDownloader *iface)
{
    return CONTAINING_RECORD(iface, struct downloader, IUpdateDownloader_iface);
}

static HRESULT WINAPI downloader_QueryInterface(IUpdateDownloader *iface, REFIID riid, void **obj)
{
    if (!obj) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch)
        || IsEqualIID(riid, &IID_IUpdateDownloader))
    {
        *obj = iface;
        IUpdateDownloader_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI downloader_AddRef(IUpdateDownloader *iface)
{
    return InterlockedIncrement(&impl_from_IUpdateDownloader(iface)->refs);
}

static ULONG WINAPI downloader_Release(IUpdateDownloader *iface)
{
    struct downloader *This = impl_from_IUpdateDownloader(iface);
    ULONG refs = InterlockedDecrement(&This->refs);

    if (!refs)
    {
        if (This->updates) IUpdateCollection_Release(This->updates);
        SysFreeString(This->client_id);
        free(This);
        object_destroyed();
    }
    return refs;
}

DEFINE_IDISPATCH(downloader, IUpdateDownloader, downloader_type)

/* "Unknown" until a client names itself. */
static HRESULT WINAPI downloader_get_ClientApplicationID(IUpdateDownloader *iface, BSTR *out)
{
    struct downloader *This = impl_from_IUpdateDownloader(iface);
    HRESULT hr;

    AcquireSRWLockShared(&This->lock);
    hr = return_bstr(This->client_id ? This->client_id : L"Unknown", out);
    ReleaseSRWLockShared(&This->lock);
    return hr;
}

static HRESULT WINAPI downloader_put_ClientApplicationID(IUpdateDownloader *iface, BSTR value)
{
    struct downloader *This = impl_from_IUpdateDownloader(iface);
    HRESULT hr;

    AcquireSRWLockExclusive(&This->lock);
    hr = bstr_copy(value, &This->client_id);
    ReleaseSRWLockExclusive(&This->lock);
    return hr;
}

static HRESULT WINAPI downloader_get_IsForced(IUpdateDownloader *iface, VARIANT_BOOL *out)
{
    return return_bool(impl_from_IUpdateDownloader(iface)->forced, out);
}

static HRESULT WINAPI downloader_put_IsForced(IUpdateDownloader *iface, VARIANT_BOOL value)
{
    if (!is_variant_bool(value)) return E_INVALIDARG;
    impl_from_IUpdateDownloader(iface)->forced = value == VARIANT_TRUE;
    return S_OK;
}

static HRESULT WINAPI downloader_get_Priority(IUpdateDownloader *iface, DownloadPriority *out)
{
    if (!out) return E_POINTER;
    *out = impl_from_IUpdateDownloader(iface)->priority;
    return S_OK;
}

/* Kept and reported; every download runs at the same speed. */
static HRESULT WINAPI downloader_put_Priority(IUpdateDownloader *iface, DownloadPriority value)
{
    if (value < dpLow || value > dpExtraHigh) return E_INVALIDARG;
    impl_from_IUpdateDownloader(iface)->priority = value;
    return S_OK;
}

/* The very collection that was put (clients rely on it). */
static HRESULT WINAPI downloader_get_Updates(IUpdateDownloader *iface, IUpdateCollection **out)
{
    struct downloader *This = impl_from_IUpdateDownloader(iface);

    if (!out) return E_POINTER;
    AcquireSRWLockShared(&This->lock);
    if ((*out = This->updates)) IUpdateCollection_AddRef(*out);
    ReleaseSRWLockShared(&This->lock);
    return S_OK;
}

/* NULL (Nothing) takes the collection away again. */
static HRESULT WINAPI downloader_put_Updates(IUpdateDownloader *iface, IUpdateCollection *value)
{
    struct downloader *This = impl_from_IUpdateDownloader(iface);
    IUpdateCollection *old;

    if (value) IUpdateCollection_AddRef(value);
    AcquireSRWLockExclusive(&This->lock);
    old = This->updates;
    This->updates = value;
    ReleaseSRWLockExclusive(&This->lock);
    if (old) IUpdateCollection_Release(old);
    return S_OK;
}

static HRESULT WINAPI downloader_BeginDownload(IUpdateDownloader *iface, IUnknown *progress, IUnknown *completed,
                                               VARIANT state, IDownloadJob **out)
{
    (void)iface; (void)progress; (void)completed; (void)state;
    if (!out) return E_POINTER;
    *out = NULL;
    return E_NOTIMPL;
}

static HRESULT WINAPI downloader_Download(IUpdateDownloader *iface, IDownloadResult **out)
{
    struct downloader *This = impl_from_IUpdateDownloader(iface);
    IUpdateCollection *updates;
    struct outcome *outcomes;
    IUpdate *update;
    LONG i, count = 0;
    HRESULT hr;

    if (!out) return E_POINTER;
    *out = NULL;
    AcquireSRWLockShared(&This->lock);
    if ((updates = This->updates)) IUpdateCollection_AddRef(updates);
    ReleaseSRWLockShared(&This->lock);
    if (!updates) return WU_E_NO_UPDATE;
    if (FAILED(hr = IUpdateCollection_get_Count(updates, &count)) || count <= 0)
    {
        IUpdateCollection_Release(updates);
        return FAILED(hr) ? hr : WU_E_NO_UPDATE;
    }
    if (!(outcomes = calloc(count, sizeof(*outcomes))))
    {
        IUpdateCollection_Release(updates);
        return E_OUTOFMEMORY;
    }
    for (i = 0; i < count; i++)
    {
        update = NULL;
        if (SUCCEEDED(hr = IUpdateCollection_get_Item(updates, i, &update)))
            hr = update ? download_update(update, This->forced) : WU_E_INVALID_UPDATE;
        if (update) IUpdate_Release(update);
        outcomes[i].hr = hr;
        outcomes[i].code = SUCCEEDED(hr) ? orcSucceeded : orcFailed;
    }
    IUpdateCollection_Release(updates);
    if (FAILED(hr = result_create(outcomes, count, out))) free(outcomes);
    return hr;
}

static HRESULT WINAPI downloader_EndDownload(IUpdateDownloader *iface, IDownloadJob *job, IDownloadResult **out)
{
    (void)iface; (void)job;
    if (!out) return E_POINTER;
    *out = NULL;
    return E_NOTIMPL;
}

static const IUpdateDownloaderVtbl downloader_vtbl =
{
    downloader_QueryInterface,
    downloader_AddRef,
    downloader_Release,
    downloader_GetTypeInfoCount,
    downloader_GetTypeInfo,
    downloader_GetIDsOfNames,
    downloader_Invoke,
    downloader_get_ClientApplicationID,
    downloader_put_ClientApplicationID,
    downloader_get_IsForced,
    downloader_put_IsForced,
    downloader_get_Priority,
    downloader_put_Priority,
    downloader_get_Updates,
    downloader_put_Updates,
    downloader_BeginDownload,
    downloader_Download,
    downloader_EndDownload,
};

HRESULT downloader_create(REFIID riid, void **obj)
{
    struct downloader *This;
    HRESULT hr;

    if (!obj) return E_POINTER;
    *obj = NULL;
    if (!(This = calloc(1, sizeof(*This)))) return E_OUTOFMEMORY;
    This->IUpdateDownloader_iface.lpVtbl = &downloader_vtbl;
    This->refs = 1;
    This->priority = dpNormal;
    InitializeSRWLock(&This->lock);
    object_created();
    hr = IUpdateDownloader_QueryInterface(&This->IUpdateDownloader_iface, riid, obj);
    IUpdateDownloader_Release(&This->IUpdateDownloader_iface);
    return hr;
}
