/*
 * OpenWUA tests: faults the network tests (test_download, test_transport)
 * do not cover.  Installers that crash, hang past their bound or delete
 * themselves (tests/payload/misbehave.c, OPENWUA_MISBEHAVE), and cache
 * folders that cannot be written: a file where the folder should be, a
 * read-only folder and a full one (tests/disk_faults.sh makes those two,
 * with fixed update IDs, around this test).
 * Each must end as a clear per-update error with nothing counted as
 * downloaded that is not.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "download_fixture.h"
#include <wincrypt.h>
#include <shlwapi.h>
#include <shlobj.h>

#define NS_SDP L"http://schemas.microsoft.com/wsus/2005/04/CorporatePublishing/"

static WCHAR misbehave[MAX_PATH];

struct fault_package
{
    WCHAR id[37];
    const WCHAR *origin;        /* the file's path */
    const WCHAR *name;          /* its FileName and the Program */
    const WCHAR *arguments;
    const WCHAR *default_result;
};

static BYTE *read_whole(const WCHAR *path, DWORD *size)
{
    HANDLE file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    BYTE *data;
    DWORD got = 0;

    assert_true(file != INVALID_HANDLE_VALUE);
    *size = GetFileSize(file, NULL);
    assert_non_null(data = malloc(*size + 1));
    assert_true(ReadFile(file, data, *size, &got, NULL) && got == *size);
    CloseHandle(file);
    return data;
}

static void sha1_of_file(const WCHAR *path, WCHAR *text, DWORD chars, DWORD *size)
{
    BCRYPT_ALG_HANDLE alg;
    BCRYPT_HASH_HANDLE hash;
    BYTE sha1[20], *data = read_whole(path, size);

    assert_int_equal(0, BCryptOpenAlgorithmProvider(&alg, BCRYPT_SHA1_ALGORITHM, NULL, 0));
    assert_int_equal(0, BCryptCreateHash(alg, &hash, NULL, 0, NULL, 0, 0));
    assert_int_equal(0, BCryptHashData(hash, data, *size, 0));
    assert_int_equal(0, BCryptFinishHash(hash, sha1, sizeof(sha1), 0));
    BCryptDestroyHash(hash);
    BCryptCloseAlgorithmProvider(alg, 0);
    free(data);
    assert_true(CryptBinaryToStringW(sha1, sizeof(sha1), CRYPT_STRING_BASE64 | CRYPT_STRING_NOCRLF, text, &chars));
}

/* Writes a one-package catalog, registers it, searches it: the update. */
static IUpdateCollection *catalog_of(struct fault_package *p)
{
    IUpdateCollection *updates;
    WCHAR path[MAX_PATH], digest[64], url[1024];
    DWORD size, chars = ARRAYSIZE(url);
    BSTR id;
    LONG count = 0;
    FILE *f;

    if (!p->id[0]) swprintf(p->id, 37, L"%08lx-fa17-4000-8000-%012lx", GetCurrentProcessId(), (unsigned long)next_id++);
    swprintf(path, MAX_PATH, L"%ls\\catalog-%ls.xml", work, p->id);
    sha1_of_file(p->origin, digest, ARRAYSIZE(digest), &size);
    assert_hr(S_OK, UrlCreateFromPathW(p->origin, url, &chars, 0));
    assert_non_null(f = _wfopen(path, L"w, ccs=UTF-8"));
    fwprintf(f, L"<?xml version=\"1.0\" encoding=\"utf-8\"?>"
             L"<smc:SystemsManagementCatalog xmlns:smc=\"http://schemas.microsoft.com/sms/2005/04/CorporatePublishing/SystemsManagementCatalog.xsd\""
             L" xmlns:sdp=\"" NS_SDP L"SoftwareDistributionPackage.xsd\" xmlns:bar=\"" NS_SDP L"BaseApplicabilityRules.xsd\""
             L" xmlns:cmd=\"" NS_SDP L"Installers/CommandLineInstallation.xsd\">"
             L"<smc:SoftwareDistributionPackage SchemaVersion=\"1.0\">"
             L"<sdp:Properties PackageID=\"%ls\" CreationDate=\"2024-03-05T06:07:08Z\" VendorName=\"OpenWUA Tests\">"
             L"<sdp:ProductName>Faults</sdp:ProductName></sdp:Properties>"
             L"<sdp:LocalizedProperties><sdp:Language>en</sdp:Language><sdp:Title>Fault</sdp:Title></sdp:LocalizedProperties>"
             L"<sdp:UpdateSpecificData UpdateClassification=\"Updates\"/>"
             L"<sdp:IsInstalled><bar:RegKeyExists Key=\"HKEY_LOCAL_MACHINE\" Subkey=\"Software\\OpenWUA-FaultTests\\never\"/></sdp:IsInstalled>"
             L"<sdp:InstallableItem ID=\"%.8ls-3333-4000-8000-000000000001\">"
             L"<cmd:CommandLineInstallerData Program=\"%ls\" Arguments=\"%ls\" DefaultResult=\"%ls\"/>"
             L"<sdp:OriginFile Digest=\"%ls\" FileName=\"%ls\" Size=\"%lu\" Modified=\"2024-03-05T06:07:08Z\" OriginUri=\"%ls\"/>"
             L"</sdp:InstallableItem></smc:SoftwareDistributionPackage></smc:SystemsManagementCatalog>",
             p->id, p->id, p->name, p->arguments ? p->arguments : L"", p->default_result ? p->default_result : L"Succeeded",
             digest, p->name, size, url);
    fclose(f);

    id = add_scan_service(L"OpenWUA fault tests", path);
    updates = search_service_updates(id, L"IsInstalled=0");
    assert_hr(S_OK, IUpdateCollection_get_Count(updates, &count));
    assert_int_equal(1, count);
    SysFreeString(id);
    return updates;
}

/* Downloads the update: the per-update HResult and ResultCode. */
static HRESULT download(IUpdateCollection *updates, OperationResultCode *code)
{
    IUpdateDownloader *downloader = create(&CLSID_UpdateDownloader, &IID_IUpdateDownloader);
    IDownloadResult *result = NULL;
    IUpdateDownloadResult *one = NULL;
    LONG hr = 1;

    assert_hr(S_OK, IUpdateDownloader_put_Updates(downloader, updates));
    assert_hr(S_OK, IUpdateDownloader_Download(downloader, &result));
    assert_hr(S_OK, IDownloadResult_GetUpdateResult(result, 0, &one));
    assert_hr(S_OK, IUpdateDownloadResult_get_HResult(one, &hr));
    assert_hr(S_OK, IUpdateDownloadResult_get_ResultCode(one, code));
    IUpdateDownloadResult_Release(one);
    IDownloadResult_Release(result);
    IUpdateDownloader_Release(downloader);
    return hr;
}

static HRESULT install(IUpdateCollection *updates, OperationResultCode *code)
{
    IUpdateInstaller *installer = create(&CLSID_UpdateInstaller, &IID_IUpdateInstaller);
    IInstallationResult *result = NULL;
    IUpdateInstallationResult *one = NULL;
    LONG hr = 1;

    assert_hr(S_OK, IUpdateInstaller_put_Updates(installer, updates));
    assert_hr(S_OK, IUpdateInstaller_Install(installer, &result));
    assert_hr(S_OK, IInstallationResult_GetUpdateResult(result, 0, &one));
    assert_hr(S_OK, IUpdateInstallationResult_get_HResult(one, &hr));
    assert_hr(S_OK, IUpdateInstallationResult_get_ResultCode(one, code));
    IUpdateInstallationResult_Release(one);
    IInstallationResult_Release(result);
    IUpdateInstaller_Release(installer);
    return hr;
}

static BOOL downloaded(IUpdateCollection *updates)
{
    IUpdate *update = item(updates, 0);
    BOOL value = is_downloaded(update);

    IUpdate_Release(update);
    return value;
}

/* --- installers --- */

static IUpdateCollection *downloaded_misbehaver(struct fault_package *p, const WCHAR *arguments,
                                                const WCHAR *default_result)
{
    IUpdateCollection *updates;
    OperationResultCode code = 0;

    p->origin = misbehave;
    p->name = L"misbehave.exe";
    p->arguments = arguments;
    p->default_result = default_result;
    updates = catalog_of(p);
    assert_hr(S_OK, download(updates, &code));
    assert_int_equal(orcSucceeded, code);
    return updates;
}

/* An access violation is a failure, even where DefaultResult says Succeeded. */
static void installer_that_crashes(void **state)
{
    struct fault_package p = { 0 };
    IUpdateCollection *updates = downloaded_misbehaver(&p, L"crash", L"Succeeded");
    OperationResultCode code = 0;

    (void)state;
    assert_hr(WU_E_UH_INSTALLERFAILURE, install(updates, &code));
    assert_int_equal(orcFailed, code);
    IUpdateCollection_Release(updates);
}

/* Past InstallerTimeoutSeconds it is ended: WU_E_UH_INSTALLERHUNG, and the machine is free again. */
static void installer_that_hangs(void **state)
{
    struct fault_package p = { 0 };
    IUpdateCollection *updates = downloaded_misbehaver(&p, L"hang 60000", L"Succeeded");
    IUpdateInstaller *installer = create(&CLSID_UpdateInstaller, &IID_IUpdateInstaller);
    OperationResultCode code = 0;
    VARIANT_BOOL busy = VARIANT_TRUE;
    DWORD start;

    (void)state;
    reg_set_dword(L"Software\\OpenWUA", L"InstallerTimeoutSeconds", 2);
    start = GetTickCount();
    assert_hr(WU_E_UH_INSTALLERHUNG, install(updates, &code));
    assert_int_equal(orcFailed, code);
    /* the bound ended it, not the payload's minute (this is a bound, not a timing) */
    assert_true(GetTickCount() - start < 50000);
    assert_hr(S_OK, IUpdateInstaller_get_IsBusy(installer, &busy));
    assert_int_equal(VARIANT_FALSE, busy);
    reg_delete_tree(L"Software\\OpenWUA");
    IUpdateInstaller_Release(installer);
    IUpdateCollection_Release(updates);
}

/* An installer that removes its own file: its exit code decides that run; after it,
 * the update is not downloaded any more and installing it again says so. */
static void installer_that_deletes_itself(void **state)
{
    struct fault_package p = { 0 };
    IUpdateCollection *updates = downloaded_misbehaver(&p, L"selfdelete 1", L"Failed");
    OperationResultCode code = 0;

    (void)state;
    assert_hr(WU_E_UH_INSTALLERFAILURE, install(updates, &code));
    assert_int_equal(orcFailed, code);
    assert_hr(WU_E_DM_NOTDOWNLOADED, install(updates, &code));
    assert_int_equal(orcFailed, code);
    /* the download puts it back */
    assert_hr(S_OK, download(updates, &code));
    assert_int_equal(orcSucceeded, code);
    assert_true(downloaded(updates));
    IUpdateCollection_Release(updates);
}

/* --- the cache folder --- */

static struct fault_package content_package(const WCHAR *name, const char *content)
{
    struct fault_package p = { .name = name };
    static WCHAR origin[MAX_PATH];

    work_path(origin, name);
    write_file(origin, content ? content : "content that cannot be cached anywhere it should not be");
    p.origin = origin;
    return p;
}

/* TRUE when a 64 KiB file can be written in folder (then it is removed again). */
static BOOL takes_64k(const WCHAR *folder)
{
    static const char block[65536];
    WCHAR path[MAX_PATH];
    HANDLE file;
    DWORD written = 0;
    BOOL ok;

    swprintf(path, MAX_PATH, L"%ls\\probe.tmp", folder);
    file = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    if (file == INVALID_HANDLE_VALUE) return FALSE;
    ok = WriteFile(file, block, sizeof(block), &written, NULL) && written == sizeof(block);
    CloseHandle(file);
    DeleteFileW(path);
    return ok;
}

/* The update's folder cannot take its file: a clear error, nothing left in it, not downloaded. */
static void cache_folder_unwritable(const WCHAR *id, const char *content, HRESULT expected, const char *what)
{
    struct fault_package p = content_package(L"unwritable.bin", content);
    IUpdateCollection *updates;
    OperationResultCode code = 0;
    WCHAR folder[MAX_PATH];
    HRESULT hr;

    wcscpy(p.id, id);
    cache_folder(p.id, folder);
    if (!exists(folder) || takes_64k(folder))
    {
        printf("%s: tests/disk_faults.sh could not prepare %ls here, not tested\n", what, folder);
        skip();
    }
    updates = catalog_of(&p);
    hr = download(updates, &code);
    printf("%s: 0x%08lx\n", what, hr);
    assert_hr(expected, hr);
    assert_int_equal(orcFailed, code);
    assert_false(downloaded(updates));
    assert_int_equal(0, count_files(folder));
    IUpdateCollection_Release(updates);
}

static void cache_folder_read_only(void **state)
{
    (void)state;
    cache_folder_unwritable(L"0f0f0f0f-fa17-4000-8000-00000000d150", NULL, E_ACCESSDENIED, "read-only cache folder");
}

static void cache_folder_full(void **state)
{
    static char big[65537];

    (void)state;
    memset(big, 'x', 65536);
    cache_folder_unwritable(L"0f0f0f0f-fa17-4000-8000-00000000f011", big, HRESULT_FROM_WIN32(ERROR_DISK_FULL),
                            "full cache folder");
}

/* A file where the update's cache folder should be: a clear error, the file untouched. */
static void cache_folder_is_a_file(void **state)
{
    struct fault_package p = content_package(L"blocked.bin", NULL);
    IUpdateCollection *updates = catalog_of(&p);
    OperationResultCode code = 0;
    WCHAR folder[MAX_PATH], parent[MAX_PATH];
    HRESULT hr;

    (void)state;
    cache_folder(NULL, parent);
    SHCreateDirectoryExW(NULL, parent, NULL);
    cache_folder(p.id, folder);
    write_file(folder, "not a folder");
    hr = download(updates, &code);
    assert_true(FAILED(hr));
    assert_int_equal(orcFailed, code);
    assert_false(downloaded(updates));
    assert_true(!(GetFileAttributesW(folder) & FILE_ATTRIBUTE_DIRECTORY));
    printf("cache folder is a file: 0x%08lx\n", hr);
    assert_true(DeleteFileW(folder));
    assert_hr(S_OK, download(updates, &code));
    assert_true(downloaded(updates));
    IUpdateCollection_Release(updates);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        LEAK_CHECKED(installer_that_crashes),
        LEAK_CHECKED(installer_that_hangs),
        LEAK_CHECKED(installer_that_deletes_itself),
        LEAK_CHECKED(cache_folder_is_a_file),
        LEAK_CHECKED(cache_folder_read_only),
        LEAK_CHECKED(cache_folder_full),
    };
    const char *env = getenv("OPENWUA_MISBEHAVE");

    if (!env || !download_fixture_init(L"openwua-faults")) return 1;
    MultiByteToWideChar(CP_ACP, 0, env, -1, misbehave, ARRAYSIZE(misbehave));
    return RUN_TESTS(tests);
}
