/*
 * OpenWUA tests: the installation history store (src/history.c, linked in
 * straight) and what the searcher and the session make of it.
 *
 * Entries are appended here directly: the store needs no installer.  Each case
 * starts from an empty history folder in the test prefix.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "common.h"
#include <shlobj.h>
#include "history.h"

/* --- helpers --- */

static void history_file(const WCHAR *name, WCHAR path[MAX_PATH])
{
    WCHAR folder[MAX_PATH];

    history_folder(folder);
    swprintf(path, MAX_PATH, L"%ls\\%ls", folder, name);
}

/* Files in the folder whose names match pattern (e.g. L"*.wuh"). */
static LONG count_files(const WCHAR *pattern)
{
    WIN32_FIND_DATAW data;
    WCHAR path[MAX_PATH];
    HANDLE find;
    LONG count = 0;

    history_file(pattern, path);
    if ((find = FindFirstFileW(path, &data)) == INVALID_HANDLE_VALUE) return 0;
    do if (!(data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)) count++;
    while (FindNextFileW(find, &data));
    FindClose(find);
    return count;
}

static void clear_history(void)
{
    WIN32_FIND_DATAW data;
    WCHAR pattern[MAX_PATH], path[MAX_PATH];
    HANDLE find;

    history_file(L"*", pattern);
    if ((find = FindFirstFileW(pattern, &data)) == INVALID_HANDLE_VALUE) return;
    do
    {
        history_file(data.cFileName, path);
        if (!(data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)) assert_true(DeleteFileW(path));
        else if (data.cFileName[0] != '.') assert_true(RemoveDirectoryW(path));
    } while (FindNextFileW(find, &data));
    FindClose(find);
}

static void write_raw(const WCHAR *name, const void *data, DWORD size)
{
    WCHAR path[MAX_PATH];
    DWORD written;
    HANDLE file;

    history_file(name, path);
    file = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    assert_true(file != INVALID_HANDLE_VALUE);
    assert_true(WriteFile(file, data, size, &written, NULL));
    CloseHandle(file);
}

/* The bytes of a file; free them. */
static BYTE *read_raw(const WCHAR *name, DWORD *size)
{
    WCHAR path[MAX_PATH];
    HANDLE file;
    BYTE *data;
    DWORD got;

    history_file(name, path);
    file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    assert_true(file != INVALID_HANDLE_VALUE);
    *size = GetFileSize(file, NULL);
    assert_non_null(data = malloc(*size));
    assert_true(ReadFile(file, data, *size, &got, NULL));
    assert_int_equal(*size, got);
    CloseHandle(file);
    return data;
}

/* A test entry whose every field follows from (tag, n), so a reader can tell
 * whether what it got back is whole. */
struct sample
{
    struct history_entry entry;
    WCHAR title[64], description[400], client[32], url[64], notes[32];
    WCHAR step_text[3][16];
    WCHAR *steps[3];
    GUID categories[2];
    WCHAR name_text[2][16], *names[2], *types[2];
};

/* Tags from here on carry a description of BIG_CHARS characters (960 KB):
 * writing one takes long enough for a kill to land inside the write. */
#define BIG_TAG_BASE 0x1000
#define BIG_CHARS 480000
#define BIG_KILL_POINTS 120

static WCHAR big_description[BIG_CHARS + 1];

static void make_sample(struct sample *s, DWORD tag, LONG n)
{
    LONG i;

    memset(s, 0, sizeof(*s));
    swprintf(s->title, ARRAYSIZE(s->title), L"Mise à jour %lu/%ld \x65e5\x672c", (unsigned long)tag, n);
    for (i = 0; i < n % 300 && i < (LONG)ARRAYSIZE(s->description) - 1; i++) s->description[i] = L'a' + i % 26;
    swprintf(s->client, ARRAYSIZE(s->client), L"client-%ld", n);
    swprintf(s->url, ARRAYSIZE(s->url), L"https://example.com/kb/%ld", n);
    swprintf(s->notes, ARRAYSIZE(s->notes), L"notes %ld", n);
    s->entry.operation = 1 + n % 2;
    s->entry.result_code = n % 6;
    s->entry.hresult = n * 7;
    s->entry.unmapped_result = (LONG)tag;
    s->entry.date = 45000.0 + n / 8.0;
    s->entry.update_id.Data1 = tag;
    s->entry.update_id.Data2 = (WORD)n;
    s->entry.update_id.Data3 = (WORD)(n >> 16);
    s->entry.revision = n;
    s->entry.server_selection = n % 4;
    s->entry.service_id.Data1 = 0x5e000000 | n;
    s->entry.title = s->title;
    s->entry.description = s->description;
    if (tag >= BIG_TAG_BASE)
    {
        for (i = 0; i < BIG_CHARS; i++) big_description[i] = L'a' + (i + n) % 26;
        s->entry.description = big_description;
    }
    s->entry.client_id = s->client;
    s->entry.support_url = s->url;
    s->entry.uninstall_notes = s->notes;
    s->entry.uninstall_step_count = n % 4;
    for (i = 0; i < 3; i++)
    {
        swprintf(s->step_text[i], ARRAYSIZE(s->step_text[i]), L"step %ld", i + n);
        s->steps[i] = s->step_text[i];
    }
    s->entry.uninstall_steps = s->steps;
    s->entry.category_count = n % 3;
    for (i = 0; i < 2; i++)
    {
        s->categories[i].Data1 = 0xca7 + i;
        s->categories[i].Data2 = (WORD)n;
        swprintf(s->name_text[i], ARRAYSIZE(s->name_text[i]), L"Cat %ld", i);
        s->names[i] = s->name_text[i];
        s->types[i] = i ? L"Product" : L"UpdateClassification";
    }
    s->entry.categories = s->categories;
    s->entry.category_names = s->names;
    s->entry.category_types = s->types;
}

static void append_sample(DWORD tag, LONG n)
{
    struct sample s;

    make_sample(&s, tag, n);
    assert_hr(S_OK, history_append(&s.entry));
}

static BOOL same_string(const WCHAR *a, const WCHAR *b)
{
    return !wcscmp(a ? a : L"", b ? b : L"");
}

/* TRUE when got is exactly the entry (tag, n) stands for. */
static BOOL entry_is(const struct history_entry *got, DWORD tag, LONG n)
{
    struct sample s;
    const struct history_entry *e = &s.entry;
    LONG i;

    make_sample(&s, tag, n);
    if (got->operation != e->operation || got->result_code != e->result_code || got->hresult != e->hresult
        || got->unmapped_result != e->unmapped_result || got->date != e->date || got->revision != e->revision
        || got->server_selection != e->server_selection || !IsEqualGUID(&got->update_id, &e->update_id)
        || !IsEqualGUID(&got->service_id, &e->service_id) || !same_string(got->title, e->title)
        || !same_string(got->description, e->description) || !same_string(got->client_id, e->client_id)
        || !same_string(got->support_url, e->support_url) || !same_string(got->uninstall_notes, e->uninstall_notes)
        || got->uninstall_step_count != e->uninstall_step_count || got->category_count != e->category_count)
        return FALSE;
    for (i = 0; i < e->uninstall_step_count; i++)
        if (!same_string(got->uninstall_steps[i], e->uninstall_steps[i])) return FALSE;
    for (i = 0; i < e->category_count; i++)
        if (!IsEqualGUID(&got->categories[i], &e->categories[i])
            || !same_string(got->category_names[i], e->category_names[i])
            || !same_string(got->category_types[i], e->category_types[i]))
            return FALSE;
    return TRUE;
}

/* The (tag, n) a sample entry was made from, read back from its fields. */
static void sample_key(const struct history_entry *e, DWORD *tag, LONG *n)
{
    *tag = (DWORD)e->unmapped_result;
    *n = e->revision;
}

static void assert_count(LONG expected)
{
    LONG count = -1;

    assert_hr(S_OK, history_count(&count));
    assert_int_equal(expected, count);
}

/* --- the store --- */

static void empty_history_reads_nothing(void **state)
{
    struct history_entry *entries = (void *)1;
    LONG read = -1;

    (void)state;
    clear_history();
    assert_count(0);
    assert_hr(S_OK, history_read(0, 10, &entries, &read));
    assert_int_equal(0, read);
    history_free_entries(entries, read);
    assert_hr(S_OK, history_read(5, 1, &entries, &read));
    assert_int_equal(0, read);
    history_free_entries(entries, read);
}

static void entry_round_trips_whole(void **state)
{
    struct history_entry *entries;
    struct sample s;
    LONG read, n;

    (void)state;
    clear_history();
    /* every shape: no steps or categories, some, all */
    for (n = 297; n < 301; n++)
    {
        make_sample(&s, 7, n);
        assert_hr(S_OK, history_append(&s.entry));
        assert_hr(S_OK, history_read(0, 1, &entries, &read));
        assert_int_equal(1, read);
        assert_true(entry_is(&entries[0], 7, n));
        history_free_entries(entries, read);
    }
    assert_count(4);
}

static void null_strings_read_back_empty(void **state)
{
    struct history_entry entry, *entries;
    LONG read;

    (void)state;
    clear_history();
    memset(&entry, 0, sizeof(entry));
    entry.operation = 2;
    entry.result_code = 4;
    entry.hresult = (LONG)0x80070643;
    assert_hr(S_OK, history_append(&entry));
    assert_hr(S_OK, history_read(0, 1, &entries, &read));
    assert_int_equal(1, read);
    assert_int_equal(2, entries[0].operation);
    assert_int_equal(4, entries[0].result_code);
    assert_int_equal((LONG)0x80070643, entries[0].hresult);
    assert_non_null(entries[0].title);
    assert_int_equal(0, wcslen(entries[0].title));
    assert_non_null(entries[0].uninstall_notes);
    assert_int_equal(0, wcslen(entries[0].uninstall_notes));
    assert_int_equal(0, entries[0].uninstall_step_count);
    assert_int_equal(0, entries[0].category_count);
    history_free_entries(entries, read);
}

static void entries_come_newest_first(void **state)
{
    struct history_entry *entries;
    LONG read, i;

    (void)state;
    clear_history();
    for (i = 0; i < 5; i++) append_sample(1, i);
    assert_count(5);
    assert_hr(S_OK, history_read(0, 5, &entries, &read));
    assert_int_equal(5, read);
    for (i = 0; i < 5; i++) assert_true(entry_is(&entries[i], 1, 4 - i));
    history_free_entries(entries, read);

    assert_hr(S_OK, history_read(2, 2, &entries, &read));
    assert_int_equal(2, read);
    assert_true(entry_is(&entries[0], 1, 2));
    assert_true(entry_is(&entries[1], 1, 1));
    history_free_entries(entries, read);

    /* more than there is: what there is */
    assert_hr(S_OK, history_read(3, 100, &entries, &read));
    assert_int_equal(2, read);
    assert_true(entry_is(&entries[1], 1, 0));
    history_free_entries(entries, read);

    /* at or past the end: nothing */
    assert_hr(S_OK, history_read(5, 1, &entries, &read));
    assert_int_equal(0, read);
    history_free_entries(entries, read);
    assert_hr(S_OK, history_read(0x7fffffff, 0x7fffffff, &entries, &read));
    assert_int_equal(0, read);
    history_free_entries(entries, read);
}

static void many_entries_keep_their_order(void **state)
{
    struct history_entry *entries;
    LONG read, i, total = 400;

    (void)state;
    clear_history();
    for (i = 0; i < total; i++) append_sample(2, i);
    assert_count(total);
    assert_hr(S_OK, history_read(0, 0x7fffffff, &entries, &read));
    assert_int_equal(total, read);
    for (i = 0; i < total; i++)
        if (!entry_is(&entries[i], 2, total - 1 - i)) fail_msg("entry %ld is not the one appended %ldth", i, total - 1 - i);
    history_free_entries(entries, read);
    assert_hr(S_OK, history_read(total - 1, 1, &entries, &read));
    assert_int_equal(1, read);
    assert_true(entry_is(&entries[0], 2, 0));
    history_free_entries(entries, read);
}

static void entries_of_one_update_are_found(void **state)
{
    struct history_entry *entries;
    struct sample s;
    LONG read, i;

    (void)state;
    clear_history();
    for (i = 0; i < 6; i++) append_sample(3 + i % 2, i);    /* tags 3 and 4 alternate */
    make_sample(&s, 4, 5);
    assert_hr(S_OK, history_read_matching(&s.entry.update_id, 0, 10, &entries, &read));
    assert_int_equal(1, read);
    assert_true(entry_is(&entries[0], 4, 5));
    history_free_entries(entries, read);
    make_sample(&s, 9, 9);
    assert_hr(S_OK, history_read_matching(&s.entry.update_id, 0, 10, &entries, &read));
    assert_int_equal(0, read);
    history_free_entries(entries, read);
}

static void bad_input_changes_nothing(void **state)
{
    struct history_entry *entries;
    struct sample s;
    WCHAR *huge;
    LONG read;
    size_t i;

    (void)state;
    clear_history();
    append_sample(5, 1);
    assert_hr(E_POINTER, history_append(NULL));
    assert_hr(E_POINTER, history_count(NULL));
    assert_hr(E_POINTER, history_read(0, 1, NULL, &read));
    assert_hr(E_POINTER, history_read(0, 1, &entries, NULL));
    assert_hr(E_INVALIDARG, history_read(-1, 1, &entries, &read));
    assert_null(entries);
    assert_hr(E_INVALIDARG, history_read(0, -1, &entries, &read));

    make_sample(&s, 5, 2);
    s.entry.uninstall_step_count = -1;
    assert_hr(E_INVALIDARG, history_append(&s.entry));
    s.entry.uninstall_step_count = 2;
    s.entry.uninstall_steps = NULL;
    assert_hr(E_INVALIDARG, history_append(&s.entry));

    /* bigger than an entry may be */
    make_sample(&s, 5, 3);
    assert_non_null(huge = malloc((HISTORY_MAX_ENTRY_BYTES / 2 + 1) * sizeof(WCHAR)));
    for (i = 0; i < HISTORY_MAX_ENTRY_BYTES / 2; i++) huge[i] = 'x';
    huge[i] = 0;
    s.entry.description = huge;
    assert_hr(E_INVALIDARG, history_append(&s.entry));
    free(huge);

    assert_count(1);
    assert_int_equal(1, count_files(L"*"));
}

static void torn_and_foreign_files_are_ignored(void **state)
{
    static const char garbage[] = "not an entry at all";
    struct history_entry *entries;
    BYTE *data, *big;
    WCHAR path[MAX_PATH];
    DWORD size;
    LONG read;

    (void)state;
    clear_history();
    append_sample(6, 10);
    append_sample(6, 11);
    data = read_raw(L"0000000000000002.wuh", &size);

    write_raw(L"0000000000000003.wuh", data, size / 2);                 /* torn */
    write_raw(L"0000000000000004.wuh", data, 0);                        /* empty */
    data[size - 1] ^= 0x40;
    write_raw(L"0000000000000005.wuh", data, size);                     /* a bit flipped */
    data[size - 1] ^= 0x40;
    write_raw(L"0000000000000006.wuh", garbage, sizeof(garbage));       /* foreign */
    write_raw(L"00000000000000zz.wuh", data, size);                     /* not a name the store makes */
    write_raw(L"readme.txt", data, size);
    write_raw(L"0000000000000007.tmp", data, size);                     /* a writer died before the rename */
    assert_non_null(big = calloc(1, HISTORY_MAX_ENTRY_BYTES + 16));
    memcpy(big, data, size);
    write_raw(L"0000000000000008.wuh", big, HISTORY_MAX_ENTRY_BYTES + 16);    /* too big to be one */
    free(big);
    history_file(L"0000000000000009.wuh", path);
    assert_true(CreateDirectoryW(path, NULL));
    free(data);

    assert_count(2);
    assert_hr(S_OK, history_read(0, 10, &entries, &read));
    assert_int_equal(2, read);
    assert_true(entry_is(&entries[0], 6, 11));
    assert_true(entry_is(&entries[1], 6, 10));
    history_free_entries(entries, read);

    /* appending goes on after them, newest first still; the dead writer's temp file goes */
    append_sample(6, 12);
    assert_count(3);
    assert_hr(S_OK, history_read(0, 1, &entries, &read));
    assert_true(entry_is(&entries[0], 6, 12));
    history_free_entries(entries, read);
    assert_int_equal(0, count_files(L"*.tmp"));
}

/* --- crash safety: a child appending in a loop is killed at many points --- */

#define CHILD_TAG_BASE 0x100
#define KILL_POINTS 60

static const WCHAR ready_event_name[] = L"OpenWUA.HistoryTest.Ready";

/* The child: appends (tag, 0), (tag, 1), ... until killed; signals after the first `before` of them. */
static int child_append_loop(DWORD tag, LONG before)
{
    HANDLE ready = OpenEventW(EVENT_MODIFY_STATE, FALSE, ready_event_name);
    struct sample s;
    LONG n;

    if (!ready) return 2;
    for (n = 0; n < 100000; n++)
    {
        if (n == before) SetEvent(ready);
        make_sample(&s, tag, n);
        if (FAILED(history_append(&s.entry))) return 3;
    }
    return 0;
}

struct key
{
    DWORD tag;
    LONG n;
};

/* The keys of all entries, newest first; checks each is whole and in order. */
static struct key *read_keys(LONG *count)
{
    struct history_entry *entries;
    struct key *keys;
    LONG read, i;

    assert_hr(S_OK, history_read(0, 0x7fffffff, &entries, &read));
    assert_non_null(keys = calloc(read + 1, sizeof(*keys)));
    for (i = 0; i < read; i++)
    {
        sample_key(&entries[i], &keys[i].tag, &keys[i].n);
        if (!entry_is(&entries[i], keys[i].tag, keys[i].n)) fail_msg("entry %ld is not whole", i);
        /* one child at a time appends 0, 1, 2, ...: newest first, each child's numbers fall by one */
        if (i && keys[i].tag == keys[i - 1].tag && keys[i].n != keys[i - 1].n - 1)
            fail_msg("entry %ld out of order", i);
    }
    history_free_entries(entries, read);
    *count = read;
    return keys;
}

static void killed_writers_leave_whole_entries(void **state)
{
    WCHAR path[MAX_PATH], cmdline[2 * MAX_PATH];
    struct key *before, *after;
    LONG before_count = 0, after_count, i, point;
    LONG torn_kills = 0;
    PROCESS_INFORMATION pi;
    STARTUPINFOW si;
    HANDLE ready;
    volatile LONG spin;

    (void)state;
    clear_history();
    before = read_keys(&before_count);
    assert_non_null(ready = CreateEventW(NULL, TRUE, FALSE, ready_event_name));
    GetModuleFileNameW(NULL, path, MAX_PATH);
    for (point = 0; point < KILL_POINTS; point++)
    {
        ResetEvent(ready);
        swprintf(cmdline, ARRAYSIZE(cmdline), L"\"%ls\" --append-loop %lu %ld", path,
                 (unsigned long)(CHILD_TAG_BASE + point), point % 5);
        memset(&si, 0, sizeof(si));
        si.cb = sizeof(si);
        assert_true(CreateProcessW(NULL, cmdline, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
        assert_int_equal(WAIT_OBJECT_0, WaitForSingleObject(ready, 60000));
        /* a different instant each time: a point-dependent spin after the child is past `before` appends */
        for (spin = 0; spin < (point * 7919 % 61) * 20000; spin++) {}
        assert_true(TerminateProcess(pi.hProcess, 99));
        assert_int_equal(WAIT_OBJECT_0, WaitForSingleObject(pi.hProcess, 60000));
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
        if (count_files(L"*.tmp")) torn_kills++;

        after = read_keys(&after_count);
        /* every committed file is a whole entry, the count never goes down, nothing earlier is lost */
        assert_int_equal(after_count, count_files(L"*.wuh"));
        assert_true(after_count >= before_count + point % 5);
        for (i = 0; i < before_count; i++)
        {
            LONG j = after_count - before_count + i;

            if (after[j].tag != before[i].tag || after[j].n != before[i].n)
                fail_msg("kill %ld lost entry %lu/%ld", point, (unsigned long)before[i].tag, before[i].n);
        }
        free(before);
        before = after;
        before_count = after_count;
    }
    free(before);
    CloseHandle(ready);
    /* not asserted (it depends on timing): how many kills hit a write in progress */
    print_message("%d kill points, %ld entries, %ld kills left a temp file\n", KILL_POINTS, before_count, torn_kills);
    append_sample(1, 1);
    assert_int_equal(0, count_files(L"*.tmp"));
}

/* The child: appends big entries (tag, 0), (tag, 1), ... until killed. */
static int child_append_big(DWORD tag)
{
    HANDLE ready = OpenEventW(EVENT_MODIFY_STATE, FALSE, ready_event_name);
    struct sample s;
    LONG n;

    if (!ready) return 2;
    SetEvent(ready);
    for (n = 0; n < 100000; n++)
    {
        make_sample(&s, tag, n);
        if (FAILED(history_append(&s.entry))) return 3;
    }
    return 0;
}

/* The same with entries so big that their write is a window a kill can hit:
 * a store that wrote straight to the final name would leave a torn entry
 * file behind, which this case sees (a file no reader takes for an entry). */
static void killed_big_writes_leave_whole_entries(void **state)
{
    WCHAR path[MAX_PATH], cmdline[2 * MAX_PATH];
    struct history_entry *entries;
    LONG before_files, after_files, added, read, i, point, total = 0;
    PROCESS_INFORMATION pi;
    STARTUPINFOW si;
    HANDLE ready;
    DWORD tag;

    (void)state;
    clear_history();
    assert_non_null(ready = CreateEventW(NULL, TRUE, FALSE, ready_event_name));
    GetModuleFileNameW(NULL, path, MAX_PATH);
    for (point = 0; point < BIG_KILL_POINTS; point++)
    {
        tag = BIG_TAG_BASE + point;
        before_files = count_files(L"*.wuh");
        ResetEvent(ready);
        swprintf(cmdline, ARRAYSIZE(cmdline), L"\"%ls\" --append-big %lu", path, (unsigned long)tag);
        memset(&si, 0, sizeof(si));
        si.cb = sizeof(si);
        assert_true(CreateProcessW(NULL, cmdline, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
        assert_int_equal(WAIT_OBJECT_0, WaitForSingleObject(ready, 60000));
        /* 0 to 60 ms: several appends, killed anywhere in one */
        Sleep(point * 37 % 61);
        assert_true(TerminateProcess(pi.hProcess, 99));
        assert_int_equal(WAIT_OBJECT_0, WaitForSingleObject(pi.hProcess, 60000));
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);

        /* every new file is a whole entry of this child's, in order: nothing torn under a final name */
        after_files = count_files(L"*.wuh");
        assert_true(after_files >= before_files);
        added = after_files - before_files;
        total += added;
        assert_hr(S_OK, history_read(0, added, &entries, &read));
        assert_int_equal(added, read);
        for (i = 0; i < read; i++)
            if (!entry_is(&entries[i], tag, added - 1 - i)) fail_msg("kill %ld: entry %ld is not whole", point, i);
        history_free_entries(entries, read);
    }
    CloseHandle(ready);
    print_message("%d kill points, %ld big entries\n", BIG_KILL_POINTS, total);
    /* and nothing earlier was lost or torn: every file still reads as an entry */
    assert_count(count_files(L"*.wuh"));
    append_sample(1, 1);
    assert_int_equal(0, count_files(L"*.tmp"));
    clear_history();
}

/* --- QueryHistory and the entry objects --- */

static void assert_bstr(const WCHAR *expected, BSTR value)
{
    if (wcscmp(expected, value ? value : L"")) fail_msg("got \"%ls\", expected \"%ls\"", value, expected);
    SysFreeString(value);
}

static void guid_text(const GUID *id, WCHAR text[37])
{
    swprintf(text, 37, L"%08lx-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x", (unsigned long)id->Data1, id->Data2,
             id->Data3, id->Data4[0], id->Data4[1], id->Data4[2], id->Data4[3], id->Data4[4], id->Data4[5],
             id->Data4[6], id->Data4[7]);
}

static LONG collection_count(IUpdateHistoryEntryCollection *coll)
{
    LONG count = -1;

    assert_hr(S_OK, IUpdateHistoryEntryCollection_get_Count(coll, &count));
    return count;
}

/* The title of item index, checked against the sample (tag, n). */
static void assert_item(IUpdateHistoryEntryCollection *coll, LONG index, DWORD tag, LONG n)
{
    IUpdateHistoryEntry *item;
    struct sample s;
    BSTR title;
    LONG revision;
    IUpdateIdentity *identity;

    make_sample(&s, tag, n);
    assert_hr(S_OK, IUpdateHistoryEntryCollection_get_Item(coll, index, &item));
    assert_hr(S_OK, IUpdateHistoryEntry_get_Title(item, &title));
    assert_bstr(s.title, title);
    assert_hr(S_OK, IUpdateHistoryEntry_get_UpdateIdentity(item, &identity));
    assert_hr(S_OK, IUpdateIdentity_get_RevisionNumber(identity, &revision));
    assert_int_equal(n, revision);
    IUpdateIdentity_Release(identity);
    IUpdateHistoryEntry_Release(item);
}

static void searcher_history_edge_cases(void **state)
{
    IUpdateSearcher *searcher = create(&CLSID_UpdateSearcher, &IID_IUpdateSearcher);
    IUpdateHistoryEntryCollection *coll = (void *)1;
    LONG total = -1, i;

    (void)state;
    clear_history();
    assert_hr(S_OK, IUpdateSearcher_GetTotalHistoryCount(searcher, &total));
    assert_int_equal(0, total);
    /* real Windows: QueryHistory(0, 0) fails, and clients know it */
    assert_hr(WU_E_INVALIDINDEX, IUpdateSearcher_QueryHistory(searcher, 0, 0, &coll));
    assert_null(coll);
    assert_hr(WU_E_INVALIDINDEX, IUpdateSearcher_QueryHistory(searcher, -1, 1, &coll));
    assert_hr(WU_E_INVALIDINDEX, IUpdateSearcher_QueryHistory(searcher, 0, -5, &coll));
    assert_hr(E_POINTER, IUpdateSearcher_QueryHistory(searcher, 0, 1, NULL));
    assert_hr(E_POINTER, IUpdateSearcher_GetTotalHistoryCount(searcher, NULL));
    assert_hr(S_OK, IUpdateSearcher_QueryHistory(searcher, 0, 1, &coll));
    assert_int_equal(0, collection_count(coll));
    IUpdateHistoryEntryCollection_Release(coll);

    for (i = 0; i < 3; i++) append_sample(20, i);
    assert_hr(S_OK, IUpdateSearcher_GetTotalHistoryCount(searcher, &total));
    assert_int_equal(3, total);
    assert_hr(S_OK, IUpdateSearcher_QueryHistory(searcher, 0, 100, &coll));
    assert_int_equal(3, collection_count(coll));
    for (i = 0; i < 3; i++) assert_item(coll, i, 20, 2 - i);
    IUpdateHistoryEntryCollection_Release(coll);
    /* Get-WUHistory pages one at a time until Count is 0 */
    for (i = 0; i < 4; i++)
    {
        assert_hr(S_OK, IUpdateSearcher_QueryHistory(searcher, i, 1, &coll));
        assert_int_equal(i < 3 ? 1 : 0, collection_count(coll));
        if (i < 3) assert_item(coll, 0, 20, 2 - i);
        IUpdateHistoryEntryCollection_Release(coll);
    }
    assert_hr(S_OK, IUpdateSearcher_QueryHistory(searcher, 1000, 1, &coll));
    assert_int_equal(0, collection_count(coll));
    IUpdateHistoryEntryCollection_Release(coll);
    assert_hr(WU_E_INVALIDINDEX, IUpdateSearcher_QueryHistory(searcher, 0, 0, &coll));
    IUpdateSearcher_Release(searcher);
}

static void entry_members_read_back(void **state)
{
    IUpdateSearcher *searcher = create(&CLSID_UpdateSearcher, &IID_IUpdateSearcher);
    IUpdateHistoryEntryCollection *coll;
    IUpdateHistoryEntry2 *entry;
    IUpdateHistoryEntry *item;
    IUpdateIdentity *identity;
    IStringCollection *steps;
    ICategoryCollection *categories;
    ICategory *category;
    IUnknown *unknown;
    IEnumVARIANT *enumerator;
    UpdateOperation operation;
    OperationResultCode result;
    ServerSelection server;
    VARIANT v;
    WCHAR text[37];
    struct sample s;
    LONG value, count;
    DATE date;
    BSTR bstr;

    (void)state;
    clear_history();
    make_sample(&s, 30, 302);      /* operation 1, result 2, two steps, two categories */
    assert_hr(S_OK, history_append(&s.entry));
    assert_hr(S_OK, IUpdateSearcher_QueryHistory(searcher, 0, 1, &coll));
    assert_hr(S_OK, IUpdateHistoryEntryCollection_get_Item(coll, 0, &item));
    assert_hr(S_OK, IUpdateHistoryEntry_QueryInterface(item, &IID_IUpdateHistoryEntry2, (void **)&entry));

    assert_hr(S_OK, IUpdateHistoryEntry2_get_Operation(entry, &operation));
    assert_int_equal(uoInstallation, operation);
    assert_hr(S_OK, IUpdateHistoryEntry2_get_ResultCode(entry, &result));
    assert_int_equal(orcSucceeded, result);
    assert_hr(S_OK, IUpdateHistoryEntry2_get_HResult(entry, &value));
    assert_int_equal(302 * 7, value);
    assert_hr(S_OK, IUpdateHistoryEntry2_get_Date(entry, &date));
    assert_true(date == s.entry.date);
    assert_hr(S_OK, IUpdateHistoryEntry2_get_UpdateIdentity(entry, &identity));
    assert_hr(S_OK, IUpdateIdentity_get_UpdateID(identity, &bstr));
    guid_text(&s.entry.update_id, text);
    assert_bstr(text, bstr);
    IUpdateIdentity_Release(identity);
    assert_hr(S_OK, IUpdateHistoryEntry2_get_Title(entry, &bstr));
    assert_bstr(s.title, bstr);
    assert_hr(S_OK, IUpdateHistoryEntry2_get_Description(entry, &bstr));
    assert_bstr(s.description, bstr);
    assert_hr(S_OK, IUpdateHistoryEntry2_get_UnmappedResultCode(entry, &value));
    assert_int_equal(30, value);
    assert_hr(S_OK, IUpdateHistoryEntry2_get_ClientApplicationID(entry, &bstr));
    assert_bstr(L"client-302", bstr);
    assert_hr(S_OK, IUpdateHistoryEntry2_get_ServerSelection(entry, &server));
    assert_int_equal(ssWindowsUpdate, server);
    assert_hr(S_OK, IUpdateHistoryEntry2_get_ServiceID(entry, &bstr));
    guid_text(&s.entry.service_id, text);
    assert_bstr(text, bstr);
    assert_hr(S_OK, IUpdateHistoryEntry2_get_UninstallationNotes(entry, &bstr));
    assert_bstr(L"notes 302", bstr);
    assert_hr(S_OK, IUpdateHistoryEntry2_get_SupportUrl(entry, &bstr));
    assert_bstr(L"https://example.com/kb/302", bstr);

    assert_hr(S_OK, IUpdateHistoryEntry2_get_UninstallationSteps(entry, &steps));
    assert_hr(S_OK, IStringCollection_get_Count(steps, &count));
    assert_int_equal(2, count);
    assert_hr(S_OK, IStringCollection_get_Item(steps, 1, &bstr));
    assert_bstr(L"step 303", bstr);
    bstr = SysAllocString(L"x");
    assert_hr(WU_E_NOT_SUPPORTED, IStringCollection_Add(steps, bstr, &value));
    SysFreeString(bstr);
    IStringCollection_Release(steps);

    assert_hr(S_OK, IUpdateHistoryEntry2_get_Categories(entry, &categories));
    assert_hr(S_OK, ICategoryCollection_get_Count(categories, &count));
    assert_int_equal(2, count);
    assert_hr(S_OK, ICategoryCollection_get_Item(categories, 1, &category));
    assert_hr(S_OK, ICategory_get_Name(category, &bstr));
    assert_bstr(L"Cat 1", bstr);
    assert_hr(S_OK, ICategory_get_Type(category, &bstr));
    assert_bstr(L"Product", bstr);
    assert_hr(S_OK, ICategory_get_CategoryID(category, &bstr));
    guid_text(&s.categories[1], text);
    assert_bstr(text, bstr);
    ICategory_Release(category);
    ICategoryCollection_Release(categories);

    assert_hr(E_POINTER, IUpdateHistoryEntry2_get_Title(entry, NULL));
    assert_hr(E_POINTER, IUpdateHistoryEntry2_get_Date(entry, NULL));
    assert_hr(E_POINTER, IUpdateHistoryEntry2_get_Categories(entry, NULL));
    IUpdateHistoryEntry2_Release(entry);
    IUpdateHistoryEntry_Release(item);

    /* the collection: bounds, enumeration */
    item = (void *)1;
    assert_hr(WU_E_INVALIDINDEX, IUpdateHistoryEntryCollection_get_Item(coll, 1, &item));
    assert_null(item);
    assert_hr(WU_E_INVALIDINDEX, IUpdateHistoryEntryCollection_get_Item(coll, -1, &item));
    assert_hr(S_OK, IUpdateHistoryEntryCollection_get__NewEnum(coll, &unknown));
    assert_hr(S_OK, IUnknown_QueryInterface(unknown, &IID_IEnumVARIANT, (void **)&enumerator));
    VariantInit(&v);
    assert_hr(S_OK, IEnumVARIANT_Next(enumerator, 1, &v, NULL));
    assert_int_equal(VT_DISPATCH, V_VT(&v));
    VariantClear(&v);
    assert_hr(S_FALSE, IEnumVARIANT_Next(enumerator, 1, &v, NULL));
    IEnumVARIANT_Release(enumerator);
    IUnknown_Release(unknown);
    IUpdateHistoryEntryCollection_Release(coll);
    IUpdateSearcher_Release(searcher);
}

static void session_history_takes_an_update_id(void **state)
{
    IUpdateSession3 *session = create(&CLSID_UpdateSession, &IID_IUpdateSession3);
    static const WCHAR *const bad[] =
    {
        L"IsInstalled=1", L"UpdateID", L"UpdateID=", L"UpdateID='nonsense'", L"UpdateID = '00000014-0001-0000-0000-000000000000",
        L"UpdateID='00000014-0001-0000-0000-000000000000' and UpdateID='00000014-0002-0000-0000-000000000000'",
        L"UpdateID!='00000014-0001-0000-0000-000000000000'", L"RevisionNumber=1", L"UpdateIDs='00000014-0001-0000-0000-000000000000'",
    };
    IUpdateHistoryEntryCollection *coll = (void *)1;
    BSTR criteria;
    size_t i;

    (void)state;
    clear_history();
    criteria = SysAllocString(L"");
    assert_hr(S_OK, IUpdateSession3_QueryHistory(session, criteria, 0, 100, &coll));
    assert_int_equal(0, collection_count(coll));   /* no history: empty, not an error */
    IUpdateHistoryEntryCollection_Release(coll);
    SysFreeString(criteria);

    for (i = 0; i < 4; i++) append_sample(20, i % 2);       /* update IDs 00000014-0000 and -0001, twice each */
    assert_hr(S_OK, IUpdateSession3_QueryHistory(session, NULL, 0, 100, &coll));
    assert_int_equal(4, collection_count(coll));
    IUpdateHistoryEntryCollection_Release(coll);

    criteria = SysAllocString(L"  updateid = '{00000014-0001-0000-0000-000000000000}' ");
    assert_hr(S_OK, IUpdateSession3_QueryHistory(session, criteria, 0, 100, &coll));
    assert_int_equal(2, collection_count(coll));
    assert_item(coll, 0, 20, 1);
    assert_item(coll, 1, 20, 1);
    IUpdateHistoryEntryCollection_Release(coll);
    assert_hr(S_OK, IUpdateSession3_QueryHistory(session, criteria, 1, 1, &coll));
    assert_int_equal(1, collection_count(coll));
    IUpdateHistoryEntryCollection_Release(coll);
    assert_hr(S_OK, IUpdateSession3_QueryHistory(session, criteria, 2, 1, &coll));
    assert_int_equal(0, collection_count(coll));
    IUpdateHistoryEntryCollection_Release(coll);
    assert_hr(WU_E_INVALIDINDEX, IUpdateSession3_QueryHistory(session, criteria, 0, 0, &coll));
    assert_hr(WU_E_INVALIDINDEX, IUpdateSession3_QueryHistory(session, criteria, -1, 1, &coll));
    assert_hr(E_POINTER, IUpdateSession3_QueryHistory(session, criteria, 0, 1, NULL));
    SysFreeString(criteria);

    criteria = SysAllocString(L"UpdateID='00000014-0009-0000-0000-000000000000'");
    assert_hr(S_OK, IUpdateSession3_QueryHistory(session, criteria, 0, 1, &coll));
    assert_int_equal(0, collection_count(coll));
    IUpdateHistoryEntryCollection_Release(coll);
    SysFreeString(criteria);

    for (i = 0; i < ARRAYSIZE(bad); i++)
    {
        coll = (void *)1;
        criteria = SysAllocString(bad[i]);
        if (IUpdateSession3_QueryHistory(session, criteria, 0, 1, &coll) != WU_E_INVALID_CRITERIA)
            fail_msg("\"%ls\" was taken", bad[i]);
        assert_null(coll);
        SysFreeString(criteria);
    }
    /* a NUL inside: not what it seems */
    criteria = SysAllocStringLen(L"UpdateID='00000014-0001-0000-0000-000000000000'\0x", 50);
    assert_hr(WU_E_INVALID_CRITERIA, IUpdateSession3_QueryHistory(session, criteria, 0, 1, &coll));
    SysFreeString(criteria);
    IUpdateSession3_Release(session);
}

static void history_through_idispatch(void **state)
{
    IDispatch *searcher = create(&CLSID_UpdateSearcher, &IID_IDispatch);
    VARIANT result, args[2], item, value;
    EXCEPINFO excep;

    (void)state;
    clear_history();
    append_sample(40, 5);
    args[0] = var_i4(0);
    args[1] = var_i4(0);
    memset(&excep, 0, sizeof(excep));
    assert_hr(DISP_E_EXCEPTION, invoke(searcher, L"QueryHistory", DISPATCH_METHOD, &result, &excep, 2, args));
    assert_hr(WU_E_INVALIDINDEX, excep.scode);
    args[1] = var_i4(5);
    assert_hr(S_OK, invoke(searcher, L"QueryHistory", DISPATCH_METHOD, &result, NULL, 2, args));
    assert_int_equal(VT_DISPATCH, V_VT(&result));
    args[0] = var_i4(0);
    assert_hr(S_OK, invoke(V_DISPATCH(&result), L"Item", DISPATCH_PROPERTYGET, &item, NULL, 1, args));
    assert_int_equal(VT_DISPATCH, V_VT(&item));
    assert_hr(S_OK, get_property(V_DISPATCH(&item), L"Date", &value));
    assert_int_equal(VT_DATE, V_VT(&value));
    assert_hr(S_OK, get_property(V_DISPATCH(&item), L"Categories", &value));
    assert_int_equal(VT_DISPATCH, V_VT(&value));
    VariantClear(&value);
    assert_hr(S_OK, get_property(V_DISPATCH(&item), L"Operation", &value));
    assert_int_equal(VT_I4, V_VT(&value));
    assert_int_equal(uoUninstallation, V_I4(&value));
    VariantClear(&item);
    VariantClear(&result);
    assert_hr(S_OK, invoke(searcher, L"GetTotalHistoryCount", DISPATCH_METHOD | DISPATCH_PROPERTYGET, &result, NULL,
                           0, NULL));
    assert_int_equal(1, V_I4(&result));
    IDispatch_Release(searcher);
}

/* For tests/scripts/history.vbs: an empty history, then count entries (tag 50). */
static int seed(LONG count)
{
    struct sample s;
    LONG n;

    clear_history();
    for (n = 0; n < count; n++)
    {
        make_sample(&s, 50, n);
        if (FAILED(history_append(&s.entry))) return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] =
    {
        LEAK_CHECKED(empty_history_reads_nothing),
        LEAK_CHECKED(entry_round_trips_whole),
        LEAK_CHECKED(null_strings_read_back_empty),
        LEAK_CHECKED(entries_come_newest_first),
        LEAK_CHECKED(many_entries_keep_their_order),
        LEAK_CHECKED(entries_of_one_update_are_found),
        LEAK_CHECKED(bad_input_changes_nothing),
        LEAK_CHECKED(torn_and_foreign_files_are_ignored),
        LEAK_CHECKED(killed_writers_leave_whole_entries),
        LEAK_CHECKED(killed_big_writes_leave_whole_entries),
        LEAK_CHECKED(searcher_history_edge_cases),
        LEAK_CHECKED(entry_members_read_back),
        LEAK_CHECKED(session_history_takes_an_update_id),
        LEAK_CHECKED(history_through_idispatch),
    };
    int failed;

    if (argc > 2 && !strcmp(argv[1], "--seed")) return seed(atol(argv[2]));
    if (argc > 2 && !strcmp(argv[1], "--append-big")) return child_append_big(strtoul(argv[2], NULL, 0));
    if (argc > 3 && !strcmp(argv[1], "--append-loop")) return child_append_loop(strtoul(argv[2], NULL, 0), atol(argv[3]));
    failed = RUN_TESTS(tests);
    clear_history();
    return failed;
}
