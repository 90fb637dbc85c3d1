/*
 * OpenWUA: the installation history store.  No COM objects in here.
 *
 * One file per entry in %ProgramData%\OpenWUA\History, named after a sequence
 * number that only grows (16 hex digits, ".wuh").  A writer takes a machine-wide
 * mutex, picks the next number, writes "<number>.tmp", flushes it and renames it
 * into place: the rename is the commit, so a process killed at any instant
 * leaves every entry whole or absent.  Readers need no lock: they only look at
 * committed names, and a file that is torn, foreign or too big is skipped.
 *
 * File layout (little endian): magic, payload size, SHA-256 of the payload,
 * then the payload (fixed fields, then strings as a length in WCHARs and the
 * characters, then counted lists).
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include "digest.h"
#include "datadir.h"
#include "history.h"

#define ENTRY_MAGIC 0x3148574fu     /* "OWH1" */
#define HEADER_SIZE (4 + 4 + 32)
#define MUTEX_WAIT_MS 60000         /* a writer holds it for one small file */

static const WCHAR mutex_name[] = L"Global\\OpenWUA.History";

/* --- where the files live --- */


static void entry_path(WCHAR path[MAX_PATH], const WCHAR *folder, ULONGLONG seq, const WCHAR *ext)
{
    swprintf(path, MAX_PATH, L"%ls\\%08lx%08lx.%ls", folder, (unsigned long)(seq >> 32), (unsigned long)seq, ext);
}

/* The sequence number of a name "<16 hex digits>.<ext>"; FALSE for any other name. */
static BOOL parse_name(const WCHAR *name, const WCHAR *ext, ULONGLONG *seq)
{
    int i;

    *seq = 0;
    for (i = 0; i < 16; i++)
    {
        WCHAR c = name[i];
        int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
                    c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

        if (digit < 0) return FALSE;
        *seq = (*seq << 4) | digit;
    }
    return name[16] == '.' && !_wcsicmp(name + 17, ext);
}

/* --- the committed names, newest first --- */

struct seq_list
{
    ULONGLONG *items;
    size_t count;
};

static int compare_newest_first(const void *a, const void *b)
{
    ULONGLONG x = *(const ULONGLONG *)a, y = *(const ULONGLONG *)b;

    return x < y ? 1 : x > y ? -1 : 0;
}

static HRESULT list_files(const WCHAR *folder, const WCHAR *ext, struct seq_list *list)
{
    WIN32_FIND_DATAW data;
    WCHAR pattern[MAX_PATH];
    ULONGLONG *items, seq;
    size_t capacity = 0;
    HANDLE find;
    DWORD error;
    HRESULT hr = S_OK;

    memset(list, 0, sizeof(*list));
    swprintf(pattern, MAX_PATH, L"%ls\\*.%ls", folder, ext);
    if ((find = FindFirstFileW(pattern, &data)) == INVALID_HANDLE_VALUE)
    {
        error = GetLastError();
        return error == ERROR_FILE_NOT_FOUND || error == ERROR_PATH_NOT_FOUND ? S_OK : HRESULT_FROM_WIN32(error);
    }
    do
    {
        /* Folders too: a number taken by anything is not free for a new entry. */
        if (!parse_name(data.cFileName, ext, &seq)) continue;
        if (list->count == capacity)
        {
            capacity = capacity ? capacity * 2 : 64;
            if (!(items = realloc(list->items, capacity * sizeof(*items))))
            {
                hr = E_OUTOFMEMORY;
                break;
            }
            list->items = items;
        }
        list->items[list->count++] = seq;
    } while (FindNextFileW(find, &data));
    FindClose(find);
    if (FAILED(hr))
    {
        free(list->items);
        memset(list, 0, sizeof(*list));
        return hr;
    }
    qsort(list->items, list->count, sizeof(*list->items), compare_newest_first);
    return S_OK;
}

/* --- encoding --- */

struct writer
{
    BYTE *data;
    size_t size;
    size_t capacity;
    HRESULT hr;
};

static void put_bytes(struct writer *w, const void *bytes, size_t size)
{
    size_t capacity;
    BYTE *data;

    if (FAILED(w->hr)) return;
    if (w->size + size > HISTORY_MAX_ENTRY_BYTES)
    {
        w->hr = E_INVALIDARG;
        return;
    }
    if (w->size + size > w->capacity)
    {
        capacity = max(w->capacity * 2, w->size + size + 256);
        if (!(data = realloc(w->data, capacity)))
        {
            w->hr = E_OUTOFMEMORY;
            return;
        }
        w->data = data;
        w->capacity = capacity;
    }
    memcpy(w->data + w->size, bytes, size);
    w->size += size;
}

static void put_long(struct writer *w, LONG value)
{
    put_bytes(w, &value, sizeof(value));
}

static void put_string(struct writer *w, const WCHAR *value)
{
    size_t len = value ? wcslen(value) : 0;

    if (len > HISTORY_MAX_ENTRY_BYTES)
    {
        w->hr = E_INVALIDARG;
        return;
    }
    put_long(w, (LONG)len);
    put_bytes(w, value, len * sizeof(WCHAR));
}

static const WCHAR *item_or_null(WCHAR **items, LONG i)
{
    return items ? items[i] : NULL;
}

static HRESULT encode(const struct history_entry *e, struct writer *w)
{
    LONG i;

    if (e->uninstall_step_count < 0 || e->category_count < 0) return E_INVALIDARG;
    if ((e->uninstall_step_count && !e->uninstall_steps) || (e->category_count && !e->categories)) return E_INVALIDARG;
    memset(w, 0, sizeof(*w));
    put_bytes(w, (BYTE[HEADER_SIZE]){0}, HEADER_SIZE);     /* filled in once the payload is known */
    put_long(w, e->operation);
    put_long(w, e->result_code);
    put_long(w, e->hresult);
    put_long(w, e->unmapped_result);
    put_bytes(w, &e->date, sizeof(e->date));
    put_bytes(w, &e->update_id, sizeof(e->update_id));
    put_long(w, e->revision);
    put_long(w, e->server_selection);
    put_bytes(w, &e->service_id, sizeof(e->service_id));
    put_string(w, e->title);
    put_string(w, e->description);
    put_string(w, e->client_id);
    put_string(w, e->support_url);
    put_string(w, e->uninstall_notes);
    put_long(w, e->uninstall_step_count);
    for (i = 0; i < e->uninstall_step_count; i++) put_string(w, e->uninstall_steps[i]);
    put_long(w, e->category_count);
    for (i = 0; i < e->category_count; i++)
    {
        put_bytes(w, &e->categories[i], sizeof(GUID));
        put_string(w, item_or_null(e->category_names, i));
        put_string(w, item_or_null(e->category_types, i));
    }
    if (FAILED(w->hr)) free(w->data);
    return w->hr;
}

static HRESULT sha256(const BYTE *data, size_t size, BYTE digest[32])
{
    BCRYPT_HASH_HANDLE hash;
    NTSTATUS status;

    if ((status = digest_begin(DIGEST_SHA256, &hash))) return HRESULT_FROM_NT(status);
    status = BCryptHashData(hash, (BYTE *)data, (ULONG)size, 0);
    if (!status) status = BCryptFinishHash(hash, digest, 32, 0);
    BCryptDestroyHash(hash);
    return status ? HRESULT_FROM_NT(status) : S_OK;
}

static HRESULT seal(struct writer *w)
{
    DWORD magic = ENTRY_MAGIC, size = (DWORD)(w->size - HEADER_SIZE);

    memcpy(w->data, &magic, 4);
    memcpy(w->data + 4, &size, 4);
    return sha256(w->data + HEADER_SIZE, size, w->data + 8);
}

/* --- decoding: every length is checked against what is left --- */

struct reader
{
    const BYTE *p;
    size_t left;
    BOOL ok;
};

static void get_bytes(struct reader *r, void *out, size_t size)
{
    if (!r->ok || r->left < size)
    {
        r->ok = FALSE;
        memset(out, 0, size);
        return;
    }
    memcpy(out, r->p, size);
    r->p += size;
    r->left -= size;
}

static LONG get_long(struct reader *r)
{
    LONG value;

    get_bytes(r, &value, sizeof(value));
    return value;
}

static WCHAR *get_string(struct reader *r)
{
    LONG len = get_long(r);
    WCHAR *value;

    if (!r->ok || len < 0 || (size_t)len > r->left / sizeof(WCHAR) || !(value = malloc((len + 1) * sizeof(WCHAR))))
    {
        r->ok = FALSE;
        return NULL;
    }
    get_bytes(r, value, len * sizeof(WCHAR));
    value[len] = 0;
    /* A NUL inside would make the string read back differently: not written by OpenWUA. */
    if (wcslen(value) != (size_t)len) r->ok = FALSE;
    return value;
}

/* A count of items each at least min_size bytes long; the rest of the payload bounds it. */
static LONG get_count(struct reader *r, size_t min_size)
{
    LONG count = get_long(r);

    if (count < 0 || (size_t)count > r->left / min_size) r->ok = FALSE;
    return r->ok ? count : 0;
}

static WCHAR **alloc_strings(struct reader *r, LONG count)
{
    WCHAR **items = calloc(count ? count : 1, sizeof(*items));

    if (!items) r->ok = FALSE;
    return items;
}

static void free_entry(struct history_entry *e)
{
    LONG i;

    free(e->title);
    free(e->description);
    free(e->client_id);
    free(e->support_url);
    free(e->uninstall_notes);
    for (i = 0; e->uninstall_steps && i < e->uninstall_step_count; i++) free(e->uninstall_steps[i]);
    free(e->uninstall_steps);
    for (i = 0; e->category_names && i < e->category_count; i++) free(e->category_names[i]);
    for (i = 0; e->category_types && i < e->category_count; i++) free(e->category_types[i]);
    free(e->category_names);
    free(e->category_types);
    free(e->categories);
    memset(e, 0, sizeof(*e));
}

static BOOL decode(const BYTE *payload, size_t size, struct history_entry *e)
{
    struct reader r = { payload, size, TRUE };
    LONG i;

    memset(e, 0, sizeof(*e));
    e->operation = get_long(&r);
    e->result_code = get_long(&r);
    e->hresult = get_long(&r);
    e->unmapped_result = get_long(&r);
    get_bytes(&r, &e->date, sizeof(e->date));
    get_bytes(&r, &e->update_id, sizeof(e->update_id));
    e->revision = get_long(&r);
    e->server_selection = get_long(&r);
    get_bytes(&r, &e->service_id, sizeof(e->service_id));
    e->title = get_string(&r);
    e->description = get_string(&r);
    e->client_id = get_string(&r);
    e->support_url = get_string(&r);
    e->uninstall_notes = get_string(&r);
    e->uninstall_step_count = get_count(&r, sizeof(LONG));
    if ((e->uninstall_steps = alloc_strings(&r, e->uninstall_step_count)))
        for (i = 0; i < e->uninstall_step_count && r.ok; i++) e->uninstall_steps[i] = get_string(&r);
    e->category_count = get_count(&r, sizeof(GUID) + 2 * sizeof(LONG));
    e->category_names = alloc_strings(&r, e->category_count);
    e->category_types = alloc_strings(&r, e->category_count);
    if (r.ok && !(e->categories = calloc(e->category_count ? e->category_count : 1, sizeof(GUID)))) r.ok = FALSE;
    for (i = 0; i < e->category_count && r.ok; i++)
    {
        get_bytes(&r, &e->categories[i], sizeof(GUID));
        e->category_names[i] = get_string(&r);
        e->category_types[i] = get_string(&r);
    }
    if (r.ok && !r.left) return TRUE;
    free_entry(e);
    return FALSE;
}

/* --- one file --- */

/* Reads a committed entry; FALSE (and nothing to free) for a file that is not a whole entry. */
static BOOL read_entry_file(const WCHAR *path, struct history_entry *e)
{
    LARGE_INTEGER size;
    DWORD magic, payload, got;
    BYTE digest[32], *data = NULL;
    HANDLE file;
    BOOL ok = FALSE;

    file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                       OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    if (file == INVALID_HANDLE_VALUE) return FALSE;
    if (GetFileSizeEx(file, &size) && size.QuadPart >= HEADER_SIZE && size.QuadPart <= HISTORY_MAX_ENTRY_BYTES
        && (data = malloc(size.QuadPart)) && ReadFile(file, data, size.LowPart, &got, NULL) && got == size.LowPart)
    {
        memcpy(&magic, data, 4);
        memcpy(&payload, data + 4, 4);
        ok = magic == ENTRY_MAGIC && payload == size.LowPart - HEADER_SIZE
             && SUCCEEDED(sha256(data + HEADER_SIZE, payload, digest)) && !memcmp(digest, data + 8, 32)
             && decode(data + HEADER_SIZE, payload, e);
    }
    free(data);
    CloseHandle(file);
    return ok;
}

static HRESULT last_error(void)
{
    DWORD error = GetLastError();

    return HRESULT_FROM_WIN32(error);
}

static HRESULT write_file(const WCHAR *path, const BYTE *data, size_t size)
{
    HANDLE file;
    DWORD written;
    HRESULT hr = S_OK;

    file = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (file == INVALID_HANDLE_VALUE) return last_error();
    if (!WriteFile(file, data, (DWORD)size, &written, NULL) || written != size || !FlushFileBuffers(file))
        hr = last_error();
    CloseHandle(file);
    if (FAILED(hr)) DeleteFileW(path);
    return hr;
}

/* --- the machine-wide writer lock --- */

static HRESULT lock_writers(HANDLE *mutex)
{
    DWORD wait;

    if (!(*mutex = CreateMutexW(NULL, FALSE, mutex_name))) return last_error();
    wait = WaitForSingleObject(*mutex, MUTEX_WAIT_MS);
    /* An abandoned mutex is ours: its owner died, and the temp files it left are removed below. */
    if (wait == WAIT_OBJECT_0 || wait == WAIT_ABANDONED) return S_OK;
    CloseHandle(*mutex);
    return wait == WAIT_TIMEOUT ? HRESULT_FROM_WIN32(ERROR_TIMEOUT) : last_error();
}

static void unlock_writers(HANDLE mutex)
{
    ReleaseMutex(mutex);
    CloseHandle(mutex);
}

/* Only a writer that died leaves temp files, and none is writing while we hold the lock. */
static void remove_stale_temps(const WCHAR *folder)
{
    WCHAR path[MAX_PATH];
    struct seq_list temps;
    size_t i;

    if (FAILED(list_files(folder, L"tmp", &temps))) return;
    for (i = 0; i < temps.count; i++)
    {
        entry_path(path, folder, temps.items[i], L"tmp");
        DeleteFileW(path);
    }
    free(temps.items);
}

static HRESULT commit(const WCHAR *folder, const struct writer *w)
{
    WCHAR temp[MAX_PATH], path[MAX_PATH];
    struct seq_list names;
    ULONGLONG seq;
    HRESULT hr;

    if (FAILED(hr = list_files(folder, L"wuh", &names))) return hr;
    seq = names.count ? names.items[0] + 1 : 1;
    free(names.items);
    entry_path(temp, folder, seq, L"tmp");
    entry_path(path, folder, seq, L"wuh");
    if (FAILED(hr = write_file(temp, w->data, w->size))) return hr;
    if (!MoveFileExW(temp, path, MOVEFILE_WRITE_THROUGH))
    {
        hr = last_error();
        DeleteFileW(temp);
    }
    return hr;
}

HRESULT history_append(const struct history_entry *entry)
{
    WCHAR folder[MAX_PATH];
    struct writer w;
    HANDLE mutex;
    HRESULT hr;

    if (!entry) return E_POINTER;
    if (FAILED(hr = data_folder(L"History", FALSE, folder))) return hr;
    if (FAILED(hr = encode(entry, &w))) return hr;
    if (SUCCEEDED(hr = seal(&w)) && SUCCEEDED(hr = data_folder(L"History", TRUE, folder))
        && SUCCEEDED(hr = lock_writers(&mutex)))
    {
        remove_stale_temps(folder);
        hr = commit(folder, &w);
        unlock_writers(mutex);
    }
    free(w.data);
    return hr;
}

/* --- reading --- */

static BOOL matches(const struct history_entry *e, const GUID *update_id)
{
    return !update_id || IsEqualGUID(&e->update_id, update_id);
}

struct entry_list
{
    struct history_entry *items;
    LONG count;
    LONG capacity;
};

static BOOL keep(struct entry_list *list, struct history_entry *e)
{
    struct history_entry *items;
    LONG capacity;

    if (list->count == list->capacity)
    {
        capacity = list->capacity ? list->capacity * 2 : 16;
        if (!(items = realloc(list->items, capacity * sizeof(*items)))) return FALSE;
        list->items = items;
        list->capacity = capacity;
    }
    list->items[list->count++] = *e;
    return TRUE;
}

/* Goes through the whole entries newest first.  With list, keeps up to count of
 * those that match from index start on; with total, counts all that match. */
static HRESULT walk(const GUID *update_id, LONG start, LONG count, struct entry_list *list, LONG *total)
{
    WCHAR path[MAX_PATH];
    WCHAR folder[MAX_PATH];
    struct seq_list names;
    struct history_entry e;
    LONG seen = 0;
    size_t i;
    HRESULT hr = S_OK;

    if (FAILED(hr = data_folder(L"History", FALSE, folder)) || FAILED(hr = list_files(folder, L"wuh", &names)))
        return hr;
    for (i = 0; i < names.count && SUCCEEDED(hr) && (total || list->count < count); i++)
    {
        entry_path(path, folder, names.items[i], L"wuh");
        if (!read_entry_file(path, &e)) continue;
        if (!matches(&e, update_id) || seen++ < start || !list || list->count >= count) free_entry(&e);
        else if (!keep(list, &e))
        {
            free_entry(&e);
            hr = E_OUTOFMEMORY;
        }
    }
    free(names.items);
    if (total) *total = seen;
    return hr;
}

HRESULT history_count(LONG *count)
{
    if (!count) return E_POINTER;
    *count = 0;
    return walk(NULL, 0, 0, NULL, count);
}

HRESULT history_read_matching(const GUID *update_id, LONG start, LONG count, struct history_entry **entries,
                              LONG *read)
{
    struct entry_list list = { 0 };
    HRESULT hr;

    if (!entries || !read) return E_POINTER;
    *entries = NULL;
    *read = 0;
    if (start < 0 || count < 0) return E_INVALIDARG;
    if (FAILED(hr = walk(update_id, start, count, &list, NULL)))
    {
        history_free_entries(list.items, list.count);
        return hr;
    }
    *entries = list.items;
    *read = list.count;
    return S_OK;
}

HRESULT history_read(LONG start, LONG count, struct history_entry **entries, LONG *read)
{
    return history_read_matching(NULL, start, count, entries, read);
}

void history_free_entries(struct history_entry *entries, LONG count)
{
    LONG i;

    if (!entries) return;
    for (i = 0; i < count; i++) free_entry(&entries[i]);
    free(entries);
}
