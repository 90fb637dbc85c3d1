/*
 * OpenWUA: the download cache (see download.h).
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <windows.h>
#include <shlobj.h>
#include <shlwapi.h>
#include <bcrypt.h>
#include <wuerror.h>
#include <stdio.h>
#include <wchar.h>
#include "download.h"
#include "digest.h"

#define HASH_CHUNK 65536
#define MAX_NAME 255

static HRESULT file_error(void)
{
    DWORD error = GetLastError();

    return error ? HRESULT_FROM_WIN32(error) : E_FAIL;
}

static HRESULT nt_error(NTSTATUS status)
{
    return status ? HRESULT_FROM_NT(status) : S_OK;
}

/* --- file names --- */

static BOOL is_device_name(const WCHAR *name)
{
    static const WCHAR *const devices[] = { L"CON", L"PRN", L"AUX", L"NUL", L"CONIN$", L"CONOUT$", L"CLOCK$" };
    WCHAR base[16];
    size_t length, i;

    /* what comes before the first dot, without trailing spaces */
    length = wcscspn(name, L".");
    while (length && name[length - 1] == ' ') length--;
    if (length >= ARRAYSIZE(base)) return FALSE;
    memcpy(base, name, length * sizeof(WCHAR));
    base[length] = 0;
    for (i = 0; i < ARRAYSIZE(devices); i++)
        if (!_wcsicmp(base, devices[i])) return TRUE;
    /* COM0-9, LPT0-9, and the superscript digits Windows also accepts */
    if (length == 4 && (!_wcsnicmp(base, L"COM", 3) || !_wcsnicmp(base, L"LPT", 3)))
        return (base[3] >= '0' && base[3] <= '9') || base[3] == 0x00b9 || base[3] == 0x00b2 || base[3] == 0x00b3;
    return FALSE;
}

BOOL download_name_is_safe(const WCHAR *name)
{
    size_t length, i;

    if (!name || !(length = wcslen(name)) || length > MAX_NAME) return FALSE;
    for (i = 0; i < length; i++)
        if (name[i] < 32 || wcschr(L"\\/:*?\"<>|", name[i])) return FALSE;
    /* Windows drops trailing dots and spaces: "a." would be "a", ".." the parent */
    if (name[length - 1] == '.' || name[length - 1] == ' ') return FALSE;
    return !is_device_name(name);
}

/* --- checking content --- */

struct hashes
{
    BCRYPT_HASH_HANDLE hash[2];
};

static void hashes_close(struct hashes *h)
{
    int i;

    for (i = 0; i < 2; i++)
        if (h->hash[i]) BCryptDestroyHash(h->hash[i]);
}

static HRESULT hashes_open(struct hashes *h, BOOL sha256)
{
    NTSTATUS status = 0;
    int i;

    memset(h, 0, sizeof(*h));
    for (i = 0; i < (sha256 ? 2 : 1) && !status; i++) status = digest_begin(i, &h->hash[i]);
    if (status) hashes_close(h);
    return nt_error(status);
}

/* Both digests in one pass over the file. */
static HRESULT hash_file(HANDLE file, BOOL want_sha256, BYTE sha1[20], BYTE sha256[32])
{
    struct hashes h;
    NTSTATUS status = 0;
    HRESULT hr;
    BYTE *buffer;
    DWORD read;

    if (!(buffer = malloc(HASH_CHUNK))) return E_OUTOFMEMORY;
    if (FAILED(hr = hashes_open(&h, want_sha256)))
    {
        free(buffer);
        return hr;
    }
    for (;;)
    {
        if (!ReadFile(file, buffer, HASH_CHUNK, &read, NULL))
        {
            hr = file_error();
            break;
        }
        if (!read) break;
        if ((status = BCryptHashData(h.hash[0], buffer, read, 0))) break;
        if (want_sha256 && (status = BCryptHashData(h.hash[1], buffer, read, 0))) break;
    }
    if (SUCCEEDED(hr) && !status) status = BCryptFinishHash(h.hash[0], sha1, 20, 0);
    if (SUCCEEDED(hr) && !status && want_sha256) status = BCryptFinishHash(h.hash[1], sha256, 32, 0);
    if (SUCCEEDED(hr)) hr = nt_error(status);
    hashes_close(&h);
    free(buffer);
    return hr;
}

HRESULT download_verify(const WCHAR *path, const struct catalog_file *file)
{
    BYTE sha1[20], sha256[32];
    LARGE_INTEGER size;
    HANDLE handle;
    HRESULT hr;

    if (file->no_digest && !catalog_allows_no_digest()) return WU_E_METADATA_NO_VERIFICATION_DATA;

    /* FILE_SHARE_DELETE: a forced download may replace the file meanwhile (this read keeps the old one) */
    handle = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL, OPEN_EXISTING,
                         FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    if (handle == INVALID_HANDLE_VALUE) return file_error();
    if (!GetFileSizeEx(handle, &size)) hr = file_error();
    else if ((ULONGLONG)size.QuadPart != file->size) hr = WU_E_DM_INCORRECTFILEHASH;
    else if (file->no_digest) hr = S_OK;    /* allowed by the policy: the size is all there is */
    else if (SUCCEEDED(hr = hash_file(handle, file->has_sha256, sha1, sha256)))
    {
        if (memcmp(sha1, file->sha1, sizeof(sha1)) || (file->has_sha256 && memcmp(sha256, file->sha256, sizeof(sha256))))
            hr = WU_E_DM_INCORRECTFILEHASH;
    }
    CloseHandle(handle);
    return hr;
}

/* --- the cache --- */

static HRESULT make_folder(const WCHAR *path)
{
    DWORD error;

    if (CreateDirectoryW(path, NULL)) return S_OK;
    error = GetLastError();
    return error == ERROR_ALREADY_EXISTS ? S_OK : HRESULT_FROM_WIN32(error);
}

/* ProgramData, looked up once: the shell's lookup costs more than checking a cached file. */
static WCHAR program_data[MAX_PATH];
static HRESULT program_data_hr;
static INIT_ONCE program_data_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK find_program_data(INIT_ONCE *once, void *param, void **context)
{
    (void)once; (void)param; (void)context;
    program_data_hr = SHGetFolderPathW(NULL, CSIDL_COMMON_APPDATA | CSIDL_FLAG_CREATE, NULL, SHGFP_TYPE_CURRENT,
                                       program_data);
    return TRUE;
}

/* %ProgramData%\OpenWUA\<kind>\<UpdateID>, made as needed when create is TRUE. */
static HRESULT update_folder(const WCHAR *kind, const GUID *update, BOOL create, WCHAR path[MAX_PATH])
{
    const WCHAR *levels[] = { L"\\OpenWUA", kind, L"\\" };
    const WCHAR *base = program_data;
    size_t used;
    HRESULT hr;
    int i;

    InitOnceExecuteOnce(&program_data_once, find_program_data, NULL, NULL);
    if (FAILED(program_data_hr)) return program_data_hr;
    if (wcslen(base) + 64 >= MAX_PATH) return HRESULT_FROM_WIN32(ERROR_FILENAME_EXCED_RANGE);
    wcscpy(path, base);
    for (i = 0; i < 3; i++)
    {
        wcscat(path, levels[i]);
        if (i == 2)
        {
            used = wcslen(path);
            swprintf(path + used, MAX_PATH - used, L"%08lx-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                     (unsigned long)update->Data1, update->Data2, update->Data3, update->Data4[0], update->Data4[1],
                     update->Data4[2], update->Data4[3], update->Data4[4], update->Data4[5], update->Data4[6],
                     update->Data4[7]);
        }
        if (create && FAILED(hr = make_folder(path))) return hr;
    }
    return S_OK;
}

HRESULT download_folder(const GUID *update, BOOL create, WCHAR path[MAX_PATH])
{
    return update_folder(L"\\Download", update, create, path);
}

static HRESULT path_in(WCHAR path[MAX_PATH], const WCHAR *folder, const WCHAR *name)
{
    if (wcslen(folder) + 1 + wcslen(name) >= MAX_PATH) return HRESULT_FROM_WIN32(ERROR_FILENAME_EXCED_RANGE);
    swprintf(path, MAX_PATH, L"%ls\\%ls", folder, name);
    return S_OK;
}

/* An absolute local path: "X:\..." (or "X:/...") or a UNC path. */
static BOOL is_absolute_path(const WCHAR *path)
{
    if (((path[0] >= 'A' && path[0] <= 'Z') || (path[0] >= 'a' && path[0] <= 'z')) && path[1] == ':'
        && (path[2] == '\\' || path[2] == '/'))
        return TRUE;
    return path[0] == '\\' && path[1] == '\\' && path[2] && path[2] != '\\';
}

/* Renames a checked file to its final name.  A copy there that another process or
 * thread is reading cannot be replaced; when it too is the catalog's file, it stays. */
static HRESULT move_in(const WCHAR *checked, const WCHAR *final, const struct catalog_file *file)
{
    HRESULT hr;

    if (MoveFileExW(checked, final, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) return S_OK;
    hr = file_error();
    if (download_verify(final, file) != S_OK) return hr;
    DeleteFileW(checked);
    return S_OK;
}

/* Copies a file:// URL's or a path's file into temp. */
static HRESULT copy_to(const struct catalog_file *file, const WCHAR *temp)
{
    WCHAR local[MAX_PATH];
    DWORD length = ARRAYSIZE(local);

    if (UrlIsFileUrlW(file->uri))
    {
        if (FAILED(PathCreateFromUrlW(file->uri, local, &length, 0)) || !is_absolute_path(local))
            return WU_E_BAD_FILE_URL;
    }
    else if (is_absolute_path(file->uri))
    {
        if (wcslen(file->uri) >= ARRAYSIZE(local)) return HRESULT_FROM_WIN32(ERROR_FILENAME_EXCED_RANGE);
        wcscpy(local, file->uri);
    }
    else return WU_E_BAD_FILE_URL;
    if (!CopyFileW(local, temp, FALSE)) return file_error();
    return S_OK;
}

/* A local file: copied to a temporary name in the cache folder, checked, renamed. */
static HRESULT copy_in(const struct catalog_file *file, const WCHAR *folder, const WCHAR *final)
{
    WCHAR temp[MAX_PATH];
    HRESULT hr;

    if (!GetTempFileNameW(folder, L"owd", 0, temp)) return file_error();
    hr = copy_to(file, temp);
    if (SUCCEEDED(hr)) hr = download_verify(temp, file);
    if (SUCCEEDED(hr)) hr = move_in(temp, final, file);
    if (FAILED(hr)) DeleteFileW(temp);
    return hr;
}

/* The part of a file being fetched and its validator:
 * %ProgramData%\OpenWUA\Partial\<UpdateID>\<name>.part and <name>.validator.
 * Another folder than the cache's, and two suffixes no part shares with a
 * validator: no file name in a catalog can make one take another's place. */
static HRESULT partial_paths(const GUID *update, const WCHAR *name, BOOL create, WCHAR part[MAX_PATH],
                             WCHAR validator[MAX_PATH])
{
    WCHAR folder[MAX_PATH];
    HRESULT hr;

    if (FAILED(hr = update_folder(L"\\Partial", update, create, folder))) return hr;
    if (wcslen(folder) + wcslen(name) + 12 >= MAX_PATH) return HRESULT_FROM_WIN32(ERROR_FILENAME_EXCED_RANGE);
    swprintf(part, MAX_PATH, L"%ls\\%ls.part", folder, name);
    swprintf(validator, MAX_PATH, L"%ls\\%ls.validator", folder, name);
    return S_OK;
}

/* Deleted under a fresh name: a fetch thread cut off by an abort may still hold
 * the part open, and its pending delete must not take the next fetch's part along. */
static void discard_file(const WCHAR *path)
{
    WCHAR folder[MAX_PATH], temp[MAX_PATH], *slash;

    wcscpy(folder, path);
    if ((slash = wcsrchr(folder, '\\'))) *slash = 0;
    if (GetTempFileNameW(folder, L"owx", 0, temp))
    {
        if (MoveFileExW(path, temp, MOVEFILE_REPLACE_EXISTING)) path = temp;
        else DeleteFileW(temp);
    }
    DeleteFileW(path);
}

static void discard_part(const WCHAR *part, const WCHAR *validator)
{
    discard_file(part);
    discard_file(validator);
}

/* An http(s) file: fetched into its part (continuing one left by an earlier
 * attempt, in this process or another), checked, renamed into the cache. */
static HRESULT fetch_in(const GUID *update, const struct catalog_file *file, BOOL force,
                        const struct transport_options *options, const WCHAR *final)
{
    struct transport_options mine = { 0 };
    WCHAR part[MAX_PATH], validator[MAX_PATH], folder[MAX_PATH];
    HRESULT hr;

    if (FAILED(hr = partial_paths(update, file->name, TRUE, part, validator))) return hr;
    /* forced: nothing kept from before is trusted, a part neither */
    if (force) discard_part(part, validator);
    /* a part that is whole already (the process ended before its rename) needs no request */
    if (download_verify(part, file) == S_OK) hr = S_OK;
    else
    {
        if (options) mine = *options;
        mine.validator = NULL;
        mine.max_bytes = file->size ? file->size : 1;   /* a longer body cannot be the right one */
        hr = transport_fetch_resumable(file->uri, part, validator, file->size, &mine, NULL);
        if (hr == HRESULT_FROM_WIN32(ERROR_FILE_TOO_LARGE)) hr = WU_E_DM_INCORRECTFILEHASH;
        if (SUCCEEDED(hr)) hr = download_verify(part, file);
    }
    if (SUCCEEDED(hr)) hr = move_in(part, final, file);
    /* the digest is the last word: content that fails it is no part to continue */
    if (SUCCEEDED(hr) || hr == WU_E_DM_INCORRECTFILEHASH) discard_part(part, validator);
    if (SUCCEEDED(update_folder(L"\\Partial", update, FALSE, folder))) RemoveDirectoryW(folder);
    return hr;
}

static void pump_messages(void)
{
    MSG msg;

    while (PeekMessageW(&msg, NULL, 0, 0, PM_REMOVE)) DispatchMessageW(&msg);
}

/* One job at a time puts an update's files in place, in any process: a
 * named mutex per update, waited for while watching the abort flag.  A
 * holder that died leaves it abandoned, which the next one simply takes. */
static HRESULT lock_update(const GUID *update, const struct transport_options *options, HANDLE *mutex)
{
    WCHAR name[96];
    DWORD result;

    swprintf(name, ARRAYSIZE(name), L"Global\\OpenWUA-download-%08lx-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             (unsigned long)update->Data1, update->Data2, update->Data3, update->Data4[0], update->Data4[1],
             update->Data4[2], update->Data4[3], update->Data4[4], update->Data4[5], update->Data4[6],
             update->Data4[7]);
    if (!(*mutex = CreateMutexW(NULL, FALSE, name))) return file_error();
    for (;;)
    {
        if (options && options->abort && *options->abort) break;
        /* Pumping: the holder may be a job of this thread's apartment, waiting to call back into it. */
        result = MsgWaitForMultipleObjects(1, mutex, FALSE, 50, QS_ALLINPUT);
        if (result == WAIT_OBJECT_0 || result == WAIT_ABANDONED) return S_OK;
        if (result == WAIT_OBJECT_0 + 1) pump_messages();
        else if (result != WAIT_TIMEOUT) break;
    }
    CloseHandle(*mutex);
    *mutex = NULL;
    return E_ABORT;
}

static HRESULT put_in_place(const GUID *update, const struct catalog_file *file, BOOL force,
                            const struct transport_options *options, const WCHAR *final, BOOL *removed)
{
    WCHAR folder[MAX_PATH];
    HRESULT hr;

    if (GetFileAttributesW(final) != INVALID_FILE_ATTRIBUTES)
    {
        /* another job may have put it there while this one waited */
        if (!force && download_verify(final, file) == S_OK) return S_FALSE;
        /* forced, or a copy that is not the one the catalog describes: fetched again below;
         * a bad copy goes now, so a failed fetch cannot leave it looking downloaded */
        if (!force && DeleteFileW(final)) *removed = TRUE;
    }
    if (!file->uri || !*file->uri) return WU_E_DM_URLNOTAVAILABLE;
    if (FAILED(hr = download_folder(update, TRUE, folder))) return hr;
    if (transport_is_http_url(file->uri)) return fetch_in(update, file, force, options, final);
    return copy_in(file, folder, final);
}

HRESULT download_file(const GUID *update, const struct catalog_file *file, BOOL force,
                      const struct transport_options *options, BOOL *fetched, BOOL *removed)
{
    WCHAR folder[MAX_PATH], final[MAX_PATH];
    HANDLE mutex;
    HRESULT hr;

    *fetched = *removed = FALSE;
    if (!download_name_is_safe(file->name)) return WU_E_INVALID_FILE;
    /* refused before anything is fetched that could not be checked */
    if (file->no_digest && !catalog_allows_no_digest()) return WU_E_METADATA_NO_VERIFICATION_DATA;
    /* Folders are made only when something is to be fetched: a cached file needs none. */
    if (FAILED(hr = download_folder(update, FALSE, folder))) return hr;
    if (FAILED(hr = path_in(final, folder, file->name))) return hr;
    if (!force && GetFileAttributesW(final) != INVALID_FILE_ATTRIBUTES && download_verify(final, file) == S_OK)
        return S_OK;

    if (FAILED(hr = lock_update(update, options, &mutex))) return hr;
    hr = put_in_place(update, file, force, options, final, removed);
    ReleaseMutex(mutex);
    CloseHandle(mutex);
    if (hr == S_FALSE) return S_OK;
    if (SUCCEEDED(hr)) *fetched = TRUE;
    return hr;
}

HRESULT download_copy_out(const GUID *update, const struct catalog_file *file, const WCHAR *folder)
{
    WCHAR cache[MAX_PATH], source[MAX_PATH], dest[MAX_PATH];
    HRESULT hr;

    if (!download_name_is_safe(file->name)) return WU_E_INVALID_FILE;
    if (FAILED(hr = download_folder(update, FALSE, cache))) return hr;
    if (FAILED(hr = path_in(source, cache, file->name))) return hr;
    if (FAILED(hr = path_in(dest, folder, file->name))) return hr;
    hr = download_verify(source, file);
    if (hr == HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND) || hr == HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND))
        return WU_E_DM_NOTDOWNLOADED;
    if (FAILED(hr)) return hr;
    if (!CopyFileW(source, dest, FALSE)) return file_error();
    return S_OK;
}
