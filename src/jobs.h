/*
 * OpenWUA: the engine behind the Begin and End methods (searching, downloading,
 * installing and uninstalling).
 *
 * A job runs one worker function on the Windows thread pool.  The Begin*
 * caller gets the job's COM face at once (ISearchJob, IDownloadJob); the
 * worker's result is handed out once, by job_end.  Callbacks are kept in the
 * Global Interface Table, so each is called in the apartment it came from.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef OPENWUA_JOBS_H
#define OPENWUA_JOBS_H

#include "private.h"

enum job_kind
{
    JOB_SEARCH,
    JOB_DOWNLOAD,
    JOB_INSTALL,
    JOB_UNINSTALL,      /* an IInstallationJob too, but ended only by EndUninstall */
};

struct job;

/* Runs on a thread-pool thread of the multithreaded apartment.  Returns the
 * HRESULT End* gives back and, when it succeeds, the object End* hands out
 * (*result, one reference passed to the job).  A worker polls
 * job_abort_requested() where it can stop and decides what an abort means. */
typedef HRESULT (*job_work_fn)(struct job *job, void *context, IUnknown **result);

struct job_params
{
    enum job_kind kind;
    IUnknown *owner;            /* the object Begin* was called on: End* accepts only its own jobs */
    job_work_fn work;
    void *context;              /* given to work, then to free_context when the job goes */
    void (*free_context)(void *context);
    IUnknown *on_completed;     /* may be NULL */
    IUnknown *on_progress;      /* JOB_DOWNLOAD, JOB_INSTALL, JOB_UNINSTALL; may be NULL */
    /* JOB_DOWNLOAD: IDownloadJob.Updates and GetProgress, answered from context */
    HRESULT (*get_updates)(void *context, IUpdateCollection **out);
    HRESULT (*get_progress)(void *context, IDownloadProgress **out);
    /* JOB_INSTALL, JOB_UNINSTALL: IInstallationJob.Updates (get_updates above) and GetProgress */
    HRESULT (*get_install_progress)(void *context, IInstallationProgress **out);
    const VARIANT *state;       /* AsyncState; copied */
};

/* Submits the work.  *job: the job's face for the kind (ISearchJob * for
 * JOB_SEARCH, IDownloadJob * for JOB_DOWNLOAD, IInstallationJob * for the other two).  On failure nothing runs and free_context has been called. */
HRESULT job_start(const struct job_params *params, IDispatch **job);

/* End*: checks that job is one of ours, of this kind and owner, and not ended
 * yet; waits for the result (pumping messages in a single-threaded apartment)
 * and returns the worker's HRESULT and result object.
 * E_POINTER: job or result NULL.  E_INVALIDARG: not an OpenWUA job of that
 * kind, or begun on another object.  WU_E_INVALID_OPERATION: already ended. */
HRESULT job_end(IUnknown *job, enum job_kind kind, IUnknown *owner, IUnknown **result);

BOOL job_abort_requested(struct job *job);
/* The flag RequestAbort sets, for transport_options.abort. */
const volatile LONG *job_abort_flag(struct job *job);

/* From the worker: TRUE when there is a progress callback; then
 * job_report_progress calls it with (job, args), synchronously (a
 * single-threaded caller receives it when it pumps messages). */
BOOL job_wants_progress(struct job *job);
void job_report_progress(struct job *job, IDispatch *args);

/* On a single-threaded apartment's thread, before its last CoUninitialize:
 * the callbacks of the jobs begun there that are under way arrive (this
 * pumps messages), later ones are not called. */
void job_apartment_leaving(void);

/* apartment.c: makes the current STA thread call job_apartment_leaving before
 * its apartment goes.  S_FALSE when it already does. */
HRESULT apartment_watch(void);
void apartment_detach(void);

#endif
