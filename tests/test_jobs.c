/*
 * OpenWUA tests: BeginSearch/EndSearch, ISearchJob and the completed callback.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "common.h"

#define NS_SDP L"http://schemas.microsoft.com/wsus/2005/04/CorporatePublishing/"

static WCHAR catalog_path[MAX_PATH];
static BSTR service_id;

/* count packages, none installed, all applicable; titles "Update <n>". */
static void write_catalog(unsigned int count)
{
    FILE *f;
    unsigned int i;

    f = _wfopen(catalog_path, L"w, ccs=UTF-8");
    assert_non_null(f);
    fwprintf(f, L"<?xml version=\"1.0\" encoding=\"utf-8\"?>"
             L"<smc:SystemsManagementCatalog xmlns:smc=\"http://schemas.microsoft.com/sms/2005/04/CorporatePublishing/SystemsManagementCatalog.xsd\""
             L" xmlns:sdp=\"" NS_SDP L"SoftwareDistributionPackage.xsd\" xmlns:lar=\"" NS_SDP L"LogicalApplicabilityRules.xsd\">");
    for (i = 0; i < count; i++)
        fwprintf(f, L"<smc:SoftwareDistributionPackage SchemaVersion=\"1.0\">"
                 L"<sdp:Properties PackageID=\"%08x-0000-4000-8000-0000000000a1\" CreationDate=\"2024-01-02T03:04:05Z\" VendorName=\"Job Tests\"/>"
                 L"<sdp:LocalizedProperties><sdp:Language>en</sdp:Language><sdp:Title>Update %u</sdp:Title></sdp:LocalizedProperties>"
                 L"<sdp:UpdateSpecificData UpdateClassification=\"Updates\"/>"
                 L"<sdp:IsInstalled><lar:False/></sdp:IsInstalled>"
                 L"<sdp:InstallableItem ID=\"%08x-1111-4000-8000-000000000000\">"
                 L"<sdp:OriginFile Digest=\"2jmj7l5rSw0yVb/vlWAYkK/YBwk=\" FileName=\"f.exe\" Size=\"2048\" Modified=\"2024-01-02T03:04:05\"/>"
                 L"</sdp:InstallableItem></smc:SoftwareDistributionPackage>", i + 1, i + 1, i + 1);
    fwprintf(f, L"</smc:SystemsManagementCatalog>");
    fclose(f);
}

/* Registers a catalog of count packages as the service every searcher here uses. */
static void use_catalog(unsigned int count)
{
    IUpdateServiceManager *manager;
    WCHAR dir[MAX_PATH];

    GetTempPathW(MAX_PATH, dir);
    swprintf(catalog_path, MAX_PATH, L"%lsopenwua-jobs-test.xml", dir);
    write_catalog(count);
    manager = create(&CLSID_UpdateServiceManager, &IID_IUpdateServiceManager);
    if (service_id)
    {
        IUpdateServiceManager_RemoveService(manager, service_id);
        SysFreeString(service_id);
        service_id = NULL;
    }
    IUpdateServiceManager_Release(manager);
    service_id = add_scan_service(L"OpenWUA job tests", catalog_path);
}

static IUpdateSearcher *new_searcher(void)
{
    IUpdateSession *session = create(&CLSID_UpdateSession, &IID_IUpdateSession);
    IUpdateSearcher *searcher = NULL;

    assert_hr(S_OK, IUpdateSession_CreateUpdateSearcher(session, &searcher));
    IUpdateSession_Release(session);
    assert_hr(S_OK, IUpdateSearcher_put_ServerSelection(searcher, ssOthers));
    assert_hr(S_OK, IUpdateSearcher_put_ServiceID(searcher, service_id));
    return searcher;
}

static HRESULT begin(IUpdateSearcher *searcher, const WCHAR *criteria, IUnknown *callback, VARIANT state,
                     ISearchJob **job)
{
    BSTR text = criteria ? SysAllocString(criteria) : NULL;
    HRESULT hr;

    *job = NULL;
    hr = IUpdateSearcher_BeginSearch(searcher, text, callback, state, job);
    SysFreeString(text);
    return hr;
}

static VARIANT empty(void)
{
    VARIANT v;

    VariantInit(&v);
    return v;
}

static LONG result_count(ISearchResult *result, OperationResultCode expected_code)
{
    IUpdateCollection *updates;
    OperationResultCode code;
    LONG count;

    assert_hr(S_OK, ISearchResult_get_ResultCode(result, &code));
    assert_int_equal(expected_code, code);
    assert_hr(S_OK, ISearchResult_get_Updates(result, &updates));
    assert_hr(S_OK, IUpdateCollection_get_Count(updates, &count));
    IUpdateCollection_Release(updates);
    return count;
}

/* Ends the job, checks the result holds the catalog's count updates, cleans up. */
static void end_and_check(IUpdateSearcher *searcher, ISearchJob *job, LONG expected)
{
    ISearchResult *result = NULL;

    assert_hr(S_OK, IUpdateSearcher_EndSearch(searcher, job, &result));
    assert_non_null(result);
    assert_int_equal(expected, result_count(result, orcSucceeded));
    ISearchResult_Release(result);
    assert_hr(S_OK, ISearchJob_CleanUp(job));
}

static BOOL wait_completed(ISearchJob *job)
{
    VARIANT_BOOL done = VARIANT_FALSE;
    int i;

    for (i = 0; i < 1000 && done != VARIANT_TRUE; i++)
    {
        assert_hr(S_OK, ISearchJob_get_IsCompleted(job, &done));
        if (done != VARIANT_TRUE) Sleep(10);
    }
    return done == VARIANT_TRUE;
}

/* --- a typed callback (ISearchCompletedCallback) --- */

struct callback
{
    ISearchCompletedCallback ISearchCompletedCallback_iface;
    LONG refs;
    LONG calls;
    DWORD thread;
    HRESULT ret;
    VARIANT_BOOL completed_inside;
    ISearchJob *job_seen;
    BOOL args_ok;
    IUpdateSearcher *end_inside;    /* when set: EndSearch and CleanUp from inside the callback */
    HRESULT end_hr, cleanup_hr;
    LONG updates_inside;
};

static struct callback *impl_from_ISearchCompletedCallback(ISearchCompletedCallback *iface)
{
    return CONTAINING_RECORD(iface, struct callback, ISearchCompletedCallback_iface);
}

static HRESULT WINAPI callback_QueryInterface(ISearchCompletedCallback *iface, REFIID riid, void **obj)
{
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_ISearchCompletedCallback))
    {
        *obj = iface;
        ISearchCompletedCallback_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI callback_AddRef(ISearchCompletedCallback *iface)
{
    return InterlockedIncrement(&impl_from_ISearchCompletedCallback(iface)->refs);
}

static ULONG WINAPI callback_Release(ISearchCompletedCallback *iface)
{
    return InterlockedDecrement(&impl_from_ISearchCompletedCallback(iface)->refs);
}

static HRESULT WINAPI callback_Invoke(ISearchCompletedCallback *iface, ISearchJob *job, ISearchCompletedCallbackArgs *args)
{
    struct callback *This = impl_from_ISearchCompletedCallback(iface);
    IDispatch *disp = NULL;

    This->thread = GetCurrentThreadId();
    This->job_seen = job;
    ISearchJob_get_IsCompleted(job, &This->completed_inside);
    This->args_ok = args && SUCCEEDED(ISearchCompletedCallbackArgs_QueryInterface(args, &IID_IDispatch, (void **)&disp));
    if (disp) IDispatch_Release(disp);
    if (This->end_inside)
    {
        ISearchResult *result = NULL;

        This->end_hr = IUpdateSearcher_EndSearch(This->end_inside, job, &result);
        if (result)
        {
            This->updates_inside = result_count(result, orcSucceeded);
            ISearchResult_Release(result);
        }
        This->cleanup_hr = ISearchJob_CleanUp(job);
    }
    InterlockedIncrement(&This->calls);
    return This->ret;
}

static const ISearchCompletedCallbackVtbl callback_vtbl =
{
    callback_QueryInterface,
    callback_AddRef,
    callback_Release,
    callback_Invoke,
};

static void callback_init(struct callback *cb)
{
    memset(cb, 0, sizeof(*cb));
    cb->ISearchCompletedCallback_iface.lpVtbl = &callback_vtbl;
    cb->refs = 1;
    cb->end_hr = cb->cleanup_hr = E_UNEXPECTED;
}

/* --- a late-bound callback: IDispatch only, the way scripts pass one --- */

struct disp_callback
{
    IDispatch IDispatch_iface;
    LONG refs;
    LONG calls;
    DISPID member;
    WORD flags;
    UINT argc;
    VARTYPE types[2];
    IDispatch *first;           /* rgvarg[1]: the job */
};

static struct disp_callback *impl_from_IDispatch(IDispatch *iface)
{
    return CONTAINING_RECORD(iface, struct disp_callback, IDispatch_iface);
}

static HRESULT WINAPI disp_QueryInterface(IDispatch *iface, REFIID riid, void **obj)
{
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch))
    {
        *obj = iface;
        IDispatch_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI disp_AddRef(IDispatch *iface)
{
    return InterlockedIncrement(&impl_from_IDispatch(iface)->refs);
}

static ULONG WINAPI disp_Release(IDispatch *iface)
{
    return InterlockedDecrement(&impl_from_IDispatch(iface)->refs);
}

static HRESULT WINAPI disp_GetTypeInfoCount(IDispatch *iface, UINT *count)
{
    (void)iface;
    *count = 0;
    return S_OK;
}

static HRESULT WINAPI disp_GetTypeInfo(IDispatch *iface, UINT index, LCID lcid, ITypeInfo **info)
{
    (void)iface; (void)index; (void)lcid; (void)info;
    return E_NOTIMPL;
}

static HRESULT WINAPI disp_GetIDsOfNames(IDispatch *iface, REFIID riid, LPOLESTR *names, UINT count, LCID lcid,
                                         DISPID *ids)
{
    (void)iface; (void)riid; (void)names; (void)count; (void)lcid; (void)ids;
    return E_NOTIMPL;
}

static HRESULT WINAPI disp_Invoke(IDispatch *iface, DISPID member, REFIID riid, LCID lcid, WORD flags,
                                  DISPPARAMS *params, VARIANT *result, EXCEPINFO *excep, UINT *arg_err)
{
    struct disp_callback *This = impl_from_IDispatch(iface);
    UINT i;

    (void)riid; (void)lcid; (void)result; (void)excep; (void)arg_err;
    This->member = member;
    This->flags = flags;
    This->argc = params->cArgs;
    for (i = 0; i < params->cArgs && i < 2; i++) This->types[i] = V_VT(&params->rgvarg[i]);
    if (params->cArgs == 2 && V_VT(&params->rgvarg[1]) == VT_DISPATCH) This->first = V_DISPATCH(&params->rgvarg[1]);
    InterlockedIncrement(&This->calls);
    return S_OK;
}

static const IDispatchVtbl disp_vtbl =
{
    disp_QueryInterface,
    disp_AddRef,
    disp_Release,
    disp_GetTypeInfoCount,
    disp_GetTypeInfo,
    disp_GetIDsOfNames,
    disp_Invoke,
};

/* --- the cases --- */

static void mta_typed_callback_fires_once_on_another_thread(void **state)
{
    IUpdateSearcher *searcher;
    struct callback cb;
    ISearchJob *job;
    VARIANT_BOOL done;

    (void)state;
    use_catalog(3);
    searcher = new_searcher();
    callback_init(&cb);
    assert_hr(S_OK, begin(searcher, L"IsInstalled=0", (IUnknown *)&cb.ISearchCompletedCallback_iface, empty(), &job));
    assert_non_null(job);
    end_and_check(searcher, job, 3);
    /* CleanUp waited for the callback and let go of it. */
    assert_int_equal(1, cb.calls);
    assert_int_equal(1, cb.refs);
    assert_true(cb.thread && cb.thread != GetCurrentThreadId());
    assert_int_equal(VARIANT_TRUE, cb.completed_inside);
    assert_ptr_equal(job, cb.job_seen);
    assert_true(cb.args_ok);
    assert_hr(S_OK, ISearchJob_get_IsCompleted(job, &done));
    assert_int_equal(VARIANT_TRUE, done);
    ISearchJob_Release(job);
    IUpdateSearcher_Release(searcher);
}

static void end_search_works_inside_the_callback_and_clean_up_does_not(void **state)
{
    IUpdateSearcher *searcher;
    ISearchResult *result;
    struct callback cb;
    ISearchJob *job;

    (void)state;
    use_catalog(2);
    searcher = new_searcher();
    callback_init(&cb);
    cb.end_inside = searcher;
    assert_hr(S_OK, begin(searcher, NULL, (IUnknown *)&cb.ISearchCompletedCallback_iface, empty(), &job));
    assert_hr(S_OK, ISearchJob_CleanUp(job));
    assert_int_equal(1, cb.calls);
    assert_hr(S_OK, cb.end_hr);
    assert_int_equal(2, cb.updates_inside);
    assert_hr(WU_E_INVALID_OPERATION, cb.cleanup_hr);
    result = (void *)0xdeadbeef;
    assert_hr(WU_E_INVALID_OPERATION, IUpdateSearcher_EndSearch(searcher, job, &result));
    assert_null(result);
    assert_int_equal(1, cb.refs);
    ISearchJob_Release(job);
    IUpdateSearcher_Release(searcher);
}

static void without_callback_the_job_is_polled(void **state)
{
    IUpdateSearcher *searcher;
    ISearchJob *job;

    (void)state;
    use_catalog(1);
    searcher = new_searcher();
    assert_hr(S_OK, begin(searcher, L"IsInstalled=0", NULL, empty(), &job));
    assert_true(wait_completed(job));
    end_and_check(searcher, job, 1);
    ISearchJob_Release(job);
    IUpdateSearcher_Release(searcher);
}

static void async_state_comes_back_as_given(void **state)
{
    struct disp_callback object = { { &disp_vtbl }, 1, 0, 0, 0, 0, { 0 }, NULL };
    IUpdateSearcher *searcher;
    VARIANT given[5], got;
    ISearchJob *job;
    unsigned int i;

    (void)state;
    use_catalog(1);
    searcher = new_searcher();
    VariantInit(&given[0]);
    given[1] = var_bstr(L"Search");
    V_VT(&given[2]) = VT_I2;
    V_I2(&given[2]) = 1;        /* vbNull, as WuF passes it */
    given[3] = var_disp(&object.IDispatch_iface);
    given[4] = var_i4(-42);
    for (i = 0; i < ARRAYSIZE(given); i++)
    {
        assert_hr(S_OK, begin(searcher, NULL, NULL, given[i], &job));
        assert_hr(S_OK, ISearchJob_get_AsyncState(job, &got));
        assert_int_equal(V_VT(&given[i]), V_VT(&got));
        switch (V_VT(&got))
        {
        case VT_BSTR: assert_int_equal(0, wcscmp(V_BSTR(&got), L"Search")); break;
        case VT_I2: assert_int_equal(1, V_I2(&got)); break;
        case VT_DISPATCH: assert_ptr_equal(&object.IDispatch_iface, V_DISPATCH(&got)); break;
        case VT_I4: assert_int_equal(-42, V_I4(&got)); break;
        default: break;
        }
        VariantClear(&got);
        assert_hr(E_POINTER, ISearchJob_get_AsyncState(job, NULL));
        end_and_check(searcher, job, 1);
        ISearchJob_Release(job);
    }
    /* The job let go of the object it kept. */
    assert_int_equal(1, object.refs);
    VariantClear(&given[1]);
    IUpdateSearcher_Release(searcher);
}

static void end_search_errors(void **state)
{
    IUpdateSearcher *searcher, *other;
    ISearchResult *result;
    ISearchJob *job;

    (void)state;
    use_catalog(1);
    searcher = new_searcher();
    other = new_searcher();
    assert_hr(E_POINTER, IUpdateSearcher_BeginSearch(searcher, NULL, NULL, empty(), NULL));
    assert_hr(S_OK, begin(searcher, NULL, NULL, empty(), &job));
    result = (void *)0xdeadbeef;
    assert_hr(E_POINTER, IUpdateSearcher_EndSearch(searcher, NULL, &result));
    assert_null(result);
    assert_hr(E_POINTER, IUpdateSearcher_EndSearch(searcher, job, NULL));
    /* A job begun on another searcher. */
    result = (void *)0xdeadbeef;
    assert_hr(E_INVALIDARG, IUpdateSearcher_EndSearch(other, job, &result));
    assert_null(result);
    /* Something that is not a job at all. */
    assert_hr(E_INVALIDARG, IUpdateSearcher_EndSearch(searcher, (ISearchJob *)other, &result));
    /* Still to be ended by its own searcher, once. */
    end_and_check(searcher, job, 1);
    result = (void *)0xdeadbeef;
    assert_hr(WU_E_INVALID_OPERATION, IUpdateSearcher_EndSearch(searcher, job, &result));
    assert_null(result);
    ISearchJob_Release(job);
    IUpdateSearcher_Release(other);
    IUpdateSearcher_Release(searcher);
}

static void search_failures_come_from_end_search(void **state)
{
    IUpdateSearcher *searcher;
    ISearchResult *result;
    struct callback cb;
    ISearchJob *job;

    (void)state;
    use_catalog(1);
    searcher = new_searcher();
    callback_init(&cb);
    assert_hr(S_OK, begin(searcher, L"IsInstalled=0 and (IsHidden=0 or Type='Driver')",
                          (IUnknown *)&cb.ISearchCompletedCallback_iface, empty(), &job));
    result = (void *)0xdeadbeef;
    assert_hr(WU_E_INVALID_CRITERIA, IUpdateSearcher_EndSearch(searcher, job, &result));
    assert_null(result);
    assert_hr(S_OK, ISearchJob_CleanUp(job));
    assert_int_equal(1, cb.calls);
    ISearchJob_Release(job);
    /* ssOthers without a ServiceID, as Search reports it. */
    assert_hr(S_OK, IUpdateSearcher_put_ServiceID(searcher, NULL));
    assert_hr(S_OK, begin(searcher, NULL, NULL, empty(), &job));
    assert_hr(E_INVALIDARG, IUpdateSearcher_EndSearch(searcher, job, &result));
    assert_hr(S_OK, ISearchJob_CleanUp(job));
    ISearchJob_Release(job);
    IUpdateSearcher_Release(searcher);
}

struct sta_run
{
    DWORD thread;
    HRESULT init, begin, end, cleanup;
    LONG updates;
    struct callback cb;
};

static DWORD WINAPI sta_thread(void *arg)
{
    struct sta_run *run = arg;
    IUpdateSession *session = NULL;
    IUpdateSearcher *searcher = NULL;
    ISearchResult *result = NULL;
    OperationResultCode code;
    IUpdateCollection *updates;
    ISearchJob *job = NULL;

    run->thread = GetCurrentThreadId();
    run->init = CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);
    if (FAILED(run->init)) return 1;
    if (SUCCEEDED(CoCreateInstance(&CLSID_UpdateSession, NULL, CLSCTX_INPROC_SERVER, &IID_IUpdateSession,
                                   (void **)&session))
        && SUCCEEDED(IUpdateSession_CreateUpdateSearcher(session, &searcher)))
    {
        IUpdateSearcher_put_ServerSelection(searcher, ssOthers);
        IUpdateSearcher_put_ServiceID(searcher, service_id);
        run->begin = IUpdateSearcher_BeginSearch(searcher, NULL, (IUnknown *)&run->cb.ISearchCompletedCallback_iface,
                                                 empty(), &job);
        if (SUCCEEDED(run->begin))
        {
            run->end = IUpdateSearcher_EndSearch(searcher, job, &result);
            if (result && SUCCEEDED(ISearchResult_get_ResultCode(result, &code))
                && SUCCEEDED(ISearchResult_get_Updates(result, &updates)))
            {
                IUpdateCollection_get_Count(updates, &run->updates);
                IUpdateCollection_Release(updates);
            }
            if (result) ISearchResult_Release(result);
            run->cleanup = ISearchJob_CleanUp(job);
            ISearchJob_Release(job);
        }
    }
    if (searcher) IUpdateSearcher_Release(searcher);
    if (session) IUpdateSession_Release(session);
    CoUninitialize();
    return 0;
}

static void sta_caller_gets_the_callback_on_its_own_thread(void **state)
{
    struct sta_run run = { 0 };
    HANDLE thread;

    (void)state;
    use_catalog(2);
    callback_init(&run.cb);
    run.begin = run.end = run.cleanup = E_UNEXPECTED;
    thread = CreateThread(NULL, 0, sta_thread, &run, 0, NULL);
    assert_non_null(thread);
    assert_int_equal(WAIT_OBJECT_0, WaitForSingleObject(thread, 60000));
    CloseHandle(thread);
    assert_hr(S_OK, run.init);
    assert_hr(S_OK, run.begin);
    assert_hr(S_OK, run.end);
    assert_int_equal(2, run.updates);
    assert_hr(S_OK, run.cleanup);
    assert_int_equal(1, run.cb.calls);
    assert_int_equal(run.thread, run.cb.thread);
    assert_int_equal(VARIANT_TRUE, run.cb.completed_inside);
    assert_true(run.cb.args_ok);
    assert_int_equal(1, run.cb.refs);
}

static void dispatch_callback_gets_dispid_0_with_job_and_args(void **state)
{
    struct disp_callback cb = { { &disp_vtbl }, 1, 0, -1, 0, 0, { 0 }, NULL };
    IUpdateSearcher *searcher;
    ISearchJob *job;

    (void)state;
    use_catalog(1);
    searcher = new_searcher();
    assert_hr(S_OK, begin(searcher, NULL, (IUnknown *)&cb.IDispatch_iface, empty(), &job));
    end_and_check(searcher, job, 1);
    assert_int_equal(1, cb.calls);
    assert_int_equal(DISPID_VALUE, cb.member);
    assert_true(cb.flags & DISPATCH_METHOD);
    assert_int_equal(2, cb.argc);
    assert_int_equal(VT_DISPATCH, cb.types[0]);
    assert_int_equal(VT_DISPATCH, cb.types[1]);
    assert_ptr_equal((IDispatch *)job, cb.first);
    assert_int_equal(1, cb.refs);
    ISearchJob_Release(job);
    IUpdateSearcher_Release(searcher);
}

static void failing_callbacks_are_ignored(void **state)
{
    IUpdateSearcher *searcher;
    struct callback cb;
    ISearchJob *job;
    IUnknown *unknown;

    (void)state;
    use_catalog(1);
    searcher = new_searcher();
    callback_init(&cb);
    cb.ret = E_FAIL;
    assert_hr(S_OK, begin(searcher, NULL, (IUnknown *)&cb.ISearchCompletedCallback_iface, empty(), &job));
    assert_true(wait_completed(job));
    end_and_check(searcher, job, 1);
    assert_int_equal(1, cb.calls);
    ISearchJob_Release(job);
    /* Chef passes the worker object itself: IDispatch with no DISPID 0 member. */
    IUpdateSearcher_QueryInterface(searcher, &IID_IUnknown, (void **)&unknown);
    assert_hr(S_OK, begin(searcher, NULL, unknown, empty(), &job));
    IUnknown_Release(unknown);
    assert_true(wait_completed(job));
    end_and_check(searcher, job, 1);
    ISearchJob_Release(job);
    IUpdateSearcher_Release(searcher);
}

static void clean_up_before_end_search_and_twice(void **state)
{
    IUpdateSearcher *searcher;
    struct callback cb;
    ISearchJob *job;

    (void)state;
    use_catalog(2);
    searcher = new_searcher();
    callback_init(&cb);
    assert_hr(S_OK, begin(searcher, NULL, (IUnknown *)&cb.ISearchCompletedCallback_iface, empty(), &job));
    assert_hr(S_OK, ISearchJob_CleanUp(job));
    assert_int_equal(1, cb.calls);
    assert_int_equal(1, cb.refs);
    assert_hr(S_OK, ISearchJob_CleanUp(job));
    end_and_check(searcher, job, 2);
    assert_int_equal(1, cb.calls);
    ISearchJob_Release(job);
    IUpdateSearcher_Release(searcher);
}

static void releasing_everything_early_lets_the_work_finish(void **state)
{
    IUpdateSearcher *searcher;
    struct callback cb;
    ISearchJob *job;
    int i;

    (void)state;
    use_catalog(50);
    searcher = new_searcher();
    callback_init(&cb);
    assert_hr(S_OK, begin(searcher, NULL, (IUnknown *)&cb.ISearchCompletedCallback_iface, empty(), &job));
    ISearchJob_Release(job);
    IUpdateSearcher_Release(searcher);
    for (i = 0; i < 1000 && cb.refs != 1; i++) Sleep(10);
    assert_int_equal(1, cb.calls);
    assert_int_equal(1, cb.refs);
    wait_unloadable(10000);
}

static DWORD WINAPI spin(void *stop)
{
    while (!*(volatile LONG *)stop) {}
    return 0;
}

/* Without a completed callback the work item has let go of the job by the time
 * End* or IsCompleted sees it finished: a client that then releases
 * everything leaves nothing alive, at once, not when the worker gets round to
 * it.  Many rounds, with every core kept busy so that the worker is often
 * descheduled just after it wakes End*. */
static void ended_jobs_leave_nothing_behind(void **state)
{
    IUpdateSearcher *searcher;
    ISearchResult *result;
    HANDLE spinners[8];
    ISearchJob *job;
    SYSTEM_INFO info;
    LONG stop = 0;
    DWORD count, j;
    int i;

    (void)state;
    use_catalog(1);
    GetSystemInfo(&info);
    count = min(info.dwNumberOfProcessors + 1, ARRAYSIZE(spinners));
    for (j = 0; j < count; j++) assert_non_null(spinners[j] = CreateThread(NULL, 0, spin, &stop, 0, NULL));
    for (i = 0; i < 500; i++)
    {
        searcher = new_searcher();
        assert_hr(S_OK, begin(searcher, L"IsInstalled=0", NULL, empty(), &job));
        if (i % 4)
        {
            result = NULL;
            assert_hr(S_OK, IUpdateSearcher_EndSearch(searcher, job, &result));
            ISearchResult_Release(result);
        }
        else assert_true(wait_completed(job));
        ISearchJob_Release(job);
        IUpdateSearcher_Release(searcher);
        if (can_unload_now() != S_OK) break;
    }
    InterlockedExchange(&stop, 1);
    WaitForMultipleObjects(count, spinners, TRUE, INFINITE);
    for (j = 0; j < count; j++) CloseHandle(spinners[j]);
    assert_int_equal(500, i);    /* else DllCanUnloadNow was S_FALSE after round i */
}

static void request_abort_ends_with_orc_aborted(void **state)
{
    IUpdateSearcher *searcher;
    ISearchResult *result = NULL;
    struct callback cb;
    ISearchJob *job;

    (void)state;
    /* Big enough that the search is still running when RequestAbort comes. */
    use_catalog(400);
    searcher = new_searcher();
    callback_init(&cb);
    assert_hr(S_OK, begin(searcher, NULL, (IUnknown *)&cb.ISearchCompletedCallback_iface, empty(), &job));
    assert_hr(S_OK, ISearchJob_RequestAbort(job));
    assert_hr(S_OK, IUpdateSearcher_EndSearch(searcher, job, &result));
    assert_non_null(result);
    assert_int_equal(0, result_count(result, orcAborted));
    ISearchResult_Release(result);
    assert_hr(S_OK, ISearchJob_CleanUp(job));
    assert_int_equal(1, cb.calls);
    assert_hr(S_OK, ISearchJob_RequestAbort(job));
    ISearchJob_Release(job);
    /* After completion, RequestAbort changes nothing. */
    assert_hr(S_OK, begin(searcher, NULL, NULL, empty(), &job));
    assert_true(wait_completed(job));
    assert_hr(S_OK, ISearchJob_RequestAbort(job));
    end_and_check(searcher, job, 400);
    ISearchJob_Release(job);
    IUpdateSearcher_Release(searcher);
}

static void job_answers_its_interfaces(void **state)
{
    IUpdateSearcher *searcher;
    ISearchJob *job;
    IUnknown *unknown;
    IDispatch *disp;

    (void)state;
    use_catalog(1);
    searcher = new_searcher();
    assert_hr(S_OK, begin(searcher, NULL, NULL, empty(), &job));
    assert_hr(S_OK, ISearchJob_QueryInterface(job, &IID_IDispatch, (void **)&disp));
    assert_ptr_equal((IDispatch *)job, disp);
    IDispatch_Release(disp);
    assert_hr(S_OK, ISearchJob_QueryInterface(job, &IID_IMarshal, (void **)&unknown));
    IUnknown_Release(unknown);
    assert_hr(E_NOINTERFACE, ISearchJob_QueryInterface(job, &IID_ISearchResult, (void **)&unknown));
    end_and_check(searcher, job, 1);
    ISearchJob_Release(job);
    IUpdateSearcher_Release(searcher);
}

int main(void)
{
    const struct CMUnitTest tests[] =
    {
        LEAK_CHECKED(mta_typed_callback_fires_once_on_another_thread),
        LEAK_CHECKED(end_search_works_inside_the_callback_and_clean_up_does_not),
        LEAK_CHECKED(without_callback_the_job_is_polled),
        LEAK_CHECKED(async_state_comes_back_as_given),
        LEAK_CHECKED(end_search_errors),
        LEAK_CHECKED(search_failures_come_from_end_search),
        LEAK_CHECKED(sta_caller_gets_the_callback_on_its_own_thread),
        LEAK_CHECKED(dispatch_callback_gets_dispid_0_with_job_and_args),
        LEAK_CHECKED(failing_callbacks_are_ignored),
        LEAK_CHECKED(clean_up_before_end_search_and_twice),
        LEAK_CHECKED(releasing_everything_early_lets_the_work_finish),
        LEAK_CHECKED(ended_jobs_leave_nothing_behind),
        LEAK_CHECKED(request_abort_ends_with_orc_aborted),
        LEAK_CHECKED(job_answers_its_interfaces),
    };
    IUpdateServiceManager *manager;
    int failed;

    failed = RUN_TESTS(tests);
    if (service_id && SUCCEEDED(CoInitializeEx(NULL, COINIT_MULTITHREADED)))
    {
        if (SUCCEEDED(CoCreateInstance(&CLSID_UpdateServiceManager, NULL, CLSCTX_INPROC_SERVER,
                                       &IID_IUpdateServiceManager, (void **)&manager)))
        {
            IUpdateServiceManager_RemoveService(manager, service_id);
            IUpdateServiceManager_Release(manager);
        }
        CoUninitialize();
    }
    SysFreeString(service_id);
    DeleteFileW(catalog_path);
    return failed;
}
