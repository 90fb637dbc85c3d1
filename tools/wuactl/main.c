/*
 * wuactl: argument parsing, help and the command table's entry point.
 *
 *   wuactl COMMAND [ARGUMENTS] [--json]
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "wuactl.h"

static void usage(void)
{
    const struct command *c;

    out(L"wuactl: drive the Windows Update Agent API (OpenWUA) from the command line.\n\n"
        L"Commands:\n");
    for (c = commands; c->name; c++) out(L"  %ls\n", c->usage);
    out(L"\nEvery command takes --json (one JSON document on stdout) and --help.\n"
        L"Exit codes: 0 all succeeded, 1 some updates failed or were aborted, 2 an error before any work,\n"
        L"3010 all succeeded and a restart is required. Ctrl+C stops a download or installation cleanly\n"
        L"after the update under way.\n");
}

static const struct command *find_command(const WCHAR *name)
{
    const struct command *c;

    for (c = commands; c->name; c++) if (!wcscmp(c->name, name)) return c;
    return NULL;
}

static int help(const struct command *c)
{
    out(L"usage: %ls [--json]\n\n%ls", c->usage, c->help);
    return EXIT_ALL_SUCCEEDED;
}

/* Takes --json and --help out of the arguments, wherever they are. */
static int strip_flags(int argc, WCHAR **argv, BOOL *want_help)
{
    int i, kept = 0;

    *want_help = FALSE;
    for (i = 0; i < argc; i++)
    {
        if (!wcscmp(argv[i], L"--json")) json_mode = TRUE;
        else if (!wcscmp(argv[i], L"--help") || !wcscmp(argv[i], L"-h")) *want_help = TRUE;
        else argv[kept++] = argv[i];
    }
    return kept;
}

static int run(int argc, WCHAR **argv)
{
    const struct command *c;
    WCHAR name[64];
    BOOL want_help;
    int skip = 1, code;

    argc = strip_flags(argc, argv, &want_help);
    if (argc < 1)
    {
        if (want_help)
        {
            usage();
            return EXIT_ALL_SUCCEEDED;
        }
        return fail(0, L"no command given (see wuactl --help)");
    }
    if (!wcscmp(argv[0], L"help"))
    {
        if (argc < 2)
        {
            usage();
            return EXIT_ALL_SUCCEEDED;
        }
        argv++;
        argc--;
        want_help = TRUE;
    }
    if (!wcscmp(argv[0], L"catalog"))
    {
        if (argc < 2) return fail(0, L"catalog: give add, list, remove or default (see wuactl --help)");
        swprintf(name, ARRAYSIZE(name), L"catalog %ls", argv[1]);
        skip = 2;
    }
    else swprintf(name, ARRAYSIZE(name), L"%ls", argv[0]);
    if (!(c = find_command(name))) return fail(0, L"unknown command '%ls' (see wuactl --help)", name);
    if (want_help) return help(c);
    code = c->run(argc - skip, argv + skip);
    json_flush();
    return code;
}

int wmain(int argc, WCHAR **argv)
{
    int code;

    output_init();
    jobs_init();
    if (FAILED(CoInitializeEx(NULL, COINIT_MULTITHREADED)))
    {
        err(L"wuactl: COM cannot be initialised\n");
        return EXIT_USAGE_ERROR;
    }
    code = run(argc - 1, argv + 1);
    CoUninitialize();
    return code;
}
