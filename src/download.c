/*
 * OpenWUA: the download cache (see download.h).
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <windows.h>
#include <shlwapi.h>
#include <bcrypt.h>
#include <wuerror.h>
#include <stdio.h>
#include <wchar.h>
#include "download.h"
#include "digest.h"
#include "datadir.h"

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

/* --- checking content ---
 *
 * SHA-1 and SHA-256 each run on a thread-pool work item of their own, both
 * reading the file (one handle, explicit offsets) in chunks.  The same
 * "follower" checks a whole file (download_verify) and a part while it is
 * being fetched: the transport tells (part_written) how many bytes of the
 * part are written for good, and when the part is emptied to start over,
 * which bumps a generation: a digest that sees a new generation starts again
 * from zero, and drops a chunk if the generation changed while it was read,
 * since those bytes may belong to the new body.  A fetch that continues a
 * part reports its length first, so the part's prefix is hashed while the
 * request goes out.  The result counts only when the digests took in exactly
 * the file's bytes, as many as the file holds once the fetch is done. */

#define FOLLOW_CHUNK (1 << 20)

struct follower;

struct follow_digest
{
    struct follower *owner;
    enum digest_kind kind;
    PTP_WORK work;
    HRESULT hr;
    ULONGLONG hashed;       /* bytes that went into value */
    BYTE value[32];
};

struct follower
{
    HANDLE file;
    SRWLOCK lock;           /* guards what follows */
    CONDITION_VARIABLE changed;
    ULONGLONG end;          /* the file's first end bytes stay as they are, in this generation */
    LONG generation;        /* bumped when the file is emptied */
    ULONGLONG wanted;       /* where end wakes a digest waiting for a chunk */
    BOOL finished;          /* nothing more will be written */
    BOOL cancelled;
    unsigned int count;
    struct follow_digest digests[2];
};

/* Waits for bytes to hash; FALSE when there will be none (finished or cancelled). */
static BOOL follower_next(struct follower *f, LONG generation, ULONGLONG pos, ULONGLONG *end, LONG *current,
                          BOOL *cancelled)
{
    BOOL more;

    AcquireSRWLockExclusive(&f->lock);
    /* a whole chunk at a time while the file grows: fewer wake-ups on two cores */
    while (!f->cancelled && !f->finished && f->generation == generation && pos + FOLLOW_CHUNK > f->end)
    {
        f->wanted = min(f->wanted, pos + FOLLOW_CHUNK);
        SleepConditionVariableSRW(&f->changed, &f->lock, INFINITE, 0);
    }
    *end = f->end;
    *current = f->generation;
    *cancelled = f->cancelled;
    more = !f->cancelled && (f->generation != generation || pos < f->end);
    ReleaseSRWLockExclusive(&f->lock);
    return more;
}

static LONG follower_generation(struct follower *f)
{
    LONG generation;

    AcquireSRWLockShared(&f->lock);
    generation = f->generation;
    ReleaseSRWLockShared(&f->lock);
    return generation;
}

static BOOL follower_is_finished(struct follower *f)
{
    BOOL finished;

    AcquireSRWLockShared(&f->lock);
    finished = f->finished;
    ReleaseSRWLockShared(&f->lock);
    return finished;
}

static HRESULT read_at(HANDLE file, ULONGLONG pos, BYTE *buffer, DWORD size, DWORD *read)
{
    OVERLAPPED at = { 0 };

    at.Offset = (DWORD)pos;
    at.OffsetHigh = (DWORD)(pos >> 32);
    if (ReadFile(file, buffer, size, read, &at)) return S_OK;
    if (GetLastError() == ERROR_HANDLE_EOF)
    {
        *read = 0;
        return S_OK;
    }
    return file_error();
}

static HRESULT follow(struct follow_digest *d, BYTE *buffer)
{
    struct follower *f = d->owner;
    BCRYPT_HASH_HANDLE hash = NULL;
    LONG generation = -1, current;
    ULONGLONG pos = 0, end;
    BOOL cancelled = FALSE;
    NTSTATUS status = 0;
    HRESULT hr = S_OK;
    DWORD read;

    while (follower_next(f, generation, pos, &end, &current, &cancelled))
    {
        if (current != generation)
        {
            if (hash) BCryptDestroyHash(hash);
            if ((status = digest_begin(d->kind, &hash))) break;
            generation = current;
            pos = 0;
            continue;
        }
        if (FAILED(hr = read_at(f->file, pos, buffer, (DWORD)min(end - pos, FOLLOW_CHUNK), &read))) break;
        /* the part was emptied while this was read: these bytes may be the new body's */
        if (follower_generation(f) != generation) continue;
        /* nothing where bytes were said to be: the part was emptied and is told so in a
         * moment, or, once all is written, it is shorter than it was said to be */
        if (!read && follower_is_finished(f))
        {
            hr = HRESULT_FROM_WIN32(ERROR_HANDLE_EOF);
            break;
        }
        if (!read) Sleep(1);
        else if ((status = BCryptHashData(hash, buffer, read, 0))) break;
        pos += read;
    }
    if (cancelled && SUCCEEDED(hr) && !status) hr = E_ABORT;
    if (SUCCEEDED(hr) && !status && !hash) status = digest_begin(d->kind, &hash);   /* an empty file */
    if (SUCCEEDED(hr) && !status) status = BCryptFinishHash(hash, d->value, d->kind == DIGEST_SHA1 ? 20 : 32, 0);
    if (hash) BCryptDestroyHash(hash);
    d->hashed = pos;
    return SUCCEEDED(hr) ? nt_error(status) : hr;
}

static void CALLBACK follow_work(PTP_CALLBACK_INSTANCE instance, void *context, PTP_WORK work)
{
    struct follow_digest *d = context;
    BYTE *buffer;

    (void)instance; (void)work;
    if (!(buffer = malloc(FOLLOW_CHUNK))) d->hr = E_OUTOFMEMORY;
    else d->hr = follow(d, buffer);
    free(buffer);
}

static void follower_cancel(struct follower *f)
{
    AcquireSRWLockExclusive(&f->lock);
    f->cancelled = TRUE;
    ReleaseSRWLockExclusive(&f->lock);
    WakeAllConditionVariable(&f->changed);
}

/* Waits for the digests and frees their work items. */
static void follower_join(struct follower *f)
{
    unsigned int i;

    for (i = 0; i < f->count; i++)
    {
        WaitForThreadpoolWorkCallbacks(f->digests[i].work, FALSE);
        CloseThreadpoolWork(f->digests[i].work);
    }
    f->count = 0;
}

/* The part's writer: see transport_options.part_written. */
static void follower_written(void *context, ULONGLONG end, BOOL restarted)
{
    struct follower *f = context;

    BOOL wake;

    AcquireSRWLockExclusive(&f->lock);
    if (restarted)
    {
        f->generation++;
        f->end = end;
    }
    else if (end > f->end) f->end = end;
    if ((wake = restarted || f->end >= f->wanted)) f->wanted = ~(ULONGLONG)0;
    ReleaseSRWLockExclusive(&f->lock);
    if (wake) WakeAllConditionVariable(&f->changed);
}

/* Starts the digests the catalog file has over file, which holds end bytes
 * that stay (finished: all it will hold). */
static HRESULT follower_start(struct follower *f, HANDLE file, const struct catalog_file *catalog, ULONGLONG end,
                              BOOL finished)
{
    unsigned int i;

    memset(f, 0, sizeof(*f));
    f->file = file;
    InitializeSRWLock(&f->lock);
    InitializeConditionVariable(&f->changed);
    f->end = end;
    f->wanted = ~(ULONGLONG)0;
    f->finished = finished;
    for (i = 0; i < (catalog->has_sha256 ? 2u : 1u); i++)
    {
        struct follow_digest *d = &f->digests[i];

        d->owner = f;
        d->kind = i ? DIGEST_SHA256 : DIGEST_SHA1;
        if (!(d->work = CreateThreadpoolWork(follow_work, d, NULL)))
        {
            HRESULT hr = file_error();

            follower_cancel(f);
            follower_join(f);
            return hr;
        }
        f->count++;
        SubmitThreadpoolWork(d->work);
    }
    return S_OK;
}

/* Once all is written: S_OK when the file holds size bytes, the catalog's
 * size, and the digests over exactly those match; WU_E_DM_INCORRECTFILEHASH
 * when they do not; another error when the digests could not be made. */
static HRESULT follower_finish(struct follower *f, const struct catalog_file *catalog, ULONGLONG size)
{
    BOOL sha256 = catalog->has_sha256;
    unsigned int i;

    AcquireSRWLockExclusive(&f->lock);
    f->finished = TRUE;
    ReleaseSRWLockExclusive(&f->lock);
    WakeAllConditionVariable(&f->changed);
    follower_join(f);
    for (i = 0; i < (sha256 ? 2u : 1u); i++)
    {
        if (FAILED(f->digests[i].hr)) return f->digests[i].hr;
        if (f->digests[i].hashed != size) return HRESULT_FROM_WIN32(ERROR_HANDLE_EOF);
    }
    if (size != catalog->size || memcmp(f->digests[0].value, catalog->sha1, 20)
        || (sha256 && memcmp(f->digests[1].value, catalog->sha256, 32)))
        return WU_E_DM_INCORRECTFILEHASH;
    return S_OK;
}

HRESULT download_verify(const WCHAR *path, const struct catalog_file *file)
{
    struct follower follower;
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
    else if (SUCCEEDED(hr = follower_start(&follower, handle, file, size.QuadPart, TRUE)))
        hr = follower_finish(&follower, file, size.QuadPart);
    CloseHandle(handle);
    return hr;
}

/* --- the cache --- */

/* %ProgramData%\OpenWUA\<kind>\<UpdateID>, made as needed when create is TRUE. */
static HRESULT update_folder(const WCHAR *kind, const GUID *update, BOOL create, WCHAR path[MAX_PATH])
{
    size_t used;
    HRESULT hr;

    if (FAILED(hr = data_folder(kind, create, path))) return hr;
    used = wcslen(path);
    swprintf(path + used, MAX_PATH - used, L"\\%08lx-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             (unsigned long)update->Data1, update->Data2, update->Data3, update->Data4[0], update->Data4[1],
             update->Data4[2], update->Data4[3], update->Data4[4], update->Data4[5], update->Data4[6],
             update->Data4[7]);
    return create ? data_make_folder(path) : S_OK;
}

HRESULT download_folder(const GUID *update, BOOL create, WCHAR path[MAX_PATH])
{
    return update_folder(L"Download", update, create, path);
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

    if (FAILED(hr = update_folder(L"Partial", update, create, folder))) return hr;
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

static HRESULT fetch_part(const struct catalog_file *file, const WCHAR *part, const WCHAR *validator,
                          const struct transport_options *options)
{
    HRESULT hr = transport_fetch_resumable(file->uri, part, validator, file->size, options, NULL);

    /* past the catalog's size: the wrong content */
    return hr == HRESULT_FROM_WIN32(ERROR_FILE_TOO_LARGE) ? WU_E_DM_INCORRECTFILEHASH : hr;
}

/* A failed fetch's part stays to be continued, but an empty one is nothing to
 * continue: it goes, as if never made (a refused URL), unless an aborted
 * fetch's thread may still hold it open (deleting it would leave it pending
 * deletion, refusing the next attempt). */
static void drop_if_empty(HANDLE handle, const WCHAR *part, HRESULT hr)
{
    LARGE_INTEGER size;
    BOOL empty = GetFileSizeEx(handle, &size) && !size.QuadPart;

    CloseHandle(handle);
    if (empty && hr != E_ABORT) DeleteFileW(part);
}

/* Fetches into the part while its digests follow it (fetched, then checked
 * whole, when they cannot). */
static HRESULT fetch_checked(const struct catalog_file *file, const WCHAR *part, const WCHAR *validator,
                             struct transport_options *options)
{
    struct follower follower;
    LARGE_INTEGER size;
    HANDLE handle = INVALID_HANDLE_VALUE;
    HRESULT hr;

    /* the fetch writes through handles of its own, which this one lets it open */
    if (!file->no_digest)
        handle = CreateFileW(part, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                             OPEN_ALWAYS, FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    if (handle == INVALID_HANDLE_VALUE || FAILED(follower_start(&follower, handle, file, 0, FALSE)))
    {
        if (handle != INVALID_HANDLE_VALUE) CloseHandle(handle);
        hr = fetch_part(file, part, validator, options);
        return SUCCEEDED(hr) ? download_verify(part, file) : hr;
    }
    options->part_written = follower_written;
    options->part_context = &follower;
    if (FAILED(hr = fetch_part(file, part, validator, options)))
    {
        follower_cancel(&follower);
        follower_join(&follower);
        drop_if_empty(handle, part, hr);
        return hr;
    }
    /* the fetch is over and wrote its last: the digests take in what the part holds */
    if (!GetFileSizeEx(handle, &size)) size.QuadPart = -1;
    hr = follower_finish(&follower, file, size.QuadPart);
    CloseHandle(handle);
    if (size.QuadPart >= 0 && (ULONGLONG)size.QuadPart != file->size) return WU_E_DM_INCORRECTFILEHASH;
    if (hr == S_OK || hr == WU_E_DM_INCORRECTFILEHASH) return hr;
    return download_verify(part, file);
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
        hr = fetch_checked(file, part, validator, &mine);
    }
    if (SUCCEEDED(hr)) hr = move_in(part, final, file);
    /* the digest is the last word: content that fails it is no part to continue */
    if (SUCCEEDED(hr) || hr == WU_E_DM_INCORRECTFILEHASH) discard_part(part, validator);
    if (SUCCEEDED(update_folder(L"Partial", update, FALSE, folder))) RemoveDirectoryW(folder);
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

/* Copies this process has verified are trusted again without being read
 * while their size, creation and last-write times are what they were and the
 * catalog describes them the same way: a client that downloads a cached
 * update again (bench/jobs; Ansible's retries) need not hash it each time.
 * A copy written less than 2 s before it was checked is not remembered, so a
 * write within the same file-time tick (FAT keeps 2 s) cannot hide.  The
 * installer checks the digests again right before it runs anything. */
#define VERIFIED_SLOTS 64
#define VERIFIED_AGE (2 * 10000000ull)      /* 2 s in file-time units */

struct verified_copy
{
    WCHAR path[MAX_PATH];
    struct catalog_file file;   /* name and uri not kept: the digests and size compared */
    WIN32_FILE_ATTRIBUTE_DATA data;
};

static struct verified_copy verified[VERIFIED_SLOTS];
static unsigned int verified_next;
static SRWLOCK verified_lock = SRWLOCK_INIT;

static BOOL same_description(const struct catalog_file *a, const struct catalog_file *b)
{
    return a->size == b->size && a->no_digest == b->no_digest && a->has_sha256 == b->has_sha256
        && !memcmp(a->sha1, b->sha1, sizeof(a->sha1)) && !memcmp(a->sha256, b->sha256, sizeof(a->sha256));
}

static BOOL same_data(const WIN32_FILE_ATTRIBUTE_DATA *a, const WIN32_FILE_ATTRIBUTE_DATA *b)
{
    return a->nFileSizeLow == b->nFileSizeLow && a->nFileSizeHigh == b->nFileSizeHigh
        && !CompareFileTime(&a->ftLastWriteTime, &b->ftLastWriteTime)
        && !CompareFileTime(&a->ftCreationTime, &b->ftCreationTime);
}

static BOOL verified_before(const WCHAR *path, const struct catalog_file *file, const WIN32_FILE_ATTRIBUTE_DATA *data)
{
    BOOL found = FALSE;
    unsigned int i;

    AcquireSRWLockShared(&verified_lock);
    for (i = 0; i < VERIFIED_SLOTS && !found; i++)
        found = !wcsicmp(verified[i].path, path) && same_description(&verified[i].file, file)
                && same_data(&verified[i].data, data);
    ReleaseSRWLockShared(&verified_lock);
    return found;
}

static void remember_verified(const WCHAR *path, const struct catalog_file *file, const WIN32_FILE_ATTRIBUTE_DATA *data)
{
    ULARGE_INTEGER now, written;
    FILETIME ft;
    unsigned int slot;

    GetSystemTimeAsFileTime(&ft);
    now.LowPart = ft.dwLowDateTime;
    now.HighPart = ft.dwHighDateTime;
    written.LowPart = data->ftLastWriteTime.dwLowDateTime;
    written.HighPart = data->ftLastWriteTime.dwHighDateTime;
    if (now.QuadPart < written.QuadPart + VERIFIED_AGE || wcslen(path) >= MAX_PATH) return;
    AcquireSRWLockExclusive(&verified_lock);
    for (slot = 0; slot < VERIFIED_SLOTS; slot++)
        if (!wcsicmp(verified[slot].path, path)) break;
    if (slot == VERIFIED_SLOTS) slot = verified_next++ % VERIFIED_SLOTS;
    wcscpy(verified[slot].path, path);
    verified[slot].file = *file;
    verified[slot].file.name = verified[slot].file.uri = NULL;
    verified[slot].data = *data;
    ReleaseSRWLockExclusive(&verified_lock);
}

/* An intact copy at path, by an earlier check or a new one. */
static BOOL cached_copy_ok(const WCHAR *path, const struct catalog_file *file)
{
    WIN32_FILE_ATTRIBUTE_DATA before, after;

    if (!GetFileAttributesExW(path, GetFileExInfoStandard, &before)) return FALSE;
    if (verified_before(path, file, &before)) return TRUE;
    if (download_verify(path, file) != S_OK) return FALSE;
    /* remembered only when nothing changed while it was read */
    if (GetFileAttributesExW(path, GetFileExInfoStandard, &after) && same_data(&before, &after))
        remember_verified(path, file, &before);
    return TRUE;
}

BOOL download_cached(const GUID *update, const struct catalog_file *file)
{
    WCHAR folder[MAX_PATH], final[MAX_PATH];

    return download_name_is_safe(file->name) && SUCCEEDED(download_folder(update, FALSE, folder))
           && SUCCEEDED(path_in(final, folder, file->name)) && cached_copy_ok(final, file);
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
    if (!force && cached_copy_ok(final, file)) return S_OK;

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
