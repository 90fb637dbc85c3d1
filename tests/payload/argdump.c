/*
 * OpenWUA tests: a command-line "installer" that records how it was started.
 *
 * Writes to the file %OPENWUA_ARGDUMP% (UTF-16) its command line exactly as
 * received, a line break, and the ID of the process that started it, then
 * exits 0.  test_security checks that catalog arguments arrive unchanged and
 * that no shell stands between OpenWUA and the installer.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <windows.h>
#include <tlhelp32.h>
#include <stdio.h>
#include <wchar.h>

static DWORD parent_id(void)
{
    PROCESSENTRY32W entry = { .dwSize = sizeof(entry) };
    DWORD self = GetCurrentProcessId(), parent = 0;
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);

    if (snap == INVALID_HANDLE_VALUE) return 0;
    if (Process32FirstW(snap, &entry))
        do if (entry.th32ProcessID == self) parent = entry.th32ParentProcessID;
        while (!parent && Process32NextW(snap, &entry));
    CloseHandle(snap);
    return parent;
}

int main(void)
{
    WCHAR path[MAX_PATH], text[64];
    const WCHAR *line = GetCommandLineW();
    DWORD written;
    HANDLE file;

    if (!GetEnvironmentVariableW(L"OPENWUA_ARGDUMP", path, MAX_PATH)) return 2;
    file = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    if (file == INVALID_HANDLE_VALUE) return 3;
    WriteFile(file, line, wcslen(line) * sizeof(WCHAR), &written, NULL);
    swprintf(text, 64, L"\n%lu", parent_id());
    WriteFile(file, text, wcslen(text) * sizeof(WCHAR), &written, NULL);
    CloseHandle(file);
    return 0;
}
