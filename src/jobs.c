/*
 * OpenWUA: asynchronous jobs (ISearchJob, IDownloadJob, IInstallationJob and their callbacks).
 *
 * Order of events in a job, all on one thread-pool work item:
 *   1. the worker function runs (multithreaded apartment); it may call the
 *      progress callback through job_report_progress, synchronously;
 *   2. its HRESULT and result are stored and the progress callback dropped;
 *   3. with a completed callback: the job reaches STAGE_DONE (IsCompleted
 *      turns TRUE, End* stops waiting here), the callback's relay is fetched
 *      from the Global Interface Table and called once (a single-threaded
 *      caller receives it on its own thread while it pumps messages or polls),
 *      then dropped from the table;
 *   4. STAGE_FINISHED (CleanUp stops waiting here; without a completed
 *      callback End* and IsCompleted too), reached as the work item lets go of
 *      the job: whoever sees it can release the last reference, and the job
 *      and all it holds go at once, on that thread.  Otherwise a client
 *      that ended a job and released everything could still find the job alive
 *      (DllCanUnloadNow S_FALSE) until the worker got round to its release.
 *
 * Waiting costs no kernel object unless a single-threaded apartment has to
 * wait (it needs a handle to pump on): a condition variable serves the
 * others, and an event for a stage is made only when such a waiter asks.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include "jobs.h"

/* One callback as Begin* received it: its relay (see "callbacks" below). */
struct job_callback
{
    DWORD cookie;               /* the relay's Global Interface Table entry; 0 when none */
    IDispatch *direct;          /* the relay, held when the table refused it: called directly */
};

enum job_stage
{
    STAGE_RUNNING,
    STAGE_DONE,                 /* result final, IsCompleted TRUE */
    STAGE_FINISHED,             /* completed callback returned, the work item let go */
};

struct job
{
    ISearchJob ISearchJob_iface;
    IDownloadJob IDownloadJob_iface;
    IInstallationJob IInstallationJob_iface;
    LONG refs;
    IUnknown *marshal;          /* free-threaded marshaler: the job is agile */
    enum job_kind kind;
    IUnknown *owner;
    job_work_fn work;
    void *context;
    void (*free_context)(void *context);
    VARIANT state;
    struct job_callback completed;
    struct job_callback progress;
    HRESULT (*get_updates)(void *context, IUpdateCollection **out);
    HRESULT (*get_progress)(void *context, IDownloadProgress **out);
    HRESULT (*get_install_progress)(void *context, IInstallationProgress **out);
    SRWLOCK callback_lock;
    BOOL begin_sta;
    DWORD begin_thread;
    PTP_WORK work_item;
    SRWLOCK stage_lock;         /* guards stage and stage_events */
    CONDITION_VARIABLE stage_changed;
    LONG stage;
    HANDLE stage_events[2];     /* STAGE_DONE, STAGE_FINISHED: made for STA waiters only */
    LONG ended;
    LONG abort_requested;
    IDispatch *callback_args;   /* the args of the callback under way, for its relay */
    LONG callback_thread;       /* the thread running a callback of this job; 0 when none */
    LONG calls_in_flight;       /* callbacks under way from the worker (see job_apartment_leaving) */
    LONG apartment_gone;        /* the Begin* STA went: no callback is called any more */
    HRESULT hr;
    IUnknown *result;
    LONG serial;                /* finds the job behind a proxy (see job_from_proxy) */
    struct job *next, *prev;    /* live_jobs */
};

/* Every live job, so that one handed back through a proxy can be found by its serial. */
static SRWLOCK live_lock = SRWLOCK_INIT;
static struct job *live_jobs;
static LONG last_serial;

/* Not in the type library: GetIDsOfNames never gives it out; only job_from_proxy asks. */
#define DISPID_JOB_SERIAL 0x4f574a31

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

static BOOL job_reached(struct job *job, LONG stage)
{
    return InterlockedCompareExchange(&job->stage, 0, 0) >= stage;   /* a read with a full barrier */
}

/* Under stage_lock.  Reaching a stage reaches those before it too. */
static void signal_stage(struct job *job, LONG stage)
{
    LONG i;

    InterlockedExchange(&job->stage, stage);
    for (i = 0; i < stage; i++)
        if (job->stage_events[i]) SetEvent(job->stage_events[i]);
    WakeAllConditionVariable(&job->stage_changed);
}

static void set_stage(struct job *job, LONG stage)
{
    AcquireSRWLockExclusive(&job->stage_lock);
    signal_stage(job, stage);
    ReleaseSRWLockExclusive(&job->stage_lock);
}

/* The event set when the job reaches stage, made on first use; NULL when it
 * already has.  Fails only when no event can be made. */
static HRESULT stage_event(struct job *job, LONG stage, HANDLE *event)
{
    HRESULT hr = S_OK;
    DWORD error;

    *event = NULL;
    AcquireSRWLockExclusive(&job->stage_lock);
    if (job->stage < stage)
    {
        if (!job->stage_events[stage - 1] && !(job->stage_events[stage - 1] = CreateEventW(NULL, TRUE, FALSE, NULL)))
        {
            error = GetLastError();
            hr = HRESULT_FROM_WIN32(error);
        }
        *event = job->stage_events[stage - 1];
    }
    ReleaseSRWLockExclusive(&job->stage_lock);
    return hr;
}

/* A single-threaded apartment keeps pumping, so calls marshalled to it (callbacks) still arrive. */
static HRESULT wait_stage(struct job *job, LONG stage)
{
    HANDLE event;
    DWORD index;
    HRESULT hr;

    if (job_reached(job, stage)) return S_OK;
    if (in_sta())
    {
        if (FAILED(hr = stage_event(job, stage, &event)) || !event) return hr;
        return CoWaitForMultipleHandles(0 /* COWAIT_DEFAULT */, INFINITE, 1, &event, &index);
    }
    AcquireSRWLockExclusive(&job->stage_lock);
    while (job->stage < stage) SleepConditionVariableSRW(&job->stage_changed, &job->stage_lock, INFINITE, 0);
    ReleaseSRWLockExclusive(&job->stage_lock);
    return S_OK;
}

static HRESULT get_git(IGlobalInterfaceTable **git)
{
    return CoCreateInstance(&CLSID_StdGlobalInterfaceTable, NULL, CLSCTX_INPROC_SERVER, &IID_IGlobalInterfaceTable,
                            (void **)git);
}

/* --- the completed callbacks' arguments: no members of their own --- */

struct callback_args
{
    IDispatch face;             /* ISearchCompletedCallbackArgs or IDownloadCompletedCallbackArgs */
    LONG refs;
    IUnknown *marshal;
    const IID *iid;
};

static HRESULT args_query_interface(IDispatch *iface, REFIID riid, void **obj)
{
    struct callback_args *This = CONTAINING_RECORD(iface, struct callback_args, face);

    if (!obj) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch) || IsEqualIID(riid, This->iid))
    {
        *obj = iface;
        IDispatch_AddRef(iface);
        return S_OK;
    }
    if (IsEqualIID(riid, &IID_IMarshal) && This->marshal) return IUnknown_QueryInterface(This->marshal, riid, obj);
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG args_addref(IDispatch *iface)
{
    return InterlockedIncrement(&CONTAINING_RECORD(iface, struct callback_args, face)->refs);
}

static ULONG args_release(IDispatch *iface)
{
    struct callback_args *This = CONTAINING_RECORD(iface, struct callback_args, face);
    ULONG refs = InterlockedDecrement(&This->refs);

    if (!refs)
    {
        if (This->marshal) IUnknown_Release(This->marshal);
        free(This);
        object_destroyed();
    }
    return refs;
}

#define DEFINE_ARGS(prefix, iface_type)                                                                  \
    static struct dispatch_type prefix##_type = DISPATCH_TYPE(IID_##iface_type);                         \
    static HRESULT WINAPI prefix##_QueryInterface(iface_type *iface, REFIID riid, void **obj)            \
    {                                                                                                    \
        return args_query_interface((IDispatch *)iface, riid, obj);                                      \
    }                                                                                                    \
    static ULONG WINAPI prefix##_AddRef(iface_type *iface) { return args_addref((IDispatch *)iface); }   \
    static ULONG WINAPI prefix##_Release(iface_type *iface) { return args_release((IDispatch *)iface); } \
    DEFINE_IDISPATCH(prefix, iface_type, prefix##_type)                                                  \
    static const iface_type##Vtbl prefix##_vtbl =                                                        \
    {                                                                                                    \
        prefix##_QueryInterface, prefix##_AddRef, prefix##_Release, prefix##_GetTypeInfoCount,           \
        prefix##_GetTypeInfo, prefix##_GetIDsOfNames, prefix##_Invoke,                                   \
    };

DEFINE_ARGS(search_args, ISearchCompletedCallbackArgs)
DEFINE_ARGS(download_args, IDownloadCompletedCallbackArgs)
DEFINE_ARGS(install_args, IInstallationCompletedCallbackArgs)

static HRESULT callback_args_create(enum job_kind kind, IDispatch **out)
{
    struct callback_args *This;
    HRESULT hr;

    if (!(This = calloc(1, sizeof(*This)))) return E_OUTOFMEMORY;
    if (kind == JOB_SEARCH)
    {
        This->face.lpVtbl = (const IDispatchVtbl *)&search_args_vtbl;
        This->iid = &IID_ISearchCompletedCallbackArgs;
    }
    else if (kind == JOB_DOWNLOAD)
    {
        This->face.lpVtbl = (const IDispatchVtbl *)&download_args_vtbl;
        This->iid = &IID_IDownloadCompletedCallbackArgs;
    }
    else
    {
        This->face.lpVtbl = (const IDispatchVtbl *)&install_args_vtbl;
        This->iid = &IID_IInstallationCompletedCallbackArgs;
    }
    This->refs = 1;
    object_created();
    if (FAILED(hr = CoCreateFreeThreadedMarshaler((IUnknown *)&This->face, &This->marshal)))
    {
        args_release(&This->face);
        return hr;
    }
    *out = &This->face;
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

static const IID *typed_callback_iid(enum job_kind kind, BOOL progress)
{
    switch (kind)
    {
    case JOB_SEARCH: return progress ? NULL : &IID_ISearchCompletedCallback;
    case JOB_DOWNLOAD: return progress ? &IID_IDownloadProgressChangedCallback : &IID_IDownloadCompletedCallback;
    case JOB_INSTALL:
    case JOB_UNINSTALL:
        return progress ? &IID_IInstallationProgressChangedCallback : &IID_IInstallationCompletedCallback;
    default: return NULL;
    }
}

/* The job's face for its kind: what callbacks and Begin* hand out. */
static IDispatch *job_face(struct job *job)
{
    if (job->kind == JOB_INSTALL || job->kind == JOB_UNINSTALL) return (IDispatch *)&job->IInstallationJob_iface;
    return job->kind == JOB_DOWNLOAD ? (IDispatch *)&job->IDownloadJob_iface : (IDispatch *)&job->ISearchJob_iface;
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

/* The relay: a small object of ours made on the Begin* thread, in its
 * apartment, and registered in the Global Interface Table in place of the
 * client's callback.  The worker invokes it with no arguments (through a
 * proxy when that apartment is single-threaded, so the call runs on the
 * Begin* thread while it pumps; directly otherwise), and the relay calls the
 * client's object where it runs.  Nothing of the job crosses an apartment
 * boundary: the client gets the job's own pointer, not a proxy of it (Wine's
 * marshalling would give one), and the job knows which thread is inside its
 * callback, which is what makes CleanUp from inside a callback detectable. */
struct relay
{
    IDispatch IDispatch_iface;
    LONG refs;
    struct job *job;            /* not held: the job calls the relay only while it lives */
    IUnknown *target;           /* the client's callback interface, or its IDispatch */
    BOOL typed;
};

static inline struct relay *impl_from_relay(IDispatch *iface)
{
    return CONTAINING_RECORD(iface, struct relay, IDispatch_iface);
}

static HRESULT WINAPI relay_QueryInterface(IDispatch *iface, REFIID riid, void **obj)
{
    if (!obj) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch))
    {
        *obj = iface;
        IDispatch_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI relay_AddRef(IDispatch *iface)
{
    return InterlockedIncrement(&impl_from_relay(iface)->refs);
}

static ULONG WINAPI relay_Release(IDispatch *iface)
{
    struct relay *This = impl_from_relay(iface);
    ULONG refs = InterlockedDecrement(&This->refs);

    if (!refs)
    {
        IUnknown_Release(This->target);
        free(This);
        object_destroyed();
    }
    return refs;
}

static HRESULT WINAPI relay_GetTypeInfoCount(IDispatch *iface, UINT *count)
{
    (void)iface;
    if (!count) return E_POINTER;
    *count = 0;
    return S_OK;
}

static HRESULT WINAPI relay_GetTypeInfo(IDispatch *iface, UINT index, LCID lcid, ITypeInfo **info)
{
    (void)iface; (void)lcid;
    if (!info) return E_POINTER;
    *info = NULL;
    return index ? DISP_E_BADINDEX : TYPE_E_ELEMENTNOTFOUND;
}

static HRESULT WINAPI relay_GetIDsOfNames(IDispatch *iface, REFIID riid, LPOLESTR *names, UINT count, LCID lcid,
                                          DISPID *ids)
{
    UINT i;

    (void)iface; (void)riid; (void)names; (void)lcid;
    if (!ids) return E_POINTER;
    for (i = 0; i < count; i++) ids[i] = DISPID_UNKNOWN;
    return DISP_E_UNKNOWNNAME;
}

/* DISPID 0, no arguments: calls the client with the job and job->callback_args. */
static HRESULT WINAPI relay_Invoke(IDispatch *iface, DISPID member, REFIID riid, LCID lcid, WORD flags,
                                   DISPPARAMS *params, VARIANT *result, EXCEPINFO *excep, UINT *arg_err)
{
    struct relay *This = impl_from_relay(iface);
    struct job *job = This->job;
    LONG outer;
    HRESULT hr;

    (void)riid; (void)lcid; (void)flags; (void)params; (void)result; (void)excep; (void)arg_err;
    if (member != DISPID_VALUE) return DISP_E_MEMBERNOTFOUND;
    outer = InterlockedExchange(&job->callback_thread, GetCurrentThreadId());
    if (This->typed)
        hr = ((struct typed_callback *)This->target)->lpVtbl->Invoke((struct typed_callback *)This->target,
                                                                       job_face(job), job->callback_args);
    else
        hr = call_dispatch((IDispatch *)This->target, job_face(job), job->callback_args);
    InterlockedExchange(&job->callback_thread, outer);
    return hr;
}

static const IDispatchVtbl relay_vtbl =
{
    relay_QueryInterface,
    relay_AddRef,
    relay_Release,
    relay_GetTypeInfoCount,
    relay_GetTypeInfo,
    relay_GetIDsOfNames,
    relay_Invoke,
};

/* The client's typed interface when it has it, else its IDispatch (DISPID 0). */
static HRESULT relay_create(struct job *job, IUnknown *object, const IID *iid, IDispatch **out)
{
    struct relay *This;
    IUnknown *target = NULL;
    BOOL typed = FALSE;

    if (iid && SUCCEEDED(IUnknown_QueryInterface(object, iid, (void **)&target))) typed = TRUE;
    else if (FAILED(IUnknown_QueryInterface(object, &IID_IDispatch, (void **)&target))) return E_NOINTERFACE;
    if (!(This = calloc(1, sizeof(*This))))
    {
        IUnknown_Release(target);
        return E_OUTOFMEMORY;
    }
    This->IDispatch_iface.lpVtbl = &relay_vtbl;
    This->refs = 1;
    This->job = job;
    This->target = target;
    This->typed = typed;
    object_created();
    *out = &This->IDispatch_iface;
    return S_OK;
}

/* Registers the callback's relay in the Global Interface Table; on the Begin* thread. */
static void callback_register(struct job *job, struct job_callback *callback, IUnknown *object, const IID *iid)
{
    IGlobalInterfaceTable *git;
    IDispatch *relay;
    HRESULT hr;

    if (!object) return;
    if (FAILED(hr = relay_create(job, object, iid, &relay)))
    {
        debug_log("callback answers neither its interface nor IDispatch; ignored", hr);
        return;
    }
    if (SUCCEEDED(hr = get_git(&git)))
    {
        hr = IGlobalInterfaceTable_RegisterInterfaceInGlobal(git, (IUnknown *)relay, &IID_IDispatch, &callback->cookie);
        IGlobalInterfaceTable_Release(git);
    }
    if (SUCCEEDED(hr)) IDispatch_Release(relay);
    else
    {
        debug_log("callback not in the Global Interface Table; called directly", hr);
        callback->cookie = 0;
        callback->direct = relay;
    }
}

static void callback_release(struct job *job, struct job_callback *callback)
{
    IGlobalInterfaceTable *git;
    IDispatch *direct;
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
    if (direct) IDispatch_Release(direct);
}

static BOOL callback_present(const struct job_callback *callback)
{
    return callback->cookie || callback->direct;
}

/* Calls one callback with (job, args), synchronously, from the worker;
 * nothing when it is gone. */
static void call_callback_now(struct job *job, struct job_callback *callback, IDispatch *args)
{
    DISPPARAMS none = { NULL, NULL, 0, 0 };
    IGlobalInterfaceTable *git;
    IDispatch *relay = NULL;
    VARIANT result;
    HRESULT hr = S_OK;

    AcquireSRWLockShared(&job->callback_lock);
    if (callback->direct)
    {
        relay = callback->direct;
        IDispatch_AddRef(relay);
    }
    else if (callback->cookie && SUCCEEDED(hr = get_git(&git)))
    {
        hr = IGlobalInterfaceTable_GetInterfaceFromGlobal(git, callback->cookie, &IID_IDispatch, (void **)&relay);
        IGlobalInterfaceTable_Release(git);
    }
    ReleaseSRWLockShared(&job->callback_lock);
    if (!relay)
    {
        if (FAILED(hr)) debug_log("callback unreachable", hr);
        return;
    }
    job->callback_args = args;
    VariantInit(&result);
    hr = IDispatch_Invoke(relay, DISPID_VALUE, &IID_NULL, LOCALE_USER_DEFAULT, DISPATCH_METHOD, &none, &result,
                          NULL, NULL);
    VariantClear(&result);
    job->callback_args = NULL;
    if (FAILED(hr)) debug_log("callback failed; ignored", hr);
    IDispatch_Release(relay);
}

/* The count goes up before the apartment is looked at, and job_apartment_leaving
 * marks the apartment before it reads the count (both full barriers): either
 * this call sees the apartment gone, or the apartment waits for this call. */
static void call_callback(struct job *job, struct job_callback *callback, IDispatch *args)
{
    InterlockedIncrement(&job->calls_in_flight);
    if (!InterlockedCompareExchange(&job->apartment_gone, 0, 0)) call_callback_now(job, callback, args);
    InterlockedDecrement(&job->calls_in_flight);
}

/* Marks this thread's jobs as having no apartment to call back into; TRUE
 * while a call of one of them is still on its way. */
static BOOL mark_apartment_gone(DWORD thread)
{
    struct job *job;
    BOOL busy = FALSE;

    AcquireSRWLockShared(&live_lock);
    for (job = live_jobs; job; job = job->next)
    {
        if (!job->begin_sta || job->begin_thread != thread) continue;
        InterlockedExchange(&job->apartment_gone, TRUE);
        if (InterlockedCompareExchange(&job->calls_in_flight, 0, 0)) busy = TRUE;
    }
    ReleaseSRWLockShared(&live_lock);
    return busy;
}

void job_apartment_leaving(void)
{
    DWORD thread = GetCurrentThreadId();
    MSG msg;

    /* The apartment still stands: pumping lets the calls under way in and answers them. */
    while (mark_apartment_gone(thread))
    {
        MsgWaitForMultipleObjects(0, NULL, FALSE, 10, QS_ALLINPUT);
        while (PeekMessageW(&msg, NULL, 0, 0, PM_REMOVE)) DispatchMessageW(&msg);
    }
}

static void call_completed(struct job *job)
{
    IDispatch *args;
    HRESULT hr;

    if (!callback_present(&job->completed)) return;
    if (FAILED(hr = callback_args_create(job->kind, &args)))
    {
        debug_log("no callback arguments", hr);
        return;
    }
    call_callback(job, &job->completed, args);
    IDispatch_Release(args);
}

/* --- the work item --- */

static void job_destroy(struct job *This);

/* The work item's last touch of the job: its reference goes before anyone can
 * see STAGE_FINISHED (job_reached reads the stage without the lock), and the
 * stage is signalled under the lock job_destroy takes first, so a client
 * releasing the last reference meanwhile waits until the worker is out. */
static void finish(struct job *job)
{
    BOOL last;

    AcquireSRWLockExclusive(&job->stage_lock);
    last = !InterlockedDecrement(&job->refs);
    if (!last) signal_stage(job, STAGE_FINISHED);
    ReleaseSRWLockExclusive(&job->stage_lock);
    if (last) job_destroy(job);     /* nobody holds it, so nobody waits */
}

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
    callback_release(job, &job->progress);
    if (callback_present(&job->completed))
    {
        set_stage(job, STAGE_DONE);
        call_completed(job);
        callback_release(job, &job->completed);
    }
    finish(job);
    if (SUCCEEDED(init)) CoUninitialize();
    /* job_start took a reference on the module: code of it runs until here. */
    FreeLibraryWhenCallbackReturns(instance, module);
}

/* --- what every job face shares --- */

static ULONG job_addref(struct job *This)
{
    return InterlockedIncrement(&This->refs);
}

static void job_destroy(struct job *This)
{
    /* The worker may have let go of it in finish() and still be signalling. */
    AcquireSRWLockExclusive(&This->stage_lock);
    ReleaseSRWLockExclusive(&This->stage_lock);
    AcquireSRWLockExclusive(&live_lock);
    if (This->prev) This->prev->next = This->next;
    else if (live_jobs == This) live_jobs = This->next;
    if (This->next) This->next->prev = This->prev;
    ReleaseSRWLockExclusive(&live_lock);
    callback_release(This, &This->progress);
    callback_release(This, &This->completed);
    /* From inside the work item too: the pool frees it once the callback returns. */
    if (This->work_item) CloseThreadpoolWork(This->work_item);
    if (This->result) IUnknown_Release(This->result);
    VariantClear(&This->state);
    if (This->free_context) This->free_context(This->context);
    if (This->owner) IUnknown_Release(This->owner);
    if (This->stage_events[0]) CloseHandle(This->stage_events[0]);
    if (This->stage_events[1]) CloseHandle(This->stage_events[1]);
    if (This->marshal) IUnknown_Release(This->marshal);
    free(This);
    object_destroyed();
}

static ULONG job_release(struct job *This)
{
    ULONG refs = InterlockedDecrement(&This->refs);

    if (!refs) job_destroy(This);
    return refs;
}

static HRESULT job_query_interface(struct job *This, const IID *own, REFIID riid, void **obj)
{
    if (!obj) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch) || IsEqualIID(riid, own))
    {
        *obj = job_face(This);
        job_addref(This);
        return S_OK;
    }
    if (IsEqualIID(riid, &IID_IMarshal) && This->marshal) return IUnknown_QueryInterface(This->marshal, riid, obj);
    *obj = NULL;
    return E_NOINTERFACE;
}

/* A copy of the VARIANT given to Begin*: objects come back as the same object. */
static HRESULT job_get_state(struct job *This, VARIANT *out)
{
    if (!out) return E_POINTER;
    VariantInit(out);
    return VariantCopy(out, &This->state);
}

/* Waits for the work and its callbacks, then drops the callbacks.  From
 * inside the job's own callback it would wait for itself: refused. */
static HRESULT job_cleanup(struct job *This)
{
    HRESULT hr;

    if ((DWORD)This->callback_thread == GetCurrentThreadId()) return WU_E_INVALID_OPERATION;
    /* The work item has let go of the job by then (see finish). */
    if (FAILED(hr = wait_stage(This, STAGE_FINISHED))) return hr;
    callback_release(This, &This->progress);
    callback_release(This, &This->completed);
    return S_OK;
}

/* A poll (IsCompleted, GetProgress) from the single-threaded apartment that
 * began the job lets the callbacks waiting for that thread in.  On Windows
 * each poll is a call into the update service, and COM dispatches incoming
 * calls while an STA waits for its answer; without this, a script that
 * polls would stall its own progress callback, and with it the job, forever. */
static void job_poll(struct job *This)
{
    HANDLE event;
    DWORD index;

    if (!This->begin_sta || GetCurrentThreadId() != This->begin_thread || job_reached(This, STAGE_FINISHED)) return;
    if (!This->completed.cookie && !This->progress.cookie) return;    /* no relay to call here */
    if (FAILED(stage_event(This, STAGE_FINISHED, &event)) || !event) return;
    CoWaitForMultipleHandles(0 /* COWAIT_DEFAULT */, 0, 1, &event, &index);
}

/* --- ISearchJob --- */

static struct dispatch_type search_job_type = DISPATCH_TYPE(IID_ISearchJob);

static inline struct job *impl_from_ISearchJob(ISearchJob *iface)
{
    return CONTAINING_RECORD(iface, struct job, ISearchJob_iface);
}

static HRESULT WINAPI search_job_QueryInterface(ISearchJob *iface, REFIID riid, void **obj)
{
    return job_query_interface(impl_from_ISearchJob(iface), &IID_ISearchJob, riid, obj);
}

static ULONG WINAPI search_job_AddRef(ISearchJob *iface)
{
    return job_addref(impl_from_ISearchJob(iface));
}

static ULONG WINAPI search_job_Release(ISearchJob *iface)
{
    return job_release(impl_from_ISearchJob(iface));
}

static HRESULT job_serial(struct job *This, WORD flags, VARIANT *result)
{
    if (!(flags & DISPATCH_PROPERTYGET)) return DISP_E_MEMBERNOTFOUND;
    if (!result) return E_POINTER;
    V_VT(result) = VT_I4;
    V_I4(result) = This->serial;
    return S_OK;
}

DEFINE_IDISPATCH(search_job, ISearchJob, search_job_type)

static HRESULT WINAPI search_job_invoke_serial(ISearchJob *iface, DISPID member, REFIID riid, LCID lcid, WORD flags,
                                               DISPPARAMS *params, VARIANT *result, EXCEPINFO *excep, UINT *arg_err)
{
    if (member == DISPID_JOB_SERIAL) return job_serial(impl_from_ISearchJob(iface), flags, result);
    return search_job_Invoke(iface, member, riid, lcid, flags, params, result, excep, arg_err);
}

static HRESULT WINAPI search_job_get_AsyncState(ISearchJob *iface, VARIANT *out)
{
    return job_get_state(impl_from_ISearchJob(iface), out);
}

static HRESULT WINAPI search_job_get_IsCompleted(ISearchJob *iface, VARIANT_BOOL *out)
{
    struct job *This = impl_from_ISearchJob(iface);

    if (!out) return E_POINTER;
    job_poll(This);
    return return_bool(job_reached(This, STAGE_DONE), out);
}

static HRESULT WINAPI search_job_CleanUp(ISearchJob *iface)
{
    return job_cleanup(impl_from_ISearchJob(iface));
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
    search_job_invoke_serial,
    search_job_get_AsyncState,
    search_job_get_IsCompleted,
    search_job_CleanUp,
    search_job_RequestAbort,
};

/* --- IDownloadJob --- */

static struct dispatch_type download_job_type = DISPATCH_TYPE(IID_IDownloadJob);

static inline struct job *impl_from_IDownloadJob(IDownloadJob *iface)
{
    return CONTAINING_RECORD(iface, struct job, IDownloadJob_iface);
}

static HRESULT WINAPI download_job_QueryInterface(IDownloadJob *iface, REFIID riid, void **obj)
{
    return job_query_interface(impl_from_IDownloadJob(iface), &IID_IDownloadJob, riid, obj);
}

static ULONG WINAPI download_job_AddRef(IDownloadJob *iface)
{
    return job_addref(impl_from_IDownloadJob(iface));
}

static ULONG WINAPI download_job_Release(IDownloadJob *iface)
{
    return job_release(impl_from_IDownloadJob(iface));
}

DEFINE_IDISPATCH(download_job, IDownloadJob, download_job_type)

static HRESULT WINAPI download_job_invoke_serial(IDownloadJob *iface, DISPID member, REFIID riid, LCID lcid, WORD flags,
                                                 DISPPARAMS *params, VARIANT *result, EXCEPINFO *excep, UINT *arg_err)
{
    if (member == DISPID_JOB_SERIAL) return job_serial(impl_from_IDownloadJob(iface), flags, result);
    return download_job_Invoke(iface, member, riid, lcid, flags, params, result, excep, arg_err);
}

static HRESULT WINAPI download_job_get_AsyncState(IDownloadJob *iface, VARIANT *out)
{
    return job_get_state(impl_from_IDownloadJob(iface), out);
}

static HRESULT WINAPI download_job_get_IsCompleted(IDownloadJob *iface, VARIANT_BOOL *out)
{
    struct job *This = impl_from_IDownloadJob(iface);

    if (!out) return E_POINTER;
    job_poll(This);
    return return_bool(job_reached(This, STAGE_DONE), out);
}

/* The read-only snapshot Begin* took. */
static HRESULT WINAPI download_job_get_Updates(IDownloadJob *iface, IUpdateCollection **out)
{
    struct job *This = impl_from_IDownloadJob(iface);

    if (!out) return E_POINTER;
    *out = NULL;
    return This->get_updates ? This->get_updates(This->context, out) : E_NOTIMPL;
}

static HRESULT WINAPI download_job_CleanUp(IDownloadJob *iface)
{
    return job_cleanup(impl_from_IDownloadJob(iface));
}

/* A snapshot: it does not change afterwards. */
static HRESULT WINAPI download_job_GetProgress(IDownloadJob *iface, IDownloadProgress **out)
{
    struct job *This = impl_from_IDownloadJob(iface);

    if (!out) return E_POINTER;
    *out = NULL;
    job_poll(This);
    return This->get_progress ? This->get_progress(This->context, out) : E_NOTIMPL;
}

static HRESULT WINAPI download_job_RequestAbort(IDownloadJob *iface)
{
    InterlockedExchange(&impl_from_IDownloadJob(iface)->abort_requested, TRUE);
    return S_OK;
}

static const IDownloadJobVtbl download_job_vtbl =
{
    download_job_QueryInterface,
    download_job_AddRef,
    download_job_Release,
    download_job_GetTypeInfoCount,
    download_job_GetTypeInfo,
    download_job_GetIDsOfNames,
    download_job_invoke_serial,
    download_job_get_AsyncState,
    download_job_get_IsCompleted,
    download_job_get_Updates,
    download_job_CleanUp,
    download_job_GetProgress,
    download_job_RequestAbort,
};

/* --- IInstallationJob --- */

static struct dispatch_type installation_job_type = DISPATCH_TYPE(IID_IInstallationJob);

static inline struct job *impl_from_IInstallationJob(IInstallationJob *iface)
{
    return CONTAINING_RECORD(iface, struct job, IInstallationJob_iface);
}

static HRESULT WINAPI installation_job_QueryInterface(IInstallationJob *iface, REFIID riid, void **obj)
{
    return job_query_interface(impl_from_IInstallationJob(iface), &IID_IInstallationJob, riid, obj);
}

static ULONG WINAPI installation_job_AddRef(IInstallationJob *iface)
{
    return job_addref(impl_from_IInstallationJob(iface));
}

static ULONG WINAPI installation_job_Release(IInstallationJob *iface)
{
    return job_release(impl_from_IInstallationJob(iface));
}

DEFINE_IDISPATCH(installation_job, IInstallationJob, installation_job_type)

static HRESULT WINAPI installation_job_invoke_serial(IInstallationJob *iface, DISPID member, REFIID riid, LCID lcid,
                                                     WORD flags, DISPPARAMS *params, VARIANT *result, EXCEPINFO *excep,
                                                     UINT *arg_err)
{
    if (member == DISPID_JOB_SERIAL) return job_serial(impl_from_IInstallationJob(iface), flags, result);
    return installation_job_Invoke(iface, member, riid, lcid, flags, params, result, excep, arg_err);
}

static HRESULT WINAPI installation_job_get_AsyncState(IInstallationJob *iface, VARIANT *out)
{
    return job_get_state(impl_from_IInstallationJob(iface), out);
}

static HRESULT WINAPI installation_job_get_IsCompleted(IInstallationJob *iface, VARIANT_BOOL *out)
{
    struct job *This = impl_from_IInstallationJob(iface);

    if (!out) return E_POINTER;
    job_poll(This);
    return return_bool(job_reached(This, STAGE_DONE), out);
}

/* The read-only snapshot Begin* took. */
static HRESULT WINAPI installation_job_get_Updates(IInstallationJob *iface, IUpdateCollection **out)
{
    struct job *This = impl_from_IInstallationJob(iface);

    if (!out) return E_POINTER;
    *out = NULL;
    return This->get_updates ? This->get_updates(This->context, out) : E_NOTIMPL;
}

static HRESULT WINAPI installation_job_CleanUp(IInstallationJob *iface)
{
    return job_cleanup(impl_from_IInstallationJob(iface));
}

/* A snapshot: it does not change afterwards. */
static HRESULT WINAPI installation_job_GetProgress(IInstallationJob *iface, IInstallationProgress **out)
{
    struct job *This = impl_from_IInstallationJob(iface);

    if (!out) return E_POINTER;
    *out = NULL;
    job_poll(This);
    return This->get_install_progress ? This->get_install_progress(This->context, out) : E_NOTIMPL;
}

static HRESULT WINAPI installation_job_RequestAbort(IInstallationJob *iface)
{
    InterlockedExchange(&impl_from_IInstallationJob(iface)->abort_requested, TRUE);
    return S_OK;
}

static const IInstallationJobVtbl installation_job_vtbl =
{
    installation_job_QueryInterface,
    installation_job_AddRef,
    installation_job_Release,
    installation_job_GetTypeInfoCount,
    installation_job_GetTypeInfo,
    installation_job_GetIDsOfNames,
    installation_job_invoke_serial,
    installation_job_get_AsyncState,
    installation_job_get_IsCompleted,
    installation_job_get_Updates,
    installation_job_CleanUp,
    installation_job_GetProgress,
    installation_job_RequestAbort,
};

/* --- the engine --- */

BOOL job_abort_requested(struct job *job)
{
    return job->abort_requested != 0;
}

const volatile LONG *job_abort_flag(struct job *job)
{
    return &job->abort_requested;
}

BOOL job_wants_progress(struct job *job)
{
    return callback_present(&job->progress);
}

void job_report_progress(struct job *job, IDispatch *args)
{
    call_callback(job, &job->progress, args);
}

HRESULT job_start(const struct job_params *params, IDispatch **out)
{
    struct job *This;
    HMODULE module;
    HRESULT hr;

    *out = NULL;
    if (params->kind != JOB_SEARCH && params->kind != JOB_DOWNLOAD && params->kind != JOB_INSTALL
        && params->kind != JOB_UNINSTALL)
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
    This->IDownloadJob_iface.lpVtbl = &download_job_vtbl;
    This->IInstallationJob_iface.lpVtbl = &installation_job_vtbl;
    This->refs = 1;
    This->kind = params->kind;
    This->work = params->work;
    This->context = params->context;
    This->free_context = params->free_context;
    This->get_updates = params->get_updates;
    This->get_progress = params->get_progress;
    This->get_install_progress = params->get_install_progress;
    This->owner = params->owner;
    IUnknown_AddRef(This->owner);
    InitializeSRWLock(&This->callback_lock);
    InitializeSRWLock(&This->stage_lock);
    InitializeConditionVariable(&This->stage_changed);
    This->begin_thread = GetCurrentThreadId();
    This->begin_sta = in_sta();
    VariantInit(&This->state);
    This->serial = InterlockedIncrement(&last_serial);
    AcquireSRWLockExclusive(&live_lock);
    if ((This->next = live_jobs)) live_jobs->prev = This;
    live_jobs = This;
    ReleaseSRWLockExclusive(&live_lock);
    object_created();

    /* User-defined types are not supported as state (documented). */
    if (params->state && (V_VT(params->state) & VT_TYPEMASK) == VT_RECORD) hr = E_INVALIDARG;
    else hr = params->state ? VariantCopyInd(&This->state, (VARIANT *)params->state) : S_OK;
    if (SUCCEEDED(hr))
        hr = CoCreateFreeThreadedMarshaler((IUnknown *)job_face(This), &This->marshal);
    if (SUCCEEDED(hr) && !(This->work_item = CreateThreadpoolWork(job_worker, This, NULL))) hr = E_OUTOFMEMORY;
    if (SUCCEEDED(hr) && !GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS, (const WCHAR *)job_worker, &module))
        hr = E_FAIL;
    if (FAILED(hr))
    {
        job_release(This);
        return hr;
    }
    if (This->begin_sta && (params->on_completed || params->on_progress) && FAILED(hr = apartment_watch()))
        debug_log("no IInitializeSpy; an apartment that goes may leave the job waiting", hr);
    callback_register(This, &This->completed, params->on_completed, typed_callback_iid(params->kind, FALSE));
    if (params->kind != JOB_SEARCH)
        callback_register(This, &This->progress, params->on_progress, typed_callback_iid(params->kind, TRUE));
    /* The work item's own reference, released at its end. */
    job_addref(This);
    SubmitThreadpoolWork(This->work_item);
    *out = job_face(This);
    return S_OK;
}

static struct job *job_from_unknown(IUnknown *iface, enum job_kind kind)
{
    ISearchJob *search = (ISearchJob *)iface;
    IDownloadJob *download = (IDownloadJob *)iface;
    IInstallationJob *installation = (IInstallationJob *)iface;
    struct job *job;

    if (kind == JOB_SEARCH && search->lpVtbl == &search_job_vtbl) return impl_from_ISearchJob(search);
    if (kind == JOB_DOWNLOAD && download->lpVtbl == &download_job_vtbl) return impl_from_IDownloadJob(download);
    if ((kind == JOB_INSTALL || kind == JOB_UNINSTALL) && installation->lpVtbl == &installation_job_vtbl)
    {
        job = impl_from_IInstallationJob(installation);
        return job->kind == kind ? job : NULL;
    }
    return NULL;
}

/* A job can come back to End* as a proxy: under Wine 8 a job that crossed two
 * apartments (an STA's searcher used from an MTA thread) is handed back to the
 * owner's apartment proxied, although it aggregates the free-threaded
 * marshaler.  Asking the proxy for the job's serial runs in the job itself; the
 * caller's proxy keeps it alive while End* uses it.  Only proxies are asked. */
static struct job *job_from_proxy(IUnknown *iface, enum job_kind kind)
{
    DISPPARAMS none = { NULL, NULL, 0, 0 };
    IClientSecurity *security;
    IDispatch *disp;
    struct job *job = NULL, *entry;
    VARIANT serial;

    if (FAILED(IUnknown_QueryInterface(iface, &IID_IClientSecurity, (void **)&security))) return NULL;
    IClientSecurity_Release(security);
    if (FAILED(IUnknown_QueryInterface(iface, &IID_IDispatch, (void **)&disp))) return NULL;
    VariantInit(&serial);
    if (SUCCEEDED(IDispatch_Invoke(disp, DISPID_JOB_SERIAL, &IID_NULL, LOCALE_NEUTRAL, DISPATCH_PROPERTYGET, &none,
                                   &serial, NULL, NULL))
        && V_VT(&serial) == VT_I4)
    {
        AcquireSRWLockShared(&live_lock);
        for (entry = live_jobs; entry; entry = entry->next)
            if (entry->serial == V_I4(&serial)) break;
        if (entry) job = job_from_unknown((IUnknown *)job_face(entry), kind);
        ReleaseSRWLockShared(&live_lock);
    }
    VariantClear(&serial);
    IDispatch_Release(disp);
    return job;
}

HRESULT job_end(IUnknown *iface, enum job_kind kind, IUnknown *owner, IUnknown **result)
{
    struct job *This;
    HRESULT hr;

    if (!result) return E_POINTER;
    *result = NULL;
    if (!iface) return E_POINTER;
    if (!(This = job_from_unknown(iface, kind)) && !(This = job_from_proxy(iface, kind))) return E_INVALIDARG;
    if (This->owner != owner) return E_INVALIDARG;
    if (InterlockedExchange(&This->ended, TRUE)) return WU_E_INVALID_OPERATION;
    if (FAILED(hr = wait_stage(This, STAGE_DONE)))
    {
        InterlockedExchange(&This->ended, FALSE);
        return hr;
    }
    hr = This->hr;
    *result = This->result;
    This->result = NULL;
    return hr;
}
