/*
 * wuactl: finding updates.  A search covers the default catalog and every
 * catalog registered as a scan-package service, so that `wuactl catalog add`
 * is all a user needs to do; an update found in two catalogs is listed once.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "wuactl.h"

/* Windows Update's service ID: OpenWUA's default service answers to it. */
static const WCHAR default_service[] = L"9482f4b4-e343-43b6-b170-9a65bc822c77";

static BOOL has_item(const struct items *items, const WCHAR *id)
{
    LONG i;

    for (i = 0; i < items->count; i++) if (!_wcsicmp(items->item[i].id, id)) return TRUE;
    return FALSE;
}

static HRESULT add_item(struct items *items, IUpdate *update, const WCHAR *service)
{
    IUpdateIdentity *identity = NULL;
    struct item *grown, *item;
    DECIMAL size;
    BSTR id = NULL;
    HRESULT hr;

    if (FAILED(hr = IUpdate_get_Identity(update, &identity))) return hr;
    hr = IUpdateIdentity_get_UpdateID(identity, &id);
    IUpdateIdentity_Release(identity);
    if (FAILED(hr)) return hr;
    if (has_item(items, id))
    {
        SysFreeString(id);
        return S_OK;
    }
    if (!(grown = realloc(items->item, (items->count + 1) * sizeof(*grown))))
    {
        SysFreeString(id);
        return E_OUTOFMEMORY;
    }
    items->item = grown;
    item = &items->item[items->count++];
    memset(item, 0, sizeof(*item));
    item->id = id;
    item->update = update;
    IUpdate_AddRef(update);
    IUpdate_get_Title(update, &item->title);
    item->service = SysAllocString(service);
    if (SUCCEEDED(IUpdate_get_MaxDownloadSize(update, &size))) VarR8FromDec(&size, &item->size);
    return S_OK;
}

static HRESULT search_one(IUpdateSession *session, const WCHAR *service, BOOL other, const WCHAR *criteria,
                          struct items *found)
{
    IUpdateSearcher *searcher = NULL;
    IUpdateCollection *updates = NULL;
    ISearchResult *result = NULL;
    IUpdate *update;
    BSTR text = SysAllocString(criteria), id = SysAllocString(service);
    LONG count = 0, i;
    HRESULT hr;

    if (FAILED(hr = IUpdateSession_CreateUpdateSearcher(session, &searcher))) goto done;
    if (other && (FAILED(hr = IUpdateSearcher_put_ServerSelection(searcher, ssOthers))
                  || FAILED(hr = IUpdateSearcher_put_ServiceID(searcher, id)))) goto done;
    if (FAILED(hr = IUpdateSearcher_Search(searcher, text, &result))) goto done;
    if (FAILED(hr = ISearchResult_get_Updates(result, &updates))) goto done;
    IUpdateCollection_get_Count(updates, &count);
    for (i = 0; i < count && SUCCEEDED(hr); i++)
    {
        if (FAILED(hr = IUpdateCollection_get_Item(updates, i, &update))) break;
        hr = add_item(found, update, service);
        IUpdate_Release(update);
    }
done:
    if (updates) IUpdateCollection_Release(updates);
    if (result) ISearchResult_Release(result);
    if (searcher) IUpdateSearcher_Release(searcher);
    SysFreeString(text);
    SysFreeString(id);
    return hr;
}

/* The IDs of the registered scan-package services. */
static HRESULT scan_services(BSTR **ids, LONG *count)
{
    IUpdateServiceManager *manager = NULL;
    IUpdateServiceCollection *services = NULL;
    IUpdateService *service;
    VARIANT_BOOL scan;
    LONG total = 0, i;
    HRESULT hr;

    *ids = NULL;
    *count = 0;
    if (!(manager = create_object(&CLSID_UpdateServiceManager, &IID_IUpdateServiceManager, &hr))) return hr;
    if (FAILED(hr = IUpdateServiceManager_get_Services(manager, &services))) goto done;
    IUpdateServiceCollection_get_Count(services, &total);
    if (total && !(*ids = calloc(total, sizeof(BSTR)))) hr = E_OUTOFMEMORY;
    for (i = 0; i < total && SUCCEEDED(hr); i++)
    {
        if (FAILED(hr = IUpdateServiceCollection_get_Item(services, i, &service))) break;
        scan = VARIANT_FALSE;
        IUpdateService_get_IsScanPackageService(service, &scan);
        if (scan == VARIANT_TRUE) hr = IUpdateService_get_ServiceID(service, &(*ids)[(*count)++]);
        IUpdateService_Release(service);
    }
done:
    if (services) IUpdateServiceCollection_Release(services);
    IUpdateServiceManager_Release(manager);
    return hr;
}

HRESULT search_all(IUpdateSession *session, const WCHAR *criteria, struct items *found, WCHAR *failed_source, size_t size)
{
    BSTR *services;
    LONG count, i;
    HRESULT hr;

    memset(found, 0, sizeof(*found));
    swprintf(failed_source, size, L"the default catalog");
    if (FAILED(hr = search_one(session, default_service, FALSE, criteria, found))) return hr;
    swprintf(failed_source, size, L"the list of catalogs");
    if (FAILED(hr = scan_services(&services, &count))) return hr;
    for (i = 0; i < count && SUCCEEDED(hr); i++)
    {
        swprintf(failed_source, size, L"catalog %ls", services[i]);
        hr = search_one(session, services[i], TRUE, criteria, found);
    }
    for (i = 0; i < count; i++) SysFreeString(services[i]);
    free(services);
    return hr;
}

void items_free(struct items *items)
{
    LONG i;

    for (i = 0; i < items->count; i++)
    {
        IUpdate_Release(items->item[i].update);
        SysFreeString(items->item[i].id);
        SysFreeString(items->item[i].title);
        SysFreeString(items->item[i].service);
    }
    free(items->item);
    memset(items, 0, sizeof(*items));
}

/* An ID as a user may type it: braces around a GUID, "KB" before an article number. */
static const WCHAR *bare(const WCHAR *id, WCHAR *buffer, size_t size)
{
    size_t len;

    if (!_wcsnicmp(id, L"KB", 2) && id[2]) id += 2;
    if (id[0] != '{') return id;
    swprintf(buffer, size, L"%ls", id + 1);
    len = wcslen(buffer);
    if (len && buffer[len - 1] == '}') buffer[len - 1] = 0;
    return buffer;
}

static BOOL has_kb(IUpdate *update, const WCHAR *wanted)
{
    IStringCollection *kbs = NULL;
    WCHAR buffer[128];
    LONG count = 0, i;
    BSTR kb;
    BOOL found = FALSE;

    if (FAILED(IUpdate_get_KBArticleIDs(update, &kbs))) return FALSE;
    IStringCollection_get_Count(kbs, &count);
    for (i = 0; i < count && !found; i++)
    {
        if (FAILED(IStringCollection_get_Item(kbs, i, &kb))) continue;
        found = !_wcsicmp(bare(kb, buffer, ARRAYSIZE(buffer)), wanted);
        SysFreeString(kb);
    }
    IStringCollection_Release(kbs);
    return found;
}

static BOOL matches(const struct item *item, const WCHAR *wanted)
{
    return !_wcsicmp(item->id, wanted) || has_kb(item->update, wanted);
}

HRESULT items_select(struct items *items, WCHAR **ids, int count, const WCHAR **missing)
{
    BOOL *keep = calloc(items->count + 1, sizeof(BOOL)), found;
    WCHAR buffer[128];
    const WCHAR *wanted;
    LONG i, kept = 0;
    int n;

    if (!keep) return E_OUTOFMEMORY;
    *missing = NULL;
    for (n = 0; n < count && !*missing; n++)
    {
        wanted = bare(ids[n], buffer, ARRAYSIZE(buffer));
        for (i = 0, found = FALSE; i < items->count; i++)
            if (matches(&items->item[i], wanted)) keep[i] = found = TRUE;
        if (!found) *missing = ids[n];
    }
    if (*missing)
    {
        free(keep);
        return WU_E_NO_UPDATE;
    }
    for (i = 0; i < items->count; i++)
    {
        if (keep[i]) items->item[kept++] = items->item[i];
        else
        {
            IUpdate_Release(items->item[i].update);
            SysFreeString(items->item[i].id);
            SysFreeString(items->item[i].title);
            SysFreeString(items->item[i].service);
        }
    }
    items->count = kept;
    free(keep);
    return S_OK;
}

IUpdateCollection *items_collection(const struct items *items, BOOL skip_failed)
{
    IUpdateCollection *collection;
    HRESULT hr;
    LONG i, index;

    if (!(collection = create_object(&CLSID_UpdateCollection, &IID_IUpdateCollection, &hr))) return NULL;
    for (i = 0; i < items->count; i++)
    {
        if (skip_failed && items->item[i].skipped) continue;
        IUpdateCollection_Add(collection, items->item[i].update, &index);
    }
    return collection;
}

const WCHAR *result_name(OperationResultCode code)
{
    switch (code)
    {
    case orcNotStarted: return L"not started";
    case orcInProgress: return L"in progress";
    case orcSucceeded: return L"succeeded";
    case orcSucceededWithErrors: return L"succeeded with errors";
    case orcFailed: return L"failed";
    case orcAborted: return L"aborted";
    }
    return L"unknown";
}

static void json_strings(const WCHAR *key, IStringCollection *strings)
{
    LONG count = 0, i;
    BSTR text;

    json_open(key, '[');
    if (strings) IStringCollection_get_Count(strings, &count);
    for (i = 0; i < count; i++)
    {
        if (FAILED(IStringCollection_get_Item(strings, i, &text))) continue;
        json_string(NULL, text);
        SysFreeString(text);
    }
    json_close(']');
}

static BOOL flag(HRESULT (*get)(IUpdate *, VARIANT_BOOL *), IUpdate *update)
{
    VARIANT_BOOL value = VARIANT_FALSE;

    return SUCCEEDED(get(update, &value)) && value == VARIANT_TRUE;
}

static HRESULT get_installed(IUpdate *u, VARIANT_BOOL *v) { return IUpdate_get_IsInstalled(u, v); }
static HRESULT get_hidden(IUpdate *u, VARIANT_BOOL *v) { return IUpdate_get_IsHidden(u, v); }
static HRESULT get_downloaded(IUpdate *u, VARIANT_BOOL *v) { return IUpdate_get_IsDownloaded(u, v); }
static HRESULT get_eula(IUpdate *u, VARIANT_BOOL *v) { return IUpdate_get_EulaAccepted(u, v); }
static HRESULT get_uninstallable(IUpdate *u, VARIANT_BOOL *v) { return IUpdate_get_IsUninstallable(u, v); }

/* One update as a JSON object; with item, the outcome of the operation too. */
void json_update(const WCHAR *key, IUpdate *update, const struct item *item)
{
    IStringCollection *kbs = NULL;
    IUpdate2 *update2;
    VARIANT_BOOL reboot = VARIANT_FALSE;
    BSTR text = NULL;

    if (!json_mode) return;
    json_open(key, '{');
    json_string(L"id", item->id);
    json_string(L"title", item->title);
    IUpdate_get_KBArticleIDs(update, &kbs);
    json_strings(L"kb", kbs);
    if (kbs) IStringCollection_Release(kbs);
    json_number(L"size", item->size);
    json_string(L"service", item->service);
    json_bool(L"installed", flag(get_installed, update));
    json_bool(L"hidden", flag(get_hidden, update));
    json_bool(L"downloaded", flag(get_downloaded, update));
    json_bool(L"uninstallable", flag(get_uninstallable, update));
    json_bool(L"eula_accepted", flag(get_eula, update));
    if (SUCCEEDED(IUpdate_get_EulaText(update, &text))) json_string(L"eula", SysStringLen(text) ? text : NULL);
    SysFreeString(text);
    text = NULL;
    if (SUCCEEDED(IUpdate_get_MsrcSeverity(update, &text))) json_string(L"severity", SysStringLen(text) ? text : NULL);
    SysFreeString(text);
    if (SUCCEEDED(IUpdate_QueryInterface(update, &IID_IUpdate2, (void **)&update2)))
    {
        IUpdate2_get_RebootRequired(update2, &reboot);
        IUpdate2_Release(update2);
    }
    json_bool(L"reboot_required", reboot == VARIANT_TRUE);
    if (item->result != orcNotStarted || item->skipped)
    {
        json_string(L"result", result_name(item->result));
        json_hresult(L"hresult", item->hr);
    }
    json_close('}');
}
