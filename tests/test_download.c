/*
 * OpenWUA tests: UpdateDownloader, IDownloadResult and the download cache.
 *
 * Each case writes a catalog whose files come from file:// URLs, plain
 * paths, or tests/http_fixture.py on 127.0.0.1 (port file, served folder and
 * request log come from ctest as OPENWUA_HTTP_PORT_FILE, OPENWUA_HTTP_ROOT,
 * OPENWUA_HTTP_LOG), registers it as a scan package service, searches it and
 * downloads what it found.  Update IDs are new in every case: update state
 * lives for the whole process.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "download_fixture.h"
#include <shlobj.h>
#include <bcrypt.h>
#include <wincrypt.h>
#include <shlwapi.h>
#include <shellapi.h>


/* --- helpers --- */




/* The file's content, or NULL when it is not there; free it. */
static char *read_file(const WCHAR *path)
{
    HANDLE file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    DWORD size, read;
    char *data;

    if (file == INVALID_HANDLE_VALUE) return NULL;
    size = GetFileSize(file, NULL);
    data = calloc(1, size + 1);
    assert_true(ReadFile(file, data, size, &read, NULL));
    CloseHandle(file);
    return data;
}

static void assert_file(const WCHAR *path, const char *expected)
{
    char *data = read_file(path);

    if (!data) fail_msg("%ls is missing", path);
    if (strcmp(data, expected)) fail_msg("%ls holds \"%s\", expected \"%s\"", path, data, expected);
    free(data);
}



static void cache_file(const WCHAR *id, const WCHAR *name, WCHAR *path)
{
    WCHAR folder[MAX_PATH];

    cache_folder(id, folder);
    swprintf(path, MAX_PATH, L"%ls\\%ls", folder, name);
}

static void http_url(WCHAR *url, const WCHAR *path)
{
    swprintf(url, 512, L"http://127.0.0.1:%u/%ls", port, path);
}

static void serve(const WCHAR *name, const char *content)
{
    WCHAR path[MAX_PATH];

    swprintf(path, MAX_PATH, L"%ls\\%ls", http_root, name);
    write_file(path, content);
}

/* Requests in the fixture's log for /name. */
static unsigned int requests_for(const WCHAR *name)
{
    char needle[MAX_PATH], *log = read_file(http_log), *p;
    unsigned int count = 0;

    if (!log) return 0;
    snprintf(needle, sizeof(needle), "\"/%ls\"", name);
    for (p = log; (p = strstr(p, needle)); p += strlen(needle)) count++;
    free(log);
    return count;
}



/* --- catalogs, services, searching --- */





static IDownloadResult *download(IUpdateCollection *updates, BOOL forced)
{
    IUpdateDownloader *downloader = create(&CLSID_UpdateDownloader, &IID_IUpdateDownloader);
    IDownloadResult *result = NULL;

    assert_hr(S_OK, IUpdateDownloader_put_Updates(downloader, updates));
    if (forced) assert_hr(S_OK, IUpdateDownloader_put_IsForced(downloader, VARIANT_TRUE));
    assert_hr(S_OK, IUpdateDownloader_Download(downloader, &result));
    assert_non_null(result);
    IUpdateDownloader_Release(downloader);
    return result;
}

static void assert_result(IDownloadResult *result, HRESULT expected_hr, OperationResultCode expected_code)
{
    OperationResultCode code = 99;
    LONG hr = 1;

    assert_hr(S_OK, IDownloadResult_get_HResult(result, &hr));
    assert_hr(expected_hr, hr);
    assert_hr(S_OK, IDownloadResult_get_ResultCode(result, &code));
    assert_int_equal(expected_code, code);
}

static void assert_update_result(IDownloadResult *result, LONG index, HRESULT expected_hr)
{
    IUpdateDownloadResult *update = NULL;
    OperationResultCode code = 99;
    LONG hr = 1;

    assert_hr(S_OK, IDownloadResult_GetUpdateResult(result, index, &update));
    assert_hr(S_OK, IUpdateDownloadResult_get_HResult(update, &hr));
    if (hr != expected_hr) fail_msg("update %ld: HResult 0x%08lx, expected 0x%08lx", index, hr, expected_hr);
    assert_hr(S_OK, IUpdateDownloadResult_get_ResultCode(update, &code));
    assert_int_equal(SUCCEEDED(expected_hr) ? orcSucceeded : orcFailed, code);
    IUpdateDownloadResult_Release(update);
}

/* --- the cases --- */

static void downloader_properties(void **state)
{
    IUpdateSession *session = create(&CLSID_UpdateSession, &IID_IUpdateSession);
    IUpdateDownloader *downloader = NULL, *other;
    IUpdateCollection *updates = create(&CLSID_UpdateCollection, &IID_IUpdateCollection), *got;
    IDownloadResult *result = (void *)1;
    IDownloadJob *job = (void *)1;
    DownloadPriority priority = 0;
    VARIANT_BOOL forced = 12;
    VARIANT none;
    BSTR text = NULL, name;

    (void)state;
    assert_hr(E_POINTER, IUpdateSession_CreateUpdateDownloader(session, NULL));
    assert_hr(S_OK, IUpdateSession_CreateUpdateDownloader(session, &downloader));
    IUpdateSession_Release(session);
    other = create(&CLSID_UpdateDownloader, &IID_IUpdateDownloader);

    assert_hr(S_OK, IUpdateDownloader_get_ClientApplicationID(downloader, &text));
    assert_int_equal(0, wcscmp(text, L"Unknown"));
    SysFreeString(text);
    name = SysAllocString(L"download tests");
    assert_hr(S_OK, IUpdateDownloader_put_ClientApplicationID(downloader, name));
    SysFreeString(name);
    assert_hr(S_OK, IUpdateDownloader_get_ClientApplicationID(downloader, &text));
    assert_int_equal(0, wcscmp(text, L"download tests"));
    SysFreeString(text);
    assert_hr(E_POINTER, IUpdateDownloader_get_ClientApplicationID(downloader, NULL));

    assert_hr(S_OK, IUpdateDownloader_get_IsForced(downloader, &forced));
    assert_int_equal(VARIANT_FALSE, forced);
    assert_hr(S_OK, IUpdateDownloader_put_IsForced(downloader, VARIANT_TRUE));
    assert_hr(S_OK, IUpdateDownloader_get_IsForced(downloader, &forced));
    assert_int_equal(VARIANT_TRUE, forced);
    assert_hr(E_INVALIDARG, IUpdateDownloader_put_IsForced(downloader, 5));
    assert_hr(E_POINTER, IUpdateDownloader_get_IsForced(downloader, NULL));

    assert_hr(S_OK, IUpdateDownloader_get_Priority(downloader, &priority));
    assert_int_equal(dpNormal, priority);
    assert_hr(S_OK, IUpdateDownloader_put_Priority(downloader, dpLow));
    assert_hr(S_OK, IUpdateDownloader_put_Priority(downloader, dpExtraHigh));
    assert_hr(E_INVALIDARG, IUpdateDownloader_put_Priority(downloader, 0));
    assert_hr(E_INVALIDARG, IUpdateDownloader_put_Priority(downloader, dpExtraHigh + 1));
    assert_hr(S_OK, IUpdateDownloader_get_Priority(downloader, &priority));
    assert_int_equal(dpExtraHigh, priority);
    assert_hr(E_POINTER, IUpdateDownloader_get_Priority(downloader, NULL));

    /* Updates: unset, then the very collection put, then taken away again */
    got = (void *)1;
    assert_hr(S_OK, IUpdateDownloader_get_Updates(downloader, &got));
    assert_null(got);
    assert_hr(E_POINTER, IUpdateDownloader_get_Updates(downloader, NULL));
    assert_hr(WU_E_NO_UPDATE, IUpdateDownloader_Download(downloader, &result));
    assert_null(result);
    assert_hr(S_OK, IUpdateDownloader_put_Updates(downloader, updates));
    assert_hr(S_OK, IUpdateDownloader_get_Updates(downloader, &got));
    assert_ptr_equal(updates, got);
    IUpdateCollection_Release(got);
    result = (void *)1;
    assert_hr(WU_E_NO_UPDATE, IUpdateDownloader_Download(downloader, &result));
    assert_null(result);
    assert_hr(E_POINTER, IUpdateDownloader_Download(downloader, NULL));
    assert_hr(S_OK, IUpdateDownloader_put_Updates(downloader, NULL));
    assert_hr(S_OK, IUpdateDownloader_get_Updates(downloader, &got));
    assert_null(got);

    /* the asynchronous pair: test_download_async.c */
    V_VT(&none) = VT_EMPTY;
    assert_hr(WU_E_NO_UPDATE, IUpdateDownloader_BeginDownload(downloader, NULL, NULL, none, &job));
    assert_null(job);
    assert_hr(E_POINTER, IUpdateDownloader_BeginDownload(downloader, NULL, NULL, none, NULL));
    result = (void *)1;
    assert_hr(E_POINTER, IUpdateDownloader_EndDownload(downloader, NULL, &result));
    assert_null(result);
    assert_hr(E_POINTER, IUpdateDownloader_EndDownload(downloader, NULL, NULL));

    /* a second downloader has its own settings */
    assert_hr(S_OK, IUpdateDownloader_get_Priority(other, &priority));
    assert_int_equal(dpNormal, priority);
    IUpdateDownloader_Release(other);
    IUpdateDownloader_Release(downloader);
    IUpdateCollection_Release(updates);
}

static void file_sources_download_into_the_cache(void **state)
{
    WCHAR url[512], local[MAX_PATH], path[MAX_PATH], copy_dir[MAX_PATH];
    struct test_package package = { 0 };
    IUpdateDownloadResult *update_result = (void *)1;
    IUpdateCollection *updates, *again;
    IDownloadResult *result;
    IUpdate *update, *later;
    BSTR dir;

    (void)state;
    new_id(&package, L"Files");
    work_path(local, L"local-a.txt");
    write_file(local, "content from a file URL");
    work_url(url, L"local-a.txt");
    work_path(path, L"local-b.txt");
    write_file(path, "content from a plain path");
    package.files[0] = (struct test_file){ .name = L"a.txt", .uri = url, .content = "content from a file URL", .sha256 = TRUE };
    package.files[1] = (struct test_file){ .name = L"b.txt", .uri = path, .content = "content from a plain path" };
    updates = search(&package, 1);
    update = item(updates, 0);
    assert_false(is_downloaded(update));
    assert_hr(WU_E_DM_NOTDOWNLOADED, IUpdate_CopyFromCache(update, (dir = SysAllocString(work)), VARIANT_FALSE));
    SysFreeString(dir);

    /* the search's own (read-only) collection goes straight in */
    result = download(updates, FALSE);
    assert_result(result, S_OK, orcSucceeded);
    assert_update_result(result, 0, S_OK);
    assert_hr(WU_E_INVALIDINDEX, IDownloadResult_GetUpdateResult(result, 1, &update_result));
    assert_null(update_result);
    assert_hr(WU_E_INVALIDINDEX, IDownloadResult_GetUpdateResult(result, -1, &update_result));
    assert_hr(E_POINTER, IDownloadResult_GetUpdateResult(result, 0, NULL));
    assert_hr(E_POINTER, IDownloadResult_get_HResult(result, NULL));
    assert_hr(E_POINTER, IDownloadResult_get_ResultCode(result, NULL));
    IDownloadResult_Release(result);

    cache_file(package.id, L"a.txt", path);
    assert_file(path, "content from a file URL");
    cache_file(package.id, L"b.txt", path);
    assert_file(path, "content from a plain path");
    cache_folder(package.id, path);
    assert_int_equal(2, count_files(path));     /* no temporary file left */

    /* live on the object from before the download, and on a new search's */
    assert_true(is_downloaded(update));
    again = search(&package, 1);
    later = item(again, 0);
    assert_true(is_downloaded(later));

    /* CopyFromCache hands the files out */
    swprintf(copy_dir, MAX_PATH, L"%ls\\copy-%ls", work, package.id);
    dir = SysAllocString(copy_dir);
    assert_hr(STG_E_PATHNOTFOUND, IUpdate_CopyFromCache(later, dir, VARIANT_FALSE));
    assert_true(CreateDirectoryW(copy_dir, NULL));
    assert_hr(S_OK, IUpdate_CopyFromCache(later, dir, VARIANT_FALSE));
    SysFreeString(dir);
    swprintf(path, MAX_PATH, L"%ls\\a.txt", copy_dir);
    assert_file(path, "content from a file URL");
    DeleteFileW(path);
    swprintf(path, MAX_PATH, L"%ls\\b.txt", copy_dir);
    assert_file(path, "content from a plain path");
    DeleteFileW(path);
    RemoveDirectoryW(copy_dir);

    IUpdate_Release(later);
    IUpdateCollection_Release(again);
    IUpdate_Release(update);
    IUpdateCollection_Release(updates);
}

static void cached_content_is_not_fetched_again_unless_forced(void **state)
{
    struct test_package package = { 0 };
    WCHAR name[64], url[512], path[MAX_PATH];
    IUpdateCollection *updates;
    IDownloadResult *result;

    (void)state;
    new_id(&package, L"Http");
    swprintf(name, ARRAYSIZE(name), L"dl-%.8ls-%u.bin", package.id, next_id);
    serve(name, "served over http");
    http_url(url, name);
    package.files[0] = (struct test_file){ .name = L"served.bin", .uri = url, .content = "served over http", .sha256 = TRUE };
    updates = search(&package, 1);
    cache_file(package.id, L"served.bin", path);

    result = download(updates, FALSE);
    assert_result(result, S_OK, orcSucceeded);
    IDownloadResult_Release(result);
    assert_file(path, "served over http");
    assert_int_equal(1, requests_for(name));

    /* in the cache and intact: not fetched */
    result = download(updates, FALSE);
    assert_result(result, S_OK, orcSucceeded);
    IDownloadResult_Release(result);
    assert_int_equal(1, requests_for(name));

    /* forced: fetched again */
    result = download(updates, TRUE);
    assert_result(result, S_OK, orcSucceeded);
    IDownloadResult_Release(result);
    assert_int_equal(2, requests_for(name));
    assert_file(path, "served over http");

    /* a damaged copy is not trusted */
    write_file(path, "served over htt!");
    result = download(updates, FALSE);
    assert_result(result, S_OK, orcSucceeded);
    IDownloadResult_Release(result);
    assert_int_equal(3, requests_for(name));
    assert_file(path, "served over http");
    IUpdateCollection_Release(updates);
}

/* Moves a file's times an hour back, as a copy cached long ago has them. */
static void age_file(const WCHAR *path)
{
    HANDLE file = CreateFileW(path, FILE_WRITE_ATTRIBUTES, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    ULARGE_INTEGER t;
    FILETIME ft;

    assert_true(file != INVALID_HANDLE_VALUE);
    GetSystemTimeAsFileTime(&ft);
    t.LowPart = ft.dwLowDateTime;
    t.HighPart = ft.dwHighDateTime;
    t.QuadPart -= 3600ull * 10000000;
    ft.dwLowDateTime = t.LowPart;
    ft.dwHighDateTime = t.HighPart;
    assert_true(SetFileTime(file, &ft, NULL, &ft));
    CloseHandle(file);
}

/* A copy checked once is trusted while it is unchanged; once written to, it is checked again. */
static void remembered_copies_are_checked_again_when_they_change(void **state)
{
    struct test_package package = { 0 };
    WCHAR name[64], url[512], path[MAX_PATH];
    IUpdateCollection *updates;
    IDownloadResult *result;
    int i;

    (void)state;
    new_id(&package, L"Remembered");
    swprintf(name, ARRAYSIZE(name), L"rm-%.8ls-%u.bin", package.id, next_id);
    serve(name, "remembered content");
    http_url(url, name);
    package.files[0] = (struct test_file){ .name = L"kept.bin", .uri = url, .content = "remembered content" };
    updates = search(&package, 1);
    cache_file(package.id, L"kept.bin", path);
    result = download(updates, FALSE);
    assert_result(result, S_OK, orcSucceeded);
    IDownloadResult_Release(result);
    age_file(path);
    /* checked (and remembered: it is old enough), then trusted */
    for (i = 0; i < 3; i++)
    {
        result = download(updates, FALSE);
        assert_result(result, S_OK, orcSucceeded);
        IDownloadResult_Release(result);
    }
    assert_int_equal(1, requests_for(name));

    /* same size, other bytes, a new write time: not trusted */
    write_file(path, "remembered contenT");
    result = download(updates, FALSE);
    assert_result(result, S_OK, orcSucceeded);
    IDownloadResult_Release(result);
    assert_int_equal(2, requests_for(name));
    assert_file(path, "remembered content");
    /* a replaced file (new creation time) the same */
    age_file(path);
    result = download(updates, FALSE);
    IDownloadResult_Release(result);
    assert_true(DeleteFileW(path));
    write_file(path, "remembered contenT");
    age_file(path);
    result = download(updates, FALSE);
    assert_result(result, S_OK, orcSucceeded);
    IDownloadResult_Release(result);
    assert_int_equal(3, requests_for(name));
    assert_file(path, "remembered content");
    IUpdateCollection_Release(updates);
}

static void wrong_content_fails_and_leaves_nothing(void **state)
{
    struct test_package packages[3] = { 0 };
    WCHAR name[64], http[512], url[512], path[MAX_PATH];
    IUpdateCollection *updates;
    IDownloadResult *result;
    IUpdate *update;

    (void)state;
    /* same size, other bytes */
    new_id(&packages[0], L"Sha1");
    work_path(path, L"wrong.txt");
    write_file(path, "the wrong content");
    work_url(url, L"wrong.txt");
    packages[0].files[0] = (struct test_file){ .name = L"wrong.txt", .uri = url, .content = "the right content" };
    /* SHA-1 right, SHA-256 not */
    new_id(&packages[1], L"Sha256");
    packages[1].files[0] = (struct test_file){ .name = L"wrong256.txt", .uri = url, .content = "the wrong content", .sha256 = TRUE, .sha256_of = "something else" };
    /* longer body than the catalog says */
    new_id(&packages[2], L"Size");
    swprintf(name, ARRAYSIZE(name), L"dl-%.8ls-long.bin", packages[2].id);
    serve(name, "a body much longer than the catalog says");
    http_url(http, name);
    packages[2].files[0] = (struct test_file){ .name = L"long.bin", .uri = http, .content = "a body" };
    updates = search(packages, 3);

    result = download(updates, FALSE);
    assert_result(result, WU_E_DM_INCORRECTFILEHASH, orcFailed);
    assert_update_result(result, 0, WU_E_DM_INCORRECTFILEHASH);
    assert_update_result(result, 1, WU_E_DM_INCORRECTFILEHASH);
    assert_update_result(result, 2, WU_E_DM_INCORRECTFILEHASH);
    IDownloadResult_Release(result);

    for (unsigned int i = 0; i < 3; i++)
    {
        cache_folder(packages[i].id, path);
        assert_int_equal(0, count_files(path));
        update = item(updates, i);
        assert_false(is_downloaded(update));
        IUpdate_Release(update);
    }
    IUpdateCollection_Release(updates);
}

static void http_errors_are_per_update(void **state)
{
    struct test_package package = { 0 };
    WCHAR url[512], path[MAX_PATH];
    IUpdateCollection *updates;
    IDownloadResult *result;

    (void)state;
    new_id(&package, L"Missing");
    http_url(url, L"dl-never-there.bin");
    package.files[0] = (struct test_file){ .name = L"missing.bin", .uri = url, .content = "whatever" };
    updates = search(&package, 1);
    result = download(updates, FALSE);
    assert_result(result, WU_E_PT_HTTP_STATUS_NOT_FOUND, orcFailed);
    assert_update_result(result, 0, WU_E_PT_HTTP_STATUS_NOT_FOUND);
    IDownloadResult_Release(result);
    cache_folder(package.id, path);
    assert_int_equal(0, count_files(path));
    IUpdateCollection_Release(updates);
}

static void unsafe_file_names_are_refused(void **state)
{
    static const WCHAR *const names[] =
    {
        L"..\\evil.exe", L"../evil.exe", L"C:\\evil.exe", L"a:b", L"CON", L"nul.txt", L"com1", L"..", L".",
        L"evil.exe.", L"sub\\evil.exe", L"\\\\server\\evil.exe",
    };
    struct test_package packages[ARRAYSIZE(names)] = { 0 };
    WCHAR url[512], path[MAX_PATH], parent[MAX_PATH];
    IUpdateCollection *updates;
    IDownloadResult *result;
    unsigned int i;

    (void)state;
    work_path(path, L"evil.exe");
    write_file(path, "evil");
    work_url(url, L"evil.exe");
    for (i = 0; i < ARRAYSIZE(names); i++)
    {
        new_id(&packages[i], names[i]);
        packages[i].files[0] = (struct test_file){ .name = names[i], .uri = url, .content = "evil" };
    }
    updates = search(packages, ARRAYSIZE(names));
    result = download(updates, FALSE);
    assert_result(result, WU_E_INVALID_FILE, orcFailed);
    for (i = 0; i < ARRAYSIZE(names); i++) assert_update_result(result, i, WU_E_INVALID_FILE);
    IDownloadResult_Release(result);

    cache_folder(NULL, parent);
    swprintf(path, MAX_PATH, L"%ls\\evil.exe", parent);
    assert_false(exists(path));
    swprintf(path, MAX_PATH, L"%ls\\..\\evil.exe", parent);
    assert_false(exists(path));
    assert_false(exists(L"C:\\evil.exe"));
    for (i = 0; i < ARRAYSIZE(names); i++)
    {
        cache_folder(packages[i].id, path);
        assert_int_equal(0, count_files(path));
    }
    IUpdateCollection_Release(updates);
}

/* --- resuming, faults, concurrency --- */

/* size bytes of letters, no two neighbouring reads alike; free it. */
static char *big_content(size_t size)
{
    char *text = malloc(size + 1);
    size_t i;

    assert_non_null(text);
    for (i = 0; i < size; i++) text[i] = 'a' + (i * 7 + i / 251) % 26;
    text[size] = 0;
    return text;
}

static void part_file(const WCHAR *id, const WCHAR *name, WCHAR *path)
{
    WCHAR folder[MAX_PATH];

    partial_folder(id, folder);
    swprintf(path, MAX_PATH, L"%ls\\%ls.part", folder, name);
}

static LONGLONG size_of(const WCHAR *path)
{
    WIN32_FILE_ATTRIBUTE_DATA data;

    if (!GetFileAttributesExW(path, GetFileExInfoStandard, &data)) return -1;
    return ((LONGLONG)data.nFileSizeHigh << 32) | data.nFileSizeLow;
}

/* The fixture's log lines for /path, each ending in a newline; free it. */
static char *log_lines_for(const WCHAR *path, unsigned int *count)
{
    char needle[600], *log = read_file(http_log), *result, *line, *next;

    assert_non_null(log);
    result = calloc(1, strlen(log) + 1);
    assert_non_null(result);
    snprintf(needle, sizeof(needle), "\"path\": \"/%ls\"", path);
    *count = 0;
    for (line = log; *line; line = next)
    {
        next = strchr(line, '\n');
        next = next ? next + 1 : line + strlen(line);
        if (next[-1] == '\n') next[-1] = 0;
        if (strstr(line, needle))
        {
            strcat(result, line);
            strcat(result, "\n");
            (*count)++;
        }
    }
    free(log);
    return result;
}

static void resume_after_a_drop(void **state)
{
    static const size_t size = 300000;
    struct test_package package = { 0 };
    WCHAR name[64], path[MAX_PATH], url[512], folder[MAX_PATH];
    char *content = big_content(size), *log;
    IUpdateCollection *updates;
    IDownloadResult *result;
    unsigned int count;

    (void)state;
    new_id(&package, L"Dropped");
    swprintf(name, ARRAYSIZE(name), L"dl-%.8ls-drop.bin", package.id);
    serve(name, content);
    swprintf(path, MAX_PATH, L"drop-at/120000/%ls", name);
    http_url(url, path);
    package.files[0] = (struct test_file){ .name = L"drop.bin", .uri = url, .content = content };
    updates = search(&package, 1);
    result = download(updates, FALSE);
    assert_result(result, S_OK, orcSucceeded);
    IDownloadResult_Release(result);
    cache_file(package.id, L"drop.bin", folder);
    assert_file(folder, content);
    /* three requests, the later two continuing the part */
    log = log_lines_for(path, &count);
    assert_int_equal(3, count);
    assert_non_null(strstr(log, "\"Range\": \"bytes=120000-\""));
    assert_non_null(strstr(log, "\"Range\": \"bytes=240000-\""));
    free(log);
    /* the part became the file: nothing waits */
    partial_folder(package.id, folder);
    assert_int_equal(0, count_files(folder));
    IUpdateCollection_Release(updates);
    free(content);
}

static void wrong_bytes_over_http(void **state)
{
    static const size_t size = 100000;
    struct test_package package = { 0 };
    WCHAR name[64], path[MAX_PATH], url[512], folder[MAX_PATH];
    char *content = big_content(size);
    IUpdateCollection *updates;
    IDownloadResult *result;
    IUpdate *update;

    (void)state;
    new_id(&package, L"Wrong bytes");
    swprintf(name, ARRAYSIZE(name), L"dl-%.8ls-wrong.bin", package.id);
    serve(name, content);
    swprintf(path, MAX_PATH, L"wrong-bytes/70000/%ls", name);
    http_url(url, path);
    package.files[0] = (struct test_file){ .name = L"wrong.bin", .uri = url, .content = content, .sha256 = TRUE };
    updates = search(&package, 1);
    result = download(updates, FALSE);
    assert_result(result, WU_E_DM_INCORRECTFILEHASH, orcFailed);
    IDownloadResult_Release(result);
    /* nothing left behind: no file, and no part to continue */
    cache_folder(package.id, folder);
    assert_int_equal(0, count_files(folder));
    partial_folder(package.id, folder);
    assert_int_equal(0, count_files(folder));
    update = item(updates, 0);
    assert_false(is_downloaded(update));
    IUpdate_Release(update);
    IUpdateCollection_Release(updates);
    free(content);
}

/* What the killed child and this process download: the same update. */
#define KILL_SIZE 400000
#define KILL_TRICKLE L"trickle/16384/100/"

static void kill_package(struct test_package *package, const WCHAR *id, WCHAR *url, char **content)
{
    WCHAR path[MAX_PATH];

    wcscpy(package->id, id);
    package->title = L"Killed";
    *content = big_content(KILL_SIZE);
    swprintf(path, MAX_PATH, KILL_TRICKLE L"dl-%.8ls-kill.bin", id);
    http_url(url, path);
    package->files[0] = (struct test_file){ .name = L"kill.bin", .uri = url, .content = *content };
}

/* The child: searches the same catalog and downloads, until it is killed. */
static int child_download(const char *id_text)
{
    struct test_package package = { 0 };
    WCHAR id[37], url[512];
    IUpdateCollection *updates;
    IDownloadResult *result;
    char *content;

    MultiByteToWideChar(CP_ACP, 0, id_text, -1, id, ARRAYSIZE(id));
    if (!download_fixture_join(L"openwua-download-child")) return 2;
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    kill_package(&package, id, url, &content);
    updates = search(&package, 1);
    result = download(updates, FALSE);
    /* not reached when the test kills this process in time */
    IDownloadResult_Release(result);
    IUpdateCollection_Release(updates);
    CoUninitialize();
    free(content);
    return 3;
}

static void resume_after_the_process_is_killed(void **state)
{
    struct test_package package = { 0 };
    STARTUPINFOW startup;
    PROCESS_INFORMATION process;
    WCHAR exe[MAX_PATH], cmdline[2 * MAX_PATH], name[64], url[512], part[MAX_PATH], path[MAX_PATH];
    char *content, *log, *range;
    IUpdateCollection *updates;
    IDownloadResult *result;
    LONGLONG left = 0;
    DWORD code;
    unsigned int i, count;

    (void)state;
    new_id(&package, L"Killed");
    kill_package(&package, package.id, url, &content);
    swprintf(name, ARRAYSIZE(name), L"dl-%.8ls-kill.bin", package.id);
    serve(name, content);

    memset(&startup, 0, sizeof(startup));
    startup.cb = sizeof(startup);
    GetModuleFileNameW(NULL, exe, MAX_PATH);
    swprintf(cmdline, ARRAYSIZE(cmdline), L"\"%ls\" --child-download %ls", exe, package.id);
    assert_true(CreateProcessW(NULL, cmdline, NULL, NULL, FALSE, 0, NULL, NULL, &startup, &process));
    /* killed once its part has bytes (the body takes 2.5 s to trickle in) */
    part_file(package.id, L"kill.bin", part);
    for (i = 0; i < 600 && (left = size_of(part)) <= 0; i++)
    {
        if (WaitForSingleObject(process.hProcess, 50) == WAIT_OBJECT_0) break;
    }
    assert_true(TerminateProcess(process.hProcess, 9));
    WaitForSingleObject(process.hProcess, INFINITE);
    assert_true(GetExitCodeProcess(process.hProcess, &code));
    CloseHandle(process.hProcess);
    CloseHandle(process.hThread);
    assert_int_equal(9, code);
    left = size_of(part);
    print_message("the killed download left %I64d of %u bytes\n", left, KILL_SIZE);
    assert_true(left > 0 && left < KILL_SIZE);

    /* this process continues what the killed one left */
    updates = search(&package, 1);
    result = download(updates, FALSE);
    assert_result(result, S_OK, orcSucceeded);
    IDownloadResult_Release(result);
    cache_file(package.id, L"kill.bin", path);
    assert_file(path, content);
    swprintf(path, MAX_PATH, KILL_TRICKLE L"%ls", name);
    log = log_lines_for(path, &count);
    assert_int_equal(2, count);
    /* the second request asked for the rest only: fewer bytes than the file */
    assert_non_null(range = strstr(log, "\"Range\": \"bytes="));
    assert_true(strtoul(range + 16, NULL, 10) >= (unsigned long)left);
    assert_true(strtoul(range + 16, NULL, 10) > 0);
    free(log);
    IUpdateCollection_Release(updates);
    free(content);
}

/* Large enough for the digests to follow the part over several of their chunks. */
#define LARGE_SIZE ((3u << 20) + 12345)

/* A part left by an earlier attempt: the first size bytes of content, with
 * the byte at flip changed when flip < size. */
static void leave_part(const WCHAR *id, const WCHAR *name, const char *content, size_t size, size_t flip)
{
    WCHAR folder[MAX_PATH], part[MAX_PATH];
    char *prefix = malloc(size + 1);

    assert_non_null(prefix);
    memcpy(prefix, content, size);
    prefix[size] = 0;
    if (flip < size) prefix[flip] ^= 0x20;
    partial_folder(id, folder);
    assert_int_equal(ERROR_SUCCESS, SHCreateDirectoryExW(NULL, folder, NULL));
    part_file(id, name, part);
    write_file(part, prefix);
    assert_int_equal(size, size_of(part));
    free(prefix);
}

/* One file served at path (name, under its fault prefixes), downloaded once. */
static HRESULT download_large(struct test_package *package, const WCHAR *path, const char *content, BOOL sha256,
                              const char *sha256_of)
{
    IUpdateDownloadResult *update = NULL;
    IUpdateCollection *updates;
    IDownloadResult *result;
    LONG hr = E_FAIL;
    WCHAR url[512];

    http_url(url, path);
    package->files[0] = (struct test_file){ .name = L"large.bin", .uri = url, .content = content, .sha256 = sha256,
                                            .sha256_of = sha256_of };
    updates = search(package, 1);
    result = download(updates, FALSE);
    assert_hr(S_OK, IDownloadResult_GetUpdateResult(result, 0, &update));
    assert_hr(S_OK, IUpdateDownloadResult_get_HResult(update, &hr));
    IUpdateDownloadResult_Release(update);
    IDownloadResult_Release(result);
    IUpdateCollection_Release(updates);
    return hr;
}

static void a_resumed_part_is_checked_from_its_start(void **state)
{
    static const size_t have = (3u << 19) + 7;
    struct test_package package = { 0 };
    WCHAR name[64], path[MAX_PATH], folder[MAX_PATH];
    char *content = big_content(LARGE_SIZE), *log, expect[64];
    unsigned int count;

    (void)state;
    new_id(&package, L"Resumed part");
    swprintf(name, ARRAYSIZE(name), L"dl-%.8ls-resumed.bin", package.id);
    serve(name, content);
    leave_part(package.id, L"large.bin", content, have, have);
    assert_hr(S_OK, download_large(&package, name, content, TRUE, NULL));
    cache_file(package.id, L"large.bin", path);
    assert_file(path, content);
    /* one request, for the rest only: the part's prefix was hashed, not fetched again */
    log = log_lines_for(name, &count);
    assert_int_equal(1, count);
    snprintf(expect, sizeof(expect), "\"Range\": \"bytes=%u-\"", (unsigned int)have);
    assert_non_null(strstr(log, expect));
    free(log);
    partial_folder(package.id, folder);
    assert_int_equal(0, count_files(folder));
    free(content);
}

static void a_wrong_byte_in_a_resumed_part_fails(void **state)
{
    static const size_t have = (3u << 19) + 7;
    struct test_package package = { 0 };
    WCHAR name[64], folder[MAX_PATH];
    char *content = big_content(LARGE_SIZE);

    (void)state;
    new_id(&package, L"Wrong part");
    swprintf(name, ARRAYSIZE(name), L"dl-%.8ls-wrongpart.bin", package.id);
    serve(name, content);
    /* the rest comes right from the server: only the prefix can be wrong */
    leave_part(package.id, L"large.bin", content, have, have / 2);
    assert_hr(WU_E_DM_INCORRECTFILEHASH, download_large(&package, name, content, TRUE, NULL));
    assert_int_equal(1, requests_for(name));
    cache_folder(package.id, folder);
    assert_int_equal(0, count_files(folder));
    partial_folder(package.id, folder);
    assert_int_equal(0, count_files(folder));
    free(content);
}

static void a_part_emptied_by_a_200_is_checked_anew(void **state)
{
    struct test_package package = { 0 };
    WCHAR name[64], path[MAX_PATH], folder[MAX_PATH];
    char *content = big_content(LARGE_SIZE), *garbage = big_content(2u << 20), *log;
    unsigned int count;

    (void)state;
    new_id(&package, L"Emptied part");
    swprintf(name, ARRAYSIZE(name), L"dl-%.8ls-emptied.bin", package.id);
    serve(name, content);
    /* a prefix of other bytes: hashed while the request goes out, then dropped */
    memset(garbage, 'Z', 2u << 20);
    leave_part(package.id, L"large.bin", garbage, 2u << 20, (size_t)-1);
    swprintf(path, MAX_PATH, L"no-range/%ls", name);
    assert_hr(S_OK, download_large(&package, path, content, TRUE, NULL));
    log = log_lines_for(path, &count);
    assert_int_equal(1, count);
    assert_non_null(strstr(log, "\"Range\": \"bytes=2097152-\""));
    assert_non_null(strstr(log, "\"status\": 200"));
    free(log);
    cache_file(package.id, L"large.bin", path);
    assert_file(path, content);
    partial_folder(package.id, folder);
    assert_int_equal(0, count_files(folder));
    free(garbage);
    free(content);
}

static void a_wrong_byte_in_a_large_body_fails(void **state)
{
    struct test_package package = { 0 };
    WCHAR name[64], path[MAX_PATH], folder[MAX_PATH];
    char *content = big_content(LARGE_SIZE), *other = big_content(LARGE_SIZE);

    (void)state;
    new_id(&package, L"Wrong large");
    swprintf(name, ARRAYSIZE(name), L"dl-%.8ls-wronglarge.bin", package.id);
    serve(name, content);
    swprintf(path, MAX_PATH, L"wrong-bytes/%u/%ls", LARGE_SIZE / 2, name);
    assert_hr(WU_E_DM_INCORRECTFILEHASH, download_large(&package, path, content, TRUE, NULL));
    assert_hr(WU_E_DM_INCORRECTFILEHASH, download_large(&package, path, content, FALSE, NULL));
    /* the right bytes, and a SHA-1 that fits them: the SHA-256 alone says no */
    other[LARGE_SIZE / 2] ^= 0x20;
    assert_hr(WU_E_DM_INCORRECTFILEHASH, download_large(&package, name, content, TRUE, other));
    cache_folder(package.id, folder);
    assert_int_equal(0, count_files(folder));
    partial_folder(package.id, folder);
    assert_int_equal(0, count_files(folder));
    /* and the right digests: the same file downloads */
    assert_hr(S_OK, download_large(&package, name, content, TRUE, NULL));
    cache_file(package.id, L"large.bin", path);
    assert_file(path, content);
    free(other);
    free(content);
}

static IDownloadJob *begin(IUpdateCollection *updates, IUpdateDownloader **downloader)
{
    IDownloadJob *job = NULL;
    VARIANT none;

    VariantInit(&none);
    *downloader = create(&CLSID_UpdateDownloader, &IID_IUpdateDownloader);
    assert_hr(S_OK, IUpdateDownloader_put_Updates(*downloader, updates));
    assert_hr(S_OK, IUpdateDownloader_BeginDownload(*downloader, NULL, NULL, none, &job));
    return job;
}

static OperationResultCode end(IUpdateDownloader *downloader, IDownloadJob *job)
{
    IDownloadResult *result = NULL;
    OperationResultCode code = 99;

    assert_hr(S_OK, IUpdateDownloader_EndDownload(downloader, job, &result));
    assert_hr(S_OK, IDownloadResult_get_ResultCode(result, &code));
    IDownloadResult_Release(result);
    IDownloadJob_Release(job);
    IUpdateDownloader_Release(downloader);
    return code;
}

static void two_jobs_on_one_update(void **state)
{
    static const size_t size = 200000;
    struct test_package package = { 0 };
    WCHAR name[64], path[MAX_PATH], url[512];
    char *content = big_content(size);
    IUpdateDownloader *first, *second;
    IDownloadJob *job1, *job2;
    IUpdateCollection *updates;
    IUpdate *update;

    (void)state;
    new_id(&package, L"Twice at once");
    swprintf(name, ARRAYSIZE(name), L"dl-%.8ls-twice.bin", package.id);
    serve(name, content);
    swprintf(path, MAX_PATH, L"trickle/20000/100/%ls", name);
    http_url(url, path);
    package.files[0] = (struct test_file){ .name = L"twice.bin", .uri = url, .content = content };
    updates = search(&package, 1);
    /* both running while the body trickles in for a second */
    job1 = begin(updates, &first);
    job2 = begin(updates, &second);
    assert_int_equal(orcSucceeded, end(first, job1));
    assert_int_equal(orcSucceeded, end(second, job2));
    /* fetched once: the second found it verified in place */
    assert_int_equal(1, requests_for(path));
    cache_file(package.id, L"twice.bin", path);
    assert_file(path, content);
    update = item(updates, 0);
    assert_true(is_downloaded(update));
    IUpdate_Release(update);
    IUpdateCollection_Release(updates);
    free(content);
}

static void abort_while_the_server_stalls(void **state)
{
    static const size_t size = 200000;
    struct test_package package = { 0 };
    WCHAR name[64], path[MAX_PATH], url[512], part[MAX_PATH];
    char *content = big_content(size);
    IUpdateDownloader *downloader;
    IUpdateCollection *updates;
    VARIANT_BOOL done = VARIANT_FALSE;
    IDownloadJob *job;
    DWORD raised, latency;
    unsigned int i;

    (void)state;
    new_id(&package, L"Stalled");
    swprintf(name, ARRAYSIZE(name), L"dl-%.8ls-stall.bin", package.id);
    serve(name, content);
    /* more than one read (Wine fills a read's 64 KiB), then nothing for a minute */
    swprintf(path, MAX_PATH, L"trickle/70000/60000/%ls", name);
    http_url(url, path);
    package.files[0] = (struct test_file){ .name = L"stall.bin", .uri = url, .content = content };
    updates = search(&package, 1);
    job = begin(updates, &downloader);
    part_file(package.id, L"stall.bin", part);
    for (i = 0; i < 400 && size_of(part) <= 0; i++) Sleep(25);
    assert_true(size_of(part) > 0);
    raised = GetTickCount();
    assert_hr(S_OK, IDownloadJob_RequestAbort(job));
    for (i = 0; i < 2000 && !done; i++)
    {
        assert_hr(S_OK, IDownloadJob_get_IsCompleted(job, &done));
        if (!done) Sleep(5);
    }
    latency = GetTickCount() - raised;
    print_message("the job completed %lu ms after RequestAbort\n", latency);
    assert_int_equal(VARIANT_TRUE, done);
    /* the server stalls for a minute: this is long before, whatever the clock */
    assert_true(latency < 10000);
    assert_int_equal(orcAborted, end(downloader, job));
    /* what came is kept for the next download to continue */
    assert_true(size_of(part) > 0);
    IUpdateCollection_Release(updates);
    free(content);
}

/* Whether the fixture logged a request for name in the absolute form a proxy
 * is sent (Wine writes the port in: http://openwua-test.invalid:80/name). */
static BOOL logged_proxied(const WCHAR *name)
{
    char *log = read_file(http_log), needle[300], *line;
    BOOL found = FALSE;

    snprintf(needle, sizeof(needle), "/%ls\"", name);
    for (line = log; line && !found && (line = strstr(line, "\"path\": \"http://openwua-test.invalid")); line++)
        found = strstr(line, needle) && strstr(line, needle) < (strchr(line, '\n') ? strchr(line, '\n') : line + strlen(line));
    free(log);
    return found;
}

static IDownloadResult *download_with(IUpdateDownloader *downloader, IUpdateCollection *updates)
{
    IDownloadResult *result = NULL;

    assert_hr(S_OK, IUpdateDownloader_put_Updates(downloader, updates));
    assert_hr(S_OK, IUpdateDownloader_Download(downloader, &result));
    IUpdateDownloader_Release(downloader);
    return result;
}

static void the_session_proxy_is_used(void **state)
{
    struct test_package package = { 0 };
    IUpdateSession *session = create(&CLSID_UpdateSession, &IID_IUpdateSession);
    IWebProxy *proxy = create(&CLSID_WebProxy, &IID_IWebProxy);
    IStringCollection *bypass = create(&CLSID_StringCollection, &IID_IStringCollection);
    WCHAR name[64], url[512], address[64], path[MAX_PATH];
    IUpdateDownloader *downloader;
    IUpdateCollection *updates;
    IDownloadResult *result;
    BSTR text;
    LONG index;

    (void)state;
    new_id(&package, L"Proxied");
    swprintf(name, ARRAYSIZE(name), L"dl-%.8ls-proxied.bin", package.id);
    serve(name, "through the proxy");
    /* a host that does not resolve: only a proxy reaches it */
    swprintf(url, ARRAYSIZE(url), L"http://openwua-test.invalid/%ls", name);
    package.files[0] = (struct test_file){ .name = L"proxied.bin", .uri = url, .content = "through the proxy" };
    updates = search(&package, 1);

    /* the creatable downloader uses the system proxy: none here */
    result = download_with(create(&CLSID_UpdateDownloader, &IID_IUpdateDownloader), updates);
    assert_result(result, WU_E_PT_WINHTTP_NAME_NOT_RESOLVED, orcFailed);
    IDownloadResult_Release(result);
    /* so does a session's with the default WebProxy (AutoDetect, no address) */
    assert_hr(S_OK, IUpdateSession_CreateUpdateDownloader(session, &downloader));
    result = download_with(downloader, updates);
    assert_result(result, WU_E_PT_WINHTTP_NAME_NOT_RESOLVED, orcFailed);
    IDownloadResult_Release(result);

    /* the fixture as the session's proxy, with the host on the bypass list: straight, and unresolved */
    swprintf(address, ARRAYSIZE(address), L"127.0.0.1:%u", port);
    text = SysAllocString(address);
    assert_hr(S_OK, IWebProxy_put_Address(proxy, text));
    SysFreeString(text);
    text = SysAllocString(L"openwua-test.invalid");
    assert_hr(S_OK, IStringCollection_Add(bypass, text, &index));
    SysFreeString(text);
    assert_hr(S_OK, IWebProxy_put_BypassList(proxy, bypass));
    assert_hr(S_OK, IUpdateSession_put_WebProxy(session, proxy));
    assert_hr(S_OK, IUpdateSession_CreateUpdateDownloader(session, &downloader));
    result = download_with(downloader, updates);
    assert_result(result, WU_E_PT_WINHTTP_NAME_NOT_RESOLVED, orcFailed);
    IDownloadResult_Release(result);
    assert_false(logged_proxied(name));

    /* without the bypass entry: through the proxy (the same WebProxy object, changed) */
    IStringCollection_Release(bypass);
    bypass = create(&CLSID_StringCollection, &IID_IStringCollection);
    assert_hr(S_OK, IWebProxy_put_BypassList(proxy, bypass));
    assert_hr(S_OK, IUpdateSession_CreateUpdateDownloader(session, &downloader));
    result = download_with(downloader, updates);
    assert_result(result, S_OK, orcSucceeded);
    IDownloadResult_Release(result);
    cache_file(package.id, L"proxied.bin", path);
    assert_file(path, "through the proxy");
    /* the fixture saw the absolute URI a proxy is sent */
    assert_true(logged_proxied(name));
    IStringCollection_Release(bypass);
    IWebProxy_Release(proxy);
    IUpdateSession_Release(session);
    IUpdateCollection_Release(updates);
}

static void content_without_a_digest(void **state)
{
    static const WCHAR policy_key[] = L"Software\\OpenWUA";
    struct test_package package = { 0 };
    WCHAR name[64], url[512], path[MAX_PATH];
    IUpdateCollection *updates = (void *)1;
    IDownloadResult *result;
    HKEY key;

    (void)state;
    new_id(&package, L"No digest");
    swprintf(name, ARRAYSIZE(name), L"dl-%.8ls-nodigest.bin", package.id);
    serve(name, "nothing vouches for this");
    http_url(url, name);
    package.files[0] = (struct test_file){ .name = L"nodigest.bin", .uri = url, .content = "nothing vouches for this" };
    package.no_digest = TRUE;
    /* without the policy: such a catalog is refused (by AddScanPackageService), nothing is fetched */
    assert_hr(WU_E_XML_MISSINGDATA, try_search(&package, 1, &updates));
    assert_null(updates);
    assert_int_equal(0, requests_for(name));

    /* with it: loaded, downloaded, checked by its size */
    reg_set_dword(policy_key, L"AllowContentWithoutDigest", 1);
    updates = search(&package, 1);
    result = download(updates, FALSE);
    assert_result(result, S_OK, orcSucceeded);
    IDownloadResult_Release(result);
    cache_file(package.id, L"nodigest.bin", path);
    assert_file(path, "nothing vouches for this");
    /* the size is still checked */
    write_file(path, "nothing vouches for thi");
    serve(name, "nothing vouches for thi");
    result = download(updates, FALSE);
    assert_result(result, WU_E_DM_INCORRECTFILEHASH, orcFailed);
    IDownloadResult_Release(result);
    assert_false(exists(path));

    /* the policy taken back: an update loaded under it is not downloaded any more */
    serve(name, "nothing vouches for this");
    assert_int_equal(0, RegOpenKeyExW(HKEY_LOCAL_MACHINE, policy_key, 0, KEY_SET_VALUE, &key));
    RegDeleteValueW(key, L"AllowContentWithoutDigest");
    RegCloseKey(key);
    result = download(updates, FALSE);
    assert_result(result, WU_E_METADATA_NO_VERIFICATION_DATA, orcFailed);
    IDownloadResult_Release(result);
    assert_false(exists(path));
    IUpdateCollection_Release(updates);
}

/* A client's own IUpdate: only its IUnknown part is ever called. */
static HRESULT WINAPI foreign_QueryInterface(IUpdate *iface, REFIID riid, void **obj)
{
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch) || IsEqualIID(riid, &IID_IUpdate))
    {
        *obj = iface;
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI foreign_AddRef(IUpdate *iface)
{
    (void)iface;
    return 2;
}

static ULONG WINAPI foreign_Release(IUpdate *iface)
{
    (void)iface;
    return 1;
}

static IUpdateVtbl foreign_vtbl =
{
    .QueryInterface = foreign_QueryInterface, .AddRef = foreign_AddRef, .Release = foreign_Release
};
static IUpdate foreign_update = { &foreign_vtbl };

static void remove_client_files(const WCHAR *dir, const WCHAR *a, const WCHAR *b, const WCHAR *other,
                                const WCHAR *wrong)
{
    WCHAR folder[MAX_PATH];

    DeleteFileW(a);
    DeleteFileW(b);
    DeleteFileW(other);
    RemoveDirectoryW(dir);
    DeleteFileW(wrong);
    wcscpy(folder, wrong);
    *wcsrchr(folder, '\\') = 0;
    RemoveDirectoryW(folder);
}

/* Files a client already has go into the cache, checked as a download is. */
static void copy_to_cache_checks_what_it_takes(void **state)
{
    WCHAR a[MAX_PATH], b[MAX_PATH], wrong[MAX_PATH], other[MAX_PATH], path[MAX_PATH], dir[MAX_PATH];
    IStringCollection *files;
    struct test_package package = { 0 };
    IUpdateCollection *updates;
    IUpdate2 *update;
    IUpdate *first;
    LONG index;
    BSTR text;

    (void)state;
    new_id(&package, L"CopyToCache");
    /* the catalog's own location is never read: the files come from the client */
    package.files[0] = (struct test_file){ .name = L"a.txt", .uri = L"http://127.0.0.1:1/unused/a.txt",
                                           .content = "first file", .sha256 = TRUE };
    package.files[1] = (struct test_file){ .name = L"b.txt", .uri = L"http://127.0.0.1:1/unused/b.txt",
                                           .content = "second file" };
    swprintf(dir, MAX_PATH, L"%ls\\client-%ls", work, package.id);
    swprintf(a, MAX_PATH, L"%ls\\a.txt", dir);
    swprintf(b, MAX_PATH, L"%ls\\B.TXT", dir);       /* names match as Windows' do, ignoring case */
    swprintf(other, MAX_PATH, L"%ls\\c.txt", dir);
    swprintf(wrong, MAX_PATH, L"%ls\\wrong-%ls\\a.txt", work, package.id);
    remove_client_files(dir, a, b, other, wrong);      /* package IDs repeat across runs */
    assert_true(CreateDirectoryW(dir, NULL));
    write_file(a, "first file");
    write_file(b, "second file");
    write_file(other, "not the update's");
    *wcsrchr(wrong, '\\') = 0;
    assert_true(CreateDirectoryW(wrong, NULL));
    wcscat(wrong, L"\\a.txt");
    write_file(wrong, "first filE");
    updates = search(&package, 1);
    first = item(updates, 0);
    assert_hr(S_OK, IUpdate_QueryInterface(first, &IID_IUpdate2, (void **)&update));
    files = create(&CLSID_StringCollection, &IID_IStringCollection);

    assert_hr(E_INVALIDARG, IUpdate2_CopyToCache(update, NULL));
    assert_hr(E_INVALIDARG, IUpdate2_CopyToCache(update, files));        /* empty */
    /* a file the update does not have, a folder, a relative path: refused, nothing copied */
    assert_hr(S_OK, IStringCollection_Add(files, (text = SysAllocString(a)), &index));
    SysFreeString(text);
    assert_hr(S_OK, IStringCollection_Add(files, (text = SysAllocString(other)), &index));
    SysFreeString(text);
    assert_hr(E_INVALIDARG, IUpdate2_CopyToCache(update, files));
    assert_hr(S_OK, IStringCollection_put_Item(files, 1, (text = SysAllocString(dir))));
    SysFreeString(text);
    assert_hr(E_INVALIDARG, IUpdate2_CopyToCache(update, files));
    assert_hr(S_OK, IStringCollection_put_Item(files, 1, (text = SysAllocString(L"b.txt"))));
    SysFreeString(text);
    assert_hr(E_INVALIDARG, IUpdate2_CopyToCache(update, files));
    cache_file(package.id, L"a.txt", path);
    assert_false(exists(path));

    /* content that is not what the catalog describes is not taken */
    assert_hr(S_OK, IStringCollection_Clear(files));
    assert_hr(S_OK, IStringCollection_Add(files, (text = SysAllocString(wrong)), &index));
    SysFreeString(text);
    assert_hr(WU_E_DM_INCORRECTFILEHASH, IUpdate2_CopyToCache(update, files));
    assert_false(exists(path));

    /* one file is not the whole update; both are */
    assert_hr(S_OK, IStringCollection_put_Item(files, 0, (text = SysAllocString(a))));
    SysFreeString(text);
    assert_hr(S_OK, IUpdate2_CopyToCache(update, files));
    assert_file(path, "first file");
    assert_false(is_downloaded(first));
    assert_hr(S_OK, IStringCollection_Add(files, (text = SysAllocString(b)), &index));
    SysFreeString(text);
    assert_hr(S_OK, IUpdate2_CopyToCache(update, files));
    cache_file(package.id, L"b.txt", path);
    assert_file(path, "second file");
    assert_true(is_downloaded(first));

    IStringCollection_Release(files);
    IUpdate2_Release(update);
    IUpdate_Release(first);
    IUpdateCollection_Release(updates);
    remove_client_files(dir, a, b, other, wrong);
}

static void mixed_results_by_position(void **state)
{
    struct test_package packages[3] = { 0 };
    WCHAR good[512], bad[512], path[MAX_PATH];
    IUpdateCollection *found, *updates = create(&CLSID_UpdateCollection, &IID_IUpdateCollection);
    IDownloadResult *result;
    IUpdate *update;
    LONG index;

    (void)state;
    work_path(path, L"good.txt");
    write_file(path, "good content");
    work_url(good, L"good.txt");
    http_url(bad, L"status/404/good.txt");
    new_id(&packages[0], L"Good1");
    packages[0].files[0] = (struct test_file){ .name = L"good.txt", .uri = good, .content = "good content" };
    new_id(&packages[1], L"Bad");
    packages[1].files[0] = (struct test_file){ .name = L"bad.txt", .uri = bad, .content = "good content" };
    new_id(&packages[2], L"Good2");
    packages[2].files[0] = (struct test_file){ .name = L"good.txt", .uri = good, .content = "good content" };
    packages[2].files[1] = (struct test_file){ .name = L"bad-digest.txt", .uri = good, .content = "other content" };
    found = search(packages, 3);

    /* a client's collection, in the client's order: Good1, foreign, Bad, Good2 */
    update = item(found, 0);
    assert_hr(S_OK, IUpdateCollection_Add(updates, update, &index));
    IUpdate_Release(update);
    assert_hr(S_OK, IUpdateCollection_Add(updates, &foreign_update, &index));
    update = item(found, 1);
    assert_hr(S_OK, IUpdateCollection_Add(updates, update, &index));
    IUpdate_Release(update);
    update = item(found, 2);
    assert_hr(S_OK, IUpdateCollection_Add(updates, update, &index));
    IUpdate_Release(update);

    result = download(updates, FALSE);
    assert_result(result, S_OK, orcSucceededWithErrors);
    assert_update_result(result, 0, S_OK);
    assert_update_result(result, 1, WU_E_INVALID_UPDATE);
    assert_update_result(result, 2, WU_E_PT_HTTP_STATUS_NOT_FOUND);
    assert_update_result(result, 3, WU_E_DM_INCORRECTFILEHASH);
    IDownloadResult_Release(result);

    update = item(found, 0);
    assert_true(is_downloaded(update));
    IUpdate_Release(update);
    update = item(found, 1);
    assert_false(is_downloaded(update));
    IUpdate_Release(update);
    update = item(found, 2);
    assert_false(is_downloaded(update));
    IUpdate_Release(update);
    cache_file(packages[2].id, L"bad-digest.txt", path);
    assert_false(exists(path));
    IUpdateCollection_Release(updates);
    IUpdateCollection_Release(found);
}



int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] =
    {
        LEAK_CHECKED(downloader_properties),
        LEAK_CHECKED(file_sources_download_into_the_cache),
        LEAK_CHECKED(cached_content_is_not_fetched_again_unless_forced),
        LEAK_CHECKED(remembered_copies_are_checked_again_when_they_change),
        LEAK_CHECKED(wrong_content_fails_and_leaves_nothing),
        LEAK_CHECKED(http_errors_are_per_update),
        LEAK_CHECKED(unsafe_file_names_are_refused),
        LEAK_CHECKED(mixed_results_by_position),
        LEAK_CHECKED(resume_after_a_drop),
        LEAK_CHECKED(wrong_bytes_over_http),
        LEAK_CHECKED(resume_after_the_process_is_killed),
        LEAK_CHECKED(a_resumed_part_is_checked_from_its_start),
        LEAK_CHECKED(a_wrong_byte_in_a_resumed_part_fails),
        LEAK_CHECKED(a_part_emptied_by_a_200_is_checked_anew),
        LEAK_CHECKED(a_wrong_byte_in_a_large_body_fails),
        LEAK_CHECKED(two_jobs_on_one_update),
        LEAK_CHECKED(abort_while_the_server_stalls),
        LEAK_CHECKED(the_session_proxy_is_used),
        LEAK_CHECKED(content_without_a_digest),
        LEAK_CHECKED(copy_to_cache_checks_what_it_takes),
    };

    if (argc == 3 && !strcmp(argv[1], "--child-download")) return child_download(argv[2]);
    if (!download_fixture_init(L"openwua-download-test")) return 1;
    return RUN_TESTS(tests);
}
