/*
 * OpenWUA demo catalog: "demo-tool-setup.exe", a command-line installer of the
 * kind vendors ship.  It records the tool as installed (the registry key the
 * catalog's IsInstalled rule looks for, and a file under ProgramData) and
 * exits with 3010, ERROR_SUCCESS_REBOOT_REQUIRED: the catalog's ReturnCode
 * table maps that to "succeeded, restart required".
 *
 *     demo-tool-setup.exe /quiet
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <windows.h>
#include <shlobj.h>
#include <stdio.h>

static const WCHAR key[] = L"Software\\OpenWUA-Demo\\Tool";

static BOOL write_marker(void)
{
    WCHAR path[MAX_PATH];
    FILE *file;

    if (FAILED(SHGetFolderPathW(NULL, CSIDL_COMMON_APPDATA, NULL, 0, path))) return FALSE;
    wcscat(path, L"\\OpenWUA-Demo");
    CreateDirectoryW(path, NULL);
    wcscat(path, L"\\tool.txt");
    if (!(file = _wfopen(path, L"w"))) return FALSE;
    fputs("OpenWUA Demo Tool 1.0, installed from the demo catalog.\n", file);
    fclose(file);
    return TRUE;
}

int wmain(int argc, WCHAR **argv)
{
    static const WCHAR version[] = L"1.0";

    if (argc != 2 || _wcsicmp(argv[1], L"/quiet")) return ERROR_INVALID_PARAMETER;
    if (!write_marker()) return ERROR_WRITE_FAULT;
    if (RegSetKeyValueW(HKEY_LOCAL_MACHINE, key, L"Version", REG_SZ, version, sizeof(version))) return ERROR_WRITE_FAULT;
    return ERROR_SUCCESS_REBOOT_REQUIRED;
}
