/*
 * wuactl: output.  Text goes to the console as UTF-16 (WriteConsoleW), or as
 * UTF-8 to a pipe or file, so that non-ASCII titles survive both.  With
 * --json nothing but one JSON document reaches stdout.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "wuactl.h"
#include <math.h>

BOOL json_mode;

static BOOL stdout_console, status_shown;

struct buffer
{
    WCHAR *text;
    size_t len, size;
};

static struct buffer json;
static BOOL json_first[64];     /* per nesting level: nothing written in it yet */
static int json_depth;

void output_init(void)
{
    DWORD mode;

    stdout_console = GetConsoleMode(GetStdHandle(STD_OUTPUT_HANDLE), &mode);
}

BOOL output_is_console(void)
{
    return stdout_console && !json_mode;
}

static void write_handle(DWORD which, const WCHAR *text, size_t len)
{
    HANDLE handle = GetStdHandle(which);
    DWORD mode, done;
    char *bytes;
    int n;

    if (!len) return;
    if (GetConsoleMode(handle, &mode))
    {
        WriteConsoleW(handle, text, len, &done, NULL);
        return;
    }
    n = WideCharToMultiByte(CP_UTF8, 0, text, len, NULL, 0, NULL, NULL);
    if (n <= 0 || !(bytes = malloc(n))) return;
    WideCharToMultiByte(CP_UTF8, 0, text, len, bytes, n, NULL, NULL);
    WriteFile(handle, bytes, n, &done, NULL);
    free(bytes);
}

static void vwrite(DWORD which, const WCHAR *format, va_list args)
{
    WCHAR stack[1024], *text = stack;
    int len;
    va_list copy;

    va_copy(copy, args);
    len = _vscwprintf(format, copy);
    va_end(copy);
    if (len < 0) return;
    if ((size_t)len >= ARRAYSIZE(stack) && !(text = malloc((len + 1) * sizeof(WCHAR)))) return;
    vswprintf(text, len + 1, format, args);
    write_handle(which, text, len);
    if (text != stack) free(text);
}

/* Ordinary text: suppressed in --json mode, where stdout carries the document only. */
void out(const WCHAR *format, ...)
{
    va_list args;

    if (json_mode) return;
    out_status_end();
    va_start(args, format);
    vwrite(STD_OUTPUT_HANDLE, format, args);
    va_end(args);
}

void err(const WCHAR *format, ...)
{
    va_list args;

    out_status_end();
    va_start(args, format);
    vwrite(STD_ERROR_HANDLE, format, args);
    va_end(args);
}

static SHORT console_width(void)
{
    CONSOLE_SCREEN_BUFFER_INFO info;

    if (!GetConsoleScreenBufferInfo(GetStdHandle(STD_OUTPUT_HANDLE), &info)) return 80;
    return info.srWindow.Right - info.srWindow.Left + 1;
}

void out_status_line(const WCHAR *text)
{
    WCHAR line[512];
    int width = min(console_width() - 1, (int)ARRAYSIZE(line) - 2);

    if (!output_is_console()) return;
    /* pad to the full width so a shorter line wipes the longer one before it */
    line[0] = '\r';
    swprintf(line + 1, ARRAYSIZE(line) - 1, L"%-*.*ls", width, width, text);
    write_handle(STD_OUTPUT_HANDLE, line, wcslen(line));
    status_shown = TRUE;
}

void out_status_end(void)
{
    if (!status_shown) return;
    status_shown = FALSE;
    write_handle(STD_OUTPUT_HANDLE, L"\n", 1);
}

/* --- JSON --- */

static void append(const WCHAR *text, size_t len)
{
    WCHAR *grown;
    size_t size;

    if (json.len + len + 1 > json.size)
    {
        size = max(json.size * 2, json.len + len + 256);
        if (!(grown = realloc(json.text, size * sizeof(WCHAR)))) return;
        json.text = grown;
        json.size = size;
    }
    memcpy(json.text + json.len, text, len * sizeof(WCHAR));
    json.len += len;
    json.text[json.len] = 0;
}

static void append_quoted(const WCHAR *text)
{
    WCHAR escape[8];

    append(L"\"", 1);
    for (; text && *text; text++)
    {
        if (*text == '"' || *text == '\\')
        {
            escape[0] = '\\';
            escape[1] = *text;
            append(escape, 2);
        }
        else if (*text < 0x20)
        {
            swprintf(escape, ARRAYSIZE(escape), L"\\u%04x", *text);
            append(escape, 6);
        }
        else append(text, 1);
    }
    append(L"\"", 1);
}

/* The comma before a member and its key. */
static void member(const WCHAR *key)
{
    if (!json_first[json_depth]) append(L",", 1);
    json_first[json_depth] = FALSE;
    if (!key) return;
    append_quoted(key);
    append(L":", 1);
}

void json_open(const WCHAR *key, WCHAR bracket)
{
    if (!json_mode) return;
    if (json_depth == 0 && !json.len) json_first[0] = TRUE;
    member(key);
    append(&bracket, 1);
    if (json_depth + 1 < (int)ARRAYSIZE(json_first)) json_first[++json_depth] = TRUE;
}

void json_close(WCHAR bracket)
{
    if (!json_mode) return;
    append(&bracket, 1);
    if (json_depth > 0) json_depth--;
}

void json_string(const WCHAR *key, const WCHAR *value)
{
    if (!json_mode) return;
    member(key);
    if (value) append_quoted(value);
    else append(L"null", 4);
}

void json_number(const WCHAR *key, double value)
{
    WCHAR text[64];

    if (!json_mode) return;
    member(key);
    if (value == floor(value) && fabs(value) < 1e15) swprintf(text, ARRAYSIZE(text), L"%.0f", value);
    else swprintf(text, ARRAYSIZE(text), L"%.6g", value);
    append(text, wcslen(text));
}

void json_bool(const WCHAR *key, BOOL value)
{
    if (!json_mode) return;
    member(key);
    append(value ? L"true" : L"false", value ? 4 : 5);
}

/* HRESULTs as "0x8024001E", the form the documentation and logs use. */
void json_hresult(const WCHAR *key, HRESULT hr)
{
    WCHAR text[16];

    swprintf(text, ARRAYSIZE(text), L"0x%08lX", (unsigned long)hr);
    json_string(key, text);
}

void json_flush(void)
{
    if (!json_mode || !json.len) return;
    append(L"\n", 1);
    write_handle(STD_OUTPUT_HANDLE, json.text, json.len);
    free(json.text);
    memset(&json, 0, sizeof(json));
    json_depth = 0;
}

/* --- errors --- */

static const struct { HRESULT hr; const WCHAR *name; } known[] =
{
    { WU_E_NO_UPDATE, L"WU_E_NO_UPDATE" },
    { WU_E_INVALID_CRITERIA, L"WU_E_INVALID_CRITERIA" },
    { WU_E_INSTALL_NOT_ALLOWED, L"WU_E_INSTALL_NOT_ALLOWED: another installation is running" },
    { WU_E_UNINSTALL_NOT_ALLOWED, L"WU_E_UNINSTALL_NOT_ALLOWED: only Windows Installer updates can be uninstalled" },
    { WU_E_EULAS_DECLINED, L"WU_E_EULAS_DECLINED: the licence terms were not accepted" },
    { WU_E_DS_UNKNOWNSERVICE, L"WU_E_DS_UNKNOWNSERVICE: no such catalog" },
    { WU_E_DS_INVALIDOPERATION, L"WU_E_DS_INVALIDOPERATION" },
    { WU_E_XML_INVALID, L"WU_E_XML_INVALID: not an SDP catalog" },
    { WU_E_XML_MISSINGDATA, L"WU_E_XML_MISSINGDATA: the catalog lacks required data" },
    { WU_E_DM_INCORRECTFILEHASH, L"WU_E_DM_INCORRECTFILEHASH: the content does not match the catalog" },
    { WU_E_DM_NOTDOWNLOADED, L"WU_E_DM_NOTDOWNLOADED" },
    { WU_E_DM_URLNOTAVAILABLE, L"WU_E_DM_URLNOTAVAILABLE" },
    { WU_E_UH_INSTALLERFAILURE, L"WU_E_UH_INSTALLERFAILURE: the installer reported a failure" },
    { WU_E_UH_INSTALLERHUNG, L"WU_E_UH_INSTALLERHUNG" },
    { WU_E_MISSING_HANDLER, L"WU_E_MISSING_HANDLER" },
    { WU_S_ALREADY_INSTALLED, L"WU_S_ALREADY_INSTALLED" },
    { WU_S_ALREADY_UNINSTALLED, L"WU_S_ALREADY_UNINSTALLED" },
    { E_ABORT, L"E_ABORT: aborted" },
    { E_INVALIDARG, L"E_INVALIDARG" },
    { E_NOTIMPL, L"E_NOTIMPL" },
    { REGDB_E_CLASSNOTREG, L"REGDB_E_CLASSNOTREG: OpenWUA is not registered in this prefix" },
    { HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND), L"file not found" },
    { HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND), L"path not found" },
};

const WCHAR *hresult_name(HRESULT hr)
{
    unsigned int i;

    for (i = 0; i < ARRAYSIZE(known); i++) if (known[i].hr == hr) return known[i].name;
    return NULL;
}

int fail(HRESULT hr, const WCHAR *format, ...)
{
    WCHAR message[1024];
    const WCHAR *name = hresult_name(hr);
    va_list args;

    va_start(args, format);
    vswprintf(message, ARRAYSIZE(message), format, args);
    va_end(args);
    if (json_mode)
    {
        /* an error replaces whatever the command had written so far */
        free(json.text);
        memset(&json, 0, sizeof(json));
        json_depth = 0;
        json_open(NULL, '{');
        json_string(L"error", message);
        if (hr) json_hresult(L"hresult", hr);
        json_close('}');
        json_flush();
    }
    else if (!hr) err(L"wuactl: %ls\n", message);
    else err(L"wuactl: %ls (0x%08lX%ls%ls)\n", message, (unsigned long)hr, name ? L" " : L"", name ? name : L"");
    return EXIT_USAGE_ERROR;
}
