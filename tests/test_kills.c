/*
 * OpenWUA tests: a process searching and downloading is killed at random
 * points, again and again:
 *
 *     test_kills.exe [--kills N]         (100 by default)
 *
 * The child (this program with --child) searches a catalog, hides one update
 * (already hidden: the write is made again each time) and downloads another,
 * a file trickled from the loopback server so that most kills land mid-file.
 * The parent TerminateProcess'es it at a random point of a run's length
 * (measured from one whole run first, only to spread the points) and checks,
 * after every kill: the cache holds no file under its final name that is not
 * the catalog's, the part waiting in Partial is a true prefix of the file (so
 * it can be continued), and the service and the hidden flag are still there.
 * A file that reached the cache is removed so that the next child fetches
 * again.  At the end one more child runs to its end and completes the work.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "download_fixture.h"
#include <shlobj.h>

#define FILE_SIZE (192 * 1024)

static struct test_package packages[2];     /* 0: downloaded, 1: hidden */
static char *content;
static unsigned int kills = 100;

static void make_content(void)
{
    unsigned int i;

    content = malloc(FILE_SIZE + 1);
    for (i = 0; i < FILE_SIZE; i++) content[i] = 'a' + (i * 7 + i / 251) % 26;
    content[FILE_SIZE] = 0;
}

/* Both runs need the same catalog: the ids are fixed by the parent and given to the child. */
static void describe(const WCHAR *id0, const WCHAR *id1)
{
    static WCHAR url[512];

    if (id0 != packages[0].id) wcscpy(packages[0].id, id0);
    if (id1 != packages[1].id) wcscpy(packages[1].id, id1);
    packages[0].title = L"Killed download";
    packages[1].title = L"Hidden";
    swprintf(url, ARRAYSIZE(url), L"http://127.0.0.1:%u/trickle/8192/20/kills/big.bin", port);
    packages[0].files[0].name = L"big.bin";
    packages[0].files[0].uri = url;
    packages[0].files[0].content = content;
    packages[1].files[0].name = L"small.bin";
    packages[1].files[0].uri = url;
    packages[1].files[0].content = "never fetched";
}

/* The update of that id in the collection, or NULL. */
static IUpdate *find(IUpdateCollection *updates, const WCHAR *id)
{
    IUpdateIdentity *identity;
    IUpdate *update;
    BSTR got;
    LONG count = 0, i;
    BOOL same;

    IUpdateCollection_get_Count(updates, &count);
    for (i = 0; i < count; i++)
    {
        update = item(updates, i);
        assert_hr(S_OK, IUpdate_get_Identity(update, &identity));
        assert_hr(S_OK, IUpdateIdentity_get_UpdateID(identity, &got));
        same = !_wcsicmp(got, id);
        SysFreeString(got);
        IUpdateIdentity_Release(identity);
        if (same) return update;
        IUpdate_Release(update);
    }
    return NULL;
}

static BOOL hidden(IUpdate *update)
{
    VARIANT_BOOL value = 7;

    assert_hr(S_OK, IUpdate_get_IsHidden(update, &value));
    return value == VARIANT_TRUE;
}

/* --- the child --- */

static void child_run(void **state)
{
    const WCHAR *service = *state;
    IUpdateCollection *updates = search_service_updates(service, L"IsInstalled=0"), *one;
    IUpdate *download = find(updates, packages[0].id), *hide = find(updates, packages[1].id);
    IUpdateDownloader *downloader = create(&CLSID_UpdateDownloader, &IID_IUpdateDownloader);
    IDownloadResult *result = NULL;
    OperationResultCode code = 0;
    LONG added;

    assert_non_null(download);
    assert_non_null(hide);
    assert_hr(S_OK, IUpdate_put_IsHidden(hide, VARIANT_TRUE));
    one = create(&CLSID_UpdateCollection, &IID_IUpdateCollection);
    assert_hr(S_OK, IUpdateCollection_Add(one, download, &added));
    assert_hr(S_OK, IUpdateDownloader_put_Updates(downloader, one));
    assert_hr(S_OK, IUpdateDownloader_Download(downloader, &result));
    assert_hr(S_OK, IDownloadResult_get_ResultCode(result, &code));
    assert_int_equal(orcSucceeded, code);
    IDownloadResult_Release(result);
    IUpdateDownloader_Release(downloader);
    IUpdateCollection_Release(one);
    IUpdate_Release(download);
    IUpdate_Release(hide);
    IUpdateCollection_Release(updates);
}

static int child(const char *service, const char *id0, const char *id1)
{
    static WCHAR service_w[64];
    WCHAR w0[37], w1[37];
    void *state = service_w;
    const struct CMUnitTest tests[] = { cmocka_unit_test_prestate(child_run, state) };

    if (!download_fixture_join(L"openwua-kills")) return 1;
    make_content();
    MultiByteToWideChar(CP_ACP, 0, service, -1, service_w, ARRAYSIZE(service_w));
    MultiByteToWideChar(CP_ACP, 0, id0, -1, w0, 37);
    MultiByteToWideChar(CP_ACP, 0, id1, -1, w1, 37);
    describe(w0, w1);
    return RUN_TESTS(tests);
}

/* --- the parent --- */

static WCHAR service_id[64];

static HANDLE start_child(void)
{
    WCHAR path[MAX_PATH], cmdline[2 * MAX_PATH];
    STARTUPINFOW si = { .cb = sizeof(si) };
    PROCESS_INFORMATION pi;

    GetModuleFileNameW(NULL, path, MAX_PATH);
    swprintf(cmdline, ARRAYSIZE(cmdline), L"\"%ls\" --child %ls %ls %ls", path, service_id, packages[0].id,
             packages[1].id);
    assert_true(CreateProcessW(NULL, cmdline, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
    CloseHandle(pi.hThread);
    return pi.hProcess;
}

static DWORD run_child(void)
{
    HANDLE process = start_child();
    DWORD code = 0xdead;

    assert_int_equal(WAIT_OBJECT_0, WaitForSingleObject(process, 120000));
    GetExitCodeProcess(process, &code);
    CloseHandle(process);
    return code;
}

/* Length of the file at path and whether it is the start of the content (-1: none there). */
static LONG prefix_length(const WCHAR *path, BOOL *is_prefix)
{
    HANDLE file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_DELETE, NULL, OPEN_EXISTING, 0, NULL);
    char *data;
    DWORD size, got = 0;

    *is_prefix = FALSE;
    if (file == INVALID_HANDLE_VALUE) return -1;
    size = GetFileSize(file, NULL);
    data = malloc(size + 1);
    *is_prefix = size <= FILE_SIZE && ReadFile(file, data, size, &got, NULL) && got == size
                 && !memcmp(data, content, size);
    free(data);
    CloseHandle(file);
    return size;
}

/* Files in folder other than the one allowed (NULL: none allowed), each named. */
static int strangers(const WCHAR *folder, const WCHAR *allowed, const WCHAR *allowed2)
{
    WCHAR pattern[MAX_PATH];
    WIN32_FIND_DATAW data;
    HANDLE find;
    int count = 0;

    swprintf(pattern, MAX_PATH, L"%ls\\*", folder);
    if ((find = FindFirstFileW(pattern, &data)) == INVALID_HANDLE_VALUE) return 0;
    do
    {
        if (data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) continue;
        if ((allowed && !_wcsicmp(data.cFileName, allowed)) || (allowed2 && !_wcsicmp(data.cFileName, allowed2)))
            continue;
        fprintf(stderr, "unexpected %ls\\%ls\n", folder, data.cFileName);
        count++;
    } while (FindNextFileW(find, &data));
    FindClose(find);
    return count;
}

struct tally
{
    unsigned int nothing, mid_file, whole;
};

/* After a kill: what the cache and the part hold, and what was recorded before. */
static void check_after_kill(struct tally *tally)
{
    WCHAR folder[MAX_PATH], path[MAX_PATH];
    IUpdateCollection *updates;
    IUpdate *update;
    BOOL is_prefix, whole = FALSE;
    LONG size, part;

    cache_folder(packages[0].id, folder);
    assert_int_equal(0, strangers(folder, L"big.bin", NULL));
    swprintf(path, MAX_PATH, L"%ls\\big.bin", folder);
    /* under its final name only the whole, verified file */
    if ((size = prefix_length(path, &is_prefix)) >= 0)
    {
        assert_int_equal(FILE_SIZE, size);
        assert_true(is_prefix);
        assert_true(DeleteFileW(path));      /* work for the next child */
        whole = TRUE;
    }
    /* a part is the start of the file: the next run continues it */
    partial_folder(packages[0].id, folder);
    assert_int_equal(0, strangers(folder, L"big.bin.part", L"big.bin.validator"));
    swprintf(path, MAX_PATH, L"%ls\\big.bin.part", folder);
    if ((part = prefix_length(path, &is_prefix)) >= 0) assert_true(is_prefix);
    if (whole || part == FILE_SIZE) tally->whole++;
    else if (part > 0) tally->mid_file++;
    else tally->nothing++;

    updates = search_service_updates(service_id, L"IsInstalled=0");
    assert_non_null(update = find(updates, packages[1].id));
    assert_true(hidden(update));
    IUpdate_Release(update);
    assert_non_null(update = find(updates, packages[0].id));
    assert_false(hidden(update));
    IUpdate_Release(update);
    IUpdateCollection_Release(updates);
}

static void register_catalog(void)
{
    IUpdateCollection *updates;
    IUpdate *update;
    WCHAR path[MAX_PATH];
    BSTR id;

    work_path(path, L"kills-catalog.xml");
    write_catalog(path, packages, 2);
    id = add_scan_service(L"OpenWUA kill tests", path);
    wcscpy(service_id, id);
    SysFreeString(id);

    /* recorded before any child runs: must survive every kill */
    updates = search_service_updates(service_id, L"IsInstalled=0");
    assert_non_null(update = find(updates, packages[1].id));
    assert_hr(S_OK, IUpdate_put_IsHidden(update, VARIANT_TRUE));
    IUpdate_Release(update);
    IUpdateCollection_Release(updates);
}

static void kills_keep_everything(void **state)
{
    struct tally tally = { 0 };
    WCHAR folder[MAX_PATH], path[MAX_PATH];
    HANDLE process;
    DWORD start, length, point;
    unsigned int i, seed = GetTickCount();
    BOOL is_prefix;

    (void)state;
    swprintf(folder, MAX_PATH, L"%ls\\kills", http_root);
    CreateDirectoryW(http_root, NULL);
    CreateDirectoryW(folder, NULL);
    swprintf(path, MAX_PATH, L"%ls\\big.bin", folder);
    write_file(path, content);
    register_catalog();

    /* one whole run: how long a run takes, to spread the kill points over it */
    start = GetTickCount();
    assert_int_equal(0, run_child());
    length = GetTickCount() - start;
    check_after_kill(&tally);
    tally.whole--;
    printf("a whole run: %lu ms\n", length);

    for (i = 0; i < kills; i++)
    {
        seed = seed * 1103515245 + 12345;
        point = ((seed >> 8) % 1000) * length / 1000;
        process = start_child();
        if (WaitForSingleObject(process, point) == WAIT_TIMEOUT) TerminateProcess(process, 9);
        assert_int_equal(WAIT_OBJECT_0, WaitForSingleObject(process, 60000));
        CloseHandle(process);
        check_after_kill(&tally);
    }
    printf("%u kills: %u before any byte was kept, %u mid-file, %u with the file whole\n", kills, tally.nothing,
           tally.mid_file, tally.whole);
    /* most points must land mid-file, or this tests little */
    assert_true(tally.mid_file >= kills / 4);

    /* the next run completes the work, continuing whatever part is there */
    assert_int_equal(0, run_child());
    cache_folder(packages[0].id, folder);
    swprintf(path, MAX_PATH, L"%ls\\big.bin", folder);
    assert_int_equal(FILE_SIZE, prefix_length(path, &is_prefix));
    assert_true(is_prefix);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = { LEAK_CHECKED(kills_keep_everything) };

    if (argc > 4 && !strcmp(argv[1], "--child")) return child(argv[2], argv[3], argv[4]);
    if (argc > 2 && !strcmp(argv[1], "--kills")) kills = strtoul(argv[2], NULL, 10);
    if (!download_fixture_init(L"openwua-kills")) return 1;
    make_content();
    new_id(&packages[0], NULL);
    new_id(&packages[1], NULL);
    describe(packages[0].id, packages[1].id);
    return RUN_TESTS(tests);
}
