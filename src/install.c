/*
 * OpenWUA: the installation handlers (see install.h).  No COM objects in here.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <windows.h>
#include <wuerror.h>
#include <msi.h>
#include <msiquery.h>
#include "install.h"
#include "download.h"
#include "rules.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* OperationResultCode values (the COM headers are not included here). */
enum { SUCCEEDED_CODE = 2, FAILED_CODE = 4, ABORTED_CODE = 5 };

static const WCHAR reboot_key[] =
    L"Software\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired";

/* MSI never restarts the machine on its own: OpenWUA reports, the user restarts. */
static const WCHAR no_reboot[] = L"REBOOT=ReallySuppress";

/* --- exit codes --- */

static void set_outcome(struct install_outcome *outcome, HRESULT hr, int code, BOOL reboot)
{
    outcome->hr = hr;
    outcome->code = code;
    outcome->reboot = reboot;
}

void install_map_msi(UINT status, struct install_outcome *outcome)
{
    outcome->exit_code = status;
    switch (status)
    {
    case ERROR_SUCCESS: set_outcome(outcome, S_OK, SUCCEEDED_CODE, FALSE); break;
    case ERROR_SUCCESS_REBOOT_REQUIRED:
    case ERROR_SUCCESS_REBOOT_INITIATED: set_outcome(outcome, S_OK, SUCCEEDED_CODE, TRUE); break;
    case ERROR_INSTALL_USEREXIT: set_outcome(outcome, HRESULT_FROM_WIN32(ERROR_INSTALL_USEREXIT), ABORTED_CODE, FALSE); break;
    default: set_outcome(outcome, HRESULT_FROM_WIN32(status), FAILED_CODE, FALSE); break;
    }
}

static const struct catalog_return_code *find_code(const struct catalog_item *item, LONG exit_code)
{
    unsigned int i;

    for (i = 0; i < item->return_code_count; i++)
        if (item->return_codes[i].code == exit_code) return &item->return_codes[i];
    return NULL;
}

void install_map_command_line(const struct catalog_item *item, LONG exit_code, struct install_outcome *outcome)
{
    const struct catalog_return_code *mapped = find_code(item, exit_code);
    enum catalog_result result = mapped ? mapped->result : item->default_result;
    BOOL reboot = mapped ? mapped->reboot : item->reboot_by_default;

    outcome->exit_code = exit_code;
    switch (result)
    {
    case CATALOG_RESULT_SUCCEEDED: set_outcome(outcome, S_OK, SUCCEEDED_CODE, reboot); break;
    case CATALOG_RESULT_CANCELLED: set_outcome(outcome, E_ABORT, ABORTED_CODE, FALSE); break;
    default: set_outcome(outcome, WU_E_UH_INSTALLERFAILURE, FAILED_CODE, FALSE); break;
    }
}

/* --- Windows Installer progress --- */

struct msi_progress
{
    const struct install_request *request;
    LONGLONG total, done;
    LONG last;
};

/* Progress messages are "1: <type> 2: <ticks> ...": type 0 starts over with a
 * total, 3 adds to it, 2 moves on by some ticks. */
static INT CALLBACK msi_ui_handler(void *context, UINT type, const WCHAR *message)
{
    struct msi_progress *progress = context;
    int field1 = -1;
    long long field2 = 0;
    LONG percent;

    if ((type & 0xff000000) != INSTALLMESSAGE_PROGRESS || !message || !progress) return 0;
    if (swscanf(message, L"1: %d 2: %lld", &field1, &field2) != 2) return 0;
    if (field1 == 0)
    {
        progress->total = field2 > 0 ? field2 : 0;
        progress->done = 0;
    }
    else if (field1 == 3 && field2 > 0) progress->total += field2;
    else if (field1 == 2 && field2 > 0) progress->done += field2;
    else return 0;
    if (!progress->total) return 0;
    percent = (LONG)(min(progress->done, progress->total) * 100 / progress->total);
    if (percent > 99) percent = 99;     /* 100 once the package is done */
    if (percent != progress->last && progress->request->progress)
        progress->request->progress(progress->request->context, percent);
    progress->last = percent;
    return 0;
}

/* --- running --- */

/* 1618: another Windows Installer transaction runs.  Tried this often, with these pauses. */
static const DWORD busy_pauses[] = { 500, 1000, 2000 };

static BOOL pause_unless_aborted(const struct install_request *request, DWORD ms)
{
    DWORD waited;

    for (waited = 0; waited < ms; waited += 50)
    {
        if (request->abort && *request->abort) return FALSE;
        Sleep(50);
    }
    return !(request->abort && *request->abort);
}

static WCHAR *join_properties(const WCHAR *properties)
{
    size_t size = (properties ? wcslen(properties) : 0) + ARRAY_SIZE(no_reboot) + 2;
    WCHAR *text = malloc(size * sizeof(WCHAR));

    if (text) swprintf(text, size, L"%ls %ls", properties ? properties : L"", no_reboot);
    return text;
}

/* by_package: an uninstall run from the cached package (REMOVE=ALL) rather than the registered product. */
static UINT run_msi_once(const struct install_request *request, const WCHAR *path, const WCHAR *properties,
                         BOOL by_package)
{
    struct msi_progress progress = { request, 0, 0, -1 };
    INSTALLUI_HANDLERW old_handler;
    INSTALLUILEVEL old_level;
    UINT status;

    old_level = MsiSetInternalUI(INSTALLUILEVEL_NONE, NULL);
    old_handler = MsiSetExternalUIW(msi_ui_handler, request->progress ? INSTALLLOGMODE_PROGRESS : 0, &progress);
    if (request->uninstall && !by_package)
        status = MsiConfigureProductExW(request->item->product_code, INSTALLLEVEL_DEFAULT, INSTALLSTATE_ABSENT,
                                        properties);
    else
        status = MsiInstallProductW(path, properties);
    MsiSetExternalUIW(old_handler, 0, NULL);
    MsiSetInternalUI(old_level, NULL);
    return status;
}

/* Wine's Windows Installer has no rollback: a process killed inside a
 * transaction can leave the product registered without its files.  An
 * install over that runs in maintenance mode, takes the broken registration
 * away and answers success, leaving the product absent.  Then one more run
 * installs it afresh. */
static BOOL left_uninstalled(const struct install_request *request, UINT status)
{
    return !request->uninstall && status == ERROR_SUCCESS && request->item->product_code
           && MsiQueryProductStateW(request->item->product_code) != INSTALLSTATE_DEFAULT;
}

/* The same kill can leave a product that Windows Installer still reports
 * installed but can no longer name for removal (ERROR_UNKNOWN_PRODUCT).  The
 * cached package, run with REMOVE=ALL, removes what it installed. */
static UINT remove_by_package(const struct install_request *request, const WCHAR *path)
{
    WCHAR *properties = join_properties(L"REMOVE=ALL");
    UINT status;

    if (!properties) return ERROR_OUTOFMEMORY;
    status = run_msi_once(request, path, properties, TRUE);
    free(properties);
    return status;
}

static void run_msi(const struct install_request *request, const WCHAR *path, struct install_outcome *outcome)
{
    const struct catalog_item *item = request->item;
    WCHAR *properties = join_properties(request->uninstall ? item->uninstall_command_line : item->command_line);
    unsigned int attempt = 0;
    UINT status;

    if (!properties)
    {
        set_outcome(outcome, E_OUTOFMEMORY, FAILED_CODE, FALSE);
        return;
    }
    while ((status = run_msi_once(request, path, properties, FALSE)) == ERROR_INSTALL_ALREADY_RUNNING
           && attempt < ARRAY_SIZE(busy_pauses) && pause_unless_aborted(request, busy_pauses[attempt]))
        attempt++;
    if (left_uninstalled(request, status)) status = run_msi_once(request, path, properties, FALSE);
    if (request->uninstall && status == ERROR_UNKNOWN_PRODUCT && path) status = remove_by_package(request, path);
    free(properties);
    install_map_msi(status, outcome);
}

/* How long a command-line installer may run: the InstallerTimeoutSeconds
 * setting when there is one (tests and slow machines), else INSTALL_TIMEOUT_MS. */
static DWORD install_timeout_ms(void)
{
    DWORD seconds = 0, size = sizeof(seconds);

    if (RegGetValueW(HKEY_LOCAL_MACHINE, L"Software\\OpenWUA", L"InstallerTimeoutSeconds", RRF_RT_REG_DWORD, NULL,
                     &seconds, &size) || !seconds || seconds >= INFINITE / 1000)
        return INSTALL_TIMEOUT_MS;
    return seconds * 1000;
}

/* The program and its arguments exactly as the catalog gives them: no shell. */
static HRESULT run_program_once(const WCHAR *folder, const WCHAR *path, const WCHAR *arguments, LONG *exit_code)
{
    STARTUPINFOW startup = { .cb = sizeof(startup) };
    PROCESS_INFORMATION process;
    size_t size = wcslen(path) + (arguments ? wcslen(arguments) : 0) + 4;
    WCHAR *cmdline = malloc(size * sizeof(WCHAR));
    DWORD wait, code = 0, error;

    if (!cmdline) return E_OUTOFMEMORY;
    swprintf(cmdline, size, arguments && *arguments ? L"\"%ls\" %ls" : L"\"%ls\"", path, arguments);
    if (!CreateProcessW(path, cmdline, NULL, NULL, FALSE, CREATE_NO_WINDOW, NULL, folder, &startup, &process))
    {
        error = GetLastError();
        free(cmdline);
        return HRESULT_FROM_WIN32(error);
    }
    free(cmdline);
    CloseHandle(process.hThread);
    wait = WaitForSingleObject(process.hProcess, install_timeout_ms());
    if (wait != WAIT_OBJECT_0)
    {
        /* A hung installer is stopped: the machine must not stay locked for good. */
        TerminateProcess(process.hProcess, ERROR_TIMEOUT);
        CloseHandle(process.hProcess);
        return WU_E_UH_INSTALLERHUNG;
    }
    GetExitCodeProcess(process.hProcess, &code);
    CloseHandle(process.hProcess);
    *exit_code = (LONG)code;
    return S_OK;
}

static void run_program(const struct install_request *request, const WCHAR *folder, const WCHAR *path,
                        struct install_outcome *outcome)
{
    const struct catalog_item *item = request->item;
    unsigned int attempt = 0;
    LONG exit_code = 0;
    HRESULT hr;

    for (;;)
    {
        if (FAILED(hr = run_program_once(folder, path, item->arguments, &exit_code)))
        {
            set_outcome(outcome, hr, FAILED_CODE, FALSE);
            return;
        }
        /* 1618 is Windows Installer's "busy" unless the catalog says otherwise. */
        if (exit_code != ERROR_INSTALL_ALREADY_RUNNING || find_code(item, exit_code)) break;
        if (attempt >= ARRAY_SIZE(busy_pauses) || !pause_unless_aborted(request, busy_pauses[attempt])) break;
        attempt++;
    }
    if (exit_code == ERROR_INSTALL_ALREADY_RUNNING && !find_code(item, exit_code))
    {
        outcome->exit_code = exit_code;
        set_outcome(outcome, HRESULT_FROM_WIN32(ERROR_INSTALL_ALREADY_RUNNING), FAILED_CODE, FALSE);
        return;
    }
    /* a process that died of an exception (0xCxxxxxxx) never succeeded, whatever DefaultResult says */
    if ((exit_code & 0xc0000000) == 0xc0000000 && !find_code(item, exit_code))
    {
        outcome->exit_code = exit_code;
        set_outcome(outcome, WU_E_UH_INSTALLERFAILURE, FAILED_CODE, FALSE);
        return;
    }
    install_map_command_line(item, exit_code, outcome);
}

/* The item's file in the cache, checked against the catalog right before it runs. */
static HRESULT cached_file(const struct install_request *request, const WCHAR *named, WCHAR *folder, WCHAR *path)
{
    const struct catalog_file *file = request->item->file;
    HRESULT hr;

    if (!file || !named) return WU_E_MISSING_HANDLER;
    if (!download_name_is_safe(file->name) || _wcsicmp(named, file->name)) return WU_E_UH_INCONSISTENT_FILE_NAMES;
    if (FAILED(hr = download_folder(request->update, FALSE, folder))) return hr;
    if (swprintf(path, MAX_PATH, L"%ls\\%ls", folder, file->name) < 0) return WU_E_INVALID_FILE;
    if (GetFileAttributesW(path) == INVALID_FILE_ATTRIBUTES) return WU_E_DM_NOTDOWNLOADED;
    hr = download_verify(path, file);
    if (hr == HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)) return WU_E_DM_NOTDOWNLOADED;
    return hr;
}

void install_run(const struct install_request *request, struct install_outcome *outcome)
{
    const struct catalog_item *item = request->item;
    WCHAR folder[MAX_PATH], path[MAX_PATH];
    HRESULT hr;

    memset(outcome, 0, sizeof(*outcome));
    if (request->uninstall)
    {
        if (item->installer != CATALOG_INSTALLER_MSI || !item->product_code)
            set_outcome(outcome, WU_E_UNINSTALL_NOT_ALLOWED, FAILED_CODE, FALSE);
        /* the package, when it is cached and intact, is the fallback of remove_by_package */
        else run_msi(request, SUCCEEDED(cached_file(request, item->msi_file, folder, path)) ? path : NULL, outcome);
        return;
    }
    switch (item->installer)
    {
    case CATALOG_INSTALLER_MSI:
        if (FAILED(hr = cached_file(request, item->msi_file, folder, path))) break;
        run_msi(request, path, outcome);
        return;
    case CATALOG_INSTALLER_COMMAND_LINE:
        if (FAILED(hr = cached_file(request, item->program, folder, path))) break;
        run_program(request, folder, path, outcome);
        return;
    default:
        hr = WU_E_MISSING_HANDLER;
        break;
    }
    set_outcome(outcome, hr, FAILED_CODE, FALSE);
}

/* --- state --- */

enum rule_result install_is_installed(const struct catalog_package *package)
{
    const struct rule *item_rule = package->item_count ? package->items[0].is_installed : NULL;
    const struct rule_facts *facts = rule_system_facts();
    enum rule_result first = RULE_RESULT_TRUE, second = RULE_RESULT_TRUE;

    if (!package->is_installed && !item_rule) return RULE_RESULT_FALSE;
    if (package->is_installed) first = rule_evaluate(package->is_installed, facts, NULL);
    if (first == RULE_RESULT_FALSE) return first;
    if (item_rule) second = rule_evaluate(item_rule, facts, NULL);
    if (second == RULE_RESULT_FALSE) return second;
    return first == RULE_RESULT_ERROR || second == RULE_RESULT_ERROR ? RULE_RESULT_ERROR : RULE_RESULT_TRUE;
}

HRESULT install_set_reboot_required(void)
{
    LSTATUS status;
    HKEY key;

    status = RegCreateKeyExW(HKEY_LOCAL_MACHINE, reboot_key, 0, NULL, 0, KEY_WRITE, NULL, &key, NULL);
    if (status) return HRESULT_FROM_WIN32(status);
    RegCloseKey(key);
    return S_OK;
}

/* --- the machine-wide lock --- */

static HANDLE lock_handle(void)
{
    static HANDLE mutex;
    HANDLE made;

    if (mutex) return mutex;
    if (!(made = CreateMutexW(NULL, FALSE, L"Global\\OpenWUA-Installation"))) return NULL;
    if (InterlockedCompareExchangePointer(&mutex, made, NULL)) CloseHandle(made);
    return mutex;
}

BOOL install_lock_try(void)
{
    HANDLE mutex = lock_handle();
    DWORD wait;

    if (!mutex) return FALSE;
    /* Abandoned: its owner died mid-install.  The machine is free again. */
    wait = WaitForSingleObject(mutex, 0);
    return wait == WAIT_OBJECT_0 || wait == WAIT_ABANDONED;
}

void install_lock_release(void)
{
    HANDLE mutex = lock_handle();

    if (mutex) ReleaseMutex(mutex);
}

BOOL install_lock_busy(void)
{
    if (!install_lock_try()) return TRUE;
    install_lock_release();
    return FALSE;
}
