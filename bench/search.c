/*
 * OpenWUA benchmark: searching the full HP catalog.
 *
 * AddScanPackageService (which loads the catalog) plus
 * Search("IsInstalled=0 and Type='Software'"), against a plain XmlLite read of
 * the same file (every node and attribute visited) in the same process.
 * Target: time <= 3x the plain read.
 *
 * Peak memory cannot be read from inside: Wine 8's GetProcessMemoryInfo does
 * not follow the heap, and /proc/self opened through Wine is the wineserver's.
 * So bench/peak_memory.py runs this program once per mode (--idle, --openwua,
 * --plain) and reads each process's peak resident size from Linux.
 *
 * usage: bench_search.exe [--idle | --openwua | --plain] <catalog.xml>
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <windows.h>
#include <ole2.h>
#include <shlwapi.h>
#include <stdio.h>
#include "openwua_wuapi.h"
/* MinGW's libuuid has no IID_IXmlReader: define xmllite.h's GUIDs here. */
#include <initguid.h>
#include <xmllite.h>

static double now(void)
{
    LARGE_INTEGER freq, count;

    QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&count);
    return (double)count.QuadPart / freq.QuadPart;
}

/* Seconds to read every node and attribute, or a negative number on failure. */
static double plain_read(const WCHAR *path, unsigned int *nodes)
{
    IXmlReader *reader;
    IStream *stream;
    XmlNodeType type;
    const WCHAR *value;
    double start = now();
    HRESULT hr;

    *nodes = 0;
    if (FAILED(SHCreateStreamOnFileEx(path, STGM_READ, 0, FALSE, NULL, &stream))) return -1;
    if (FAILED(CreateXmlReader(&IID_IXmlReader, (void **)&reader, NULL))) return -1;
    IXmlReader_SetProperty(reader, XmlReaderProperty_DtdProcessing, DtdProcessing_Prohibit);
    IXmlReader_SetInput(reader, (IUnknown *)stream);
    while ((hr = IXmlReader_Read(reader, &type)) == S_OK)
    {
        (*nodes)++;
        if (type != XmlNodeType_Element) continue;
        for (hr = IXmlReader_MoveToFirstAttribute(reader); hr == S_OK; hr = IXmlReader_MoveToNextAttribute(reader))
            IXmlReader_GetValue(reader, &value, NULL);
    }
    IXmlReader_Release(reader);
    IStream_Release(stream);
    return hr == S_FALSE ? now() - start : -1;
}

static IUpdateService *add_service(const WCHAR *path)
{
    IUpdateServiceManager *manager;
    IUpdateService *service = NULL;
    BSTR name = SysAllocString(L"bench"), location = SysAllocString(path);
    HRESULT hr;

    CoCreateInstance(&CLSID_UpdateServiceManager, NULL, CLSCTX_INPROC_SERVER, &IID_IUpdateServiceManager,
                     (void **)&manager);
    hr = IUpdateServiceManager_AddScanPackageService(manager, name, location, 0, &service);
    if (FAILED(hr)) fprintf(stderr, "AddScanPackageService: 0x%08lx\n", hr);
    IUpdateServiceManager_Release(manager);
    SysFreeString(name);
    SysFreeString(location);
    return service;
}

static LONG search(IUpdateService *service)
{
    IUpdateSearcher *searcher;
    ISearchResult *result;
    IUpdateCollection *updates;
    BSTR id, criteria = SysAllocString(L"IsInstalled=0 and Type='Software'");
    LONG count = -1;

    CoCreateInstance(&CLSID_UpdateSearcher, NULL, CLSCTX_INPROC_SERVER, &IID_IUpdateSearcher, (void **)&searcher);
    IUpdateService_get_ServiceID(service, &id);
    IUpdateSearcher_put_ServerSelection(searcher, ssOthers);
    IUpdateSearcher_put_ServiceID(searcher, id);
    if (SUCCEEDED(IUpdateSearcher_Search(searcher, criteria, &result)))
    {
        ISearchResult_get_Updates(result, &updates);
        IUpdateCollection_get_Count(updates, &count);
        IUpdateCollection_Release(updates);
        ISearchResult_Release(result);
    }
    IUpdateSearcher_Release(searcher);
    SysFreeString(id);
    SysFreeString(criteria);
    return count;
}

static void remove_service(IUpdateService *service)
{
    IUpdateServiceManager *manager;
    BSTR id;

    CoCreateInstance(&CLSID_UpdateServiceManager, NULL, CLSCTX_INPROC_SERVER, &IID_IUpdateServiceManager,
                     (void **)&manager);
    IUpdateService_get_ServiceID(service, &id);
    IUpdateServiceManager_RemoveService(manager, id);
    IUpdateServiceManager_Release(manager);
    SysFreeString(id);
}

/* Reads the file once without parsing, so neither side pays for a cold cache. */
static void warm_cache(const WCHAR *path)
{
    static BYTE buffer[1 << 20];
    HANDLE file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    DWORD read;

    if (file == INVALID_HANDLE_VALUE) return;
    while (ReadFile(file, buffer, sizeof(buffer), &read, NULL) && read) {}
    CloseHandle(file);
}

/* Loads wuapi.dll and what it imports, and reads a tiny catalog, as the
 * baseline: their code is not what the memory target is about. */
static LONG idle(void)
{
    WCHAR dir[MAX_PATH], path[MAX_PATH];
    IUpdateService *service;
    LONG found;
    FILE *f;

    GetTempPathW(MAX_PATH, dir);
    swprintf(path, MAX_PATH, L"%lsbench-empty-catalog.xml", dir);
    if (!(f = _wfopen(path, L"w"))) return -1;
    fputs("<smc:SystemsManagementCatalog xmlns:smc=\"http://schemas.microsoft.com/sms/2005/04/"
          "CorporatePublishing/SystemsManagementCatalog.xsd\"/>", f);
    fclose(f);
    if (!(service = add_service(path))) return -1;
    found = search(service);
    remove_service(service);
    IUpdateService_Release(service);
    DeleteFileW(path);
    return found;
}

static int run_mode(const char *mode, const WCHAR *path)
{
    IUpdateService *service;
    unsigned int nodes;
    LONG found = 0;

    if (!strcmp(mode, "--openwua") || !strcmp(mode, "--load"))
    {
        if (!(service = add_service(path))) return 1;
        if (!strcmp(mode, "--openwua")) found = search(service);
        remove_service(service);
        IUpdateService_Release(service);
    }
    else if (!strcmp(mode, "--plain")) found = idle() < 0 || plain_read(path, &nodes) < 0 ? -1 : 0;
    else if (!strcmp(mode, "--idle")) found = idle();
    else return 2;
    return found < 0;
}

int main(int argc, char **argv)
{
    WCHAR path[MAX_PATH];
    WIN32_FILE_ATTRIBUTE_DATA file;
    double plain = 1e9, t, start, loaded, searched;
    unsigned int nodes = 0, round;
    ULONGLONG size;
    IUpdateService *service;
    LONG found;
    int ret;

    if (argc < 2) return 2;
    MultiByteToWideChar(CP_ACP, 0, argv[argc - 1], -1, path, MAX_PATH);
    if (!GetFileAttributesExW(path, GetFileExInfoStandard, &file)) return 2;
    size = ((ULONGLONG)file.nFileSizeHigh << 32) | file.nFileSizeLow;
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    warm_cache(path);
    if (argc > 2)
    {
        ret = run_mode(argv[1], path);
        CoUninitialize();
        return ret;
    }
    start = now();
    if (!(service = add_service(path))) return 1;
    loaded = now();
    found = search(service);
    searched = now();
    remove_service(service);
    IUpdateService_Release(service);
    for (round = 0; round < 2; round++)
        if ((t = plain_read(path, &nodes)) >= 0 && t < plain) plain = t;
    printf("bench search: %ls (%.1f MB, %u XML nodes)\n", path, size / 1048576.0, nodes);
    printf("  plain XmlLite read              %7.3f s\n", plain);
    printf("  OpenWUA load (AddScanPackage)   %7.3f s\n", loaded - start);
    printf("  OpenWUA search                  %7.3f s  (%ld updates)\n", searched - loaded, found);
    printf("  ratio (load + search) / plain read %.2f (target <= 3.00)\n", (searched - start) / plain);
    CoUninitialize();
    return found < 0;
}
