/*
 * OpenWUA benchmark: downloading, the Windows side.
 *
 * Registers a one-update catalog (written by bench/download.py), searches it
 * and times one forced IUpdateDownloader::Download() of its file, digest
 * checks included.  bench/download.py serves the file, times curl against
 * the same server and reads this process's peak memory from Linux.
 *
 *     bench_download.exe --download CATALOG   prints "seconds <s>"
 *     bench_download.exe --idle CATALOG       the same work without Download()
 *     bench_download.exe --winhttp URL        a bare WinHTTP read loop into a file,
 *                                             the floor under any WinHTTP client
 *     bench_download.exe --sha256 FILE        BCrypt's SHA-256 over a file, 1 MiB
 *                                             reads: the floor under any check of
 *                                             it, since a SHA-256 cannot be split
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <windows.h>
#include <ole2.h>
#include <winhttp.h>
#include <bcrypt.h>
#include <stdio.h>
#include "openwua_wuapi.h"

static double now(void)
{
    LARGE_INTEGER freq, count;

    QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&count);
    return (double)count.QuadPart / freq.QuadPart;
}

static void check(const char *what, HRESULT hr)
{
    if (SUCCEEDED(hr)) return;
    fprintf(stderr, "bench download: %s failed: 0x%08lx\n", what, (unsigned long)hr);
    exit(1);
}

static IUpdateCollection *search(IUpdateServiceManager *manager, const WCHAR *catalog, BSTR *service_id)
{
    BSTR name = SysAllocString(L"bench download"), location = SysAllocString(catalog);
    IUpdateSearcher *searcher;
    IUpdateService *service;
    IUpdateCollection *updates;
    ISearchResult *found;
    LONG count = 0;

    check("AddScanPackageService", IUpdateServiceManager_AddScanPackageService(manager, name, location, 0, &service));
    check("ServiceID", IUpdateService_get_ServiceID(service, service_id));
    check("searcher", CoCreateInstance(&CLSID_UpdateSearcher, NULL, CLSCTX_INPROC_SERVER, &IID_IUpdateSearcher,
                                       (void **)&searcher));
    check("ServerSelection", IUpdateSearcher_put_ServerSelection(searcher, ssOthers));
    check("ServiceID", IUpdateSearcher_put_ServiceID(searcher, *service_id));
    check("Search", IUpdateSearcher_Search(searcher, NULL, &found));
    check("Updates", ISearchResult_get_Updates(found, &updates));
    IUpdateCollection_get_Count(updates, &count);
    if (count != 1) check("finding the one update", E_FAIL);
    ISearchResult_Release(found);
    IUpdateSearcher_Release(searcher);
    IUpdateService_Release(service);
    SysFreeString(name);
    SysFreeString(location);
    return updates;
}

static void download(IUpdateCollection *updates)
{
    IUpdateDownloader *downloader;
    IDownloadResult *result;
    OperationResultCode code = orcFailed;
    double start;

    check("downloader", CoCreateInstance(&CLSID_UpdateDownloader, NULL, CLSCTX_INPROC_SERVER,
                                         &IID_IUpdateDownloader, (void **)&downloader));
    check("Updates", IUpdateDownloader_put_Updates(downloader, updates));
    check("IsForced", IUpdateDownloader_put_IsForced(downloader, VARIANT_TRUE));
    start = now();
    check("Download", IUpdateDownloader_Download(downloader, &result));
    printf("seconds %.3f\n", now() - start);
    IDownloadResult_get_ResultCode(result, &code);
    if (code != orcSucceeded) check("the download's result", E_FAIL);
    IDownloadResult_Release(result);
    IUpdateDownloader_Release(downloader);
}

/* What WinHTTP alone delivers here: the same 64 KiB reads OpenWUA makes, written to a file. */
static int bare_winhttp(const WCHAR *url)
{
    WCHAR host[256], path[1024];
    URL_COMPONENTS parts = { .dwStructSize = sizeof(parts) };
    HINTERNET session, connection, request;
    static BYTE buffer[65536];
    DWORD read, written;
    double start = now();
    HANDLE file;

    parts.lpszHostName = host;
    parts.dwHostNameLength = ARRAYSIZE(host);
    parts.lpszUrlPath = path;
    parts.dwUrlPathLength = ARRAYSIZE(path);
    if (!WinHttpCrackUrl(url, 0, 0, &parts)) check("WinHttpCrackUrl", E_INVALIDARG);
    session = WinHttpOpen(L"bench", WINHTTP_ACCESS_TYPE_NO_PROXY, NULL, NULL, 0);
    connection = WinHttpConnect(session, host, parts.nPort, 0);
    request = WinHttpOpenRequest(connection, L"GET", path, NULL, NULL, NULL, 0);
    if (!WinHttpSendRequest(request, NULL, 0, NULL, 0, 0, 0) || !WinHttpReceiveResponse(request, NULL))
        check("the request", E_FAIL);
    file = CreateFileW(L"bench-winhttp.out", GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_FLAG_DELETE_ON_CLOSE, NULL);
    while (WinHttpReadData(request, buffer, sizeof(buffer), &read) && read)
        WriteFile(file, buffer, read, &written, NULL);
    printf("seconds %.3f\n", now() - start);
    CloseHandle(file);
    WinHttpCloseHandle(request);
    WinHttpCloseHandle(connection);
    WinHttpCloseHandle(session);
    return 0;
}

/* How fast one thread makes the SHA-256 the download must check. */
static int bare_sha256(const WCHAR *path)
{
    BCRYPT_ALG_HANDLE algorithm;
    BCRYPT_HASH_HANDLE hash;
    BYTE *buffer = malloc(1 << 20), digest[32];
    double start = now();
    HANDLE file;
    DWORD read;

    file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    if (!buffer || file == INVALID_HANDLE_VALUE) check("opening the file", E_FAIL);
    if (BCryptOpenAlgorithmProvider(&algorithm, BCRYPT_SHA256_ALGORITHM, NULL, 0)
        || BCryptCreateHash(algorithm, &hash, NULL, 0, NULL, 0, 0))
        check("BCrypt", E_FAIL);
    while (ReadFile(file, buffer, 1 << 20, &read, NULL) && read)
        if (BCryptHashData(hash, buffer, read, 0)) check("BCryptHashData", E_FAIL);
    BCryptFinishHash(hash, digest, sizeof(digest), 0);
    printf("seconds %.3f\n", now() - start);
    BCryptDestroyHash(hash);
    BCryptCloseAlgorithmProvider(algorithm, 0);
    CloseHandle(file);
    free(buffer);
    return 0;
}

int wmain(int argc, WCHAR **argv)
{
    IUpdateServiceManager *manager;
    IUpdateCollection *updates;
    BSTR service_id = NULL;

    if (argc == 3 && !wcscmp(argv[1], L"--winhttp")) return bare_winhttp(argv[2]);
    if (argc == 3 && !wcscmp(argv[1], L"--sha256")) return bare_sha256(argv[2]);
    if (argc != 3 || (wcscmp(argv[1], L"--download") && wcscmp(argv[1], L"--idle")))
    {
        fprintf(stderr, "usage: bench_download.exe --download|--idle CATALOG | --winhttp URL | --sha256 FILE\n");
        return 2;
    }
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    check("service manager", CoCreateInstance(&CLSID_UpdateServiceManager, NULL, CLSCTX_INPROC_SERVER,
                                              &IID_IUpdateServiceManager, (void **)&manager));
    updates = search(manager, argv[2], &service_id);
    if (!wcscmp(argv[1], L"--download")) download(updates);
    IUpdateCollection_Release(updates);
    check("RemoveService", IUpdateServiceManager_RemoveService(manager, service_id));
    SysFreeString(service_id);
    IUpdateServiceManager_Release(manager);
    CoUninitialize();
    return 0;
}
