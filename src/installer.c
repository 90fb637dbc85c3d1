/*
 * OpenWUA: UpdateInstaller and its results (IInstallationResult,
 * IUpdateInstallationResult, IInstallationProgress).
 *
 * Install() runs the installer of every update in the collection, one after
 * the other in the collection's order (install.c does the running).  An
 * update that fails is a failed result at its position, never an error of
 * the call.  BeginInstall and BeginUninstall run the same code on the job
 * engine (jobs.c) and keep a progress record.  One (un)installation at a
 * time on the machine: a second one, from this process or another, is
 * refused with WU_E_INSTALL_NOT_ALLOWED.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "private.h"
#include "log.h"
#include "store.h"
#include "install.h"
#include "history.h"
#include "jobs.h"

/* An (un)installation runs in this process: the machine-wide lock does not
 * see its own owner thread as busy, and a job holds no lock until it runs. */
static LONG installing;

/* --- IUpdateInstallationResult --- */

struct update_result
{
    IUpdateInstallationResult IUpdateInstallationResult_iface;
    LONG refs;
    struct update_outcome outcome;
};

static struct dispatch_type update_result_type = DISPATCH_TYPE(IID_IUpdateInstallationResult);

static inline struct update_result *impl_from_IUpdateInstallationResult(IUpdateInstallationResult *iface)
{
    return CONTAINING_RECORD(iface, struct update_result, IUpdateInstallationResult_iface);
}

static HRESULT WINAPI update_result_QueryInterface(IUpdateInstallationResult *iface, REFIID riid, void **obj)
{
    if (!obj) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch)
        || IsEqualIID(riid, &IID_IUpdateInstallationResult))
    {
        *obj = iface;
        IUpdateInstallationResult_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI update_result_AddRef(IUpdateInstallationResult *iface)
{
    return InterlockedIncrement(&impl_from_IUpdateInstallationResult(iface)->refs);
}

static ULONG WINAPI update_result_Release(IUpdateInstallationResult *iface)
{
    struct update_result *This = impl_from_IUpdateInstallationResult(iface);
    ULONG refs = InterlockedDecrement(&This->refs);

    if (!refs)
    {
        free(This);
        object_destroyed();
    }
    return refs;
}

DEFINE_IDISPATCH(update_result, IUpdateInstallationResult, update_result_type)

static HRESULT WINAPI update_result_get_HResult(IUpdateInstallationResult *iface, LONG *out)
{
    if (!out) return E_POINTER;
    *out = impl_from_IUpdateInstallationResult(iface)->outcome.hr;
    return S_OK;
}

static HRESULT WINAPI update_result_get_RebootRequired(IUpdateInstallationResult *iface, VARIANT_BOOL *out)
{
    return return_bool(impl_from_IUpdateInstallationResult(iface)->outcome.reboot, out);
}

static HRESULT WINAPI update_result_get_ResultCode(IUpdateInstallationResult *iface, OperationResultCode *out)
{
    if (!out) return E_POINTER;
    *out = impl_from_IUpdateInstallationResult(iface)->outcome.code;
    return S_OK;
}

static const IUpdateInstallationResultVtbl update_result_vtbl =
{
    update_result_QueryInterface,
    update_result_AddRef,
    update_result_Release,
    update_result_GetTypeInfoCount,
    update_result_GetTypeInfo,
    update_result_GetIDsOfNames,
    update_result_Invoke,
    update_result_get_HResult,
    update_result_get_RebootRequired,
    update_result_get_ResultCode,
};

static HRESULT update_result_create(const struct update_outcome *outcome, IUpdateInstallationResult **out)
{
    struct update_result *This;

    if (!(This = calloc(1, sizeof(*This)))) return E_OUTOFMEMORY;
    This->IUpdateInstallationResult_iface.lpVtbl = &update_result_vtbl;
    This->refs = 1;
    This->outcome = *outcome;
    object_created();
    *out = &This->IUpdateInstallationResult_iface;
    return S_OK;
}

/* --- IInstallationResult --- */

struct result
{
    IInstallationResult IInstallationResult_iface;
    LONG refs;
    struct update_outcome overall;
    LONG count;
    struct update_outcome *updates;
};

static struct dispatch_type result_type = DISPATCH_TYPE(IID_IInstallationResult);

static inline struct result *impl_from_IInstallationResult(IInstallationResult *iface)
{
    return CONTAINING_RECORD(iface, struct result, IInstallationResult_iface);
}

static HRESULT WINAPI result_QueryInterface(IInstallationResult *iface, REFIID riid, void **obj)
{
    if (!obj) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch)
        || IsEqualIID(riid, &IID_IInstallationResult))
    {
        *obj = iface;
        IInstallationResult_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI result_AddRef(IInstallationResult *iface)
{
    return InterlockedIncrement(&impl_from_IInstallationResult(iface)->refs);
}

static ULONG WINAPI result_Release(IInstallationResult *iface)
{
    struct result *This = impl_from_IInstallationResult(iface);
    ULONG refs = InterlockedDecrement(&This->refs);

    if (!refs)
    {
        free(This->updates);
        free(This);
        object_destroyed();
    }
    return refs;
}

DEFINE_IDISPATCH(result, IInstallationResult, result_type)

static HRESULT WINAPI result_get_HResult(IInstallationResult *iface, LONG *out)
{
    if (!out) return E_POINTER;
    *out = impl_from_IInstallationResult(iface)->overall.hr;
    return S_OK;
}

static HRESULT WINAPI result_get_RebootRequired(IInstallationResult *iface, VARIANT_BOOL *out)
{
    return return_bool(impl_from_IInstallationResult(iface)->overall.reboot, out);
}

static HRESULT WINAPI result_get_ResultCode(IInstallationResult *iface, OperationResultCode *out)
{
    if (!out) return E_POINTER;
    *out = impl_from_IInstallationResult(iface)->overall.code;
    return S_OK;
}

static HRESULT WINAPI result_GetUpdateResult(IInstallationResult *iface, LONG index, IUpdateInstallationResult **out)
{
    struct result *This = impl_from_IInstallationResult(iface);

    if (!out) return E_POINTER;
    *out = NULL;
    if (index < 0 || index >= This->count) return WU_E_INVALIDINDEX;
    return update_result_create(&This->updates[index], out);
}

static const IInstallationResultVtbl result_vtbl =
{
    result_QueryInterface,
    result_AddRef,
    result_Release,
    result_GetTypeInfoCount,
    result_GetTypeInfo,
    result_GetIDsOfNames,
    result_Invoke,
    result_get_HResult,
    result_get_RebootRequired,
    result_get_ResultCode,
    result_GetUpdateResult,
};

/* Folds the per-update outcomes as the downloader does: all succeeded, some,
 * none; any aborted: orcAborted.  HResult is S_OK unless every update failed,
 * then the first update's.  RebootRequired when any update needs a restart. */
static HRESULT result_create(struct update_outcome *updates, LONG count, IInstallationResult **out)
{
    struct result *This;

    if (!(This = calloc(1, sizeof(*This)))) return E_OUTOFMEMORY;
    This->IInstallationResult_iface.lpVtbl = &result_vtbl;
    This->refs = 1;
    This->updates = updates;
    This->count = count;
    outcome_fold(updates, count, &This->overall);
    object_created();
    *out = &This->IInstallationResult_iface;
    return S_OK;
}

/* --- the progress record ---
 *
 * PercentComplete = (100 * updates processed + CurrentUpdatePercentComplete
 * of the one running) / updates; CurrentUpdatePercentComplete moves with
 * Windows Installer's own progress messages, and is 0 for a command-line
 * installer until it ends, 100 once the update is processed. */

struct progress_record
{
    LONG index;
    LONG current_percent;
    LONG processed;
    LONG count;
    struct update_outcome *outcomes;   /* count; code orcNotStarted until started */
};

static LONG record_percent(const struct progress_record *r)
{
    LONGLONG done = 100 * (LONGLONG)r->processed + (r->processed < r->count ? r->current_percent : 0);

    return r->count ? (LONG)(done / r->count) : 100;
}

/* IInstallationProgress: a copy of the record, never updated. */
struct progress
{
    IInstallationProgress IInstallationProgress_iface;
    LONG refs;
    IUnknown *marshal;
    struct progress_record record;
};

static struct dispatch_type progress_type = DISPATCH_TYPE(IID_IInstallationProgress);

static inline struct progress *impl_from_IInstallationProgress(IInstallationProgress *iface)
{
    return CONTAINING_RECORD(iface, struct progress, IInstallationProgress_iface);
}

static HRESULT WINAPI progress_QueryInterface(IInstallationProgress *iface, REFIID riid, void **obj)
{
    struct progress *This = impl_from_IInstallationProgress(iface);

    if (!obj) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch)
        || IsEqualIID(riid, &IID_IInstallationProgress))
    {
        *obj = iface;
        IInstallationProgress_AddRef(iface);
        return S_OK;
    }
    if (IsEqualIID(riid, &IID_IMarshal) && This->marshal) return IUnknown_QueryInterface(This->marshal, riid, obj);
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI progress_AddRef(IInstallationProgress *iface)
{
    return InterlockedIncrement(&impl_from_IInstallationProgress(iface)->refs);
}

static ULONG WINAPI progress_Release(IInstallationProgress *iface)
{
    struct progress *This = impl_from_IInstallationProgress(iface);
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

DEFINE_IDISPATCH(progress, IInstallationProgress, progress_type)

static HRESULT WINAPI progress_get_CurrentUpdateIndex(IInstallationProgress *iface, LONG *out)
{
    if (!out) return E_POINTER;
    *out = impl_from_IInstallationProgress(iface)->record.index;
    return S_OK;
}

static HRESULT WINAPI progress_get_CurrentUpdatePercentComplete(IInstallationProgress *iface, LONG *out)
{
    struct progress_record *r = &impl_from_IInstallationProgress(iface)->record;

    if (!out) return E_POINTER;
    *out = r->index < r->processed ? 100 : r->current_percent;
    return S_OK;
}

static HRESULT WINAPI progress_get_PercentComplete(IInstallationProgress *iface, LONG *out)
{
    if (!out) return E_POINTER;
    *out = record_percent(&impl_from_IInstallationProgress(iface)->record);
    return S_OK;
}

/* orcNotStarted, orcInProgress, or the update's outcome. */
static HRESULT WINAPI progress_GetUpdateResult(IInstallationProgress *iface, LONG index, IUpdateInstallationResult **out)
{
    struct progress_record *r = &impl_from_IInstallationProgress(iface)->record;

    if (!out) return E_POINTER;
    *out = NULL;
    if (index < 0 || index >= r->count) return WU_E_INVALIDINDEX;
    return update_result_create(&r->outcomes[index], out);
}

static const IInstallationProgressVtbl progress_vtbl =
{
    progress_QueryInterface,
    progress_AddRef,
    progress_Release,
    progress_GetTypeInfoCount,
    progress_GetTypeInfo,
    progress_GetIDsOfNames,
    progress_Invoke,
    progress_get_CurrentUpdateIndex,
    progress_get_CurrentUpdatePercentComplete,
    progress_get_PercentComplete,
    progress_GetUpdateResult,
};

/* IInstallationProgressChangedCallbackArgs: Progress is the same snapshot every time. */
struct progress_args
{
    IInstallationProgressChangedCallbackArgs IInstallationProgressChangedCallbackArgs_iface;
    LONG refs;
    IUnknown *marshal;
    IInstallationProgress *progress;
};

static struct dispatch_type progress_args_type = DISPATCH_TYPE(IID_IInstallationProgressChangedCallbackArgs);

static inline struct progress_args *impl_from_IInstallationProgressChangedCallbackArgs(
    IInstallationProgressChangedCallbackArgs *iface)
{
    return CONTAINING_RECORD(iface, struct progress_args, IInstallationProgressChangedCallbackArgs_iface);
}

static HRESULT WINAPI progress_args_QueryInterface(IInstallationProgressChangedCallbackArgs *iface, REFIID riid,
                                                   void **obj)
{
    struct progress_args *This = impl_from_IInstallationProgressChangedCallbackArgs(iface);

    if (!obj) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch)
        || IsEqualIID(riid, &IID_IInstallationProgressChangedCallbackArgs))
    {
        *obj = iface;
        IInstallationProgressChangedCallbackArgs_AddRef(iface);
        return S_OK;
    }
    if (IsEqualIID(riid, &IID_IMarshal) && This->marshal) return IUnknown_QueryInterface(This->marshal, riid, obj);
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI progress_args_AddRef(IInstallationProgressChangedCallbackArgs *iface)
{
    return InterlockedIncrement(&impl_from_IInstallationProgressChangedCallbackArgs(iface)->refs);
}

static ULONG WINAPI progress_args_Release(IInstallationProgressChangedCallbackArgs *iface)
{
    struct progress_args *This = impl_from_IInstallationProgressChangedCallbackArgs(iface);
    ULONG refs = InterlockedDecrement(&This->refs);

    if (!refs)
    {
        if (This->marshal) IUnknown_Release(This->marshal);
        IInstallationProgress_Release(This->progress);
        free(This);
        object_destroyed();
    }
    return refs;
}

DEFINE_IDISPATCH(progress_args, IInstallationProgressChangedCallbackArgs, progress_args_type)

static HRESULT WINAPI progress_args_get_Progress(IInstallationProgressChangedCallbackArgs *iface,
                                                 IInstallationProgress **out)
{
    if (!out) return E_POINTER;
    *out = impl_from_IInstallationProgressChangedCallbackArgs(iface)->progress;
    IInstallationProgress_AddRef(*out);
    return S_OK;
}

static const IInstallationProgressChangedCallbackArgsVtbl progress_args_vtbl =
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

/* --- one (un)installation: what Install and the jobs share --- */

struct install_task
{
    SRWLOCK lock;               /* guards record */
    struct progress_record record;
    IUpdateCollection *updates; /* read-only snapshot (jobs) */
    IUpdate **items;            /* the updates; entries may be NULL */
    BOOL uninstall;
    BOOL forced;
    BOOL quiet;
    BSTR client_id;
    struct job *job;            /* while a job's work runs; NULL for Install() */
    DWORD last_report;          /* tick of the last progress callback */
};

static void install_task_free(void *context)
{
    struct install_task *task = context;
    LONG i;

    for (i = 0; i < task->record.count; i++)
        if (task->items[i]) IUpdate_Release(task->items[i]);
    if (task->updates) IUpdateCollection_Release(task->updates);
    SysFreeString(task->client_id);
    free(task->items);
    free(task->record.outcomes);
    free(task);
}

static HRESULT install_task_updates(void *context, IUpdateCollection **out)
{
    struct install_task *task = context;

    *out = task->updates;
    IUpdateCollection_AddRef(*out);
    return S_OK;
}

static HRESULT progress_snapshot(void *context, IInstallationProgress **out)
{
    struct install_task *task = context;
    struct progress *This;
    HRESULT hr;

    if (!(This = calloc(1, sizeof(*This)))) return E_OUTOFMEMORY;
    if (!(This->record.outcomes = calloc(task->record.count, sizeof(*This->record.outcomes))))
    {
        free(This);
        return E_OUTOFMEMORY;
    }
    This->IInstallationProgress_iface.lpVtbl = &progress_vtbl;
    This->refs = 1;
    AcquireSRWLockShared(&task->lock);
    memcpy(This->record.outcomes, task->record.outcomes, task->record.count * sizeof(*This->record.outcomes));
    This->record.index = task->record.index;
    This->record.current_percent = task->record.current_percent;
    This->record.processed = task->record.processed;
    This->record.count = task->record.count;
    ReleaseSRWLockShared(&task->lock);
    object_created();
    if (FAILED(hr = CoCreateFreeThreadedMarshaler((IUnknown *)&This->IInstallationProgress_iface, &This->marshal)))
    {
        IInstallationProgress_Release(&This->IInstallationProgress_iface);
        return hr;
    }
    *out = &This->IInstallationProgress_iface;
    return S_OK;
}

/* Calls the progress callback with a snapshot; unless forced, at most every 200 ms. */
static void report(struct install_task *task, BOOL force)
{
    struct progress_args *args;
    IInstallationProgress *progress;
    DWORD now = GetTickCount();

    if (!task->job || !job_wants_progress(task->job)) return;
    if (!force && now - task->last_report < 200) return;
    task->last_report = now;
    if (FAILED(progress_snapshot(task, &progress))) return;
    if (!(args = calloc(1, sizeof(*args))))
    {
        IInstallationProgress_Release(progress);
        return;
    }
    args->IInstallationProgressChangedCallbackArgs_iface.lpVtbl = &progress_args_vtbl;
    args->refs = 1;
    args->progress = progress;
    object_created();
    if (SUCCEEDED(CoCreateFreeThreadedMarshaler((IUnknown *)&args->IInstallationProgressChangedCallbackArgs_iface,
                                                &args->marshal)))
        job_report_progress(task->job, (IDispatch *)&args->IInstallationProgressChangedCallbackArgs_iface);
    IInstallationProgressChangedCallbackArgs_Release(&args->IInstallationProgressChangedCallbackArgs_iface);
}

static void task_progress(void *context, LONG percent)
{
    struct install_task *task = context;

    AcquireSRWLockExclusive(&task->lock);
    task->record.current_percent = percent;
    ReleaseSRWLockExclusive(&task->lock);
    report(task, FALSE);
}

/* The package and the catalog that holds it, kept alive without the record's lock. */
static const struct catalog_package *hold_package(struct update_record *record, struct catalog_ref **source)
{
    const struct catalog_package *package;

    AcquireSRWLockShared(&record->lock);
    package = record->package;
    if ((*source = record->source)) InterlockedIncrement(&(*source)->refs);
    ReleaseSRWLockShared(&record->lock);
    return package;
}

static void fail(struct install_outcome *outcome, HRESULT hr)
{
    outcome->hr = hr;
    outcome->code = orcFailed;
}

/* What the update's flags say before anything runs; FALSE when nothing is to run. */
static BOOL check_before(const struct install_task *task, struct update_record *record,
                         const struct catalog_package *package, struct install_outcome *outcome)
{
    BOOL installed = update_record_has(record, UPDATE_INSTALLED);

    outcome->code = orcSucceeded;
    if (!package || !package->item_count) fail(outcome, WU_E_MISSING_HANDLER);
    else if (!task->uninstall && package->eula && !update_record_has(record, UPDATE_EULA_ACCEPTED))
        fail(outcome, WU_E_EULAS_DECLINED);
    else if (task->quiet && (task->uninstall ? package->items[0].uninstall : package->items[0].install).can_request_user_input)
        fail(outcome, WU_E_UH_DOESNOTSUPPORTACTION);
    else if (!task->forced && !task->uninstall && installed) outcome->hr = WU_S_ALREADY_INSTALLED;
    else if (!task->forced && task->uninstall && !installed) outcome->hr = WU_S_ALREADY_UNINSTALLED;
    else return TRUE;
    return FALSE;
}

static void log_outcome(const struct install_task *task, const struct update_record *record,
                        const struct install_outcome *outcome)
{
    WCHAR id[37];

    guid_to_wua_string(&record->id, id);
    log_write(LOG_RESULT(outcome->hr), L"%ls %ls: 0x%08lx, result code %d, exit code %ld%ls",
              task->uninstall ? L"Uninstall" : L"Install", id, (unsigned long)outcome->hr, (int)outcome->code,
              (long)outcome->exit_code, outcome->reboot ? L", restart required" : L"");
}

/* Runs one update's installer and brings its state up to date. */
static void install_one(struct install_task *task, IUpdate *update, const volatile LONG *abort,
                        struct install_outcome *outcome)
{
    struct install_request request = { 0 };
    const struct catalog_package *package;
    struct update_record *record;
    struct catalog_ref *source;
    enum rule_result installed;

    memset(outcome, 0, sizeof(*outcome));
    if (!update || !(record = update_record_from(update)))
    {
        fail(outcome, WU_E_INVALID_UPDATE);
        return;
    }
    package = hold_package(record, &source);
    if (check_before(task, record, package, outcome))
    {
        request.update = &record->id;
        request.item = &package->items[0];
        request.uninstall = task->uninstall;
        request.abort = abort;
        request.progress = task->job ? task_progress : NULL;
        request.context = task;
        install_run(&request, outcome);
        if (outcome->hr == WU_E_DM_NOTDOWNLOADED || outcome->hr == WU_E_DM_INCORRECTFILEHASH)
            update_record_set(record, UPDATE_DOWNLOADED, FALSE);
        /* What the rules say now, whatever the installer answered. */
        if ((installed = install_is_installed(package)) != RULE_RESULT_ERROR)
            update_record_set(record, UPDATE_INSTALLED, installed == RULE_RESULT_TRUE);
        if (outcome->reboot)
        {
            install_set_reboot_required();
            update_record_persist(record, UPDATE_REBOOT_REQUIRED, TRUE);
        }
    }
    history_record(record, task->uninstall ? uoUninstallation : uoInstallation, outcome->code, outcome->hr,
                   outcome->exit_code, task->client_id);
    log_outcome(task, record, outcome);
    if (source) catalog_ref_release(source);
    update_record_release(record);
}

/* Every update in turn.  An abort stops before the next update: it and every
 * later one are orcAborted (E_ABORT); a running installer is never killed. */
static HRESULT run_task(struct install_task *task, const volatile LONG *abort, IInstallationResult **out)
{
    struct progress_record *r = &task->record;
    struct install_outcome outcome;
    struct update_outcome *outcomes;
    LONG i, count = r->count;
    HRESULT hr;

    for (i = 0; i < count; i++)
    {
        AcquireSRWLockExclusive(&task->lock);
        r->index = i;
        r->current_percent = 0;
        r->outcomes[i].code = orcInProgress;
        ReleaseSRWLockExclusive(&task->lock);
        report(task, TRUE);
        if (abort && *abort)
        {
            memset(&outcome, 0, sizeof(outcome));
            outcome.hr = E_ABORT;
            outcome.code = orcAborted;
        }
        else install_one(task, task->items[i], abort, &outcome);
        AcquireSRWLockExclusive(&task->lock);
        r->outcomes[i].hr = outcome.hr;
        r->outcomes[i].code = outcome.code;
        r->outcomes[i].reboot = outcome.reboot;
        r->processed = i + 1;
        ReleaseSRWLockExclusive(&task->lock);
        report(task, TRUE);
    }

    if (!(outcomes = calloc(count, sizeof(*outcomes)))) return E_OUTOFMEMORY;
    AcquireSRWLockShared(&task->lock);
    memcpy(outcomes, r->outcomes, count * sizeof(*outcomes));
    ReleaseSRWLockShared(&task->lock);
    if (FAILED(hr = result_create(outcomes, count, out))) free(outcomes);
    return hr;
}

/* The job's work: the lock is taken here, on the thread that runs it. */
static HRESULT install_work(struct job *job, void *context, IUnknown **out)
{
    struct install_task *task = context;
    IInstallationResult *result = NULL;
    HRESULT hr;

    if (install_lock_try())
    {
        task->job = job;
        hr = run_task(task, job_abort_flag(job), &result);
        task->job = NULL;
        install_lock_release();
    }
    else hr = WU_E_INSTALL_NOT_ALLOWED;     /* another process came first since BeginInstall */
    InterlockedExchange(&installing, FALSE);
    *out = (IUnknown *)result;
    return hr;
}

/* --- IUpdateInstaller4 --- */

struct installer
{
    IUpdateInstaller4 IUpdateInstaller4_iface;
    LONG refs;
    SRWLOCK lock;               /* guards updates and parent_window */
    struct client_id client_id;
    BOOL forced;
    BOOL allow_source_prompts;
    BOOL force_quiet;
    BOOL close_apps;
    HWND parent_hwnd;
    IUnknown *parent_window;
    IUpdateCollection *updates;
};

static struct dispatch_type installer_type = DISPATCH_TYPE(IID_IUpdateInstaller4);

static inline struct installer *impl_from_IUpdateInstaller4(IUpdateInstaller4 *iface)
{
    return CONTAINING_RECORD(iface, struct installer, IUpdateInstaller4_iface);
}

static HRESULT WINAPI installer_QueryInterface(IUpdateInstaller4 *iface, REFIID riid, void **obj)
{
    if (!obj) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch)
        || IsEqualIID(riid, &IID_IUpdateInstaller) || IsEqualIID(riid, &IID_IUpdateInstaller2)
        || IsEqualIID(riid, &IID_IUpdateInstaller3) || IsEqualIID(riid, &IID_IUpdateInstaller4))
    {
        *obj = iface;
        IUpdateInstaller4_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI installer_AddRef(IUpdateInstaller4 *iface)
{
    return InterlockedIncrement(&impl_from_IUpdateInstaller4(iface)->refs);
}

static ULONG WINAPI installer_Release(IUpdateInstaller4 *iface)
{
    struct installer *This = impl_from_IUpdateInstaller4(iface);
    ULONG refs = InterlockedDecrement(&This->refs);

    if (!refs)
    {
        if (This->updates) IUpdateCollection_Release(This->updates);
        if (This->parent_window) IUnknown_Release(This->parent_window);
        client_id_free(&This->client_id);
        free(This);
        object_destroyed();
    }
    return refs;
}

DEFINE_IDISPATCH(installer, IUpdateInstaller4, installer_type)

/* "Unknown" until a client names itself. */
static HRESULT WINAPI installer_get_ClientApplicationID(IUpdateInstaller4 *iface, BSTR *out)
{
    return client_id_get(&impl_from_IUpdateInstaller4(iface)->client_id, L"Unknown", out);
}

static HRESULT WINAPI installer_put_ClientApplicationID(IUpdateInstaller4 *iface, BSTR value)
{
    return client_id_put(&impl_from_IUpdateInstaller4(iface)->client_id, value);
}

static HRESULT WINAPI installer_get_IsForced(IUpdateInstaller4 *iface, VARIANT_BOOL *out)
{
    return return_bool(impl_from_IUpdateInstaller4(iface)->forced, out);
}

static HRESULT WINAPI installer_put_IsForced(IUpdateInstaller4 *iface, VARIANT_BOOL value)
{
    if (!is_variant_bool(value)) return E_INVALIDARG;
    impl_from_IUpdateInstaller4(iface)->forced = value == VARIANT_TRUE;
    return S_OK;
}

/* Kept for the client; OpenWUA shows no dialogs to own. */
static HRESULT WINAPI installer_get_ParentHwnd(IUpdateInstaller4 *iface, HWND *out)
{
    if (!out) return E_POINTER;
    *out = impl_from_IUpdateInstaller4(iface)->parent_hwnd;
    return S_OK;
}

static HRESULT WINAPI installer_put_ParentHwnd(IUpdateInstaller4 *iface, HWND value)
{
    if (value && !IsWindow(value)) return E_INVALIDARG;
    impl_from_IUpdateInstaller4(iface)->parent_hwnd = value;
    return S_OK;
}

static HRESULT WINAPI installer_put_ParentWindow(IUpdateInstaller4 *iface, IUnknown *value)
{
    struct installer *This = impl_from_IUpdateInstaller4(iface);
    IUnknown *old;

    if (value) IUnknown_AddRef(value);
    AcquireSRWLockExclusive(&This->lock);
    old = This->parent_window;
    This->parent_window = value;
    ReleaseSRWLockExclusive(&This->lock);
    if (old) IUnknown_Release(old);
    return S_OK;
}

static HRESULT WINAPI installer_get_ParentWindow(IUpdateInstaller4 *iface, IUnknown **out)
{
    struct installer *This = impl_from_IUpdateInstaller4(iface);

    if (!out) return E_POINTER;
    AcquireSRWLockShared(&This->lock);
    if ((*out = This->parent_window)) IUnknown_AddRef(*out);
    ReleaseSRWLockShared(&This->lock);
    return S_OK;
}

/* The very collection that was put (clients rely on it). */
static HRESULT WINAPI installer_get_Updates(IUpdateInstaller4 *iface, IUpdateCollection **out)
{
    struct installer *This = impl_from_IUpdateInstaller4(iface);

    if (!out) return E_POINTER;
    AcquireSRWLockShared(&This->lock);
    if ((*out = This->updates)) IUpdateCollection_AddRef(*out);
    ReleaseSRWLockShared(&This->lock);
    return S_OK;
}

/* NULL (Nothing) takes the collection away again. */
static HRESULT WINAPI installer_put_Updates(IUpdateInstaller4 *iface, IUpdateCollection *value)
{
    struct installer *This = impl_from_IUpdateInstaller4(iface);
    IUpdateCollection *old;

    if (value) IUpdateCollection_AddRef(value);
    AcquireSRWLockExclusive(&This->lock);
    old = This->updates;
    This->updates = value;
    ReleaseSRWLockExclusive(&This->lock);
    if (old) IUpdateCollection_Release(old);
    return S_OK;
}

/* WU_E_UNINSTALL_NOT_ALLOWED when any update is not a Windows Installer product. */
static HRESULT check_uninstallable(struct install_task *task)
{
    const struct catalog_package *package;
    struct update_record *record;
    BOOL ok;
    LONG i;

    for (i = 0; i < task->record.count; i++)
    {
        if (!task->items[i] || !(record = update_record_from(task->items[i]))) return WU_E_UNINSTALL_NOT_ALLOWED;
        package = update_record_lock(record);
        ok = package && package->item_count && package->items[0].installer == CATALOG_INSTALLER_MSI
             && package->items[0].product_code;
        update_record_unlock(record);
        update_record_release(record);
        if (!ok) return WU_E_UNINSTALL_NOT_ALLOWED;
    }
    return S_OK;
}

/* A task for the updates as they are now: WU_E_NO_UPDATE for none. */
static HRESULT task_create(struct installer *This, BOOL uninstall, BOOL snapshot, struct install_task **out)
{
    struct install_task *task;
    IUpdateCollection *updates;
    LONG i, count = 0;
    HRESULT hr;

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
    task->uninstall = uninstall;
    task->forced = This->forced;
    task->quiet = This->force_quiet;
    hr = client_id_get(&This->client_id, L"Unknown", &task->client_id);
    if (SUCCEEDED(hr) && (!(task->items = calloc(count, sizeof(*task->items)))
                          || !(task->record.outcomes = calloc(count, sizeof(*task->record.outcomes)))))
        hr = E_OUTOFMEMORY;
    if (SUCCEEDED(hr) && snapshot) hr = update_collection_create(TRUE, &task->updates);
    for (i = 0; i < count && SUCCEEDED(hr); i++)
    {
        if (SUCCEEDED(hr = IUpdateCollection_get_Item(updates, i, &task->items[i])))
        {
            task->record.count = i + 1;
            if (snapshot) hr = update_collection_append(task->updates, task->items[i]);
        }
    }
    IUpdateCollection_Release(updates);
    if (SUCCEEDED(hr) && uninstall) hr = check_uninstallable(task);
    if (FAILED(hr))
    {
        install_task_free(task);
        return hr;
    }
    *out = task;
    return S_OK;
}

/* Claims the machine for this process, or says it is busy. */
static BOOL claim(void)
{
    if (InterlockedCompareExchange(&installing, TRUE, FALSE)) return FALSE;
    if (!install_lock_busy()) return TRUE;
    InterlockedExchange(&installing, FALSE);
    return FALSE;
}

static HRESULT begin(struct installer *This, BOOL uninstall, IUnknown *progress, IUnknown *completed,
                     VARIANT *state, IInstallationJob **out)
{
    struct job_params params = { 0 };
    struct install_task *task;
    IDispatch *job;
    HRESULT hr;

    if (!out) return E_POINTER;
    *out = NULL;
    if (FAILED(hr = task_create(This, uninstall, TRUE, &task))) return hr;
    if (!claim())
    {
        install_task_free(task);
        return WU_E_INSTALL_NOT_ALLOWED;
    }
    params.kind = uninstall ? JOB_UNINSTALL : JOB_INSTALL;
    params.owner = (IUnknown *)&This->IUpdateInstaller4_iface;
    params.work = install_work;
    params.context = task;
    params.free_context = install_task_free;
    params.on_completed = completed;
    params.on_progress = progress;
    params.get_updates = install_task_updates;
    params.get_install_progress = progress_snapshot;
    params.state = state;
    if (SUCCEEDED(hr = job_start(&params, &job))) *out = (IInstallationJob *)job;
    else InterlockedExchange(&installing, FALSE);
    return hr;
}

/* Updates is checked here (WU_E_NO_UPDATE) and copied: the job's Updates is
 * a read-only snapshot; IsForced and ForceQuiet are taken as they are now. */
static HRESULT WINAPI installer_BeginInstall(IUpdateInstaller4 *iface, IUnknown *progress, IUnknown *completed,
                                             VARIANT state, IInstallationJob **out)
{
    return begin(impl_from_IUpdateInstaller4(iface), FALSE, progress, completed, &state, out);
}

static HRESULT WINAPI installer_BeginUninstall(IUpdateInstaller4 *iface, IUnknown *progress, IUnknown *completed,
                                               VARIANT state, IInstallationJob **out)
{
    return begin(impl_from_IUpdateInstaller4(iface), TRUE, progress, completed, &state, out);
}

static HRESULT end(IUpdateInstaller4 *iface, enum job_kind kind, IInstallationJob *job, IInstallationResult **out)
{
    IUnknown *result;
    HRESULT hr;

    if (!out) return E_POINTER;
    *out = NULL;
    hr = job_end((IUnknown *)job, kind, (IUnknown *)iface, &result);
    *out = (IInstallationResult *)result;
    return hr;
}

/* As EndDownload: E_POINTER for a NULL job, E_INVALIDARG for a job begun on
 * another installer or by the other Begin, WU_E_INVALID_OPERATION the second time. */
static HRESULT WINAPI installer_EndInstall(IUpdateInstaller4 *iface, IInstallationJob *job, IInstallationResult **out)
{
    return end(iface, JOB_INSTALL, job, out);
}

static HRESULT WINAPI installer_EndUninstall(IUpdateInstaller4 *iface, IInstallationJob *job,
                                             IInstallationResult **out)
{
    return end(iface, JOB_UNINSTALL, job, out);
}

static HRESULT run_now(struct installer *This, BOOL uninstall, IInstallationResult **out)
{
    struct install_task *task;
    HRESULT hr;

    if (!out) return E_POINTER;
    *out = NULL;
    if (FAILED(hr = task_create(This, uninstall, FALSE, &task))) return hr;
    if (InterlockedCompareExchange(&installing, TRUE, FALSE))
    {
        install_task_free(task);
        return WU_E_INSTALL_NOT_ALLOWED;
    }
    if (install_lock_try())
    {
        hr = run_task(task, NULL, out);
        install_lock_release();
    }
    else hr = WU_E_INSTALL_NOT_ALLOWED;
    InterlockedExchange(&installing, FALSE);
    install_task_free(task);
    return hr;
}

static HRESULT WINAPI installer_Install(IUpdateInstaller4 *iface, IInstallationResult **out)
{
    return run_now(impl_from_IUpdateInstaller4(iface), FALSE, out);
}

/* A wizard is a user interface, and OpenWUA has none: WU_E_NO_UI_SUPPORT,
 * after the documented WU_E_NO_UPDATE check. */
static HRESULT WINAPI installer_RunWizard(IUpdateInstaller4 *iface, BSTR title, IInstallationResult **out)
{
    struct installer *This = impl_from_IUpdateInstaller4(iface);
    IUpdateCollection *updates;
    LONG count = 0;
    HRESULT hr;

    (void)title;
    if (!out) return E_POINTER;
    *out = NULL;
    AcquireSRWLockShared(&This->lock);
    if ((updates = This->updates)) IUpdateCollection_AddRef(updates);
    ReleaseSRWLockShared(&This->lock);
    if (!updates) return WU_E_NO_UPDATE;
    hr = IUpdateCollection_get_Count(updates, &count);
    IUpdateCollection_Release(updates);
    if (FAILED(hr)) return hr;
    return count > 0 ? WU_E_NO_UI_SUPPORT : WU_E_NO_UPDATE;
}

/* Any (un)installation on the machine, from any process. */
static HRESULT WINAPI installer_get_IsBusy(IUpdateInstaller4 *iface, VARIANT_BOOL *out)
{
    (void)iface;
    return return_bool(installing || install_lock_busy(), out);
}

static HRESULT WINAPI installer_Uninstall(IUpdateInstaller4 *iface, IInstallationResult **out)
{
    return run_now(impl_from_IUpdateInstaller4(iface), TRUE, out);
}

/* Kept and reported: OpenWUA installs from its cache and never prompts for media. */
static HRESULT WINAPI installer_get_AllowSourcePrompts(IUpdateInstaller4 *iface, VARIANT_BOOL *out)
{
    return return_bool(impl_from_IUpdateInstaller4(iface)->allow_source_prompts, out);
}

static HRESULT WINAPI installer_put_AllowSourcePrompts(IUpdateInstaller4 *iface, VARIANT_BOOL value)
{
    if (!is_variant_bool(value)) return E_INVALIDARG;
    impl_from_IUpdateInstaller4(iface)->allow_source_prompts = value == VARIANT_TRUE;
    return S_OK;
}

static HRESULT WINAPI installer_get_RebootRequiredBeforeInstallation(IUpdateInstaller4 *iface, VARIANT_BOOL *out)
{
    (void)iface;
    return return_bool(state_reboot_required(), out);
}

static HRESULT WINAPI installer_get_ForceQuiet(IUpdateInstaller4 *iface, VARIANT_BOOL *out)
{
    return return_bool(impl_from_IUpdateInstaller4(iface)->force_quiet, out);
}

static HRESULT WINAPI installer_put_ForceQuiet(IUpdateInstaller4 *iface, VARIANT_BOOL value)
{
    if (!is_variant_bool(value)) return E_INVALIDARG;
    impl_from_IUpdateInstaller4(iface)->force_quiet = value == VARIANT_TRUE;
    return S_OK;
}

/* Kept and reported: it concerns Store apps, which OpenWUA does not install. */
static HRESULT WINAPI installer_get_AttemptCloseAppsIfNecessary(IUpdateInstaller4 *iface, VARIANT_BOOL *out)
{
    return return_bool(impl_from_IUpdateInstaller4(iface)->close_apps, out);
}

static HRESULT WINAPI installer_put_AttemptCloseAppsIfNecessary(IUpdateInstaller4 *iface, VARIANT_BOOL value)
{
    if (!is_variant_bool(value)) return E_INVALIDARG;
    impl_from_IUpdateInstaller4(iface)->close_apps = value == VARIANT_TRUE;
    return S_OK;
}

/* OpenWUA stages nothing: every installation is complete when Install returns,
 * so there is nothing to commit.  The flags are reserved: 0 only. */
static HRESULT WINAPI installer_Commit(IUpdateInstaller4 *iface, DWORD flags)
{
    (void)iface;
    return flags ? E_INVALIDARG : S_OK;
}

static const IUpdateInstaller4Vtbl installer_vtbl =
{
    installer_QueryInterface,
    installer_AddRef,
    installer_Release,
    installer_GetTypeInfoCount,
    installer_GetTypeInfo,
    installer_GetIDsOfNames,
    installer_Invoke,
    installer_get_ClientApplicationID,
    installer_put_ClientApplicationID,
    installer_get_IsForced,
    installer_put_IsForced,
    installer_get_ParentHwnd,
    installer_put_ParentHwnd,
    installer_put_ParentWindow,
    installer_get_ParentWindow,
    installer_get_Updates,
    installer_put_Updates,
    installer_BeginInstall,
    installer_BeginUninstall,
    installer_EndInstall,
    installer_EndUninstall,
    installer_Install,
    installer_RunWizard,
    installer_get_IsBusy,
    installer_Uninstall,
    installer_get_AllowSourcePrompts,
    installer_put_AllowSourcePrompts,
    installer_get_RebootRequiredBeforeInstallation,
    installer_get_ForceQuiet,
    installer_put_ForceQuiet,
    installer_get_AttemptCloseAppsIfNecessary,
    installer_put_AttemptCloseAppsIfNecessary,
    installer_Commit,
};

HRESULT installer_create(REFIID riid, void **obj)
{
    struct installer *This;
    HRESULT hr;

    if (!obj) return E_POINTER;
    *obj = NULL;
    if (!(This = calloc(1, sizeof(*This)))) return E_OUTOFMEMORY;
    This->IUpdateInstaller4_iface.lpVtbl = &installer_vtbl;
    This->refs = 1;
    This->allow_source_prompts = TRUE;
    InitializeSRWLock(&This->lock);
    object_created();
    hr = IUpdateInstaller4_QueryInterface(&This->IUpdateInstaller4_iface, riid, obj);
    IUpdateInstaller4_Release(&This->IUpdateInstaller4_iface);
    return hr;
}
