/*
 * OpenWUA tests: each security guarantee, attacked.
 *
 * - content runs and counts as downloaded only with a verified digest;
 * - HTTPS certificate failures fail closed, for catalogs and for content;
 * - catalog file names cannot leave the cache or reach devices and streams;
 * - catalog arguments reach the installer exactly, with no shell between;
 * - a search, download, install and uninstall writes only OpenWUA's keys and
 *   the documented Windows Update keys (and Windows Installer its own);
 * - registration touches only OpenWUA's classes, ProgIDs, interfaces and type library.
 *
 * The command-line installer is tests/payload/argdump.c (OPENWUA_ARGDUMP_EXE),
 * which writes how it was started to %OPENWUA_ARGDUMP%.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "download_fixture.h"
#include <shlobj.h>
#include <shlwapi.h>
#include <msi.h>

#define NS_SDP L"http://schemas.microsoft.com/wsus/2005/04/CorporatePublishing/"
#define PRODUCT_A L"{FA816E69-D9A9-44D3-A725-06CBA722B43B}"

static WCHAR argdump_exe[MAX_PATH], dump_file[MAX_PATH], msi_folder[MAX_PATH];
static unsigned int tls_port;

/* --- catalogs of command-line and MSI packages, content from file:// or any URL --- */

struct package
{
    WCHAR id[37];
    const WCHAR *file_name;     /* FileName; argdump.exe when NULL */
    const WCHAR *uri;           /* OriginUri; the payload's file:// URL when NULL */
    const WCHAR *arguments;     /* Arguments, unescaped */
    BOOL msi;                   /* product A of tests/msi instead of argdump */
    BOOL wrong_digest;
};

static void new_package(struct package *p)
{
    memset(p, 0, sizeof(*p));
    swprintf(p->id, 37, L"%08lx-5ec0-4000-8000-%012lx", GetCurrentProcessId(), (unsigned long)next_id++);
}

static void file_digest(const WCHAR *path, WCHAR *text, DWORD chars, DWORD *size)
{
    BCRYPT_ALG_HANDLE alg;
    BCRYPT_HASH_HANDLE hash;
    BYTE buffer[4096], value[20];
    HANDLE file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    DWORD read;

    assert_true(file != INVALID_HANDLE_VALUE);
    *size = GetFileSize(file, NULL);
    assert_int_equal(0, BCryptOpenAlgorithmProvider(&alg, BCRYPT_SHA1_ALGORITHM, NULL, 0));
    assert_int_equal(0, BCryptCreateHash(alg, &hash, NULL, 0, NULL, 0, 0));
    while (ReadFile(file, buffer, sizeof(buffer), &read, NULL) && read)
        assert_int_equal(0, BCryptHashData(hash, buffer, read, 0));
    assert_int_equal(0, BCryptFinishHash(hash, value, sizeof(value), 0));
    BCryptDestroyHash(hash);
    BCryptCloseAlgorithmProvider(alg, 0);
    CloseHandle(file);
    assert_true(CryptBinaryToStringW(value, sizeof(value), CRYPT_STRING_BASE64 | CRYPT_STRING_NOCRLF, text, &chars));
}

static void xml_escape(const WCHAR *in, WCHAR *out, size_t size)
{
    size_t n = 0;

    for (; *in && n + 8 < size; in++)
    {
        if (*in == '"') n += swprintf(out + n, size - n, L"&quot;");
        else if (*in == '&') n += swprintf(out + n, size - n, L"&amp;");
        else if (*in == '<') n += swprintf(out + n, size - n, L"&lt;");
        /* attribute values are normalised: white space other than ' ' only as references */
        else if (*in == '\t' || *in == '\n' || *in == '\r') n += swprintf(out + n, size - n, L"&#%d;", *in);
        else if (*in == '>') n += swprintf(out + n, size - n, L"&gt;");
        else out[n++] = *in;
    }
    out[n] = 0;
}

static void write_package(FILE *f, const struct package *p)
{
    WCHAR digest[64], url[1024], path[MAX_PATH], escaped[2048];
    DWORD size, chars = ARRAYSIZE(url);

    fwprintf(f, L"<smc:SoftwareDistributionPackage SchemaVersion=\"1.0\">"
             L"<sdp:Properties PackageID=\"%ls\" CreationDate=\"2024-03-05T06:07:08Z\" VendorName=\"OpenWUA Tests\">"
             L"<sdp:ProductName>Security Tests</sdp:ProductName></sdp:Properties>"
             L"<sdp:LocalizedProperties><sdp:Language>en</sdp:Language><sdp:Title>Security test %ls</sdp:Title></sdp:LocalizedProperties>"
             L"<sdp:UpdateSpecificData UpdateClassification=\"Updates\"/>", p->id, p->id);
    if (p->msi)
    {
        swprintf(path, MAX_PATH, L"%ls\\openwua-test-a.msi", msi_folder);
        fwprintf(f, L"<sdp:IsInstalled><msiar:MsiProductInstalled ProductCode=\"" PRODUCT_A L"\"/></sdp:IsInstalled>"
                 L"<sdp:InstallableItem ID=\"%.8ls-3333-4000-8000-000000000001\">"
                 L"<msi:MsiInstallerData MsiFile=\"openwua-test-a.msi\" ProductCode=\"" PRODUCT_A L"\"/>", p->id);
    }
    else
    {
        wcscpy(path, argdump_exe);
        xml_escape(p->arguments ? p->arguments : L"", escaped, ARRAYSIZE(escaped));
        fwprintf(f, L"<sdp:IsInstalled><bar:RegKeyExists Key=\"HKEY_LOCAL_MACHINE\" Subkey=\"Software\\OpenWUA-SecurityTests\\never\"/></sdp:IsInstalled>"
                 L"<sdp:InstallableItem ID=\"%.8ls-3333-4000-8000-000000000001\">"
                 L"<cmd:CommandLineInstallerData Program=\"argdump.exe\" Arguments=\"%ls\" DefaultResult=\"Failed\">"
                 L"<cmd:ReturnCode Code=\"0\" Result=\"Succeeded\"/></cmd:CommandLineInstallerData>", p->id, escaped);
    }
    file_digest(path, digest, ARRAYSIZE(digest), &size);
    if (p->wrong_digest) digest[0] = digest[0] == 'A' ? 'B' : 'A';
    assert_hr(S_OK, UrlCreateFromPathW(path, url, &chars, 0));
    xml_escape(p->file_name ? p->file_name : p->msi ? L"openwua-test-a.msi" : L"argdump.exe", escaped,
               ARRAYSIZE(escaped));
    fwprintf(f, L"<sdp:OriginFile Digest=\"%ls\" FileName=\"%ls\" Size=\"%lu\" Modified=\"2024-03-05T06:07:08Z\" OriginUri=\"%ls\"/>"
             L"</sdp:InstallableItem></smc:SoftwareDistributionPackage>", digest, escaped, size, p->uri ? p->uri : url);
}

static void write_security_catalog(const WCHAR *path, const struct package *packages, unsigned int count)
{
    FILE *f = _wfopen(path, L"w, ccs=UTF-8");
    unsigned int i;

    assert_non_null(f);
    fwprintf(f, L"<?xml version=\"1.0\" encoding=\"utf-8\"?>"
             L"<smc:SystemsManagementCatalog xmlns:smc=\"http://schemas.microsoft.com/sms/2005/04/CorporatePublishing/SystemsManagementCatalog.xsd\""
             L" xmlns:sdp=\"" NS_SDP L"SoftwareDistributionPackage.xsd\" xmlns:bar=\"" NS_SDP L"BaseApplicabilityRules.xsd\""
             L" xmlns:msiar=\"" NS_SDP L"MsiApplicabilityRules.xsd\""
             L" xmlns:cmd=\"" NS_SDP L"Installers/CommandLineInstallation.xsd\""
             L" xmlns:msi=\"" NS_SDP L"Installers/MsiInstallation.xsd\">");
    for (i = 0; i < count; i++) write_package(f, &packages[i]);
    fwprintf(f, L"</smc:SystemsManagementCatalog>");
    fclose(f);
}

/* Registers a catalog at location; the AddScanPackageService result. */
static HRESULT add_service(const WCHAR *location, BSTR *id)
{
    IUpdateServiceManager *manager = create(&CLSID_UpdateServiceManager, &IID_IUpdateServiceManager);
    BSTR name = SysAllocString(L"OpenWUA security tests"), where = SysAllocString(location);
    IUpdateService *service = NULL;
    HRESULT hr;

    hr = IUpdateServiceManager_AddScanPackageService(manager, name, where, 0, &service);
    if (SUCCEEDED(hr))
    {
        assert_hr(S_OK, IUpdateService_get_ServiceID(service, id));
        IUpdateService_Release(service);
    }
    SysFreeString(name);
    SysFreeString(where);
    IUpdateServiceManager_Release(manager);
    return hr;
}

/* Writes, registers and searches a catalog: its updates, in catalog order. */
static IUpdateCollection *find(const struct package *packages, unsigned int count)
{
    IUpdateSearcher *searcher = create(&CLSID_UpdateSearcher, &IID_IUpdateSearcher);
    BSTR id = NULL, criteria = SysAllocString(L"IsInstalled=0 or IsInstalled=1");
    IUpdateCollection *updates;
    ISearchResult *result;
    WCHAR path[MAX_PATH];
    LONG found;

    swprintf(path, MAX_PATH, L"%ls\\catalog-%ls.xml", work, packages[0].id);
    write_security_catalog(path, packages, count);
    assert_hr(S_OK, add_service(path, &id));
    assert_hr(S_OK, IUpdateSearcher_put_ServerSelection(searcher, ssOthers));
    assert_hr(S_OK, IUpdateSearcher_put_ServiceID(searcher, id));
    assert_hr(S_OK, IUpdateSearcher_Search(searcher, criteria, &result));
    assert_hr(S_OK, ISearchResult_get_Updates(result, &updates));
    assert_hr(S_OK, IUpdateCollection_get_Count(updates, &found));
    assert_int_equal(count, found);
    ISearchResult_Release(result);
    IUpdateSearcher_Release(searcher);
    SysFreeString(id);
    SysFreeString(criteria);
    return updates;
}

static IDownloadResult *download(IUpdateCollection *updates)
{
    IUpdateDownloader *downloader = create(&CLSID_UpdateDownloader, &IID_IUpdateDownloader);
    IDownloadResult *result = NULL;

    assert_hr(S_OK, IUpdateDownloader_put_Updates(downloader, updates));
    assert_hr(S_OK, IUpdateDownloader_Download(downloader, &result));
    IUpdateDownloader_Release(downloader);
    return result;
}

static HRESULT update_download_hr(IDownloadResult *result, LONG index)
{
    IUpdateDownloadResult *one;
    HRESULT hr = E_FAIL;

    assert_hr(S_OK, IDownloadResult_GetUpdateResult(result, index, &one));
    assert_hr(S_OK, IUpdateDownloadResult_get_HResult(one, &hr));
    IUpdateDownloadResult_Release(one);
    return hr;
}

/* Installs (or uninstalls) and returns the first update's HRESULT. */
static HRESULT run_installer(IUpdateCollection *updates, BOOL uninstall)
{
    IUpdateInstaller *installer = create(&CLSID_UpdateInstaller, &IID_IUpdateInstaller);
    IInstallationResult *result = NULL;
    IUpdateInstallationResult *one;
    HRESULT hr, update_hr = E_FAIL;

    assert_hr(S_OK, IUpdateInstaller_put_Updates(installer, updates));
    hr = uninstall ? IUpdateInstaller_Uninstall(installer, &result) : IUpdateInstaller_Install(installer, &result);
    assert_hr(S_OK, hr);
    assert_hr(S_OK, IInstallationResult_GetUpdateResult(result, 0, &one));
    assert_hr(S_OK, IUpdateInstallationResult_get_HResult(one, &update_hr));
    IUpdateInstallationResult_Release(one);
    IInstallationResult_Release(result);
    IUpdateInstaller_Release(installer);
    return update_hr;
}

/* What argdump recorded: its command line and its parent's process ID; FALSE when it never ran. */
static BOOL read_dump(WCHAR *line, size_t chars, DWORD *parent)
{
    HANDLE file = CreateFileW(dump_file, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    DWORD size;
    WCHAR *end;

    if (file == INVALID_HANDLE_VALUE) return FALSE;
    assert_true(ReadFile(file, line, (chars - 1) * sizeof(WCHAR), &size, NULL));
    CloseHandle(file);
    line[size / sizeof(WCHAR)] = 0;
    assert_non_null(end = wcsrchr(line, '\n'));
    *end = 0;
    *parent = wcstoul(end + 1, NULL, 10);
    return TRUE;
}

/* --- history and state left by installs: removed again --- */

static void remove_product_a(void)
{
    MsiSetInternalUI(INSTALLUILEVEL_NONE, NULL);
    if (MsiQueryProductStateW(PRODUCT_A) == INSTALLSTATE_DEFAULT)
        MsiConfigureProductExW(PRODUCT_A, INSTALLLEVEL_DEFAULT, INSTALLSTATE_ABSENT, L"REBOOT=ReallySuppress");
}

static WCHAR history_at_start[MAX_PATH];

static int setup(void **state)
{
    (void)state;
    reg_delete_tree(L"Software\\OpenWUA");
    DeleteFileW(dump_file);
    history_mark(history_at_start);
    return 0;
}

static int teardown(void **state)
{
    history_trim(history_at_start);
    reg_delete_tree(L"Software\\OpenWUA");
    reg_delete_tree(L"Software\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired");
    DeleteFileW(dump_file);
    return leak_check(state);
}

#define SECURITY_CASE(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

/* --- the cases --- */

static void cached_program(const struct package *p, WCHAR *path)
{
    cache_folder(p->id, path);
    wcscat(path, L"\\argdump.exe");
}

/* Quotes, spaces, shell characters, percent signs and unicode arrive as the catalog gives them. */
static void arguments_reach_the_program_exactly(void **state)
{
    static const WCHAR *const arguments[] =
    {
        L"plain",
        /* no tab: Wine's XmlLite turns &#9; in an attribute into a space, before OpenWUA sees it */
        L"\"a quoted argument\"  two  spaces",
        L"& echo pwned > pwned.txt | more < nul ^ && exit 1 || exit 2",
        L"%PATH% %% %1 !x! `ls` $(ls) ; ",
        L"\"unbalanced \\\" backslash\\\\ \" \"\"",
        L"\x00fc\x00df \x20ac \x4e2d\x6587 \xd83d\xde00",
        L"",
    };
    struct package p[ARRAYSIZE(arguments)];
    WCHAR line[4096], program[MAX_PATH], expected[4096], pwned[MAX_PATH];
    IUpdateCollection *updates, *one;
    IDownloadResult *result;
    IUpdate *update;
    DWORD parent;
    LONG index;
    unsigned int i;

    (void)state;
    for (i = 0; i < ARRAYSIZE(p); i++)
    {
        new_package(&p[i]);
        p[i].arguments = arguments[i];
    }
    updates = find(p, ARRAYSIZE(p));
    result = download(updates);
    IDownloadResult_Release(result);
    for (i = 0; i < ARRAYSIZE(p); i++)
    {
        one = create(&CLSID_UpdateCollection, &IID_IUpdateCollection);
        assert_hr(S_OK, IUpdateCollection_get_Item(updates, i, &update));
        assert_hr(S_OK, IUpdateCollection_Add(one, update, &index));
        IUpdate_Release(update);
        DeleteFileW(dump_file);
        assert_hr(S_OK, run_installer(one, FALSE));
        IUpdateCollection_Release(one);

        assert_true(read_dump(line, ARRAYSIZE(line), &parent));
        cached_program(&p[i], program);
        /* the program path quoted, then the arguments unchanged */
        if (*arguments[i]) swprintf(expected, ARRAYSIZE(expected), L"\"%ls\" %ls", program, arguments[i]);
        else swprintf(expected, ARRAYSIZE(expected), L"\"%ls\"", program);
        if (wcscmp(expected, line)) fail_msg("expected [%ls]\ngot      [%ls]", expected, line);
        /* started by this process itself: no cmd.exe in between */
        assert_int_equal(GetCurrentProcessId(), parent);
    }
    cache_folder(p[2].id, pwned);
    wcscat(pwned, L"\\pwned.txt");
    assert_false(exists(pwned));
    assert_false(exists(L"pwned.txt"));
    IUpdateCollection_Release(updates);
}

/* A wrong digest: never downloaded, never run.  A cached file changed after the
 * download: never run.  A catalog without digests: refused unless the policy says so. */
static void unverified_content_never_runs(void **state)
{
    struct test_package bare = { .files = { { L"bare.txt", L"file:///C:/nowhere/bare.txt", "bare" } },
                                 .no_digest = TRUE };
    struct package p[2];
    WCHAR line[1024], program[MAX_PATH];
    IUpdateCollection *updates, *none = (void *)1;
    IDownloadResult *result;
    IUpdate *update;
    VARIANT_BOOL downloaded;
    DWORD parent, written, value;
    HANDLE file;

    (void)state;
    new_package(&p[0]);
    p[0].wrong_digest = TRUE;
    updates = find(p, 1);
    result = download(updates);
    assert_hr(WU_E_DM_INCORRECTFILEHASH, update_download_hr(result, 0));
    IDownloadResult_Release(result);
    assert_hr(S_OK, IUpdateCollection_get_Item(updates, 0, &update));
    assert_hr(S_OK, IUpdate_get_IsDownloaded(update, &downloaded));
    assert_int_equal(VARIANT_FALSE, downloaded);
    IUpdate_Release(update);
    cached_program(&p[0], program);
    assert_false(exists(program));
    assert_true(FAILED(run_installer(updates, FALSE)));
    assert_false(read_dump(line, ARRAYSIZE(line), &parent));
    IUpdateCollection_Release(updates);

    /* downloaded and verified, then changed in the cache: a still valid program that would run */
    new_package(&p[1]);
    updates = find(&p[1], 1);
    result = download(updates);
    assert_hr(S_OK, update_download_hr(result, 0));
    IDownloadResult_Release(result);
    cached_program(&p[1], program);
    file = CreateFileW(program, FILE_APPEND_DATA, 0, NULL, OPEN_EXISTING, 0, NULL);
    assert_true(file != INVALID_HANDLE_VALUE);
    assert_true(WriteFile(file, "tampered", 8, &written, NULL));
    CloseHandle(file);
    assert_true(FAILED(run_installer(updates, FALSE)));
    assert_false(read_dump(line, ARRAYSIZE(line), &parent));
    IUpdateCollection_Release(updates);

    /* no digest at all and no policy: the catalog is refused */
    assert_false(reg_get_dword(L"Software\\OpenWUA", L"AllowContentWithoutDigest", &value));
    new_id(&bare, L"bare");
    assert_hr(WU_E_XML_MISSINGDATA, try_search(&bare, 1, &none));
    assert_null(none);
}

/* Names that try to leave the cache, reach a device or an alternate data stream. */
static void hostile_file_names_stay_in_the_cache(void **state)
{
    static WCHAR long_name[400];
    static const WCHAR *names[] =
    {
        L"..\\x.exe", L"../x.exe", L"a/../../x.exe", L"C:\\x.exe", L"C:x.exe", L"\\x.exe", L"/x.exe",
        L"\\\\?\\C:\\x.exe", L"\\\\?\\x.exe", L"\\\\.\\x.exe", L"\\\\server\\share\\x.exe", L"x.exe:stream",
        L"x.exe::$DATA", L"x:y", L"CON", L"con.txt", L"NUL.txt", L"AUX", L"PRN.log", L"COM1", L"com9.exe",
        L"LPT1", L"lpt9.x", L"CONIN$", L"CONOUT$", L"x.exe.", L"x.exe ", L"x.exe. . ", L" ", L".", L"..",
        L"...", L"x?.exe", L"x*.exe", L"x|.exe", L"x<.exe", L"x>.exe", L"x\".exe", L"x\x01.exe", long_name,
    };
    struct package p[ARRAYSIZE(names)];
    WCHAR path[MAX_PATH], parent[MAX_PATH];
    IUpdateCollection *updates;
    IDownloadResult *result;
    unsigned int i;
    HRESULT hr;

    (void)state;
    for (i = 0; i < 300; i++) long_name[i] = 'a' + i % 26;
    wcscpy(long_name + 300, L".exe");
    for (i = 0; i < ARRAYSIZE(names); i++)
    {
        new_package(&p[i]);
        p[i].file_name = names[i];
    }
    updates = find(p, ARRAYSIZE(p));
    result = download(updates);
    for (i = 0; i < ARRAYSIZE(names); i++)
    {
        hr = update_download_hr(result, i);
        if (hr != WU_E_INVALID_FILE) fail_msg("file name [%ls]: 0x%08lx", names[i], (unsigned long)hr);
    }
    IDownloadResult_Release(result);
    cache_folder(NULL, parent);
    for (i = 0; i < ARRAYSIZE(p); i++)
    {
        cache_folder(p[i].id, path);
        assert_false(PathFileExistsW(path) && !PathIsDirectoryEmptyW(path));
    }
    swprintf(path, MAX_PATH, L"%ls\\x.exe", parent);
    assert_false(exists(path));
    swprintf(path, MAX_PATH, L"%ls\\..\\x.exe", parent);
    assert_false(exists(path));
    assert_false(exists(L"C:\\x.exe"));
    assert_false(exists(L"\\x.exe"));
    IUpdateCollection_Release(updates);
}

/* A server whose certificate is not trusted gives neither a catalog nor content. */
static void https_certificate_failures_fail_closed(void **state)
{
    struct package p;
    WCHAR url[256], path[MAX_PATH];
    IUpdateCollection *updates;
    IDownloadResult *result;
    BSTR id = NULL;
    HRESULT hr;

    (void)state;
    if (!tls_port) skip();
    new_package(&p);
    swprintf(path, MAX_PATH, L"%ls\\sec-%ls.xml", http_root, p.id);
    write_security_catalog(path, &p, 1);
    swprintf(url, ARRAYSIZE(url), L"https://127.0.0.1:%u/sec-%ls.xml", tls_port, p.id);
    hr = add_service(url, &id);
    print_message("catalog over untrusted HTTPS: 0x%08lx\n", (unsigned long)hr);
    assert_true(FAILED(hr));
    assert_null(id);

    /* content over untrusted HTTPS: a failure, nothing in the cache */
    swprintf(path, MAX_PATH, L"%ls\\sec-%ls.exe", http_root, p.id);
    assert_true(CopyFileW(argdump_exe, path, FALSE));
    swprintf(url, ARRAYSIZE(url), L"https://127.0.0.1:%u/sec-%ls.exe", tls_port, p.id);
    p.uri = url;
    updates = find(&p, 1);
    result = download(updates);
    hr = update_download_hr(result, 0);
    print_message("content over untrusted HTTPS: 0x%08lx\n", (unsigned long)hr);
    assert_true(FAILED(hr));
    IDownloadResult_Release(result);
    cache_folder(p.id, path);
    assert_false(PathFileExistsW(path) && !PathIsDirectoryEmptyW(path));
    assert_true(FAILED(run_installer(updates, FALSE)));
    IUpdateCollection_Release(updates);
}

/* --- registry snapshots --- */

struct snapshot
{
    WCHAR **lines;
    size_t count, size;
};

static void add_line(struct snapshot *snap, const WCHAR *text)
{
    if (snap->count == snap->size)
    {
        snap->size = snap->size ? snap->size * 2 : 4096;
        snap->lines = realloc(snap->lines, snap->size * sizeof(*snap->lines));
        assert_non_null(snap->lines);
    }
    snap->lines[snap->count++] = _wcsdup(text);
}

static DWORD fnv(const BYTE *data, DWORD size, DWORD type)
{
    DWORD hash = 2166136261u ^ type, i;

    for (i = 0; i < size; i++) hash = (hash ^ data[i]) * 16777619u;
    return hash;
}

static void dump_tree(struct snapshot *snap, HKEY root, WCHAR *path, size_t len)
{
    static BYTE data[65536];
    WCHAR name[512], line[2048];
    DWORD i, chars, size, type;
    HKEY key;
    const WCHAR *subkey = wcschr(path, '\\');

    /* path is "HKLM\\..." or "HKCR\\...": the part after the root's name */
    if (RegOpenKeyExW(root, subkey ? subkey + 1 : L"", 0, KEY_READ | KEY_WOW64_64KEY, &key)) return;
    add_line(snap, path);
    for (i = 0;; i++)
    {
        chars = ARRAYSIZE(name);
        size = sizeof(data);
        if (RegEnumValueW(key, i, name, &chars, NULL, &type, data, &size)) break;
        swprintf(line, ARRAYSIZE(line), L"%ls|%ls=%08lx", path, name, fnv(data, size, type));
        add_line(snap, line);
    }
    for (i = 0;; i++)
    {
        chars = ARRAYSIZE(name);
        if (RegEnumKeyExW(key, i, name, &chars, NULL, NULL, NULL, NULL)) break;
        if (len + chars + 2 >= 1024) continue;
        path[len] = '\\';
        wcscpy(path + len + 1, name);
        dump_tree(snap, root, path, len + 1 + chars);
        path[len] = 0;
    }
    RegCloseKey(key);
}

/* root_name\subkey and everything under it; the lines are sorted. */
static int compare_lines(const void *a, const void *b)
{
    return wcscmp(*(WCHAR *const *)a, *(WCHAR *const *)b);
}

static void take_snapshot(struct snapshot *snap)
{
    WCHAR path[1024];

    memset(snap, 0, sizeof(*snap));
    wcscpy(path, L"HKLM\\Software");
    dump_tree(snap, HKEY_LOCAL_MACHINE, path, wcslen(path));
    wcscpy(path, L"HKCR");
    dump_tree(snap, HKEY_CLASSES_ROOT, path, wcslen(path));
    qsort(snap->lines, snap->count, sizeof(*snap->lines), compare_lines);
}

static void free_snapshot(struct snapshot *snap)
{
    size_t i;

    for (i = 0; i < snap->count; i++) free(snap->lines[i]);
    free(snap->lines);
}

static BOOL no_change(const WCHAR *line)
{
    (void)line;
    return FALSE;
}

/* Lines added or removed or changed that allowed() does not accept: reported, counted. */
static unsigned int diff(const struct snapshot *a, const struct snapshot *b, BOOL (*allowed)(const WCHAR *))
{
    size_t i = 0, j = 0;
    unsigned int bad = 0, allowed_shown = 0;
    int order;

    while (i < a->count || j < b->count)
    {
        const WCHAR *line;

        if (i == a->count) order = 1;
        else if (j == b->count) order = -1;
        else order = wcscmp(a->lines[i], b->lines[j]);
        if (!order)
        {
            i++, j++;
            continue;
        }
        line = order < 0 ? a->lines[i++] : b->lines[j++];
        if (allowed(line))
        {
            if (allowed != no_change && allowed_shown++ < 12) print_message("allowed: %c %ls\n", order < 0 ? '-' : '+', line);
            continue;
        }
        if (bad++ < 40) print_error("%c %ls\n", order < 0 ? '-' : '+', line);
    }
    return bad;
}

static BOOL starts_with(const WCHAR *line, const WCHAR *prefix)
{
    size_t len = wcslen(prefix);

    return !_wcsnicmp(line, prefix, len) && (!line[len] || line[len] == '\\' || line[len] == '|');
}

/* OpenWUA's own keys, the documented Windows Update keys; and what Windows
 * Installer keeps about the product it installs and removes for us, and Wine's
 * own bookkeeping that any program's use changes. */
static BOOL cycle_may_change(const WCHAR *line)
{
    static const WCHAR *const prefixes[] =
    {
        L"HKLM\\Software\\OpenWUA",
        L"HKLM\\Software\\OpenWUA-SecurityTests",
        L"HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate",
        L"HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Installer",
        L"HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\" PRODUCT_A,
        L"HKLM\\Software\\Classes\\Installer",
        L"HKCR\\Installer",
    };
    size_t i;

    for (i = 0; i < ARRAYSIZE(prefixes); i++) if (starts_with(line, prefixes[i])) return TRUE;
    return FALSE;
}

/* A search, download, install and uninstall of an MSI package and an install of a command-line one. */
static void a_full_cycle_writes_only_its_own_keys(void **state)
{
    struct snapshot before, after;
    struct package p[2];
    IUpdateCollection *updates, *one;
    IDownloadResult *result;
    IUpdate *update;
    unsigned int bad;
    LONG index;

    (void)state;
    if (!msi_folder[0]) skip();
    remove_product_a();
    take_snapshot(&before);
    new_package(&p[0]);
    p[0].msi = TRUE;
    new_package(&p[1]);
    p[1].arguments = L"cycle";
    updates = find(p, 2);
    result = download(updates);
    assert_hr(S_OK, update_download_hr(result, 0));
    assert_hr(S_OK, update_download_hr(result, 1));
    IDownloadResult_Release(result);
    assert_hr(S_OK, run_installer(updates, FALSE));
    one = create(&CLSID_UpdateCollection, &IID_IUpdateCollection);
    assert_hr(S_OK, IUpdateCollection_get_Item(updates, 0, &update));
    assert_hr(S_OK, IUpdateCollection_Add(one, update, &index));
    IUpdate_Release(update);
    assert_hr(S_OK, run_installer(one, TRUE));
    IUpdateCollection_Release(one);
    IUpdateCollection_Release(updates);
    take_snapshot(&after);
    print_message("%lu registry lines before, %lu after\n", (unsigned long)before.count, (unsigned long)after.count);
    bad = diff(&before, &after, cycle_may_change);
    free_snapshot(&before);
    free_snapshot(&after);
    remove_product_a();
    assert_int_equal(0, bad);
}

/* --- registration, last: it unregisters the DLL and registers it again --- */

static GUID own_guids[256];
static unsigned int own_guid_count;

static void collect_own_guids(void)
{
    ITypeLib *typelib;
    ITypeInfo *info;
    TYPEATTR *attr;
    TLIBATTR *libattr;
    UINT i;

    assert_hr(S_OK, LoadTypeLibEx(L"wuapi.dll", REGKIND_NONE, &typelib));
    ITypeLib_GetLibAttr(typelib, &libattr);
    own_guids[own_guid_count++] = libattr->guid;
    ITypeLib_ReleaseTLibAttr(typelib, libattr);
    for (i = 0; i < ITypeLib_GetTypeInfoCount(typelib) && own_guid_count < ARRAYSIZE(own_guids); i++)
    {
        assert_hr(S_OK, ITypeLib_GetTypeInfo(typelib, i, &info));
        assert_hr(S_OK, ITypeInfo_GetTypeAttr(info, &attr));
        own_guids[own_guid_count++] = attr->guid;
        ITypeInfo_ReleaseTypeAttr(info, attr);
        ITypeInfo_Release(info);
    }
    ITypeLib_Release(typelib);
}

/* Keys named after one of OpenWUA's class, interface or type library GUIDs, and its ProgIDs. */
static BOOL registration_may_change(const WCHAR *line)
{
    static const WCHAR *const kinds[] = { L"\\CLSID\\", L"\\Interface\\", L"\\TypeLib\\" };
    WCHAR guid[40], name[64];
    unsigned int i, j;

    /* in either registry view: Wine registers a type library in both */
    for (i = 0; i < ARRAYSIZE(kinds); i++)
        for (j = 0; j < own_guid_count; j++)
        {
            StringFromGUID2(&own_guids[j], guid, ARRAYSIZE(guid));
            swprintf(name, ARRAYSIZE(name), L"%ls%ls", kinds[i], guid);
            if (StrStrIW(line, name)) return TRUE;
        }
    return !_wcsnicmp(line, L"HKCR\\Microsoft.Update.", 22)
           || !_wcsnicmp(line, L"HKLM\\Software\\Classes\\Microsoft.Update.", 39);
}

static DWORD regsvr32(const WCHAR *flags)
{
    WCHAR cmdline[128];

    swprintf(cmdline, ARRAYSIZE(cmdline), L"regsvr32.exe %ls /s wuapi.dll", flags);
    return run_process(cmdline);
}

static void registration_touches_only_its_own_keys(void **state)
{
    struct snapshot before, unregistered, again;
    unsigned int bad;

    (void)state;
    collect_own_guids();
    take_snapshot(&before);
    assert_int_equal(0, regsvr32(L"/u"));
    take_snapshot(&unregistered);
    assert_int_equal(0, regsvr32(L""));
    take_snapshot(&again);
    print_message("%lu registry lines registered, %lu unregistered\n", (unsigned long)before.count,
                  (unsigned long)unregistered.count);
    /* something was removed, and only OpenWUA's */
    assert_true(before.count > unregistered.count + 100);
    bad = diff(&before, &unregistered, registration_may_change);
    /* and registering again restores exactly what was there */
    bad += diff(&before, &again, no_change);
    free_snapshot(&before);
    free_snapshot(&unregistered);
    free_snapshot(&again);
    assert_int_equal(0, bad);
}

static int register_again(void **state)
{
    (void)state;
    regsvr32(L"");
    return 0;
}

static BOOL read_environment(void)
{
    const char *exe = getenv("OPENWUA_ARGDUMP_EXE"), *msi = getenv("OPENWUA_MSI"), *tls = getenv("OPENWUA_HTTPS_PORT_FILE");
    FILE *f;

    if (!exe) return FALSE;
    MultiByteToWideChar(CP_ACP, 0, exe, -1, argdump_exe, MAX_PATH);
    if (msi) MultiByteToWideChar(CP_ACP, 0, msi, -1, msi_folder, MAX_PATH);
    if (tls && (f = fopen(tls, "r")))
    {
        if (fscanf(f, "%u", &tls_port) != 1) tls_port = 0;
        fclose(f);
    }
    swprintf(dump_file, MAX_PATH, L"%ls\\argdump.txt", work);
    SetEnvironmentVariableW(L"OPENWUA_ARGDUMP", dump_file);
    return TRUE;
}

int main(void)
{
    const struct CMUnitTest tests[] =
    {
        SECURITY_CASE(arguments_reach_the_program_exactly),
        SECURITY_CASE(unverified_content_never_runs),
        SECURITY_CASE(hostile_file_names_stay_in_the_cache),
        SECURITY_CASE(https_certificate_failures_fail_closed),
        SECURITY_CASE(a_full_cycle_writes_only_its_own_keys),
        cmocka_unit_test_teardown(registration_touches_only_its_own_keys, register_again),
    };

    if (!download_fixture_init(L"openwua-security-test")) return 1;
    if (!read_environment())
    {
        fprintf(stderr, "OPENWUA_ARGDUMP_EXE comes from ctest\n");
        return 1;
    }
    return RUN_TESTS(tests);
}
