/*
 * OpenWUA: the installation history.  No COM objects in here.
 *
 * Every install and uninstall attempt is one entry.  Entries live in
 * %ProgramData%\OpenWUA\History, one file each, written to a temporary name,
 * flushed and renamed: a process killed at any instant leaves every entry
 * whole or absent, and never loses one already recorded.  Readers see the
 * newest entry first.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef OPENWUA_HISTORY_H
#define OPENWUA_HISTORY_H

#include <windows.h>
#include <oleauto.h>

/* One entry as stored.  Strings may be NULL (read back as empty).  Category
 * IDs are the update's categories at the time (classification first). */
struct history_entry
{
    LONG operation;             /* UpdateOperation: 1 install, 2 uninstall */
    LONG result_code;           /* OperationResultCode */
    LONG hresult;
    LONG unmapped_result;       /* the installer's own exit code */
    DATE date;                  /* UTC, as WUA reports history dates */
    GUID update_id;
    LONG revision;
    WCHAR *title;
    WCHAR *description;
    WCHAR *client_id;
    LONG server_selection;      /* ServerSelection */
    GUID service_id;
    WCHAR *support_url;
    WCHAR *uninstall_notes;
    WCHAR **uninstall_steps;
    LONG uninstall_step_count;
    GUID *categories;
    LONG category_count;
    /* Per category, parallel to categories (either may be NULL when appending):
     * its name and its type ("UpdateClassification", "Company", "Product"). */
    WCHAR **category_names;
    WCHAR **category_types;
};

/* The largest entry file written or read: anything bigger is not an entry. */
#define HISTORY_MAX_ENTRY_BYTES (1u << 20)

/* Records one entry (copies what it needs).  Safe from any thread and process. */
HRESULT history_append(const struct history_entry *entry);

/* The number of entries recorded. */
HRESULT history_count(LONG *count);

/* Reads up to count entries, newest first, starting at index start (0 is the
 * newest).  *entries is an array of *read entries; free it with
 * history_free_entries.  A start at or past the end reads none. */
HRESULT history_read(LONG start, LONG count, struct history_entry **entries, LONG *read);

/* The same, counting only the entries of one update (all when update_id is NULL). */
HRESULT history_read_matching(const GUID *update_id, LONG start, LONG count, struct history_entry **entries,
                              LONG *read);

void history_free_entries(struct history_entry *entries, LONG count);

/* Records one install (operation 1) or uninstall (2) attempt of the update
 * that record stands for, taking the title, description, support URL,
 * uninstallation notes and steps, categories, revision and service from its
 * package and the date from the clock.  unmapped_result is the installer's
 * own exit code (0 when it never ran). */
struct update_record;
HRESULT history_record(struct update_record *record, LONG operation, LONG result_code, HRESULT hr,
                       LONG unmapped_result, const WCHAR *client_id);

#endif
