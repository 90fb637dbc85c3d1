/*
 * OpenWUA: running installers.  No COM objects in here.
 *
 * The handlers run what an SDP item names: a Windows Installer package
 * through msi.dll, or a command-line program through CreateProcess, from the
 * download cache, after checking the file's digests once more.  They map the
 * installer's exit code to a WUA outcome.  OpenWUA never restarts the
 * machine: a handler that needs a restart says so, and install_set_reboot_required
 * records it where Windows keeps it.
 *
 * One (un)installation at a time on the whole machine: install_lock is a
 * named mutex, so other processes see it too.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef OPENWUA_INSTALL_H
#define OPENWUA_INSTALL_H

#include <windows.h>
#include "catalog.h"

/* What one run of an installer came to. */
struct install_outcome
{
    HRESULT hr;                 /* S_OK or a success code when it worked */
    int code;                   /* OperationResultCode: orcSucceeded, orcFailed or orcAborted */
    BOOL reboot;                /* a restart is needed to finish */
    LONG exit_code;             /* the installer's own code (0 when it never ran) */
};

/* Windows Installer's answer, as an outcome: 0 succeeded, 3010 and 1641
 * succeeded with a restart pending, anything else failed with
 * HRESULT_FROM_WIN32 of it (1602, user exit, is aborted). */
void install_map_msi(UINT status, struct install_outcome *outcome);

/* A command-line installer's exit code through the item's ReturnCode table,
 * else its DefaultResult and RebootByDefault.  A failed code gives
 * WU_E_UH_INSTALLERFAILURE, a cancelled one E_ABORT. */
void install_map_command_line(const struct catalog_item *item, LONG exit_code, struct install_outcome *outcome);

/* Installer progress while a Windows Installer package runs: 0..100 for the
 * current update.  Called on the thread that runs the package. */
typedef void (*install_progress_fn)(void *context, LONG percent);

/* What a handler needs to know: the update whose cache folder holds the
 * files, the item to run, and what may stop a retry early. */
struct install_request
{
    const GUID *update;
    const struct catalog_item *item;
    BOOL uninstall;
    const volatile LONG *abort;         /* may be NULL; stops 1618 retries */
    install_progress_fn progress;       /* may be NULL */
    void *context;
};

/* Runs the item's installer (or, with uninstall, removes its MSI product).
 * Fails the outcome, running nothing, with WU_E_DM_NOTDOWNLOADED when the
 * file is not in the cache, WU_E_DM_INCORRECTFILEHASH when it no longer
 * matches the catalog, WU_E_UH_INCONSISTENT_FILE_NAMES when the program or
 * MSI file named is not the item's file, WU_E_MISSING_HANDLER for installer
 * types OpenWUA does not run (MSP) and items with nothing to run,
 * WU_E_UNINSTALL_NOT_ALLOWED for an uninstall of anything but an MSI.  1618
 * (another installation running) is retried with a growing pause first. */
void install_run(const struct install_request *request, struct install_outcome *outcome);

/* The package's IsInstalled rules (package and first item, both must hold; none:
 * not installed), evaluated on this machine now. */
enum rule_result install_is_installed(const struct catalog_package *package);

/* Marks the machine as waiting for a restart (the key real clients read). */
HRESULT install_set_reboot_required(void);

/* The machine-wide lock.  install_lock_try takes it for the calling thread
 * (FALSE when another thread or process holds it); install_lock_release
 * gives it back on that same thread.  install_lock_busy tells whether anyone
 * else holds it now, without keeping it. */
BOOL install_lock_try(void);
void install_lock_release(void);
BOOL install_lock_busy(void);

/* Longest a command-line installer may run before it counts as hung. */
#define INSTALL_TIMEOUT_MS (2 * 60 * 60 * 1000)

#endif
