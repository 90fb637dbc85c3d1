/*
 * OpenWUA: where OpenWUA keeps its files, %ProgramData%\OpenWUA.  No COM in here.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef OPENWUA_DATADIR_H
#define OPENWUA_DATADIR_H

#include <windows.h>

/* %ProgramData%\OpenWUA, or %ProgramData%\OpenWUA\<sub> when sub is not NULL,
 * with room left for a file name; made as needed when create is TRUE.
 * ProgramData is looked up once per process. */
HRESULT data_folder(const WCHAR *sub, BOOL create, WCHAR path[MAX_PATH]);

/* CreateDirectory, for which a folder that is there already counts as made. */
HRESULT data_make_folder(const WCHAR *path);

#endif
