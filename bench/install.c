/*
 * OpenWUA benchmark: installing.
 *
 * 50 tiny MSIs (bench/msi, built by wixl) installed by one
 * IUpdateInstaller::Install() call, against "msiexec /i <msi> /qn" run 50
 * times in the same run.  Both add REBOOT=ReallySuppress (OpenWUA always
 * does).  Downloading, and removing the products between the two runs, is
 * not timed.  Target: ratio <= 1.1 (OpenWUA's own work is small next to
 * Windows Installer's).
 *
 *     bench_install.exe <folder of tiny-10.msi .. tiny-59.msi>
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <windows.h>
#include <ole2.h>
#include <msi.h>
#include <bcrypt.h>
#include <wincrypt.h>
#include <shlwapi.h>
#include <stdio.h>
#include "openwua_wuapi.h"

#define COUNT 50
#define FIRST 10
#define NS L"http://schemas.microsoft.com/wsus/2005/04/CorporatePublishing/"

static double now(void)
{
    LARGE_INTEGER freq, count;

    QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&count);
    return (double)count.QuadPart / freq.QuadPart;
}

static void die(const char *what, HRESULT hr)
{
    fprintf(stderr, "bench install: %s failed: 0x%08lx\n", what, (unsigned long)hr);
    exit(1);
}

static void product_code(int n, WCHAR *code)
{
    swprintf(code, 39, L"{5EB0B5EB-1000-4000-8000-0000000000%02d}", n);
}

static void msi_path(const WCHAR *folder, int n, WCHAR *path)
{
    swprintf(path, MAX_PATH, L"%ls\\tiny-%d.msi", folder, n);
}

static void remove_all(void)
{
    WCHAR code[39];
    int i;

    MsiSetInternalUI(INSTALLUILEVEL_NONE, NULL);
    for (i = 0; i < COUNT; i++)
    {
        product_code(FIRST + i, code);
        if (MsiQueryProductStateW(code) == INSTALLSTATE_DEFAULT)
            MsiConfigureProductExW(code, INSTALLLEVEL_DEFAULT, INSTALLSTATE_ABSENT, L"REBOOT=ReallySuppress");
    }
}

static DWORD run(const WCHAR *cmdline)
{
    STARTUPINFOW si = { .cb = sizeof(si) };
    PROCESS_INFORMATION pi;
    WCHAR buffer[1024];
    DWORD code = 1;

    wcsncpy(buffer, cmdline, ARRAYSIZE(buffer) - 1);
    buffer[ARRAYSIZE(buffer) - 1] = 0;
    if (!CreateProcessW(NULL, buffer, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) return 1;
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    return code;
}

static double baseline(const WCHAR *folder)
{
    WCHAR path[MAX_PATH], cmdline[1024];
    double start = now();
    int i;

    for (i = 0; i < COUNT; i++)
    {
        msi_path(folder, FIRST + i, path);
        swprintf(cmdline, ARRAYSIZE(cmdline), L"msiexec.exe /i \"%ls\" /qn REBOOT=ReallySuppress", path);
        if (run(cmdline)) die("msiexec /i", E_FAIL);
    }
    return now() - start;
}

static void sha1_base64(const WCHAR *path, WCHAR *text, DWORD chars, DWORD *size)
{
    HANDLE file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    BCRYPT_ALG_HANDLE alg;
    BCRYPT_HASH_HANDLE hash;
    BYTE buffer[65536], sha1[20];
    DWORD got;

    if (file == INVALID_HANDLE_VALUE) die("opening an MSI", HRESULT_FROM_WIN32(GetLastError()));
    *size = GetFileSize(file, NULL);
    BCryptOpenAlgorithmProvider(&alg, BCRYPT_SHA1_ALGORITHM, NULL, 0);
    BCryptCreateHash(alg, &hash, NULL, 0, NULL, 0, 0);
    while (ReadFile(file, buffer, sizeof(buffer), &got, NULL) && got) BCryptHashData(hash, buffer, got, 0);
    BCryptFinishHash(hash, sha1, sizeof(sha1), 0);
    BCryptDestroyHash(hash);
    BCryptCloseAlgorithmProvider(alg, 0);
    CloseHandle(file);
    CryptBinaryToStringW(sha1, sizeof(sha1), CRYPT_STRING_BASE64 | CRYPT_STRING_NOCRLF, text, &chars);
}

static void write_catalog(const WCHAR *folder, const WCHAR *catalog)
{
    WCHAR path[MAX_PATH], url[1024], digest[64], code[39];
    DWORD size, chars;
    FILE *f = _wfopen(catalog, L"w, ccs=UTF-8");
    int i, n;

    if (!f) die("writing the catalog", E_FAIL);
    fwprintf(f, L"<smc:SystemsManagementCatalog xmlns:smc=\"http://schemas.microsoft.com/sms/2005/04/CorporatePublishing/SystemsManagementCatalog.xsd\""
             L" xmlns:sdp=\"" NS L"SoftwareDistributionPackage.xsd\" xmlns:msiar=\"" NS L"MsiApplicabilityRules.xsd\""
             L" xmlns:msi=\"" NS L"Installers/MsiInstallation.xsd\">");
    for (i = 0; i < COUNT; i++)
    {
        n = FIRST + i;
        product_code(n, code);
        msi_path(folder, n, path);
        sha1_base64(path, digest, ARRAYSIZE(digest), &size);
        chars = ARRAYSIZE(url);
        UrlCreateFromPathW(path, url, &chars, 0);
        fwprintf(f, L"<smc:SoftwareDistributionPackage SchemaVersion=\"1.0\">"
                 L"<sdp:Properties PackageID=\"5eb0b5eb-4000-4000-8000-0000000000%02d\" CreationDate=\"2026-01-01T00:00:00Z\"/>"
                 L"<sdp:LocalizedProperties><sdp:Language>en</sdp:Language><sdp:Title>bench %d</sdp:Title></sdp:LocalizedProperties>"
                 L"<sdp:UpdateSpecificData UpdateClassification=\"Updates\"/>"
                 L"<sdp:IsInstalled><msiar:MsiProductInstalled ProductCode=\"%ls\"/></sdp:IsInstalled>"
                 L"<sdp:InstallableItem ID=\"5eb0b5eb-5000-4000-8000-0000000000%02d\">"
                 L"<msi:MsiInstallerData MsiFile=\"tiny-%d.msi\" ProductCode=\"%ls\"/>"
                 L"<sdp:OriginFile Digest=\"%ls\" FileName=\"tiny-%d.msi\" Size=\"%lu\" Modified=\"2026-01-01T00:00:00Z\" OriginUri=\"%ls\"/>"
                 L"</sdp:InstallableItem></smc:SoftwareDistributionPackage>",
                 n, n, code, n, n, code, digest, n, size, url);
    }
    fwprintf(f, L"</smc:SystemsManagementCatalog>");
    fclose(f);
}

/* Registers and searches the catalog and downloads all 50: an installer ready to go. */
static IUpdateInstaller *prepare(const WCHAR *catalog, BSTR *service_id)
{
    IUpdateServiceManager *manager;
    IUpdateService *service;
    IUpdateSearcher *searcher;
    IUpdateDownloader *downloader;
    IUpdateInstaller *installer;
    IDownloadResult *downloaded;
    ISearchResult *found;
    IUpdateCollection *updates;
    OperationResultCode code = 0;
    BSTR name = SysAllocString(L"bench install"), location = SysAllocString(catalog);
    BSTR criteria = SysAllocString(L"IsInstalled=0");
    LONG count = 0;
    HRESULT hr;

    if (FAILED(hr = CoCreateInstance(&CLSID_UpdateServiceManager, NULL, CLSCTX_INPROC_SERVER,
                                     &IID_IUpdateServiceManager, (void **)&manager)))
        die("UpdateServiceManager", hr);
    if (FAILED(hr = IUpdateServiceManager_AddScanPackageService(manager, name, location, 0, &service)))
        die("AddScanPackageService", hr);
    IUpdateService_get_ServiceID(service, service_id);
    IUpdateService_Release(service);
    IUpdateServiceManager_Release(manager);
    CoCreateInstance(&CLSID_UpdateSearcher, NULL, CLSCTX_INPROC_SERVER, &IID_IUpdateSearcher, (void **)&searcher);
    IUpdateSearcher_put_ServerSelection(searcher, ssOthers);
    IUpdateSearcher_put_ServiceID(searcher, *service_id);
    if (FAILED(hr = IUpdateSearcher_Search(searcher, criteria, &found))) die("Search", hr);
    ISearchResult_get_Updates(found, &updates);
    IUpdateCollection_get_Count(updates, &count);
    if (count != COUNT) die("finding all 50 updates", E_FAIL);
    CoCreateInstance(&CLSID_UpdateDownloader, NULL, CLSCTX_INPROC_SERVER, &IID_IUpdateDownloader,
                     (void **)&downloader);
    IUpdateDownloader_put_Updates(downloader, updates);
    if (FAILED(hr = IUpdateDownloader_Download(downloader, &downloaded))) die("Download", hr);
    IDownloadResult_get_ResultCode(downloaded, &code);
    if (code != orcSucceeded) die("downloading all 50", E_FAIL);
    CoCreateInstance(&CLSID_UpdateInstaller, NULL, CLSCTX_INPROC_SERVER, &IID_IUpdateInstaller, (void **)&installer);
    IUpdateInstaller_put_Updates(installer, updates);
    IDownloadResult_Release(downloaded);
    IUpdateDownloader_Release(downloader);
    IUpdateCollection_Release(updates);
    ISearchResult_Release(found);
    IUpdateSearcher_Release(searcher);
    SysFreeString(name);
    SysFreeString(location);
    SysFreeString(criteria);
    return installer;
}

int wmain(int argc, WCHAR **argv)
{
    WCHAR catalog[MAX_PATH], temp[MAX_PATH];
    IUpdateServiceManager *manager;
    IUpdateInstaller *installer;
    IInstallationResult *result;
    OperationResultCode code = 0;
    double base, ours, start;
    BSTR service_id = NULL;
    HRESULT hr;

    if (argc < 2)
    {
        fprintf(stderr, "usage: bench_install <folder of the tiny MSIs>\n");
        return 1;
    }
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    remove_all();
    base = baseline(argv[1]);
    remove_all();

    GetTempPathW(ARRAYSIZE(temp), temp);
    swprintf(catalog, ARRAYSIZE(catalog), L"%lsbench-install-catalog.xml", temp);
    write_catalog(argv[1], catalog);
    installer = prepare(catalog, &service_id);
    start = now();
    if (FAILED(hr = IUpdateInstaller_Install(installer, &result))) die("Install", hr);
    ours = now() - start;
    IInstallationResult_get_ResultCode(result, &code);
    IInstallationResult_Release(result);
    if (code != orcSucceeded) die("installing all 50", E_FAIL);
    /* removed again through OpenWUA, untimed */
    if (SUCCEEDED(IUpdateInstaller_Uninstall(installer, &result))) IInstallationResult_Release(result);
    IUpdateInstaller_Release(installer);
    remove_all();
    if (SUCCEEDED(CoCreateInstance(&CLSID_UpdateServiceManager, NULL, CLSCTX_INPROC_SERVER,
                                   &IID_IUpdateServiceManager, (void **)&manager)))
    {
        IUpdateServiceManager_RemoveService(manager, service_id);
        IUpdateServiceManager_Release(manager);
    }
    SysFreeString(service_id);
    CoUninitialize();

    printf("bench install: msiexec /i x%d %.2f s, OpenWUA Install() of %d %.2f s, ratio %.2f (target <= 1.1)\n",
           COUNT, base, COUNT, ours, ours / base);
    return 0;
}
