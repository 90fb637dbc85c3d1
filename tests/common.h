/*
 * OpenWUA tests: shared helpers for the CMocka test programs.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef OPENWUA_TEST_COMMON_H
#define OPENWUA_TEST_COMMON_H

#include <windows.h>
#include <ole2.h>
#include <oleauto.h>
#include <wuerror.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <wchar.h>
#include <setjmp.h>
#include <cmocka.h>
#include "openwua_wuapi.h"

/* HRESULTs compared as unsigned, so CMocka prints them in hex. */
#define assert_hr(expected, hr) assert_int_equal((uint32_t)(expected), (uint32_t)(hr))

/* Every case ends with the leak check: all objects released, DllCanUnloadNow == S_OK. */
#define LEAK_CHECKED(f) cmocka_unit_test_setup_teardown(f, NULL, leak_check)
int leak_check(void **state);

/* Runs the group in a multithreaded apartment. */
int run_tests_mta(const char *name, const struct CMUnitTest *tests, size_t count);
#define RUN_TESTS(tests) run_tests_mta(__FILE__, tests, sizeof(tests) / sizeof((tests)[0]))

/* CoCreateInstance in-process; fails the test when creation fails. */
void *create(REFCLSID clsid, REFIID iid);

/* Late-bound calls by name, the way scripts make them.  Arguments are given
 * in reading order; returns the HRESULT of Invoke and fills *excep. */
HRESULT invoke(IDispatch *disp, const WCHAR *name, WORD flags, VARIANT *result, EXCEPINFO *excep,
               UINT argc, const VARIANT *args);
HRESULT get_property(IDispatch *disp, const WCHAR *name, VARIANT *result);
HRESULT put_property(IDispatch *disp, const WCHAR *name, const VARIANT *value);

VARIANT var_i4(LONG value);
VARIANT var_bool(BOOL value);
VARIANT var_bstr(const WCHAR *value);   /* the caller clears it */
VARIANT var_disp(IDispatch *value);     /* borrowed: not AddRef'd */

/* The module COM loaded for wuapi.dll (system32\wuapi.dll in the test prefix). */
HMODULE wuapi_module(void);
/* DllCanUnloadNow's answer; S_OK when the DLL is not loaded. */
HRESULT can_unload_now(void);
/* After a client let go of everything while work ran: waits for the work to
 * let go too.  FALSE when DllCanUnloadNow is still S_FALSE after timeout_ms. */
BOOL wait_unloadable(DWORD timeout_ms);
/* Waits up to timeout_ms for a message, then dispatches every one there is:
 * what a single-threaded apartment does while it waits. */
void pump_messages(DWORD timeout_ms);

/* Registers the catalog at path as a scan package service: its ID, the caller's to free. */
BSTR add_scan_service(const WCHAR *name, const WCHAR *path);
/* A searcher of that service (ssOthers), from session or, when it is NULL, made on its own. */
IUpdateSearcher *service_searcher(IUpdateSession *session, const WCHAR *service_id);
/* The updates of the service that match criteria. */
IUpdateCollection *search_service_updates(const WCHAR *service_id, const WCHAR *criteria);

/* Registry helpers on HKLM, for setting up and checking persisted state. */
void reg_delete_tree(const WCHAR *key);
void reg_set_dword(const WCHAR *key, const WCHAR *name, DWORD value);
BOOL reg_get_dword(const WCHAR *key, const WCHAR *name, DWORD *value);
BOOL reg_key_exists(HKEY root, const WCHAR *key);

/* Runs a command line to its end (at most a minute) and returns its exit code. */
DWORD run_process(const WCHAR *cmdline);

/* Runs this test program again with extra arguments and returns its exit code:
 * the way to check that state persists into a new process. */
DWORD run_self(const WCHAR *args);

/* %ProgramData%\OpenWUA\History, where the history's entry files are. */
void history_folder(WCHAR *path);
/* The newest entry file's name ("" with none): entries are named by a growing number. */
void history_mark(WCHAR *mark);
/* Removes the entries written since the mark, so a test leaves the history as it found it. */
void history_trim(const WCHAR *mark);

/* The operations log: where it ends now, and whether a line after offset holds text
 * (package IDs repeat across runs, as Wine reuses process IDs: look only at what a test added). */
LONGLONG log_end(void);
BOOL log_has(LONGLONG offset, const WCHAR *text);

#endif
