/*
 * OpenWUA: UpdateSearcher and the search result.
 *
 * A search loads the catalog of the service the searcher selects, works out
 * for every package whether it is installed and whether it applies to this
 * machine (rules.c), drops what newer applicable updates supersede, and keeps
 * the updates the criteria ask for.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "private.h"
#include "log.h"
#include "store.h"
#include "category.h"
#include "criteria.h"
#include "history.h"
#include "jobs.h"

/* --- applicability --- */

struct verdict
{
    BOOL applicable;        /* installed, or installable and not superseded by its own rule */
    BOOL installed;
};

/* Both rules where present; a missing rule is "value_if_absent". */
static enum rule_result both(const struct rule *a, const struct rule *b, enum rule_result value_if_absent,
                             const struct rule_facts *facts, struct rule_cache *cache)
{
    enum rule_result first = a ? rule_evaluate(a, facts, cache) : value_if_absent;
    enum rule_result second;

    if (first == RULE_RESULT_FALSE) return first;
    second = b ? rule_evaluate(b, facts, cache) : value_if_absent;
    if (second == RULE_RESULT_FALSE) return second;
    return first == RULE_RESULT_ERROR || second == RULE_RESULT_ERROR ? RULE_RESULT_ERROR : RULE_RESULT_TRUE;
}

/* IsInstalled and IsInstallable hold at package and item level, ANDed;
 * IsInstalled defaults to false, IsInstallable to true, IsSuperseded to false.
 * A rule that cannot be evaluated leaves the update out: never a guess. */
static void judge(const struct catalog_package *package, const struct rule_facts *facts, struct rule_cache *cache,
                  struct verdict *verdict)
{
    const struct catalog_item *item = package->item_count ? &package->items[0] : NULL;
    const struct rule *item_installed = item ? item->is_installed : NULL;
    enum rule_result installed, installable, superseded;

    memset(verdict, 0, sizeof(*verdict));
    if (!package->is_installed && !item_installed) installed = RULE_RESULT_FALSE;
    else installed = both(package->is_installed, item_installed, RULE_RESULT_TRUE, facts, cache);
    if (installed == RULE_RESULT_ERROR) return;
    verdict->installed = installed == RULE_RESULT_TRUE;
    if (verdict->installed)
    {
        verdict->applicable = TRUE;
        return;
    }
    installable = both(package->is_installable, item ? item->is_installable : NULL, RULE_RESULT_TRUE, facts, cache);
    if (installable != RULE_RESULT_TRUE) return;
    superseded = item && item->is_superseded ? rule_evaluate(item->is_superseded, facts, cache) : RULE_RESULT_FALSE;
    verdict->applicable = superseded == RULE_RESULT_FALSE;
}

static int compare_guids(const void *a, const void *b)
{
    return memcmp(a, b, sizeof(GUID));
}

/* The updates that applicable packages supersede, sorted for bsearch. */
static GUID *superseded_ids(const struct catalog *catalog, const struct verdict *verdicts, unsigned int *count)
{
    unsigned int i, j, total = 0;
    GUID *ids;

    for (i = 0; i < catalog->package_count; i++)
        if (verdicts[i].applicable) total += catalog->packages[i].superseded_count;
    *count = 0;
    if (!(ids = malloc(max(1, total) * sizeof(*ids)))) return NULL;
    for (i = 0; i < catalog->package_count; i++)
    {
        if (!verdicts[i].applicable) continue;
        for (j = 0; j < catalog->packages[i].superseded_count; j++) ids[(*count)++] = catalog->packages[i].superseded[j];
    }
    qsort(ids, *count, sizeof(*ids), compare_guids);
    return ids;
}

/* --- ISearchResult --- */

struct search_result
{
    ISearchResult ISearchResult_iface;
    LONG refs;
    OperationResultCode code;
    IUpdateCollection *updates;
    struct category_set *categories;
};

static struct dispatch_type search_result_type = DISPATCH_TYPE(IID_ISearchResult);
static struct dispatch_type exception_collection_type = DISPATCH_TYPE(IID_IUpdateExceptionCollection);

static inline struct search_result *impl_from_ISearchResult(ISearchResult *iface)
{
    return CONTAINING_RECORD(iface, struct search_result, ISearchResult_iface);
}

static HRESULT WINAPI result_QueryInterface(ISearchResult *iface, REFIID riid, void **obj)
{
    if (!obj) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch) || IsEqualIID(riid, &IID_ISearchResult))
    {
        *obj = iface;
        ISearchResult_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI result_AddRef(ISearchResult *iface)
{
    return InterlockedIncrement(&impl_from_ISearchResult(iface)->refs);
}

static ULONG WINAPI result_Release(ISearchResult *iface)
{
    struct search_result *This = impl_from_ISearchResult(iface);
    ULONG refs = InterlockedDecrement(&This->refs);

    if (!refs)
    {
        IUpdateCollection_Release(This->updates);
        category_set_release(This->categories);
        free(This);
        object_destroyed();
    }
    return refs;
}

DEFINE_IDISPATCH(result, ISearchResult, search_result_type)

static HRESULT WINAPI result_get_ResultCode(ISearchResult *iface, OperationResultCode *out)
{
    if (!out) return E_POINTER;
    *out = impl_from_ISearchResult(iface)->code;
    return S_OK;
}

static HRESULT WINAPI result_get_RootCategories(ISearchResult *iface, ICategoryCollection **out)
{
    if (!out) return E_POINTER;
    return category_collection_create(impl_from_ISearchResult(iface)->categories, CATEGORY_ROOTS, out);
}

/* The result's own collection: read-only, and clients pass it straight to a downloader. */
static HRESULT WINAPI result_get_Updates(ISearchResult *iface, IUpdateCollection **out)
{
    if (!out) return E_POINTER;
    *out = impl_from_ISearchResult(iface)->updates;
    IUpdateCollection_AddRef(*out);
    return S_OK;
}

static HRESULT WINAPI result_get_Warnings(ISearchResult *iface, IUpdateExceptionCollection **out)
{
    struct var_array none = { 0 };

    (void)iface;
    if (!out) return E_POINTER;
    return ro_collection_create(&IID_IUpdateExceptionCollection, &exception_collection_type, &none, (void **)out);
}

static const ISearchResultVtbl search_result_vtbl =
{
    result_QueryInterface,
    result_AddRef,
    result_Release,
    result_GetTypeInfoCount,
    result_GetTypeInfo,
    result_GetIDsOfNames,
    result_Invoke,
    result_get_ResultCode,
    result_get_RootCategories,
    result_get_Updates,
    result_get_Warnings,
};

static HRESULT result_create(struct search_result **out)
{
    struct search_result *This;
    HRESULT hr;

    if (!(This = calloc(1, sizeof(*This)))) return E_OUTOFMEMORY;
    This->ISearchResult_iface.lpVtbl = &search_result_vtbl;
    This->refs = 1;
    This->code = orcSucceeded;
    if (FAILED(hr = update_collection_create(TRUE, &This->updates)) || FAILED(hr = category_set_create(&This->categories)))
    {
        if (This->updates) IUpdateCollection_Release(This->updates);
        free(This);
        return hr;
    }
    object_created();
    *out = This;
    return S_OK;
}

/* --- the search itself --- */

struct search
{
    const struct criteria *criteria;
    const GUID *service;
    LCID locale;
    BOOL include_superseded;
    struct catalog_ref *source;
    struct verdict *verdicts;
    GUID *superseded;
    unsigned int superseded_count;
    struct search_result *result;
};

static void fill_subject(const struct catalog_package *package, const struct update_record *record,
                         GUID *categories, struct criteria_subject *subject)
{
    unsigned int count = 0;

    memset(subject, 0, sizeof(*subject));
    subject->update_id = package->id;
    subject->revision = package->revision;
    subject->type = package->type;
    subject->is_installed = subject->is_present = update_record_has(record, UPDATE_INSTALLED);
    subject->is_hidden = update_record_has(record, UPDATE_HIDDEN);
    subject->reboot_required = update_record_has(record, UPDATE_REBOOT_REQUIRED);
    /* Everything in a catalog the administrator added is meant for this machine. */
    subject->is_assigned = TRUE;
    subject->auto_select_on_websites = package->classification
        && (!_wcsicmp(package->classification, L"Critical Updates")
            || !_wcsicmp(package->classification, L"Security Updates"));
    if (catalog_classification_guid(package->classification, &categories[count])) count++;
    if (package->vendor && SUCCEEDED(catalog_name_guid(package->vendor, &categories[count]))) count++;
    subject->categories = categories;
    subject->category_count = count;
}

static BOOL is_superseded(const struct search *search, const struct catalog_package *package)
{
    return !search->include_superseded
        && bsearch(&package->id, search->superseded, search->superseded_count, sizeof(GUID), compare_guids);
}

static HRESULT offer(struct search *search, const struct catalog_package *package, const struct verdict *verdict)
{
    struct criteria_subject subject;
    struct update_record *record;
    GUID categories[2];
    IUpdate *update;
    HRESULT hr;
    int action;

    if (FAILED(hr = update_record_get(search->service, search->source, package, &record))) return hr;
    update_record_set(record, UPDATE_INSTALLED, verdict->installed);
    fill_subject(package, record, categories, &subject);
    for (action = daInstallation; action <= daUninstallation; action++)
    {
        /* Only what is installed can be uninstalled. */
        if (action == daUninstallation && !verdict->installed) continue;
        if (!criteria_match(search->criteria, &subject, action)) continue;
        if (SUCCEEDED(hr = update_create(record, search->locale, action, &update)))
        {
            if (SUCCEEDED(hr = update_collection_append(search->result->updates, update)))
                hr = update_add_to_categories(update, search->result->categories);
            IUpdate_Release(update);
        }
        break;
    }
    update_record_release(record);
    return hr;
}

static HRESULT run_search(struct search *search)
{
    const struct catalog *catalog = search->source->catalog;
    struct rule_cache *cache = rule_cache_create();
    HRESULT hr = S_OK;
    unsigned int i;

    if (!cache || !(search->verdicts = calloc(max(1, catalog->package_count), sizeof(*search->verdicts))))
    {
        rule_cache_free(cache);
        return E_OUTOFMEMORY;
    }
    for (i = 0; i < catalog->package_count; i++)
        judge(&catalog->packages[i], rule_system_facts(), cache, &search->verdicts[i]);
    rule_cache_free(cache);
    if (!(search->superseded = superseded_ids(catalog, search->verdicts, &search->superseded_count)))
        return E_OUTOFMEMORY;
    for (i = 0; i < catalog->package_count && SUCCEEDED(hr); i++)
    {
        const struct catalog_package *package = &catalog->packages[i];

        if (!search->verdicts[i].applicable) continue;
        if (!search->verdicts[i].installed && is_superseded(search, package)) continue;
        hr = offer(search, package, &search->verdicts[i]);
    }
    return hr;
}

static void record_success(void)
{
    SYSTEMTIME now;
    DATE date;

    GetSystemTime(&now);
    if (SystemTimeToVariantTime(&now, &date)) state_set_date(state_key_openwua, L"LastSearchSuccessDate", date);
}

/* location NULL: the service has no catalog, and finds nothing. */
static void log_search(const WCHAR *criteria, const WCHAR *location, HRESULT hr, struct search_result *result)
{
    IUpdateCollection *updates;
    LONG count = 0;

    if (SUCCEEDED(hr) && SUCCEEDED(ISearchResult_get_Updates(&result->ISearchResult_iface, &updates)))
    {
        IUpdateCollection_get_Count(updates, &count);
        IUpdateCollection_Release(updates);
    }
    log_write(LOG_RESULT(hr), L"Search \"%ls\" in %ls: 0x%08lx, %ld updates", criteria ? criteria : L"",
              location ? location : L"(no catalog)", (unsigned long)hr, count);
}

HRESULT search_catalog(const WCHAR *criteria_text, const GUID *service, const WCHAR *location, LCID locale,
                       BOOL include_superseded, ISearchResult **out)
{
    struct search search = { 0 };
    struct criteria *criteria;
    HRESULT hr, support;

    *out = NULL;
    if (FAILED(hr = criteria_parse(criteria_text, &criteria))) return hr;
    support = criteria_support(criteria);
    search.criteria = criteria;
    search.service = service;
    search.locale = locale;
    search.include_superseded = include_superseded;
    if (SUCCEEDED(hr = result_create(&search.result)) && location
        && SUCCEEDED(hr = catalog_ref_load(location, &search.source)))
        hr = run_search(&search);
    criteria_free(criteria);
    free(search.verdicts);
    free(search.superseded);
    if (search.source) catalog_ref_release(search.source);
    log_search(criteria_text, location, hr, search.result);
    if (FAILED(hr))
    {
        if (search.result) ISearchResult_Release(&search.result->ISearchResult_iface);
        return hr;
    }
    record_success();
    *out = &search.result->ISearchResult_iface;
    return support;
}

/* --- IUpdateSearcher3 --- */

struct searcher
{
    IUpdateSearcher3 IUpdateSearcher3_iface;
    LONG refs;
    BOOL can_upgrade_service;
    struct client_id client_id;
    BOOL include_superseded;
    ServerSelection server;
    BOOL has_service;
    GUID service;
    BOOL online;
    BOOL ignore_priority;
    SearchScope scope;
    LCID locale;
};

static struct dispatch_type searcher_type = DISPATCH_TYPE(IID_IUpdateSearcher3);

static inline struct searcher *impl_from_IUpdateSearcher3(IUpdateSearcher3 *iface)
{
    return CONTAINING_RECORD(iface, struct searcher, IUpdateSearcher3_iface);
}

static HRESULT WINAPI searcher_QueryInterface(IUpdateSearcher3 *iface, REFIID riid, void **obj)
{
    if (!obj) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch) || IsEqualIID(riid, &IID_IUpdateSearcher)
        || IsEqualIID(riid, &IID_IUpdateSearcher2) || IsEqualIID(riid, &IID_IUpdateSearcher3))
    {
        *obj = iface;
        IUpdateSearcher3_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI searcher_AddRef(IUpdateSearcher3 *iface)
{
    return InterlockedIncrement(&impl_from_IUpdateSearcher3(iface)->refs);
}

static ULONG WINAPI searcher_Release(IUpdateSearcher3 *iface)
{
    struct searcher *This = impl_from_IUpdateSearcher3(iface);
    ULONG refs = InterlockedDecrement(&This->refs);

    if (!refs)
    {
        client_id_free(&This->client_id);
        free(This);
        object_destroyed();
    }
    return refs;
}

DEFINE_IDISPATCH(searcher, IUpdateSearcher3, searcher_type)

static HRESULT put_flag(BOOL *field, VARIANT_BOOL value)
{
    if (!is_variant_bool(value)) return E_INVALIDARG;
    *field = value == VARIANT_TRUE;
    return S_OK;
}

static HRESULT WINAPI searcher_get_CanAutomaticallyUpgradeService(IUpdateSearcher3 *iface, VARIANT_BOOL *out)
{
    return return_bool(impl_from_IUpdateSearcher3(iface)->can_upgrade_service, out);
}

static HRESULT WINAPI searcher_put_CanAutomaticallyUpgradeService(IUpdateSearcher3 *iface, VARIANT_BOOL value)
{
    return put_flag(&impl_from_IUpdateSearcher3(iface)->can_upgrade_service, value);
}

/* [MS-UAMG]: a searcher's ClientApplicationID starts empty. */
static HRESULT WINAPI searcher_get_ClientApplicationID(IUpdateSearcher3 *iface, BSTR *out)
{
    return client_id_get(&impl_from_IUpdateSearcher3(iface)->client_id, L"", out);
}

static HRESULT WINAPI searcher_put_ClientApplicationID(IUpdateSearcher3 *iface, BSTR value)
{
    return client_id_put(&impl_from_IUpdateSearcher3(iface)->client_id, value);
}

static HRESULT WINAPI searcher_get_IncludePotentiallySupersededUpdates(IUpdateSearcher3 *iface, VARIANT_BOOL *out)
{
    return return_bool(impl_from_IUpdateSearcher3(iface)->include_superseded, out);
}

static HRESULT WINAPI searcher_put_IncludePotentiallySupersededUpdates(IUpdateSearcher3 *iface, VARIANT_BOOL value)
{
    return put_flag(&impl_from_IUpdateSearcher3(iface)->include_superseded, value);
}

static HRESULT WINAPI searcher_get_ServerSelection(IUpdateSearcher3 *iface, ServerSelection *out)
{
    if (!out) return E_POINTER;
    *out = impl_from_IUpdateSearcher3(iface)->server;
    return S_OK;
}

static HRESULT WINAPI searcher_put_ServerSelection(IUpdateSearcher3 *iface, ServerSelection value)
{
    if (value < ssDefault || value > ssOthers) return E_INVALIDARG;
    impl_from_IUpdateSearcher3(iface)->server = value;
    return S_OK;
}

/* What BeginSearch copies from the searcher: changing it later does not change the search. */
struct search_task
{
    BSTR criteria;
    struct searcher settings;   /* only server, has_service, service, locale, include_superseded */
};

static HRESULT searcher_source(struct searcher *This, GUID *service, WCHAR **location);

static void search_task_free(void *context)
{
    struct search_task *task = context;

    SysFreeString(task->criteria);
    free(task);
}

/* The job's work: what Search does, unless RequestAbort came first or came
 * before the search was over.  Then the result is orcAborted with no updates,
 * whatever the search found or failed with. */
static HRESULT search_work(struct job *job, void *context, IUnknown **out)
{
    struct search_task *task = context;
    struct search_result *aborted;
    ISearchResult *result = NULL;
    WCHAR *location;
    GUID service;
    HRESULT hr;

    if (!job_abort_requested(job))
    {
        if (task->criteria && wcslen(task->criteria) != SysStringLen(task->criteria)) hr = WU_E_INVALID_CRITERIA;
        else if (SUCCEEDED(hr = searcher_source(&task->settings, &service, &location)))
        {
            hr = search_catalog(task->criteria, &service, location, task->settings.locale,
                                task->settings.include_superseded, &result);
            free(location);
        }
        if (!job_abort_requested(job))
        {
            *out = (IUnknown *)result;
            return hr;
        }
        if (result) ISearchResult_Release(result);
    }
    if (FAILED(hr = result_create(&aborted))) return hr;
    aborted->code = orcAborted;
    *out = (IUnknown *)&aborted->ISearchResult_iface;
    return S_OK;
}

/* Criteria and settings are checked by the search itself: EndSearch returns
 * what Search would have returned (WU_E_INVALID_CRITERIA among them). */
static HRESULT WINAPI searcher_BeginSearch(IUpdateSearcher3 *iface, BSTR criteria, IUnknown *callback, VARIANT state,
                                           ISearchJob **out)
{
    struct searcher *This = impl_from_IUpdateSearcher3(iface);
    struct job_params params = { 0 };
    struct search_task *task;
    IDispatch *job;
    HRESULT hr;

    if (!out) return E_POINTER;
    *out = NULL;
    if (!(task = calloc(1, sizeof(*task)))) return E_OUTOFMEMORY;
    if (criteria && !(task->criteria = SysAllocStringLen(criteria, SysStringLen(criteria))))
    {
        free(task);
        return E_OUTOFMEMORY;
    }
    task->settings.server = This->server;
    task->settings.has_service = This->has_service;
    task->settings.service = This->service;
    task->settings.locale = This->locale;
    task->settings.include_superseded = This->include_superseded;
    params.kind = JOB_SEARCH;
    params.owner = (IUnknown *)iface;
    params.work = search_work;
    params.context = task;
    params.free_context = search_task_free;
    params.on_completed = callback;
    params.state = &state;
    if (SUCCEEDED(hr = job_start(&params, &job))) *out = (ISearchJob *)job;
    return hr;
}

/* E_POINTER for a NULL job, E_INVALIDARG for a job begun on another searcher,
 * WU_E_INVALID_OPERATION the second time. */
static HRESULT WINAPI searcher_EndSearch(IUpdateSearcher3 *iface, ISearchJob *job, ISearchResult **out)
{
    IUnknown *result;
    HRESULT hr;

    if (!out) return E_POINTER;
    *out = NULL;
    hr = job_end((IUnknown *)job, JOB_SEARCH, (IUnknown *)iface, &result);
    *out = (ISearchResult *)result;
    return hr;
}

/* [MS-UAMG] 3.38.4.9: ' → ['], [ → [[], ] → []]. */
static HRESULT WINAPI searcher_EscapeString(IUpdateSearcher3 *iface, BSTR text, BSTR *out)
{
    UINT i, len = SysStringLen(text), extra = 0;
    WCHAR *p;

    (void)iface;
    if (!out) return E_POINTER;
    for (i = 0; i < len; i++) extra += (text[i] == '\'' || text[i] == '[' || text[i] == ']') ? 2 : 0;
    if (!(*out = SysAllocStringLen(NULL, len + extra))) return E_OUTOFMEMORY;
    for (i = 0, p = *out; i < len; i++)
    {
        if (text[i] == '\'' || text[i] == '[' || text[i] == ']')
        {
            *p++ = '[';
            *p++ = text[i];
            *p++ = ']';
        }
        else *p++ = text[i];
    }
    return S_OK;
}

/* A start past the end reads an empty collection: clients page with QueryHistory(i, 1) until Count is 0. */
static HRESULT WINAPI searcher_QueryHistory(IUpdateSearcher3 *iface, LONG start, LONG count,
                                            IUpdateHistoryEntryCollection **out)
{
    (void)iface;
    if (!out) return E_POINTER;
    *out = NULL;
    if (start < 0 || count <= 0) return WU_E_INVALIDINDEX;
    return history_query(NULL, start, count, out);
}

static HRESULT searcher_source(struct searcher *This, GUID *service, WCHAR **location)
{
    if (This->server != ssOthers)
    {
        *service = default_service_id;
        return service_location(service, location);
    }
    /* ssOthers needs a ServiceID. */
    if (!This->has_service) return E_INVALIDARG;
    *service = This->service;
    return service_location(service, location);
}

static HRESULT WINAPI searcher_Search(IUpdateSearcher3 *iface, BSTR criteria, ISearchResult **out)
{
    struct searcher *This = impl_from_IUpdateSearcher3(iface);
    WCHAR *location;
    GUID service;
    HRESULT hr;

    if (!out) return E_POINTER;
    *out = NULL;
    /* The parser reads up to the first NUL: a BSTR with more after it is not what it seems. */
    if (criteria && wcslen(criteria) != SysStringLen(criteria)) return WU_E_INVALID_CRITERIA;
    if (FAILED(hr = searcher_source(This, &service, &location))) return hr;
    hr = search_catalog(criteria, &service, location, This->locale, This->include_superseded, out);
    free(location);
    return hr;
}

static HRESULT WINAPI searcher_get_Online(IUpdateSearcher3 *iface, VARIANT_BOOL *out)
{
    return return_bool(impl_from_IUpdateSearcher3(iface)->online, out);
}

static HRESULT WINAPI searcher_put_Online(IUpdateSearcher3 *iface, VARIANT_BOOL value)
{
    return put_flag(&impl_from_IUpdateSearcher3(iface)->online, value);
}

static HRESULT WINAPI searcher_GetTotalHistoryCount(IUpdateSearcher3 *iface, LONG *out)
{
    (void)iface;
    return history_count(out);
}

static HRESULT WINAPI searcher_get_ServiceID(IUpdateSearcher3 *iface, BSTR *out)
{
    struct searcher *This = impl_from_IUpdateSearcher3(iface);

    if (!This->has_service) return return_bstr(L"", out);
    return return_guid(&This->service, out);
}

static HRESULT WINAPI searcher_put_ServiceID(IUpdateSearcher3 *iface, BSTR value)
{
    struct searcher *This = impl_from_IUpdateSearcher3(iface);
    GUID id;

    if (!SysStringLen(value))
    {
        This->has_service = FALSE;
        return S_OK;
    }
    if (FAILED(guid_from_string(value, &id))) return E_INVALIDARG;
    This->service = id;
    This->has_service = TRUE;
    return S_OK;
}

static HRESULT WINAPI searcher_get_IgnoreDownloadPriority(IUpdateSearcher3 *iface, VARIANT_BOOL *out)
{
    return return_bool(impl_from_IUpdateSearcher3(iface)->ignore_priority, out);
}

static HRESULT WINAPI searcher_put_IgnoreDownloadPriority(IUpdateSearcher3 *iface, VARIANT_BOOL value)
{
    return put_flag(&impl_from_IUpdateSearcher3(iface)->ignore_priority, value);
}

static HRESULT WINAPI searcher_get_SearchScope(IUpdateSearcher3 *iface, SearchScope *out)
{
    if (!out) return E_POINTER;
    *out = impl_from_IUpdateSearcher3(iface)->scope;
    return S_OK;
}

/* SDP updates are machine-wide, so every scope finds the same updates. */
static HRESULT WINAPI searcher_put_SearchScope(IUpdateSearcher3 *iface, SearchScope value)
{
    if (value < searchScopeDefault || value > searchScopeAllUsers) return E_INVALIDARG;
    impl_from_IUpdateSearcher3(iface)->scope = value;
    return S_OK;
}

static const IUpdateSearcher3Vtbl searcher_vtbl =
{
    searcher_QueryInterface,
    searcher_AddRef,
    searcher_Release,
    searcher_GetTypeInfoCount,
    searcher_GetTypeInfo,
    searcher_GetIDsOfNames,
    searcher_Invoke,
    searcher_get_CanAutomaticallyUpgradeService,
    searcher_put_CanAutomaticallyUpgradeService,
    searcher_get_ClientApplicationID,
    searcher_put_ClientApplicationID,
    searcher_get_IncludePotentiallySupersededUpdates,
    searcher_put_IncludePotentiallySupersededUpdates,
    searcher_get_ServerSelection,
    searcher_put_ServerSelection,
    searcher_BeginSearch,
    searcher_EndSearch,
    searcher_EscapeString,
    searcher_QueryHistory,
    searcher_Search,
    searcher_get_Online,
    searcher_put_Online,
    searcher_GetTotalHistoryCount,
    searcher_get_ServiceID,
    searcher_put_ServiceID,
    searcher_get_IgnoreDownloadPriority,
    searcher_put_IgnoreDownloadPriority,
    searcher_get_SearchScope,
    searcher_put_SearchScope,
};

/* locale: the session's UserLocale, or the user's for a searcher made on its own. */
HRESULT searcher_create(LCID locale, REFIID riid, void **obj)
{
    struct searcher *This;
    HRESULT hr;

    if (!(This = calloc(1, sizeof(*This)))) return E_OUTOFMEMORY;
    This->IUpdateSearcher3_iface.lpVtbl = &searcher_vtbl;
    This->refs = 1;
    This->online = TRUE;
    This->locale = locale;
    object_created();
    hr = IUpdateSearcher3_QueryInterface(&This->IUpdateSearcher3_iface, riid, obj);
    IUpdateSearcher3_Release(&This->IUpdateSearcher3_iface);
    return hr;
}

HRESULT searcher_create_class(REFIID riid, void **obj)
{
    return searcher_create(MAKELCID(GetUserDefaultUILanguage(), SORT_DEFAULT), riid, obj);
}
