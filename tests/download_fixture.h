/*
 * OpenWUA tests: what the download tests share.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef OPENWUA_DOWNLOAD_FIXTURE_H
#define OPENWUA_DOWNLOAD_FIXTURE_H

#include "common.h"
#include <bcrypt.h>

/* The fixture server's folder and request log, its port, and this run's work folder. */
extern WCHAR http_root[MAX_PATH], http_log[MAX_PATH], work[MAX_PATH];
extern unsigned int port;
/* The number the next new_id() uses: tests use it to make names unique too. */
extern unsigned int next_id;

struct test_file
{
    const WCHAR *name;          /* FileName as the catalog gives it */
    const WCHAR *uri;           /* OriginUri */
    const char *content;        /* what the digest and size are made from */
    BOOL sha256;                /* add an AdditionalDigest */
    const char *sha256_of;      /* content the SHA-256 is made from, when not content */
};

struct test_package
{
    WCHAR id[37];
    const WCHAR *title;
    struct test_file files[3];
    BOOL no_digest;             /* OriginFiles without Digest */
};

/* Reads the fixture server's settings from the environment ctest gives, makes the
 * work folder %TEMP%\<folder>-<pid>, and empties OpenWUA's services and cache. */
BOOL download_fixture_init(const WCHAR *folder);
/* The same without emptying anything: for a child process of a test. */
BOOL download_fixture_join(const WCHAR *folder);
void new_id(struct test_package *package, const WCHAR *title);
void base64_digest(const WCHAR *algorithm, const char *data, WCHAR *text, DWORD chars);
void write_file(const WCHAR *path, const char *data);
BOOL exists(const WCHAR *path);
/* Files (not folders) in folder; 0 when it is not there. */
unsigned int count_files(const WCHAR *folder);
void cache_folder(const WCHAR *id, WCHAR *path);
/* %ProgramData%\OpenWUA\Partial\<id> (or the Partial folder itself), where parts of files wait. */
void partial_folder(const WCHAR *id, WCHAR *path);
/* A file of the work folder, as a path and as a file:// URL. */
void work_path(WCHAR *path, const WCHAR *name);
void work_url(WCHAR *url, const WCHAR *name);
void write_catalog(const WCHAR *path, const struct test_package *packages, unsigned int count);
/* Writes the catalog, registers it, searches it: the updates in catalog order. */
IUpdateCollection *search(const struct test_package *packages, unsigned int count);
/* The same, returning what AddScanPackageService or Search fails with (the updates on success). */
HRESULT try_search(const struct test_package *packages, unsigned int count, IUpdateCollection **updates);
IUpdate *item(IUpdateCollection *updates, LONG index);
BOOL is_downloaded(IUpdate *update);

#endif
