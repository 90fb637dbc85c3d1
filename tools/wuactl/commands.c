/*
 * wuactl: the commands.  Each takes the arguments after its name (with
 * --json and --help already taken out) and returns the process exit code.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "wuactl.h"

static const WCHAR openwua_key[] = L"Software\\OpenWUA";
static const WCHAR default_criteria[] = L"IsInstalled=0 and IsHidden=0";

void *create_object(REFCLSID clsid, REFIID iid, HRESULT *hr)
{
    void *obj = NULL;

    *hr = CoCreateInstance(clsid, NULL, CLSCTX_INPROC_SERVER, iid, &obj);
    return SUCCEEDED(*hr) ? obj : NULL;
}

IUpdateSession *new_session(void)
{
    IUpdateSession *session;
    BSTR name;
    HRESULT hr;

    if (!(session = create_object(&CLSID_UpdateSession, &IID_IUpdateSession, &hr)))
    {
        fail(hr, L"cannot create Microsoft.Update.Session");
        return NULL;
    }
    name = SysAllocString(L"wuactl");
    IUpdateSession_put_ClientApplicationID(session, name);
    SysFreeString(name);
    return session;
}

static BOOL is_option(const WCHAR *arg)
{
    return arg[0] == '-' && arg[1] == '-';
}

static int bad_option(const WCHAR *command, const WCHAR *arg)
{
    return fail(0, L"%ls: unknown option '%ls' (see wuactl %ls --help)", command, arg, command);
}

/* Joins the arguments with blanks: criteria may come quoted or not. */
static WCHAR *join(int argc, WCHAR **argv)
{
    size_t len = 1;
    WCHAR *text;
    int i;

    for (i = 0; i < argc; i++) len += wcslen(argv[i]) + 1;
    if (!(text = calloc(len, sizeof(WCHAR)))) return NULL;
    for (i = 0; i < argc; i++)
    {
        if (i) wcscat(text, L" ");
        wcscat(text, argv[i]);
    }
    return text;
}

static void print_update(const struct item *item)
{
    WCHAR size[32];
    VARIANT_BOOL eula = VARIANT_TRUE, downloaded = VARIANT_FALSE, hidden = VARIANT_FALSE;

    IUpdate_get_EulaAccepted(item->update, &eula);
    IUpdate_get_IsDownloaded(item->update, &downloaded);
    IUpdate_get_IsHidden(item->update, &hidden);
    if (item->size >= 1024 * 1024) swprintf(size, ARRAYSIZE(size), L"%.1f MB", item->size / (1024 * 1024));
    else if (item->size >= 1024) swprintf(size, ARRAYSIZE(size), L"%.1f KB", item->size / 1024);
    else swprintf(size, ARRAYSIZE(size), L"%.0f B", item->size);
    out(L"  %ls  %ls  (%ls%ls%ls%ls)\n", item->id, item->title, size,
        downloaded == VARIANT_TRUE ? L", downloaded" : L"", hidden == VARIANT_TRUE ? L", hidden" : L"",
        eula == VARIANT_TRUE ? L"" : L", licence terms to accept");
}

static int search_failed(HRESULT hr, const WCHAR *source)
{
    return fail(hr, L"searching %ls failed", source);
}

/* --- search --- */

static int cmd_search(int argc, WCHAR **argv)
{
    IUpdateSession *session;
    struct items found;
    WCHAR source[128], *criteria;
    HRESULT hr;
    LONG i;

    for (i = 0; i < argc; i++) if (is_option(argv[i])) return bad_option(L"search", argv[i]);
    if (!(criteria = argc ? join(argc, argv) : _wcsdup(default_criteria))) return fail(E_OUTOFMEMORY, L"out of memory");
    if (!(session = new_session()))
    {
        free(criteria);
        return EXIT_USAGE_ERROR;
    }
    hr = search_all(session, criteria, &found, source, ARRAYSIZE(source));
    if (FAILED(hr))
    {
        items_free(&found);
        free(criteria);
        IUpdateSession_Release(session);
        return search_failed(hr, source);
    }
    out(L"%ld update%ls found (%ls)\n", found.count, found.count == 1 ? L"" : L"s", criteria);
    for (i = 0; i < found.count; i++) print_update(&found.item[i]);
    json_open(NULL, '{');
    json_string(L"command", L"search");
    json_string(L"criteria", criteria);
    json_open(L"updates", '[');
    for (i = 0; i < found.count; i++) json_update(NULL, found.item[i].update, &found.item[i]);
    json_close(']');
    json_close('}');
    items_free(&found);
    free(criteria);
    IUpdateSession_Release(session);
    return EXIT_ALL_SUCCEEDED;
}

/* --- download, install, uninstall --- */

struct selection
{
    BOOL all;
    BOOL accept_eula;
    WCHAR **ids;
    int count;
};

static int parse_selection(const WCHAR *command, int argc, WCHAR **argv, BOOL eula_option, BOOL all_option,
                           struct selection *s)
{
    int i;

    memset(s, 0, sizeof(*s));
    if (!(s->ids = calloc(argc + 1, sizeof(WCHAR *)))) return fail(E_OUTOFMEMORY, L"out of memory");
    for (i = 0; i < argc; i++)
    {
        if (all_option && !wcscmp(argv[i], L"--all")) s->all = TRUE;
        else if (eula_option && !wcscmp(argv[i], L"--accept-eula")) s->accept_eula = TRUE;
        else if (is_option(argv[i])) return bad_option(command, argv[i]);
        else s->ids[s->count++] = argv[i];
    }
    if (s->all && s->count) return fail(0, L"%ls: give either --all or update IDs, not both", command);
    if (!s->all && !s->count)
        return fail(0, L"%ls: name the updates (IDs from wuactl search)%ls", command, all_option ? L" or give --all" : L"");
    return EXIT_ALL_SUCCEEDED;
}

/* Searches and keeps the updates the selection names. */
static int select_updates(IUpdateSession *session, const WCHAR *criteria, const struct selection *s, struct items *items)
{
    const WCHAR *missing;
    WCHAR source[128];
    HRESULT hr;

    if (FAILED(hr = search_all(session, criteria, items, source, ARRAYSIZE(source))))
    {
        items_free(items);
        return search_failed(hr, source);
    }
    if (s->all) return EXIT_ALL_SUCCEEDED;
    if (FAILED(hr = items_select(items, s->ids, s->count, &missing)))
    {
        items_free(items);
        if (missing) return fail(0, L"no update '%ls' among those found by \"%ls\"", missing, criteria);
        return fail(hr, L"selecting updates failed");
    }
    return EXIT_ALL_SUCCEEDED;
}

/* Licence terms must be accepted before anything runs: with --accept-eula
 * wuactl accepts them (and says so), without it the command stops. */
static int check_eulas(struct items *items, BOOL accept)
{
    VARIANT_BOOL accepted;
    LONG i;
    HRESULT hr;

    for (i = 0; i < items->count; i++)
    {
        accepted = VARIANT_TRUE;
        IUpdate_get_EulaAccepted(items->item[i].update, &accepted);
        if (accepted == VARIANT_TRUE) continue;
        if (!accept)
            return fail(WU_E_EULAS_DECLINED, L"'%ls' (%ls) has licence terms: read them with wuactl search --json, "
                        L"then run install again with --accept-eula", items->item[i].title, items->item[i].id);
        if (FAILED(hr = IUpdate_AcceptEula(items->item[i].update)))
            return fail(hr, L"accepting the licence terms of %ls failed", items->item[i].id);
        out(L"Accepted the licence terms of %ls\n", items->item[i].title);
    }
    return EXIT_ALL_SUCCEEDED;
}

static int exit_code(const struct items *items, BOOL reboot)
{
    LONG i;

    for (i = 0; i < items->count; i++) if (items->item[i].result != orcSucceeded) return EXIT_SOME_FAILED;
    return reboot ? EXIT_REBOOT : EXIT_ALL_SUCCEEDED;
}

static void report(const WCHAR *command, const struct items *items, BOOL reboot, int code)
{
    LONG i, succeeded = 0;

    for (i = 0; i < items->count; i++) if (items->item[i].result == orcSucceeded) succeeded++;
    out(L"%ls: %ld of %ld succeeded%ls%ls\n", command, succeeded, items->count, jobs_aborted() ? L", aborted" : L"",
        reboot ? L"; a restart is required to finish" : L"");
    json_open(NULL, '{');
    json_string(L"command", command);
    json_open(L"updates", '[');
    for (i = 0; i < items->count; i++) json_update(NULL, items->item[i].update, &items->item[i]);
    json_close(']');
    json_bool(L"aborted", jobs_aborted());
    json_bool(L"reboot_required", reboot);
    json_number(L"exit_code", code);
    json_close('}');
}

static int run_operation(const WCHAR *command, enum job_kind kind, const WCHAR *criteria, BOOL eula_option,
                         BOOL all_option, int argc, WCHAR **argv)
{
    IUpdateSession *session;
    struct selection s;
    struct items items;
    BOOL reboot = FALSE;
    HRESULT hr = S_OK;
    int code;

    if ((code = parse_selection(command, argc, argv, eula_option, all_option, &s)))
    {
        free(s.ids);
        return code;
    }
    if (!(session = new_session()))
    {
        free(s.ids);
        return EXIT_USAGE_ERROR;
    }
    code = select_updates(session, criteria, &s, &items);
    free(s.ids);
    if (code)
    {
        IUpdateSession_Release(session);
        return code;
    }
    if (kind == JOB_INSTALL && (code = check_eulas(&items, s.accept_eula))) goto done;
    if (!items.count) out(L"Nothing to %ls.\n", command);
    if (kind != JOB_UNINSTALL) hr = run_job(session, JOB_DOWNLOAD, &items, &reboot);
    if (SUCCEEDED(hr) && kind != JOB_DOWNLOAD && !jobs_aborted()) hr = run_job(session, kind, &items, &reboot);
    if (FAILED(hr))
    {
        code = fail(hr, L"%ls could not start", command);
        goto done;
    }
    code = exit_code(&items, reboot);
    report(command, &items, reboot, code);
done:
    items_free(&items);
    IUpdateSession_Release(session);
    return code;
}

static int cmd_download(int argc, WCHAR **argv)
{
    return run_operation(L"download", JOB_DOWNLOAD, default_criteria, FALSE, TRUE, argc, argv);
}

static int cmd_install(int argc, WCHAR **argv)
{
    return run_operation(L"install", JOB_INSTALL, default_criteria, TRUE, TRUE, argc, argv);
}

static int cmd_uninstall(int argc, WCHAR **argv)
{
    return run_operation(L"uninstall", JOB_UNINSTALL, L"IsInstalled=1", FALSE, FALSE, argc, argv);
}

/* --- hide, unhide --- */

static int set_hidden(const WCHAR *command, BOOL hidden, int argc, WCHAR **argv)
{
    IUpdateSession *session;
    struct selection s;
    struct items items;
    HRESULT hr = S_OK;
    LONG i;
    int code;

    if ((code = parse_selection(command, argc, argv, FALSE, FALSE, &s)))
    {
        free(s.ids);
        return code;
    }
    if (!(session = new_session()))
    {
        free(s.ids);
        return EXIT_USAGE_ERROR;
    }
    code = select_updates(session, L"IsInstalled=0", &s, &items);
    free(s.ids);
    if (code)
    {
        IUpdateSession_Release(session);
        return code;
    }
    for (i = 0; i < items.count && SUCCEEDED(hr); i++)
    {
        if (FAILED(hr = IUpdate_put_IsHidden(items.item[i].update, hidden ? VARIANT_TRUE : VARIANT_FALSE)))
            code = fail(hr, L"%ls %ls failed", command, items.item[i].id);
        else out(L"%ls %ls (%ls)\n", hidden ? L"Hidden" : L"Unhidden", items.item[i].id, items.item[i].title);
    }
    if (SUCCEEDED(hr))
    {
        json_open(NULL, '{');
        json_string(L"command", command);
        json_open(L"updates", '[');
        for (i = 0; i < items.count; i++) json_update(NULL, items.item[i].update, &items.item[i]);
        json_close(']');
        json_close('}');
    }
    items_free(&items);
    IUpdateSession_Release(session);
    return code;
}

static int cmd_hide(int argc, WCHAR **argv)
{
    return set_hidden(L"hide", TRUE, argc, argv);
}

static int cmd_unhide(int argc, WCHAR **argv)
{
    return set_hidden(L"unhide", FALSE, argc, argv);
}

/* --- history --- */

static void format_date(DATE date, WCHAR *text, size_t size)
{
    SYSTEMTIME st;

    if (!VariantTimeToSystemTime(date, &st)) swprintf(text, size, L"?");
    else swprintf(text, size, L"%04u-%02u-%02uT%02u:%02u:%02uZ", st.wYear, st.wMonth, st.wDay, st.wHour, st.wMinute,
                  st.wSecond);
}

static void show_entry(IUpdateHistoryEntry *entry)
{
    IUpdateIdentity *identity = NULL;
    UpdateOperation operation = uoInstallation;
    OperationResultCode code = orcNotStarted;
    BSTR title = NULL, id = NULL, client = NULL;
    WCHAR date_text[32];
    LONG hr = S_OK;
    DATE date = 0;

    IUpdateHistoryEntry_get_Operation(entry, &operation);
    IUpdateHistoryEntry_get_ResultCode(entry, &code);
    IUpdateHistoryEntry_get_HResult(entry, &hr);
    IUpdateHistoryEntry_get_Date(entry, &date);
    IUpdateHistoryEntry_get_Title(entry, &title);
    IUpdateHistoryEntry_get_ClientApplicationID(entry, &client);
    if (SUCCEEDED(IUpdateHistoryEntry_get_UpdateIdentity(entry, &identity)))
    {
        IUpdateIdentity_get_UpdateID(identity, &id);
        IUpdateIdentity_Release(identity);
    }
    format_date(date, date_text, ARRAYSIZE(date_text));
    out(L"%ls  %-14ls %-10ls 0x%08lX  %ls  %ls\n", date_text, operation == uoUninstallation ? L"uninstallation" : L"installation",
        result_name(code), (unsigned long)hr, id ? id : L"-", title ? title : L"");
    json_open(NULL, '{');
    json_string(L"date", date_text);
    json_string(L"operation", operation == uoUninstallation ? L"uninstallation" : L"installation");
    json_string(L"result", result_name(code));
    json_hresult(L"hresult", hr);
    json_string(L"id", id);
    json_string(L"title", title);
    json_string(L"client", client);
    json_close('}');
    SysFreeString(title);
    SysFreeString(id);
    SysFreeString(client);
}

static int parse_count(int argc, WCHAR **argv, LONG *count)
{
    WCHAR *end;
    long value;
    int i;

    *count = -1;
    for (i = 0; i < argc; i++)
    {
        if (wcscmp(argv[i], L"--count")) return fail(0, L"history: unexpected argument '%ls' (see wuactl history --help)", argv[i]);
        if (++i == argc) return fail(0, L"history: --count needs a number");
        value = wcstol(argv[i], &end, 10);
        if (*end || end == argv[i] || value <= 0 || value > 1000000)
            return fail(0, L"history: --count needs a positive number, not '%ls'", argv[i]);
        *count = value;
    }
    return EXIT_ALL_SUCCEEDED;
}

static int cmd_history(int argc, WCHAR **argv)
{
    IUpdateSession *session;
    IUpdateSearcher *searcher = NULL;
    IUpdateHistoryEntryCollection *entries = NULL;
    IUpdateHistoryEntry *entry;
    LONG wanted, total = 0, count = 0, i;
    HRESULT hr;
    int code;

    if ((code = parse_count(argc, argv, &wanted))) return code;
    if (!(session = new_session())) return EXIT_USAGE_ERROR;
    if (FAILED(hr = IUpdateSession_CreateUpdateSearcher(session, &searcher))
        || FAILED(hr = IUpdateSearcher_GetTotalHistoryCount(searcher, &total)))
        code = fail(hr, L"reading the history failed");
    /* QueryHistory(0, 0) is an error even with no history: ask only for what exists */
    else if (total && FAILED(hr = IUpdateSearcher_QueryHistory(searcher, 0, wanted > 0 ? min(wanted, total) : total, &entries)))
        code = fail(hr, L"reading the history failed");
    else
    {
        if (entries) IUpdateHistoryEntryCollection_get_Count(entries, &count);
        if (!count) out(L"No history yet.\n");
        json_open(NULL, '{');
        json_string(L"command", L"history");
        json_number(L"total", total);
        json_open(L"entries", '[');
        for (i = 0; i < count; i++)
        {
            if (FAILED(IUpdateHistoryEntryCollection_get_Item(entries, i, &entry))) continue;
            show_entry(entry);
            IUpdateHistoryEntry_Release(entry);
        }
        json_close(']');
        json_close('}');
    }
    if (entries) IUpdateHistoryEntryCollection_Release(entries);
    if (searcher) IUpdateSearcher_Release(searcher);
    IUpdateSession_Release(session);
    return code;
}

/* --- status --- */

static BSTR agent_info(IWindowsUpdateAgentInfo *info, const WCHAR *name)
{
    VARIANT which, value;
    BSTR text = NULL;

    V_VT(&which) = VT_BSTR;
    V_BSTR(&which) = SysAllocString(name);
    VariantInit(&value);
    if (SUCCEEDED(IWindowsUpdateAgentInfo_GetInfo(info, which, &value))
        && SUCCEEDED(VariantChangeType(&value, &value, 0, VT_BSTR)))
    {
        text = V_BSTR(&value);
        V_VT(&value) = VT_EMPTY;
    }
    VariantClear(&value);
    VariantClear(&which);
    return text;
}

static HRESULT default_location(BSTR *location);

static int cmd_status(int argc, WCHAR **argv)
{
    IWindowsUpdateAgentInfo *info;
    ISystemInformation *system;
    IUpdateSession *session;
    IUpdateInstaller *installer = NULL;
    VARIANT_BOOL reboot = VARIANT_FALSE, busy = VARIANT_FALSE;
    BSTR version, major, minor, catalog = NULL;
    WCHAR api[32];
    HRESULT hr;

    if (argc) return fail(0, L"status: unexpected argument '%ls'", argv[0]);
    if (!(info = create_object(&CLSID_WindowsUpdateAgentInfo, &IID_IWindowsUpdateAgentInfo, &hr)))
        return fail(hr, L"cannot create Microsoft.Update.AgentInfo");
    version = agent_info(info, L"ProductVersionString");
    major = agent_info(info, L"ApiMajorVersion");
    minor = agent_info(info, L"ApiMinorVersion");
    IWindowsUpdateAgentInfo_Release(info);
    if ((system = create_object(&CLSID_SystemInformation, &IID_ISystemInformation, &hr)))
    {
        ISystemInformation_get_RebootRequired(system, &reboot);
        ISystemInformation_Release(system);
    }
    if ((session = new_session()))
    {
        if (SUCCEEDED(IUpdateSession_CreateUpdateInstaller(session, &installer)))
        {
            IUpdateInstaller_get_IsBusy(installer, &busy);
            IUpdateInstaller_Release(installer);
        }
        IUpdateSession_Release(session);
    }
    default_location(&catalog);
    swprintf(api, ARRAYSIZE(api), L"%ls.%ls", major ? major : L"?", minor ? minor : L"?");
    out(L"Agent:            wuapi.dll %ls, API %ls\n", version ? version : L"?", api);
    out(L"Reboot required:  %ls\n", reboot == VARIANT_TRUE ? L"yes" : L"no");
    out(L"Installer busy:   %ls\n", busy == VARIANT_TRUE ? L"yes" : L"no");
    out(L"Default catalog:  %ls\n", SysStringLen(catalog) ? catalog : L"(none)");
    json_open(NULL, '{');
    json_string(L"command", L"status");
    json_string(L"agent_version", version);
    json_string(L"api_version", api);
    json_bool(L"reboot_required", reboot == VARIANT_TRUE);
    json_bool(L"installer_busy", busy == VARIANT_TRUE);
    json_string(L"default_catalog", SysStringLen(catalog) ? catalog : NULL);
    json_close('}');
    SysFreeString(version);
    SysFreeString(major);
    SysFreeString(minor);
    SysFreeString(catalog);
    return EXIT_ALL_SUCCEEDED;
}

/* --- catalogs --- */

static const WCHAR default_service_id[] = L"9482f4b4-e343-43b6-b170-9a65bc822c77";

static IUpdateServiceManager *service_manager(void)
{
    IUpdateServiceManager *manager;
    HRESULT hr;

    if (!(manager = create_object(&CLSID_UpdateServiceManager, &IID_IUpdateServiceManager, &hr)))
        fail(hr, L"cannot create Microsoft.Update.ServiceManager");
    return manager;
}

/* The default service's location: the DefaultCatalog setting as OpenWUA reads it. */
static HRESULT default_location(BSTR *location)
{
    IUpdateServiceManager *manager;
    IUpdateServiceCollection *services = NULL;
    IUpdateService *service;
    LONG count = 0, i;
    BSTR id;
    HRESULT hr;

    *location = NULL;
    if (!(manager = create_object(&CLSID_UpdateServiceManager, &IID_IUpdateServiceManager, &hr))) return hr;
    if (SUCCEEDED(hr = IUpdateServiceManager_get_Services(manager, &services)))
    {
        IUpdateServiceCollection_get_Count(services, &count);
        for (i = 0; i < count && !*location; i++)
        {
            if (FAILED(IUpdateServiceCollection_get_Item(services, i, &service))) continue;
            if (SUCCEEDED(IUpdateService_get_ServiceID(service, &id)))
            {
                if (!_wcsicmp(id, default_service_id)) IUpdateService_get_ServiceUrl(service, location);
                SysFreeString(id);
            }
            IUpdateService_Release(service);
        }
        IUpdateServiceCollection_Release(services);
    }
    IUpdateServiceManager_Release(manager);
    return hr;
}

static int cmd_catalog_list(int argc, WCHAR **argv)
{
    IUpdateServiceManager *manager;
    IUpdateServiceCollection *services = NULL;
    IUpdateService *service;
    IUpdateService2 *service2;
    VARIANT_BOOL is_default, scan;
    BSTR id, name, url;
    LONG count = 0, i;
    HRESULT hr;

    if (argc) return fail(0, L"catalog list: unexpected argument '%ls'", argv[0]);
    if (!(manager = service_manager())) return EXIT_USAGE_ERROR;
    if (FAILED(hr = IUpdateServiceManager_get_Services(manager, &services)))
    {
        IUpdateServiceManager_Release(manager);
        return fail(hr, L"listing the catalogs failed");
    }
    IUpdateServiceCollection_get_Count(services, &count);
    json_open(NULL, '{');
    json_string(L"command", L"catalog list");
    json_open(L"catalogs", '[');
    for (i = 0; i < count; i++)
    {
        if (FAILED(IUpdateServiceCollection_get_Item(services, i, &service))) continue;
        id = name = url = NULL;
        is_default = scan = VARIANT_FALSE;
        IUpdateService_get_ServiceID(service, &id);
        IUpdateService_get_Name(service, &name);
        IUpdateService_get_ServiceUrl(service, &url);
        IUpdateService_get_IsScanPackageService(service, &scan);
        if (SUCCEEDED(IUpdateService_QueryInterface(service, &IID_IUpdateService2, (void **)&service2)))
        {
            IUpdateService2_get_IsDefaultAUService(service2, &is_default);
            IUpdateService2_Release(service2);
        }
        out(L"%ls  %ls%ls  %ls\n", id, name, is_default == VARIANT_TRUE ? L" (default)" : L"",
            SysStringLen(url) ? url : L"(no catalog set)");
        json_open(NULL, '{');
        json_string(L"id", id);
        json_string(L"name", name);
        json_string(L"location", SysStringLen(url) ? url : NULL);
        json_bool(L"default", is_default == VARIANT_TRUE);
        json_bool(L"scan_package", scan == VARIANT_TRUE);
        json_close('}');
        SysFreeString(id);
        SysFreeString(name);
        SysFreeString(url);
        IUpdateService_Release(service);
    }
    json_close(']');
    json_close('}');
    IUpdateServiceCollection_Release(services);
    IUpdateServiceManager_Release(manager);
    return EXIT_ALL_SUCCEEDED;
}

static BOOL is_url(const WCHAR *location)
{
    return !_wcsnicmp(location, L"http://", 7) || !_wcsnicmp(location, L"https://", 8) || !_wcsnicmp(location, L"file://", 7);
}

/* A location as the user typed it, made absolute: a Unix path (from a shell
 * under Wine) is reached through drive Z:, a relative path from the current folder. */
static WCHAR *absolute_location(const WCHAR *location)
{
    WCHAR *full, *p;
    DWORD len;

    if (is_url(location)) return _wcsdup(location);
    if (location[0] == '/')
    {
        if (!(full = malloc((wcslen(location) + 3) * sizeof(WCHAR)))) return NULL;
        swprintf(full, wcslen(location) + 3, L"Z:%ls", location);
        for (p = full; *p; p++) if (*p == '/') *p = '\\';
        return full;
    }
    if (!(len = GetFullPathNameW(location, 0, NULL, NULL)) || !(full = malloc(len * sizeof(WCHAR)))) return NULL;
    GetFullPathNameW(location, len, full, NULL);
    return full;
}

static int cmd_catalog_add(int argc, WCHAR **argv)
{
    IUpdateServiceManager *manager;
    IUpdateService *service = NULL;
    const WCHAR *name_arg = NULL, *location_arg = NULL, *slash;
    WCHAR *location;
    BSTR name, where, id = NULL;
    HRESULT hr;
    int i;

    for (i = 0; i < argc; i++)
    {
        if (!wcscmp(argv[i], L"--name") && i + 1 < argc) name_arg = argv[++i];
        else if (is_option(argv[i])) return bad_option(L"catalog add", argv[i]);
        else if (location_arg) return fail(0, L"catalog add: one location at a time");
        else location_arg = argv[i];
    }
    if (!location_arg || !*location_arg) return fail(0, L"catalog add: give the catalog's path or URL");
    if (!(location = absolute_location(location_arg))) return fail(E_OUTOFMEMORY, L"catalog add: bad path '%ls'", location_arg);
    if (!name_arg)
    {
        slash = wcsrchr(location, '/');
        if (!slash || wcsrchr(location, '\\') > slash) slash = wcsrchr(location, '\\');
        name_arg = slash && slash[1] ? slash + 1 : location;
    }
    if (!(manager = service_manager()))
    {
        free(location);
        return EXIT_USAGE_ERROR;
    }
    name = SysAllocString(name_arg);
    where = SysAllocString(location);
    hr = IUpdateServiceManager_AddScanPackageService(manager, name, where, usoNonVolatileService, &service);
    if (SUCCEEDED(hr)) hr = IUpdateService_get_ServiceID(service, &id);
    if (FAILED(hr)) i = fail(hr, L"catalog add: %ls cannot be used", location);
    else
    {
        i = EXIT_ALL_SUCCEEDED;
        out(L"Added catalog %ls (%ls): %ls\n", id, name, location);
        json_open(NULL, '{');
        json_string(L"command", L"catalog add");
        json_string(L"id", id);
        json_string(L"name", name);
        json_string(L"location", location);
        json_close('}');
    }
    if (service) IUpdateService_Release(service);
    IUpdateServiceManager_Release(manager);
    SysFreeString(name);
    SysFreeString(where);
    SysFreeString(id);
    free(location);
    return i;
}

static int cmd_catalog_remove(int argc, WCHAR **argv)
{
    IUpdateServiceManager *manager;
    BSTR id;
    HRESULT hr;

    if (argc != 1 || is_option(argv[0])) return fail(0, L"catalog remove: give one catalog ID (see wuactl catalog list)");
    if (!(manager = service_manager())) return EXIT_USAGE_ERROR;
    id = SysAllocString(argv[0]);
    hr = IUpdateServiceManager_RemoveService(manager, id);
    IUpdateServiceManager_Release(manager);
    SysFreeString(id);
    if (FAILED(hr)) return fail(hr, L"catalog remove: %ls cannot be removed", argv[0]);
    out(L"Removed catalog %ls\n", argv[0]);
    json_open(NULL, '{');
    json_string(L"command", L"catalog remove");
    json_string(L"id", argv[0]);
    json_close('}');
    return EXIT_ALL_SUCCEEDED;
}

static LONG set_default(const WCHAR *location)
{
    if (!location) return RegDeleteKeyValueW(HKEY_LOCAL_MACHINE, openwua_key, L"DefaultCatalog");
    return RegSetKeyValueW(HKEY_LOCAL_MACHINE, openwua_key, L"DefaultCatalog", REG_SZ, location,
                           (wcslen(location) + 1) * sizeof(WCHAR));
}

/* Whether the default catalog loads: a search of it, as every client will make. */
static HRESULT try_default(void)
{
    IUpdateSession *session;
    IUpdateSearcher *searcher = NULL;
    ISearchResult *result = NULL;
    BSTR criteria = SysAllocString(default_criteria);
    HRESULT hr;

    if (!(session = create_object(&CLSID_UpdateSession, &IID_IUpdateSession, &hr))) goto done;
    if (SUCCEEDED(hr = IUpdateSession_CreateUpdateSearcher(session, &searcher)))
        hr = IUpdateSearcher_Search(searcher, criteria, &result);
    if (result) ISearchResult_Release(result);
    if (searcher) IUpdateSearcher_Release(searcher);
    IUpdateSession_Release(session);
done:
    SysFreeString(criteria);
    return hr;
}

static int cmd_catalog_default(int argc, WCHAR **argv)
{
    BSTR previous = NULL;
    WCHAR *location = NULL;
    LONG error;
    HRESULT hr;

    if (argc > 1) return fail(0, L"catalog default: give one path or URL, or --none");
    if (!argc)
    {
        default_location(&previous);
        out(L"%ls\n", SysStringLen(previous) ? previous : L"(none)");
        json_open(NULL, '{');
        json_string(L"command", L"catalog default");
        json_string(L"location", SysStringLen(previous) ? previous : NULL);
        json_close('}');
        SysFreeString(previous);
        return EXIT_ALL_SUCCEEDED;
    }
    if (wcscmp(argv[0], L"--none"))
    {
        if (is_option(argv[0])) return bad_option(L"catalog default", argv[0]);
        if (!*argv[0] || !(location = absolute_location(argv[0]))) return fail(0, L"catalog default: bad location '%ls'", argv[0]);
    }
    default_location(&previous);
    error = set_default(location);
    if (error)
    {
        free(location);
        SysFreeString(previous);
        hr = HRESULT_FROM_WIN32(error);
        return fail(hr, L"catalog default: cannot write HKLM\\%ls", openwua_key);
    }
    /* a catalog that does not load is refused and the previous setting kept */
    if (location && FAILED(hr = try_default()))
    {
        set_default(SysStringLen(previous) ? previous : NULL);
        SysFreeString(previous);
        error = fail(hr, L"catalog default: %ls cannot be used", location);
        free(location);
        return error;
    }
    out(location ? L"Default catalog: %ls\n" : L"Default catalog removed\n", location);
    json_open(NULL, '{');
    json_string(L"command", L"catalog default");
    json_string(L"location", location);
    json_close('}');
    free(location);
    SysFreeString(previous);
    return EXIT_ALL_SUCCEEDED;
}

const struct command commands[] =
{
    { L"search", cmd_search, L"wuactl search [CRITERIA]",
      L"Searches the default catalog and every added catalog. CRITERIA is the Windows Update search\n"
      L"language (default: IsInstalled=0 and IsHidden=0), e.g. \"IsInstalled=1\" or \"Type='Software'\".\n" },
    { L"download", cmd_download, L"wuactl download --all | ID...",
      L"Downloads the named updates (update IDs or KB articles from wuactl search), or all that are\n"
      L"not installed, into OpenWUA's verified cache, with progress.\n" },
    { L"install", cmd_install, L"wuactl install --all | ID... [--accept-eula]",
      L"Downloads and installs the named updates, or all that are not installed and not hidden.\n"
      L"Updates with licence terms need --accept-eula, which accepts them.\n"
      L"Exit code 3010 means that everything succeeded and a restart is required.\n" },
    { L"uninstall", cmd_uninstall, L"wuactl uninstall ID...",
      L"Uninstalls installed updates (Windows Installer updates only).\n" },
    { L"history", cmd_history, L"wuactl history [--count N]",
      L"Lists past installations and uninstallations, newest first (all, or the last N).\n" },
    { L"status", cmd_status, L"wuactl status",
      L"Shows the agent version, whether a restart is required, whether an installation is\n"
      L"running, and the default catalog.\n" },
    { L"hide", cmd_hide, L"wuactl hide ID...",
      L"Hides updates: searches leave them out (IsHidden=0) and install --all skips them.\n" },
    { L"unhide", cmd_unhide, L"wuactl unhide ID...", L"Shows hidden updates again.\n" },
    { L"catalog add", cmd_catalog_add, L"wuactl catalog add PATH|URL [--name NAME]",
      L"Registers an SDP catalog (.xml, .sdp or .cab; a path, file://, http:// or https:// URL) as a\n"
      L"scan-package service. It is checked first: a catalog that does not load is refused.\n" },
    { L"catalog list", cmd_catalog_list, L"wuactl catalog list",
      L"Lists the default service and every added catalog with its ID and location.\n" },
    { L"catalog remove", cmd_catalog_remove, L"wuactl catalog remove ID", L"Removes an added catalog.\n" },
    { L"catalog default", cmd_catalog_default, L"wuactl catalog default [PATH|URL | --none]",
      L"Shows or sets the default catalog (HKLM\\Software\\OpenWUA\\DefaultCatalog), which every client\n"
      L"that does not use the service manager searches. A catalog that does not load is refused.\n" },
    { NULL }
};
