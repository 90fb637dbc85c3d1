/*
 * OpenWUA tests: searching SDP catalogs through UpdateServiceManager and UpdateSearcher.
 *
 * The catalog is written by the test; its rules look at registry keys the test
 * sets, so each case decides which updates are installed or applicable.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "common.h"

#define NS_SDP L"http://schemas.microsoft.com/wsus/2005/04/CorporatePublishing/"
#define KEY_BASE L"Software\\OpenWUA-SearchTests"
#define ID_A L"aaaaaaaa-0000-4000-8000-000000000001"
#define ID_B L"bbbbbbbb-0000-4000-8000-000000000002"
#define ID_C L"cccccccc-0000-4000-8000-000000000003"
#define ID_D L"dddddddd-0000-4000-8000-000000000004"

static const WCHAR openwua_key[] = L"Software\\OpenWUA";

/* Installed when HKLM\Software\OpenWUA-SearchTests\<name> exists. */
static void write_installed_rule(FILE *f, const WCHAR *name)
{
    fwprintf(f, L"<sdp:IsInstalled><bar:RegKeyExists Key=\"HKEY_LOCAL_MACHINE\" Subkey=\"%ls\\%ls\"/></sdp:IsInstalled>",
             KEY_BASE, name);
}

static void write_package(FILE *f, const WCHAR *id, const WCHAR *title, const WCHAR *installable, const WCHAR *supersedes,
                          const WCHAR *installer, const WCHAR *eula)
{
    fwprintf(f, L"<smc:SoftwareDistributionPackage SchemaVersion=\"1.0\">"
             L"<sdp:Properties PackageID=\"%ls\" CreationDate=\"2024-03-05T06:07:08Z\" VendorName=\"OpenWUA Tests\">"
             L"<sdp:MoreInfoUrl>https://example.invalid/%ls</sdp:MoreInfoUrl><sdp:SupportUrl>https://example.invalid/support</sdp:SupportUrl>"
             L"<sdp:ProductName>Test Product</sdp:ProductName></sdp:Properties>"
             L"<sdp:LocalizedProperties><sdp:Language>en</sdp:Language><sdp:Title>%ls</sdp:Title>"
             L"<sdp:Description>Description of %ls</sdp:Description></sdp:LocalizedProperties>"
             L"<sdp:UpdateSpecificData MsrcSeverity=\"Important\" UpdateClassification=\"Security Updates\">"
             L"<sdp:SecurityBulletinID>MS-T-%ls</sdp:SecurityBulletinID><sdp:KBArticleID>KB-%ls</sdp:KBArticleID></sdp:UpdateSpecificData>",
             id, title, title, title, title, title);
    if (installable) fwprintf(f, L"<sdp:IsInstallable>%ls</sdp:IsInstallable>", installable);
    write_installed_rule(f, title);
    if (supersedes) fwprintf(f, L"<sdp:SupersededPackages><sdp:PackageID>%ls</sdp:PackageID></sdp:SupersededPackages>", supersedes);
    fwprintf(f, L"<sdp:InstallableItem ID=\"%.8ls-1111-4000-8000-000000000000\">"
             L"<sdp:InstallProperties CanRequestUserInput=\"false\" RequiresNetworkConnectivity=\"true\" Impact=\"Minor\" RebootBehavior=\"AlwaysRequiresReboot\"/>"
             L"%ls<sdp:OriginFile Digest=\"2jmj7l5rSw0yVb/vlWAYkK/YBwk=\" FileName=\"%ls.bin\" Size=\"12345\" Modified=\"2024-03-05T06:07:08Z\" OriginUri=\"http://127.0.0.1:1/%ls.bin\"/>"
             L"</sdp:InstallableItem>", id, installer, title, title);
    if (eula) fwprintf(f, L"<ow:Eula xmlns:ow=\"urn:openwua:sdp-extensions:2026\">%ls</ow:Eula>", eula);
    fwprintf(f, L"</smc:SoftwareDistributionPackage>");
}

static const WCHAR cmd_installer[] =
    L"<cmd:CommandLineInstallerData Program=\"setup.exe\" Arguments=\"/quiet\" DefaultResult=\"Failed\" RebootByDefault=\"false\">"
    L"<cmd:ReturnCode Code=\"0\" Result=\"Succeeded\" Reboot=\"false\"/></cmd:CommandLineInstallerData>";
static const WCHAR msi_installer[] =
    L"<msi:MsiInstallerData MsiFile=\"t.msi\" ProductCode=\"{11111111-2222-3333-4444-555555555555}\"/>";
/* ARM only: never applicable on x86/x64. */
static const WCHAR not_here[] = L"<bar:Processor Architecture=\"5\"/>";

/* A: applicable, not installed.  B: installed.  C: not applicable.
 * D (when with_d): applicable and supersedes A. */
static void write_catalog(const WCHAR *path, BOOL with_d)
{
    FILE *f = _wfopen(path, L"w, ccs=UTF-8");

    assert_non_null(f);
    fwprintf(f, L"<?xml version=\"1.0\" encoding=\"utf-8\"?>"
             L"<smc:SystemsManagementCatalog xmlns:smc=\"http://schemas.microsoft.com/sms/2005/04/CorporatePublishing/SystemsManagementCatalog.xsd\""
             L" xmlns:sdp=\"" NS_SDP L"SoftwareDistributionPackage.xsd\" xmlns:bar=\"" NS_SDP L"BaseApplicabilityRules.xsd\""
             L" xmlns:lar=\"" NS_SDP L"LogicalApplicabilityRules.xsd\" xmlns:cmd=\"" NS_SDP L"Installers/CommandLineInstallation.xsd\""
             L" xmlns:msi=\"" NS_SDP L"Installers/MsiInstallation.xsd\">");
    write_package(f, ID_A, L"Alpha", NULL, NULL, cmd_installer, L"Alpha licence terms");
    write_package(f, ID_B, L"Bravo", L"<lar:True/>", NULL, msi_installer, NULL);
    write_package(f, ID_C, L"Charlie", not_here, NULL, cmd_installer, NULL);
    if (with_d) write_package(f, ID_D, L"Delta", NULL, ID_A, cmd_installer, NULL);
    fwprintf(f, L"</smc:SystemsManagementCatalog>");
    fclose(f);
}

static WCHAR catalog_path[MAX_PATH];

static void reset_state(void)
{
    HKEY key;

    reg_delete_tree(KEY_BASE);
    reg_delete_tree(openwua_key);
    /* Bravo is installed. */
    assert_int_equal(0, RegCreateKeyExW(HKEY_LOCAL_MACHINE, KEY_BASE L"\\Bravo", 0, NULL, 0, KEY_WRITE, NULL, &key, NULL));
    RegCloseKey(key);
}

static void make_catalog(BOOL with_d)
{
    WCHAR dir[MAX_PATH];

    GetTempPathW(MAX_PATH, dir);
    swprintf(catalog_path, MAX_PATH, L"%lsopenwua-search-test.xml", dir);
    write_catalog(catalog_path, with_d);
}

/* Registers the test catalog and returns its service ID. */
static BSTR add_service(void)
{
    IUpdateServiceManager *manager = create(&CLSID_UpdateServiceManager, &IID_IUpdateServiceManager);
    BSTR name = SysAllocString(L"OpenWUA tests"), location = SysAllocString(catalog_path), id = NULL;
    IUpdateService *service = NULL;
    IUpdateService2 *service2;
    VARIANT_BOOL flag;

    assert_hr(S_OK, IUpdateServiceManager_AddScanPackageService(manager, name, location, 0, &service));
    assert_hr(S_OK, IUpdateService_get_ServiceID(service, &id));
    assert_int_equal(36, SysStringLen(id));
    assert_hr(S_OK, IUpdateService_get_IsScanPackageService(service, &flag));
    assert_int_equal(VARIANT_TRUE, flag);
    assert_hr(S_OK, IUpdateService_QueryInterface(service, &IID_IUpdateService2, (void **)&service2));
    assert_hr(S_OK, IUpdateService2_get_IsDefaultAUService(service2, &flag));
    assert_int_equal(VARIANT_FALSE, flag);
    IUpdateService2_Release(service2);
    IUpdateService_Release(service);
    IUpdateServiceManager_Release(manager);
    SysFreeString(name);
    SysFreeString(location);
    return id;
}

static IUpdateSearcher *searcher_for(BSTR service)
{
    IUpdateSession *session = create(&CLSID_UpdateSession, &IID_IUpdateSession);
    IUpdateSearcher *searcher = NULL;

    assert_hr(S_OK, IUpdateSession_CreateUpdateSearcher(session, &searcher));
    IUpdateSession_Release(session);
    if (service)
    {
        assert_hr(S_OK, IUpdateSearcher_put_ServerSelection(searcher, ssOthers));
        assert_hr(S_OK, IUpdateSearcher_put_ServiceID(searcher, service));
    }
    return searcher;
}

/* Searches and returns the updates' titles joined with ',' (sorted as found). */
static HRESULT search_titles(IUpdateSearcher *searcher, const WCHAR *criteria, WCHAR *titles, size_t size)
{
    BSTR text = SysAllocString(criteria), title;
    ISearchResult *result = NULL;
    IUpdateCollection *updates;
    OperationResultCode code;
    IUpdate *update;
    LONG i, count;
    HRESULT hr;

    titles[0] = 0;
    hr = IUpdateSearcher_Search(searcher, text, &result);
    SysFreeString(text);
    if (FAILED(hr))
    {
        assert_null(result);
        return hr;
    }
    assert_hr(S_OK, ISearchResult_get_ResultCode(result, &code));
    assert_int_equal(orcSucceeded, code);
    assert_hr(S_OK, ISearchResult_get_Updates(result, &updates));
    assert_hr(S_OK, IUpdateCollection_get_Count(updates, &count));
    for (i = 0; i < count; i++)
    {
        assert_hr(S_OK, IUpdateCollection_get_Item(updates, i, &update));
        assert_hr(S_OK, IUpdate_get_Title(update, &title));
        if (i) wcscat_s(titles, size, L",");
        wcscat_s(titles, size, title);
        SysFreeString(title);
        IUpdate_Release(update);
    }
    IUpdateCollection_Release(updates);
    ISearchResult_Release(result);
    return hr;
}

static void assert_search(IUpdateSearcher *searcher, const WCHAR *criteria, const WCHAR *expected)
{
    WCHAR found[256];

    assert_hr(S_OK, search_titles(searcher, criteria, found, ARRAYSIZE(found)));
    if (wcscmp(found, expected))
        fail_msg("%ls: found \"%ls\", expected \"%ls\"", criteria ? criteria : L"(null)", found, expected);
}

static void without_a_default_catalog_nothing_is_found(void **state)
{
    IUpdateSearcher *searcher;

    (void)state;
    reset_state();
    searcher = searcher_for(NULL);
    assert_search(searcher, L"IsInstalled=0", L"");
    assert_search(searcher, NULL, L"");
    IUpdateSearcher_Release(searcher);
}

static void scan_package_service_is_searched_with_ss_others(void **state)
{
    IUpdateSearcher *searcher;
    BSTR service;

    (void)state;
    reset_state();
    make_catalog(FALSE);
    service = add_service();
    searcher = searcher_for(service);
    assert_search(searcher, L"IsInstalled=0", L"Alpha");
    assert_search(searcher, L"IsInstalled=1", L"Bravo");
    assert_search(searcher, NULL, L"Alpha");
    assert_search(searcher, L"Type='Software'", L"Alpha,Bravo");
    assert_search(searcher, L"UpdateID='" ID_B L"'", L"Bravo");
    assert_search(searcher, L"CategoryIDs contains '0FA1201D-4330-4FA8-8AE9-B877473B6441'", L"Alpha,Bravo");
    assert_search(searcher, L"IsInstalled=1 and DeploymentAction='Uninstallation'", L"Bravo");
    IUpdateSearcher_Release(searcher);
    SysFreeString(service);
}

static void default_catalog_serves_the_default_selections(void **state)
{
    ServerSelection selections[] = { ssDefault, ssManagedServer, ssWindowsUpdate };
    IUpdateSearcher *searcher;
    size_t i;

    (void)state;
    reset_state();
    make_catalog(FALSE);
    assert_int_equal(0, RegSetKeyValueW(HKEY_LOCAL_MACHINE, openwua_key, L"DefaultCatalog", REG_SZ, catalog_path,
                                        (DWORD)((wcslen(catalog_path) + 1) * sizeof(WCHAR))));
    searcher = searcher_for(NULL);
    for (i = 0; i < ARRAYSIZE(selections); i++)
    {
        assert_hr(S_OK, IUpdateSearcher_put_ServerSelection(searcher, selections[i]));
        assert_search(searcher, L"IsInstalled=0", L"Alpha");
    }
    IUpdateSearcher_Release(searcher);
}

static IUpdate *find_update(IUpdateSearcher *searcher, const WCHAR *criteria)
{
    BSTR text = SysAllocString(criteria);
    ISearchResult *result;
    IUpdateCollection *updates;
    IUpdate *update = NULL;

    assert_hr(S_OK, IUpdateSearcher_Search(searcher, text, &result));
    assert_hr(S_OK, ISearchResult_get_Updates(result, &updates));
    assert_hr(S_OK, IUpdateCollection_get_Item(updates, 0, &update));
    IUpdateCollection_Release(updates);
    ISearchResult_Release(result);
    SysFreeString(text);
    return update;
}

static void assert_strings(IStringCollection *coll, const WCHAR *expected)
{
    LONG count = -1;
    BSTR item;

    assert_hr(S_OK, IStringCollection_get_Count(coll, &count));
    assert_int_equal(1, count);
    assert_hr(S_OK, IStringCollection_get_Item(coll, 0, &item));
    if (wcscmp(item, expected)) fail_msg("\"%ls\" != \"%ls\"", item, expected);
    SysFreeString(item);
    IStringCollection_Release(coll);
}

static void update_fields_come_from_the_catalog(void **state)
{
    IUpdateSearcher *searcher;
    IUpdate *update;
    IUpdateIdentity *identity;
    IInstallationBehavior *behavior;
    IStringCollection *strings;
    ICategoryCollection *categories;
    IUpdateDownloadContentCollection *contents;
    InstallationImpact impact;
    InstallationRebootBehavior reboot;
    VARIANT_BOOL flag;
    UpdateType type;
    DECIMAL size;
    BSTR text;
    LONG count, revision;
    DATE date;
    BSTR service;

    (void)state;
    reset_state();
    make_catalog(FALSE);
    service = add_service();
    searcher = searcher_for(service);
    update = find_update(searcher, L"UpdateID='" ID_A L"'");
    assert_hr(S_OK, IUpdate_get_Description(update, &text));
    assert_true(!wcscmp(text, L"Description of Alpha"));
    SysFreeString(text);
    assert_hr(S_OK, IUpdate_get_Identity(update, &identity));
    assert_hr(S_OK, IUpdateIdentity_get_UpdateID(identity, &text));
    assert_true(!wcscmp(text, ID_A));
    SysFreeString(text);
    assert_hr(S_OK, IUpdateIdentity_get_RevisionNumber(identity, &revision));
    assert_int_equal(1, revision);
    IUpdateIdentity_Release(identity);
    assert_hr(S_OK, IUpdate_get_KBArticleIDs(update, &strings));
    assert_strings(strings, L"KB-Alpha");
    assert_hr(S_OK, IUpdate_get_SecurityBulletinIDs(update, &strings));
    assert_strings(strings, L"MS-T-Alpha");
    assert_hr(S_OK, IUpdate_get_MoreInfoUrls(update, &strings));
    assert_strings(strings, L"https://example.invalid/Alpha");
    assert_hr(S_OK, IUpdate_get_MsrcSeverity(update, &text));
    assert_true(!wcscmp(text, L"Important"));
    SysFreeString(text);
    assert_hr(S_OK, IUpdate_get_Type(update, &type));
    assert_int_equal(utSoftware, type);
    assert_hr(S_OK, IUpdate_get_MaxDownloadSize(update, &size));
    assert_int_equal(12345, size.Lo64);
    assert_hr(S_OK, IUpdate_get_LastDeploymentChangeTime(update, &date));
    assert_true(date > 45356.2 && date < 45356.3);          /* 2024-03-05 06:07:08 */
    assert_hr(S_OK, IUpdate_get_HandlerID(update, &text));
    assert_true(!wcscmp(text, L"http://schemas.microsoft.com/msus/2002/12/UpdateHandlers/CommandLineInstallation"));
    SysFreeString(text);
    assert_hr(S_OK, IUpdate_get_InstallationBehavior(update, &behavior));
    assert_hr(S_OK, IInstallationBehavior_get_Impact(behavior, &impact));
    assert_int_equal(iiMinor, impact);
    assert_hr(S_OK, IInstallationBehavior_get_RebootBehavior(behavior, &reboot));
    assert_int_equal(irbAlwaysRequiresReboot, reboot);
    assert_hr(S_OK, IInstallationBehavior_get_RequiresNetworkConnectivity(behavior, &flag));
    assert_int_equal(VARIANT_TRUE, flag);
    IInstallationBehavior_Release(behavior);
    assert_hr(S_OK, IUpdate_get_Categories(update, &categories));
    assert_hr(S_OK, ICategoryCollection_get_Count(categories, &count));
    assert_int_equal(2, count);                             /* Security Updates and Test Product */
    ICategoryCollection_Release(categories);
    assert_hr(S_OK, IUpdate_get_DownloadContents(update, &contents));
    assert_hr(S_OK, IUpdateDownloadContentCollection_get_Count(contents, &count));
    assert_int_equal(1, count);
    IUpdateDownloadContentCollection_Release(contents);
    assert_hr(S_OK, IUpdate_get_IsDownloaded(update, &flag));
    assert_int_equal(VARIANT_FALSE, flag);
    assert_hr(S_OK, IUpdate_get_IsUninstallable(update, &flag));
    assert_int_equal(VARIANT_FALSE, flag);                  /* a command line has no uninstall */
    /* The EULA extension. */
    assert_hr(S_OK, IUpdate_get_EulaAccepted(update, &flag));
    assert_int_equal(VARIANT_FALSE, flag);
    assert_hr(S_OK, IUpdate_get_EulaText(update, &text));
    assert_true(!wcscmp(text, L"Alpha licence terms"));
    SysFreeString(text);
    assert_hr(S_OK, IUpdate_AcceptEula(update));
    assert_hr(S_OK, IUpdate_get_EulaAccepted(update, &flag));
    assert_int_equal(VARIANT_TRUE, flag);
    text = SysAllocString(catalog_path);
    assert_hr(WU_E_DM_NOTDOWNLOADED, IUpdate_CopyFromCache(update, text, VARIANT_FALSE));
    assert_hr(E_INVALIDARG, IUpdate_CopyFromCache(update, text, 7));
    assert_hr(E_INVALIDARG, IUpdate_CopyFromCache(update, NULL, VARIANT_FALSE));
    SysFreeString(text);
    IUpdate_Release(update);

    update = find_update(searcher, L"UpdateID='" ID_B L"'");
    assert_hr(S_OK, IUpdate_get_IsUninstallable(update, &flag));
    assert_int_equal(VARIANT_TRUE, flag);                   /* MSI */
    assert_hr(S_OK, IUpdate_get_EulaAccepted(update, &flag));
    assert_int_equal(VARIANT_TRUE, flag);                   /* no EULA: nothing to accept */
    IUpdate_Release(update);
    IUpdateSearcher_Release(searcher);
    SysFreeString(service);
}

static void state_is_live_across_searches(void **state)
{
    IUpdateSearcher *searcher;
    IUpdate *first, *second;
    VARIANT_BOOL hidden = VARIANT_FALSE;
    BSTR service;

    (void)state;
    reset_state();
    make_catalog(FALSE);
    service = add_service();
    searcher = searcher_for(service);
    first = find_update(searcher, L"UpdateID='" ID_A L"'");
    second = find_update(searcher, L"UpdateID='" ID_A L"'");
    assert_hr(S_OK, IUpdate_put_IsHidden(second, VARIANT_TRUE));
    assert_hr(S_OK, IUpdate_get_IsHidden(first, &hidden));
    assert_int_equal(VARIANT_TRUE, hidden);
    assert_hr(E_INVALIDARG, IUpdate_put_IsHidden(first, 5));
    assert_search(searcher, L"IsInstalled=0 and IsHidden=0", L"");
    assert_search(searcher, L"IsHidden=1", L"Alpha");
    assert_int_equal(0, run_self(L"--check-hidden"));
    assert_hr(S_OK, IUpdate_put_IsHidden(first, VARIANT_FALSE));
    assert_int_not_equal(0, run_self(L"--check-hidden"));
    IUpdate_Release(first);
    IUpdate_Release(second);
    IUpdateSearcher_Release(searcher);
    SysFreeString(service);
}

/* In a child process: 0 when the registered service still shows Alpha hidden. */
static int check_hidden(void)
{
    IUpdateServiceManager *manager;
    IUpdateServiceCollection *services;
    IUpdateService *service;
    IUpdateSearcher *searcher;
    WCHAR found[256];
    LONG count;
    BSTR id;
    HRESULT hr;

    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    manager = create(&CLSID_UpdateServiceManager, &IID_IUpdateServiceManager);
    IUpdateServiceManager_get_Services(manager, &services);
    IUpdateServiceCollection_get_Count(services, &count);
    if (count != 2) return 3;                                /* the default one and the test's */
    IUpdateServiceCollection_get_Item(services, 1, &service);
    IUpdateService_get_ServiceID(service, &id);
    searcher = searcher_for(id);
    hr = search_titles(searcher, L"IsHidden=1", found, ARRAYSIZE(found));
    IUpdateSearcher_Release(searcher);
    IUpdateService_Release(service);
    IUpdateServiceCollection_Release(services);
    IUpdateServiceManager_Release(manager);
    SysFreeString(id);
    CoUninitialize();
    return FAILED(hr) ? 4 : wcscmp(found, L"Alpha") != 0;
}

static void superseded_updates_are_left_out_unless_asked(void **state)
{
    IUpdateSearcher *searcher;
    BSTR service;

    (void)state;
    reset_state();
    make_catalog(TRUE);
    service = add_service();
    searcher = searcher_for(service);
    assert_search(searcher, L"IsInstalled=0", L"Delta");
    assert_hr(S_OK, IUpdateSearcher_put_IncludePotentiallySupersededUpdates(searcher, VARIANT_TRUE));
    assert_search(searcher, L"IsInstalled=0", L"Alpha,Delta");
    IUpdateSearcher_Release(searcher);
    SysFreeString(service);
}

static void search_errors_are_the_documented_ones(void **state)
{
    IUpdateSearcher *searcher;
    ISearchResult *result = (void *)1;
    BSTR text = SysAllocString(L"IsInstalled=0 and (IsHidden=0 or Type='Driver')");
    BSTR unknown = SysAllocString(L"12345678-1234-1234-1234-123456789abc");

    (void)state;
    reset_state();
    searcher = searcher_for(NULL);
    assert_hr(WU_E_INVALID_CRITERIA, IUpdateSearcher_Search(searcher, text, &result));
    assert_null(result);
    assert_hr(E_POINTER, IUpdateSearcher_Search(searcher, NULL, NULL));
    assert_hr(S_OK, IUpdateSearcher_put_ServerSelection(searcher, ssOthers));
    assert_hr(E_INVALIDARG, IUpdateSearcher_Search(searcher, NULL, &result));          /* no ServiceID */
    assert_hr(S_OK, IUpdateSearcher_put_ServiceID(searcher, unknown));
    assert_hr(WU_E_DS_UNKNOWNSERVICE, IUpdateSearcher_Search(searcher, NULL, &result));
    IUpdateSearcher_Release(searcher);
    SysFreeString(text);
    SysFreeString(unknown);
}

static void bad_catalogs_register_nothing(void **state)
{
    IUpdateServiceManager *manager = create(&CLSID_UpdateServiceManager, &IID_IUpdateServiceManager);
    IUpdateServiceCollection *services;
    IUpdateService *service = (void *)1;
    WCHAR path[MAX_PATH], dir[MAX_PATH];
    BSTR name = SysAllocString(L"bad"), location;
    LONG count = 0;
    FILE *f;

    (void)state;
    reset_state();
    GetTempPathW(MAX_PATH, dir);
    swprintf(path, MAX_PATH, L"%lsopenwua-bad-catalog.xml", dir);
    f = _wfopen(path, L"w");
    fputs("<not-a-catalog><unclosed></not-a-catalog>", f);
    fclose(f);
    location = SysAllocString(path);
    assert_true(FAILED(IUpdateServiceManager_AddScanPackageService(manager, name, location, 0, &service)));
    assert_null(service);
    SysFreeString(location);
    location = SysAllocString(L"C:\\no\\such\\catalog.cab");
    assert_true(FAILED(IUpdateServiceManager_AddScanPackageService(manager, name, location, 0, &service)));
    assert_hr(E_INVALIDARG, IUpdateServiceManager_AddScanPackageService(manager, name, NULL, 0, &service));
    assert_hr(E_INVALIDARG, IUpdateServiceManager_AddScanPackageService(manager, NULL, location, 0, &service));
    assert_hr(E_INVALIDARG, IUpdateServiceManager_AddScanPackageService(manager, name, location, 8, &service));
    assert_hr(E_POINTER, IUpdateServiceManager_AddScanPackageService(manager, name, location, 0, NULL));
    assert_hr(S_OK, IUpdateServiceManager_get_Services(manager, &services));
    assert_hr(S_OK, IUpdateServiceCollection_get_Count(services, &count));
    assert_int_equal(1, count);                             /* the default service only */
    IUpdateServiceCollection_Release(services);
    IUpdateServiceManager_Release(manager);
    SysFreeString(name);
    SysFreeString(location);
    DeleteFileW(path);
}

static void services_can_be_listed_and_removed(void **state)
{
    IUpdateServiceManager2 *manager = create(&CLSID_UpdateServiceManager, &IID_IUpdateServiceManager2);
    IUpdateServiceRegistration *registration;
    IUpdateServiceCollection *services;
    UpdateServiceRegistrationState reg_state;
    BSTR service, unknown = SysAllocString(L"{12345678-1234-1234-1234-123456789ABC}");
    BSTR windows_update = SysAllocString(L"9482f4b4-e343-43b6-b170-9a65bc822c77"), bad = SysAllocString(L"nonsense");
    LONG count;

    (void)state;
    reset_state();
    make_catalog(FALSE);
    service = add_service();
    assert_hr(S_OK, IUpdateServiceManager2_get_Services(manager, &services));
    assert_hr(S_OK, IUpdateServiceCollection_get_Count(services, &count));
    assert_int_equal(2, count);
    IUpdateServiceCollection_Release(services);
    assert_hr(S_OK, IUpdateServiceManager2_QueryServiceRegistration(manager, service, &registration));
    assert_hr(S_OK, IUpdateServiceRegistration_get_RegistrationState(registration, &reg_state));
    assert_int_equal(usrsRegistered, reg_state);
    IUpdateServiceRegistration_Release(registration);
    assert_hr(WU_E_DS_INVALIDOPERATION, IUpdateServiceManager2_RegisterServiceWithAU(manager, service));
    assert_hr(WU_E_DS_UNKNOWNSERVICE, IUpdateServiceManager2_RemoveService(manager, unknown));
    assert_hr(WU_E_DS_INVALIDOPERATION, IUpdateServiceManager2_RemoveService(manager, windows_update));
    assert_hr(E_INVALIDARG, IUpdateServiceManager2_RemoveService(manager, bad));
    assert_hr(S_OK, IUpdateServiceManager2_RemoveService(manager, service));
    assert_hr(WU_E_DS_UNKNOWNSERVICE, IUpdateServiceManager2_RemoveService(manager, service));
    assert_hr(WU_E_DS_UNKNOWNSERVICE, IUpdateServiceManager2_QueryServiceRegistration(manager, service, &registration));
    assert_hr(S_OK, IUpdateServiceManager2_get_Services(manager, &services));
    assert_hr(S_OK, IUpdateServiceCollection_get_Count(services, &count));
    assert_int_equal(1, count);
    IUpdateServiceCollection_Release(services);
    IUpdateServiceManager2_Release(manager);
    SysFreeString(service);
    SysFreeString(unknown);
    SysFreeString(windows_update);
    SysFreeString(bad);
}

static void searcher_properties_are_validated(void **state)
{
    IUpdateSearcher3 *searcher = create(&CLSID_UpdateSearcher, &IID_IUpdateSearcher3);
    BSTR text = SysAllocString(L"it's [x]"), escaped, bad = SysAllocString(L"not-a-guid");
    VARIANT_BOOL flag;
    ServerSelection server;
    SearchScope scope;

    (void)state;
    assert_hr(S_OK, IUpdateSearcher3_EscapeString(searcher, text, &escaped));
    if (wcscmp(escaped, L"it[']s [[]x[]]")) fail_msg("escaped as \"%ls\"", escaped);
    SysFreeString(escaped);
    assert_hr(S_OK, IUpdateSearcher3_get_Online(searcher, &flag));
    assert_int_equal(VARIANT_TRUE, flag);
    assert_hr(E_INVALIDARG, IUpdateSearcher3_put_Online(searcher, 3));
    assert_hr(S_OK, IUpdateSearcher3_get_ServerSelection(searcher, &server));
    assert_int_equal(ssDefault, server);
    assert_hr(E_INVALIDARG, IUpdateSearcher3_put_ServerSelection(searcher, 4));
    assert_hr(E_INVALIDARG, IUpdateSearcher3_put_ServiceID(searcher, bad));
    assert_hr(E_INVALIDARG, IUpdateSearcher3_put_SearchScope(searcher, 6));
    assert_hr(S_OK, IUpdateSearcher3_put_SearchScope(searcher, searchScopeMachineOnly));
    assert_hr(S_OK, IUpdateSearcher3_get_SearchScope(searcher, &scope));
    assert_int_equal(searchScopeMachineOnly, scope);
    assert_hr(S_OK, IUpdateSearcher3_get_IncludePotentiallySupersededUpdates(searcher, &flag));
    assert_int_equal(VARIANT_FALSE, flag);
    assert_hr(E_INVALIDARG, IUpdateSearcher3_put_IncludePotentiallySupersededUpdates(searcher, 1));
    IUpdateSearcher3_Release(searcher);
    SysFreeString(text);
    SysFreeString(bad);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] =
    {
        LEAK_CHECKED(without_a_default_catalog_nothing_is_found),
        LEAK_CHECKED(scan_package_service_is_searched_with_ss_others),
        LEAK_CHECKED(default_catalog_serves_the_default_selections),
        LEAK_CHECKED(update_fields_come_from_the_catalog),
        LEAK_CHECKED(state_is_live_across_searches),
        LEAK_CHECKED(superseded_updates_are_left_out_unless_asked),
        LEAK_CHECKED(search_errors_are_the_documented_ones),
        LEAK_CHECKED(bad_catalogs_register_nothing),
        LEAK_CHECKED(services_can_be_listed_and_removed),
        LEAK_CHECKED(searcher_properties_are_validated),
    };
    int failed;

    if (argc > 1 && !strcmp(argv[1], "--check-hidden")) return check_hidden();
    failed = RUN_TESTS(tests);
    reg_delete_tree(KEY_BASE);
    reg_delete_tree(openwua_key);
    DeleteFileW(catalog_path);
    return failed;
}
