/*
 * OpenWUA tests: the patterns of real clients of the WUA API, end to end, each
 * case named after the client whose calls it reproduces (see
 * /work/shared/real-clients.md and docs/real-clients-coverage.md).
 *
 * The updates come from catalogs written into the work folder, their files
 * from plain paths, so every download is real but quick.  Update IDs are new in
 * every case: update state lives for the whole process.
 *
 * "test_clients --fresh-prefix" is the C client tests/test_fresh_prefix.sh runs
 * in a freshly made prefix.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "download_fixture.h"
#include <wincrypt.h>
#include <shlwapi.h>

#define NS_SDP_CLIENTS L"http://schemas.microsoft.com/wsus/2005/04/CorporatePublishing/"

/* --- helpers --- */

/* Updates with one small file each, taken from a plain path. */
static void make_packages(struct test_package *packages, unsigned int count, const WCHAR *title)
{
    WCHAR path[MAX_PATH], name[64];
    unsigned int i;

    memset(packages, 0, count * sizeof(*packages));
    for (i = 0; i < count; i++)
    {
        new_id(&packages[i], title);
        swprintf(name, ARRAYSIZE(name), L"client-%ls.txt", packages[i].id);
        work_path(path, name);
        write_file(path, "content of a client test update");
        packages[i].files[0] = (struct test_file){ wcsdup(name), wcsdup(path), "content of a client test update", FALSE, NULL };
    }
}

static void free_packages(struct test_package *packages, unsigned int count)
{
    unsigned int i;

    for (i = 0; i < count; i++)
    {
        free((void *)packages[i].files[0].name);
        free((void *)packages[i].files[0].uri);
    }
}

/* Registers the catalog as a scan package service and returns a searcher set to it. */
static IUpdateSearcher *searcher_for(const struct test_package *packages, unsigned int count, IUpdateSession *session)
{
    IUpdateSearcher *searcher;
    WCHAR path[MAX_PATH];
    BSTR id;

    swprintf(path, MAX_PATH, L"%ls\\catalog-%ls.xml", work, packages[0].id);
    write_catalog(path, packages, count);
    id = add_scan_service(L"OpenWUA client tests", path);
    searcher = service_searcher(session, id);
    SysFreeString(id);
    return searcher;
}

/* How many updates a search found; no asserts: it runs on other threads too. */
static LONG count_of(ISearchResult *result)
{
    IUpdateCollection *updates = NULL;
    LONG count = -1;

    if (SUCCEEDED(ISearchResult_get_Updates(result, &updates)))
    {
        IUpdateCollection_get_Count(updates, &count);
        IUpdateCollection_Release(updates);
    }
    return count;
}

static LONG disp_long(IDispatch *disp, const WCHAR *name)
{
    VARIANT v;

    assert_hr(S_OK, get_property(disp, name, &v));
    assert_int_equal(VT_I4, V_VT(&v));
    return V_I4(&v);
}

static IDispatch *disp_object(IDispatch *disp, const WCHAR *name, UINT argc, const VARIANT *args)
{
    VARIANT v;

    assert_hr(S_OK, invoke(disp, name, DISPATCH_METHOD | DISPATCH_PROPERTYGET, &v, NULL, argc, args));
    assert_int_equal(VT_DISPATCH, V_VT(&v));
    assert_non_null(V_DISPATCH(&v));
    return V_DISPATCH(&v);
}

static void disp_call(IDispatch *disp, const WCHAR *name, UINT argc, const VARIANT *args)
{
    VARIANT v;

    assert_hr(S_OK, invoke(disp, name, DISPATCH_METHOD, &v, NULL, argc, args));
    VariantClear(&v);
}

/* Waits for the event, letting calls into this apartment in (an STA has to). */
static BOOL wait_pumping(HANDLE event)
{
    DWORD start = GetTickCount();
    MSG msg;

    while (GetTickCount() - start < 60000)
    {
        DWORD ret = MsgWaitForMultipleObjects(1, &event, FALSE, 100, QS_ALLINPUT);

        if (ret == WAIT_OBJECT_0) return TRUE;
        while (PeekMessageW(&msg, NULL, 0, 0, PM_REMOVE)) DispatchMessageW(&msg);
    }
    return FALSE;
}

/* --- a typed callback: only IUnknown and the one callback interface, the way
 * .NET (Ansible, KPBSD) and C++ clients implement them.  All five callback
 * interfaces have the same shape: Invoke(job, args) at slot 3. --- */

struct callback;
typedef void (*callback_handler)(struct callback *cb, IUnknown *job, IUnknown *args);

struct callback_vtbl
{
    HRESULT (WINAPI *QueryInterface)(IUnknown *iface, REFIID riid, void **obj);
    ULONG (WINAPI *AddRef)(IUnknown *iface);
    ULONG (WINAPI *Release)(IUnknown *iface);
    HRESULT (WINAPI *Invoke)(IUnknown *iface, IUnknown *job, IUnknown *args);
};

struct callback
{
    IUnknown IUnknown_iface;
    const IID *iid;
    LONG refs;
    LONG calls;
    DWORD thread;
    HANDLE event;               /* set after every call */
    callback_handler handler;
    void *context;
    HRESULT hr;                 /* what the handler saw go wrong, or S_OK */
    LONG value;                 /* what the handler found */
};

static struct callback *impl_from_IUnknown(IUnknown *iface)
{
    return CONTAINING_RECORD(iface, struct callback, IUnknown_iface);
}

static HRESULT WINAPI callback_QueryInterface(IUnknown *iface, REFIID riid, void **obj)
{
    struct callback *This = impl_from_IUnknown(iface);

    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, This->iid))
    {
        *obj = iface;
        IUnknown_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI callback_AddRef(IUnknown *iface)
{
    return InterlockedIncrement(&impl_from_IUnknown(iface)->refs);
}

static ULONG WINAPI callback_Release(IUnknown *iface)
{
    return InterlockedDecrement(&impl_from_IUnknown(iface)->refs);
}

static HRESULT WINAPI callback_Invoke(IUnknown *iface, IUnknown *job, IUnknown *args)
{
    struct callback *This = impl_from_IUnknown(iface);

    This->thread = GetCurrentThreadId();
    if (This->handler) This->handler(This, job, args);
    InterlockedIncrement(&This->calls);
    SetEvent(This->event);
    return S_OK;
}

static const struct callback_vtbl callback_vtbl =
{
    callback_QueryInterface,
    callback_AddRef,
    callback_Release,
    callback_Invoke,
};

static void callback_init(struct callback *cb, const IID *iid, callback_handler handler, void *context)
{
    memset(cb, 0, sizeof(*cb));
    cb->IUnknown_iface.lpVtbl = (const IUnknownVtbl *)&callback_vtbl;
    cb->iid = iid;
    cb->refs = 1;
    cb->event = CreateEventW(NULL, FALSE, FALSE, NULL);
    cb->handler = handler;
    cb->context = context;
}

static void callback_done(struct callback *cb)
{
    assert_int_equal(1, cb->refs);
    CloseHandle(cb->event);
}

/* --- Ansible win_updates: C# callback classes handed to BeginDownload through
 * IDispatch late binding with the state "Download"; EndDownload is called
 * inside the completed callback; the progress callback reads AsyncState and
 * GetUpdateResult(CurrentUpdateIndex). --- */

struct ansible_run
{
    IDispatch *downloader;
    LONG state_wrong;           /* progress calls whose AsyncState was not "Download" */
    LONG progress_result_failed;
    HRESULT end_hr;
    LONG end_code, end_hresult;
};

static void ansible_progress(struct callback *cb, IUnknown *job, IUnknown *args)
{
    struct ansible_run *run = cb->context;
    IDispatch *job_disp, *args_disp, *progress, *update_result;
    VARIANT state, index;

    IUnknown_QueryInterface(job, &IID_IDispatch, (void **)&job_disp);
    IUnknown_QueryInterface(args, &IID_IDispatch, (void **)&args_disp);
    if (FAILED(get_property(job_disp, L"AsyncState", &state)) || V_VT(&state) != VT_BSTR
        || wcscmp(V_BSTR(&state), L"Download"))
        InterlockedIncrement(&run->state_wrong);
    VariantClear(&state);
    progress = disp_object(args_disp, L"Progress", 0, NULL);
    index = var_i4(disp_long(progress, L"CurrentUpdateIndex"));
    if (FAILED(invoke(progress, L"GetUpdateResult", DISPATCH_METHOD, &state, NULL, 1, &index)))
        InterlockedIncrement(&run->progress_result_failed);
    else
    {
        update_result = V_DISPATCH(&state);
        disp_long(update_result, L"ResultCode");
        IDispatch_Release(update_result);
    }
    IDispatch_Release(progress);
    IDispatch_Release(args_disp);
    IDispatch_Release(job_disp);
}

static void ansible_completed(struct callback *cb, IUnknown *job, IUnknown *args)
{
    struct ansible_run *run = cb->context;
    VARIANT arg, result;
    IDispatch *job_disp;

    (void)args;
    IUnknown_QueryInterface(job, &IID_IDispatch, (void **)&job_disp);
    arg = var_disp(job_disp);
    run->end_hr = invoke(run->downloader, L"EndDownload", DISPATCH_METHOD, &result, NULL, 1, &arg);
    if (SUCCEEDED(run->end_hr))
    {
        run->end_code = disp_long(V_DISPATCH(&result), L"ResultCode");
        run->end_hresult = disp_long(V_DISPATCH(&result), L"HResult");
        VariantClear(&result);
    }
    IDispatch_Release(job_disp);
}

static void ansible_typed_callbacks_late_bound_end_inside_completed(void **state)
{
    struct test_package packages[2];
    IUpdateCollection *updates;
    IDispatch *session = create(&CLSID_UpdateSession, &IID_IDispatch), *downloader;
    struct ansible_run run = { 0 };
    struct callback progress, completed;
    VARIANT args[3], job;
    LONG i;

    (void)state;
    make_packages(packages, 2, L"Ansible download");
    updates = search(packages, 2);
    downloader = disp_object(session, L"CreateUpdateDownloader", 0, NULL);
    args[0] = var_disp((IDispatch *)updates);
    assert_hr(S_OK, put_property(downloader, L"Updates", &args[0]));
    run.downloader = downloader;
    run.end_hr = E_UNEXPECTED;
    callback_init(&progress, &IID_IDownloadProgressChangedCallback, ansible_progress, &run);
    callback_init(&completed, &IID_IDownloadCompletedCallback, ansible_completed, &run);

    V_VT(&args[0]) = VT_UNKNOWN;
    V_UNKNOWN(&args[0]) = &progress.IUnknown_iface;
    V_VT(&args[1]) = VT_UNKNOWN;
    V_UNKNOWN(&args[1]) = &completed.IUnknown_iface;
    args[2] = var_bstr(L"Download");
    assert_hr(S_OK, invoke(downloader, L"BeginDownload", DISPATCH_METHOD, &job, NULL, 3, args));
    VariantClear(&args[2]);
    assert_int_equal(VT_DISPATCH, V_VT(&job));
    /* Ansible waits in slices; one long slice is enough here */
    assert_int_equal(WAIT_OBJECT_0, WaitForSingleObject(completed.event, 60000));

    assert_int_equal(1, completed.calls);
    assert_int_not_equal(GetCurrentThreadId(), completed.thread);
    assert_true(progress.calls >= 1);
    assert_int_equal(0, run.state_wrong);
    assert_int_equal(0, run.progress_result_failed);
    assert_hr(S_OK, run.end_hr);
    assert_int_equal(orcSucceeded, run.end_code);
    assert_int_equal(S_OK, run.end_hresult);
    /* the updates the search returned see the download */
    for (i = 0; i < 2; i++)
    {
        IUpdate *update = item(updates, i);

        assert_true(is_downloaded(update));
        IUpdate_Release(update);
    }
    VariantClear(&job);
    IDispatch_Release(downloader);
    IDispatch_Release(session);
    IUpdateCollection_Release(updates);
    wait_unloadable(10000);
    callback_done(&progress);
    callback_done(&completed);
    free_packages(packages, 2);
}

/* --- Ansible (SystemInfo.RebootRequired, and CreateUpdateInstaller().IsBusy before
 * 2021) and Puppet (CreateUpdateDownloader()): a first cheap call that throws
 * means "not allowed here" to them.  Locally none may fail, in either apartment. --- */

static void probe_calls(void)
{
    IDispatch *info = create(&CLSID_SystemInformation, &IID_IDispatch);
    IDispatch *session = create(&CLSID_UpdateSession, &IID_IDispatch), *installer, *downloader;
    VARIANT v;

    assert_hr(S_OK, get_property(info, L"RebootRequired", &v));
    assert_int_equal(VT_BOOL, V_VT(&v));
    installer = disp_object(session, L"CreateUpdateInstaller", 0, NULL);
    assert_hr(S_OK, get_property(installer, L"IsBusy", &v));
    assert_int_equal(VT_BOOL, V_VT(&v));
    assert_int_equal(VARIANT_FALSE, V_BOOL(&v));
    downloader = disp_object(session, L"CreateUpdateDownloader", 0, NULL);
    IDispatch_Release(downloader);
    IDispatch_Release(installer);
    IDispatch_Release(session);
    IDispatch_Release(info);
}

static DWORD WINAPI probe_thread(void *arg)
{
    (void)arg;
    CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);
    probe_calls();
    CoUninitialize();
    return 0;
}

static void ansible_puppet_probe_calls_never_throw(void **state)
{
    HANDLE thread;

    (void)state;
    probe_calls();
    thread = CreateThread(NULL, 0, probe_thread, NULL, 0, NULL);
    assert_int_equal(WAIT_OBJECT_0, WaitForSingleObject(thread, 60000));
    CloseHandle(thread);
}

/* --- Salt (Python for), PowerShell (foreach, pipelines), Ruby (each), VBScript
 * (For Each): every collection Windows gives _NewEnum has it and enumerates as
 * many items as Count says.  Names asked in lower case, as Cabbie does. --- */

static void check_enumerates(IDispatch *coll, const WCHAR *what)
{
    IEnumVARIANT *enumerator = NULL;
    VARIANT v, items[4];
    LONG count = disp_long(coll, L"count"), seen = 0;
    ULONG fetched;
    HRESULT hr;

    assert_hr(S_OK, get_property(coll, L"_newenum", &v));
    if (V_VT(&v) != VT_UNKNOWN && V_VT(&v) != VT_DISPATCH) fail_msg("%ls: _NewEnum gave type %d", what, V_VT(&v));
    assert_hr(S_OK, IUnknown_QueryInterface(V_UNKNOWN(&v), &IID_IEnumVARIANT, (void **)&enumerator));
    VariantClear(&v);
    do
    {
        ULONG i;

        fetched = 0;
        hr = IEnumVARIANT_Next(enumerator, ARRAYSIZE(items), items, &fetched);
        for (i = 0; i < fetched; i++) VariantClear(&items[i]);
        seen += fetched;
    } while (hr == S_OK);
    assert_hr(S_FALSE, hr);
    IEnumVARIANT_Release(enumerator);
    if (seen != count) fail_msg("%ls: enumerated %ld of %ld", what, seen, count);
}

static void check_property_enumerates(IDispatch *disp, const WCHAR *name)
{
    IDispatch *coll = disp_object(disp, name, 0, NULL);

    check_enumerates(coll, name);
    IDispatch_Release(coll);
}

static void salt_every_collection_enumerates_as_many_as_count(void **state)
{
    static const WCHAR *const update_collections[] =
    {
        L"Categories", L"KBArticleIDs", L"SecurityBulletinIDs", L"SupersededUpdateIDs", L"MoreInfoUrls",
        L"Languages", L"BundledUpdates", L"DownloadContents", L"UninstallationSteps", L"CveIDs",
    };
    IUpdateSession *session = create(&CLSID_UpdateSession, &IID_IUpdateSession);
    IDispatch *manager = create(&CLSID_UpdateServiceManager, &IID_IDispatch), *result_disp, *updates, *update;
    IDispatch *categories, *category, *history, *session_disp;
    struct test_package packages[2];
    IUpdateSearcher *searcher;
    ISearchResult *result;
    BSTR criteria = SysAllocString(L"IsInstalled=0");
    VARIANT args[3];
    unsigned int i;

    (void)state;
    make_packages(packages, 2, L"Salt enumeration");
    searcher = searcher_for(packages, 2, session);
    assert_hr(S_OK, IUpdateSearcher_Search(searcher, criteria, &result));
    ISearchResult_QueryInterface(result, &IID_IDispatch, (void **)&result_disp);
    check_property_enumerates(result_disp, L"Updates");
    check_property_enumerates(result_disp, L"Warnings");
    check_property_enumerates(result_disp, L"RootCategories");
    updates = disp_object(result_disp, L"Updates", 0, NULL);
    args[0] = var_i4(0);
    update = disp_object(updates, L"item", 1, args);
    for (i = 0; i < ARRAYSIZE(update_collections); i++) check_property_enumerates(update, update_collections[i]);
    categories = disp_object(update, L"Categories", 0, NULL);
    assert_true(disp_long(categories, L"Count") > 0);
    category = disp_object(categories, L"item", 1, args);
    check_property_enumerates(category, L"Children");
    check_property_enumerates(category, L"Updates");
    check_property_enumerates(manager, L"Services");
    IUpdateSession_QueryInterface(session, &IID_IDispatch, (void **)&session_disp);
    args[0] = var_bstr(L"");
    args[1] = var_i4(0);
    args[2] = var_i4(10);
    history = disp_object(session_disp, L"QueryHistory", 3, args);
    VariantClear(&args[0]);
    check_enumerates(history, L"QueryHistory");

    IDispatch_Release(history);
    IDispatch_Release(session_disp);
    IDispatch_Release(category);
    IDispatch_Release(categories);
    IDispatch_Release(update);
    IDispatch_Release(updates);
    IDispatch_Release(result_disp);
    ISearchResult_Release(result);
    IUpdateSearcher_Release(searcher);
    IDispatch_Release(manager);
    IUpdateSession_Release(session);
    SysFreeString(criteria);
    free_packages(packages, 2);
}

/* --- Chef wsus-client (Ruby WIN32OLE, an STA): worker.Updates = new UpdateColl,
 * worker.Updates.Add for each update, BeginDownload(worker, worker, nil) with
 * the downloader itself as both callbacks, polling GetProgress without pumping
 * messages, CleanUp before EndDownload, success only as HResult 0 and
 * ResultCode 2. --- */

struct chef_run
{
    struct test_package packages[3];
    IUpdateCollection *updates;
    LONG polls;
    BOOL percent_went_back;
    LONG last_percent;
    LONG end_code, end_hresult;
};

static void chef_flow(struct chef_run *run)
{
    IDispatch *session = create(&CLSID_UpdateSession, &IID_IDispatch), *worker, *coll, *live, *job, *progress, *result;
    VARIANT arg, args[3], v;
    LONG i, percent, count;
    BOOL done = FALSE;

    worker = disp_object(session, L"CreateUpdateDownloader", 0, NULL);
    coll = create(&CLSID_UpdateCollection, &IID_IDispatch);
    arg = var_disp(coll);
    assert_hr(S_OK, put_property(worker, L"Updates", &arg));   /* a put with VT_DISPATCH, no PUTREF */
    IDispatch_Release(coll);
    for (i = 0; i < 3; i++)
    {
        IUpdate *update = item(run->updates, i);

        live = disp_object(worker, L"Updates", 0, NULL);
        arg = var_disp((IDispatch *)update);
        disp_call(live, L"Add", 1, &arg);
        IDispatch_Release(live);
        IUpdate_Release(update);
    }
    live = disp_object(worker, L"Updates", 0, NULL);
    assert_int_equal(3, disp_long(live, L"Count"));
    IDispatch_Release(live);

    args[0] = var_disp(worker);
    args[1] = var_disp(worker);
    V_VT(&args[2]) = VT_ERROR;      /* WIN32OLE passes nil as an omitted argument */
    V_ERROR(&args[2]) = DISP_E_PARAMNOTFOUND;
    job = disp_object(worker, L"BeginDownload", 3, args);
    run->last_percent = -1;
    while (!done && run->polls < 6000)
    {
        progress = disp_object(job, L"GetProgress", 0, NULL);
        percent = disp_long(progress, L"PercentComplete");
        if (percent < run->last_percent)
        {
            run->percent_went_back = TRUE;
            fprintf(stderr, "PercentComplete went from %ld to %ld\n", run->last_percent, percent);
        }
        run->last_percent = percent;
        for (i = 0; i < 3; i++)
        {
            arg = var_i4(i);
            result = disp_object(progress, L"GetUpdateResult", 1, &arg);
            count = disp_long(result, L"ResultCode");
            if (count >= orcSucceededWithErrors) done = TRUE;   /* Chef stops on 3, 4 or 5 too */
            IDispatch_Release(result);
        }
        IDispatch_Release(progress);
        assert_hr(S_OK, get_property(job, L"IsCompleted", &v));
        assert_int_equal(VT_BOOL, V_VT(&v));
        if (V_BOOL(&v)) done = TRUE;
        run->polls++;
        if (!done) Sleep(10);
    }
    /* the job may have ended after the progress above was read: once more */
    progress = disp_object(job, L"GetProgress", 0, NULL);
    percent = disp_long(progress, L"PercentComplete");
    if (percent < run->last_percent) run->percent_went_back = TRUE;
    run->last_percent = percent;
    IDispatch_Release(progress);
    disp_call(job, L"CleanUp", 0, NULL);
    arg = var_disp(job);
    result = disp_object(worker, L"EndDownload", 1, &arg);
    run->end_code = disp_long(result, L"ResultCode");
    run->end_hresult = disp_long(result, L"HResult");
    IDispatch_Release(result);
    IDispatch_Release(job);
    IDispatch_Release(worker);
    IDispatch_Release(session);
}

static DWORD WINAPI chef_thread(void *arg)
{
    CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);
    chef_flow(arg);
    CoUninitialize();
    return 0;
}

static void chef_downloader_is_its_own_callback_polled_cleanup_before_end(void **state)
{
    struct chef_run run = { 0 };
    HANDLE thread;
    LONG i;

    (void)state;
    make_packages(run.packages, 3, L"Chef download");
    run.updates = search(run.packages, 3);
    thread = CreateThread(NULL, 0, chef_thread, &run, 0, NULL);
    assert_int_equal(WAIT_OBJECT_0, WaitForSingleObject(thread, 120000));
    CloseHandle(thread);

    assert_true(run.polls < 6000);
    assert_false(run.percent_went_back);
    assert_int_equal(100, run.last_percent);
    assert_int_equal(S_OK, run.end_hresult);
    assert_int_equal(orcSucceeded, run.end_code);
    for (i = 0; i < 3; i++)
    {
        IUpdate *update = item(run.updates, i);

        assert_true(is_downloaded(update));
        IUpdate_Release(update);
    }
    IUpdateCollection_Release(run.updates);
    wait_unloadable(10000);
    free_packages(run.packages, 3);
}

/* --- KPBSD / PSSharp (.NET, early bound): BeginSearch with the searcher itself as
 * the state, which the callback gets back as the same object; End* and CleanUp
 * on a thread-pool thread, not the callback's; BeginDownload with a NULL
 * progress callback through the vtable. --- */

struct pool_end
{
    IUnknown *owner;            /* the searcher or the downloader */
    BOOL is_download;
    IUnknown *job;
    DWORD thread;
    HRESULT end_hr, cleanup_hr;
    LONG found;                 /* updates found, or the download's ResultCode */
    HANDLE done;
};

static void CALLBACK pool_end_work(PTP_CALLBACK_INSTANCE instance, void *context)
{
    struct pool_end *end = context;

    (void)instance;
    end->thread = GetCurrentThreadId();
    if (end->is_download)
    {
        IDownloadResult *result = NULL;
        OperationResultCode code = 99;

        end->end_hr = IUpdateDownloader_EndDownload((IUpdateDownloader *)end->owner, (IDownloadJob *)end->job, &result);
        if (result)
        {
            IDownloadResult_get_ResultCode(result, &code);
            end->found = code;
            IDownloadResult_Release(result);
        }
        end->cleanup_hr = IDownloadJob_CleanUp((IDownloadJob *)end->job);
    }
    else
    {
        ISearchResult *result = NULL;

        end->end_hr = IUpdateSearcher_EndSearch((IUpdateSearcher *)end->owner, (ISearchJob *)end->job, &result);
        if (result)
        {
            end->found = count_of(result);
            ISearchResult_Release(result);
        }
        end->cleanup_hr = ISearchJob_CleanUp((ISearchJob *)end->job);
    }
    IUnknown_Release(end->job);
    SetEvent(end->done);
}

/* The completed callback: checks AsyncState is the owner, then hands End* to the pool. */
static void kpbsd_completed(struct callback *cb, IUnknown *job, IUnknown *args)
{
    struct pool_end *end = cb->context;
    IUnknown *state_unk = NULL;
    VARIANT state;
    HRESULT hr;

    (void)args;
    VariantInit(&state);
    hr = end->is_download ? IDownloadJob_get_AsyncState((IDownloadJob *)job, &state)
                          : ISearchJob_get_AsyncState((ISearchJob *)job, &state);
    if (SUCCEEDED(hr) && V_VT(&state) == VT_DISPATCH && V_DISPATCH(&state))
        IDispatch_QueryInterface(V_DISPATCH(&state), &IID_IUnknown, (void **)&state_unk);
    cb->hr = state_unk == end->owner ? S_OK : E_FAIL;
    if (state_unk) IUnknown_Release(state_unk);
    VariantClear(&state);
    IUnknown_AddRef(job);
    end->job = job;
    if (!TrySubmitThreadpoolCallback(pool_end_work, end, NULL)) cb->hr = E_OUTOFMEMORY;
}

static void kpbsd_state_is_the_owner_end_on_a_thread_pool_thread_null_progress(void **state)
{
    IUpdateSession *session = create(&CLSID_UpdateSession, &IID_IUpdateSession);
    struct test_package packages[2];
    struct pool_end end = { 0 };
    struct callback completed;
    IUpdateSearcher *searcher;
    IUpdateDownloader *downloader;
    IUpdateCollection *updates;
    ISearchJob *search_job = NULL;
    IDownloadJob *download_job = NULL;
    BSTR criteria = SysAllocString(L"IsInstalled=0");
    VARIANT owner;

    (void)state;
    make_packages(packages, 2, L"KPBSD");
    searcher = searcher_for(packages, 2, session);
    end.done = CreateEventW(NULL, FALSE, FALSE, NULL);

    IUpdateSearcher_QueryInterface(searcher, &IID_IUnknown, (void **)&end.owner);
    IUnknown_Release(end.owner);
    callback_init(&completed, &IID_ISearchCompletedCallback, kpbsd_completed, &end);
    V_VT(&owner) = VT_DISPATCH;
    V_DISPATCH(&owner) = (IDispatch *)searcher;
    assert_hr(S_OK, IUpdateSearcher_BeginSearch(searcher, criteria, &completed.IUnknown_iface, owner, &search_job));
    assert_int_equal(WAIT_OBJECT_0, WaitForSingleObject(end.done, 60000));
    assert_hr(S_OK, completed.hr);
    assert_int_equal(1, completed.calls);
    assert_hr(S_OK, end.end_hr);
    assert_hr(S_OK, end.cleanup_hr);
    assert_int_equal(2, end.found);
    assert_int_not_equal(GetCurrentThreadId(), end.thread);
    ISearchJob_Release(search_job);
    callback_done(&completed);

    updates = search(packages, 2);
    assert_hr(S_OK, IUpdateSession_CreateUpdateDownloader(session, &downloader));
    assert_hr(S_OK, IUpdateDownloader_put_Updates(downloader, updates));
    IUpdateDownloader_QueryInterface(downloader, &IID_IUnknown, (void **)&end.owner);
    IUnknown_Release(end.owner);
    end.is_download = TRUE;
    end.end_hr = end.cleanup_hr = E_UNEXPECTED;
    callback_init(&completed, &IID_IDownloadCompletedCallback, kpbsd_completed, &end);
    V_DISPATCH(&owner) = (IDispatch *)downloader;
    assert_hr(S_OK, IUpdateDownloader_BeginDownload(downloader, NULL, &completed.IUnknown_iface, owner, &download_job));
    assert_int_equal(WAIT_OBJECT_0, WaitForSingleObject(end.done, 60000));
    assert_hr(S_OK, completed.hr);
    assert_int_equal(1, completed.calls);
    assert_hr(S_OK, end.end_hr);
    assert_hr(S_OK, end.cleanup_hr);
    assert_int_equal(orcSucceeded, end.found);
    assert_int_not_equal(GetCurrentThreadId(), end.thread);
    IDownloadJob_Release(download_job);

    IUpdateDownloader_Release(downloader);
    IUpdateCollection_Release(updates);
    IUpdateSearcher_Release(searcher);
    IUpdateSession_Release(session);
    SysFreeString(criteria);
    CloseHandle(end.done);
    wait_unloadable(10000);
    callback_done(&completed);
    free_packages(packages, 2);
}

/* --- PSSharp: the download-progress callback adds the update to installer.Updates
 * through the getter, and the download-completed callback starts BeginInstall
 * (a new Begin* inside a callback).  The catalog's command line names a program
 * the download does not bring, so the install fails, as a per-update result. --- */

struct pssharp_run
{
    IUpdateInstaller *installer;
    IUpdateDownloader *downloader;
    struct callback *install_completed;
    LONG added;
    HRESULT add_hr, end_download_hr, begin_install_hr;
    IInstallationJob *install_job;
};

static void pssharp_progress(struct callback *cb, IUnknown *job, IUnknown *args)
{
    struct pssharp_run *run = cb->context;
    IUpdateCollection *updates = NULL, *installing = NULL;
    IUpdate *update = NULL;
    LONG index;

    (void)args;
    if (run->added) return;
    if (SUCCEEDED(run->add_hr = IDownloadJob_get_Updates((IDownloadJob *)job, &updates))
        && SUCCEEDED(run->add_hr = IUpdateCollection_get_Item(updates, 0, &update))
        && SUCCEEDED(run->add_hr = IUpdateInstaller_get_Updates(run->installer, &installing))
        && SUCCEEDED(run->add_hr = IUpdateCollection_Add(installing, update, &index)))
        run->added = 1;
    if (installing) IUpdateCollection_Release(installing);
    if (update) IUpdate_Release(update);
    if (updates) IUpdateCollection_Release(updates);
}

static void pssharp_download_completed(struct callback *cb, IUnknown *job, IUnknown *args)
{
    struct pssharp_run *run = cb->context;
    IDownloadResult *result = NULL;
    VARIANT state;

    (void)args;
    run->end_download_hr = IUpdateDownloader_EndDownload(run->downloader, (IDownloadJob *)job, &result);
    if (result) IDownloadResult_Release(result);
    VariantInit(&state);
    run->begin_install_hr = IUpdateInstaller_BeginInstall(run->installer, NULL, &run->install_completed->IUnknown_iface,
                                                          state, &run->install_job);
}

static void pssharp_begin_install_inside_the_download_callback(void **state)
{
    IUpdateSession *session = create(&CLSID_UpdateSession, &IID_IUpdateSession);
    IUpdateCollection *updates, *empty = create(&CLSID_UpdateCollection, &IID_IUpdateCollection), *installing;
    struct callback progress, download_completed, install_completed;
    struct pssharp_run run = { 0 };
    struct test_package package;
    IDownloadJob *download_job = NULL;
    IInstallationResult *result = NULL;
    IUpdateInstallationResult *update_result = NULL;
    OperationResultCode code = 99;
    LONG count = 0, update_hr = 0;
    VARIANT none;

    (void)state;
    make_packages(&package, 1, L"PSSharp");
    updates = search(&package, 1);
    assert_hr(S_OK, IUpdateSession_CreateUpdateInstaller(session, &run.installer));
    assert_hr(S_OK, IUpdateInstaller_put_Updates(run.installer, empty));
    assert_hr(S_OK, IUpdateSession_CreateUpdateDownloader(session, &run.downloader));
    assert_hr(S_OK, IUpdateDownloader_put_Updates(run.downloader, updates));
    callback_init(&progress, &IID_IDownloadProgressChangedCallback, pssharp_progress, &run);
    callback_init(&download_completed, &IID_IDownloadCompletedCallback, pssharp_download_completed, &run);
    callback_init(&install_completed, &IID_IInstallationCompletedCallback, NULL, NULL);
    run.install_completed = &install_completed;
    run.add_hr = run.end_download_hr = run.begin_install_hr = E_UNEXPECTED;
    VariantInit(&none);

    assert_hr(S_OK, IUpdateDownloader_BeginDownload(run.downloader, &progress.IUnknown_iface,
                                                    &download_completed.IUnknown_iface, none, &download_job));
    assert_int_equal(WAIT_OBJECT_0, WaitForSingleObject(download_completed.event, 60000));
    assert_int_equal(1, run.added);
    assert_hr(S_OK, run.end_download_hr);
    assert_hr(S_OK, run.begin_install_hr);
    assert_non_null(run.install_job);
    assert_hr(S_OK, IUpdateInstaller_get_Updates(run.installer, &installing));
    assert_hr(S_OK, IUpdateCollection_get_Count(installing, &count));
    assert_int_equal(1, count);
    IUpdateCollection_Release(installing);
    assert_int_equal(WAIT_OBJECT_0, WaitForSingleObject(install_completed.event, 120000));
    assert_int_equal(1, install_completed.calls);

    /* the failure is the update's result; EndInstall itself succeeds */
    assert_hr(S_OK, IUpdateInstaller_EndInstall(run.installer, run.install_job, &result));
    assert_hr(S_OK, IInstallationResult_get_ResultCode(result, &code));
    assert_int_equal(orcFailed, code);
    assert_hr(S_OK, IInstallationResult_GetUpdateResult(result, 0, &update_result));
    assert_hr(S_OK, IUpdateInstallationResult_get_HResult(update_result, &update_hr));
    assert_true(FAILED(update_hr));
    IUpdateInstallationResult_Release(update_result);
    IInstallationResult_Release(result);
    IInstallationJob_Release(run.install_job);
    IDownloadJob_Release(download_job);
    IUpdateDownloader_Release(run.downloader);
    IUpdateInstaller_Release(run.installer);
    IUpdateCollection_Release(empty);
    IUpdateCollection_Release(updates);
    IUpdateSession_Release(session);
    wait_unloadable(10000);
    callback_done(&progress);
    callback_done(&download_completed);
    callback_done(&install_completed);
    free_packages(&package, 1);
}

/* --- Cross-apartment (PowerShell 5.1 and pywin32 STAs handing objects to worker
 * threads): a searcher made in an STA is used from an MTA thread and from a
 * second STA through the type library marshaller, with callbacks. --- */

struct owner_sta
{
    struct test_package *packages;
    IStream *to_mta, *to_sta, *downloader_to_mta, *downloader_to_sta;
    IUpdateSearcher *original;      /* compared, never called, outside the owner */
    IUpdateDownloader *downloader;  /* set to the searcher's updates */
    DWORD thread;
    HANDLE ready;
};

static DWORD WINAPI owner_thread(void *arg)
{
    struct owner_sta *owner = arg;
    IUpdateSession *session;
    IUpdateCollection *updates = NULL;
    ISearchResult *result = NULL;
    BSTR criteria = SysAllocString(L"IsInstalled=0");
    MSG msg;

    CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);
    owner->thread = GetCurrentThreadId();
    PeekMessageW(&msg, NULL, 0, 0, PM_NOREMOVE);    /* a queue before anyone posts to it */
    session = create(&CLSID_UpdateSession, &IID_IUpdateSession);
    owner->original = searcher_for(owner->packages, 2, session);
    if (SUCCEEDED(IUpdateSearcher_Search(owner->original, criteria, &result))
        && SUCCEEDED(ISearchResult_get_Updates(result, &updates))
        && SUCCEEDED(IUpdateSession_CreateUpdateDownloader(session, &owner->downloader)))
        IUpdateDownloader_put_Updates(owner->downloader, updates);
    if (updates) IUpdateCollection_Release(updates);
    if (result) ISearchResult_Release(result);
    SysFreeString(criteria);
    IUpdateSession_Release(session);
    CoMarshalInterThreadInterfaceInStream(&IID_IUpdateSearcher, (IUnknown *)owner->original, &owner->to_mta);
    CoMarshalInterThreadInterfaceInStream(&IID_IUpdateSearcher, (IUnknown *)owner->original, &owner->to_sta);
    if (owner->downloader)
    {
        CoMarshalInterThreadInterfaceInStream(&IID_IUpdateDownloader, (IUnknown *)owner->downloader,
                                              &owner->downloader_to_mta);
        CoMarshalInterThreadInterfaceInStream(&IID_IUpdateDownloader, (IUnknown *)owner->downloader,
                                              &owner->downloader_to_sta);
    }
    SetEvent(owner->ready);
    while (GetMessageW(&msg, NULL, 0, 0) > 0) DispatchMessageW(&msg);
    if (owner->downloader) IUpdateDownloader_Release(owner->downloader);
    IUpdateSearcher_Release(owner->original);
    CoUninitialize();
    return 0;
}

struct apartment_use
{
    struct owner_sta *owner;
    IStream *stream, *downloader_stream;
    BOOL sta;
    BOOL proxied;
    VARIANT_BOOL completed_seen;
    HRESULT begin_hr, end_hr, search_hr;
    LONG found_async, found_sync;
    struct callback completed;
    /* BeginDownload with both callbacks, EndDownload, through the downloader's proxy */
    struct callback download_progress, download_completed;
    HRESULT download_begin_hr, download_end_hr;
    OperationResultCode download_code;
    BOOL callbacks_let_go;      /* STA: every callback released by OpenWUA before the apartment went */
};

static void use_downloader(struct apartment_use *use)
{
    IUpdateDownloader *downloader = NULL;
    IDownloadResult *result = NULL;
    IDownloadJob *job = NULL;
    VARIANT state;

    if (FAILED(CoGetInterfaceAndReleaseStream(use->downloader_stream, &IID_IUpdateDownloader, (void **)&downloader)))
        return;
    state = var_bstr(L"Download");
    use->download_begin_hr = IUpdateDownloader_BeginDownload(downloader, &use->download_progress.IUnknown_iface,
                                                             &use->download_completed.IUnknown_iface, state, &job);
    VariantClear(&state);
    if (SUCCEEDED(use->download_begin_hr))
    {
        if (use->sta) wait_pumping(use->download_completed.event);
        else WaitForSingleObject(use->download_completed.event, 60000);
        use->download_end_hr = IUpdateDownloader_EndDownload(downloader, job, &result);
        if (result)
        {
            IDownloadResult_get_ResultCode(result, &use->download_code);
            IDownloadResult_Release(result);
        }
        IDownloadJob_Release(job);
    }
    IUpdateDownloader_Release(downloader);
}

static void use_searcher(struct apartment_use *use)
{
    IUpdateSearcher *searcher = NULL;
    IClientSecurity *security = NULL;
    ISearchResult *result = NULL;
    ISearchJob *job = NULL;
    BSTR criteria = SysAllocString(L"IsInstalled=0");
    VARIANT state;

    if (FAILED(CoGetInterfaceAndReleaseStream(use->stream, &IID_IUpdateSearcher, (void **)&searcher))) return;
    /* a proxy: not the object itself, and it answers IClientSecurity */
    use->proxied = searcher != use->owner->original
        && SUCCEEDED(IUpdateSearcher_QueryInterface(searcher, &IID_IClientSecurity, (void **)&security));
    if (security) IClientSecurity_Release(security);

    use->search_hr = IUpdateSearcher_Search(searcher, criteria, &result);
    if (result)
    {
        use->found_sync = count_of(result);
        ISearchResult_Release(result);
        result = NULL;
    }
    state = var_bstr(L"Search");
    use->begin_hr = IUpdateSearcher_BeginSearch(searcher, criteria, &use->completed.IUnknown_iface, state, &job);
    VariantClear(&state);
    if (SUCCEEDED(use->begin_hr))
    {
        if (use->sta) wait_pumping(use->completed.event);
        else WaitForSingleObject(use->completed.event, 60000);
        ISearchJob_get_IsCompleted(job, &use->completed_seen);
        use->end_hr = IUpdateSearcher_EndSearch(searcher, job, &result);
        if (result)
        {
            use->found_async = count_of(result);
            ISearchResult_Release(result);
        }
        ISearchJob_CleanUp(job);
        ISearchJob_Release(job);
    }
    IUpdateSearcher_Release(searcher);
    SysFreeString(criteria);
    use_downloader(use);
}

/* Pumps until OpenWUA has let go of this apartment's callbacks.  The last
 * release reaches the apartment as a posted call; under Wine 8 a call posted
 * just before the apartment goes is lost with its window, and the releasing
 * thread (a job's worker) waits for ever.  Windows fails such a call. */
static BOOL callbacks_let_go(struct apartment_use *use)
{
    DWORD start = GetTickCount();

    while (use->completed.refs != 1 || use->download_progress.refs != 1 || use->download_completed.refs != 1)
    {
        if (GetTickCount() - start > 60000) return FALSE;
        pump_messages(10);
    }
    return TRUE;
}

static DWORD WINAPI sta_user_thread(void *arg)
{
    struct apartment_use *use = arg;

    CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);
    use_searcher(use);
    use->callbacks_let_go = callbacks_let_go(use);
    CoUninitialize();
    return 0;
}

static void check_use(struct apartment_use *use)
{
    assert_true(use->proxied);
    assert_hr(S_OK, use->search_hr);
    assert_int_equal(2, use->found_sync);
    assert_hr(S_OK, use->begin_hr);
    assert_int_equal(1, use->completed.calls);
    assert_int_equal(VARIANT_TRUE, use->completed_seen);
    assert_hr(S_OK, use->end_hr);
    assert_int_equal(2, use->found_async);
    assert_int_not_equal(use->owner->thread, use->completed.thread);
    assert_hr(S_OK, use->download_begin_hr);
    assert_int_equal(1, use->download_completed.calls);
    assert_true(use->download_progress.calls >= 1);
    assert_hr(S_OK, use->download_end_hr);
    assert_int_equal(orcSucceeded, use->download_code);
}

static void apartment_use_init(struct apartment_use *use, struct owner_sta *owner, BOOL sta)
{
    use->owner = owner;
    use->sta = sta;
    use->stream = sta ? owner->to_sta : owner->to_mta;
    use->downloader_stream = sta ? owner->downloader_to_sta : owner->downloader_to_mta;
    use->download_code = 99;
    callback_init(&use->completed, &IID_ISearchCompletedCallback, NULL, NULL);
    callback_init(&use->download_progress, &IID_IDownloadProgressChangedCallback, NULL, NULL);
    callback_init(&use->download_completed, &IID_IDownloadCompletedCallback, NULL, NULL);
}

static void apartment_use_done(struct apartment_use *use)
{
    callback_done(&use->completed);
    callback_done(&use->download_progress);
    callback_done(&use->download_completed);
}

/* EndSearch through the proxy works too: see job_from_proxy in src/jobs.c for
 * why that needs care under Wine. */
static void sta_objects_used_from_mta_and_second_sta_through_proxies(void **state)
{
    struct test_package packages[2];
    struct owner_sta owner = { 0 };
    struct apartment_use mta = { 0 }, sta = { 0 };
    HANDLE owner_handle, sta_handle;
    DWORD sta_thread_id;

    (void)state;
    make_packages(packages, 2, L"Cross-apartment");
    owner.packages = packages;
    owner.ready = CreateEventW(NULL, FALSE, FALSE, NULL);
    owner_handle = CreateThread(NULL, 0, owner_thread, &owner, 0, NULL);
    assert_int_equal(WAIT_OBJECT_0, WaitForSingleObject(owner.ready, 60000));

    /* this thread is in the MTA */
    apartment_use_init(&mta, &owner, FALSE);
    use_searcher(&mta);

    apartment_use_init(&sta, &owner, TRUE);
    sta_handle = CreateThread(NULL, 0, sta_user_thread, &sta, 0, &sta_thread_id);
    assert_int_equal(WAIT_OBJECT_0, WaitForSingleObject(sta_handle, 120000));
    CloseHandle(sta_handle);

    PostThreadMessageW(owner.thread, WM_QUIT, 0, 0);
    assert_int_equal(WAIT_OBJECT_0, WaitForSingleObject(owner_handle, 60000));
    CloseHandle(owner_handle);
    CloseHandle(owner.ready);

    check_use(&mta);
    check_use(&sta);
    assert_true(sta.callbacks_let_go);
    /* an STA's callback arrives on that STA's own thread */
    assert_int_equal(sta_thread_id, sta.completed.thread);
    assert_int_equal(sta_thread_id, sta.download_completed.thread);
    assert_int_equal(sta_thread_id, sta.download_progress.thread);
    wait_unloadable(10000);
    apartment_use_done(&mta);
    apartment_use_done(&sta);
    free_packages(packages, 2);
}

/* --- the catalog of client_sdk_sample.vbs: two command-line updates whose
 * installer is tests/payload/exitcode.c, the second exiting 3010 (restart
 * needed).  IDs are new GUIDs: Wine hands out process IDs again. --- */

static BOOL file_sha1(const WCHAR *path, WCHAR *text, DWORD chars, DWORD *size)
{
    HANDLE file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    BCRYPT_ALG_HANDLE alg;
    BCRYPT_HASH_HANDLE hash;
    BYTE buffer[65536], sha1[20];
    DWORD got;
    BOOL ok;

    if (file == INVALID_HANDLE_VALUE) return FALSE;
    *size = GetFileSize(file, NULL);
    BCryptOpenAlgorithmProvider(&alg, BCRYPT_SHA1_ALGORITHM, NULL, 0);
    BCryptCreateHash(alg, &hash, NULL, 0, NULL, 0, 0);
    while (ReadFile(file, buffer, sizeof(buffer), &got, NULL) && got) BCryptHashData(hash, buffer, got, 0);
    ok = !BCryptFinishHash(hash, sha1, sizeof(sha1), 0);
    BCryptDestroyHash(hash);
    BCryptCloseAlgorithmProvider(alg, 0);
    CloseHandle(file);
    return ok && CryptBinaryToStringW(sha1, sizeof(sha1), CRYPT_STRING_BASE64 | CRYPT_STRING_NOCRLF, text, &chars);
}

static int write_sdk_catalog(const char *path)
{
    static const WCHAR *const exit_codes[] = { L"0", L"3010" };
    WCHAR payload[MAX_PATH], url[1024], digest[64], folder[MAX_PATH], id[40], name[MAX_PATH];
    DWORD size, chars = ARRAYSIZE(url);
    unsigned int i;
    GUID guid;
    FILE *f;

    if (!GetEnvironmentVariableW(L"OPENWUA_PAYLOAD", payload, MAX_PATH) || !file_sha1(payload, digest, ARRAYSIZE(digest), &size)
        || FAILED(UrlCreateFromPathW(payload, url, &chars, 0)))
    {
        fprintf(stderr, "OPENWUA_PAYLOAD names exitcode.exe (from ctest)\n");
        return 1;
    }
    MultiByteToWideChar(CP_ACP, 0, path, -1, name, ARRAYSIZE(name));
    swprintf(folder, ARRAYSIZE(folder), L"%ls.state", name);
    CreateDirectoryW(folder, NULL);
    /* the installers' state files are the IsInstalled rules: none from an earlier run */
    for (i = 0; i < ARRAYSIZE(exit_codes); i++)
    {
        WCHAR state[MAX_PATH];

        swprintf(state, ARRAYSIZE(state), L"%ls\\%u.txt", folder, i);
        DeleteFileW(state);
        wcscat(state, L".args");
        DeleteFileW(state);
    }
    if (!(f = _wfopen(name, L"w, ccs=UTF-8"))) return 1;
    fwprintf(f, L"<?xml version=\"1.0\" encoding=\"utf-8\"?>"
             L"<smc:SystemsManagementCatalog xmlns:smc=\"http://schemas.microsoft.com/sms/2005/04/CorporatePublishing/SystemsManagementCatalog.xsd\""
             L" xmlns:sdp=\"" NS_SDP_CLIENTS L"SoftwareDistributionPackage.xsd\" xmlns:bar=\"" NS_SDP_CLIENTS L"BaseApplicabilityRules.xsd\""
             L" xmlns:cmd=\"" NS_SDP_CLIENTS L"Installers/CommandLineInstallation.xsd\">");
    for (i = 0; i < ARRAYSIZE(exit_codes); i++)
    {
        CoCreateGuid(&guid);
        StringFromGUID2(&guid, id, ARRAYSIZE(id));
        id[37] = 0;
        fwprintf(f, L"<smc:SoftwareDistributionPackage SchemaVersion=\"1.0\">"
                 L"<sdp:Properties PackageID=\"%ls\" CreationDate=\"2024-03-05T06:07:08Z\" VendorName=\"OpenWUA Tests\">"
                 L"<sdp:ProductName>SDK sample</sdp:ProductName></sdp:Properties>"
                 L"<sdp:LocalizedProperties><sdp:Language>en</sdp:Language><sdp:Title>SDK sample update %u</sdp:Title></sdp:LocalizedProperties>"
                 L"<sdp:UpdateSpecificData UpdateClassification=\"Updates\"/>"
                 L"<sdp:IsInstalled><bar:FileExists Path=\"%ls\\%u.txt\"/></sdp:IsInstalled>"
                 L"<sdp:InstallableItem ID=\"%.8ls-3333-4000-8000-00000000000%u\">"
                 L"<cmd:CommandLineInstallerData Program=\"exitcode.exe\" Arguments=\"%ls  &quot;%ls\\%u.txt&quot;\" DefaultResult=\"Succeeded\">"
                 L"<cmd:ReturnCode Code=\"3010\" Result=\"Succeeded\" Reboot=\"true\"/></cmd:CommandLineInstallerData>"
                 L"<sdp:OriginFile Digest=\"%ls\" FileName=\"exitcode.exe\" Size=\"%lu\" Modified=\"2024-03-05T06:07:08Z\" OriginUri=\"%ls\"/>"
                 L"</sdp:InstallableItem></smc:SoftwareDistributionPackage>",
                 id + 1, i + 1, folder, i, id + 1, i, exit_codes[i], folder, i, digest, size, url);
    }
    fwprintf(f, L"</smc:SystemsManagementCatalog>");
    fclose(f);
    return 0;
}

/* --- the client of tests/test_fresh_prefix.sh --- */

static int fresh_prefix_client(void)
{
    struct test_package package = { 0 };
    IUpdateServiceManager *manager = NULL;
    IUpdateCollection *updates;
    WCHAR base[MAX_PATH];
    HRESULT hr;

    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    hr = CoCreateInstance(&CLSID_UpdateServiceManager, NULL, CLSCTX_INPROC_SERVER, &IID_IUpdateServiceManager,
                          (void **)&manager);
    if (FAILED(hr))
    {
        printf("client: no OpenWUA (0x%08lx)\n", (unsigned long)hr);
        return 1;
    }
    IUpdateServiceManager_Release(manager);
    GetTempPathW(ARRAYSIZE(base), base);
    swprintf(work, ARRAYSIZE(work), L"%lsfresh-prefix-client-%lu", base, GetCurrentProcessId());
    CreateDirectoryW(work, NULL);
    new_id(&package, L"Fresh prefix update");
    updates = search(&package, 1);
    IUpdateCollection_Release(updates);
    CoUninitialize();
    printf("client passed\n");
    return 0;
}

int main(int argc, char **argv)
{
    int failed;
    static const struct CMUnitTest tests[] =
    {
        LEAK_CHECKED(ansible_typed_callbacks_late_bound_end_inside_completed),
        LEAK_CHECKED(ansible_puppet_probe_calls_never_throw),
        LEAK_CHECKED(salt_every_collection_enumerates_as_many_as_count),
        LEAK_CHECKED(chef_downloader_is_its_own_callback_polled_cleanup_before_end),
        LEAK_CHECKED(kpbsd_state_is_the_owner_end_on_a_thread_pool_thread_null_progress),
        LEAK_CHECKED(pssharp_begin_install_inside_the_download_callback),
        LEAK_CHECKED(sta_objects_used_from_mta_and_second_sta_through_proxies),
    };

    if (argc > 1 && !strcmp(argv[1], "--fresh-prefix")) return fresh_prefix_client();
    if (argc > 2 && !strcmp(argv[1], "--write-sdk-catalog")) return write_sdk_catalog(argv[2]);
    if (argc > 1 && !strcmp(argv[1], "--clear-reboot"))
    {
        reg_delete_tree(L"Software\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired");
        return 0;
    }
    if (!download_fixture_init(L"client-tests")) return 1;
    if (getenv("CLIENTS_ONLY")) cmocka_set_test_filter(getenv("CLIENTS_ONLY"));
    failed = RUN_TESTS(tests);
    /* the scan package services registered here would show in later tests' catalogs */
    reg_delete_tree(L"Software\\OpenWUA");
    return failed;
}
