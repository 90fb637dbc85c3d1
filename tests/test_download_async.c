/*
 * OpenWUA tests: BeginDownload/EndDownload, IDownloadJob, IDownloadProgress
 * and the download callbacks (helpers as in test_download.c).
 *
 * Each case writes a catalog whose files come from file:// URLs, plain
 * paths, or tests/http_fixture.py on 127.0.0.1 (port file, served folder and
 * request log come from ctest as OPENWUA_HTTP_PORT_FILE, OPENWUA_HTTP_ROOT,
 * OPENWUA_HTTP_LOG), registers it as a scan package service, searches it and
 * downloads what it found.  Update IDs are new in every case: update state
 * lives for the whole process.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "download_fixture.h"
#include <shlobj.h>
#include <bcrypt.h>
#include <wincrypt.h>
#include <shlwapi.h>
#include <shellapi.h>


/* --- helpers --- */






static void http_url(WCHAR *url, const WCHAR *path)
{
    swprintf(url, 512, L"http://127.0.0.1:%u/%ls", port, path);
}

static void serve(const WCHAR *name, const char *content)
{
    WCHAR path[MAX_PATH];

    swprintf(path, MAX_PATH, L"%ls\\%ls", http_root, name);
    write_file(path, content);
}



/* --- catalogs, services, searching --- */





static void assert_result(IDownloadResult *result, HRESULT expected_hr, OperationResultCode expected_code)
{
    OperationResultCode code = 99;
    LONG hr = 1;

    assert_hr(S_OK, IDownloadResult_get_HResult(result, &hr));
    assert_hr(expected_hr, hr);
    assert_hr(S_OK, IDownloadResult_get_ResultCode(result, &code));
    assert_int_equal(expected_code, code);
}

static void assert_update_result(IDownloadResult *result, LONG index, HRESULT expected_hr)
{
    IUpdateDownloadResult *update = NULL;
    OperationResultCode code = 99;
    LONG hr = 1;

    assert_hr(S_OK, IDownloadResult_GetUpdateResult(result, index, &update));
    assert_hr(S_OK, IUpdateDownloadResult_get_HResult(update, &hr));
    if (hr != expected_hr) fail_msg("update %ld: HResult 0x%08lx, expected 0x%08lx", index, hr, expected_hr);
    assert_hr(S_OK, IUpdateDownloadResult_get_ResultCode(update, &code));
    assert_int_equal(SUCCEEDED(expected_hr) ? orcSucceeded : orcFailed, code);
    IUpdateDownloadResult_Release(update);
}

/* --- callbacks --- */

#define MAX_REPORTS 64

/* Both typed callbacks in one object (each interface's Invoke at slot 3). */
struct recorder
{
    IDownloadProgressChangedCallback progress_iface;
    IDownloadCompletedCallback completed_iface;
    LONG refs;
    LONG completed_calls;
    BOOL completed_saw_done;
    LONG reports;
    LONG percent[MAX_REPORTS];
    LONG index[MAX_REPORTS];
    BOOL abort_on_first;
    HANDLE completed_event;
    DWORD progress_thread;      /* where the callbacks ran, last time */
    DWORD completed_thread;
    HRESULT ret;                /* what both callbacks return */
    BOOL cleanup_inside;        /* both call CleanUp on their job ... */
    HRESULT progress_cleanup_hr, completed_cleanup_hr;     /* ... and get this */
    IUpdateDownloader *end_inside;      /* the completed callback calls EndDownload */
    HRESULT end_hr;
    OperationResultCode end_code;
    IDownloadJob *job_seen;     /* what the completed callback got */
};

static HRESULT WINAPI rec_progress_qi(IDownloadProgressChangedCallback *iface, REFIID riid, void **obj)
{
    struct recorder *r = CONTAINING_RECORD(iface, struct recorder, progress_iface);

    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDownloadProgressChangedCallback))
        *obj = &r->progress_iface;
    else if (IsEqualIID(riid, &IID_IDownloadCompletedCallback)) *obj = &r->completed_iface;
    else
    {
        *obj = NULL;
        return E_NOINTERFACE;
    }
    InterlockedIncrement(&r->refs);
    return S_OK;
}

static ULONG WINAPI rec_progress_addref(IDownloadProgressChangedCallback *iface)
{
    return InterlockedIncrement(&CONTAINING_RECORD(iface, struct recorder, progress_iface)->refs);
}

static ULONG WINAPI rec_progress_release(IDownloadProgressChangedCallback *iface)
{
    return InterlockedDecrement(&CONTAINING_RECORD(iface, struct recorder, progress_iface)->refs);
}

static HRESULT WINAPI rec_progress_invoke(IDownloadProgressChangedCallback *iface, IDownloadJob *job,
                                          IDownloadProgressChangedCallbackArgs *args)
{
    struct recorder *r = CONTAINING_RECORD(iface, struct recorder, progress_iface);
    IDownloadProgress *progress = NULL;
    LONG n = r->reports;

    if (SUCCEEDED(IDownloadProgressChangedCallbackArgs_get_Progress(args, &progress)) && n < MAX_REPORTS)
    {
        IDownloadProgress_get_PercentComplete(progress, &r->percent[n]);
        IDownloadProgress_get_CurrentUpdateIndex(progress, &r->index[n]);
    }
    if (progress) IDownloadProgress_Release(progress);
    r->progress_thread = GetCurrentThreadId();
    if (r->cleanup_inside) r->progress_cleanup_hr = IDownloadJob_CleanUp(job);
    r->reports++;
    if (r->abort_on_first && !n) IDownloadJob_RequestAbort(job);
    return r->ret;
}

static const IDownloadProgressChangedCallbackVtbl rec_progress_vtbl =
{
    rec_progress_qi, rec_progress_addref, rec_progress_release, rec_progress_invoke,
};

static HRESULT WINAPI rec_completed_qi(IDownloadCompletedCallback *iface, REFIID riid, void **obj)
{
    return rec_progress_qi(&CONTAINING_RECORD(iface, struct recorder, completed_iface)->progress_iface, riid, obj);
}

static ULONG WINAPI rec_completed_addref(IDownloadCompletedCallback *iface)
{
    return InterlockedIncrement(&CONTAINING_RECORD(iface, struct recorder, completed_iface)->refs);
}

static ULONG WINAPI rec_completed_release(IDownloadCompletedCallback *iface)
{
    return InterlockedDecrement(&CONTAINING_RECORD(iface, struct recorder, completed_iface)->refs);
}

static HRESULT WINAPI rec_completed_invoke(IDownloadCompletedCallback *iface, IDownloadJob *job,
                                           IDownloadCompletedCallbackArgs *args)
{
    struct recorder *r = CONTAINING_RECORD(iface, struct recorder, completed_iface);
    VARIANT_BOOL done = VARIANT_FALSE;

    IDownloadResult *result = NULL;

    (void)args;
    IDownloadJob_get_IsCompleted(job, &done);
    r->completed_saw_done = done == VARIANT_TRUE;
    r->completed_thread = GetCurrentThreadId();
    r->job_seen = job;
    if (r->end_inside)
    {
        r->end_hr = IUpdateDownloader_EndDownload(r->end_inside, job, &result);
        if (result)
        {
            IDownloadResult_get_ResultCode(result, &r->end_code);
            IDownloadResult_Release(result);
        }
    }
    if (r->cleanup_inside) r->completed_cleanup_hr = IDownloadJob_CleanUp(job);
    InterlockedIncrement(&r->completed_calls);
    SetEvent(r->completed_event);
    return r->ret;
}

static const IDownloadCompletedCallbackVtbl rec_completed_vtbl =
{
    rec_completed_qi, rec_completed_addref, rec_completed_release, rec_completed_invoke,
};

static void recorder_init(struct recorder *r)
{
    memset(r, 0, sizeof(*r));
    r->progress_iface.lpVtbl = &rec_progress_vtbl;
    r->completed_iface.lpVtbl = &rec_completed_vtbl;
    r->refs = 1;
    r->completed_event = CreateEventW(NULL, TRUE, FALSE, NULL);
    r->progress_cleanup_hr = r->completed_cleanup_hr = r->end_hr = E_UNEXPECTED;
}

static void recorder_done(struct recorder *r)
{
    assert_int_equal(1, r->refs);
    CloseHandle(r->completed_event);
}

/* Three updates, one file each: http, file:// URL, plain path. */
static IUpdateCollection *three_updates(struct test_package packages[3])
{
    WCHAR url[512], path[MAX_PATH], name[64];

    memset(packages, 0, 3 * sizeof(*packages));
    new_id(&packages[0], L"Async over http");
    swprintf(name, ARRAYSIZE(name), L"async-%ls.txt", packages[0].id);
    serve(name, "content served over http for the async download");
    http_url(url, name);
    packages[0].files[0] = (struct test_file){ wcsdup(name), wcsdup(url), "content served over http for the async download", FALSE, NULL };
    new_id(&packages[1], L"Async from a file URL");
    swprintf(name, ARRAYSIZE(name), L"async-%ls.txt", packages[1].id);
    work_path(path, name);
    write_file(path, "second update, a file URL");
    work_url(url, name);
    packages[1].files[0] = (struct test_file){ wcsdup(name), wcsdup(url), "second update, a file URL", FALSE, NULL };
    new_id(&packages[2], L"Async from a path");
    swprintf(name, ARRAYSIZE(name), L"async-%ls.bin", packages[2].id);
    work_path(path, name);
    write_file(path, "3rd");
    packages[2].files[0] = (struct test_file){ wcsdup(name), wcsdup(path), "3rd", FALSE, NULL };
    return search(packages, 3);
}

static void free_packages(struct test_package packages[3])
{
    int i;

    for (i = 0; i < 3; i++)
    {
        free((void *)packages[i].files[0].name);
        free((void *)packages[i].files[0].uri);
    }
}

static IUpdateDownloader *downloader_for(IUpdateCollection *updates)
{
    IUpdateDownloader *downloader = create(&CLSID_UpdateDownloader, &IID_IUpdateDownloader);

    if (updates) assert_hr(S_OK, IUpdateDownloader_put_Updates(downloader, updates));
    return downloader;
}

static BOOL wait_completed(IDownloadJob *job)
{
    VARIANT_BOOL done = VARIANT_FALSE;
    int i;

    for (i = 0; i < 3000; i++)
    {
        assert_hr(S_OK, IDownloadJob_get_IsCompleted(job, &done));
        if (done == VARIANT_TRUE) return TRUE;
        Sleep(10);
    }
    return FALSE;
}

static ULONGLONG decimal_value(DECIMAL d)
{
    ULONGLONG v = 0;

    assert_hr(S_OK, VarUI8FromDec(&d, &v));
    return v;
}

/* --- the cases --- */

static void begin_without_updates_fails(void **state)
{
    IUpdateDownloader *downloader = downloader_for(NULL);
    IUpdateCollection *empty = create(&CLSID_UpdateCollection, &IID_IUpdateCollection);
    IDownloadJob *job = (void *)1;
    IDownloadResult *result = (void *)1;
    VARIANT none;

    (void)state;
    VariantInit(&none);
    assert_hr(WU_E_NO_UPDATE, IUpdateDownloader_BeginDownload(downloader, NULL, NULL, none, &job));
    assert_null(job);
    assert_hr(S_OK, IUpdateDownloader_put_Updates(downloader, empty));
    job = (void *)1;
    assert_hr(WU_E_NO_UPDATE, IUpdateDownloader_BeginDownload(downloader, NULL, NULL, none, &job));
    assert_null(job);
    assert_hr(E_POINTER, IUpdateDownloader_BeginDownload(downloader, NULL, NULL, none, NULL));
    assert_hr(E_POINTER, IUpdateDownloader_EndDownload(downloader, NULL, &result));
    assert_null(result);
    IUpdateCollection_Release(empty);
    IUpdateDownloader_Release(downloader);
}

static void typed_callbacks_and_progress(void **state)
{
    struct test_package packages[3];
    IUpdateCollection *updates = three_updates(packages), *job_updates = NULL;
    IUpdateDownloader *downloader = downloader_for(updates), *other = downloader_for(updates);
    IDownloadResult *result = NULL;
    IDownloadProgress *progress = NULL;
    IUpdateDownloadResult *update_result = NULL;
    IDownloadJob *job = NULL;
    struct recorder rec;
    VARIANT async_state, got;
    OperationResultCode code;
    DownloadPhase phase;
    DECIMAL bytes;
    LONG count = 0, value, i, last_index = -1;
    IUpdate *update;
    ULONGLONG total;

    (void)state;
    recorder_init(&rec);
    async_state = var_i4(42);
    assert_hr(S_OK, IUpdateDownloader_BeginDownload(downloader, (IUnknown *)&rec.progress_iface,
                                                    (IUnknown *)&rec.completed_iface, async_state, &job));
    assert_non_null(job);
    /* the job's Updates: a read-only snapshot */
    assert_hr(S_OK, IDownloadJob_get_Updates(job, &job_updates));
    assert_hr(S_OK, IUpdateCollection_get_Count(job_updates, &count));
    assert_int_equal(3, count);
    assert_hr(WU_E_NOT_SUPPORTED, IUpdateCollection_RemoveAt(job_updates, 0));
    IUpdateCollection_Release(job_updates);
    VariantInit(&got);
    assert_hr(S_OK, IDownloadJob_get_AsyncState(job, &got));
    assert_int_equal(VT_I4, V_VT(&got));
    assert_int_equal(42, V_I4(&got));
    /* a progress snapshot is valid while running */
    assert_hr(S_OK, IDownloadJob_GetProgress(job, &progress));
    assert_hr(S_OK, IDownloadProgress_get_PercentComplete(progress, &value));
    assert_true(value >= 0 && value <= 100);
    IDownloadProgress_Release(progress);

    assert_hr(E_INVALIDARG, IUpdateDownloader_EndDownload(other, job, &result));
    assert_null(result);
    assert_hr(S_OK, IUpdateDownloader_EndDownload(downloader, job, &result));
    assert_int_equal(WAIT_OBJECT_0, WaitForSingleObject(rec.completed_event, 30000));
    assert_hr(S_OK, IDownloadJob_CleanUp(job));
    assert_int_equal(1, rec.completed_calls);
    assert_true(rec.completed_saw_done);
    /* a multithreaded caller gets its callbacks on a worker thread */
    assert_true(rec.completed_thread && rec.completed_thread != GetCurrentThreadId());
    assert_true(rec.progress_thread && rec.progress_thread != GetCurrentThreadId());
    /* progress: at least once per update, indices in order, a final 100 */
    assert_true(rec.reports >= 3);
    for (i = 0; i < rec.reports && i < MAX_REPORTS; i++)
    {
        assert_true(rec.index[i] >= last_index);
        assert_true(rec.percent[i] >= 0 && rec.percent[i] <= 100);
        if (i) assert_true(rec.percent[i] >= rec.percent[i - 1]);
        last_index = rec.index[i];
    }
    assert_int_equal(100, rec.percent[rec.reports - 1]);
    assert_int_equal(2, rec.index[rec.reports - 1]);

    assert_result(result, S_OK, orcSucceeded);
    for (i = 0; i < 3; i++) assert_update_result(result, i, S_OK);
    IDownloadResult_Release(result);
    result = (void *)1;
    assert_hr(WU_E_INVALID_OPERATION, IUpdateDownloader_EndDownload(downloader, job, &result));
    assert_null(result);

    /* the final snapshot */
    assert_hr(S_OK, IDownloadJob_GetProgress(job, &progress));
    assert_hr(S_OK, IDownloadProgress_get_PercentComplete(progress, &value));
    assert_int_equal(100, value);
    assert_hr(S_OK, IDownloadProgress_get_CurrentUpdateIndex(progress, &value));
    assert_int_equal(2, value);
    assert_hr(S_OK, IDownloadProgress_get_CurrentUpdatePercentComplete(progress, &value));
    assert_int_equal(100, value);
    assert_hr(S_OK, IDownloadProgress_get_CurrentUpdateDownloadPhase(progress, &phase));
    assert_int_equal(dphVerifying, phase);
    total = strlen("content served over http for the async download") + strlen("second update, a file URL") + 3;
    assert_hr(S_OK, IDownloadProgress_get_TotalBytesToDownload(progress, &bytes));
    assert_int_equal(total, decimal_value(bytes));
    assert_hr(S_OK, IDownloadProgress_get_TotalBytesDownloaded(progress, &bytes));
    assert_int_equal(total, decimal_value(bytes));
    assert_hr(S_OK, IDownloadProgress_get_CurrentUpdateBytesToDownload(progress, &bytes));
    assert_int_equal(3, decimal_value(bytes));
    assert_hr(S_OK, IDownloadProgress_get_CurrentUpdateBytesDownloaded(progress, &bytes));
    assert_int_equal(3, decimal_value(bytes));
    assert_hr(S_OK, IDownloadProgress_GetUpdateResult(progress, 1, &update_result));
    assert_hr(S_OK, IUpdateDownloadResult_get_ResultCode(update_result, &code));
    assert_int_equal(orcSucceeded, code);
    IUpdateDownloadResult_Release(update_result);
    update_result = (void *)1;
    assert_hr(WU_E_INVALIDINDEX, IDownloadProgress_GetUpdateResult(progress, 3, &update_result));
    assert_null(update_result);
    IDownloadProgress_Release(progress);

    for (i = 0; i < 3; i++)
    {
        update = item(updates, i);
        assert_true(is_downloaded(update));
        IUpdate_Release(update);
    }
    IDownloadJob_Release(job);
    recorder_done(&rec);
    IUpdateDownloader_Release(other);
    IUpdateDownloader_Release(downloader);
    IUpdateCollection_Release(updates);
    free_packages(packages);
}

static void no_progress_callback_and_polling(void **state)
{
    struct test_package packages[3];
    IUpdateCollection *updates = three_updates(packages);
    IUpdateDownloader *downloader = downloader_for(updates);
    IDownloadResult *result = NULL;
    IDownloadProgress *progress;
    IDownloadJob *job = NULL;
    struct recorder rec;
    VARIANT none, got;
    LONG value, last = 0;
    int polls = 0;
    VARIANT_BOOL done = VARIANT_FALSE;
    IUpdate *update;

    (void)state;
    recorder_init(&rec);
    VariantInit(&none);
    assert_hr(S_OK, IUpdateDownloader_BeginDownload(downloader, NULL, (IUnknown *)&rec.completed_iface, none, &job));
    VariantInit(&got);
    assert_hr(S_OK, IDownloadJob_get_AsyncState(job, &got));
    assert_int_equal(VT_EMPTY, V_VT(&got));
    while (polls++ < 3000)
    {
        progress = NULL;
        assert_hr(S_OK, IDownloadJob_get_IsCompleted(job, &done));
        assert_hr(S_OK, IDownloadJob_GetProgress(job, &progress));
        assert_hr(S_OK, IDownloadProgress_get_PercentComplete(progress, &value));
        assert_true(value >= last && value <= 100);
        last = value;
        IDownloadProgress_Release(progress);
        if (done == VARIANT_TRUE) break;
        Sleep(5);
    }
    assert_true(done == VARIANT_TRUE);
    assert_int_equal(100, last);
    assert_hr(S_OK, IUpdateDownloader_EndDownload(downloader, job, &result));
    assert_hr(S_OK, IDownloadJob_CleanUp(job));
    assert_int_equal(1, rec.completed_calls);
    assert_int_equal(0, rec.reports);
    assert_result(result, S_OK, orcSucceeded);
    IDownloadResult_Release(result);
    update = item(updates, 2);
    assert_true(is_downloaded(update));
    IUpdate_Release(update);
    IDownloadJob_Release(job);
    recorder_done(&rec);
    IUpdateDownloader_Release(downloader);
    IUpdateCollection_Release(updates);
    free_packages(packages);
}

/* The first progress report asks for the abort: the update under way ends,
 * the later ones are orcAborted and stay not downloaded. */
static void request_abort(void **state)
{
    struct test_package packages[3];
    IUpdateCollection *updates = three_updates(packages);
    IUpdateDownloader *downloader = downloader_for(updates);
    IDownloadResult *result = NULL;
    IUpdateDownloadResult *update_result;
    IDownloadJob *job = NULL;
    OperationResultCode code;
    struct recorder rec;
    VARIANT none;
    LONG hr;
    IUpdate *update;
    int i;

    (void)state;
    recorder_init(&rec);
    rec.abort_on_first = TRUE;
    VariantInit(&none);
    assert_hr(S_OK, IUpdateDownloader_BeginDownload(downloader, (IUnknown *)&rec.progress_iface, NULL, none, &job));
    assert_true(wait_completed(job));
    assert_hr(S_OK, IUpdateDownloader_EndDownload(downloader, job, &result));
    assert_hr(S_OK, IDownloadJob_CleanUp(job));
    assert_int_equal(0, rec.completed_calls);
    assert_result(result, S_OK, orcAborted);
    assert_update_result(result, 0, S_OK);
    for (i = 1; i < 3; i++)
    {
        assert_hr(S_OK, IDownloadResult_GetUpdateResult(result, i, &update_result));
        assert_hr(S_OK, IUpdateDownloadResult_get_ResultCode(update_result, &code));
        assert_int_equal(orcAborted, code);
        assert_hr(S_OK, IUpdateDownloadResult_get_HResult(update_result, &hr));
        assert_hr(E_ABORT, hr);
        IUpdateDownloadResult_Release(update_result);
        update = item(updates, i);
        assert_false(is_downloaded(update));
        IUpdate_Release(update);
    }
    assert_int_equal(100, rec.percent[rec.reports - 1]);
    IDownloadResult_Release(result);
    IDownloadJob_Release(job);
    recorder_done(&rec);
    IUpdateDownloader_Release(downloader);
    IUpdateCollection_Release(updates);
    free_packages(packages);
}

/* The snapshot does not follow later changes of the downloader's collection. */
static void updates_are_a_snapshot(void **state)
{
    struct test_package packages[3];
    IUpdateCollection *found = three_updates(packages), *updates = NULL, *job_updates = NULL;
    IUpdateDownloader *downloader;
    IDownloadResult *result = NULL;
    IDownloadJob *job = NULL;
    VARIANT none;
    LONG count = 0;

    (void)state;
    assert_hr(S_OK, IUpdateCollection_Copy(found, &updates));
    IUpdateCollection_Release(found);
    downloader = downloader_for(updates);
    VariantInit(&none);
    assert_hr(S_OK, IUpdateDownloader_BeginDownload(downloader, NULL, NULL, none, &job));
    assert_hr(S_OK, IUpdateCollection_RemoveAt(updates, 0));
    assert_hr(S_OK, IDownloadJob_get_Updates(job, &job_updates));
    assert_hr(S_OK, IUpdateCollection_get_Count(job_updates, &count));
    assert_int_equal(3, count);
    IUpdateCollection_Release(job_updates);
    assert_hr(S_OK, IUpdateDownloader_EndDownload(downloader, job, &result));
    assert_result(result, S_OK, orcSucceeded);
    IDownloadResult_Release(result);
    assert_hr(S_OK, IDownloadJob_CleanUp(job));
    IDownloadJob_Release(job);
    IUpdateDownloader_Release(downloader);
    IUpdateCollection_Release(updates);
    free_packages(packages);
}

/* How an STA thread waits for its job. */
enum sta_wait
{
    STA_END,            /* straight into EndDownload, which pumps */
    STA_PUMP,           /* its own message loop, polling IsCompleted */
    STA_POLL,           /* polling IsCompleted and nothing else, as a script does */
};

struct sta_run
{
    enum sta_wait wait;
    IUpdateCollection *updates;
    DWORD thread;
    IDownloadJob *job;
    HRESULT init, begin, end, cleanup;
    LONG completed_before_end;  /* completed calls seen before EndDownload */
    LONG reports_before_end;
    OperationResultCode code;
    struct recorder rec;
};

/* Polls until the job is completed and its completed callback has run. */
static void sta_wait_for_callbacks(struct sta_run *run, IDownloadJob *job)
{
    VARIANT_BOOL done = VARIANT_FALSE;
    int i;

    for (i = 0; i < 3000 && (done != VARIANT_TRUE || !run->rec.completed_calls); i++)
    {
        if (FAILED(IDownloadJob_get_IsCompleted(job, &done))) break;
        if (run->wait == STA_POLL)
        {
            Sleep(10);
            continue;
        }
        pump_messages(10);
    }
}

static DWORD WINAPI sta_thread(void *arg)
{
    struct sta_run *run = arg;
    IUpdateDownloader *downloader = NULL;
    IDownloadResult *result = NULL;
    IDownloadJob *job = NULL;
    VARIANT none;

    run->thread = GetCurrentThreadId();
    run->init = CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);
    if (FAILED(run->init)) return 1;
    VariantInit(&none);
    if (SUCCEEDED(CoCreateInstance(&CLSID_UpdateDownloader, NULL, CLSCTX_INPROC_SERVER, &IID_IUpdateDownloader,
                                   (void **)&downloader))
        && SUCCEEDED(IUpdateDownloader_put_Updates(downloader, run->updates)))
    {
        run->begin = IUpdateDownloader_BeginDownload(downloader, (IUnknown *)&run->rec.progress_iface,
                                                     (IUnknown *)&run->rec.completed_iface, none, &job);
        if (SUCCEEDED(run->begin))
        {
            run->job = job;
            if (run->wait != STA_END) sta_wait_for_callbacks(run, job);
            run->completed_before_end = run->rec.completed_calls;
            run->reports_before_end = run->rec.reports;
            run->end = IUpdateDownloader_EndDownload(downloader, job, &result);
            if (result)
            {
                IDownloadResult_get_ResultCode(result, &run->code);
                IDownloadResult_Release(result);
            }
            run->cleanup = IDownloadJob_CleanUp(job);
            IDownloadJob_Release(job);
        }
    }
    if (downloader) IUpdateDownloader_Release(downloader);
    CoUninitialize();
    return 0;
}

/* The callbacks run on the STA thread itself: while it waits in EndDownload,
 * while it pumps its own messages, and while it only polls IsCompleted.  They
 * get the job itself, not a proxy, and CleanUp inside them is refused. */
static void sta_callbacks_arrive_on_the_sta_thread(void **state)
{
    static const enum sta_wait waits[] = { STA_END, STA_PUMP, STA_POLL };
    struct test_package packages[3];
    IUpdateCollection *updates;
    struct sta_run run;
    HANDLE thread;
    unsigned int i;

    (void)state;
    for (i = 0; i < ARRAYSIZE(waits); i++)
    {
        updates = three_updates(packages);
        memset(&run, 0, sizeof(run));
        recorder_init(&run.rec);
        run.rec.cleanup_inside = TRUE;
        run.wait = waits[i];
        run.updates = updates;
        run.begin = run.end = run.cleanup = E_UNEXPECTED;
        thread = CreateThread(NULL, 0, sta_thread, &run, 0, NULL);
        assert_non_null(thread);
        assert_int_equal(WAIT_OBJECT_0, WaitForSingleObject(thread, 60000));
        CloseHandle(thread);
        assert_hr(S_OK, run.init);
        assert_hr(S_OK, run.begin);
        assert_hr(S_OK, run.end);
        assert_hr(S_OK, run.cleanup);
        assert_int_equal(orcSucceeded, run.code);
        assert_int_equal(1, run.rec.completed_calls);
        assert_true(run.rec.completed_saw_done);
        assert_true(run.rec.reports >= 3);
        assert_int_equal(run.thread, run.rec.completed_thread);
        assert_int_equal(run.thread, run.rec.progress_thread);
        assert_ptr_equal(run.job, run.rec.job_seen);
        assert_hr(WU_E_INVALID_OPERATION, run.rec.progress_cleanup_hr);
        assert_hr(WU_E_INVALID_OPERATION, run.rec.completed_cleanup_hr);
        if (run.wait != STA_END)
        {
            /* everything arrived while polling, before EndDownload */
            assert_int_equal(1, run.completed_before_end);
            assert_int_equal(run.rec.reports, run.reports_before_end);
        }
        recorder_done(&run.rec);
        IUpdateCollection_Release(updates);
        free_packages(packages);
    }
}

/* Failing callbacks (an error from the typed interface; an object without
 * DISPID 0, as Chef passes the downloader itself) change nothing. */
static void failing_callbacks_are_ignored(void **state)
{
    struct test_package packages[3];
    IUpdateCollection *updates = three_updates(packages);
    IUpdateDownloader *downloader = downloader_for(updates);
    IDownloadResult *result = NULL;
    IDownloadJob *job = NULL;
    struct recorder rec;
    VARIANT none;
    int i;

    (void)state;
    recorder_init(&rec);
    rec.ret = E_FAIL;
    VariantInit(&none);
    assert_hr(S_OK, IUpdateDownloader_BeginDownload(downloader, (IUnknown *)&rec.progress_iface,
                                                    (IUnknown *)&rec.completed_iface, none, &job));
    assert_true(wait_completed(job));
    assert_int_equal(WAIT_OBJECT_0, WaitForSingleObject(rec.completed_event, 30000));
    assert_hr(S_OK, IUpdateDownloader_EndDownload(downloader, job, &result));
    assert_result(result, S_OK, orcSucceeded);
    for (i = 0; i < 3; i++) assert_update_result(result, i, S_OK);
    IDownloadResult_Release(result);
    assert_hr(S_OK, IDownloadJob_CleanUp(job));
    assert_int_equal(1, rec.completed_calls);
    assert_true(rec.reports >= 3);
    IDownloadJob_Release(job);

    assert_hr(S_OK, IUpdateDownloader_put_IsForced(downloader, VARIANT_TRUE));
    assert_hr(S_OK, IUpdateDownloader_BeginDownload(downloader, (IUnknown *)downloader, (IUnknown *)downloader,
                                                    none, &job));
    assert_true(wait_completed(job));
    assert_hr(S_OK, IUpdateDownloader_EndDownload(downloader, job, &result));
    assert_result(result, S_OK, orcSucceeded);
    IDownloadResult_Release(result);
    assert_hr(S_OK, IDownloadJob_CleanUp(job));
    IDownloadJob_Release(job);
    recorder_done(&rec);
    IUpdateDownloader_Release(downloader);
    IUpdateCollection_Release(updates);
    free_packages(packages);
}

/* Chef's order: CleanUp first, EndDownload still has the result. */
static void clean_up_before_end_download_and_twice(void **state)
{
    struct test_package packages[3];
    IUpdateCollection *updates = three_updates(packages);
    IUpdateDownloader *downloader = downloader_for(updates);
    IDownloadResult *result = NULL;
    IDownloadJob *job = NULL;
    struct recorder rec;
    VARIANT none;
    LONG reports;

    (void)state;
    recorder_init(&rec);
    VariantInit(&none);
    assert_hr(S_OK, IUpdateDownloader_BeginDownload(downloader, (IUnknown *)&rec.progress_iface,
                                                    (IUnknown *)&rec.completed_iface, none, &job));
    assert_hr(S_OK, IDownloadJob_CleanUp(job));
    /* CleanUp waited for everything and let go of the callbacks */
    assert_int_equal(1, rec.completed_calls);
    assert_int_equal(1, rec.refs);
    reports = rec.reports;
    assert_true(reports >= 3);
    assert_hr(S_OK, IDownloadJob_CleanUp(job));
    assert_hr(S_OK, IUpdateDownloader_EndDownload(downloader, job, &result));
    assert_result(result, S_OK, orcSucceeded);
    IDownloadResult_Release(result);
    result = (void *)1;
    assert_hr(WU_E_INVALID_OPERATION, IUpdateDownloader_EndDownload(downloader, job, &result));
    assert_null(result);
    assert_hr(S_OK, IDownloadJob_CleanUp(job));
    /* no callback after CleanUp */
    assert_int_equal(1, rec.completed_calls);
    assert_int_equal(reports, rec.reports);
    IDownloadJob_Release(job);
    recorder_done(&rec);
    IUpdateDownloader_Release(downloader);
    IUpdateCollection_Release(updates);
    free_packages(packages);
}

/* CleanUp inside the job's own callbacks would wait for itself: refused.
 * EndDownload inside the completed callback works (Ansible's pattern). */
static void clean_up_inside_a_callback_is_refused(void **state)
{
    struct test_package packages[3];
    IUpdateCollection *updates = three_updates(packages);
    IUpdateDownloader *downloader = downloader_for(updates);
    IDownloadResult *result = NULL;
    IDownloadJob *job = NULL;
    struct recorder rec;
    VARIANT none;

    (void)state;
    recorder_init(&rec);
    rec.cleanup_inside = TRUE;
    rec.end_inside = downloader;
    VariantInit(&none);
    assert_hr(S_OK, IUpdateDownloader_BeginDownload(downloader, (IUnknown *)&rec.progress_iface,
                                                    (IUnknown *)&rec.completed_iface, none, &job));
    assert_int_equal(WAIT_OBJECT_0, WaitForSingleObject(rec.completed_event, 30000));
    assert_hr(S_OK, IDownloadJob_CleanUp(job));
    assert_hr(WU_E_INVALID_OPERATION, rec.progress_cleanup_hr);
    assert_hr(WU_E_INVALID_OPERATION, rec.completed_cleanup_hr);
    assert_hr(S_OK, rec.end_hr);
    assert_int_equal(orcSucceeded, rec.end_code);
    assert_int_equal(1, rec.completed_calls);
    assert_hr(WU_E_INVALID_OPERATION, IUpdateDownloader_EndDownload(downloader, job, &result));
    assert_null(result);
    IDownloadJob_Release(job);
    recorder_done(&rec);
    IUpdateDownloader_Release(downloader);
    IUpdateCollection_Release(updates);
    free_packages(packages);
}

/* Every reference dropped while the download runs: it finishes, the
 * callbacks fire once, and then nothing of it is left. */
static void releasing_everything_early_lets_the_download_finish(void **state)
{
    struct test_package packages[3];
    IUpdateCollection *updates = three_updates(packages);
    IUpdateDownloader *downloader = downloader_for(updates);
    IDownloadJob *job = NULL;
    struct recorder rec;
    VARIANT none;
    IUpdate *update;
    int i;

    (void)state;
    recorder_init(&rec);
    VariantInit(&none);
    assert_hr(S_OK, IUpdateDownloader_BeginDownload(downloader, (IUnknown *)&rec.progress_iface,
                                                    (IUnknown *)&rec.completed_iface, none, &job));
    IDownloadJob_Release(job);
    IUpdateDownloader_Release(downloader);
    assert_int_equal(WAIT_OBJECT_0, WaitForSingleObject(rec.completed_event, 30000));
    for (i = 0; i < 3000 && rec.refs != 1; i++) Sleep(10);
    assert_int_equal(1, rec.completed_calls);
    assert_true(rec.reports >= 3);
    for (i = 0; i < 3; i++)
    {
        update = item(updates, i);
        assert_true(is_downloaded(update));
        IUpdate_Release(update);
    }
    IUpdateCollection_Release(updates);
    recorder_done(&rec);
    free_packages(packages);
    wait_unloadable(30000);
}

struct end_run
{
    IUpdateDownloader *downloader;
    IDownloadJob *job;
    HRESULT init, end;
    OperationResultCode code;
};

static DWORD WINAPI end_thread(void *arg)
{
    struct end_run *run = arg;
    IDownloadResult *result = NULL;

    run->init = CoInitializeEx(NULL, COINIT_MULTITHREADED);
    run->end = IUpdateDownloader_EndDownload(run->downloader, run->job, &result);
    if (result)
    {
        IDownloadResult_get_ResultCode(result, &run->code);
        IDownloadResult_Release(result);
    }
    if (SUCCEEDED(run->init)) CoUninitialize();
    return 0;
}

/* EndDownload from another thread; the misuses of EndDownload. */
static void end_download_from_any_thread_and_misuse(void **state)
{
    struct test_package packages[3];
    IUpdateCollection *updates = three_updates(packages);
    IUpdateDownloader *downloader = downloader_for(updates), *other = downloader_for(updates);
    IUpdateSearcher *searcher = create(&CLSID_UpdateSearcher, &IID_IUpdateSearcher);
    IDownloadResult *result = NULL;
    struct end_run run = { 0 };
    ISearchJob *search_job = NULL;
    HANDLE thread;
    VARIANT none;

    (void)state;
    VariantInit(&none);
    run.downloader = downloader;
    run.end = E_UNEXPECTED;
    assert_hr(S_OK, IUpdateDownloader_BeginDownload(downloader, NULL, NULL, none, &run.job));
    /* not a job, or not this downloader's */
    result = (void *)1;
    assert_hr(E_INVALIDARG, IUpdateDownloader_EndDownload(downloader, (IDownloadJob *)downloader, &result));
    assert_null(result);
    assert_hr(E_INVALIDARG, IUpdateDownloader_EndDownload(other, run.job, &result));
    assert_hr(E_POINTER, IUpdateDownloader_EndDownload(downloader, run.job, NULL));
    assert_hr(S_OK, IUpdateSearcher_BeginSearch(searcher, NULL, NULL, none, &search_job));
    assert_hr(E_INVALIDARG, IUpdateDownloader_EndDownload(downloader, (IDownloadJob *)search_job, &result));
    assert_hr(S_OK, ISearchJob_CleanUp(search_job));
    ISearchJob_Release(search_job);

    thread = CreateThread(NULL, 0, end_thread, &run, 0, NULL);
    assert_non_null(thread);
    assert_int_equal(WAIT_OBJECT_0, WaitForSingleObject(thread, 60000));
    CloseHandle(thread);
    assert_hr(S_OK, run.end);
    assert_int_equal(orcSucceeded, run.code);
    assert_hr(WU_E_INVALID_OPERATION, IUpdateDownloader_EndDownload(downloader, run.job, &result));
    assert_null(result);
    /* after completion RequestAbort changes nothing */
    assert_hr(S_OK, IDownloadJob_RequestAbort(run.job));
    assert_hr(S_OK, IDownloadJob_CleanUp(run.job));
    IDownloadJob_Release(run.job);
    IUpdateSearcher_Release(searcher);
    IUpdateDownloader_Release(other);
    IUpdateDownloader_Release(downloader);
    IUpdateCollection_Release(updates);
    free_packages(packages);
}

/* One trickled update over http (16 KiB, 256 bytes every 10 ms): a fetch long
 * enough for progress callbacks to come while the file is being fetched. */
static IUpdateCollection *one_slow_update(struct test_package *package, char **content)
{
    WCHAR url[512], name[64], path[512];
    int i;

    memset(package, 0, sizeof(*package));
    new_id(package, L"Trickled over http");
    swprintf(name, ARRAYSIZE(name), L"slow-%ls.bin", package->id);
    assert_non_null(*content = malloc(16385));
    for (i = 0; i < 16384; i++) (*content)[i] = 'a' + i % 26;
    (*content)[16384] = 0;
    serve(name, *content);
    swprintf(path, ARRAYSIZE(path), L"trickle/256/10/%ls", name);
    http_url(url, path);
    package->files[0] = (struct test_file){ wcsdup(name), wcsdup(url), *content, FALSE, NULL };
    return search(package, 1);
}

/* An STA that begins a download, lets go of the job unended and ends while the file is still coming. */
struct leaving_sta
{
    IUpdateCollection *updates;
    struct recorder rec;
    HRESULT begin;
};

static DWORD WINAPI leaving_sta_thread(void *arg)
{
    struct leaving_sta *run = arg;
    IUpdateDownloader *downloader = NULL;
    IDownloadJob *job = NULL;
    VARIANT none;
    int i;

    if (FAILED(CoInitializeEx(NULL, COINIT_APARTMENTTHREADED))) return 1;
    VariantInit(&none);
    if (SUCCEEDED(CoCreateInstance(&CLSID_UpdateDownloader, NULL, CLSCTX_INPROC_SERVER, &IID_IUpdateDownloader,
                                   (void **)&downloader))
        && SUCCEEDED(IUpdateDownloader_put_Updates(downloader, run->updates)))
        run->begin = IUpdateDownloader_BeginDownload(downloader, (IUnknown *)&run->rec.progress_iface, NULL, none,
                                                     &job);
    for (i = 0; i < 3000 && job && !run->rec.reports; i++) pump_messages(10);
    if (job) IDownloadJob_Release(job);
    if (downloader) IUpdateDownloader_Release(downloader);
    /* not pumping now: the next progress call waits in this thread's queue as the apartment goes */
    Sleep(300);
    CoUninitialize();
    return 0;
}

struct sync_run
{
    IUpdateCollection *updates;
    HRESULT hr;
    OperationResultCode code;
};

static DWORD WINAPI sync_download_thread(void *arg)
{
    struct sync_run *run = arg;
    IUpdateDownloader *downloader = NULL;
    IDownloadResult *result = NULL;
    HRESULT init = CoInitializeEx(NULL, COINIT_MULTITHREADED);

    run->hr = CoCreateInstance(&CLSID_UpdateDownloader, NULL, CLSCTX_INPROC_SERVER, &IID_IUpdateDownloader,
                               (void **)&downloader);
    if (SUCCEEDED(run->hr)) run->hr = IUpdateDownloader_put_Updates(downloader, run->updates);
    if (SUCCEEDED(run->hr)) run->hr = IUpdateDownloader_Download(downloader, &result);
    if (result)
    {
        IDownloadResult_get_ResultCode(result, &run->code);
        IDownloadResult_Release(result);
    }
    if (downloader) IUpdateDownloader_Release(downloader);
    if (SUCCEEDED(init)) CoUninitialize();
    return 0;
}

/* A client whose apartment goes while its job still calls back: the call on
 * its way is let in before the apartment goes, later ones are not made, and
 * the job ends (the case's leak check) and stalls nobody.  Under Wine the
 * call was lost with the apartment's window and the worker waited for ever. */
static void an_sta_that_goes_leaves_no_job_waiting(void **state)
{
    struct test_package package;
    char *content;
    IUpdateCollection *updates = one_slow_update(&package, &content);
    struct leaving_sta sta = { .updates = updates };
    struct sync_run sync = { updates, E_UNEXPECTED, 0 };
    HANDLE thread;
    IUpdate *update;

    (void)state;
    recorder_init(&sta.rec);
    sta.begin = E_UNEXPECTED;
    assert_non_null(thread = CreateThread(NULL, 0, leaving_sta_thread, &sta, 0, NULL));
    assert_int_equal(WAIT_OBJECT_0, WaitForSingleObject(thread, 60000));
    CloseHandle(thread);
    assert_hr(S_OK, sta.begin);
    assert_true(sta.rec.reports > 0);
    assert_non_null(thread = CreateThread(NULL, 0, sync_download_thread, &sync, 0, NULL));
    assert_int_equal(WAIT_OBJECT_0, WaitForSingleObject(thread, 30000));
    CloseHandle(thread);
    assert_hr(S_OK, sync.hr);
    assert_int_equal(orcSucceeded, sync.code);
    update = item(updates, 0);
    assert_true(is_downloaded(update));
    IUpdate_Release(update);
    wait_unloadable(30000);
    IUpdateCollection_Release(updates);
    CloseHandle(sta.rec.completed_event);
    free((void *)package.files[0].name);
    free((void *)package.files[0].uri);
    free(content);
}

int main(void)
{
    const struct CMUnitTest tests[] =
    {
        LEAK_CHECKED(begin_without_updates_fails),
        LEAK_CHECKED(typed_callbacks_and_progress),
        LEAK_CHECKED(no_progress_callback_and_polling),
        LEAK_CHECKED(request_abort),
        LEAK_CHECKED(updates_are_a_snapshot),
        LEAK_CHECKED(sta_callbacks_arrive_on_the_sta_thread),
        LEAK_CHECKED(failing_callbacks_are_ignored),
        LEAK_CHECKED(clean_up_before_end_download_and_twice),
        LEAK_CHECKED(clean_up_inside_a_callback_is_refused),
        LEAK_CHECKED(releasing_everything_early_lets_the_download_finish),
        LEAK_CHECKED(end_download_from_any_thread_and_misuse),
        LEAK_CHECKED(an_sta_that_goes_leaves_no_job_waiting),
    };

    if (!download_fixture_init(L"openwua-download-async-test")) return 1;
    return RUN_TESTS(tests);
}
