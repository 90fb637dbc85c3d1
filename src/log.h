/*
 * OpenWUA: the operations log, %ProgramData%\OpenWUA\openwua.log, which a
 * user can read as WindowsUpdate.log is read on Windows.  No COM in here.
 *
 * One line per event, UTF-8: "<UTC date and time> <pid>.<tid> <text>".
 * HKLM\Software\OpenWUA value LogLevel (DWORD), read once per process:
 * 0 nothing, 1 failures only, 2 every operation (the default), 3 also each
 * file.  A log over 8 MiB is moved to openwua.old.log when a process opens it.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef OPENWUA_LOG_H
#define OPENWUA_LOG_H

#include <windows.h>

enum log_level
{
    LOG_NONE,
    LOG_FAILURE,
    LOG_OPERATION,
    LOG_DETAIL,
};

/* The level of an operation's line: a failed one is LOG_FAILURE. */
#define LOG_RESULT(hr) (FAILED(hr) ? LOG_FAILURE : LOG_OPERATION)

/* Appends one line when the configured level includes level.  Never fails the
 * caller: a log that cannot be written is skipped. */
void log_write(enum log_level level, const WCHAR *format, ...);

/* Closes the log (DLL unload). */
void log_close(void);

#endif
