/*
 * OpenWUA: where OpenWUA keeps its files.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <shlobj.h>
#include "datadir.h"

/* Room kept for what callers add below a folder: a GUID, a file name. */
#define ROOM 128

/* Looked up once: the shell's lookup costs more than checking a cached file. */
static WCHAR program_data[MAX_PATH];
static HRESULT program_data_hr;
static INIT_ONCE program_data_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK find_program_data(INIT_ONCE *once, void *param, void **context)
{
    (void)once; (void)param; (void)context;
    program_data_hr = SHGetFolderPathW(NULL, CSIDL_COMMON_APPDATA | CSIDL_FLAG_CREATE, NULL, SHGFP_TYPE_CURRENT,
                                       program_data);
    return TRUE;
}

HRESULT data_make_folder(const WCHAR *path)
{
    DWORD error;

    if (CreateDirectoryW(path, NULL)) return S_OK;
    error = GetLastError();
    return error == ERROR_ALREADY_EXISTS ? S_OK : HRESULT_FROM_WIN32(error);
}

HRESULT data_folder(const WCHAR *sub, BOOL create, WCHAR path[MAX_PATH])
{
    HRESULT hr;

    InitOnceExecuteOnce(&program_data_once, find_program_data, NULL, NULL);
    if (FAILED(program_data_hr)) return program_data_hr;
    if (wcslen(program_data) + 9 + (sub ? wcslen(sub) + 1 : 0) + ROOM >= MAX_PATH)
        return HRESULT_FROM_WIN32(ERROR_FILENAME_EXCED_RANGE);
    swprintf(path, MAX_PATH, L"%ls\\OpenWUA", program_data);
    if (create && FAILED(hr = data_make_folder(path))) return hr;
    if (!sub) return S_OK;
    wcscat(path, L"\\");
    wcscat(path, sub);
    return create ? data_make_folder(path) : S_OK;
}
