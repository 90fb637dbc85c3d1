/*
 * OpenWUA: UpdateDownloader and its results (IDownloadResult,
 * IUpdateDownloadResult).
 *
 * Download() puts every file of every update in the collection into the
 * download cache (download.c), one update after the other in the
 * collection's order.  An update that fails is a failed result at its
 * position, never an error of the call.  BeginDownload runs the same code
 * on the job engine (jobs.c) and keeps a progress record (see below).
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <shlwapi.h>
#include "private.h"
#include "log.h"
#include "store.h"
#include "download.h"
#include "jobs.h"

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

struct result
{
    IDownloadResult IDownloadResult_iface;
    LONG refs;
    struct update_outcome overall;
    LONG count;
    struct update_outcome *updates;
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
    *out = impl_from_IDownloadResult(iface)->overall.hr;
    return S_OK;
}

static HRESULT WINAPI result_get_ResultCode(IDownloadResult *iface, OperationResultCode *out)
{
    if (!out) return E_POINTER;
    *out = impl_from_IDownloadResult(iface)->overall.code;
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
 * HResult is S_OK unless every update failed; then it is the first update's.
 * Any update aborted (BeginDownload and RequestAbort): orcAborted, S_OK. */
static HRESULT result_create(struct update_outcome *updates, LONG count, IDownloadResult **out)
{
    struct result *This;

    if (!(This = calloc(1, sizeof(*This)))) return E_OUTOFMEMORY;
    This->IDownloadResult_iface.lpVtbl = &result_vtbl;
    This->refs = 1;
    This->updates = updates;
    This->count = count;
    outcome_fold(updates, count, &This->overall);
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

/* --- the proxy a download goes through ---
 *
 * A session's WebProxy with an Address: that proxy, its BypassList (and
 * "<local>" for BypassProxyOnLocal) as WinHTTP's bypass list.  No Address
 * (AutoDetect, or nothing set), or no session: the system proxy. */

struct proxy_setting
{
    enum transport_proxy kind;
    WCHAR *server;
    WCHAR *bypass;
};

static void proxy_setting_free(struct proxy_setting *setting)
{
    free(setting->server);
    free(setting->bypass);
    memset(setting, 0, sizeof(*setting));
}

/* The bypass entries joined by ';', as WinHTTP reads them. */
static HRESULT bypass_list(IWebProxy *proxy, WCHAR **out)
{
    IStringCollection *list = NULL;
    VARIANT_BOOL local = VARIANT_FALSE;
    size_t length = 16;
    LONG count = 0, i;
    BSTR entry;
    HRESULT hr;

    *out = NULL;
    if (FAILED(hr = IWebProxy_get_BypassProxyOnLocal(proxy, &local))) return hr;
    if (FAILED(hr = IWebProxy_get_BypassList(proxy, &list))) return hr;
    if (list && FAILED(hr = IStringCollection_get_Count(list, &count))) count = 0;
    for (i = 0; SUCCEEDED(hr) && i < count; i++)
    {
        if (FAILED(hr = IStringCollection_get_Item(list, i, &entry))) break;
        length += SysStringLen(entry) + 1;
        SysFreeString(entry);
    }
    if (SUCCEEDED(hr) && !(*out = calloc(length, sizeof(WCHAR)))) hr = E_OUTOFMEMORY;
    for (i = 0; SUCCEEDED(hr) && i < count; i++)
    {
        if (FAILED(hr = IStringCollection_get_Item(list, i, &entry))) break;
        /* the lengths were counted a moment ago: a list changed since is cut to them */
        if (entry && *entry && wcslen(*out) + SysStringLen(entry) + 2 < length)
        {
            if (**out) wcscat(*out, L";");
            wcscat(*out, entry);
        }
        SysFreeString(entry);
    }
    if (SUCCEEDED(hr) && local == VARIANT_TRUE) wcsncat(*out, **out ? L";<local>" : L"<local>", length - wcslen(*out) - 1);
    if (list) IStringCollection_Release(list);
    if (FAILED(hr))
    {
        free(*out);
        *out = NULL;
    }
    return hr;
}

static HRESULT proxy_setting_get(IWebProxy *proxy, struct proxy_setting *setting)
{
    BSTR address = NULL;
    HRESULT hr;

    memset(setting, 0, sizeof(*setting));
    setting->kind = TRANSPORT_PROXY_SYSTEM;
    if (!proxy) return S_OK;
    if (FAILED(hr = IWebProxy_get_Address(proxy, &address))) return hr;
    if (address && *address)
    {
        setting->kind = TRANSPORT_PROXY_NAMED;
        if (!(setting->server = wcsdup(address))) hr = E_OUTOFMEMORY;
        else hr = bypass_list(proxy, &setting->bypass);
    }
    SysFreeString(address);
    if (FAILED(hr)) proxy_setting_free(setting);
    return hr;
}

static void proxy_setting_apply(const struct proxy_setting *setting, struct transport_options *options)
{
    options->proxy = setting->kind;
    options->proxy_server = setting->server;
    options->proxy_bypass = setting->bypass && *setting->bypass ? setting->bypass : NULL;
}

/* What a job follows while one update downloads; NULL for Download(). */
struct update_hook
{
    const volatile LONG *abort;                         /* stops between files and between reads: E_ABORT */
    /* the update's bytes in place so far: files done, and the part of the one coming */
    void (*bytes)(void *context, ULONGLONG done);
    void *context;
};

struct file_progress
{
    const struct update_hook *hook;
    ULONGLONG before;           /* the bytes of the update's files done before this one */
};

static void file_progress(void *context, ULONGLONG done, ULONGLONG total)
{
    struct file_progress *progress = context;

    (void)total;
    progress->hook->bytes(progress->hook->context, progress->before + done);
}

static void log_file_result(const GUID *update, const struct catalog_file *file, HRESULT hr, BOOL fetched)
{
    WCHAR id[37];

    guid_to_wua_string(update, id);
    log_write(FAILED(hr) ? LOG_FAILURE : LOG_DETAIL, L"Download %ls file %ls from %ls: 0x%08lx, %ls", id,
              file->name ? file->name : L"", file->uri ? file->uri : L"", (unsigned long)hr,
              fetched ? L"fetched" : L"already in the cache");
}

static HRESULT download_update(IUpdate *update, BOOL force, const struct proxy_setting *proxy,
                               const struct update_hook *hook)
{
    struct transport_options options = { 0 };
    WCHAR id[37];
    struct file_progress progress = { hook, 0 };
    struct update_record *record;
    struct file_list list;
    BOOL fetched, removed, any_removed = FALSE;
    HRESULT hr;
    unsigned int i;

    /* a client's own IUpdate has no content OpenWUA knows of */
    if (!(record = update_record_from(update))) return WU_E_INVALID_UPDATE;
    proxy_setting_apply(proxy, &options);
    if (hook)
    {
        options.abort = hook->abort;
        options.progress = file_progress;
        options.progress_context = &progress;
    }
    if (SUCCEEDED(hr = file_list_get(record, &list)))
    {
        for (i = 0; i < list.count && SUCCEEDED(hr); i++)
        {
            if (hook && *hook->abort)
            {
                hr = E_ABORT;
                break;
            }
            hr = download_file(&record->id, &list.files[i], force, &options, &fetched, &removed);
            log_file_result(&record->id, &list.files[i], hr, fetched);
            if (removed) any_removed = TRUE;
            if (SUCCEEDED(hr)) progress.before += list.files[i].size;
            if (SUCCEEDED(hr) && hook) hook->bytes(hook->context, progress.before);
        }
        file_list_free(&list);
    }
    if (SUCCEEDED(hr)) update_record_set(record, UPDATE_DOWNLOADED, TRUE);
    else if (any_removed) update_record_set(record, UPDATE_DOWNLOADED, FALSE);
    guid_to_wua_string(&record->id, id);
    log_write(LOG_RESULT(hr), L"Download %ls: 0x%08lx", id, (unsigned long)hr);
    update_record_release(record);
    return hr;
}

/* IUpdate::CopyFromCache: every file of the update, checked, into path (which must exist). */
/* The update's file a client's path names: the one of the same file name.
 * Only full paths of files are taken, as the documentation says. */
static LONG file_for_path(const struct file_list *list, const WCHAR *path)
{
    const WCHAR *name;
    DWORD attributes;
    unsigned int i;

    if (!path || PathIsRelativeW(path)) return -1;
    attributes = GetFileAttributesW(path);
    if (attributes == INVALID_FILE_ATTRIBUTES || (attributes & FILE_ATTRIBUTE_DIRECTORY)) return -1;
    name = max(wcsrchr(path, '\\'), wcsrchr(path, '/'));
    name = name ? name + 1 : path;
    for (i = 0; i < list->count; i++)
        if (list->files[i].name && !wcsicmp(list->files[i].name, name)) return i;
    return -1;
}

/* Every path is checked before anything is copied, so a bad one changes nothing. */
static HRESULT paths_to_files(IStringCollection *files, const struct file_list *list, BSTR *paths, LONG *which,
                              LONG count)
{
    HRESULT hr = S_OK;
    LONG i;

    for (i = 0; i < count && SUCCEEDED(hr); i++)
    {
        if (FAILED(hr = IStringCollection_get_Item(files, i, &paths[i]))) break;
        if ((which[i] = file_for_path(list, paths[i])) < 0) hr = E_INVALIDARG;
    }
    return hr;
}

static HRESULT copy_paths(struct update_record *record, const struct file_list *list, BSTR *paths,
                          const LONG *which, LONG count)
{
    struct catalog_file file;
    BOOL fetched, removed;
    HRESULT hr = S_OK;
    LONG i;

    for (i = 0; i < count && SUCCEEDED(hr); i++)
    {
        file = list->files[which[i]];
        file.uri = paths[i];
        /* forced: the client's file is checked even when a good copy is there already */
        hr = download_file(&record->id, &file, TRUE, NULL, &fetched, &removed);
        log_file_result(&record->id, &file, hr, fetched);
    }
    return hr;
}

/* Whether every file of the update is in the cache and intact. */
static BOOL all_cached(struct update_record *record, const struct file_list *list)
{
    unsigned int i;

    for (i = 0; i < list->count; i++)
        if (!download_cached(&record->id, &list->files[i])) return FALSE;
    return TRUE;
}

HRESULT download_copy_to_cache(struct update_record *record, IStringCollection *files)
{
    struct file_list list;
    LONG count = 0, i, *which;
    BSTR *paths;
    HRESULT hr;

    if (!files || FAILED(IStringCollection_get_Count(files, &count)) || count <= 0) return E_INVALIDARG;
    if (FAILED(hr = file_list_get(record, &list))) return hr;
    paths = calloc(count, sizeof(*paths));
    which = calloc(count, sizeof(*which));
    if (!paths || !which) hr = E_OUTOFMEMORY;
    else if (SUCCEEDED(hr = paths_to_files(files, &list, paths, which, count)))
        hr = copy_paths(record, &list, paths, which, count);
    if (SUCCEEDED(hr) && all_cached(record, &list)) update_record_set(record, UPDATE_DOWNLOADED, TRUE);
    for (i = 0; paths && i < count; i++) SysFreeString(paths[i]);
    free(paths);
    free(which);
    file_list_free(&list);
    return hr;
}

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

/* --- the progress record of an asynchronous download ---
 *
 * Bytes are the catalog sizes of the updates' files.  They move with every
 * read of a fetch (a resumed part counts from its start: those bytes are
 * there), and by the whole file for one found intact in the cache.  The
 * progress callback hears of them at most every 200 ms, besides once per
 * update and a last time at the end.  PercentComplete is weighted by bytes:
 *     100 * (bytes of the updates already processed + CurrentUpdateBytesDownloaded)
 *         / TotalBytesToDownload
 * where a processed update counts its full size whatever its outcome, so the
 * last report is 100; with no bytes at all it is 100 * processed / count.
 * CurrentUpdatePercentComplete is 100 * current bytes done / current bytes
 * (100 once the update is processed, or when it has no bytes and is processed).
 * Phases: initializing while the update's file list is read, downloading while
 * its files are fetched and checked, verifying once they all are. */

struct progress_record
{
    LONG index;
    DownloadPhase phase;
    ULONGLONG current_done, current_total;
    ULONGLONG total_done, total_total;
    ULONGLONG processed_bytes;  /* the sizes of the updates processed so far */
    LONG processed;
    LONG count;
    struct update_outcome *outcomes;   /* count */
};

static LONG percent(ULONGLONG part, ULONGLONG whole)
{
    if (!whole) return 0;
    if (part >= whole) return 100;
    return (LONG)(part * 100 / whole);
}

static LONG record_percent(const struct progress_record *r)
{
    /* the current update's bytes count until it is processed: then processed_bytes has them */
    if (r->total_total) return percent(r->processed_bytes + (r->index >= r->processed ? r->current_done : 0), r->total_total);
    return r->count ? (LONG)(100 * (ULONGLONG)r->processed / r->count) : 100;
}

/* IDownloadProgress: a copy of the record, never updated. */
struct progress
{
    IDownloadProgress IDownloadProgress_iface;
    LONG refs;
    IUnknown *marshal;
    struct progress_record record;
};

static struct dispatch_type progress_type = DISPATCH_TYPE(IID_IDownloadProgress);

static inline struct progress *impl_from_IDownloadProgress(IDownloadProgress *iface)
{
    return CONTAINING_RECORD(iface, struct progress, IDownloadProgress_iface);
}

static HRESULT WINAPI progress_QueryInterface(IDownloadProgress *iface, REFIID riid, void **obj)
{
    struct progress *This = impl_from_IDownloadProgress(iface);

    if (!obj) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch) || IsEqualIID(riid, &IID_IDownloadProgress))
    {
        *obj = iface;
        IDownloadProgress_AddRef(iface);
        return S_OK;
    }
    if (IsEqualIID(riid, &IID_IMarshal) && This->marshal) return IUnknown_QueryInterface(This->marshal, riid, obj);
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI progress_AddRef(IDownloadProgress *iface)
{
    return InterlockedIncrement(&impl_from_IDownloadProgress(iface)->refs);
}

static ULONG WINAPI progress_Release(IDownloadProgress *iface)
{
    struct progress *This = impl_from_IDownloadProgress(iface);
    ULONG refs = InterlockedDecrement(&This->refs);

    if (!refs)
    {
        if (This->marshal) IUnknown_Release(This->marshal);
        free(This->record.outcomes);
        free(This);
        object_destroyed();
    }
    return refs;
}

DEFINE_IDISPATCH(progress, IDownloadProgress, progress_type)

static HRESULT return_decimal(ULONGLONG value, DECIMAL *out)
{
    if (!out) return E_POINTER;
    return VarDecFromUI8(value, out);
}

static HRESULT WINAPI progress_get_CurrentUpdateBytesDownloaded(IDownloadProgress *iface, DECIMAL *out)
{
    return return_decimal(impl_from_IDownloadProgress(iface)->record.current_done, out);
}

static HRESULT WINAPI progress_get_CurrentUpdateBytesToDownload(IDownloadProgress *iface, DECIMAL *out)
{
    return return_decimal(impl_from_IDownloadProgress(iface)->record.current_total, out);
}

static HRESULT WINAPI progress_get_CurrentUpdateIndex(IDownloadProgress *iface, LONG *out)
{
    if (!out) return E_POINTER;
    *out = impl_from_IDownloadProgress(iface)->record.index;
    return S_OK;
}

static HRESULT WINAPI progress_get_PercentComplete(IDownloadProgress *iface, LONG *out)
{
    if (!out) return E_POINTER;
    *out = record_percent(&impl_from_IDownloadProgress(iface)->record);
    return S_OK;
}

static HRESULT WINAPI progress_get_TotalBytesDownloaded(IDownloadProgress *iface, DECIMAL *out)
{
    return return_decimal(impl_from_IDownloadProgress(iface)->record.total_done, out);
}

static HRESULT WINAPI progress_get_TotalBytesToDownload(IDownloadProgress *iface, DECIMAL *out)
{
    return return_decimal(impl_from_IDownloadProgress(iface)->record.total_total, out);
}

/* orcNotStarted, orcInProgress, or the update's outcome. */
static HRESULT WINAPI progress_GetUpdateResult(IDownloadProgress *iface, LONG index, IUpdateDownloadResult **out)
{
    struct progress_record *r = &impl_from_IDownloadProgress(iface)->record;

    if (!out) return E_POINTER;
    *out = NULL;
    if (index < 0 || index >= r->count) return WU_E_INVALIDINDEX;
    return update_result_create(r->outcomes[index].hr, r->outcomes[index].code, out);
}

static HRESULT WINAPI progress_get_CurrentUpdateDownloadPhase(IDownloadProgress *iface, DownloadPhase *out)
{
    if (!out) return E_POINTER;
    *out = impl_from_IDownloadProgress(iface)->record.phase;
    return S_OK;
}

static HRESULT WINAPI progress_get_CurrentUpdatePercentComplete(IDownloadProgress *iface, LONG *out)
{
    struct progress_record *r = &impl_from_IDownloadProgress(iface)->record;

    if (!out) return E_POINTER;
    if (r->index < r->processed) *out = 100;
    else *out = percent(r->current_done, r->current_total);
    return S_OK;
}

static const IDownloadProgressVtbl progress_vtbl =
{
    progress_QueryInterface,
    progress_AddRef,
    progress_Release,
    progress_GetTypeInfoCount,
    progress_GetTypeInfo,
    progress_GetIDsOfNames,
    progress_Invoke,
    progress_get_CurrentUpdateBytesDownloaded,
    progress_get_CurrentUpdateBytesToDownload,
    progress_get_CurrentUpdateIndex,
    progress_get_PercentComplete,
    progress_get_TotalBytesDownloaded,
    progress_get_TotalBytesToDownload,
    progress_GetUpdateResult,
    progress_get_CurrentUpdateDownloadPhase,
    progress_get_CurrentUpdatePercentComplete,
};

/* IDownloadProgressChangedCallbackArgs: Progress is the same snapshot every time. */
struct progress_args
{
    IDownloadProgressChangedCallbackArgs IDownloadProgressChangedCallbackArgs_iface;
    LONG refs;
    IUnknown *marshal;
    IDownloadProgress *progress;
};

static struct dispatch_type progress_args_type = DISPATCH_TYPE(IID_IDownloadProgressChangedCallbackArgs);

static inline struct progress_args *impl_from_IDownloadProgressChangedCallbackArgs(IDownloadProgressChangedCallbackArgs *iface)
{
    return CONTAINING_RECORD(iface, struct progress_args, IDownloadProgressChangedCallbackArgs_iface);
}

static HRESULT WINAPI progress_args_QueryInterface(IDownloadProgressChangedCallbackArgs *iface, REFIID riid, void **obj)
{
    struct progress_args *This = impl_from_IDownloadProgressChangedCallbackArgs(iface);

    if (!obj) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch)
        || IsEqualIID(riid, &IID_IDownloadProgressChangedCallbackArgs))
    {
        *obj = iface;
        IDownloadProgressChangedCallbackArgs_AddRef(iface);
        return S_OK;
    }
    if (IsEqualIID(riid, &IID_IMarshal) && This->marshal) return IUnknown_QueryInterface(This->marshal, riid, obj);
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI progress_args_AddRef(IDownloadProgressChangedCallbackArgs *iface)
{
    return InterlockedIncrement(&impl_from_IDownloadProgressChangedCallbackArgs(iface)->refs);
}

static ULONG WINAPI progress_args_Release(IDownloadProgressChangedCallbackArgs *iface)
{
    struct progress_args *This = impl_from_IDownloadProgressChangedCallbackArgs(iface);
    ULONG refs = InterlockedDecrement(&This->refs);

    if (!refs)
    {
        if (This->marshal) IUnknown_Release(This->marshal);
        IDownloadProgress_Release(This->progress);
        free(This);
        object_destroyed();
    }
    return refs;
}

DEFINE_IDISPATCH(progress_args, IDownloadProgressChangedCallbackArgs, progress_args_type)

static HRESULT WINAPI progress_args_get_Progress(IDownloadProgressChangedCallbackArgs *iface, IDownloadProgress **out)
{
    if (!out) return E_POINTER;
    *out = impl_from_IDownloadProgressChangedCallbackArgs(iface)->progress;
    IDownloadProgress_AddRef(*out);
    return S_OK;
}

static const IDownloadProgressChangedCallbackArgsVtbl progress_args_vtbl =
{
    progress_args_QueryInterface,
    progress_args_AddRef,
    progress_args_Release,
    progress_args_GetTypeInfoCount,
    progress_args_GetTypeInfo,
    progress_args_GetIDsOfNames,
    progress_args_Invoke,
    progress_args_get_Progress,
};

/* --- BeginDownload's work --- */

struct download_task
{
    SRWLOCK lock;               /* guards record */
    struct progress_record record;
    IUpdateCollection *updates; /* read-only snapshot taken by BeginDownload */
    IUpdate **items;            /* the same updates; entries may be NULL */
    ULONGLONG *sizes;           /* bytes of each update's files */
    BOOL forced;
    struct proxy_setting proxy; /* as it was at BeginDownload */
    struct job *job;            /* while the work runs */
    DWORD last_report;          /* tick of the last progress callback */
};

static void download_task_free(void *context)
{
    struct download_task *task = context;
    LONG i;

    for (i = 0; i < task->record.count; i++)
        if (task->items[i]) IUpdate_Release(task->items[i]);
    if (task->updates) IUpdateCollection_Release(task->updates);
    free(task->items);
    free(task->sizes);
    free(task->record.outcomes);
    proxy_setting_free(&task->proxy);
    free(task);
}

static HRESULT download_task_updates(void *context, IUpdateCollection **out)
{
    struct download_task *task = context;

    *out = task->updates;
    IUpdateCollection_AddRef(*out);
    return S_OK;
}

static HRESULT progress_snapshot(void *context, IDownloadProgress **out)
{
    struct download_task *task = context;
    struct progress *This;
    HRESULT hr;

    if (!(This = calloc(1, sizeof(*This)))) return E_OUTOFMEMORY;
    if (!(This->record.outcomes = calloc(task->record.count, sizeof(*This->record.outcomes))))
    {
        free(This);
        return E_OUTOFMEMORY;
    }
    This->IDownloadProgress_iface.lpVtbl = &progress_vtbl;
    This->refs = 1;
    AcquireSRWLockShared(&task->lock);
    memcpy(This->record.outcomes, task->record.outcomes, task->record.count * sizeof(*This->record.outcomes));
    This->record.index = task->record.index;
    This->record.phase = task->record.phase;
    This->record.current_done = task->record.current_done;
    This->record.current_total = task->record.current_total;
    This->record.total_done = task->record.total_done;
    This->record.total_total = task->record.total_total;
    This->record.processed_bytes = task->record.processed_bytes;
    This->record.processed = task->record.processed;
    This->record.count = task->record.count;
    ReleaseSRWLockShared(&task->lock);
    object_created();
    if (FAILED(hr = CoCreateFreeThreadedMarshaler((IUnknown *)&This->IDownloadProgress_iface, &This->marshal)))
    {
        IDownloadProgress_Release(&This->IDownloadProgress_iface);
        return hr;
    }
    *out = &This->IDownloadProgress_iface;
    return S_OK;
}

/* Calls the progress callback with a snapshot; unless forced, at most every 200 ms. */
static void report(struct download_task *task, BOOL force)
{
    struct progress_args *args;
    IDownloadProgress *progress;
    DWORD now = GetTickCount();

    if (!job_wants_progress(task->job)) return;
    if (!force && now - task->last_report < 200) return;
    task->last_report = now;
    if (FAILED(progress_snapshot(task, &progress))) return;
    if (!(args = calloc(1, sizeof(*args))))
    {
        IDownloadProgress_Release(progress);
        return;
    }
    args->IDownloadProgressChangedCallbackArgs_iface.lpVtbl = &progress_args_vtbl;
    args->refs = 1;
    args->progress = progress;
    object_created();
    if (SUCCEEDED(CoCreateFreeThreadedMarshaler((IUnknown *)&args->IDownloadProgressChangedCallbackArgs_iface,
                                                &args->marshal)))
        job_report_progress(task->job, (IDispatch *)&args->IDownloadProgressChangedCallbackArgs_iface);
    IDownloadProgressChangedCallbackArgs_Release(&args->IDownloadProgressChangedCallbackArgs_iface);
}

/* Bytes can go back (a part the server would not continue is fetched from
 * its start again): the totals follow, in unsigned arithmetic that comes
 * out right. */
static void task_bytes(void *context, ULONGLONG done)
{
    struct download_task *task = context;

    AcquireSRWLockExclusive(&task->lock);
    task->record.total_done += done - task->record.current_done;
    task->record.current_done = done;
    ReleaseSRWLockExclusive(&task->lock);
    report(task, FALSE);
}

static ULONGLONG update_size(IUpdate *update)
{
    struct update_record *record;
    struct file_list list;
    ULONGLONG size = 0;
    unsigned int i;

    if (!update || !(record = update_record_from(update))) return 0;
    if (SUCCEEDED(file_list_get(record, &list)))
    {
        for (i = 0; i < list.count; i++) size += list.files[i].size;
        file_list_free(&list);
    }
    update_record_release(record);
    return size;
}

/* What Download does, one update after the other, keeping the record.  An
 * abort stops before the next file (or read): that update and every later
 * one are orcAborted (E_ABORT). */
static HRESULT download_work(struct job *job, void *context, IUnknown **out)
{
    struct download_task *task = context;
    struct progress_record *r = &task->record;
    struct update_hook hook = { job_abort_flag(job), task_bytes, task };
    struct update_outcome *outcomes;
    IDownloadResult *result;
    ULONGLONG total = 0;
    LONG i, count = r->count;
    HRESULT hr;

    task->job = job;
    /* the 200 ms between throttled reports count from the start: a small
     * first update is reported by its own report, not by a read in it */
    task->last_report = GetTickCount();
    for (i = 0; i < count; i++) total += (task->sizes[i] = update_size(task->items[i]));
    AcquireSRWLockExclusive(&task->lock);
    r->total_total = total;
    r->current_total = task->sizes[0];
    ReleaseSRWLockExclusive(&task->lock);
    for (i = 0; i < count; i++)
    {
        AcquireSRWLockExclusive(&task->lock);
        r->index = i;
        r->phase = dphInitializing;
        r->current_done = 0;
        r->current_total = task->sizes[i];
        r->outcomes[i].code = orcInProgress;
        ReleaseSRWLockExclusive(&task->lock);
        if (job_abort_requested(job)) hr = E_ABORT;
        else
        {
            AcquireSRWLockExclusive(&task->lock);
            r->phase = dphDownloading;
            ReleaseSRWLockExclusive(&task->lock);
            hr = task->items[i] ? download_update(task->items[i], task->forced, &task->proxy, &hook)
                                : WU_E_INVALID_UPDATE;
        }
        AcquireSRWLockExclusive(&task->lock);
        r->phase = dphVerifying;
        r->outcomes[i].hr = hr;
        r->outcomes[i].code = hr == E_ABORT ? orcAborted : SUCCEEDED(hr) ? orcSucceeded : orcFailed;
        r->processed_bytes += task->sizes[i];
        r->processed = i + 1;
        if (hr == E_ABORT)
        {
            /* the rest are not started: aborted too */
            for (i = i + 1; i < count; i++)
            {
                r->outcomes[i].hr = E_ABORT;
                r->outcomes[i].code = orcAborted;
                r->processed_bytes += task->sizes[i];
            }
            r->processed = count;
        }
        ReleaseSRWLockExclusive(&task->lock);
        report(task, TRUE);
    }
    task->job = NULL;

    if (!(outcomes = calloc(count, sizeof(*outcomes)))) return E_OUTOFMEMORY;
    AcquireSRWLockShared(&task->lock);
    memcpy(outcomes, r->outcomes, count * sizeof(*outcomes));
    ReleaseSRWLockShared(&task->lock);
    if (FAILED(hr = result_create(outcomes, count, &result)))
    {
        free(outcomes);
        return hr;
    }
    *out = (IUnknown *)result;
    return S_OK;
}

/* --- IUpdateDownloader --- */

struct downloader
{
    IUpdateDownloader IUpdateDownloader_iface;
    LONG refs;
    SRWLOCK lock;               /* guards updates */
    struct client_id client_id;
    BOOL forced;
    DownloadPriority priority;
    IUpdateCollection *updates;
    IWebProxy *proxy;           /* the session's; NULL: the system proxy */
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
        if (This->proxy) IWebProxy_Release(This->proxy);
        client_id_free(&This->client_id);
        free(This);
        object_destroyed();
    }
    return refs;
}

DEFINE_IDISPATCH(downloader, IUpdateDownloader, downloader_type)

/* "Unknown" until a client names itself. */
static HRESULT WINAPI downloader_get_ClientApplicationID(IUpdateDownloader *iface, BSTR *out)
{
    return client_id_get(&impl_from_IUpdateDownloader(iface)->client_id, L"Unknown", out);
}

static HRESULT WINAPI downloader_put_ClientApplicationID(IUpdateDownloader *iface, BSTR value)
{
    return client_id_put(&impl_from_IUpdateDownloader(iface)->client_id, value);
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

/* Updates is checked here (WU_E_NO_UPDATE) and copied: the job's Updates is
 * a read-only snapshot, IsForced is taken as it is now.  Callbacks: the
 * typed interfaces or an object's DISPID 0 (jobs.c). */
static HRESULT WINAPI downloader_BeginDownload(IUpdateDownloader *iface, IUnknown *progress, IUnknown *completed,
                                               VARIANT state, IDownloadJob **out)
{
    struct downloader *This = impl_from_IUpdateDownloader(iface);
    struct job_params params = { 0 };
    struct download_task *task;
    IUpdateCollection *updates;
    IDispatch *job;
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
    if (!(task = calloc(1, sizeof(*task))))
    {
        IUpdateCollection_Release(updates);
        return E_OUTOFMEMORY;
    }
    InitializeSRWLock(&task->lock);
    task->forced = This->forced;
    if (FAILED(hr = proxy_setting_get(This->proxy, &task->proxy)))
    {
        IUpdateCollection_Release(updates);
        download_task_free(task);
        return hr;
    }
    task->record.phase = dphInitializing;
    if (!(task->items = calloc(count, sizeof(*task->items))) || !(task->sizes = calloc(count, sizeof(*task->sizes)))
        || !(task->record.outcomes = calloc(count, sizeof(*task->record.outcomes))))
        hr = E_OUTOFMEMORY;
    else hr = update_collection_create(TRUE, &task->updates);
    for (i = 0; i < count && SUCCEEDED(hr); i++)
    {
        if (SUCCEEDED(hr = IUpdateCollection_get_Item(updates, i, &task->items[i])))
        {
            task->record.count = i + 1;
            hr = update_collection_append(task->updates, task->items[i]);
        }
    }
    IUpdateCollection_Release(updates);
    if (FAILED(hr))
    {
        download_task_free(task);
        return hr;
    }
    params.kind = JOB_DOWNLOAD;
    params.owner = (IUnknown *)iface;
    params.work = download_work;
    params.context = task;
    params.free_context = download_task_free;
    params.on_completed = completed;
    params.on_progress = progress;
    params.get_updates = download_task_updates;
    params.get_progress = progress_snapshot;
    params.state = &state;
    if (SUCCEEDED(hr = job_start(&params, &job))) *out = (IDownloadJob *)job;
    return hr;
}

static HRESULT WINAPI downloader_Download(IUpdateDownloader *iface, IDownloadResult **out)
{
    struct downloader *This = impl_from_IUpdateDownloader(iface);
    struct proxy_setting proxy;
    IUpdateCollection *updates;
    struct update_outcome *outcomes;
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
    if (FAILED(hr = proxy_setting_get(This->proxy, &proxy)))
    {
        IUpdateCollection_Release(updates);
        return hr;
    }
    if (!(outcomes = calloc(count, sizeof(*outcomes))))
    {
        IUpdateCollection_Release(updates);
        proxy_setting_free(&proxy);
        return E_OUTOFMEMORY;
    }
    for (i = 0; i < count; i++)
    {
        update = NULL;
        if (SUCCEEDED(hr = IUpdateCollection_get_Item(updates, i, &update)))
            hr = update ? download_update(update, This->forced, &proxy, NULL) : WU_E_INVALID_UPDATE;
        if (update) IUpdate_Release(update);
        outcomes[i].hr = hr;
        outcomes[i].code = SUCCEEDED(hr) ? orcSucceeded : orcFailed;
    }
    IUpdateCollection_Release(updates);
    proxy_setting_free(&proxy);
    if (FAILED(hr = result_create(outcomes, count, out))) free(outcomes);
    return hr;
}

/* As EndSearch: E_POINTER for a NULL job, E_INVALIDARG for a job begun on
 * another downloader, WU_E_INVALID_OPERATION the second time. */
static HRESULT WINAPI downloader_EndDownload(IUpdateDownloader *iface, IDownloadJob *job, IDownloadResult **out)
{
    IUnknown *result;
    HRESULT hr;

    if (!out) return E_POINTER;
    *out = NULL;
    hr = job_end((IUnknown *)job, JOB_DOWNLOAD, (IUnknown *)iface, &result);
    *out = (IDownloadResult *)result;
    return hr;
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

HRESULT downloader_create_for_session(IWebProxy *proxy, IUpdateDownloader **out)
{
    HRESULT hr;

    if (FAILED(hr = downloader_create(&IID_IUpdateDownloader, (void **)out))) return hr;
    if (proxy)
    {
        IWebProxy_AddRef(proxy);
        impl_from_IUpdateDownloader(*out)->proxy = proxy;
    }
    return S_OK;
}
