/*
 * OpenWUA: asynchronous jobs (ISearchJob and its completion callback).
 *
 * Order of events in a job, all on one thread-pool work item:
 *   1. the worker function runs (multithreaded apartment);
 *   2. its HRESULT and result are stored, IsCompleted turns TRUE, the
 *      "done" event is set: End* stops waiting here;
 *   3. the completed callback is fetched from the Global Interface Table and
 *      called once (a single-threaded caller receives it on its own thread
 *      while it pumps messages), then dropped from the table;
 *   4. the "finished" event is set: CleanUp stops waiting here;
 *   5. the work item's reference on the job is released.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include "jobs.h"

/* One callback as Begin* received it. */
struct job_callback
{
    DWORD cookie;               /* Global Interface Table entry; 0 when none */
    IUnknown *direct;           /* held when the table refused it: called directly */
    IUnknown *original;         /* the pointer registered, for comparison only */
    BOOL typed;                 /* the native callback interface; else IDispatch, DISPID 0 */
};

struct job
{
    ISearchJob ISearchJob_iface;
    LONG refs;
    IUnknown *marshal;          /* free-threaded marshaler: the job is agile */
    enum job_kind kind;
    IUnknown *owner;
    job_work_fn work;
    void *context;
    void (*free_context)(void *context);
    VARIANT state;
    struct job_callback completed;
    SRWLOCK callback_lock;
    BOOL begin_sta;
    DWORD begin_thread;
    PTP_WORK work_item;
    HANDLE done;
    HANDLE finished;
    LONG is_completed;
    LONG ended;
    LONG abort_requested;
    LONG in_callback;
    DWORD callback_thread;      /* where the running callback executes; 0 unknown */
    HRESULT hr;
    IUnknown *result;
};

static void debug_log(const char *what, HRESULT hr)
{
    char text[160];

    snprintf(text, sizeof(text), "wuapi: job %s: hr %#lx\n", what, (unsigned long)hr);
    OutputDebugStringA(text);
}

static BOOL in_sta(void)
{
    APTTYPEQUALIFIER qualifier;
    APTTYPE type;

    return SUCCEEDED(CoGetApartmentType(&type, &qualifier)) && (type == APTTYPE_STA || type == APTTYPE_MAINSTA);
}

/* A single-threaded apartment keeps pumping, so calls marshalled to it (callbacks) still arrive. */
static HRESULT wait_for(HANDLE handle)
{
    DWORD index, error;

    if (in_sta()) return CoWaitForMultipleHandles(0 /* COWAIT_DEFAULT */, INFINITE, 1, &handle, &index);
    if (WaitForSingleObject(handle, INFINITE) == WAIT_OBJECT_0) return S_OK;
    error = GetLastError();
    return HRESULT_FROM_WIN32(error);
}

static HRESULT get_git(IGlobalInterfaceTable **git)
{
    return CoCreateInstance(&CLSID_StdGlobalInterfaceTable, NULL, CLSCTX_INPROC_SERVER, &IID_IGlobalInterfaceTable,
                            (void **)git);
}

/* --- the callback arguments: no members of their own --- */

struct callback_args
{
    ISearchCompletedCallbackArgs ISearchCompletedCallbackArgs_iface;
    LONG refs;
    IUnknown *marshal;
};

static struct dispatch_type search_args_type = DISPATCH_TYPE(IID_ISearchCompletedCallbackArgs);

static inline struct callback_args *impl_from_ISearchCompletedCallbackArgs(ISearchCompletedCallbackArgs *iface)
{
    return CONTAINING_RECORD(iface, struct callback_args, ISearchCompletedCallbackArgs_iface);
}

static HRESULT WINAPI search_args_QueryInterface(ISearchCompletedCallbackArgs *iface, REFIID riid, void **obj)
{
    struct callback_args *This = impl_from_ISearchCompletedCallbackArgs(iface);

    if (!obj) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch)
        || IsEqualIID(riid, &IID_ISearchCompletedCallbackArgs))
    {
        *obj = iface;
        ISearchCompletedCallbackArgs_AddRef(iface);
        return S_OK;
    }
    if (IsEqualIID(riid, &IID_IMarshal) && This->marshal) return IUnknown_QueryInterface(This->marshal, riid, obj);
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI search_args_AddRef(ISearchCompletedCallbackArgs *iface)
{
    return InterlockedIncrement(&impl_from_ISearchCompletedCallbackArgs(iface)->refs);
}

static ULONG WINAPI search_args_Release(ISearchCompletedCallbackArgs *iface)
{
    struct callback_args *This = impl_from_ISearchCompletedCallbackArgs(iface);
    ULONG refs = InterlockedDecrement(&This->refs);

    if (!refs)
    {
        if (This->marshal) IUnknown_Release(This->marshal);
        free(This);
        object_destroyed();
    }
    return refs;
}

DEFINE_IDISPATCH(search_args, ISearchCompletedCallbackArgs, search_args_type)

static const ISearchCompletedCallbackArgsVtbl search_args_vtbl =
{
    search_args_QueryInterface,
    search_args_AddRef,
    search_args_Release,
    search_args_GetTypeInfoCount,
    search_args_GetTypeInfo,
    search_args_GetIDsOfNames,
    search_args_Invoke,
};

static HRESULT callback_args_create(IDispatch **out)
{
    struct callback_args *This;
    HRESULT hr;

    if (!(This = calloc(1, sizeof(*This)))) return E_OUTOFMEMORY;
    This->ISearchCompletedCallbackArgs_iface.lpVtbl = &search_args_vtbl;
    This->refs = 1;
    object_created();
    if (FAILED(hr = CoCreateFreeThreadedMarshaler((IUnknown *)&This->ISearchCompletedCallbackArgs_iface,
                                                  &This->marshal)))
    {
        ISearchCompletedCallbackArgs_Release(&This->ISearchCompletedCallbackArgs_iface);
        return hr;
    }
    *out = (IDispatch *)&This->ISearchCompletedCallbackArgs_iface;
    return S_OK;
}

/* --- callbacks --- */

/* The native callback interfaces all have Invoke(job, args) in slot 3. */
struct typed_callback;
struct typed_callback_vtbl
{
    HRESULT (WINAPI *QueryInterface)(struct typed_callback *This, REFIID riid, void **obj);
    ULONG (WINAPI *AddRef)(struct typed_callback *This);
    ULONG (WINAPI *Release)(struct typed_callback *This);
    HRESULT (WINAPI *Invoke)(struct typed_callback *This, IDispatch *job, IDispatch *args);
};
struct typed_callback
{
    const struct typed_callback_vtbl *lpVtbl;
};

static const IID *typed_callback_iid(enum job_kind kind)
{
    return kind == JOB_SEARCH ? &IID_ISearchCompletedCallback : NULL;
}

/* Keeps the callback in the Global Interface Table; called on the Begin* thread. */
static void callback_register(struct job_callback *callback, IUnknown *object, enum job_kind kind)
{
    const IID *iid = typed_callback_iid(kind);
    IGlobalInterfaceTable *git;
    IUnknown *face = NULL;
    HRESULT hr;

    if (!object) return;
    if (iid && SUCCEEDED(IUnknown_QueryInterface(object, iid, (void **)&face))) callback->typed = TRUE;
    else if (SUCCEEDED(IUnknown_QueryInterface(object, &IID_IDispatch, (void **)&face))) iid = &IID_IDispatch;
    else
    {
        debug_log("callback answers neither its interface nor IDispatch; ignored", E_NOINTERFACE);
        return;
    }
    callback->original = face;
    if (SUCCEEDED(hr = get_git(&git)))
    {
        hr = IGlobalInterfaceTable_RegisterInterfaceInGlobal(git, face, iid, &callback->cookie);
        IGlobalInterfaceTable_Release(git);
    }
    if (SUCCEEDED(hr)) IUnknown_Release(face);
    else
    {
        debug_log("callback not in the Global Interface Table; called directly", hr);
        callback->cookie = 0;
        callback->direct = face;
    }
}

static void callback_release(struct job *job, struct job_callback *callback)
{
    IGlobalInterfaceTable *git;
    IUnknown *direct;
    DWORD cookie;

    AcquireSRWLockExclusive(&job->callback_lock);
    cookie = callback->cookie;
    direct = callback->direct;
    callback->cookie = 0;
    callback->direct = NULL;
    ReleaseSRWLockExclusive(&job->callback_lock);
    if (cookie && SUCCEEDED(get_git(&git)))
    {
        IGlobalInterfaceTable_RevokeInterfaceFromGlobal(git, cookie);
        IGlobalInterfaceTable_Release(git);
    }
    if (direct) IUnknown_Release(direct);
}

/* Scripts: DISPID 0 as a method with (job, args), last argument first in DISPPARAMS. */
static HRESULT call_dispatch(IDispatch *target, IDispatch *job, IDispatch *args)
{
    VARIANT argv[2], result;
    DISPPARAMS params = { argv, NULL, 2, 0 };
    EXCEPINFO excep;
    UINT arg_err = 0;
    HRESULT hr;

    V_VT(&argv[0]) = VT_DISPATCH;
    V_DISPATCH(&argv[0]) = args;
    V_VT(&argv[1]) = VT_DISPATCH;
    V_DISPATCH(&argv[1]) = job;
    VariantInit(&result);
    memset(&excep, 0, sizeof(excep));
    hr = IDispatch_Invoke(target, DISPID_VALUE, &IID_NULL, LOCALE_USER_DEFAULT, DISPATCH_METHOD, &params, &result,
                          &excep, &arg_err);
    if (hr == DISP_E_EXCEPTION && excep.pfnDeferredFillIn) excep.pfnDeferredFillIn(&excep);
    if (hr == DISP_E_EXCEPTION && FAILED(excep.scode)) hr = excep.scode;
    SysFreeString(excep.bstrSource);
    SysFreeString(excep.bstrDescription);
    SysFreeString(excep.bstrHelpFile);
    VariantClear(&result);
    return hr;
}

static void call_completed(struct job *job)
{
    struct job_callback *callback = &job->completed;
    IGlobalInterfaceTable *git;
    IUnknown *target = NULL;
    IDispatch *args;
    HRESULT hr = S_OK;

    AcquireSRWLockShared(&job->callback_lock);
    if (callback->direct)
    {
        target = callback->direct;
        IUnknown_AddRef(target);
    }
    else if (callback->cookie && SUCCEEDED(hr = get_git(&git)))
    {
        hr = IGlobalInterfaceTable_GetInterfaceFromGlobal(git, callback->cookie,
                                                          callback->typed ? typed_callback_iid(job->kind) : &IID_IDispatch,
                                                          (void **)&target);
        IGlobalInterfaceTable_Release(git);
    }
    ReleaseSRWLockShared(&job->callback_lock);
    if (!target)
    {
        if (FAILED(hr)) debug_log("completed callback unreachable", hr);
        return;
    }
    if (FAILED(hr = callback_args_create(&args)))
    {
        debug_log("no callback arguments", hr);
        IUnknown_Release(target);
        return;
    }
    /* The same pointer back: no proxy, the call runs here.  A proxy leads to
     * the Begin* thread when that is single-threaded. */
    job->callback_thread = target == callback->original ? GetCurrentThreadId() : job->begin_sta ? job->begin_thread : 0;
    InterlockedExchange(&job->in_callback, TRUE);
    if (callback->typed)
        hr = ((struct typed_callback *)target)->lpVtbl->Invoke((struct typed_callback *)target,
                                                               (IDispatch *)&job->ISearchJob_iface, args);
    else
        hr = call_dispatch((IDispatch *)target, (IDispatch *)&job->ISearchJob_iface, args);
    InterlockedExchange(&job->in_callback, FALSE);
    if (FAILED(hr)) debug_log("completed callback failed; ignored", hr);
    IDispatch_Release(args);
    IUnknown_Release(target);
}

/* --- the work item --- */

static void CALLBACK job_worker(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    struct job *job = context;
    HMODULE module = (HMODULE)wuapi_instance;
    IUnknown *result = NULL;
    HRESULT init, hr;

    (void)work;
    init = CoInitializeEx(NULL, COINIT_MULTITHREADED);
    hr = job->work(job, job->context, &result);
    if (FAILED(hr) && result)
    {
        IUnknown_Release(result);
        result = NULL;
    }
    job->hr = hr;
    job->result = result;
    InterlockedExchange(&job->is_completed, TRUE);
    SetEvent(job->done);
    call_completed(job);
    callback_release(job, &job->completed);
    SetEvent(job->finished);
    ISearchJob_Release(&job->ISearchJob_iface);
    if (SUCCEEDED(init)) CoUninitialize();
    /* job_start took a reference on the module: code of it runs until here. */
    FreeLibraryWhenCallbackReturns(instance, module);
}

/* --- ISearchJob --- */

static struct dispatch_type search_job_type = DISPATCH_TYPE(IID_ISearchJob);

static inline struct job *impl_from_ISearchJob(ISearchJob *iface)
{
    return CONTAINING_RECORD(iface, struct job, ISearchJob_iface);
}

static HRESULT WINAPI search_job_QueryInterface(ISearchJob *iface, REFIID riid, void **obj)
{
    struct job *This = impl_from_ISearchJob(iface);

    if (!obj) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch) || IsEqualIID(riid, &IID_ISearchJob))
    {
        *obj = iface;
        ISearchJob_AddRef(iface);
        return S_OK;
    }
    if (IsEqualIID(riid, &IID_IMarshal) && This->marshal) return IUnknown_QueryInterface(This->marshal, riid, obj);
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI search_job_AddRef(ISearchJob *iface)
{
    return InterlockedIncrement(&impl_from_ISearchJob(iface)->refs);
}

static ULONG WINAPI search_job_Release(ISearchJob *iface)
{
    struct job *This = impl_from_ISearchJob(iface);
    ULONG refs = InterlockedDecrement(&This->refs);

    if (!refs)
    {
        callback_release(This, &This->completed);
        /* From inside the work item too: the pool frees it once the callback returns. */
        if (This->work_item) CloseThreadpoolWork(This->work_item);
        if (This->result) IUnknown_Release(This->result);
        VariantClear(&This->state);
        if (This->free_context) This->free_context(This->context);
        if (This->owner) IUnknown_Release(This->owner);
        if (This->done) CloseHandle(This->done);
        if (This->finished) CloseHandle(This->finished);
        if (This->marshal) IUnknown_Release(This->marshal);
        free(This);
        object_destroyed();
    }
    return refs;
}

DEFINE_IDISPATCH(search_job, ISearchJob, search_job_type)

/* A copy of the VARIANT given to Begin*: objects come back as the same object. */
static HRESULT WINAPI search_job_get_AsyncState(ISearchJob *iface, VARIANT *out)
{
    if (!out) return E_POINTER;
    VariantInit(out);
    return VariantCopy(out, &impl_from_ISearchJob(iface)->state);
}

static HRESULT WINAPI search_job_get_IsCompleted(ISearchJob *iface, VARIANT_BOOL *out)
{
    return return_bool(impl_from_ISearchJob(iface)->is_completed, out);
}

/* Waits for the work and its callbacks, then drops the callbacks.  From
 * inside the job's own callback it would wait for itself: refused. */
static HRESULT WINAPI search_job_CleanUp(ISearchJob *iface)
{
    struct job *This = impl_from_ISearchJob(iface);
    HRESULT hr;

    if (This->in_callback && This->callback_thread == GetCurrentThreadId()) return WU_E_INVALID_OPERATION;
    if (FAILED(hr = wait_for(This->finished))) return hr;
    /* Past "finished" the work item only lets go of the job: wait for that too. */
    WaitForThreadpoolWorkCallbacks(This->work_item, FALSE);
    callback_release(This, &This->completed);
    return S_OK;
}

static HRESULT WINAPI search_job_RequestAbort(ISearchJob *iface)
{
    InterlockedExchange(&impl_from_ISearchJob(iface)->abort_requested, TRUE);
    return S_OK;
}

static const ISearchJobVtbl search_job_vtbl =
{
    search_job_QueryInterface,
    search_job_AddRef,
    search_job_Release,
    search_job_GetTypeInfoCount,
    search_job_GetTypeInfo,
    search_job_GetIDsOfNames,
    search_job_Invoke,
    search_job_get_AsyncState,
    search_job_get_IsCompleted,
    search_job_CleanUp,
    search_job_RequestAbort,
};

/* --- the engine --- */

BOOL job_abort_requested(struct job *job)
{
    return job->abort_requested != 0;
}

HRESULT job_start(const struct job_params *params, IDispatch **out)
{
    struct job *This;
    HMODULE module;
    HRESULT hr;

    *out = NULL;
    if (params->kind != JOB_SEARCH)
    {
        if (params->free_context) params->free_context(params->context);
        return E_NOTIMPL;
    }
    if (!(This = calloc(1, sizeof(*This))))
    {
        if (params->free_context) params->free_context(params->context);
        return E_OUTOFMEMORY;
    }
    This->ISearchJob_iface.lpVtbl = &search_job_vtbl;
    This->refs = 1;
    This->kind = params->kind;
    This->work = params->work;
    This->context = params->context;
    This->free_context = params->free_context;
    This->owner = params->owner;
    IUnknown_AddRef(This->owner);
    InitializeSRWLock(&This->callback_lock);
    This->begin_thread = GetCurrentThreadId();
    This->begin_sta = in_sta();
    VariantInit(&This->state);
    object_created();

    /* User-defined types are not supported as state (documented). */
    if (params->state && (V_VT(params->state) & VT_TYPEMASK) == VT_RECORD) hr = E_INVALIDARG;
    else hr = params->state ? VariantCopyInd(&This->state, (VARIANT *)params->state) : S_OK;
    if (SUCCEEDED(hr))
        hr = CoCreateFreeThreadedMarshaler((IUnknown *)&This->ISearchJob_iface, &This->marshal);
    if (SUCCEEDED(hr) && (!(This->done = CreateEventW(NULL, TRUE, FALSE, NULL))
                          || !(This->finished = CreateEventW(NULL, TRUE, FALSE, NULL))))
        hr = E_OUTOFMEMORY;
    if (SUCCEEDED(hr) && !(This->work_item = CreateThreadpoolWork(job_worker, This, NULL))) hr = E_OUTOFMEMORY;
    if (SUCCEEDED(hr) && !GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS, (const WCHAR *)job_worker, &module))
        hr = E_FAIL;
    if (FAILED(hr))
    {
        ISearchJob_Release(&This->ISearchJob_iface);
        return hr;
    }
    callback_register(&This->completed, params->on_completed, params->kind);
    /* The work item's own reference, released at its end. */
    ISearchJob_AddRef(&This->ISearchJob_iface);
    SubmitThreadpoolWork(This->work_item);
    *out = (IDispatch *)&This->ISearchJob_iface;
    return S_OK;
}

static struct job *job_from_unknown(IUnknown *iface, enum job_kind kind)
{
    ISearchJob *search = (ISearchJob *)iface;

    if (kind == JOB_SEARCH && search->lpVtbl == &search_job_vtbl) return impl_from_ISearchJob(search);
    return NULL;
}

HRESULT job_end(IUnknown *iface, enum job_kind kind, IUnknown *owner, IUnknown **result)
{
    struct job *This;
    HRESULT hr;

    if (!result) return E_POINTER;
    *result = NULL;
    if (!iface) return E_POINTER;
    if (!(This = job_from_unknown(iface, kind)) || This->owner != owner) return E_INVALIDARG;
    if (InterlockedExchange(&This->ended, TRUE)) return WU_E_INVALID_OPERATION;
    if (FAILED(hr = wait_for(This->done)))
    {
        InterlockedExchange(&This->ended, FALSE);
        return hr;
    }
    hr = This->hr;
    *result = This->result;
    This->result = NULL;
    return hr;
}
