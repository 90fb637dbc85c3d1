/*
 * wuactl: downloads and installations run as jobs (BeginDownload,
 * BeginInstall, BeginUninstall) so that progress can be shown while they run
 * and Ctrl+C can ask them to stop.  wuactl runs in the multithreaded
 * apartment: callbacks arrive on OpenWUA's worker threads, while the main
 * thread waits for the completed callback or for Ctrl+C.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "wuactl.h"

static HANDLE abort_event;
static BSTR client_id;
static LONG abortable;

/* Ctrl+C or Ctrl+Break while a job runs asks it to stop; the main thread
 * then waits for it to end cleanly.  Before any job, the default handler
 * ends the process: nothing has been changed yet. */
static BOOL WINAPI on_ctrl(DWORD type)
{
    if (type != CTRL_C_EVENT && type != CTRL_BREAK_EVENT) return FALSE;
    if (!InterlockedCompareExchange(&abortable, 1, 1)) return FALSE;
    SetEvent(abort_event);
    return TRUE;
}

void jobs_init(void)
{
    abort_event = CreateEventW(NULL, TRUE, FALSE, NULL);
    client_id = SysAllocString(L"wuactl");
    /* a process started in a new process group begins with Ctrl+C ignored */
    SetConsoleCtrlHandler(NULL, FALSE);
    SetConsoleCtrlHandler(on_ctrl, TRUE);
}

BOOL jobs_aborted(void)
{
    return WaitForSingleObject(abort_event, 0) == WAIT_OBJECT_0;
}

/* --- progress --- */

struct progress
{
    IDownloadProgressChangedCallback download_progress_iface;
    IDownloadCompletedCallback download_completed_iface;
    IInstallationProgressChangedCallback install_progress_iface;
    IInstallationCompletedCallback install_completed_iface;
    LONG refs;
    HANDLE done;
    CRITICAL_SECTION lock;
    enum job_kind kind;
    struct items *items;
    LONG *map;                  /* index in the job's collection -> index in items */
    LONG count;
    BOOL *reported;             /* per job index: its final line is out */
    LONG current;               /* the job index the last report was about, -1 before any */
    LONG shown_percent;
    DWORD started;              /* tick count when the current update started */
};

static const WCHAR *verb(enum job_kind kind)
{
    return kind == JOB_DOWNLOAD ? L"download" : kind == JOB_INSTALL ? L"install" : L"uninstall";
}

static void format_bytes(double bytes, WCHAR *text, size_t size)
{
    if (bytes < 1024) swprintf(text, size, L"%.0f B", bytes);
    else if (bytes < 1024 * 1024) swprintf(text, size, L"%.1f KB", bytes / 1024);
    else if (bytes < 1024.0 * 1024 * 1024) swprintf(text, size, L"%.1f MB", bytes / (1024 * 1024));
    else swprintf(text, size, L"%.2f GB", bytes / (1024.0 * 1024 * 1024));
}

static void format_duration(double seconds, WCHAR *text, size_t size)
{
    unsigned long s = seconds > 0 ? (unsigned long)(seconds + 0.5) : 0;

    if (s >= 3600) swprintf(text, size, L"%lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
    else swprintf(text, size, L"%lu:%02lu", s / 60, s % 60);
}

static void bar(LONG percent, WCHAR *text)
{
    int filled = percent / 5, i;

    for (i = 0; i < 20; i++) text[i] = i < filled ? '#' : '-';
    text[20] = 0;
}

static const WCHAR *title_of(const struct progress *p, LONG index)
{
    return p->items->item[p->map[index]].title;
}

/* The final line of one update, once: a console's progress bar is replaced by it. */
static void report_done(struct progress *p, LONG index, OperationResultCode code, HRESULT hr)
{
    WCHAR line[512];

    if (index < 0 || index >= p->count || p->reported[index]) return;
    p->reported[index] = TRUE;
    if (code == orcSucceeded || code == orcSucceededWithErrors)
        swprintf(line, ARRAYSIZE(line), L"[%ld/%ld] %ls: %ls", index + 1, p->count, title_of(p, index), result_name(code));
    else
        swprintf(line, ARRAYSIZE(line), L"[%ld/%ld] %ls: %ls (0x%08lX)", index + 1, p->count, title_of(p, index),
                 result_name(code), (unsigned long)hr);
    if (output_is_console())
    {
        out_status_line(line);
        out_status_end();
    }
    else out(L"%ls %ls\n", verb(p->kind), line);
}

/* Moving on to another update closes the line of the one before. */
static void enter_update(struct progress *p, LONG index, OperationResultCode previous_code, HRESULT previous_hr)
{
    if (index == p->current) return;
    if (p->current >= 0) report_done(p, p->current, previous_code, previous_hr);
    p->current = index;
    p->shown_percent = -1;
    p->started = GetTickCount();
}

static void show_download(struct progress *p, IDownloadProgress *progress)
{
    WCHAR line[512], done_text[32], total_text[32], rate_text[32], left_text[32], bar_text[21];
    IUpdateDownloadResult *previous = NULL;
    OperationResultCode code = orcSucceeded;
    LONG index = 0, percent = 0, hr = S_OK;
    DECIMAL dec_done, dec_total;
    double done = 0, total = 0, seconds, rate;

    IDownloadProgress_get_CurrentUpdateIndex(progress, &index);
    if (index < 0 || index >= p->count) return;
    if (p->current >= 0 && index != p->current
        && SUCCEEDED(IDownloadProgress_GetUpdateResult(progress, p->current, &previous)))
    {
        IUpdateDownloadResult_get_ResultCode(previous, &code);
        IUpdateDownloadResult_get_HResult(previous, &hr);
        IUpdateDownloadResult_Release(previous);
    }
    enter_update(p, index, code, hr);
    IDownloadProgress_get_CurrentUpdatePercentComplete(progress, &percent);
    if (SUCCEEDED(IDownloadProgress_get_CurrentUpdateBytesDownloaded(progress, &dec_done))) VarR8FromDec(&dec_done, &done);
    if (SUCCEEDED(IDownloadProgress_get_CurrentUpdateBytesToDownload(progress, &dec_total))) VarR8FromDec(&dec_total, &total);
    if (percent == p->shown_percent && !output_is_console()) return;
    p->shown_percent = percent;
    format_bytes(done, done_text, ARRAYSIZE(done_text));
    format_bytes(total, total_text, ARRAYSIZE(total_text));
    seconds = (GetTickCount() - p->started) / 1000.0;
    rate = seconds > 0 ? done / seconds : 0;
    format_bytes(rate, rate_text, ARRAYSIZE(rate_text));
    if (rate > 0) format_duration((total - done) / rate, left_text, ARRAYSIZE(left_text));
    else wcscpy(left_text, L"--:--");
    if (output_is_console())
    {
        bar(percent, bar_text);
        swprintf(line, ARRAYSIZE(line), L"[%ld/%ld] %ls [%ls] %3ld%% %ls of %ls, %ls/s, %ls left", index + 1, p->count,
                 title_of(p, index), bar_text, percent, done_text, total_text, rate_text, left_text);
        out_status_line(line);
    }
    else out(L"download [%ld/%ld] %ls: %ld%% (%.0f of %.0f bytes)\n", index + 1, p->count, title_of(p, index),
             percent, done, total);
}

static void show_install(struct progress *p, IInstallationProgress *progress)
{
    WCHAR line[512], elapsed[32], bar_text[21];
    IUpdateInstallationResult *previous = NULL;
    OperationResultCode code = orcSucceeded;
    LONG index = 0, percent = 0, hr = S_OK;

    IInstallationProgress_get_CurrentUpdateIndex(progress, &index);
    if (index < 0 || index >= p->count) return;
    if (p->current >= 0 && index != p->current
        && SUCCEEDED(IInstallationProgress_GetUpdateResult(progress, p->current, &previous)))
    {
        IUpdateInstallationResult_get_ResultCode(previous, &code);
        IUpdateInstallationResult_get_HResult(previous, &hr);
        IUpdateInstallationResult_Release(previous);
    }
    enter_update(p, index, code, hr);
    IInstallationProgress_get_CurrentUpdatePercentComplete(progress, &percent);
    if (percent == p->shown_percent && !output_is_console()) return;
    p->shown_percent = percent;
    if (output_is_console())
    {
        bar(percent, bar_text);
        format_duration((GetTickCount() - p->started) / 1000.0, elapsed, ARRAYSIZE(elapsed));
        swprintf(line, ARRAYSIZE(line), L"[%ld/%ld] %ls [%ls] %3ld%% %ls", index + 1, p->count,
                 title_of(p, index), bar_text, percent, elapsed);
        out_status_line(line);
    }
    else out(L"%ls [%ld/%ld] %ls: %ld%%\n", verb(p->kind), index + 1, p->count, title_of(p, index), percent);
}

/* The four callback interfaces share one object and one reference count.
 * It lives on run_job's stack: the job is cleaned up before it returns. */

static HRESULT progress_qi(struct progress *p, REFIID riid, void **obj)
{
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDownloadProgressChangedCallback))
        *obj = &p->download_progress_iface;
    else if (IsEqualIID(riid, &IID_IDownloadCompletedCallback)) *obj = &p->download_completed_iface;
    else if (IsEqualIID(riid, &IID_IInstallationProgressChangedCallback)) *obj = &p->install_progress_iface;
    else if (IsEqualIID(riid, &IID_IInstallationCompletedCallback)) *obj = &p->install_completed_iface;
    else
    {
        *obj = NULL;
        return E_NOINTERFACE;
    }
    InterlockedIncrement(&p->refs);
    return S_OK;
}

#define CALLBACK_UNKNOWN(prefix, type, field) \
    static HRESULT WINAPI prefix##_qi(type *iface, REFIID riid, void **obj) \
    { return progress_qi(CONTAINING_RECORD(iface, struct progress, field), riid, obj); } \
    static ULONG WINAPI prefix##_addref(type *iface) \
    { return InterlockedIncrement(&CONTAINING_RECORD(iface, struct progress, field)->refs); } \
    static ULONG WINAPI prefix##_release(type *iface) \
    { return InterlockedDecrement(&CONTAINING_RECORD(iface, struct progress, field)->refs); }

CALLBACK_UNKNOWN(download_progress, IDownloadProgressChangedCallback, download_progress_iface)
CALLBACK_UNKNOWN(download_completed, IDownloadCompletedCallback, download_completed_iface)
CALLBACK_UNKNOWN(install_progress, IInstallationProgressChangedCallback, install_progress_iface)
CALLBACK_UNKNOWN(install_completed, IInstallationCompletedCallback, install_completed_iface)

static HRESULT WINAPI download_progress_Invoke(IDownloadProgressChangedCallback *iface, IDownloadJob *job,
                                               IDownloadProgressChangedCallbackArgs *args)
{
    struct progress *p = CONTAINING_RECORD(iface, struct progress, download_progress_iface);
    IDownloadProgress *progress;

    (void)job;
    if (FAILED(IDownloadProgressChangedCallbackArgs_get_Progress(args, &progress))) return S_OK;
    EnterCriticalSection(&p->lock);
    show_download(p, progress);
    LeaveCriticalSection(&p->lock);
    IDownloadProgress_Release(progress);
    return S_OK;
}

static HRESULT WINAPI download_completed_Invoke(IDownloadCompletedCallback *iface, IDownloadJob *job,
                                                IDownloadCompletedCallbackArgs *args)
{
    (void)job;
    (void)args;
    SetEvent(CONTAINING_RECORD(iface, struct progress, download_completed_iface)->done);
    return S_OK;
}

static HRESULT WINAPI install_progress_Invoke(IInstallationProgressChangedCallback *iface, IInstallationJob *job,
                                              IInstallationProgressChangedCallbackArgs *args)
{
    struct progress *p = CONTAINING_RECORD(iface, struct progress, install_progress_iface);
    IInstallationProgress *progress;

    (void)job;
    if (FAILED(IInstallationProgressChangedCallbackArgs_get_Progress(args, &progress))) return S_OK;
    EnterCriticalSection(&p->lock);
    show_install(p, progress);
    LeaveCriticalSection(&p->lock);
    IInstallationProgress_Release(progress);
    return S_OK;
}

static HRESULT WINAPI install_completed_Invoke(IInstallationCompletedCallback *iface, IInstallationJob *job,
                                               IInstallationCompletedCallbackArgs *args)
{
    (void)job;
    (void)args;
    SetEvent(CONTAINING_RECORD(iface, struct progress, install_completed_iface)->done);
    return S_OK;
}

static const IDownloadProgressChangedCallbackVtbl download_progress_vtbl =
{
    download_progress_qi, download_progress_addref, download_progress_release, download_progress_Invoke,
};

static const IDownloadCompletedCallbackVtbl download_completed_vtbl =
{
    download_completed_qi, download_completed_addref, download_completed_release, download_completed_Invoke,
};

static const IInstallationProgressChangedCallbackVtbl install_progress_vtbl =
{
    install_progress_qi, install_progress_addref, install_progress_release, install_progress_Invoke,
};

static const IInstallationCompletedCallbackVtbl install_completed_vtbl =
{
    install_completed_qi, install_completed_addref, install_completed_release, install_completed_Invoke,
};

static HRESULT progress_init(struct progress *p, enum job_kind kind, struct items *items)
{
    LONG i;

    memset(p, 0, sizeof(*p));
    p->download_progress_iface.lpVtbl = &download_progress_vtbl;
    p->download_completed_iface.lpVtbl = &download_completed_vtbl;
    p->install_progress_iface.lpVtbl = &install_progress_vtbl;
    p->install_completed_iface.lpVtbl = &install_completed_vtbl;
    p->refs = 1;
    p->kind = kind;
    p->items = items;
    p->current = -1;
    if (!(p->map = calloc(items->count + 1, sizeof(LONG))) || !(p->reported = calloc(items->count + 1, sizeof(BOOL)))
        || !(p->done = CreateEventW(NULL, TRUE, FALSE, NULL)))
    {
        free(p->map);
        free(p->reported);
        return E_OUTOFMEMORY;
    }
    for (i = 0; i < items->count; i++)
        if (kind == JOB_DOWNLOAD || !items->item[i].skipped) p->map[p->count++] = i;
    InitializeCriticalSection(&p->lock);
    return S_OK;
}

static void progress_free(struct progress *p)
{
    DeleteCriticalSection(&p->lock);
    CloseHandle(p->done);
    free(p->map);
    free(p->reported);
}

/* Waits for the completed callback; Ctrl+C on the way asks the job to stop and keeps waiting. */
static void wait_for(struct progress *p, void (*request_abort)(IUnknown *job), IUnknown *job)
{
    HANDLE handles[2] = { p->done, abort_event };

    if (WaitForMultipleObjects(2, handles, FALSE, INFINITE) == WAIT_OBJECT_0 + 1)
    {
        err(L"wuactl: aborting; waiting for the %ls under way to finish\n", verb(p->kind));
        request_abort(job);
        WaitForSingleObject(p->done, INFINITE);
    }
}

static void abort_download(IUnknown *job) { IDownloadJob_RequestAbort((IDownloadJob *)job); }
static void abort_install(IUnknown *job) { IInstallationJob_RequestAbort((IInstallationJob *)job); }

static HRESULT download(IUpdateSession *session, struct progress *p, IUpdateCollection *updates)
{
    IUpdateDownloader *downloader = NULL;
    IDownloadResult *result = NULL;
    IUpdateDownloadResult *one;
    IDownloadJob *job = NULL;
    struct item *item;
    VARIANT state;
    LONG i;
    HRESULT hr;

    VariantInit(&state);
    if (FAILED(hr = IUpdateSession_CreateUpdateDownloader(session, &downloader))) return hr;
    IUpdateDownloader_put_ClientApplicationID(downloader, client_id);
    if (FAILED(hr = IUpdateDownloader_put_Updates(downloader, updates))) goto done;
    hr = IUpdateDownloader_BeginDownload(downloader, (IUnknown *)&p->download_progress_iface,
                                         (IUnknown *)&p->download_completed_iface, state, &job);
    if (FAILED(hr)) goto done;
    wait_for(p, abort_download, (IUnknown *)job);
    if (FAILED(hr = IUpdateDownloader_EndDownload(downloader, job, &result))) goto done;
    for (i = 0; i < p->count; i++)
    {
        item = &p->items->item[p->map[i]];
        if (FAILED(IDownloadResult_GetUpdateResult(result, i, &one))) continue;
        IUpdateDownloadResult_get_ResultCode(one, &item->result);
        IUpdateDownloadResult_get_HResult(one, (LONG *)&item->hr);
        IUpdateDownloadResult_Release(one);
        item->skipped = item->result != orcSucceeded;
        report_done(p, i, item->result, item->hr);
    }
done:
    if (result) IDownloadResult_Release(result);
    if (job)
    {
        IDownloadJob_CleanUp(job);
        IDownloadJob_Release(job);
    }
    IUpdateDownloader_Release(downloader);
    return hr;
}

static HRESULT install(IUpdateSession *session, struct progress *p, IUpdateCollection *updates, BOOL *reboot)
{
    IUpdateInstaller *installer = NULL;
    IInstallationResult *result = NULL;
    IUpdateInstallationResult *one;
    IInstallationJob *job = NULL;
    VARIANT_BOOL restart;
    struct item *item;
    VARIANT state;
    LONG i;
    HRESULT hr;

    VariantInit(&state);
    if (FAILED(hr = IUpdateSession_CreateUpdateInstaller(session, &installer))) return hr;
    /* the history records the installer's client, not the session's */
    IUpdateInstaller_put_ClientApplicationID(installer, client_id);
    if (FAILED(hr = IUpdateInstaller_put_Updates(installer, updates))) goto done;
    if (p->kind == JOB_INSTALL)
        hr = IUpdateInstaller_BeginInstall(installer, (IUnknown *)&p->install_progress_iface,
                                           (IUnknown *)&p->install_completed_iface, state, &job);
    else
        hr = IUpdateInstaller_BeginUninstall(installer, (IUnknown *)&p->install_progress_iface,
                                             (IUnknown *)&p->install_completed_iface, state, &job);
    if (FAILED(hr)) goto done;
    wait_for(p, abort_install, (IUnknown *)job);
    if (p->kind == JOB_INSTALL) hr = IUpdateInstaller_EndInstall(installer, job, &result);
    else hr = IUpdateInstaller_EndUninstall(installer, job, &result);
    if (FAILED(hr)) goto done;
    restart = VARIANT_FALSE;
    IInstallationResult_get_RebootRequired(result, &restart);
    *reboot = restart == VARIANT_TRUE;
    for (i = 0; i < p->count; i++)
    {
        item = &p->items->item[p->map[i]];
        if (FAILED(IInstallationResult_GetUpdateResult(result, i, &one))) continue;
        IUpdateInstallationResult_get_ResultCode(one, &item->result);
        IUpdateInstallationResult_get_HResult(one, (LONG *)&item->hr);
        restart = VARIANT_FALSE;
        IUpdateInstallationResult_get_RebootRequired(one, &restart);
        item->reboot = restart == VARIANT_TRUE;
        IUpdateInstallationResult_Release(one);
        report_done(p, i, item->result, item->hr);
    }
done:
    if (result) IInstallationResult_Release(result);
    if (job)
    {
        IInstallationJob_CleanUp(job);
        IInstallationJob_Release(job);
    }
    IUpdateInstaller_Release(installer);
    return hr;
}

HRESULT run_job(IUpdateSession *session, enum job_kind kind, struct items *items, BOOL *reboot)
{
    IUpdateCollection *updates;
    struct progress p;
    HRESULT hr;

    *reboot = FALSE;
    if (FAILED(hr = progress_init(&p, kind, items))) return hr;
    if (!p.count)
    {
        progress_free(&p);
        return S_OK;
    }
    if (!(updates = items_collection(items, kind != JOB_DOWNLOAD)))
    {
        progress_free(&p);
        return E_OUTOFMEMORY;
    }
    InterlockedExchange(&abortable, 1);
    if (jobs_aborted()) hr = E_ABORT;
    else if (kind == JOB_DOWNLOAD) hr = download(session, &p, updates);
    else hr = install(session, &p, updates, reboot);
    out_status_end();
    IUpdateCollection_Release(updates);
    progress_free(&p);
    return hr;
}
