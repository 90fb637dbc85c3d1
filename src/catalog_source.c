/*
 * OpenWUA: where catalogs come from.  A local or UNC path, a file:// URL or an
 * http(s) URL (fetched into the catalog cache by transport.c) names an SDP XML
 * document or a .cab of them; catalog.c reads the XML.  A .cab is unpacked
 * with FDI, one entry at a time, into a scratch file only this process can
 * open; the names inside the cab are checked but never used as paths.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <fdi.h>
#include <shlwapi.h>
#include <wuerror.h>
#include "catalog_loader.h"
#include "transport.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

BOOL catalog_allows_no_digest(void)
{
    DWORD value = 0, size = sizeof(value);

    if (RegGetValueW(HKEY_LOCAL_MACHINE, L"Software\\OpenWUA", L"AllowContentWithoutDigest", RRF_RT_REG_DWORD, NULL,
                     &value, &size))
        return FALSE;
    return value == 1;
}

static HRESULT read_file(void *source, BYTE *buffer, ULONG size, ULONG *done)
{
    return ReadFile(source, buffer, size, done, NULL) ? S_OK : HRESULT_FROM_WIN32(GetLastError());
}

static HRESULT load_file(struct catalog_loader *loader, HANDLE file)
{
    LARGE_INTEGER size;

    if (GetFileSizeEx(file, &size) && size.QuadPart > CATALOG_MAX_BYTES) return WU_E_XML_INVALID;
    return catalog_loader_parse(loader, read_file, file);
}

/* --- cabinets --- */

struct cab
{
    struct catalog_loader *loader;
    HRESULT hr;
    HANDLE scratch;             /* each entry is unpacked into this file in turn */
    ULONGLONG unpacked;         /* bytes of all entries so far */
    LONG expected;              /* size of the entry being unpacked */
    unsigned int documents;
};

static FNALLOC(fdi_alloc)
{
    return malloc(cb);
}

static FNFREE(fdi_free)
{
    free(pv);
}

/* The only name FDI ever opens is the one load_cab gives it, which holds the
 * address of the path: cabinet sets are refused before FDI could ask for a
 * second file. */
static FNOPEN(fdi_open)
{
    void *path;
    HANDLE file;

    (void)pmode;
    if ((oflag & (_O_WRONLY | _O_RDWR)) || sscanf(pszFile, "%p", &path) != 1) return -1;
    file = CreateFileW((const WCHAR *)path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    return file == INVALID_HANDLE_VALUE ? -1 : (INT_PTR)file;
}

static FNREAD(fdi_read)
{
    DWORD done;

    return ReadFile((HANDLE)hf, pv, cb, &done, NULL) ? done : (UINT)-1;
}

static FNWRITE(fdi_write)
{
    DWORD done;

    return WriteFile((HANDLE)hf, pv, cb, &done, NULL) ? done : (UINT)-1;
}

static FNCLOSE(fdi_close)
{
    return CloseHandle((HANDLE)hf) ? 0 : -1;
}

/* SEEK_SET, SEEK_CUR and SEEK_END are FILE_BEGIN, FILE_CURRENT and FILE_END. */
static FNSEEK(fdi_seek)
{
    return SetFilePointer((HANDLE)hf, dist, NULL, seektype);
}

static INT_PTR cab_fail(struct cab *cab, HRESULT hr)
{
    if (SUCCEEDED(cab->hr)) cab->hr = hr;
    return -1;
}

static BOOL is_device_name(const char *part, size_t length)
{
    static const char *const devices[] = { "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$" };
    size_t base = strcspn(part, ".\\/"), i;

    /* "nul.txt" and "nul .sdp" are the device too */
    if (base > length) base = length;
    while (base && part[base - 1] == ' ') base--;
    for (i = 0; i < ARRAY_SIZE(devices); i++)
        if (strlen(devices[i]) == base && !_strnicmp(part, devices[i], base)) return TRUE;
    return base == 4 && (!_strnicmp(part, "COM", 3) || !_strnicmp(part, "LPT", 3)) && part[3] >= '1' && part[3] <= '9';
}

/* A name inside a cabinet must stay a relative name below the folder it would
 * be unpacked to: no root, no drive or stream (':'), no step made only of dots
 * ('.', '..', and what Windows trims to them), no device, no control character. */
static BOOL safe_entry_name(const char *name)
{
    const char *part = name, *end;
    size_t length, i;

    for (;;)
    {
        end = part + strcspn(part, "\\/");
        if (!(length = end - part)) return FALSE;
        for (i = 0; i < length; i++)
            if ((unsigned char)part[i] < 0x20 || part[i] == ':') return FALSE;
        if (strspn(part, ". ") >= length || is_device_name(part, length)) return FALSE;
        if (!*end) return TRUE;
        part = end + 1;
    }
}

/* HP's one-file-per-package cabs hold .sdp files (and a JSON index we do not
 * need); catalog cabs hold one .xml file. */
static BOOL is_document_name(const char *name)
{
    size_t length = strlen(name);

    return length > 4 && (!_stricmp(name + length - 4, ".sdp") || !_stricmp(name + length - 4, ".xml"));
}

/* A file only this process can open, deleted when its last handle closes. */
static HRESULT create_scratch_file(HANDLE *file)
{
    WCHAR folder[MAX_PATH], name[MAX_PATH];
    HRESULT hr;

    if (!GetTempPathW(ARRAY_SIZE(folder), folder) || !GetTempFileNameW(folder, L"owc", 0, name))
        return HRESULT_FROM_WIN32(GetLastError());
    *file = CreateFileW(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                        FILE_ATTRIBUTE_TEMPORARY | FILE_FLAG_DELETE_ON_CLOSE, NULL);
    if (*file != INVALID_HANDLE_VALUE) return S_OK;
    hr = HRESULT_FROM_WIN32(GetLastError());
    DeleteFileW(name);
    return hr;
}

/* fdintCOPY_FILE: the handle to unpack the entry to, 0 to pass it over. */
static INT_PTR cab_open_entry(struct cab *cab, const FDINOTIFICATION *info)
{
    HANDLE file;
    HRESULT hr;

    if (FAILED(cab->hr)) return -1;
    if (!safe_entry_name(info->psz1)) return cab_fail(cab, WU_E_XML_INVALID);
    if (!is_document_name(info->psz1)) return 0;
    if (info->cb < 0 || (ULONGLONG)info->cb > CATALOG_MAX_BYTES - cab->unpacked)
        return cab_fail(cab, WU_E_XML_INVALID);
    cab->unpacked += info->cb;
    cab->expected = info->cb;
    if (!cab->scratch && FAILED(hr = create_scratch_file(&cab->scratch))) return cab_fail(cab, hr);
    /* FDI closes what it is given, and closing the last handle would delete the file */
    if (SetFilePointer(cab->scratch, 0, NULL, FILE_BEGIN) == INVALID_SET_FILE_POINTER || !SetEndOfFile(cab->scratch)
        || !DuplicateHandle(GetCurrentProcess(), cab->scratch, GetCurrentProcess(), &file, 0, FALSE,
                            DUPLICATE_SAME_ACCESS))
        return cab_fail(cab, HRESULT_FROM_WIN32(GetLastError()));
    return (INT_PTR)file;
}

/* fdintCLOSE_FILE_INFO: the entry is unpacked, parse it. */
static INT_PTR cab_close_entry(struct cab *cab, const FDINOTIFICATION *info)
{
    HANDLE file = (HANDLE)info->hf;
    LARGE_INTEGER size;
    HRESULT hr;

    /* FDI tells of data it could not unpack only after this notification */
    if (!GetFileSizeEx(file, &size) || size.QuadPart != cab->expected) hr = WU_E_XML_INVALID;
    else if (SetFilePointer(file, 0, NULL, FILE_BEGIN) == INVALID_SET_FILE_POINTER)
        hr = HRESULT_FROM_WIN32(GetLastError());
    else
    {
        hr = catalog_loader_parse(cab->loader, read_file, file);
        cab->documents++;
    }
    CloseHandle(file);
    if (FAILED(hr)) cab_fail(cab, hr);
    return SUCCEEDED(hr);
}

static FNFDINOTIFY(cab_notify)
{
    struct cab *cab = pfdin->pv;

    switch (fdint)
    {
    case fdintCABINET_INFO:
        /* a catalog is one cabinet: one that names a next one is refused */
        return *pfdin->psz1 ? cab_fail(cab, WU_E_XML_INVALID) : 0;
    case fdintCOPY_FILE:
        return cab_open_entry(cab, pfdin);
    case fdintCLOSE_FILE_INFO:
        return cab_close_entry(cab, pfdin);
    case fdintPARTIAL_FILE:
    case fdintNEXT_CABINET:
        return cab_fail(cab, WU_E_XML_INVALID);
    default:
        return 0;
    }
}

static HRESULT fdi_error(const ERF *erf)
{
    switch (erf->erfOper)
    {
    case FDIERROR_ALLOC_FAIL: return E_OUTOFMEMORY;
    case FDIERROR_CABINET_NOT_FOUND: return HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND);
    default: return WU_E_XML_INVALID;
    }
}

static HRESULT load_cab(struct catalog_loader *loader, const WCHAR *path)
{
    struct cab cab = { .loader = loader };
    char name[32], folder[] = "";
    ERF erf = { 0 };
    HFDI fdi;
    BOOL ok;

    if (!(fdi = FDICreate(fdi_alloc, fdi_free, fdi_open, fdi_read, fdi_write, fdi_close, fdi_seek, cpuUNKNOWN, &erf)))
        return E_OUTOFMEMORY;
    snprintf(name, sizeof(name), "%p", (const void *)path);
    ok = FDICopy(fdi, name, folder, 0, cab_notify, NULL, &cab);
    FDIDestroy(fdi);
    if (cab.scratch) CloseHandle(cab.scratch);
    if (FAILED(cab.hr)) return cab.hr;
    if (!ok) return fdi_error(&erf);
    return cab.documents ? S_OK : WU_E_XML_INVALID;
}

/* An http(s) URL is fetched into the cache, and the cached copy loaded.  No
 * copy stands in for a failed fetch: a scan against an old catalog would
 * call a machine up to date that is not. */
static HRESULT fetch_location(const WCHAR *url, WCHAR **path)
{
    struct transport_options options = { .max_bytes = CATALOG_MAX_BYTES };

    return transport_fetch_cached(url, L"Catalogs", L"catalog", &options, path);
}

/* A local or UNC path, a file:// URL, or an http(s) URL. */
static HRESULT location_path(const WCHAR *location, WCHAR **path)
{
    DWORD size;

    if (!location || !*location) return E_INVALIDARG;
    if (transport_is_http_url(location)) return fetch_location(location, path);
    if (!PathIsURLW(location))
        return (*path = _wcsdup(location)) ? S_OK : E_OUTOFMEMORY;
    if (!UrlIsFileUrlW(location)) return E_INVALIDARG;
    /* unescaping only ever shortens, and "file://" turns into at most "\\" */
    size = wcslen(location) + 1;
    if (!(*path = malloc(size * sizeof(WCHAR)))) return E_OUTOFMEMORY;
    if (FAILED(PathCreateFromUrlW(location, *path, &size, 0)))
    {
        free(*path);
        *path = NULL;
        return E_INVALIDARG;
    }
    return S_OK;
}

HRESULT catalog_load(const WCHAR *location, struct catalog **out)
{
    struct catalog_loader *loader = NULL;
    WCHAR *path;
    char magic[4];
    HANDLE file;
    DWORD read;
    HRESULT hr;

    if (!out) return E_POINTER;
    *out = NULL;
    if (FAILED(hr = location_path(location, &path))) return hr;
    file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    if (file == INVALID_HANDLE_VALUE)
    {
        hr = HRESULT_FROM_WIN32(GetLastError());
        free(path);
        return hr;
    }
    /* told apart by content, whatever the name says */
    if (SUCCEEDED(hr = catalog_loader_create(&loader)))
    {
        if (!ReadFile(file, magic, sizeof(magic), &read, NULL)) hr = HRESULT_FROM_WIN32(GetLastError());
        else if (read == sizeof(magic) && !memcmp(magic, "MSCF", sizeof(magic))) hr = load_cab(loader, path);
        else if (SetFilePointer(file, 0, NULL, FILE_BEGIN) == INVALID_SET_FILE_POINTER)
            hr = HRESULT_FROM_WIN32(GetLastError());
        else hr = load_file(loader, file);
    }
    CloseHandle(file);
    free(path);
    return catalog_loader_finish(loader, hr, out);
}
