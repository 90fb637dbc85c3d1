/*
 * OpenWUA tests: a command-line "installer" that exits with a chosen code.
 *
 *     exitcode.exe <codes> <state file> [<gate file> | sleep:<ms>]
 *
 * codes is a comma-separated list: run number n (counted in the state file,
 * 0 first) exits with the n-th code, or the last one once the list runs out.
 * The command line as received is written to "<state file>.args".  With a
 * gate file it first creates "<state file>.started" and waits (a minute at
 * most) until the gate file exists: tests use it to hold an installation open.
 * With sleep:<ms> it takes that long before it exits, like a real installer.
 *
 * While it runs it owns the mutex "OpenWUA.Test.Payload": a test that killed
 * the process which started it waits on that mutex until the payload is gone.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void write_text(const char *path, const char *text)
{
    FILE *file = fopen(path, "wb");

    if (!file) return;
    fputs(text, file);
    fclose(file);
}

static int read_runs(const char *path)
{
    FILE *file = fopen(path, "rb");
    int runs = 0;

    if (!file) return 0;
    if (fscanf(file, "%d", &runs) != 1) runs = 0;
    fclose(file);
    return runs;
}

/* The arguments after the program name, as the process got them. */
static const char *arguments(void)
{
    const char *line = GetCommandLineA();

    if (*line == '"')
    {
        line = strchr(line + 1, '"');
        line = line ? line + 1 : "";
    }
    else while (*line && *line != ' ') line++;
    return *line == ' ' ? line + 1 : line;
}

int main(int argc, char **argv)
{
    char path[MAX_PATH + 16], count[16], *codes, *next;
    HANDLE running = CreateMutexA(NULL, FALSE, "OpenWUA.Test.Payload");
    int runs, i, code = 0;

    if (argc < 3) return 87;
    /* one payload at a time; held until it exits */
    if (running) WaitForSingleObject(running, INFINITE);
    runs = read_runs(argv[2]);
    snprintf(count, sizeof(count), "%d", runs + 1);
    write_text(argv[2], count);
    snprintf(path, sizeof(path), "%s.args", argv[2]);
    write_text(path, arguments());
    if (argc > 3 && !strncmp(argv[3], "sleep:", 6)) Sleep(strtoul(argv[3] + 6, NULL, 10));
    else if (argc > 3)
    {
        snprintf(path, sizeof(path), "%s.started", argv[2]);
        write_text(path, "started");
        for (i = 0; i < 600 && GetFileAttributesA(argv[3]) == INVALID_FILE_ATTRIBUTES; i++) Sleep(100);
    }
    codes = argv[1];
    for (i = 0; i <= runs; i++)
    {
        code = strtol(codes, &next, 10);
        if (*next != ',') break;
        codes = next + 1;
    }
    return code;
}
