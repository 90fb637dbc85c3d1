/*
 * OpenWUA tests: fetching over HTTP (transport.c) and catalogs from http URLs.
 *
 * The server is tests/http_fixture.py on 127.0.0.1, started and stopped
 * around this test by ctest (FIXTURES_SETUP / FIXTURES_CLEANUP).  Its port
 * file and the folder it serves come as Z: paths in OPENWUA_HTTP_PORT_FILE
 * and OPENWUA_HTTP_ROOT, its request log in OPENWUA_HTTP_LOG;
 * OPENWUA_HTTPS_PORT_FILE names the port of its TLS side, whose self-signed
 * certificate nothing trusts.  The tests write the
 * files the server serves, and fault injection is chosen per request by the
 * URL's path prefixes (see the top of http_fixture.py).
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <winsock2.h>
#include "common.h"
#include <shlobj.h>
#include <bcrypt.h>
#include <winhttp.h>
#include "catalog.h"
#include "transport.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define SMC_URI "http://schemas.microsoft.com/sms/2005/04/CorporatePublishing/SystemsManagementCatalog.xsd"
#define SDP_URI "http://schemas.microsoft.com/wsus/2005/04/CorporatePublishing/SoftwareDistributionPackage.xsd"
#define PACKAGE(id) \
    "<smc:SoftwareDistributionPackage><sdp:Properties PackageID=\"" id "\" CreationDate=\"2020-01-02T03:04:05Z\"/>" \
    "<sdp:LocalizedProperties><sdp:Language>en</sdp:Language><sdp:Title>T</sdp:Title></sdp:LocalizedProperties>" \
    "<sdp:UpdateSpecificData UpdateClassification=\"Updates\"/></smc:SoftwareDistributionPackage>"
#define CATALOG(body) "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<smc:SystemsManagementCatalog xmlns:smc=\"" \
    SMC_URI "\" xmlns:sdp=\"" SDP_URI "\">" body "</smc:SystemsManagementCatalog>"
#define ID1 "11111111-2222-3333-4444-555555555555"
#define ID2 "22222222-2222-3333-4444-555555555555"
#define ID3 "33333333-2222-3333-4444-555555555555"

static WCHAR root[MAX_PATH];            /* what the server serves */
static WCHAR temp_folder[MAX_PATH];     /* where fetches go */
static unsigned int port, tls_port;

/* --- helpers --- */

static void path_in(WCHAR *path, const WCHAR *folder, const WCHAR *name)
{
    swprintf(path, MAX_PATH, L"%ls\\%ls", folder, name);
}

static void url_of(WCHAR *url, const WCHAR *path)
{
    swprintf(url, 512, L"http://127.0.0.1:%u/%ls", port, path);
}

static void write_file(const WCHAR *path, const void *data, size_t size)
{
    HANDLE file = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    DWORD written;

    assert_true(file != INVALID_HANDLE_VALUE);
    assert_true(WriteFile(file, data, size, &written, NULL));
    assert_int_equal(size, written);
    CloseHandle(file);
}

/* The whole file, NUL-terminated; *size gets its length. */
static BYTE *read_file(const WCHAR *path, DWORD *size)
{
    HANDLE file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    BYTE *data;
    DWORD read;

    assert_true(file != INVALID_HANDLE_VALUE);
    *size = GetFileSize(file, NULL);
    data = malloc(*size + 1);
    assert_non_null(data);
    assert_true(ReadFile(file, data, *size, &read, NULL));
    assert_int_equal(*size, read);
    data[*size] = 0;
    CloseHandle(file);
    return data;
}

static BOOL exists(const WCHAR *path)
{
    return GetFileAttributesW(path) != INVALID_FILE_ATTRIBUTES;
}

/* Files in the temporary folder: a fetch leaves its destination and nothing else. */
static unsigned int temp_file_count(void)
{
    WCHAR pattern[MAX_PATH];
    WIN32_FIND_DATAW data;
    unsigned int count = 0;
    HANDLE find;

    path_in(pattern, temp_folder, L"*");
    if ((find = FindFirstFileW(pattern, &data)) == INVALID_HANDLE_VALUE) return 0;
    do if (!(data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)) count++;
    while (FindNextFileW(find, &data));
    FindClose(find);
    return count;
}

static void clear_temp_folder(void)
{
    WCHAR pattern[MAX_PATH], path[MAX_PATH];
    WIN32_FIND_DATAW data;
    HANDLE find;

    path_in(pattern, temp_folder, L"*");
    if ((find = FindFirstFileW(pattern, &data)) == INVALID_HANDLE_VALUE) return;
    do
    {
        path_in(path, temp_folder, data.cFileName);
        if (!(data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)) DeleteFileW(path);
    } while (FindNextFileW(find, &data));
    FindClose(find);
}

/* Serves size bytes of a pattern (no two neighbouring 64 KiB reads alike) as name. */
static BYTE *serve_pattern(const WCHAR *name, DWORD size)
{
    WCHAR path[MAX_PATH];
    BYTE *data = malloc(size);
    DWORD i;

    assert_non_null(data);
    for (i = 0; i < size; i++) data[i] = (BYTE)(i * 7 + i / 251);
    path_in(path, root, name);
    write_file(path, data, size);
    return data;
}

static void unserve(const WCHAR *name)
{
    WCHAR path[MAX_PATH];

    path_in(path, root, name);
    DeleteFileW(path);
}

static HRESULT fetch(const WCHAR *path, const WCHAR *dest, const struct transport_options *options)
{
    WCHAR url[512];

    url_of(url, path);
    return transport_fetch(url, dest, options);
}

static void assert_file_is(const WCHAR *path, const BYTE *expected, DWORD size)
{
    DWORD actual_size;
    BYTE *actual = read_file(path, &actual_size);

    assert_int_equal(size, actual_size);
    assert_memory_equal(expected, actual, size);
    free(actual);
}

/* A failed fetch leaves no destination and no temporary file. */
static void check_fetch_fails(const WCHAR *path, HRESULT expected, const struct transport_options *options)
{
    WCHAR dest[MAX_PATH];
    HRESULT hr;

    clear_temp_folder();
    path_in(dest, temp_folder, L"failed.bin");
    hr = fetch(path, dest, options);
    if (hr != expected) print_message("%ls: 0x%08lx\n", path, (unsigned long)hr);
    assert_hr(expected, hr);
    assert_false(exists(dest));
    assert_int_equal(0, temp_file_count());
}

/* --- fetches --- */

static void fetch_whole_file(void **state)
{
    static const DWORD size = 300000;   /* several reads */
    BYTE *data = serve_pattern(L"a.bin", size);
    WCHAR dest[MAX_PATH];

    (void)state;
    clear_temp_folder();
    path_in(dest, temp_folder, L"a.bin");
    assert_hr(S_OK, fetch(L"a.bin", dest, NULL));
    assert_file_is(dest, data, size);
    assert_int_equal(1, temp_file_count());

    /* an existing destination is replaced */
    write_file(dest, "old", 3);
    assert_hr(S_OK, fetch(L"a.bin", dest, NULL));
    assert_file_is(dest, data, size);
    assert_int_equal(1, temp_file_count());

    /* an empty file is a file */
    serve_pattern(L"empty.bin", 0);
    path_in(dest, temp_folder, L"empty.bin");
    assert_hr(S_OK, fetch(L"empty.bin", dest, NULL));
    assert_true(exists(dest));
    free(data);
}

static void not_found(void **state)
{
    BYTE *data = serve_pattern(L"a.bin", 1000);
    WCHAR dest[MAX_PATH];

    (void)state;
    unserve(L"missing.bin");
    check_fetch_fails(L"missing.bin", WU_E_PT_HTTP_STATUS_NOT_FOUND, NULL);
    /* a destination that was there stays as it was */
    path_in(dest, temp_folder, L"kept.bin");
    write_file(dest, data, 1000);
    assert_hr(WU_E_PT_HTTP_STATUS_NOT_FOUND, fetch(L"missing.bin", dest, NULL));
    assert_file_is(dest, data, 1000);
    assert_int_equal(1, temp_file_count());
    free(data);
}

static void status_codes(void **state)
{
    static const struct
    {
        DWORD status;
        HRESULT hr;
    }
    tests[] =
    {
        { 400, WU_E_PT_HTTP_STATUS_BAD_REQUEST },
        { 401, WU_E_PT_HTTP_STATUS_DENIED },
        { 403, WU_E_PT_HTTP_STATUS_FORBIDDEN },
        { 404, WU_E_PT_HTTP_STATUS_NOT_FOUND },
        { 405, WU_E_PT_HTTP_STATUS_BAD_METHOD },
        { 407, WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ },
        { 408, WU_E_PT_HTTP_STATUS_REQUEST_TIMEOUT },
        { 409, WU_E_PT_HTTP_STATUS_CONFLICT },
        { 410, WU_E_PT_HTTP_STATUS_GONE },
        { 418, WU_E_PT_HTTP_STATUS_NOT_MAPPED },
        { 500, WU_E_PT_HTTP_STATUS_SERVER_ERROR },
        { 501, WU_E_PT_HTTP_STATUS_NOT_SUPPORTED },
        { 502, WU_E_PT_HTTP_STATUS_BAD_GATEWAY },
        { 503, WU_E_PT_HTTP_STATUS_SERVICE_UNAVAIL },
        { 504, WU_E_PT_HTTP_STATUS_GATEWAY_TIMEOUT },
        { 505, WU_E_PT_HTTP_STATUS_VERSION_NOT_SUP },
        { 599, WU_E_PT_HTTP_STATUS_NOT_MAPPED },
        { 202, WU_E_PT_HTTP_STATUS_NOT_MAPPED },    /* only 200 brings the whole file */
        { 206, WU_E_PT_HTTP_STATUS_NOT_MAPPED },    /* a part nobody asked for */
        { 300, WU_E_PT_HTTP_STATUS_NOT_MAPPED },    /* a redirect without a Location */
        { 304, WU_E_PT_HTTP_STATUS_NOT_MAPPED },    /* not modified, to a request with no condition */
    };
    WCHAR path[64];
    unsigned int i;

    (void)state;
    free(serve_pattern(L"a.bin", 1000));
    for (i = 0; i < ARRAY_SIZE(tests); i++)
    {
        swprintf(path, ARRAY_SIZE(path), L"status/%lu/a.bin", tests[i].status);
        check_fetch_fails(path, tests[i].hr, NULL);
        assert_hr(tests[i].hr, transport_status_error(tests[i].status));
    }
    assert_hr(S_OK, transport_status_error(200));
}

static void error_then_success(void **state)
{
    BYTE *data = serve_pattern(L"flaky.bin", 5000);
    WCHAR dest[MAX_PATH];

    (void)state;
    /* each fetch is a request of its own: nothing of the failure stays */
    check_fetch_fails(L"status/503-2-then-ok/flaky.bin", WU_E_PT_HTTP_STATUS_SERVICE_UNAVAIL, NULL);
    check_fetch_fails(L"status/503-2-then-ok/flaky.bin", WU_E_PT_HTTP_STATUS_SERVICE_UNAVAIL, NULL);
    path_in(dest, temp_folder, L"flaky.bin");
    assert_hr(S_OK, fetch(L"status/503-2-then-ok/flaky.bin", dest, NULL));
    assert_file_is(dest, data, 5000);
    free(data);
}

static void redirects_followed(void **state)
{
    static const WCHAR *const paths[] =
    {
        L"redirect/1/r.bin", L"redirect/5/r.bin", L"redirect-301/2/r.bin", L"redirect-303/1/r.bin",
        L"redirect-307/1/r.bin", L"redirect-308/1/r.bin", L"redirect/2/redirect-307/2/r.bin",
        L"redirect-relative/3/r.bin", L"redirect-308-relative/1/r.bin", L"redirect/10/r.bin",
    };
    BYTE *data = serve_pattern(L"r.bin", 70000);
    WCHAR dest[MAX_PATH];
    unsigned int i;

    (void)state;
    path_in(dest, temp_folder, L"r.bin");
    for (i = 0; i < ARRAY_SIZE(paths); i++)
    {
        clear_temp_folder();
        print_message("%ls\n", paths[i]);
        assert_hr(S_OK, fetch(paths[i], dest, NULL));
        assert_file_is(dest, data, 70000);
        assert_int_equal(1, temp_file_count());
    }
    /* the redirect target's status counts */
    unserve(L"gone.bin");
    check_fetch_fails(L"redirect/2/gone.bin", WU_E_PT_HTTP_STATUS_NOT_FOUND, NULL);
    free(data);
}

static void redirects_bounded(void **state)
{
    (void)state;
    free(serve_pattern(L"r.bin", 100));
    /* TRANSPORT_MAX_REDIRECTS (10) is the most that is followed */
    check_fetch_fails(L"redirect/1000/r.bin", HRESULT_FROM_WIN32(ERROR_WINHTTP_REDIRECT_FAILED), NULL);
    check_fetch_fails(L"redirect/11/r.bin", HRESULT_FROM_WIN32(ERROR_WINHTTP_REDIRECT_FAILED), NULL);
}

/* A loopback port nothing listens on: one the OS handed out, then closed. */
static unsigned int closed_port(void)
{
    struct sockaddr_in address = { 0 };
    int length = sizeof(address);
    WSADATA wsa;
    SOCKET s;

    assert_int_equal(0, WSAStartup(MAKEWORD(2, 2), &wsa));
    s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    assert_true(s != INVALID_SOCKET);
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(0, bind(s, (struct sockaddr *)&address, sizeof(address)));
    assert_int_equal(0, getsockname(s, (struct sockaddr *)&address, &length));
    closesocket(s);
    WSACleanup();
    return ntohs(address.sin_port);
}

static void connection_refused(void **state)
{
    WCHAR url[128], dest[MAX_PATH];

    (void)state;
    clear_temp_folder();
    swprintf(url, ARRAY_SIZE(url), L"http://127.0.0.1:%u/a.bin", closed_port());
    path_in(dest, temp_folder, L"refused.bin");
    assert_hr(HRESULT_FROM_WIN32(ERROR_WINHTTP_CANNOT_CONNECT), transport_fetch(url, dest, NULL));
    assert_false(exists(dest));
    assert_int_equal(0, temp_file_count());
}

static void name_not_resolved(void **state)
{
    struct transport_options options = { .timeout = 10000 };
    WCHAR dest[MAX_PATH];

    (void)state;
    clear_temp_folder();
    path_in(dest, temp_folder, L"unresolved.bin");
    /* .invalid never resolves (RFC 6761) */
    assert_hr(WU_E_PT_WINHTTP_NAME_NOT_RESOLVED,
              transport_fetch(L"http://openwua-test.invalid/a.bin", dest, &options));
    assert_false(exists(dest));
    assert_int_equal(0, temp_file_count());
}

static void timeout(void **state)
{
    struct transport_options options = { .timeout = 500 };
    DWORD start;

    (void)state;
    free(serve_pattern(L"t.bin", 100));
    start = GetTickCount();
    check_fetch_fails(L"slow/5000/t.bin", HRESULT_FROM_WIN32(ERROR_WINHTTP_TIMEOUT), &options);
    assert_true(GetTickCount() - start < 4000);
    /* a body that stalls half way */
    free(serve_pattern(L"t.bin", 200000));
    check_fetch_fails(L"trickle/100000/3000/t.bin", HRESULT_FROM_WIN32(ERROR_WINHTTP_TIMEOUT), &options);
}

static void truncated_body(void **state)
{
    (void)state;
    free(serve_pattern(L"cut.bin", 200000));
    /* Content-Length promised more than came */
    check_fetch_fails(L"drop-at/100000/cut.bin", HRESULT_FROM_WIN32(ERROR_WINHTTP_CONNECTION_ERROR), NULL);
    check_fetch_fails(L"drop-at/0/cut.bin", HRESULT_FROM_WIN32(ERROR_WINHTTP_CONNECTION_ERROR), NULL);
}

static void size_limit(void **state)
{
    struct transport_options options = { .max_bytes = 99999 };
    BYTE *data = serve_pattern(L"big.bin", 100000);
    WCHAR dest[MAX_PATH];

    (void)state;
    check_fetch_fails(L"big.bin", HRESULT_FROM_WIN32(ERROR_FILE_TOO_LARGE), &options);
    /* no Content-Length to go by: counted while reading */
    check_fetch_fails(L"no-length/big.bin", HRESULT_FROM_WIN32(ERROR_FILE_TOO_LARGE), &options);
    options.max_bytes = 100000;
    path_in(dest, temp_folder, L"big.bin");
    assert_hr(S_OK, fetch(L"no-length/big.bin", dest, &options));
    assert_file_is(dest, data, 100000);
    free(data);
}

struct aborter
{
    volatile LONG flag;
    DWORD delay;
};

static DWORD WINAPI abort_later(void *arg)
{
    struct aborter *aborter = arg;

    Sleep(aborter->delay);
    InterlockedExchange(&aborter->flag, 1);
    return 0;
}

static void abort_flag(void **state)
{
    struct aborter aborter = { 1, 0 };
    struct transport_options options = { .abort = &aborter.flag };
    HANDLE thread;
    DWORD start;

    (void)state;
    free(serve_pattern(L"abort.bin", 400000));
    check_fetch_fails(L"abort.bin", E_ABORT, &options);
    /* raised while the body trickles in: stops at the next read */
    aborter.flag = 0;
    aborter.delay = 300;
    thread = CreateThread(NULL, 0, abort_later, &aborter, 0, NULL);
    start = GetTickCount();
    check_fetch_fails(L"trickle/4000/50/abort.bin", E_ABORT, &options);
    assert_true(GetTickCount() - start < 3000);
    WaitForSingleObject(thread, INFINITE);
    CloseHandle(thread);
}

static void bad_arguments(void **state)
{
    WCHAR dest[MAX_PATH];

    (void)state;
    path_in(dest, temp_folder, L"x.bin");
    assert_hr(E_INVALIDARG, transport_fetch(NULL, dest, NULL));
    assert_hr(E_INVALIDARG, transport_fetch(L"http://127.0.0.1/", NULL, NULL));
    assert_hr(E_INVALIDARG, transport_fetch(L"http://127.0.0.1/", L"", NULL));
    assert_hr(WU_E_PT_INVALID_URL, transport_fetch(L"ftp://127.0.0.1/x.bin", dest, NULL));
    assert_hr(WU_E_PT_INVALID_URL, transport_fetch(L"file:///c:/x.bin", dest, NULL));
    assert_hr(WU_E_PT_INVALID_URL, transport_fetch(L"http://", dest, NULL));
    assert_hr(WU_E_PT_INVALID_URL, transport_fetch(L"http:///x.bin", dest, NULL));
    assert_false(exists(dest));
    assert_true(transport_is_http_url(L"HTTPS://x/"));
    assert_false(transport_is_http_url(L"httpx://x/"));
    assert_false(transport_is_http_url(NULL));
}

static void conditional_fetch(void **state)
{
    struct transport_validator validator;
    struct transport_options options = { .validator = &validator };
    BYTE *data = serve_pattern(L"c.bin", 3000);
    WCHAR dest[MAX_PATH];

    (void)state;
    memset(&validator, 0, sizeof(validator));
    clear_temp_folder();
    path_in(dest, temp_folder, L"c.bin");
    assert_hr(S_OK, fetch(L"c.bin", dest, &options));
    assert_true(validator.etag[0]);
    assert_true(validator.last_modified[0]);
    /* unchanged on the server: 304, and the local copy is left alone */
    write_file(dest, "local", 5);
    assert_hr(S_FALSE, fetch(L"c.bin", dest, &options));
    assert_file_is(dest, (const BYTE *)"local", 5);
    /* no condition is sent for a destination that is not there */
    DeleteFileW(dest);
    assert_hr(S_OK, fetch(L"c.bin", dest, &options));
    assert_file_is(dest, data, 3000);
    /* a stale validator brings the file */
    wcscpy(validator.etag, L"\"stale\"");
    validator.last_modified[0] = 0;
    write_file(dest, "local", 5);
    assert_hr(S_OK, fetch(L"c.bin", dest, &options));
    assert_file_is(dest, data, 3000);
    /* a validator that would end the header line is not sent */
    wcscpy(validator.etag, L"\"x\"\r\nIf-None-Match: *");
    wcscpy(validator.last_modified, L"\n");
    write_file(dest, "local", 5);
    assert_hr(S_OK, fetch(L"c.bin", dest, &options));
    assert_file_is(dest, data, 3000);
    /* a server that sends none clears the validator */
    assert_hr(S_OK, fetch(L"no-validators/c.bin", dest, &options));
    assert_int_equal(0, validator.etag[0]);
    assert_int_equal(0, validator.last_modified[0]);
    assert_int_equal(1, temp_file_count());
    free(data);
}

static void proxies(void **state)
{
    struct transport_options options = { .proxy = TRANSPORT_PROXY_NAMED };
    BYTE *data = serve_pattern(L"p.bin", 2000);
    WCHAR proxy[64], dest[MAX_PATH];

    (void)state;
    clear_temp_folder();
    path_in(dest, temp_folder, L"p.bin");
    /* the fixture as the proxy: a host that does not resolve is reached through it */
    swprintf(proxy, ARRAY_SIZE(proxy), L"127.0.0.1:%u", port);
    options.proxy_server = proxy;
    assert_hr(S_OK, transport_fetch(L"http://openwua-test.invalid/p.bin", dest, &options));
    assert_file_is(dest, data, 2000);
    /* the bypass list sends it straight to the server */
    options.proxy_bypass = L"openwua-test.invalid";
    options.timeout = 10000;
    assert_hr(WU_E_PT_WINHTTP_NAME_NOT_RESOLVED, transport_fetch(L"http://openwua-test.invalid/p.bin", dest, &options));
    options.proxy_server = NULL;
    assert_hr(E_INVALIDARG, fetch(L"p.bin", dest, &options));
    options.proxy = TRANSPORT_PROXY_NONE;
    DeleteFileW(dest);
    assert_hr(S_OK, fetch(L"p.bin", dest, &options));
    assert_file_is(dest, data, 2000);
    options.proxy = 7;
    assert_hr(E_INVALIDARG, fetch(L"p.bin", dest, &options));
    free(data);
}

static void untrusted_certificate(void **state)
{
    WCHAR url[128], dest[MAX_PATH];
    HRESULT hr;

    (void)state;
    if (!tls_port) skip();      /* the fixture had no openssl to make a certificate */
    free(serve_pattern(L"tls.bin", 100));
    clear_temp_folder();
    path_in(dest, temp_folder, L"tls.bin");
    swprintf(url, ARRAY_SIZE(url), L"https://127.0.0.1:%u/tls.bin", tls_port);
    hr = transport_fetch(url, dest, NULL);
    print_message("self-signed certificate: 0x%08lx\n", (unsigned long)hr);
    /* one of WinHTTP's certificate errors, never the file */
    assert_true(hr == HRESULT_FROM_WIN32(ERROR_WINHTTP_SECURE_FAILURE)
                || hr == HRESULT_FROM_WIN32(ERROR_WINHTTP_SECURE_INVALID_CA)
                || hr == HRESULT_FROM_WIN32(ERROR_WINHTTP_SECURE_CERT_CN_INVALID)
                || hr == HRESULT_FROM_WIN32(ERROR_WINHTTP_SECURE_INVALID_CERT)
                || hr == HRESULT_FROM_WIN32(ERROR_WINHTTP_SECURE_CHANNEL_ERROR));
    assert_false(exists(dest));
    assert_int_equal(0, temp_file_count());
}

static void winhttp_errors(void **state)
{
    (void)state;
    assert_hr(WU_E_PT_WINHTTP_NAME_NOT_RESOLVED, transport_winhttp_error(ERROR_WINHTTP_NAME_NOT_RESOLVED));
    assert_hr(WU_E_PT_INVALID_URL, transport_winhttp_error(ERROR_WINHTTP_INVALID_URL));
    assert_hr(WU_E_PT_INVALID_URL, transport_winhttp_error(ERROR_WINHTTP_UNRECOGNIZED_SCHEME));
    assert_hr(E_ABORT, transport_winhttp_error(ERROR_WINHTTP_OPERATION_CANCELLED));
    assert_hr(E_OUTOFMEMORY, transport_winhttp_error(ERROR_NOT_ENOUGH_MEMORY));
    assert_hr(0x80072efd, transport_winhttp_error(ERROR_WINHTTP_CANNOT_CONNECT));
    assert_hr(0x80072ee2, transport_winhttp_error(ERROR_WINHTTP_TIMEOUT));
    assert_hr(0x80072f8f, transport_winhttp_error(ERROR_WINHTTP_SECURE_FAILURE));
    assert_hr(E_FAIL, transport_winhttp_error(ERROR_SUCCESS));
    /* socket errors Wine lets through read as WinHTTP's */
    assert_hr(0x80072ee2, transport_winhttp_error(WSAETIMEDOUT));
    assert_hr(0x80072efd, transport_winhttp_error(WSAECONNREFUSED));
    assert_hr(0x80072efe, transport_winhttp_error(WSAECONNRESET));
    assert_hr(0x80072efe, transport_winhttp_error(WSAECONNABORTED));
    assert_hr(HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED), transport_winhttp_error(ERROR_ACCESS_DENIED));
}

/* --- resumable fetches --- */

static void part_paths(WCHAR *part, WCHAR *validator, const WCHAR *name)
{
    WCHAR file[MAX_PATH];

    swprintf(file, MAX_PATH, L"%ls.part", name);
    path_in(part, temp_folder, file);
    swprintf(file, MAX_PATH, L"%ls.validator", name);
    path_in(validator, temp_folder, file);
}

static HRESULT fetch_part(const WCHAR *path, const WCHAR *name, ULONGLONG size,
                          const struct transport_options *options, struct transport_stats *stats)
{
    WCHAR url[512], part[MAX_PATH], validator[MAX_PATH];

    url_of(url, path);
    part_paths(part, validator, name);
    return transport_fetch_resumable(url, part, validator, size, options, stats);
}

/* The fixture's log lines for a path, in order; free them. */
static char *log_lines_for(const char *path, unsigned int *count)
{
    const char *name = getenv("OPENWUA_HTTP_LOG");
    char needle[300], *text, *result, *line, *next;
    WCHAR log[MAX_PATH];
    DWORD size;

    MultiByteToWideChar(CP_ACP, 0, name, -1, log, ARRAY_SIZE(log));
    text = (char *)read_file(log, &size);
    result = calloc(1, size + 1);
    assert_non_null(result);
    snprintf(needle, sizeof(needle), "\"path\": \"/%s\"", path);
    *count = 0;
    for (line = text; *line; line = next)
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
    free(text);
    return result;
}

static void resume_after_drops(void **state)
{
    static const DWORD size = 300000;
    BYTE *data = serve_pattern(L"resume.bin", size);
    struct transport_stats stats;
    WCHAR part[MAX_PATH], validator[MAX_PATH];
    unsigned int count;
    char *log;

    (void)state;
    clear_temp_folder();
    part_paths(part, validator, L"resume");
    /* every answer stops 120000 bytes into its body: three requests, each
     * continuing where the last one stopped */
    assert_hr(S_OK, fetch_part(L"drop-at/120000/resume.bin", L"resume", size, NULL, &stats));
    assert_file_is(part, data, size);
    print_message("received %I64u bytes of %lu in %u requests\n", stats.received, size, stats.attempts);
    assert_int_equal(3, stats.attempts);
    /* what came again is counted, and bounded */
    assert_true(stats.received >= size);
    assert_true(stats.received < size + 65536);
    log = log_lines_for("drop-at/120000/resume.bin", &count);
    assert_int_equal(3, count);
    assert_non_null(strstr(log, "\"Range\": \"bytes=120000-\""));
    assert_non_null(strstr(log, "\"Range\": \"bytes=240000-\""));
    assert_non_null(strstr(log, "\"If-Range\": \"\\\""));    /* the ETag, which is strong */
    free(log);
    free(data);
}

static void resume_from_a_part(void **state)
{
    static const DWORD size = 200000;
    BYTE *data = serve_pattern(L"part.bin", size);
    struct transport_validator stale;
    struct transport_stats stats;
    WCHAR part[MAX_PATH], validator[MAX_PATH];
    unsigned int count;
    char *log;

    (void)state;
    clear_temp_folder();
    part_paths(part, validator, L"part");
    /* a part left from before, with no validator: continued, no If-Range */
    write_file(part, data, 50000);
    assert_hr(S_OK, fetch_part(L"part.bin", L"part", size, NULL, &stats));
    assert_file_is(part, data, size);
    assert_int_equal(size - 50000, stats.received);
    assert_int_equal(1, stats.attempts);
    /* a whole body leaves the validator beside the part */
    assert_false(exists(validator));
    DeleteFileW(part);
    assert_hr(S_OK, fetch_part(L"part.bin", L"part", size, NULL, &stats));
    assert_true(exists(validator));
    /* a part with a stale validator: If-Range does not hold, the server sends it whole */
    memset(&stale, 0, sizeof(stale));
    wcscpy(stale.etag, L"\"stale\"");
    write_file(part, "garbage", 7);
    write_file(validator, &stale, sizeof(stale));
    assert_hr(S_OK, fetch_part(L"no-length/part.bin", L"part", size, NULL, &stats));
    assert_file_is(part, data, size);
    assert_int_equal(size, stats.received);
    log = log_lines_for("no-length/part.bin", &count);
    assert_int_equal(1, count);
    assert_non_null(strstr(log, "\"If-Range\": \"\\\"stale\\\"\""));
    free(log);
    /* a server that ignores Range: its 200 starts the part over */
    write_file(part, "garbage", 7);
    assert_hr(S_OK, fetch_part(L"no-range/part.bin", L"part", size, NULL, &stats));
    assert_file_is(part, data, size);
    assert_int_equal(size, stats.received);
    /* a part longer than the file, the size not known: 416, then the whole
     * file (with no validator to go by: one would send it whole at once) */
    write_file(part, data, size);
    DeleteFileW(validator);
    free(serve_pattern(L"short.bin", 1000));
    assert_hr(S_OK, fetch_part(L"short.bin", L"part", 0, NULL, &stats));
    assert_int_equal(2, stats.attempts);
    assert_int_equal(1000, stats.received);
    free(data);
}

static void lying_servers(void **state)
{
    static const DWORD size = 100000;
    BYTE *data = serve_pattern(L"lie.bin", size);
    struct transport_stats stats;
    WCHAR part[MAX_PATH], validator[MAX_PATH];

    (void)state;
    clear_temp_folder();
    part_paths(part, validator, L"lie");
    /* the rest from the wrong place: the part goes, the file comes whole */
    write_file(part, data, 30000);
    assert_hr(S_OK, fetch_part(L"range-shift/10/lie.bin", L"lie", size, NULL, &stats));
    assert_file_is(part, data, size);
    assert_int_equal(2, stats.attempts);
    assert_int_equal(size, stats.received);
    /* a file of another size */
    write_file(part, data, 30000);
    assert_hr(S_OK, fetch_part(L"range-total/100001/lie.bin", L"lie", size, NULL, &stats));
    assert_file_is(part, data, size);
    assert_int_equal(2, stats.attempts);
    /* a 206 to a request that asked for no range: an error, at once */
    DeleteFileW(part);
    assert_hr(WU_E_PT_HTTP_STATUS_NOT_MAPPED, fetch_part(L"always-206/lie.bin", L"lie", size, NULL, &stats));
    assert_int_equal(1, stats.attempts);
    /* both lies at once: bounded, never a loop */
    write_file(part, data, 30000);
    assert_hr(WU_E_PT_HTTP_STATUS_NOT_MAPPED,
              fetch_part(L"always-206/range-shift/10/lie.bin", L"lie", size, NULL, &stats));
    assert_true(stats.attempts <= TRANSPORT_MAX_ATTEMPTS);
    /* a body longer than the file said */
    DeleteFileW(part);
    assert_hr(HRESULT_FROM_WIN32(ERROR_FILE_TOO_LARGE), fetch_part(L"lie.bin", L"lie", size - 1, NULL, &stats));
    free(data);
}

static void retries(void **state)
{
    BYTE *data = serve_pattern(L"retry.bin", 5000);
    struct transport_stats stats;
    WCHAR part[MAX_PATH], validator[MAX_PATH];
    static const DWORD transient[] = { 500, 502, 503, 504 };
    WCHAR path[64];
    unsigned int i;

    (void)state;
    clear_temp_folder();
    part_paths(part, validator, L"retry");
    for (i = 0; i < ARRAY_SIZE(transient); i++)
    {
        DeleteFileW(part);
        swprintf(path, ARRAY_SIZE(path), L"status/%lu-then-ok/retry.bin", transient[i]);
        assert_hr(S_OK, fetch_part(path, L"retry", 5000, NULL, &stats));
        assert_file_is(part, data, 5000);
        assert_int_equal(2, stats.attempts);
    }
    /* three failures, then the fourth and last request succeeds */
    DeleteFileW(part);
    assert_hr(S_OK, fetch_part(L"status/503-3-then-ok/retry.bin", L"retry", 5000, NULL, &stats));
    assert_int_equal(TRANSPORT_MAX_ATTEMPTS, stats.attempts);
    /* four: the last failure is the answer */
    assert_hr(WU_E_PT_HTTP_STATUS_SERVICE_UNAVAIL,
              fetch_part(L"status/503-4-then-ok/retry.bin", L"retry", 5000, NULL, &stats));
    assert_int_equal(TRANSPORT_MAX_ATTEMPTS, stats.attempts);
    /* not transient: one request */
    assert_hr(WU_E_PT_HTTP_STATUS_NOT_FOUND, fetch_part(L"status/404-then-ok/retry.bin", L"retry", 5000, NULL, &stats));
    assert_int_equal(1, stats.attempts);
    assert_hr(WU_E_PT_HTTP_STATUS_FORBIDDEN, fetch_part(L"status/403/retry.bin", L"retry", 5000, NULL, &stats));
    assert_int_equal(1, stats.attempts);
    free(data);
}

struct progress_log
{
    unsigned int calls;
    ULONGLONG last, total;
    BOOL backwards;
    DWORD thread;
    BOOL other_thread;
};

static void log_progress(void *context, ULONGLONG done, ULONGLONG total)
{
    struct progress_log *log = context;

    if (done < log->last) log->backwards = TRUE;
    if (GetCurrentThreadId() != log->thread) log->other_thread = TRUE;
    log->calls++;
    log->last = done;
    log->total = total;
}

static void progress_per_read(void **state)
{
    static const DWORD size = 200000;
    struct progress_log log = { .thread = GetCurrentThreadId() };
    struct transport_options options = { .progress = log_progress, .progress_context = &log };
    BYTE *data = serve_pattern(L"progress.bin", size);
    WCHAR part[MAX_PATH], validator[MAX_PATH];

    (void)state;
    clear_temp_folder();
    part_paths(part, validator, L"progress");
    /* 20000 bytes every 100 ms: a second of reads */
    write_file(part, data, 40000);
    assert_hr(S_OK, fetch_part(L"trickle/20000/100/progress.bin", L"progress", size, &options, NULL));
    print_message("%u progress calls\n", log.calls);
    assert_true(log.calls >= 2);
    assert_int_equal(size, log.last);
    assert_int_equal(size, log.total);
    assert_false(log.backwards);
    assert_false(log.other_thread);
    free(data);
}

struct written_log
{
    unsigned int calls, restarts;
    ULONGLONG first, last;
    BOOL backwards;             /* an end below the last, with no restart */
    DWORD thread;
    BOOL caller_thread;
    volatile LONG *abort;       /* raised from progress once the part has bytes */
};

static void log_written(void *context, ULONGLONG end, BOOL restarted)
{
    struct written_log *log = context;

    if (GetCurrentThreadId() == log->thread) log->caller_thread = TRUE;
    if (!log->calls++) log->first = end;
    if (restarted)
    {
        log->restarts++;
        if (end) log->backwards = TRUE;
    }
    else if (end < log->last) log->backwards = TRUE;
    log->last = end;
}

static void abort_once_written(void *context, ULONGLONG done, ULONGLONG total)
{
    struct written_log *log = context;

    (void)total;
    if (done) *log->abort = 1;
}

static void part_written_reports(void **state)
{
    static const DWORD size = 200000;
    struct written_log log = { .thread = GetCurrentThreadId() };
    struct transport_options options = { .part_written = log_written, .part_context = &log };
    BYTE *data = serve_pattern(L"written.bin", size);
    WCHAR part[MAX_PATH], validator[MAX_PATH];
    volatile LONG abort = 0;
    unsigned int calls;

    (void)state;
    clear_temp_folder();
    part_paths(part, validator, L"written");
    /* a part continued: its length first, then more, to the whole */
    write_file(part, data, 50000);
    assert_hr(S_OK, fetch_part(L"drop-at/60000/written.bin", L"written", size, &options, NULL));
    assert_file_is(part, data, size);
    assert_true(log.calls >= 3);
    assert_int_equal(50000, log.first);
    assert_int_equal(size, log.last);
    assert_int_equal(0, log.restarts);
    assert_false(log.backwards);
    assert_false(log.caller_thread);

    /* a server that ignores Range: the part's 7 bytes, then emptied, then the whole */
    memset(&log, 0, sizeof(log));
    log.thread = GetCurrentThreadId();
    write_file(part, "garbage", 7);
    assert_hr(S_OK, fetch_part(L"no-range/written.bin", L"written", size, &options, NULL));
    assert_file_is(part, data, size);
    assert_int_equal(7, log.first);
    assert_int_equal(1, log.restarts);
    assert_int_equal(size, log.last);
    assert_false(log.backwards);

    /* aborted while bytes trickle in: no report once the call has returned,
     * though the fetch's thread is still there while its read is under way */
    memset(&log, 0, sizeof(log));
    log.thread = GetCurrentThreadId();
    log.abort = &abort;
    DeleteFileW(part);
    options.abort = &abort;
    options.progress = abort_once_written;
    options.progress_context = &log;
    assert_hr(E_ABORT, fetch_part(L"trickle/10000/100/written.bin", L"written", size, &options, NULL));
    calls = log.calls;
    assert_true(calls >= 1);
    Sleep(400);     /* four more pieces of the body would have come meanwhile */
    assert_int_equal(calls, log.calls);
    free(data);
}

struct stalled_abort
{
    volatile LONG flag;
    DWORD raised;
    const WCHAR *part;          /* NULL: raise after 300 ms; else once it has bytes */
    BOOL had_bytes;
};

static DWORD WINAPI abort_when_stalled(void *arg)
{
    struct stalled_abort *a = arg;
    unsigned int i;

    Sleep(300);
    /* mid-body: once the first bytes are in the part */
    for (i = 0; a->part && i < 200; i++)
    {
        HANDLE file = CreateFileW(a->part, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                                  OPEN_EXISTING, 0, NULL);
        DWORD size = file == INVALID_HANDLE_VALUE ? 0 : GetFileSize(file, NULL);

        if (file != INVALID_HANDLE_VALUE) CloseHandle(file);
        if ((a->had_bytes = size > 0)) break;
        Sleep(50);
    }
    a->raised = GetTickCount();
    InterlockedExchange(&a->flag, 1);
    return 0;
}

static void abort_while_server_stalls(void **state)
{
    static const WCHAR *const paths[] =
    {
        L"slow/60000/stall.bin",                /* no answer at all */
        L"trickle/70000/60000/stall.bin",       /* a read's worth of the body, then nothing */
    };
    struct stalled_abort a;
    struct transport_options options = { .abort = &a.flag };
    WCHAR part[MAX_PATH], validator[MAX_PATH];
    HANDLE thread;
    DWORD latency;
    unsigned int i;

    (void)state;
    free(serve_pattern(L"stall.bin", 200000));
    clear_temp_folder();
    part_paths(part, validator, L"stall");
    for (i = 0; i < ARRAY_SIZE(paths); i++)
    {
        memset(&a, 0, sizeof(a));
        if (i) a.part = part;
        thread = CreateThread(NULL, 0, abort_when_stalled, &a, 0, NULL);
        assert_hr(E_ABORT, fetch_part(paths[i], L"stall", 200000, &options, NULL));
        latency = GetTickCount() - a.raised;
        print_message("%ls: aborted %lu ms after the flag was raised\n", paths[i], latency);
        /* the server stalls for a minute: done long before, whatever the clock */
        assert_true(latency < 10000);
        WaitForSingleObject(thread, INFINITE);
        /* mid-body: the flag went up once the part had bytes */
        if (i) assert_true(a.had_bytes);
        CloseHandle(thread);
    }
    /* what came before the stall stays, for the next fetch to continue */
    assert_true(exists(part));
}

static void resumable_bad_arguments(void **state)
{
    volatile LONG raised = 1;
    struct transport_options options = { .abort = &raised };
    WCHAR part[MAX_PATH], validator[MAX_PATH];

    (void)state;
    part_paths(part, validator, L"bad");
    assert_hr(E_INVALIDARG, transport_fetch_resumable(NULL, part, validator, 0, NULL, NULL));
    assert_hr(E_INVALIDARG, transport_fetch_resumable(L"http://127.0.0.1/", NULL, validator, 0, NULL, NULL));
    assert_hr(E_INVALIDARG, transport_fetch_resumable(L"http://127.0.0.1/", part, L"", 0, NULL, NULL));
    assert_hr(WU_E_PT_INVALID_URL, transport_fetch_resumable(L"file:///c:/x", part, validator, 0, NULL, NULL));
    assert_hr(E_ABORT, transport_fetch_resumable(L"http://127.0.0.1/", part, validator, 0, &options, NULL));
    assert_false(exists(part));
}

/* --- catalogs from http URLs --- */

/* %ProgramData%\OpenWUA\Catalogs\<SHA-256 of the URL's UTF-8, hex>.catalog, worked out here on its own. */
static void cache_path_of(const WCHAR *url, WCHAR *path)
{
    BCRYPT_ALG_HANDLE algorithm;
    BCRYPT_HASH_HANDLE hash;
    BYTE digest[32];
    char utf8[512];
    WCHAR base[MAX_PATH], *p;
    int i;

    assert_true(WideCharToMultiByte(CP_UTF8, 0, url, -1, utf8, sizeof(utf8), NULL, NULL) > 0);
    assert_int_equal(0, BCryptOpenAlgorithmProvider(&algorithm, BCRYPT_SHA256_ALGORITHM, NULL, 0));
    assert_int_equal(0, BCryptCreateHash(algorithm, &hash, NULL, 0, NULL, 0, 0));
    assert_int_equal(0, BCryptHashData(hash, (UCHAR *)utf8, strlen(utf8), 0));
    assert_int_equal(0, BCryptFinishHash(hash, digest, sizeof(digest), 0));
    BCryptDestroyHash(hash);
    BCryptCloseAlgorithmProvider(algorithm, 0);
    assert_hr(S_OK, SHGetFolderPathW(NULL, CSIDL_COMMON_APPDATA, NULL, SHGFP_TYPE_CURRENT, base));
    p = path + swprintf(path, MAX_PATH, L"%ls\\OpenWUA\\Catalogs\\", base);
    for (i = 0; i < 32; i++) p += swprintf(p, 3, L"%02x", digest[i]);
    wcscpy(p, L".catalog");
}

/* Removes what the cache holds for url: the copy and its validator. */
static void forget_cache(const WCHAR *url)
{
    WCHAR path[MAX_PATH];

    cache_path_of(url, path);
    DeleteFileW(path);
    wcscpy(wcsrchr(path, '.'), L".validator");
    DeleteFileW(path);
}

static void serve_text(const WCHAR *name, const char *text)
{
    WCHAR path[MAX_PATH];

    path_in(path, root, name);
    write_file(path, text, strlen(text));
}

static unsigned int load_count(const WCHAR *url, HRESULT expected)
{
    struct catalog *catalog = (void *)0xdeadbeef;
    unsigned int count;
    HRESULT hr = catalog_load(url, &catalog);

    if (hr != expected) print_message("%ls: 0x%08lx\n", url, (unsigned long)hr);
    assert_hr(expected, hr);
    if (FAILED(hr))
    {
        assert_null(catalog);
        return 0;
    }
    count = catalog->package_count;
    catalog_free(catalog);
    return count;
}

/* The fixture's log line of the last request: what was answered, and whether it was conditional. */
static unsigned int last_request(BOOL *conditional)
{
    const char *name = getenv("OPENWUA_HTTP_LOG");
    char *text, *line, *status;
    DWORD size;
    WCHAR path[MAX_PATH];
    unsigned int code;

    assert_non_null(name);
    MultiByteToWideChar(CP_ACP, 0, name, -1, path, ARRAY_SIZE(path));
    text = (char *)read_file(path, &size);
    assert_true(size > 1 && text[size - 1] == '\n');
    text[size - 1] = 0;
    line = strrchr(text, '\n') ? strrchr(text, '\n') + 1 : text;
    assert_non_null(status = strstr(line, "\"status\": "));
    code = strtoul(status + 10, NULL, 10);
    *conditional = strstr(line, "If-None-Match") != NULL;
    free(text);
    return code;
}

static void catalog_over_http(void **state)
{
    static const char one[] = CATALOG(PACKAGE(ID1));
    static const char two[] = CATALOG(PACKAGE(ID1) PACKAGE(ID2));
    static const char three[] = CATALOG(PACKAGE(ID1) PACKAGE(ID2) PACKAGE(ID3));
    WCHAR url[512], cache[MAX_PATH];
    BOOL conditional;
    DWORD size;
    BYTE *cached;

    (void)state;
    /* a query with path-like text: the cache name never comes from the URL's text */
    serve_text(L"catalog.xml", one);
    url_of(url, L"catalog.xml?name=..\\..\\evil.cab");
    cache_path_of(url, cache);
    forget_cache(url);
    assert_int_equal(1, load_count(url, S_OK));
    assert_int_equal(200, last_request(&conditional));
    assert_false(conditional);
    cached = read_file(cache, &size);
    assert_int_equal(sizeof(one) - 1, size);
    assert_memory_equal(one, cached, size);
    free(cached);

    /* unchanged on the server: the server says so and the cached copy is loaded */
    assert_int_equal(1, load_count(url, S_OK));
    assert_int_equal(304, last_request(&conditional));
    assert_true(conditional);
    /* a copy changed in the cache is not trusted: fetched whole again */
    write_file(cache, two, sizeof(two) - 1);
    assert_int_equal(1, load_count(url, S_OK));
    assert_int_equal(200, last_request(&conditional));
    assert_false(conditional);
    /* changed on the server: fetched again */
    serve_text(L"catalog.xml", three);
    assert_int_equal(3, load_count(url, S_OK));
    assert_int_equal(200, last_request(&conditional));
    assert_true(conditional);
    /* a failed fetch fails, whatever the cache holds, and leaves the cache alone */
    unserve(L"catalog.xml");
    assert_int_equal(0, load_count(url, WU_E_PT_HTTP_STATUS_NOT_FOUND));
    cached = read_file(cache, &size);
    assert_int_equal(sizeof(three) - 1, size);
    free(cached);
    forget_cache(url);
}

static void catalog_over_http_errors(void **state)
{
    WCHAR url[512], cache[MAX_PATH];

    (void)state;
    swprintf(url, ARRAY_SIZE(url), L"http://127.0.0.1:%u/catalog.xml", closed_port());
    assert_int_equal(0, load_count(url, HRESULT_FROM_WIN32(ERROR_WINHTTP_CANNOT_CONNECT)));
    cache_path_of(url, cache);
    assert_false(exists(cache));
    /* what the server sends must still be a catalog */
    serve_text(L"not-a-catalog.xml", "<html>hello</html>");
    url_of(url, L"not-a-catalog.xml");
    assert_int_equal(0, load_count(url, WU_E_XML_INVALID));
    forget_cache(url);
    url_of(url, L"status/500/catalog.xml");
    assert_int_equal(0, load_count(url, WU_E_PT_HTTP_STATUS_SERVER_ERROR));
    /* other schemes are still refused */
    assert_int_equal(0, load_count(L"ftp://127.0.0.1/catalog.xml", E_INVALIDARG));
    /* https to the untrusted fixture fails, and nothing is cached */
    if (tls_port)
    {
        struct catalog *catalog = (void *)0xdeadbeef;

        swprintf(url, ARRAY_SIZE(url), L"https://127.0.0.1:%u/not-a-catalog.xml", tls_port);
        assert_true(FAILED(catalog_load(url, &catalog)));
        assert_null(catalog);
        cache_path_of(url, cache);
        assert_false(exists(cache));
    }
}

/* --- the group --- */

static BOOL read_port(const char *variable, unsigned int *out)
{
    const char *name = getenv(variable);
    char text[16] = { 0 };
    FILE *file;

    *out = 0;
    if (!name || !(file = fopen(name, "r"))) return FALSE;
    if (fgets(text, sizeof(text), file)) *out = strtoul(text, NULL, 10);
    fclose(file);
    return *out > 0 && *out < 65536;
}

static int setup(void **state)
{
    const char *served = getenv("OPENWUA_HTTP_ROOT");
    WCHAR base[MAX_PATH];

    (void)state;
    if (!read_port("OPENWUA_HTTP_PORT_FILE", &port) || !served)
    {
        fprintf(stderr, "no fixture server: OPENWUA_HTTP_PORT_FILE and OPENWUA_HTTP_ROOT are set by ctest\n");
        return -1;
    }
    read_port("OPENWUA_HTTPS_PORT_FILE", &tls_port);
    MultiByteToWideChar(CP_ACP, 0, served, -1, root, ARRAY_SIZE(root));
    if (!GetTempPathW(ARRAY_SIZE(base), base)) return -1;
    swprintf(temp_folder, ARRAY_SIZE(temp_folder), L"%lsopenwua-test-transport-%lu", base, GetCurrentProcessId());
    /* a folder an earlier run of the same process ID could not remove is reused */
    if (CreateDirectoryW(temp_folder, NULL) || GetLastError() == ERROR_ALREADY_EXISTS) return 0;
    return -1;
}

static int teardown(void **state)
{
    (void)state;
    clear_temp_folder();
    RemoveDirectoryW(temp_folder);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] =
    {
        cmocka_unit_test(fetch_whole_file),
        cmocka_unit_test(not_found),
        cmocka_unit_test(status_codes),
        cmocka_unit_test(error_then_success),
        cmocka_unit_test(redirects_followed),
        cmocka_unit_test(redirects_bounded),
        cmocka_unit_test(connection_refused),
        cmocka_unit_test(name_not_resolved),
        cmocka_unit_test(timeout),
        cmocka_unit_test(truncated_body),
        cmocka_unit_test(size_limit),
        cmocka_unit_test(abort_flag),
        cmocka_unit_test(bad_arguments),
        cmocka_unit_test(conditional_fetch),
        cmocka_unit_test(proxies),
        cmocka_unit_test(untrusted_certificate),
        cmocka_unit_test(winhttp_errors),
        cmocka_unit_test(resume_after_drops),
        cmocka_unit_test(resume_from_a_part),
        cmocka_unit_test(lying_servers),
        cmocka_unit_test(retries),
        cmocka_unit_test(progress_per_read),
        cmocka_unit_test(part_written_reports),
        cmocka_unit_test(abort_while_server_stalls),
        cmocka_unit_test(resumable_bad_arguments),
        cmocka_unit_test(catalog_over_http),
        cmocka_unit_test(catalog_over_http_errors),
    };

    return _cmocka_run_group_tests(__FILE__, tests, ARRAY_SIZE(tests), setup, teardown);
}
