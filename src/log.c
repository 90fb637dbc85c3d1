/*
 * OpenWUA: the operations log.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdarg.h>
#include <stdio.h>
#include "log.h"
#include "datadir.h"
#include "private.h"

#define LOG_LIMIT (8u << 20)
#define LINE_CHARS 2048

static INIT_ONCE log_once = INIT_ONCE_STATIC_INIT;
static enum log_level log_level = LOG_OPERATION;
static HANDLE log_file = INVALID_HANDLE_VALUE;
static CRITICAL_SECTION log_lock;

static void rotate(const WCHAR *folder, const WCHAR *path)
{
    WIN32_FILE_ATTRIBUTE_DATA data;
    WCHAR old[MAX_PATH];

    if (!GetFileAttributesExW(path, GetFileExInfoStandard, &data)) return;
    if (!data.nFileSizeHigh && data.nFileSizeLow < LOG_LIMIT) return;
    swprintf(old, MAX_PATH, L"%ls\\openwua.old.log", folder);
    MoveFileExW(path, old, MOVEFILE_REPLACE_EXISTING);
}

/* One handle per process, opened for appending: lines from several processes
 * interleave whole, and a line costs one WriteFile. */
static BOOL CALLBACK open_log(INIT_ONCE *once, void *param, void **context)
{
    WCHAR folder[MAX_PATH], path[MAX_PATH];
    DWORD level;

    (void)once; (void)param; (void)context;
    InitializeCriticalSection(&log_lock);
    if (SUCCEEDED(state_get_dword(state_key_openwua, L"LogLevel", &level))) log_level = min(level, LOG_DETAIL);
    if (log_level == LOG_NONE) return TRUE;
    if (FAILED(data_folder(NULL, TRUE, folder))) return TRUE;
    swprintf(path, MAX_PATH, L"%ls\\openwua.log", folder);
    rotate(folder, path);
    log_file = CreateFileW(path, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    return TRUE;
}

static void write_line(const WCHAR *text)
{
    char line[LINE_CHARS * 3];
    SYSTEMTIME now;
    WCHAR stamped[LINE_CHARS];
    DWORD written;
    int size;

    GetSystemTime(&now);
    swprintf(stamped, LINE_CHARS, L"%04u-%02u-%02u %02u:%02u:%02u.%03u %lu.%lu %ls\r\n", now.wYear, now.wMonth,
             now.wDay, now.wHour, now.wMinute, now.wSecond, now.wMilliseconds, GetCurrentProcessId(),
             GetCurrentThreadId(), text);
    size = WideCharToMultiByte(CP_UTF8, 0, stamped, -1, line, sizeof(line), NULL, NULL);
    if (size <= 1) return;
    EnterCriticalSection(&log_lock);
    WriteFile(log_file, line, size - 1, &written, NULL);
    LeaveCriticalSection(&log_lock);
}

void log_write(enum log_level level, const WCHAR *format, ...)
{
    WCHAR text[LINE_CHARS - 64];
    va_list args;

    InitOnceExecuteOnce(&log_once, open_log, NULL, NULL);
    if (level > log_level || log_file == INVALID_HANDLE_VALUE) return;
    va_start(args, format);
    /* a line too long for the buffer is cut, never dropped */
    if (_vsnwprintf(text, ARRAY_SIZE(text), format, args) < 0) text[ARRAY_SIZE(text) - 1] = 0;
    va_end(args);
    write_line(text);
}

void log_close(void)
{
    BOOL pending;

    if (!InitOnceBeginInitialize(&log_once, INIT_ONCE_CHECK_ONLY, &pending, NULL) || pending) return;
    if (log_file != INVALID_HANDLE_VALUE) CloseHandle(log_file);
    log_file = INVALID_HANDLE_VALUE;
    DeleteCriticalSection(&log_lock);
}
