/*
 * OpenWUA tests: what the download tests share: catalogs with files, written,
 * registered and searched; the content cache; the loopback fixture server.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "download_fixture.h"
#include <shlobj.h>
#include <wincrypt.h>
#include <shlwapi.h>
#include <shellapi.h>

#define NS_SDP L"http://schemas.microsoft.com/wsus/2005/04/CorporatePublishing/"

WCHAR http_root[MAX_PATH], http_log[MAX_PATH], work[MAX_PATH];
unsigned int port;
unsigned int next_id = 1;

void new_id(struct test_package *package, const WCHAR *title)
{
    swprintf(package->id, 37, L"%08lx-d0d0-4000-8000-%012lx", GetCurrentProcessId(), (unsigned long)next_id++);
    package->title = title;
}

void base64_digest(const WCHAR *algorithm, const char *data, WCHAR *text, DWORD chars)
{
    BCRYPT_ALG_HANDLE alg;
    BCRYPT_HASH_HANDLE handle;
    BYTE hash[32];
    ULONG size = wcscmp(algorithm, BCRYPT_SHA1_ALGORITHM) ? 32 : 20;

    assert_int_equal(0, BCryptOpenAlgorithmProvider(&alg, algorithm, NULL, 0));
    assert_int_equal(0, BCryptCreateHash(alg, &handle, NULL, 0, NULL, 0, 0));
    assert_int_equal(0, BCryptHashData(handle, (UCHAR *)data, strlen(data), 0));
    assert_int_equal(0, BCryptFinishHash(handle, hash, size, 0));
    BCryptDestroyHash(handle);
    BCryptCloseAlgorithmProvider(alg, 0);
    assert_true(CryptBinaryToStringW(hash, size, CRYPT_STRING_BASE64 | CRYPT_STRING_NOCRLF, text, &chars));
}

void write_file(const WCHAR *path, const char *data)
{
    HANDLE file = CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    DWORD written;

    assert_true(file != INVALID_HANDLE_VALUE);
    assert_true(WriteFile(file, data, strlen(data), &written, NULL));
    CloseHandle(file);
}

unsigned int count_files(const WCHAR *folder)
{
    WCHAR pattern[MAX_PATH];
    WIN32_FIND_DATAW data;
    unsigned int count = 0;
    HANDLE find;

    swprintf(pattern, MAX_PATH, L"%ls\\*", folder);
    if ((find = FindFirstFileW(pattern, &data)) == INVALID_HANDLE_VALUE) return 0;
    do if (!(data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)) count++;
    while (FindNextFileW(find, &data));
    FindClose(find);
    return count;
}

BOOL exists(const WCHAR *path)
{
    return GetFileAttributesW(path) != INVALID_FILE_ATTRIBUTES;
}

void cache_folder(const WCHAR *id, WCHAR *path)
{
    WCHAR base[MAX_PATH];

    assert_hr(S_OK, SHGetFolderPathW(NULL, CSIDL_COMMON_APPDATA, NULL, SHGFP_TYPE_CURRENT, base));
    if (id) swprintf(path, MAX_PATH, L"%ls\\OpenWUA\\Download\\%ls", base, id);
    else swprintf(path, MAX_PATH, L"%ls\\OpenWUA\\Download", base);
}

/* A file of the work folder, as a path and as a file:// URL. */
void partial_folder(const WCHAR *id, WCHAR *path)
{
    WCHAR base[MAX_PATH];

    assert_hr(S_OK, SHGetFolderPathW(NULL, CSIDL_COMMON_APPDATA, NULL, SHGFP_TYPE_CURRENT, base));
    if (id) swprintf(path, MAX_PATH, L"%ls\\OpenWUA\\Partial\\%ls", base, id);
    else swprintf(path, MAX_PATH, L"%ls\\OpenWUA\\Partial", base);
}

void work_path(WCHAR *path, const WCHAR *name)
{
    swprintf(path, MAX_PATH, L"%ls\\%ls", work, name);
}

void work_url(WCHAR *url, const WCHAR *name)
{
    WCHAR path[MAX_PATH];
    DWORD chars = 512;

    work_path(path, name);
    assert_hr(S_OK, UrlCreateFromPathW(path, url, &chars, 0));
}

void write_catalog(const WCHAR *path, const struct test_package *packages, unsigned int count)
{
    FILE *f = _wfopen(path, L"w, ccs=UTF-8");
    WCHAR sha1[64], sha256[64];
    unsigned int i, j;

    assert_non_null(f);
    fwprintf(f, L"<?xml version=\"1.0\" encoding=\"utf-8\"?>"
             L"<smc:SystemsManagementCatalog xmlns:smc=\"http://schemas.microsoft.com/sms/2005/04/CorporatePublishing/SystemsManagementCatalog.xsd\""
             L" xmlns:sdp=\"" NS_SDP L"SoftwareDistributionPackage.xsd\" xmlns:bar=\"" NS_SDP L"BaseApplicabilityRules.xsd\""
             L" xmlns:cmd=\"" NS_SDP L"Installers/CommandLineInstallation.xsd\">");
    for (i = 0; i < count; i++)
    {
        const struct test_package *p = &packages[i];

        fwprintf(f, L"<smc:SoftwareDistributionPackage SchemaVersion=\"1.0\">"
                 L"<sdp:Properties PackageID=\"%ls\" CreationDate=\"2024-03-05T06:07:08Z\" VendorName=\"OpenWUA Tests\">"
                 L"<sdp:ProductName>Download Tests</sdp:ProductName></sdp:Properties>"
                 L"<sdp:LocalizedProperties><sdp:Language>en</sdp:Language><sdp:Title>%ls</sdp:Title></sdp:LocalizedProperties>"
                 L"<sdp:UpdateSpecificData UpdateClassification=\"Updates\"/>"
                 L"<sdp:IsInstalled><bar:RegKeyExists Key=\"HKEY_LOCAL_MACHINE\" Subkey=\"Software\\OpenWUA-DownloadTests\\never\"/></sdp:IsInstalled>",
                 p->id, p->title);
        for (j = 0; j < ARRAYSIZE(p->files) && p->files[j].name; j++)
        {
            const struct test_file *file = &p->files[j];

            base64_digest(BCRYPT_SHA1_ALGORITHM, file->content, sha1, ARRAYSIZE(sha1));
            fwprintf(f, L"<sdp:InstallableItem ID=\"%.8ls-1111-4000-8000-%012x\">"
                     L"<cmd:CommandLineInstallerData Program=\"setup.exe\" DefaultResult=\"Succeeded\"/>"
                     L"<sdp:OriginFile", p->id, j);
            if (!p->no_digest) fwprintf(f, L" Digest=\"%ls\"", sha1);
            fwprintf(f, L" FileName=\"%ls\" Size=\"%u\" Modified=\"2024-03-05T06:07:08Z\" OriginUri=\"%ls\">",
                     file->name, (unsigned int)strlen(file->content), file->uri);
            if (file->sha256)
            {
                base64_digest(BCRYPT_SHA256_ALGORITHM, file->sha256_of ? file->sha256_of : file->content, sha256,
                              ARRAYSIZE(sha256));
                fwprintf(f, L"<sdp:AdditionalDigest Algorithm=\"SHA256\">%ls</sdp:AdditionalDigest>", sha256);
            }
            fwprintf(f, L"</sdp:OriginFile></sdp:InstallableItem>");
        }
        fwprintf(f, L"</smc:SoftwareDistributionPackage>");
    }
    fwprintf(f, L"</smc:SystemsManagementCatalog>");
    fclose(f);
}

HRESULT try_search(const struct test_package *packages, unsigned int count, IUpdateCollection **updates)
{
    IUpdateServiceManager *manager = create(&CLSID_UpdateServiceManager, &IID_IUpdateServiceManager);
    IUpdateSession *session = create(&CLSID_UpdateSession, &IID_IUpdateSession);
    WCHAR path[MAX_PATH];
    BSTR name, location, id = NULL, criteria;
    IUpdateService *service = NULL;
    IUpdateSearcher *searcher = NULL;
    ISearchResult *result = NULL;
    HRESULT hr;

    *updates = NULL;
    swprintf(path, MAX_PATH, L"%ls\\catalog-%ls.xml", work, packages[0].id);
    write_catalog(path, packages, count);
    name = SysAllocString(L"OpenWUA download tests");
    location = SysAllocString(path);
    /* a catalog that does not load is refused here already */
    hr = IUpdateServiceManager_AddScanPackageService(manager, name, location, 0, &service);
    IUpdateServiceManager_Release(manager);
    SysFreeString(name);
    SysFreeString(location);
    if (FAILED(hr))
    {
        IUpdateSession_Release(session);
        return hr;
    }
    assert_hr(S_OK, IUpdateService_get_ServiceID(service, &id));
    IUpdateService_Release(service);

    assert_hr(S_OK, IUpdateSession_CreateUpdateSearcher(session, &searcher));
    IUpdateSession_Release(session);
    assert_hr(S_OK, IUpdateSearcher_put_ServerSelection(searcher, ssOthers));
    assert_hr(S_OK, IUpdateSearcher_put_ServiceID(searcher, id));
    criteria = SysAllocString(L"IsInstalled=0");
    hr = IUpdateSearcher_Search(searcher, criteria, &result);
    SysFreeString(criteria);
    SysFreeString(id);
    if (SUCCEEDED(hr))
    {
        assert_hr(S_OK, ISearchResult_get_Updates(result, updates));
        ISearchResult_Release(result);
    }
    IUpdateSearcher_Release(searcher);
    return hr;
}

/* Writes the catalog, registers it, searches it: the updates in catalog order. */
IUpdateCollection *search(const struct test_package *packages, unsigned int count)
{
    IUpdateCollection *updates;
    LONG found;

    assert_hr(S_OK, try_search(packages, count, &updates));
    assert_hr(S_OK, IUpdateCollection_get_Count(updates, &found));
    assert_int_equal(count, found);
    return updates;
}

IUpdate *item(IUpdateCollection *updates, LONG index)
{
    IUpdate *update = NULL;

    assert_hr(S_OK, IUpdateCollection_get_Item(updates, index, &update));
    return update;
}

BOOL is_downloaded(IUpdate *update)
{
    VARIANT_BOOL value = 12;

    assert_hr(S_OK, IUpdate_get_IsDownloaded(update, &value));
    return value == VARIANT_TRUE;
}

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

/* No services and no cache from an earlier run (the prefix outlives it, and
 * Wine hands out the same process IDs again). */
static void start_clean(void)
{
    SHFILEOPSTRUCTW op = { 0 };
    WCHAR folder[MAX_PATH + 1] = { 0 };

    reg_delete_tree(L"Software\\OpenWUA");
    cache_folder(NULL, folder);
    op.wFunc = FO_DELETE;
    op.pFrom = folder;
    op.fFlags = FOF_NO_UI;
    SHFileOperationW(&op);
    if (exists(folder)) fprintf(stderr, "cannot empty %ls\n", folder);
    partial_folder(NULL, folder);
    folder[wcslen(folder) + 1] = 0;
    SHFileOperationW(&op);
    if (exists(folder)) fprintf(stderr, "cannot empty %ls\n", folder);
}

static BOOL fixture_init(const WCHAR *folder, BOOL clean)
{
    const char *root = getenv("OPENWUA_HTTP_ROOT"), *log = getenv("OPENWUA_HTTP_LOG");
    WCHAR base[MAX_PATH];

    if (!read_port("OPENWUA_HTTP_PORT_FILE", &port) || !root || !log)
    {
        fprintf(stderr, "no fixture server: OPENWUA_HTTP_PORT_FILE, OPENWUA_HTTP_ROOT and OPENWUA_HTTP_LOG come from ctest\n");
        return FALSE;
    }
    MultiByteToWideChar(CP_ACP, 0, root, -1, http_root, ARRAYSIZE(http_root));
    MultiByteToWideChar(CP_ACP, 0, log, -1, http_log, ARRAYSIZE(http_log));
    GetTempPathW(ARRAYSIZE(base), base);
    swprintf(work, ARRAYSIZE(work), L"%ls%ls-%lu", base, folder, GetCurrentProcessId());
    CreateDirectoryW(work, NULL);
    if (clean) start_clean();
    return TRUE;
}

BOOL download_fixture_init(const WCHAR *folder)
{
    return fixture_init(folder, TRUE);
}

BOOL download_fixture_join(const WCHAR *folder)
{
    return fixture_init(folder, FALSE);
}
