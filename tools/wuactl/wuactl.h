/*
 * wuactl: the OpenWUA command-line client.  It uses only the public Windows
 * Update Agent API (CoCreateInstance of the Microsoft.Update classes), so it
 * is also OpenWUA's own first real client.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef WUACTL_H
#define WUACTL_H

#include <windows.h>
#include <ole2.h>
#include <oleauto.h>
#include <wuerror.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>
#include "openwua_wuapi.h"

/* Exit codes: the documented contract of wuactl. */
#define EXIT_ALL_SUCCEEDED  0
#define EXIT_SOME_FAILED    1
#define EXIT_USAGE_ERROR    2       /* an error before any work: bad arguments, a search that failed */
#define EXIT_REBOOT         3010    /* all succeeded and a restart is required (ERROR_SUCCESS_REBOOT_REQUIRED) */

/* --- output.c: text to the console or a pipe, and the --json document --- */

extern BOOL json_mode;

void output_init(void);
BOOL output_is_console(void);
void out(const WCHAR *format, ...);
void err(const WCHAR *format, ...);
/* Rewrites the current console line (progress bars); a no-op when not a console. */
void out_status_line(const WCHAR *text);
void out_status_end(void);

/* A JSON document built while a command runs and written when it ends.
 * key is NULL inside arrays. */
void json_open(const WCHAR *key, WCHAR bracket);
void json_close(WCHAR bracket);
void json_string(const WCHAR *key, const WCHAR *value);
void json_number(const WCHAR *key, double value);
void json_bool(const WCHAR *key, BOOL value);
void json_hresult(const WCHAR *key, HRESULT hr);
void json_flush(void);

/* Reports an error: one line on stderr, or {"error": ...} with --json.  Returns EXIT_USAGE_ERROR. */
int fail(HRESULT hr, const WCHAR *format, ...);
const WCHAR *hresult_name(HRESULT hr);

/* --- updates.c: finding updates in every catalog --- */

struct item
{
    IUpdate *update;
    BSTR id;
    BSTR title;
    BSTR service;               /* the service the update came from */
    double size;                /* MaxDownloadSize, bytes */
    OperationResultCode result;
    HRESULT hr;
    BOOL reboot;
    BOOL skipped;               /* not handed to the installer: its download failed */
};

struct items
{
    struct item *item;
    LONG count;
};

HRESULT search_all(IUpdateSession *session, const WCHAR *criteria, struct items *found, WCHAR *failed_source, size_t size);
void items_free(struct items *items);
/* Keeps only the updates named by ids (UpdateID, or a KB article); fails naming the first id not found. */
HRESULT items_select(struct items *items, WCHAR **ids, int count, const WCHAR **missing);
IUpdateCollection *items_collection(const struct items *items, BOOL skip_failed);
void json_update(const WCHAR *key, IUpdate *update, const struct item *item);
const WCHAR *result_name(OperationResultCode code);

/* --- jobs.c: downloads and installations with progress and Ctrl+C --- */

enum job_kind { JOB_DOWNLOAD, JOB_INSTALL, JOB_UNINSTALL };

void jobs_init(void);
BOOL jobs_aborted(void);
/* Runs the job on items (all of them, or those not skipped), fills each item's
 * result; marks items whose download failed as skipped. */
HRESULT run_job(IUpdateSession *session, enum job_kind kind, struct items *items, BOOL *reboot);

/* --- commands.c --- */

struct command
{
    const WCHAR *name;
    int (*run)(int argc, WCHAR **argv);
    const WCHAR *usage;
    const WCHAR *help;
};

extern const struct command commands[];
IUpdateSession *new_session(void);
void *create_object(REFCLSID clsid, REFIID iid, HRESULT *hr);

#endif
