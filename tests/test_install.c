/*
 * OpenWUA tests: UpdateInstaller, the installation results and jobs, and the
 * MSI and command-line handlers, with real installers.
 *
 * The command-line installer is tests/payload/exitcode.c (built by MinGW;
 * OPENWUA_PAYLOAD is its path), which exits with the codes its arguments
 * name.  The MSI is the wixl-built test product A of test_rules (OPENWUA_MSI
 * is its folder).  Each case writes a catalog whose files are file:// URLs
 * of those, registers it, searches it, downloads and installs.  Update IDs
 * are new in every case: update state lives for the whole process.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "common.h"
#include <msi.h>
#include <shlobj.h>
#include <bcrypt.h>
#include <wincrypt.h>
#include <shlwapi.h>
#include <shellapi.h>

#define NS_SDP L"http://schemas.microsoft.com/wsus/2005/04/CorporatePublishing/"
#define PRODUCT_A L"{FA816E69-D9A9-44D3-A725-06CBA722B43B}"

static const WCHAR reboot_key[] = L"Software\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired";
static WCHAR work[MAX_PATH], payload[MAX_PATH], msi_folder[MAX_PATH];
static unsigned int next_id = 1;

/* --- catalogs --- */

enum kind { CMD, MSI };

struct package
{
    WCHAR id[37];
    enum kind kind;
    WCHAR state[MAX_PATH];          /* CMD: the payload's state file */
    const WCHAR *codes;             /* CMD: the exit codes, run by run */
    const WCHAR *default_result;    /* CMD: NULL leaves DefaultResult out */
    BOOL reboot_by_default;
    const WCHAR *return_codes;      /* CMD: ReturnCode elements */
    BOOL gate;                      /* CMD: wait for "<state>.gate" */
    DWORD pause_ms;                 /* CMD: take this long */
    BOOL never_installed;           /* CMD: an IsInstalled rule that stays false */
    BOOL eula;
    BOOL asks;                      /* CMD: CanRequestUserInput */
};

static void new_package(struct package *p, enum kind kind, const WCHAR *codes)
{
    memset(p, 0, sizeof(*p));
    swprintf(p->id, 37, L"%08lx-1e57-4000-8000-%012lx", GetCurrentProcessId(), (unsigned long)next_id);
    swprintf(p->state, MAX_PATH, L"%ls\\state %u.txt", work, next_id++);
    p->kind = kind;
    p->codes = codes;
    p->default_result = L"Succeeded";
}

static void file_digest(const WCHAR *path, WCHAR *text, DWORD chars, DWORD *size)
{
    HANDLE file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    BCRYPT_ALG_HANDLE alg;
    BCRYPT_HASH_HANDLE hash;
    BYTE buffer[65536], sha1[20];
    DWORD got;

    assert_true(file != INVALID_HANDLE_VALUE);
    *size = GetFileSize(file, NULL);
    assert_int_equal(0, BCryptOpenAlgorithmProvider(&alg, BCRYPT_SHA1_ALGORITHM, NULL, 0));
    assert_int_equal(0, BCryptCreateHash(alg, &hash, NULL, 0, NULL, 0, 0));
    while (ReadFile(file, buffer, sizeof(buffer), &got, NULL) && got)
        assert_int_equal(0, BCryptHashData(hash, buffer, got, 0));
    assert_int_equal(0, BCryptFinishHash(hash, sha1, sizeof(sha1), 0));
    BCryptDestroyHash(hash);
    BCryptCloseAlgorithmProvider(alg, 0);
    CloseHandle(file);
    assert_true(CryptBinaryToStringW(sha1, sizeof(sha1), CRYPT_STRING_BASE64 | CRYPT_STRING_NOCRLF, text, &chars));
}

static void msi_path(WCHAR *path)
{
    swprintf(path, MAX_PATH, L"%ls\\openwua-test-a.msi", msi_folder);
}

/* The payload's arguments exactly as the catalog gives them: two spaces, a quoted path. */
static void arguments(const struct package *p, WCHAR *text, size_t size)
{
    if (p->gate) swprintf(text, size, L"%ls  \"%ls\" \"%ls.gate\"", p->codes, p->state, p->state);
    else if (p->pause_ms) swprintf(text, size, L"%ls  \"%ls\" sleep:%lu", p->codes, p->state, p->pause_ms);
    else swprintf(text, size, L"%ls  \"%ls\"", p->codes, p->state);
}

static void xml_escape(const WCHAR *in, WCHAR *out, size_t size)
{
    size_t n = 0;

    for (; *in && n + 8 < size; in++)
    {
        if (*in == '"') n += swprintf(out + n, size - n, L"&quot;");
        else if (*in == '&') n += swprintf(out + n, size - n, L"&amp;");
        else out[n++] = *in;
    }
    out[n] = 0;
}

static void write_package(FILE *f, const struct package *p)
{
    WCHAR digest[64], url[1024], path[MAX_PATH], args[1024], escaped[2048];
    DWORD size, chars = ARRAYSIZE(url);

    fwprintf(f, L"<smc:SoftwareDistributionPackage SchemaVersion=\"1.0\">"
             L"<sdp:Properties PackageID=\"%ls\" CreationDate=\"2024-03-05T06:07:08Z\" VendorName=\"OpenWUA Tests\">"
             L"<sdp:ProductName>Install Tests</sdp:ProductName></sdp:Properties>"
             L"<sdp:LocalizedProperties><sdp:Language>en</sdp:Language><sdp:Title>Install test %ls</sdp:Title></sdp:LocalizedProperties>"
             L"<sdp:UpdateSpecificData UpdateClassification=\"Updates\"/>", p->id, p->id);
    if (p->eula) fwprintf(f, L"<ow:Eula>Accept me.</ow:Eula>");
    if (p->kind == MSI)
    {
        msi_path(path);
        fwprintf(f, L"<sdp:IsInstalled><msiar:MsiProductInstalled ProductCode=\"" PRODUCT_A L"\"/></sdp:IsInstalled>"
                 L"<sdp:InstallableItem ID=\"%.8ls-2222-4000-8000-000000000001\">"
                 L"<msi:MsiInstallerData MsiFile=\"openwua-test-a.msi\" ProductCode=\"" PRODUCT_A L"\"/>", p->id);
    }
    else
    {
        wcscpy(path, payload);
        xml_escape(p->state, escaped, ARRAYSIZE(escaped));
        fwprintf(f, L"<sdp:IsInstalled><bar:FileExists Path=\"%ls%ls\"/></sdp:IsInstalled>", escaped,
                 p->never_installed ? L".never" : L"");
        arguments(p, args, ARRAYSIZE(args));
        xml_escape(args, escaped, ARRAYSIZE(escaped));
        fwprintf(f, L"<sdp:InstallableItem ID=\"%.8ls-2222-4000-8000-000000000001\">", p->id);
        if (p->asks) fwprintf(f, L"<sdp:InstallProperties CanRequestUserInput=\"true\"/>");
        fwprintf(f, L"<cmd:CommandLineInstallerData Program=\"exitcode.exe\" Arguments=\"%ls\"", escaped);
        if (p->default_result) fwprintf(f, L" DefaultResult=\"%ls\"", p->default_result);
        if (p->reboot_by_default) fwprintf(f, L" RebootByDefault=\"true\"");
        fwprintf(f, L">%ls</cmd:CommandLineInstallerData>", p->return_codes ? p->return_codes : L"");
    }
    file_digest(path, digest, ARRAYSIZE(digest), &size);
    assert_hr(S_OK, UrlCreateFromPathW(path, url, &chars, 0));
    fwprintf(f, L"<sdp:OriginFile Digest=\"%ls\" FileName=\"%ls\" Size=\"%lu\" Modified=\"2024-03-05T06:07:08Z\" OriginUri=\"%ls\"/>"
             L"</sdp:InstallableItem></smc:SoftwareDistributionPackage>",
             digest, p->kind == MSI ? L"openwua-test-a.msi" : L"exitcode.exe", size, url);
}

static void write_catalog(const WCHAR *path, const struct package *packages, unsigned int count)
{
    FILE *f = _wfopen(path, L"w, ccs=UTF-8");
    unsigned int i;

    assert_non_null(f);
    fwprintf(f, L"<?xml version=\"1.0\" encoding=\"utf-8\"?>"
             L"<smc:SystemsManagementCatalog xmlns:smc=\"http://schemas.microsoft.com/sms/2005/04/CorporatePublishing/SystemsManagementCatalog.xsd\""
             L" xmlns:sdp=\"" NS_SDP L"SoftwareDistributionPackage.xsd\" xmlns:bar=\"" NS_SDP L"BaseApplicabilityRules.xsd\""
             L" xmlns:msiar=\"" NS_SDP L"MsiApplicabilityRules.xsd\""
             L" xmlns:cmd=\"" NS_SDP L"Installers/CommandLineInstallation.xsd\""
             L" xmlns:msi=\"" NS_SDP L"Installers/MsiInstallation.xsd\" xmlns:ow=\"urn:openwua:sdp-extensions:2026\">");
    for (i = 0; i < count; i++) write_package(f, &packages[i]);
    fwprintf(f, L"</smc:SystemsManagementCatalog>");
    fclose(f);
}

static BSTR register_catalog(const struct package *packages, unsigned int count)
{
    WCHAR path[MAX_PATH];

    swprintf(path, MAX_PATH, L"%ls\\catalog-%ls.xml", work, packages[0].id);
    write_catalog(path, packages, count);
    return add_scan_service(L"OpenWUA install tests", path);
}

/* Writes, registers and searches the catalog: the updates in catalog order. */
static IUpdateCollection *search(const struct package *packages, unsigned int count)
{
    BSTR service = register_catalog(packages, count);
    IUpdateCollection *updates = search_service_updates(service, L"IsInstalled=0");
    LONG found = 0;

    SysFreeString(service);
    assert_hr(S_OK, IUpdateCollection_get_Count(updates, &found));
    assert_int_equal(count, found);
    return updates;
}

static IUpdate *item(IUpdateCollection *updates, LONG index)
{
    IUpdate *update = NULL;

    assert_hr(S_OK, IUpdateCollection_get_Item(updates, index, &update));
    return update;
}

static void download(IUpdateCollection *updates)
{
    IUpdateDownloader *downloader = create(&CLSID_UpdateDownloader, &IID_IUpdateDownloader);
    IDownloadResult *result = NULL;
    OperationResultCode code = 0;

    assert_hr(S_OK, IUpdateDownloader_put_Updates(downloader, updates));
    assert_hr(S_OK, IUpdateDownloader_Download(downloader, &result));
    assert_hr(S_OK, IDownloadResult_get_ResultCode(result, &code));
    assert_int_equal(orcSucceeded, code);
    IDownloadResult_Release(result);
    IUpdateDownloader_Release(downloader);
}

/* A collection of some of the updates, by index; -1 ends the list. */
static IUpdateCollection *subset(IUpdateCollection *updates, ...)
{
    IUpdateCollection *coll = create(&CLSID_UpdateCollection, &IID_IUpdateCollection);
    IUpdate *update;
    va_list args;
    LONG index, added;
    int i;

    va_start(args, updates);
    while ((i = va_arg(args, int)) >= 0)
    {
        update = item(updates, i);
        assert_hr(S_OK, IUpdateCollection_Add(coll, update, &added));
        IUpdate_Release(update);
    }
    va_end(args);
    (void)index;
    return coll;
}

static IUpdateInstaller *installer_for(IUpdateCollection *updates)
{
    IUpdateInstaller *installer = create(&CLSID_UpdateInstaller, &IID_IUpdateInstaller);

    if (updates) assert_hr(S_OK, IUpdateInstaller_put_Updates(installer, updates));
    return installer;
}

static IInstallationResult *install(IUpdateCollection *updates, BOOL uninstall)
{
    IUpdateInstaller *installer = installer_for(updates);
    IInstallationResult *result = NULL;

    if (uninstall) assert_hr(S_OK, IUpdateInstaller_Uninstall(installer, &result));
    else assert_hr(S_OK, IUpdateInstaller_Install(installer, &result));
    IUpdateInstaller_Release(installer);
    return result;
}

static void assert_overall(IInstallationResult *result, HRESULT hr, OperationResultCode code, BOOL reboot)
{
    OperationResultCode got_code = 99;
    VARIANT_BOOL got_reboot = 7;
    LONG got_hr = 1;

    assert_hr(S_OK, IInstallationResult_get_HResult(result, &got_hr));
    assert_hr(hr, got_hr);
    assert_hr(S_OK, IInstallationResult_get_ResultCode(result, &got_code));
    assert_int_equal(code, got_code);
    assert_hr(S_OK, IInstallationResult_get_RebootRequired(result, &got_reboot));
    assert_int_equal(reboot ? VARIANT_TRUE : VARIANT_FALSE, got_reboot);
}

static void assert_update(IInstallationResult *result, LONG index, HRESULT hr, OperationResultCode code, BOOL reboot)
{
    IUpdateInstallationResult *update = NULL;
    OperationResultCode got_code = 99;
    VARIANT_BOOL got_reboot = 7;
    LONG got_hr = 1;

    assert_hr(S_OK, IInstallationResult_GetUpdateResult(result, index, &update));
    assert_hr(S_OK, IUpdateInstallationResult_get_HResult(update, &got_hr));
    if (got_hr != hr) fail_msg("update %ld: HResult 0x%08lx, expected 0x%08lx", index, got_hr, (LONG)hr);
    assert_hr(S_OK, IUpdateInstallationResult_get_ResultCode(update, &got_code));
    if (got_code != code) fail_msg("update %ld: ResultCode %d, expected %d", index, got_code, code);
    assert_hr(S_OK, IUpdateInstallationResult_get_RebootRequired(update, &got_reboot));
    assert_int_equal(reboot ? VARIANT_TRUE : VARIANT_FALSE, got_reboot);
    IUpdateInstallationResult_Release(update);
}

static BOOL flag(IUpdate *update, HRESULT (WINAPI *getter)(IUpdate *, VARIANT_BOOL *))
{
    VARIANT_BOOL value = 7;

    assert_hr(S_OK, getter(update, &value));
    return value == VARIANT_TRUE;
}

static BOOL is_installed(IUpdateCollection *updates, LONG index)
{
    IUpdate *update = item(updates, index);
    BOOL installed = flag(update, update->lpVtbl->get_IsInstalled);

    IUpdate_Release(update);
    return installed;
}

static BOOL update_reboot_required(IUpdateCollection *updates, LONG index)
{
    IUpdate *update = item(updates, index);
    IUpdate2 *update2 = NULL;
    VARIANT_BOOL value = 7;

    assert_hr(S_OK, IUpdate_QueryInterface(update, &IID_IUpdate2, (void **)&update2));
    assert_hr(S_OK, IUpdate2_get_RebootRequired(update2, &value));
    IUpdate2_Release(update2);
    IUpdate_Release(update);
    return value == VARIANT_TRUE;
}

static int runs_of(const struct package *p)
{
    FILE *f = _wfopen(p->state, L"r");
    int runs = 0;

    if (!f) return 0;
    if (fscanf(f, "%d", &runs) != 1) runs = -1;
    fclose(f);
    return runs;
}

static BOOL state_reboot_required_key(void)
{
    return reg_key_exists(HKEY_LOCAL_MACHINE, reboot_key);
}

static BOOL exists(const WCHAR *path)
{
    return GetFileAttributesW(path) != INVALID_FILE_ATTRIBUTES;
}

static void write_text_file(const WCHAR *path)
{
    FILE *f = _wfopen(path, L"wb");

    assert_non_null(f);
    fputs("open", f);
    fclose(f);
}

static void state_file(const struct package *p, const WCHAR *suffix, WCHAR *path)
{
    swprintf(path, MAX_PATH, L"%ls%ls", p->state, suffix);
}

static void cache_folder(WCHAR *path)
{
    WCHAR base[MAX_PATH];

    assert_hr(S_OK, SHGetFolderPathW(NULL, CSIDL_COMMON_APPDATA, NULL, SHGFP_TYPE_CURRENT, base));
    swprintf(path, MAX_PATH, L"%ls\\OpenWUA\\Download", base);
}

static void remove_product_a(void)
{
    MsiSetInternalUI(INSTALLUILEVEL_NONE, NULL);
    if (MsiQueryProductStateW(PRODUCT_A) == INSTALLSTATE_DEFAULT)
        MsiConfigureProductExW(PRODUCT_A, INSTALLLEVEL_DEFAULT, INSTALLSTATE_ABSENT, L"REBOOT=ReallySuppress");
}

/* No services, cache, reboot flag or test product from an earlier run. */
static int start_clean(void **state)
{
    SHFILEOPSTRUCTW op = { 0 };
    WCHAR folder[MAX_PATH + 1] = { 0 };

    (void)state;
    reg_delete_tree(L"Software\\OpenWUA");
    reg_delete_tree(reboot_key);
    cache_folder(folder);
    op.wFunc = FO_DELETE;
    op.pFrom = folder;
    op.fFlags = FOF_NO_UI;
    SHFileOperationW(&op);
    remove_product_a();
    return 0;
}


static LONG history_count(void)
{
    IUpdateSearcher *searcher = create(&CLSID_UpdateSearcher, &IID_IUpdateSearcher);
    LONG count = -1;

    assert_hr(S_OK, IUpdateSearcher_GetTotalHistoryCount(searcher, &count));
    IUpdateSearcher_Release(searcher);
    return count;
}

/* History entry index (0 the newest) is this attempt of this package. */
static void assert_history(LONG index, const struct package *p, UpdateOperation operation,
                           OperationResultCode code, HRESULT hr, LONG unmapped, const WCHAR *client)
{
    IUpdateSearcher *searcher = create(&CLSID_UpdateSearcher, &IID_IUpdateSearcher);
    IUpdateHistoryEntryCollection *entries = NULL;
    IUpdateHistoryEntry *entry = NULL;
    IUpdateIdentity *identity = NULL;
    UpdateOperation got_operation = 0;
    OperationResultCode got_code = 0;
    LONG got_hr = 0, got_unmapped = -1;
    BSTR text = NULL;

    assert_hr(S_OK, IUpdateSearcher_QueryHistory(searcher, index, 1, &entries));
    assert_hr(S_OK, IUpdateHistoryEntryCollection_get_Item(entries, 0, &entry));
    assert_hr(S_OK, IUpdateHistoryEntry_get_UpdateIdentity(entry, &identity));
    assert_hr(S_OK, IUpdateIdentity_get_UpdateID(identity, &text));
    assert_int_equal(0, _wcsicmp(p->id, text));
    SysFreeString(text);
    IUpdateIdentity_Release(identity);
    assert_hr(S_OK, IUpdateHistoryEntry_get_Operation(entry, &got_operation));
    assert_int_equal(operation, got_operation);
    assert_hr(S_OK, IUpdateHistoryEntry_get_ResultCode(entry, &got_code));
    assert_int_equal(code, got_code);
    assert_hr(S_OK, IUpdateHistoryEntry_get_HResult(entry, &got_hr));
    assert_hr(hr, got_hr);
    assert_hr(S_OK, IUpdateHistoryEntry_get_UnmappedResultCode(entry, &got_unmapped));
    assert_int_equal(unmapped, got_unmapped);
    assert_hr(S_OK, IUpdateHistoryEntry_get_ClientApplicationID(entry, &text));
    assert_int_equal(0, wcscmp(client, text));
    SysFreeString(text);
    IUpdateHistoryEntry_Release(entry);
    IUpdateHistoryEntryCollection_Release(entries);
    IUpdateSearcher_Release(searcher);
}

/* --- the installer object --- */

static void installer_members_keep_what_they_are_given(void **state)
{
    IUpdateSession *session = create(&CLSID_UpdateSession, &IID_IUpdateSession);
    IUpdateCollection *updates = create(&CLSID_UpdateCollection, &IID_IUpdateCollection), *got = NULL;
    IUpdateInstaller *installer = NULL;
    IUpdateInstaller4 *installer4 = NULL;
    IUnknown *window = (IUnknown *)updates, *got_window = (void *)1;
    VARIANT_BOOL value = 7;
    HWND hwnd = (HWND)1;
    BSTR text = NULL, name = SysAllocString(L"Install tests");

    (void)state;
    assert_hr(E_POINTER, IUpdateSession_CreateUpdateInstaller(session, NULL));
    assert_hr(S_OK, IUpdateSession_CreateUpdateInstaller(session, &installer));
    IUpdateSession_Release(session);
    assert_hr(S_OK, IUpdateInstaller_QueryInterface(installer, &IID_IUpdateInstaller4, (void **)&installer4));

    assert_hr(S_OK, IUpdateInstaller_get_ClientApplicationID(installer, &text));
    assert_true(!wcscmp(text, L"Unknown"));
    SysFreeString(text);
    assert_hr(S_OK, IUpdateInstaller_put_ClientApplicationID(installer, name));
    assert_hr(S_OK, IUpdateInstaller_get_ClientApplicationID(installer, &text));
    assert_true(!wcscmp(text, L"Install tests"));
    SysFreeString(text);
    SysFreeString(name);

    assert_hr(S_OK, IUpdateInstaller_get_IsForced(installer, &value));
    assert_int_equal(VARIANT_FALSE, value);
    assert_hr(E_INVALIDARG, IUpdateInstaller_put_IsForced(installer, 5));
    assert_hr(S_OK, IUpdateInstaller_put_IsForced(installer, VARIANT_TRUE));
    assert_hr(S_OK, IUpdateInstaller_get_IsForced(installer, &value));
    assert_int_equal(VARIANT_TRUE, value);
    assert_hr(S_OK, IUpdateInstaller_get_AllowSourcePrompts(installer, &value));
    assert_int_equal(VARIANT_TRUE, value);
    assert_hr(E_INVALIDARG, IUpdateInstaller_put_AllowSourcePrompts(installer, 2));
    assert_hr(S_OK, IUpdateInstaller_put_AllowSourcePrompts(installer, VARIANT_FALSE));
    assert_hr(S_OK, IUpdateInstaller_get_AllowSourcePrompts(installer, &value));
    assert_int_equal(VARIANT_FALSE, value);
    assert_hr(S_OK, IUpdateInstaller4_get_ForceQuiet(installer4, &value));
    assert_int_equal(VARIANT_FALSE, value);
    assert_hr(E_INVALIDARG, IUpdateInstaller4_put_ForceQuiet(installer4, 3));
    assert_hr(S_OK, IUpdateInstaller4_put_ForceQuiet(installer4, VARIANT_TRUE));
    assert_hr(S_OK, IUpdateInstaller4_get_ForceQuiet(installer4, &value));
    assert_int_equal(VARIANT_TRUE, value);
    assert_hr(S_OK, IUpdateInstaller4_get_AttemptCloseAppsIfNecessary(installer4, &value));
    assert_int_equal(VARIANT_FALSE, value);
    assert_hr(E_INVALIDARG, IUpdateInstaller4_put_AttemptCloseAppsIfNecessary(installer4, 3));
    assert_hr(S_OK, IUpdateInstaller4_put_AttemptCloseAppsIfNecessary(installer4, VARIANT_TRUE));
    assert_hr(S_OK, IUpdateInstaller4_get_AttemptCloseAppsIfNecessary(installer4, &value));
    assert_int_equal(VARIANT_TRUE, value);

    assert_hr(S_OK, IUpdateInstaller_get_ParentHwnd(installer, &hwnd));
    assert_null(hwnd);
    assert_hr(E_INVALIDARG, IUpdateInstaller_put_ParentHwnd(installer, (HWND)0x1234));
    assert_hr(S_OK, IUpdateInstaller_put_ParentHwnd(installer, GetDesktopWindow()));
    assert_hr(S_OK, IUpdateInstaller_get_ParentHwnd(installer, &hwnd));
    assert_ptr_equal(GetDesktopWindow(), hwnd);
    assert_hr(S_OK, IUpdateInstaller_get_ParentWindow(installer, &got_window));
    assert_null(got_window);
    assert_hr(S_OK, IUpdateInstaller_put_ParentWindow(installer, window));
    assert_hr(S_OK, IUpdateInstaller_get_ParentWindow(installer, &got_window));
    assert_ptr_equal(window, got_window);
    IUnknown_Release(got_window);
    assert_hr(S_OK, IUpdateInstaller_put_ParentWindow(installer, NULL));

    /* the very collection that was put */
    assert_hr(S_OK, IUpdateInstaller_get_Updates(installer, &got));
    assert_null(got);
    assert_hr(S_OK, IUpdateInstaller_put_Updates(installer, updates));
    assert_hr(S_OK, IUpdateInstaller_get_Updates(installer, &got));
    assert_ptr_equal(updates, got);
    IUpdateCollection_Release(got);

    assert_hr(S_OK, IUpdateInstaller_get_IsBusy(installer, &value));
    assert_int_equal(VARIANT_FALSE, value);
    assert_hr(S_OK, IUpdateInstaller4_Commit(installer4, 0));
    assert_hr(E_INVALIDARG, IUpdateInstaller4_Commit(installer4, 1));
    assert_hr(E_POINTER, IUpdateInstaller_get_IsBusy(installer, NULL));
    assert_hr(E_POINTER, IUpdateInstaller_get_Updates(installer, NULL));
    IUpdateInstaller4_Release(installer4);
    IUpdateInstaller_Release(installer);
    IUpdateCollection_Release(updates);
}

static void no_updates_is_wu_e_no_update(void **state)
{
    IUpdateCollection *empty = create(&CLSID_UpdateCollection, &IID_IUpdateCollection);
    IInstallationResult *result = (void *)1;
    IInstallationJob *job = (void *)1;
    IUpdateInstaller *installer;
    VARIANT none;
    BSTR title = SysAllocString(L"");
    int pass;

    (void)state;
    V_VT(&none) = VT_EMPTY;
    for (pass = 0; pass < 2; pass++)
    {
        /* unset, then empty */
        installer = installer_for(pass ? empty : NULL);
        assert_hr(WU_E_NO_UPDATE, IUpdateInstaller_Install(installer, &result));
        assert_null(result);
        assert_hr(WU_E_NO_UPDATE, IUpdateInstaller_Uninstall(installer, &result));
        assert_hr(WU_E_NO_UPDATE, IUpdateInstaller_RunWizard(installer, title, &result));
        assert_hr(WU_E_NO_UPDATE, IUpdateInstaller_BeginInstall(installer, NULL, NULL, none, &job));
        assert_null(job);
        assert_hr(WU_E_NO_UPDATE, IUpdateInstaller_BeginUninstall(installer, NULL, NULL, none, &job));
        assert_hr(E_POINTER, IUpdateInstaller_Install(installer, NULL));
        IUpdateInstaller_Release(installer);
    }
    SysFreeString(title);
    IUpdateCollection_Release(empty);
}

/* --- command-line installers --- */

static void command_line_exit_codes_are_mapped(void **state)
{
    struct package p[8];
    IUpdateCollection *updates;
    IInstallationResult *result;
    IUpdateInstaller *installer;
    ISystemInformation *info;
    VARIANT_BOOL value = 7;
    LONGLONG log_start;
    LONG history;
    BSTR client;
    WCHAR path[MAX_PATH], expected[1024];
    char got[1024] = { 0 };
    FILE *f;
    int i;

    (void)state;
    new_package(&p[0], CMD, L"0");
    new_package(&p[1], CMD, L"3010");
    p[1].return_codes = L"<cmd:ReturnCode Code=\"3010\" Result=\"Succeeded\" Reboot=\"true\"/>";
    new_package(&p[2], CMD, L"1641");
    p[2].return_codes = L"<cmd:ReturnCode Code=\"1641\" Result=\"Succeeded\" Reboot=\"true\"/>";
    new_package(&p[3], CMD, L"1618,0");
    new_package(&p[4], CMD, L"5");
    p[4].return_codes = L"<cmd:ReturnCode Code=\"5\" Result=\"Failed\"/><cmd:ReturnCode Code=\"0\" Result=\"Succeeded\"/>";
    p[4].never_installed = TRUE;
    new_package(&p[5], CMD, L"77");
    p[5].default_result = NULL;         /* Failed when not given */
    p[5].never_installed = TRUE;
    new_package(&p[6], CMD, L"78");
    p[6].reboot_by_default = TRUE;
    new_package(&p[7], CMD, L"1618");
    p[7].never_installed = TRUE;
    updates = search(p, ARRAYSIZE(p));
    download(updates);
    assert_false(state_reboot_required_key());

    installer = installer_for(updates);
    client = SysAllocString(L"test_install");
    assert_hr(S_OK, IUpdateInstaller_put_ClientApplicationID(installer, client));
    SysFreeString(client);
    assert_hr(S_OK, IUpdateInstaller_get_RebootRequiredBeforeInstallation(installer, &value));
    assert_int_equal(VARIANT_FALSE, value);
    history = history_count();
    log_start = log_end();
    assert_hr(S_OK, IUpdateInstaller_Install(installer, &result));
    assert_overall(result, S_OK, orcSucceededWithErrors, TRUE);
    assert_update(result, 0, S_OK, orcSucceeded, FALSE);
    assert_update(result, 1, S_OK, orcSucceeded, TRUE);
    assert_update(result, 2, S_OK, orcSucceeded, TRUE);
    assert_update(result, 3, S_OK, orcSucceeded, FALSE);
    assert_update(result, 4, WU_E_UH_INSTALLERFAILURE, orcFailed, FALSE);
    assert_update(result, 5, WU_E_UH_INSTALLERFAILURE, orcFailed, FALSE);
    assert_update(result, 6, S_OK, orcSucceeded, TRUE);
    assert_update(result, 7, HRESULT_FROM_WIN32(ERROR_INSTALL_ALREADY_RUNNING), orcFailed, FALSE);
    IInstallationResult_Release(result);

    /* one history entry per attempt, newest first, with the installer's own exit code */
    assert_int_equal(history + 8, history_count());
    assert_history(0, &p[7], uoInstallation, orcFailed, HRESULT_FROM_WIN32(ERROR_INSTALL_ALREADY_RUNNING), 1618,
                   L"test_install");
    assert_history(2, &p[5], uoInstallation, orcFailed, WU_E_UH_INSTALLERFAILURE, 77, L"test_install");
    assert_history(6, &p[1], uoInstallation, orcSucceeded, S_OK, 3010, L"test_install");
    assert_history(7, &p[0], uoInstallation, orcSucceeded, S_OK, 0, L"test_install");

    /* each attempt is a line of the operations log, failures included */
    swprintf(expected, ARRAYSIZE(expected), L"Install %ls: 0x00000000, result code 2, exit code 3010, restart required",
             p[1].id);
    assert_true(log_has(log_start, expected));
    swprintf(expected, ARRAYSIZE(expected), L"Install %ls: 0x%08lx, result code 4, exit code 77", p[5].id,
             (unsigned long)WU_E_UH_INSTALLERFAILURE);
    assert_true(log_has(log_start, expected));

    /* 1618 is tried again: once more until it worked, four times in all when it never does */
    assert_int_equal(1, runs_of(&p[0]));
    assert_int_equal(2, runs_of(&p[3]));
    assert_int_equal(4, runs_of(&p[7]));
    /* the arguments exactly as the catalog has them */
    state_file(&p[0], L".args", path);
    f = _wfopen(path, L"rb");
    assert_non_null(f);
    assert_non_null(fgets(got, sizeof(got), f));
    fclose(f);
    arguments(&p[0], expected, ARRAYSIZE(expected));
    {
        char narrow[1024];

        WideCharToMultiByte(CP_ACP, 0, expected, -1, narrow, sizeof(narrow), NULL, NULL);
        assert_string_equal(narrow, got);
    }
    /* IsInstalled from the packages' rules, right after */
    for (i = 0; i < 8; i++) assert_int_equal(!p[i].never_installed, is_installed(updates, i));
    assert_false(update_reboot_required(updates, 0));
    assert_true(update_reboot_required(updates, 1));

    /* the machine waits for a restart, where real clients look */
    assert_true(state_reboot_required_key());
    assert_hr(S_OK, IUpdateInstaller_get_RebootRequiredBeforeInstallation(installer, &value));
    assert_int_equal(VARIANT_TRUE, value);
    info = create(&CLSID_SystemInformation, &IID_ISystemInformation);
    assert_hr(S_OK, ISystemInformation_get_RebootRequired(info, &value));
    assert_int_equal(VARIANT_TRUE, value);
    ISystemInformation_Release(info);
    IUpdateInstaller_Release(installer);
    IUpdateCollection_Release(updates);
    reg_delete_tree(reboot_key);
}

/* Only what is downloaded and accepted runs; the others fail on their own. */
static void missing_content_and_eula_fail_their_own_result(void **state)
{
    struct package p[4];
    IUpdateCollection *updates, *some;
    IInstallationResult *result;
    WCHAR cached[MAX_PATH];
    IUpdate *update;
    FILE *f;

    (void)state;
    new_package(&p[0], CMD, L"0");
    new_package(&p[1], CMD, L"0");       /* never downloaded */
    new_package(&p[2], CMD, L"0");
    p[2].eula = TRUE;
    new_package(&p[3], CMD, L"0");       /* its cached copy is tampered with */
    updates = search(p, ARRAYSIZE(p));
    some = subset(updates, 0, 2, 3, -1);
    download(some);
    IUpdateCollection_Release(some);
    cache_folder(cached);
    swprintf(cached + wcslen(cached), MAX_PATH - wcslen(cached), L"\\%ls\\exitcode.exe", p[3].id);
    f = _wfopen(cached, L"ab");
    assert_non_null(f);
    fputs("tampered", f);
    fclose(f);

    result = install(updates, FALSE);
    assert_overall(result, S_OK, orcSucceededWithErrors, FALSE);
    assert_update(result, 0, S_OK, orcSucceeded, FALSE);
    assert_update(result, 1, WU_E_DM_NOTDOWNLOADED, orcFailed, FALSE);
    assert_update(result, 2, WU_E_EULAS_DECLINED, orcFailed, FALSE);
    assert_update(result, 3, WU_E_DM_INCORRECTFILEHASH, orcFailed, FALSE);
    IInstallationResult_Release(result);
    assert_int_equal(1, runs_of(&p[0]));
    assert_int_equal(0, runs_of(&p[1]));
    assert_int_equal(0, runs_of(&p[2]));
    assert_int_equal(0, runs_of(&p[3]));      /* never ran */
    assert_false(is_installed(updates, 2));

    /* accepted, it installs; an installed update is not run again unless forced */
    update = item(updates, 2);
    assert_hr(S_OK, IUpdate_AcceptEula(update));
    IUpdate_Release(update);
    some = subset(updates, 0, 2, -1);
    result = install(some, FALSE);
    assert_overall(result, S_OK, orcSucceeded, FALSE);
    assert_update(result, 0, WU_S_ALREADY_INSTALLED, orcSucceeded, FALSE);
    assert_update(result, 1, S_OK, orcSucceeded, FALSE);
    IInstallationResult_Release(result);
    assert_int_equal(1, runs_of(&p[0]));
    assert_int_equal(1, runs_of(&p[2]));
    assert_true(is_installed(updates, 2));
    IUpdateCollection_Release(some);

    /* all failed: the call's HResult is the first update's */
    some = subset(updates, 1, -1);
    result = install(some, FALSE);
    assert_overall(result, WU_E_DM_NOTDOWNLOADED, orcFailed, FALSE);
    IInstallationResult_Release(result);
    IUpdateCollection_Release(some);
    IUpdateCollection_Release(updates);
}

/* ForceQuiet refuses an update whose installer may ask for input; the others install. */
static void force_quiet_refuses_updates_that_ask(void **state)
{
    struct package p[2];
    IUpdateCollection *updates;
    IUpdateInstaller *installer;
    IUpdateInstaller2 *installer2 = NULL;
    IInstallationResult *result = NULL;

    (void)state;
    new_package(&p[0], CMD, L"0");
    p[0].asks = TRUE;
    new_package(&p[1], CMD, L"0");
    updates = search(p, 2);
    download(updates);
    installer = installer_for(updates);
    assert_hr(S_OK, IUpdateInstaller_QueryInterface(installer, &IID_IUpdateInstaller2, (void **)&installer2));
    assert_hr(S_OK, IUpdateInstaller2_put_ForceQuiet(installer2, VARIANT_TRUE));
    assert_hr(S_OK, IUpdateInstaller_Install(installer, &result));
    assert_overall(result, S_OK, orcSucceededWithErrors, FALSE);
    assert_update(result, 0, WU_E_UH_DOESNOTSUPPORTACTION, orcFailed, FALSE);
    assert_update(result, 1, S_OK, orcSucceeded, FALSE);
    IInstallationResult_Release(result);
    assert_int_equal(0, runs_of(&p[0]));
    assert_int_equal(1, runs_of(&p[1]));
    assert_false(is_installed(updates, 0));

    /* without it the installer runs, without UI as always */
    assert_hr(S_OK, IUpdateInstaller2_put_ForceQuiet(installer2, VARIANT_FALSE));
    assert_hr(S_OK, IUpdateInstaller_Install(installer, &result));
    assert_update(result, 0, S_OK, orcSucceeded, FALSE);
    IInstallationResult_Release(result);
    assert_int_equal(1, runs_of(&p[0]));
    IUpdateInstaller2_Release(installer2);
    IUpdateInstaller_Release(installer);
    IUpdateCollection_Release(updates);
}

/* Only Windows Installer products can be removed: the call is refused, nothing runs. */
static void command_line_updates_cannot_be_uninstalled(void **state)
{
    struct package p;
    IUpdateCollection *updates;
    IInstallationResult *result = (void *)1;
    IUpdateInstaller *installer;
    IInstallationJob *job = (void *)1;
    VARIANT none;

    (void)state;
    new_package(&p, CMD, L"0");
    updates = search(&p, 1);
    download(updates);
    installer = installer_for(updates);
    V_VT(&none) = VT_EMPTY;
    assert_hr(WU_E_UNINSTALL_NOT_ALLOWED, IUpdateInstaller_Uninstall(installer, &result));
    assert_null(result);
    assert_hr(WU_E_UNINSTALL_NOT_ALLOWED, IUpdateInstaller_BeginUninstall(installer, NULL, NULL, none, &job));
    assert_null(job);
    assert_int_equal(0, runs_of(&p));
    IUpdateInstaller_Release(installer);
    IUpdateCollection_Release(updates);
}

/* The child: does a fresh search see this update waiting for a restart (expected "1") or not ("0")? */
static int check_reboot(const char *service, const char *id, const char *expected)
{
    WCHAR service_w[64], criteria[128];
    IUpdateCollection *updates;
    LONG count = -1;
    BOOL reboot;
    int code;

    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    MultiByteToWideChar(CP_ACP, 0, service, -1, service_w, ARRAYSIZE(service_w));
    swprintf(criteria, ARRAYSIZE(criteria), L"RebootRequired=%hs and UpdateID='%hs'", expected, id);
    updates = search_service_updates(service_w, criteria);
    IUpdateCollection_get_Count(updates, &count);
    reboot = count == 1 && update_reboot_required(updates, 0);
    code = count == 1 && reboot == (*expected == '1') ? 0 : 1;
    IUpdateCollection_Release(updates);
    CoUninitialize();
    return code;
}

static DWORD run_check_reboot(const WCHAR *service, const struct package *p, int expected)
{
    WCHAR args[256];

    swprintf(args, ARRAYSIZE(args), L"--check-reboot %ls %ls %d", service, p->id, expected);
    return run_self(args);
}

/* IUpdate2.RebootRequired lasts across processes until the machine's key goes. */
static void update_reboot_flag_lasts_until_restart(void **state)
{
    struct package p[2];
    IUpdateCollection *updates;
    IInstallationResult *result;
    BSTR service;

    (void)state;
    reg_delete_tree(reboot_key);
    new_package(&p[0], CMD, L"3010");
    p[0].return_codes = L"<cmd:ReturnCode Code=\"3010\" Result=\"Succeeded\" Reboot=\"true\"/>";
    new_package(&p[1], CMD, L"0");
    service = register_catalog(p, 2);
    updates = search_service_updates(service, L"IsInstalled=0");
    download(updates);
    result = install(updates, FALSE);
    assert_update(result, 0, S_OK, orcSucceeded, TRUE);
    assert_update(result, 1, S_OK, orcSucceeded, FALSE);
    IInstallationResult_Release(result);
    assert_true(update_reboot_required(updates, 0));
    assert_false(update_reboot_required(updates, 1));
    assert_int_equal(0, run_check_reboot(service, &p[0], 1));
    assert_int_equal(0, run_check_reboot(service, &p[1], 0));

    /* a restart takes the machine's key away, and every update's flag with it */
    reg_delete_tree(reboot_key);
    assert_false(update_reboot_required(updates, 0));
    assert_int_equal(0, run_check_reboot(service, &p[0], 0));
    /* another update's restart later does not bring the old flag back */
    reg_set_dword(reboot_key, L"{0e0e0e0e-0000-4000-8000-000000000001}", 1);
    assert_false(update_reboot_required(updates, 0));
    assert_int_equal(0, run_check_reboot(service, &p[0], 0));
    reg_delete_tree(reboot_key);
    SysFreeString(service);
    IUpdateCollection_Release(updates);
}

/* --- Windows Installer --- */

/* The child: is the update with this ID installed, as a fresh search sees it? */
static int check_installed(const char *service, const char *id, const char *expected)
{
    WCHAR service_w[64], criteria[128];
    IUpdateCollection *updates;
    LONG count = -1;
    int code;

    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    MultiByteToWideChar(CP_ACP, 0, service, -1, service_w, ARRAYSIZE(service_w));
    swprintf(criteria, ARRAYSIZE(criteria), L"IsInstalled=%hs and UpdateID='%hs'", expected, id);
    updates = search_service_updates(service_w, criteria);
    IUpdateCollection_get_Count(updates, &count);
    IUpdateCollection_Release(updates);
    code = count == 1 ? 0 : 1;
    CoUninitialize();
    return code;
}

static void msi_installs_and_uninstalls(void **state)
{
    struct package p;
    IUpdateCollection *updates;
    IInstallationResult *result;
    WCHAR args[256];
    BSTR service;

    (void)state;
    new_package(&p, MSI, NULL);
    service = register_catalog(&p, 1);
    updates = search_service_updates(service, L"IsInstalled=0");
    download(updates);
    assert_int_equal(INSTALLSTATE_UNKNOWN, MsiQueryProductStateW(PRODUCT_A));

    result = install(updates, FALSE);
    assert_overall(result, S_OK, orcSucceeded, FALSE);
    assert_update(result, 0, S_OK, orcSucceeded, FALSE);
    IInstallationResult_Release(result);
    assert_int_equal(INSTALLSTATE_DEFAULT, MsiQueryProductStateW(PRODUCT_A));
    assert_true(is_installed(updates, 0));
    /* and so it is for a new process */
    swprintf(args, ARRAYSIZE(args), L"--check-installed %ls %ls 1", service, p.id);
    assert_int_equal(0, run_self(args));

    result = install(updates, TRUE);
    assert_overall(result, S_OK, orcSucceeded, FALSE);
    IInstallationResult_Release(result);
    assert_history(0, &p, uoUninstallation, orcSucceeded, S_OK, 0, L"Unknown");
    assert_history(1, &p, uoInstallation, orcSucceeded, S_OK, 0, L"Unknown");
    assert_int_equal(INSTALLSTATE_UNKNOWN, MsiQueryProductStateW(PRODUCT_A));
    assert_false(is_installed(updates, 0));
    swprintf(args, ARRAYSIZE(args), L"--check-installed %ls %ls 0", service, p.id);
    assert_int_equal(0, run_self(args));

    /* nothing to remove any more: said so, nothing run */
    result = install(updates, TRUE);
    assert_update(result, 0, WU_S_ALREADY_UNINSTALLED, orcSucceeded, FALSE);
    IInstallationResult_Release(result);
    SysFreeString(service);
    IUpdateCollection_Release(updates);
}

/* --- jobs --- */

struct recorder
{
    IInstallationProgressChangedCallback progress_iface;
    IInstallationCompletedCallback completed_iface;
    LONG refs;
    LONG completed_calls;
    LONG reports;
    LONG last_percent;
};

static HRESULT recorder_qi(struct recorder *r, REFIID riid, void **obj)
{
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IInstallationProgressChangedCallback))
        *obj = &r->progress_iface;
    else if (IsEqualIID(riid, &IID_IInstallationCompletedCallback)) *obj = &r->completed_iface;
    else
    {
        *obj = NULL;
        return E_NOINTERFACE;
    }
    InterlockedIncrement(&r->refs);
    return S_OK;
}

static HRESULT WINAPI progress_qi(IInstallationProgressChangedCallback *iface, REFIID riid, void **obj)
{
    return recorder_qi(CONTAINING_RECORD(iface, struct recorder, progress_iface), riid, obj);
}

static ULONG WINAPI progress_addref(IInstallationProgressChangedCallback *iface)
{
    return InterlockedIncrement(&CONTAINING_RECORD(iface, struct recorder, progress_iface)->refs);
}

static ULONG WINAPI progress_release(IInstallationProgressChangedCallback *iface)
{
    return InterlockedDecrement(&CONTAINING_RECORD(iface, struct recorder, progress_iface)->refs);
}

static HRESULT WINAPI progress_invoke(IInstallationProgressChangedCallback *iface, IInstallationJob *job,
                                      IInstallationProgressChangedCallbackArgs *args)
{
    struct recorder *r = CONTAINING_RECORD(iface, struct recorder, progress_iface);
    IInstallationProgress *progress = NULL;
    LONG percent = -1;

    if (!job || FAILED(IInstallationProgressChangedCallbackArgs_get_Progress(args, &progress))) return E_FAIL;
    IInstallationProgress_get_PercentComplete(progress, &percent);
    IInstallationProgress_Release(progress);
    r->last_percent = percent;
    InterlockedIncrement(&r->reports);
    return S_OK;
}

static const IInstallationProgressChangedCallbackVtbl progress_vtbl =
{
    progress_qi, progress_addref, progress_release, progress_invoke,
};

static HRESULT WINAPI completed_qi(IInstallationCompletedCallback *iface, REFIID riid, void **obj)
{
    return recorder_qi(CONTAINING_RECORD(iface, struct recorder, completed_iface), riid, obj);
}

static ULONG WINAPI completed_addref(IInstallationCompletedCallback *iface)
{
    return InterlockedIncrement(&CONTAINING_RECORD(iface, struct recorder, completed_iface)->refs);
}

static ULONG WINAPI completed_release(IInstallationCompletedCallback *iface)
{
    return InterlockedDecrement(&CONTAINING_RECORD(iface, struct recorder, completed_iface)->refs);
}

static HRESULT WINAPI completed_invoke(IInstallationCompletedCallback *iface, IInstallationJob *job,
                                       IInstallationCompletedCallbackArgs *args)
{
    struct recorder *r = CONTAINING_RECORD(iface, struct recorder, completed_iface);

    if (!job || !args) return E_FAIL;
    InterlockedIncrement(&r->completed_calls);
    return S_OK;
}

static const IInstallationCompletedCallbackVtbl completed_vtbl =
{
    completed_qi, completed_addref, completed_release, completed_invoke,
};

static void recorder_init(struct recorder *r)
{
    memset(r, 0, sizeof(*r));
    r->progress_iface.lpVtbl = &progress_vtbl;
    r->completed_iface.lpVtbl = &completed_vtbl;
    r->refs = 1;
}

static void begin_install_reports_and_ends(void **state)
{
    struct package p[2];
    struct recorder r;
    IUpdateCollection *updates, *job_updates = NULL;
    IUpdateInstaller *installer, *other;
    IInstallationResult *result = NULL;
    IInstallationProgress *progress = NULL;
    IUpdateInstallationResult *update_result = NULL;
    IInstallationJob *job = NULL;
    OperationResultCode code = 0;
    VARIANT state_in, state_out;
    VARIANT_BOOL done = VARIANT_FALSE;
    LONG count = 0, percent = -1, index = -1;

    (void)state;
    new_package(&p[0], CMD, L"0");
    new_package(&p[1], CMD, L"3010");
    p[1].return_codes = L"<cmd:ReturnCode Code=\"3010\" Result=\"Succeeded\" Reboot=\"true\"/>";
    updates = search(p, 2);
    download(updates);
    installer = installer_for(updates);
    recorder_init(&r);
    V_VT(&state_in) = VT_I4;
    V_I4(&state_in) = 42;
    assert_hr(S_OK, IUpdateInstaller_BeginInstall(installer, (IUnknown *)&r.progress_iface,
                                                  (IUnknown *)&r.completed_iface, state_in, &job));
    assert_hr(S_OK, IUpdateInstaller_EndInstall(installer, job, &result));
    assert_overall(result, S_OK, orcSucceeded, TRUE);
    assert_update(result, 1, S_OK, orcSucceeded, TRUE);
    IInstallationResult_Release(result);
    assert_hr(S_OK, IInstallationJob_CleanUp(job));
    assert_int_equal(1, r.completed_calls);
    assert_true(r.reports >= 2);
    assert_int_equal(100, r.last_percent);
    assert_int_equal(1, r.refs);        /* every callback reference given back */

    assert_hr(S_OK, IInstallationJob_get_IsCompleted(job, &done));
    assert_int_equal(VARIANT_TRUE, done);
    assert_hr(S_OK, IInstallationJob_get_AsyncState(job, &state_out));
    assert_int_equal(VT_I4, V_VT(&state_out));
    assert_int_equal(42, V_I4(&state_out));
    assert_hr(S_OK, IInstallationJob_get_Updates(job, &job_updates));
    assert_hr(S_OK, IUpdateCollection_get_Count(job_updates, &count));
    assert_int_equal(2, count);
    IUpdateCollection_Release(job_updates);
    assert_hr(S_OK, IInstallationJob_GetProgress(job, &progress));
    assert_hr(S_OK, IInstallationProgress_get_PercentComplete(progress, &percent));
    assert_int_equal(100, percent);
    assert_hr(S_OK, IInstallationProgress_get_CurrentUpdateIndex(progress, &index));
    assert_int_equal(1, index);
    assert_hr(S_OK, IInstallationProgress_get_CurrentUpdatePercentComplete(progress, &percent));
    assert_int_equal(100, percent);
    assert_hr(S_OK, IInstallationProgress_GetUpdateResult(progress, 0, &update_result));
    assert_hr(S_OK, IUpdateInstallationResult_get_ResultCode(update_result, &code));
    assert_int_equal(orcSucceeded, code);
    IUpdateInstallationResult_Release(update_result);
    assert_hr(WU_E_INVALIDINDEX, IInstallationProgress_GetUpdateResult(progress, 2, &update_result));
    IInstallationProgress_Release(progress);

    /* End once, on the installer and the Begin that made it */
    assert_hr(WU_E_INVALID_OPERATION, IUpdateInstaller_EndInstall(installer, job, &result));
    assert_hr(E_INVALIDARG, IUpdateInstaller_EndUninstall(installer, job, &result));
    other = installer_for(NULL);
    assert_hr(E_INVALIDARG, IUpdateInstaller_EndInstall(other, job, &result));
    assert_hr(E_POINTER, IUpdateInstaller_EndInstall(other, NULL, &result));
    IUpdateInstaller_Release(other);
    IInstallationJob_Release(job);
    IUpdateInstaller_Release(installer);
    IUpdateCollection_Release(updates);
    reg_delete_tree(reboot_key);
}

static void wait_for_file(const WCHAR *path)
{
    int i;

    for (i = 0; i < 600 && !exists(path); i++) Sleep(100);
    assert_true(exists(path));
}

/* The child: another process sees the machine busy and is refused. */
static int check_busy(const char *service)
{
    WCHAR service_w[64];
    IUpdateCollection *updates;
    IUpdateInstaller *installer;
    IInstallationResult *result = NULL;
    VARIANT_BOOL busy = VARIANT_FALSE;
    HRESULT hr;

    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    MultiByteToWideChar(CP_ACP, 0, service, -1, service_w, ARRAYSIZE(service_w));
    updates = search_service_updates(service_w, L"IsInstalled=0");
    installer = create(&CLSID_UpdateInstaller, &IID_IUpdateInstaller);
    IUpdateInstaller_put_Updates(installer, updates);
    IUpdateInstaller_get_IsBusy(installer, &busy);
    hr = IUpdateInstaller_Install(installer, &result);
    if (result) IInstallationResult_Release(result);
    IUpdateInstaller_Release(installer);
    IUpdateCollection_Release(updates);
    CoUninitialize();
    return busy == VARIANT_TRUE && hr == WU_E_INSTALL_NOT_ALLOWED ? 0 : 1;
}

static void busy_everywhere_and_abort_between_updates(void **state)
{
    struct package p[2];
    IUpdateCollection *updates;
    IUpdateInstaller *installer, *second;
    IInstallationResult *result = NULL;
    IInstallationJob *job = NULL, *job2 = (void *)1;
    VARIANT_BOOL busy = VARIANT_FALSE;
    WCHAR started[MAX_PATH], gate[MAX_PATH], args[128];
    VARIANT none;
    BSTR service;

    (void)state;
    new_package(&p[0], CMD, L"0");
    p[0].gate = TRUE;
    new_package(&p[1], CMD, L"0");
    service = register_catalog(p, 2);
    updates = search_service_updates(service, L"IsInstalled=0");
    download(updates);
    installer = installer_for(updates);
    second = installer_for(updates);
    V_VT(&none) = VT_EMPTY;
    assert_hr(S_OK, IUpdateInstaller_BeginInstall(installer, NULL, NULL, none, &job));
    state_file(&p[0], L".started", started);
    state_file(&p[0], L".gate", gate);
    wait_for_file(started);

    assert_hr(S_OK, IUpdateInstaller_get_IsBusy(second, &busy));
    assert_int_equal(VARIANT_TRUE, busy);
    assert_hr(WU_E_INSTALL_NOT_ALLOWED, IUpdateInstaller_Install(second, &result));
    assert_null(result);
    assert_hr(WU_E_INSTALL_NOT_ALLOWED, IUpdateInstaller_BeginInstall(second, NULL, NULL, none, &job2));
    assert_null(job2);
    swprintf(args, ARRAYSIZE(args), L"--check-busy %ls", service);
    assert_int_equal(0, run_self(args));

    /* the running installer finishes; the next update never starts */
    assert_hr(S_OK, IInstallationJob_RequestAbort(job));
    write_text_file(gate);
    assert_hr(S_OK, IUpdateInstaller_EndInstall(installer, job, &result));
    assert_overall(result, S_OK, orcAborted, FALSE);
    assert_update(result, 0, S_OK, orcSucceeded, FALSE);
    assert_update(result, 1, E_ABORT, orcAborted, FALSE);
    IInstallationResult_Release(result);
    assert_int_equal(1, runs_of(&p[0]));
    assert_int_equal(0, runs_of(&p[1]));
    IInstallationJob_Release(job);

    assert_hr(S_OK, IUpdateInstaller_get_IsBusy(second, &busy));
    assert_int_equal(VARIANT_FALSE, busy);
    IUpdateInstaller_Release(second);
    IUpdateInstaller_Release(installer);
    SysFreeString(service);
    IUpdateCollection_Release(updates);
}

/* --- crash safety: a child installing and removing in a loop is killed at many points --- */

#define KILL_POINTS 100

static const WCHAR ready_name[] = L"OpenWUA.InstallTest.Ready";
static const WCHAR cycle_name[] = L"OpenWUA.InstallTest.Cycle";
static const WCHAR wrong_name[] = L"OpenWUA.InstallTest.Wrong";
static const WCHAR removing_name[] = L"OpenWUA.InstallTest.Removing";

/* --seed N or OPENWUA_KILL_SEED picks the kill points again; 0 is a new seed */
static unsigned int kill_seed;

/* The result's code; anything but success is told on stderr. */
static OperationResultCode run_code(IUpdateInstaller *installer, BOOL uninstall)
{
    IInstallationResult *result = NULL;
    OperationResultCode code = orcNotStarted;
    LONG update_hr = 0;
    HRESULT hr;

    hr = uninstall ? IUpdateInstaller_Uninstall(installer, &result) : IUpdateInstaller_Install(installer, &result);
    if (SUCCEEDED(hr))
    {
        IInstallationResult_get_ResultCode(result, &code);
        IInstallationResult_get_HResult(result, &update_hr);
        IInstallationResult_Release(result);
    }
    if (code != orcSucceeded)
        fprintf(stderr, "%s: 0x%08lx, code %d, HResult 0x%08lx\n", uninstall ? "uninstall" : "install",
                (unsigned long)hr, code, (unsigned long)update_hr);
    return code;
}

static IUpdateInstaller *forced_installer(IUpdateCollection *updates)
{
    IUpdateInstaller *installer = installer_for(updates);
    BSTR client = SysAllocString(L"crash test");

    assert_hr(S_OK, IUpdateInstaller_put_IsForced(installer, VARIANT_TRUE));
    assert_hr(S_OK, IUpdateInstaller_put_ClientApplicationID(installer, client));
    SysFreeString(client);
    return installer;
}

/* The child: over and over until killed, takes away what the command-line
 * update made (so each round changes what its rule sees) and installs it, then
 * installs the MSI and removes it.  Signals "ready" once it has its updates,
 * "cycle" after each round, "wrong" when any (un)installation did not succeed:
 * each round is a new installation after the last kill.  "Removing" is set
 * while it uninstalls, so the parent can tell where a kill landed. */
static int install_loop(const char *service, const char *state)
{
    HANDLE ready = OpenEventW(EVENT_MODIFY_STATE, FALSE, ready_name);
    HANDLE cycle = OpenEventW(EVENT_MODIFY_STATE, FALSE, cycle_name);
    HANDLE wrong = OpenEventW(EVENT_MODIFY_STATE, FALSE, wrong_name);
    HANDLE removing = OpenEventW(EVENT_MODIFY_STATE, FALSE, removing_name);
    IUpdateCollection *updates, *cmd, *msi;
    IUpdateInstaller *cmd_installer, *msi_installer;
    WCHAR service_w[64], state_w[MAX_PATH];

    if (!ready || !cycle || !wrong || !removing) return 2;
    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    MultiByteToWideChar(CP_ACP, 0, service, -1, service_w, ARRAYSIZE(service_w));
    MultiByteToWideChar(CP_ACP, 0, state, -1, state_w, ARRAYSIZE(state_w));
    updates = search_service_updates(service_w, L"IsInstalled=0 or IsInstalled=1");
    cmd = subset(updates, 0, -1);
    msi = subset(updates, 1, -1);
    cmd_installer = forced_installer(cmd);
    msi_installer = forced_installer(msi);
    SetEvent(ready);
    for (;;)
    {
        DeleteFileW(state_w);
        if (run_code(cmd_installer, FALSE) != orcSucceeded) SetEvent(wrong);
        if (run_code(msi_installer, FALSE) != orcSucceeded) SetEvent(wrong);
        SetEvent(removing);
        if (run_code(msi_installer, TRUE) != orcSucceeded) SetEvent(wrong);
        ResetEvent(removing);
        SetEvent(cycle);
    }
}

/* What identifies a history entry. */
struct history_key
{
    WCHAR id[40];
    UpdateOperation operation;
    OperationResultCode code;
    LONG hr;
    DATE date;
};

/* Every entry, newest first. */
static struct history_key *history_keys(LONG *count)
{
    IUpdateSearcher *searcher = create(&CLSID_UpdateSearcher, &IID_IUpdateSearcher);
    IUpdateHistoryEntryCollection *entries = NULL;
    IUpdateHistoryEntry *entry;
    IUpdateIdentity *identity;
    struct history_key *keys;
    LONG total = -1, got = -1, i;
    BSTR id;

    assert_hr(S_OK, IUpdateSearcher_GetTotalHistoryCount(searcher, &total));
    assert_non_null(keys = calloc(total + 1, sizeof(*keys)));
    if (total)
    {
        assert_hr(S_OK, IUpdateSearcher_QueryHistory(searcher, 0, total, &entries));
        assert_hr(S_OK, IUpdateHistoryEntryCollection_get_Count(entries, &got));
        assert_int_equal(total, got);
    }
    for (i = 0; i < total; i++)
    {
        assert_hr(S_OK, IUpdateHistoryEntryCollection_get_Item(entries, i, &entry));
        assert_hr(S_OK, IUpdateHistoryEntry_get_UpdateIdentity(entry, &identity));
        assert_hr(S_OK, IUpdateIdentity_get_UpdateID(identity, &id));
        wcsncpy(keys[i].id, id, ARRAYSIZE(keys[i].id) - 1);
        SysFreeString(id);
        IUpdateIdentity_Release(identity);
        assert_hr(S_OK, IUpdateHistoryEntry_get_Operation(entry, &keys[i].operation));
        assert_hr(S_OK, IUpdateHistoryEntry_get_ResultCode(entry, &keys[i].code));
        assert_hr(S_OK, IUpdateHistoryEntry_get_HResult(entry, &keys[i].hr));
        assert_hr(S_OK, IUpdateHistoryEntry_get_Date(entry, &keys[i].date));
        IUpdateHistoryEntry_Release(entry);
    }
    if (entries) IUpdateHistoryEntryCollection_Release(entries);
    IUpdateSearcher_Release(searcher);
    *count = total;
    return keys;
}

/* Committed entry files and leftover temporary ones in the history folder. */
static LONG history_files(const WCHAR *pattern)
{
    WIN32_FIND_DATAW data;
    WCHAR base[MAX_PATH], path[MAX_PATH];
    HANDLE find;
    LONG count = 0;

    assert_hr(S_OK, SHGetFolderPathW(NULL, CSIDL_COMMON_APPDATA, NULL, SHGFP_TYPE_CURRENT, base));
    swprintf(path, MAX_PATH, L"%ls\\OpenWUA\\History\\%ls", base, pattern);
    if ((find = FindFirstFileW(path, &data)) == INVALID_HANDLE_VALUE) return 0;
    do if (!(data.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)) count++;
    while (FindNextFileW(find, &data));
    FindClose(find);
    return count;
}

/* A payload the killed child started runs on: wait until it is gone. */
static void wait_for_payloads(void)
{
    HANDLE running = CreateMutexW(NULL, FALSE, L"OpenWUA.Test.Payload");
    DWORD wait;

    assert_non_null(running);
    wait = WaitForSingleObject(running, 60000);
    assert_true(wait == WAIT_OBJECT_0 || wait == WAIT_ABANDONED);
    ReleaseMutex(running);
    CloseHandle(running);
}

/* After a kill: every entry file is a whole entry, the history only grew and
 * kept what it had, nobody is installing, and a fresh search agrees with what
 * is on the machine.  *keys is replaced by the history now. */
static void check_after_kill(const struct package *p, const WCHAR *service, struct history_key **keys, LONG *count,
                             BOOL *msi_installed)
{
    IUpdateInstaller *installer = installer_for(NULL);
    IUpdateCollection *updates;
    struct history_key *after;
    VARIANT_BOOL busy = VARIANT_TRUE;
    LONG after_count, i;

    after = history_keys(&after_count);
    /* a reader skips a torn file: so each file counted is a whole entry */
    assert_int_equal(after_count, history_files(L"*.wuh"));
    assert_true(after_count >= *count);
    for (i = 0; i < *count; i++)
        if (memcmp(&after[after_count - *count + i], &(*keys)[i], sizeof(*after)))
            fail_msg("entry %ld of %ld lost or changed", i, *count);
    free(*keys);
    *keys = after;
    *count = after_count;

    /* the dead child's lock is abandoned, which frees it */
    assert_hr(S_OK, IUpdateInstaller_get_IsBusy(installer, &busy));
    assert_int_equal(VARIANT_FALSE, busy);
    IUpdateInstaller_Release(installer);

    updates = search_service_updates(service, L"IsInstalled=0 or IsInstalled=1");
    assert_int_equal(exists(p[0].state), is_installed(updates, 0));
    *msi_installed = MsiQueryProductStateW(PRODUCT_A) == INSTALLSTATE_DEFAULT;
    assert_int_equal(*msi_installed, is_installed(updates, 1));
    IUpdateCollection_Release(updates);
}

/* The child runs in job, so that what it started can be found after it is killed. */
static HANDLE start_loop(const struct package *p, const WCHAR *service, HANDLE ready, HANDLE job)
{
    WCHAR path[MAX_PATH], cmdline[3 * MAX_PATH];
    STARTUPINFOW si = { .cb = sizeof(si) };
    PROCESS_INFORMATION pi;

    ResetEvent(ready);
    GetModuleFileNameW(NULL, path, MAX_PATH);
    swprintf(cmdline, ARRAYSIZE(cmdline), L"\"%ls\" --install-loop %ls \"%ls\"", path, service, p[0].state);
    assert_true(CreateProcessW(NULL, cmdline, NULL, NULL, FALSE, CREATE_SUSPENDED, NULL, NULL, &si, &pi));
    assert_true(AssignProcessToJobObject(job, pi.hProcess));
    ResumeThread(pi.hThread);
    CloseHandle(pi.hThread);
    assert_int_equal(WAIT_OBJECT_0, WaitForSingleObject(ready, 120000));
    return pi.hProcess;
}

/* Kills the child.  A payload it started runs to its end, as it would on any
 * machine; one it was starting at that instant can be left half made and
 * never run (a Wine process whose parent dies inside CreateProcess): those
 * are ended, or they would hold the test's output open for good. */
static void kill_child(HANDLE process, HANDLE job)
{
    JOBOBJECT_BASIC_ACCOUNTING_INFORMATION info;
    int i;

    assert_true(TerminateProcess(process, 99));
    assert_int_equal(WAIT_OBJECT_0, WaitForSingleObject(process, 60000));
    CloseHandle(process);
    wait_for_payloads();
    assert_true(TerminateJobObject(job, 98));
    for (i = 0; i < 600; i++)
    {
        assert_true(QueryInformationJobObject(job, JobObjectBasicAccountingInformation, &info, sizeof(info), NULL));
        if (!info.ActiveProcesses) return;
        Sleep(100);
    }
    fail_msg("%lu processes of the killed child still run", info.ActiveProcesses);
}

/* The parent's side of the loop: the child's events, its job, the history
 * so far and where the kills landed (not asserted: it depends on timing). */
struct kill_run
{
    const struct package *p;
    const WCHAR *service;
    HANDLE ready, cycle, wrong, removing, job;
    struct history_key *keys;
    LONG count;
    LONG msi_kept, cmd_kept, torn, in_removal, in_removal_kept;
};

/* A point in [from, to) ms, from a small generator so that a seed repeats it. */
static DWORD kill_point(unsigned int *seed, DWORD from, DWORD to)
{
    *seed = *seed * 1103515245 + 12345;
    return from + ((*seed >> 8) % 1000) * (to - from) / 1000;
}

/* Starts a child, kills it wait ms into its round, or into its uninstall
 * step when in_removal, and checks what it left. */
static void kill_once(struct kill_run *run, DWORD wait, BOOL in_removal)
{
    HANDLE child;
    BOOL msi_installed;

    ResetEvent(run->removing);
    child = start_loop(run->p, run->service, run->ready, run->job);
    if (in_removal) assert_int_equal(WAIT_OBJECT_0, WaitForSingleObject(run->removing, 120000));
    Sleep(wait);
    kill_child(child, run->job);
    if (history_files(L"*.tmp")) run->torn++;
    check_after_kill(run->p, run->service, &run->keys, &run->count, &msi_installed);
    assert_int_equal(WAIT_TIMEOUT, WaitForSingleObject(run->wrong, 0));
    if (msi_installed) run->msi_kept++;
    if (exists(run->p[0].state)) run->cmd_kept++;
    if (WaitForSingleObject(run->removing, 0) == WAIT_OBJECT_0)
    {
        run->in_removal++;
        if (msi_installed) run->in_removal_kept++;
    }
}

static void killed_installs_leave_whole_state(void **state)
{
    struct package p[2];
    struct history_key *keys;
    struct kill_run run = { .p = p };
    IUpdateCollection *updates, *cmd, *msi;
    IUpdateInstaller *cmd_installer, *msi_installer;
    HANDLE child;
    LONG count, first_count, point;
    DWORD start, round_ms, removal_ms, run_start = GetTickCount();
    unsigned int seed = kill_seed ? kill_seed : GetTickCount() | 1;
    BOOL msi_installed;
    BSTR service;

    (void)state;
    print_message("kill seed %u (test_install --crash --seed %u draws the same points again)\n", seed, seed);
    new_package(&p[0], CMD, L"0");
    p[0].pause_ms = 100;
    new_package(&p[1], MSI, NULL);
    run.service = service = register_catalog(p, 2);
    updates = search_service_updates(service, L"IsInstalled=0");
    download(updates);
    IUpdateCollection_Release(updates);
    assert_non_null(run.ready = CreateEventW(NULL, TRUE, FALSE, ready_name));
    assert_non_null(run.cycle = CreateEventW(NULL, FALSE, FALSE, cycle_name));
    assert_non_null(run.wrong = CreateEventW(NULL, TRUE, FALSE, wrong_name));
    assert_non_null(run.removing = CreateEventW(NULL, TRUE, FALSE, removing_name));
    assert_non_null(run.job = CreateJobObjectW(NULL, NULL));
    run.keys = history_keys(&run.count);
    first_count = run.count;

    /* how long one round and its uninstall step take, to spread the kills */
    child = start_loop(p, service, run.ready, run.job);
    start = GetTickCount();
    assert_int_equal(WAIT_OBJECT_0, WaitForSingleObject(run.removing, 120000));
    removal_ms = GetTickCount() - start;
    assert_int_equal(WAIT_OBJECT_0, WaitForSingleObject(run.cycle, 120000));
    round_ms = GetTickCount() - start;
    kill_child(child, run.job);
    check_after_kill(p, service, &run.keys, &run.count, &msi_installed);

    /* the uninstall step is a fifth of a round, too little for uniform
     * points: every other point is timed from the step's start instead */
    for (point = 0; point < KILL_POINTS; point++)
        kill_once(&run, kill_point(&seed, 0, point % 2 ? round_ms - removal_ms : round_ms), point % 2);
    print_message("%d kill points, half over a %lu ms round, half over its uninstall step (from %lu ms): "
                  "%ld left the MSI installed, %ld removed; %ld landed in the uninstall step (%ld of them left "
                  "it installed); %ld left the command line's state, %ld a torn history file; "
                  "%ld entries written; %lu s\n", KILL_POINTS, round_ms, removal_ms, run.msi_kept,
                  KILL_POINTS - run.msi_kept, run.in_removal, run.in_removal_kept, run.cmd_kept, run.torn,
                  run.count - first_count, (GetTickCount() - run_start) / 1000);

    /* and this process still installs and removes both */
    updates = search_service_updates(service, L"IsInstalled=0 or IsInstalled=1");
    cmd = subset(updates, 0, -1);
    msi = subset(updates, 1, -1);
    cmd_installer = forced_installer(cmd);
    msi_installer = forced_installer(msi);
    DeleteFileW(p[0].state);
    assert_int_equal(orcSucceeded, run_code(cmd_installer, FALSE));
    assert_true(is_installed(updates, 0));
    assert_int_equal(orcSucceeded, run_code(msi_installer, FALSE));
    assert_int_equal(INSTALLSTATE_DEFAULT, MsiQueryProductStateW(PRODUCT_A));
    assert_int_equal(orcSucceeded, run_code(msi_installer, TRUE));
    assert_int_equal(INSTALLSTATE_UNKNOWN, MsiQueryProductStateW(PRODUCT_A));
    assert_false(is_installed(updates, 1));
    free(run.keys);
    keys = history_keys(&count);
    assert_int_equal(run.count + 3, count);
    assert_int_equal(0, history_files(L"*.tmp"));
    free(keys);
    IUpdateInstaller_Release(cmd_installer);
    IUpdateInstaller_Release(msi_installer);
    IUpdateCollection_Release(cmd);
    IUpdateCollection_Release(msi);
    IUpdateCollection_Release(updates);
    CloseHandle(run.ready);
    CloseHandle(run.cycle);
    CloseHandle(run.wrong);
    CloseHandle(run.removing);
    CloseHandle(run.job);
    SysFreeString(service);
}

/* For install.vbs: a catalog of one command-line update that exits 0. */
static int write_script_catalog(const char *path)
{
    struct package p;
    WCHAR wide[MAX_PATH];

    new_package(&p, CMD, L"0");
    MultiByteToWideChar(CP_ACP, 0, path, -1, wide, ARRAYSIZE(wide));
    write_catalog(wide, &p, 1);
    return 0;
}

static BOOL read_environment(void)
{
    WCHAR base[MAX_PATH];

    if (!GetEnvironmentVariableW(L"OPENWUA_PAYLOAD", payload, MAX_PATH)
        || !GetEnvironmentVariableW(L"OPENWUA_MSI", msi_folder, MAX_PATH))
    {
        fprintf(stderr, "OPENWUA_PAYLOAD and OPENWUA_MSI come from ctest\n");
        return FALSE;
    }
    GetTempPathW(ARRAYSIZE(base), base);
    swprintf(work, ARRAYSIZE(work), L"%lsinstall-tests-%lu", base, GetCurrentProcessId());
    CreateDirectoryW(work, NULL);
    return TRUE;
}

/* Wine hands out the same process IDs again: no state files from an earlier run. */
static void empty_work_folder(void)
{
    SHFILEOPSTRUCTW op = { 0 };
    WCHAR folder[MAX_PATH + 1] = { 0 };

    wcscpy(folder, work);
    op.wFunc = FO_DELETE;
    op.pFrom = folder;
    op.fFlags = FOF_NO_UI;
    SHFileOperationW(&op);
    CreateDirectoryW(work, NULL);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] =
    {
        LEAK_CHECKED(installer_members_keep_what_they_are_given),
        LEAK_CHECKED(no_updates_is_wu_e_no_update),
        LEAK_CHECKED(command_line_exit_codes_are_mapped),
        LEAK_CHECKED(missing_content_and_eula_fail_their_own_result),
        LEAK_CHECKED(command_line_updates_cannot_be_uninstalled),
        LEAK_CHECKED(force_quiet_refuses_updates_that_ask),
        LEAK_CHECKED(update_reboot_flag_lasts_until_restart),
        LEAK_CHECKED(msi_installs_and_uninstalls),
        LEAK_CHECKED(begin_install_reports_and_ends),
        LEAK_CHECKED(busy_everywhere_and_abort_between_updates),
    };
    const struct CMUnitTest crash_tests[] =
    {
        LEAK_CHECKED(killed_installs_leave_whole_state),
    };
    const char *seed;

    if (!read_environment()) return 1;
    if (argc > 4 && !strcmp(argv[1], "--check-installed")) return check_installed(argv[2], argv[3], argv[4]);
    if (argc > 2 && !strcmp(argv[1], "--check-busy")) return check_busy(argv[2]);
    if (argc > 4 && !strcmp(argv[1], "--check-reboot")) return check_reboot(argv[2], argv[3], argv[4]);
    if (argc > 3 && !strcmp(argv[1], "--install-loop")) return install_loop(argv[2], argv[3]);
    empty_work_folder();
    if (argc > 2 && !strcmp(argv[1], "--write-script-catalog")) return write_script_catalog(argv[2]);
    start_clean(NULL);
    if (argc > 1 && !strcmp(argv[1], "--crash"))
    {
        if (argc > 3 && !strcmp(argv[2], "--seed")) kill_seed = strtoul(argv[3], NULL, 10);
        else if ((seed = getenv("OPENWUA_KILL_SEED"))) kill_seed = strtoul(seed, NULL, 10);
        return RUN_TESTS(crash_tests);
    }
    return RUN_TESTS(tests);
}
