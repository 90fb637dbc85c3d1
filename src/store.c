/*
 * OpenWUA: live update state shared by every object that shows an update, and
 * the cache of loaded catalogs.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include "private.h"
#include <shlwapi.h>
#include "store.h"

static SRWLOCK store_lock = SRWLOCK_INIT;
static struct update_record **records;
static unsigned int record_count, record_capacity;
static struct catalog_ref *cached;      /* the last catalog loaded, reused while unchanged */

/* --- catalogs --- */

static BOOL file_stamp(const WCHAR *location, FILETIME *stamp, ULONGLONG *size)
{
    WIN32_FILE_ATTRIBUTE_DATA data;
    WCHAR path[MAX_PATH];
    DWORD len = ARRAY_SIZE(path);
    const WCHAR *file = location;

    if (!_wcsnicmp(location, L"file:", 5))
    {
        if (FAILED(PathCreateFromUrlW(location, path, &len, 0))) return FALSE;
        file = path;
    }
    if (!GetFileAttributesExW(file, GetFileExInfoStandard, &data)) return FALSE;
    *stamp = data.ftLastWriteTime;
    *size = ((ULONGLONG)data.nFileSizeHigh << 32) | data.nFileSizeLow;
    return TRUE;
}

static BOOL ref_is_current(const struct catalog_ref *ref, const WCHAR *location, const FILETIME *stamp,
                           ULONGLONG size)
{
    return ref && !wcscmp(ref->location, location) && !CompareFileTime(&ref->stamp, stamp) && ref->size == size;
}

/* Loading the HP catalog takes a noticeable time: a search reuses the catalog
 * the last one loaded while the file has not changed. */
HRESULT catalog_ref_load(const WCHAR *location, struct catalog_ref **out)
{
    struct catalog_ref *ref, *old = NULL;
    FILETIME stamp = { 0 };
    ULONGLONG size = 0;
    HRESULT hr;

    *out = NULL;
    if (file_stamp(location, &stamp, &size))
    {
        AcquireSRWLockExclusive(&store_lock);
        if (ref_is_current(cached, location, &stamp, size))
        {
            InterlockedIncrement(&cached->refs);
            *out = cached;
        }
        ReleaseSRWLockExclusive(&store_lock);
        if (*out) return S_OK;
    }
    if (!(ref = calloc(1, sizeof(*ref)))) return E_OUTOFMEMORY;
    if (!(ref->location = _wcsdup(location)))
    {
        free(ref);
        return E_OUTOFMEMORY;
    }
    if (FAILED(hr = catalog_load(location, &ref->catalog)))
    {
        free(ref->location);
        free(ref);
        return hr;
    }
    ref->refs = 2;      /* the caller's and the cache's */
    ref->stamp = stamp;
    ref->size = size;
    AcquireSRWLockExclusive(&store_lock);
    old = cached;
    cached = ref;
    ReleaseSRWLockExclusive(&store_lock);
    if (old) catalog_ref_release(old);
    *out = ref;
    return S_OK;
}

void catalog_ref_release(struct catalog_ref *ref)
{
    if (InterlockedDecrement(&ref->refs)) return;
    catalog_free(ref->catalog);
    free(ref->location);
    free(ref);
}

/* Drops the cached catalog (DLL unload). */
void store_release_all(void)
{
    if (cached) catalog_ref_release(cached);
    cached = NULL;
    free(records);
    records = NULL;
    record_count = record_capacity = 0;
}

/* --- persisted flags --- */

/* A restart an update waits for is a value named after the update under the
 * machine's RebootRequired key (the key real clients test), not under
 * OpenWUA's own: whoever takes the key away after a restart takes every
 * update's flag with it, and no stale flag can come back with the next one. */
static const WCHAR reboot_key[] =
    L"Software\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired";

static void update_key(const GUID *id, enum update_flag flag, WCHAR *key, size_t size, WCHAR *name)
{
    WCHAR guid[40];

    StringFromGUID2(id, guid, ARRAY_SIZE(guid));
    if (flag == UPDATE_REBOOT_REQUIRED)
    {
        swprintf(key, size, L"%ls", reboot_key);
        wcscpy(name, guid);
        return;
    }
    swprintf(key, size, L"%ls\\Updates\\%ls", state_key_openwua, guid);
    wcscpy(name, flag == UPDATE_HIDDEN ? L"Hidden" : L"EulaAccepted");
}

static BOOL read_flag(const GUID *id, enum update_flag flag)
{
    WCHAR key[128], name[40];
    DWORD value;

    update_key(id, flag, key, ARRAY_SIZE(key), name);
    return SUCCEEDED(state_get_dword(key, name, &value)) && value;
}

static LONG read_persisted(const GUID *id)
{
    static const enum update_flag persisted[] = { UPDATE_HIDDEN, UPDATE_EULA_ACCEPTED, UPDATE_REBOOT_REQUIRED };
    LONG flags = 0;
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(persisted); i++)
        if (read_flag(id, persisted[i])) flags |= persisted[i];
    return flags;
}

HRESULT update_record_persist(struct update_record *record, enum update_flag flag, BOOL on)
{
    WCHAR key[128], name[40];
    HRESULT hr;

    update_key(&record->id, flag, key, ARRAY_SIZE(key), name);
    if (FAILED(hr = state_set_dword(key, name, on ? 1 : 0))) return hr;
    update_record_set(record, flag, on);
    return S_OK;
}

/* --- records --- */

static struct update_record *find_record(const GUID *id)
{
    unsigned int i;

    for (i = 0; i < record_count; i++)
        if (IsEqualGUID(&records[i]->id, id)) return records[i];
    return NULL;
}

static HRESULT add_record(struct update_record *record)
{
    struct update_record **grown;

    if (record_count == record_capacity)
    {
        unsigned int capacity = max(64, record_capacity * 2);

        if (!(grown = realloc(records, capacity * sizeof(*grown)))) return E_OUTOFMEMORY;
        records = grown;
        record_capacity = capacity;
    }
    records[record_count++] = record;
    return S_OK;
}

static void point_at(struct update_record *record, const GUID *service, struct catalog_ref *source,
                     const struct catalog_package *package)
{
    struct catalog_ref *old;

    InterlockedIncrement(&source->refs);
    AcquireSRWLockExclusive(&record->lock);
    old = record->source;
    record->source = source;
    record->package = package;
    record->service = *service;
    ReleaseSRWLockExclusive(&record->lock);
    if (old) catalog_ref_release(old);
}

static HRESULT new_record(const GUID *id, struct update_record **out)
{
    struct update_record *record;
    HRESULT hr;

    if (!(record = calloc(1, sizeof(*record)))) return E_OUTOFMEMORY;
    record->refs = 1;
    record->id = *id;
    record->flags = read_persisted(id);
    InitializeSRWLock(&record->lock);
    if (FAILED(hr = add_record(record)))
    {
        free(record);
        return hr;
    }
    *out = record;
    return S_OK;
}

HRESULT update_record_get(const GUID *service, struct catalog_ref *source, const struct catalog_package *package,
                          struct update_record **out)
{
    struct update_record *record;
    HRESULT hr = S_OK;

    AcquireSRWLockExclusive(&store_lock);
    if ((record = find_record(&package->id))) InterlockedIncrement(&record->refs);
    else hr = new_record(&package->id, &record);
    ReleaseSRWLockExclusive(&store_lock);
    if (FAILED(hr)) return hr;
    point_at(record, service, source, package);
    *out = record;
    return S_OK;
}

void update_record_addref(struct update_record *record)
{
    InterlockedIncrement(&record->refs);
}

void update_record_release(struct update_record *record)
{
    unsigned int i;

    AcquireSRWLockExclusive(&store_lock);
    if (InterlockedDecrement(&record->refs))
    {
        ReleaseSRWLockExclusive(&store_lock);
        return;
    }
    for (i = 0; i < record_count; i++)
    {
        if (records[i] != record) continue;
        records[i] = records[--record_count];
        break;
    }
    ReleaseSRWLockExclusive(&store_lock);
    if (record->source) catalog_ref_release(record->source);
    free(record);
}

/* A pending restart is looked up again: the key may have gone (a restart) since
 * the flag was read.  Only flagged updates pay for it. */
BOOL update_record_has(const struct update_record *record, enum update_flag flag)
{
    if (!(record->flags & flag)) return FALSE;
    return flag != UPDATE_REBOOT_REQUIRED || read_flag(&record->id, flag);
}

void update_record_set(struct update_record *record, enum update_flag flag, BOOL on)
{
    if (on) InterlockedOr(&record->flags, flag);
    else InterlockedAnd(&record->flags, ~(LONG)flag);
}

const struct catalog_package *update_record_lock(struct update_record *record)
{
    AcquireSRWLockShared(&record->lock);
    return record->package;
}

void update_record_unlock(struct update_record *record)
{
    ReleaseSRWLockShared(&record->lock);
}
