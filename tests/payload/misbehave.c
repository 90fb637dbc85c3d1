/*
 * OpenWUA tests: a command-line "installer" that misbehaves, for the fault tests.
 *
 *     misbehave.exe crash              dies of an access violation
 *     misbehave.exe hang <ms>          sleeps that long, then exits 0
 *     misbehave.exe selfdelete <code>  deletes its own file, then exits with code
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <windows.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    char self[MAX_PATH], moved[MAX_PATH + 8];

    if (argc > 1 && !strcmp(argv[1], "crash"))
    {
        /* no error box and no debugger: the process ends with the exception's code */
        SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
        *(volatile int *)(ULONG_PTR)strtoul("16", NULL, 10) = 1;
        return 0;
    }
    if (argc > 2 && !strcmp(argv[1], "hang"))
    {
        Sleep(strtoul(argv[2], NULL, 10));
        return 0;
    }
    if (argc > 2 && !strcmp(argv[1], "selfdelete"))
    {
        GetModuleFileNameA(NULL, self, sizeof(self));
        /* Windows refuses to delete a running image, but renames it: either way its name is gone */
        strcpy(moved, self);
        strcat(moved, ".gone");
        if (!DeleteFileA(self)) MoveFileA(self, moved);
        return atoi(argv[2]);
    }
    return 87;
}
