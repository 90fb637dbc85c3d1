/*
 * OpenWUA: the download cache.  No COM objects in here.
 *
 * An update's files live in %ProgramData%\OpenWUA\Download\<UpdateID>\<file
 * name>.  A file reaches its name only once its size and digests (SHA-1,
 * and SHA-256 when the catalog gives one) match the catalog: it is fetched
 * or copied to a temporary name in the same folder, checked there, then
 * renamed.  A copy already in place is checked again before it is trusted.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef OPENWUA_DOWNLOAD_H
#define OPENWUA_DOWNLOAD_H

#include <windows.h>
#include "catalog.h"
#include "transport.h"

/* TRUE when a catalog's file name can be used as a name in a folder: not
 * empty, no path separator, drive or stream colon, wildcard or control
 * character, not "." or "..", no DOS device name (CON, NUL, COM1, ...,
 * with or without an extension), no trailing dot or space. */
BOOL download_name_is_safe(const WCHAR *name);

/* S_OK when the file at path has the catalog file's size and digests;
 * WU_E_DM_INCORRECTFILEHASH when it does not; HRESULT_FROM_WIN32 when it
 * cannot be read.  A catalog file with no digest: WU_E_METADATA_NO_VERIFICATION_DATA,
 * unless the policy (catalog_allows_no_digest) allows such content, which
 * is then checked by its size only. */
HRESULT download_verify(const WCHAR *path, const struct catalog_file *file);

/* The update's cache folder, made as needed when create is TRUE. */
HRESULT download_folder(const GUID *update, BOOL create, WCHAR path[MAX_PATH]);

/* Puts one file of an update in the cache.  Unless force, an intact copy
 * already there is kept and *fetched is FALSE.  Errors:
 * WU_E_INVALID_FILE (unsafe file name), WU_E_DM_URLNOTAVAILABLE (no
 * OriginUri), WU_E_BAD_FILE_URL (neither http(s), file:// nor an absolute
 * path), WU_E_DM_INCORRECTFILEHASH (size or digest mismatch), the transport's
 * WU_E_PT_* codes, HRESULT_FROM_WIN32 of the file system.  On failure no
 * temporary file is left; a copy in the cache that failed its check is
 * removed (*removed TRUE). */
HRESULT download_file(const GUID *update, const struct catalog_file *file, BOOL force,
                      const struct transport_options *options, BOOL *fetched, BOOL *removed);

/* TRUE when the file is in the update's cache folder and intact (a copy this
 * process checked and that has not changed since is not read again). */
BOOL download_cached(const GUID *update, const struct catalog_file *file);

/* Copies an update's cached file into folder (which must exist), after
 * checking it.  WU_E_DM_NOTDOWNLOADED when it is not in the cache. */
HRESULT download_copy_out(const GUID *update, const struct catalog_file *file, const WCHAR *folder);

#endif
