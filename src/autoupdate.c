/*
 * OpenWUA: AutomaticUpdates, its settings and its results.
 *
 * Settings live where Windows keeps them ("WindowsUpdate\Auto Update": AUOptions,
 * ScheduledInstallDay, ...), so tools that read the registry see the same values.
 * Group Policy values, when present, win and make the settings read-only.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "private.h"

static const WCHAR service_enabled_value[] = L"AUServiceEnabled";
static const WCHAR paused_value[] = L"AUPaused";
static const WCHAR last_search_value[] = L"LastSearchSuccessDate";
static const WCHAR last_install_value[] = L"LastInstallationSuccessDate";

/* --- settings --- */

struct au_values
{
    DWORD level;            /* AutomaticUpdatesNotificationLevel */
    DWORD day;              /* AutomaticUpdatesScheduledInstallationDay */
    DWORD time;             /* hour, 0-23 */
    DWORD recommended;
    DWORD elevate_non_admins;
    DWORD featured;
};

struct au_field
{
    const WCHAR *name;      /* the Windows registry value */
    size_t offset;
    DWORD fallback;         /* what Windows assumes when the value is absent */
};

static const struct au_field au_fields[] =
{
    { L"AUOptions", offsetof(struct au_values, level), aunlNotConfigured },
    { L"ScheduledInstallDay", offsetof(struct au_values, day), ausidEveryDay },
    { L"ScheduledInstallTime", offsetof(struct au_values, time), 3 },
    { L"IncludeRecommendedUpdates", offsetof(struct au_values, recommended), 0 },
    { L"ElevateNonAdmins", offsetof(struct au_values, elevate_non_admins), 1 },
    { L"EnableFeaturedSoftware", offsetof(struct au_values, featured), 0 },
};

#define FIELD(values, field) ((DWORD *)((BYTE *)(values) + (field)->offset))

/* Reads the settings; returns TRUE when Group Policy sets any of them. */
static BOOL au_read(struct au_values *values)
{
    BOOL policy = FALSE;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(au_fields); i++)
    {
        DWORD *field = FIELD(values, &au_fields[i]);

        if (SUCCEEDED(state_get_dword(state_key_au_policy, au_fields[i].name, field))) policy = TRUE;
        else if (FAILED(state_get_dword(state_key_au, au_fields[i].name, field))) *field = au_fields[i].fallback;
    }
    return policy;
}

static HRESULT au_write(const struct au_values *values)
{
    HRESULT hr = S_OK;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(au_fields) && SUCCEEDED(hr); i++)
        hr = state_set_dword(state_key_au, au_fields[i].name, *FIELD(values, &au_fields[i]));
    return hr;
}

struct au_settings
{
    IAutomaticUpdatesSettings3 IAutomaticUpdatesSettings3_iface;
    LONG refs;
    struct au_values values;
    BOOL required;          /* Group Policy manages the settings */
};

static struct dispatch_type au_settings_type = DISPATCH_TYPE(IID_IAutomaticUpdatesSettings3);

static inline struct au_settings *impl_from_IAutomaticUpdatesSettings3(IAutomaticUpdatesSettings3 *iface)
{
    return CONTAINING_RECORD(iface, struct au_settings, IAutomaticUpdatesSettings3_iface);
}

static HRESULT WINAPI au_settings_QueryInterface(IAutomaticUpdatesSettings3 *iface, REFIID riid, void **obj)
{
    if (!obj) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch)
        || IsEqualIID(riid, &IID_IAutomaticUpdatesSettings) || IsEqualIID(riid, &IID_IAutomaticUpdatesSettings2)
        || IsEqualIID(riid, &IID_IAutomaticUpdatesSettings3))
    {
        *obj = iface;
        IAutomaticUpdatesSettings3_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI au_settings_AddRef(IAutomaticUpdatesSettings3 *iface)
{
    return InterlockedIncrement(&impl_from_IAutomaticUpdatesSettings3(iface)->refs);
}

static ULONG WINAPI au_settings_Release(IAutomaticUpdatesSettings3 *iface)
{
    struct au_settings *This = impl_from_IAutomaticUpdatesSettings3(iface);
    ULONG refs = InterlockedDecrement(&This->refs);

    if (!refs)
    {
        free(This);
        object_destroyed();
    }
    return refs;
}

DEFINE_IDISPATCH(au_settings, IAutomaticUpdatesSettings3, au_settings_type)

static HRESULT get_value(DWORD value, LONG *out)
{
    if (!out) return E_POINTER;
    *out = (LONG)value;
    return S_OK;
}

/* Values are checked at once; they reach the registry only through Save. */
static HRESULT put_value(DWORD *field, LONG value, LONG low, LONG high)
{
    if (value < low || value > high) return E_INVALIDARG;
    *field = (DWORD)value;
    return S_OK;
}

static HRESULT put_flag(DWORD *field, VARIANT_BOOL value)
{
    if (!is_variant_bool(value)) return E_INVALIDARG;
    *field = value == VARIANT_TRUE;
    return S_OK;
}

static HRESULT WINAPI au_settings_get_NotificationLevel(IAutomaticUpdatesSettings3 *iface,
                                                        AutomaticUpdatesNotificationLevel *out)
{
    return get_value(impl_from_IAutomaticUpdatesSettings3(iface)->values.level, (LONG *)out);
}

/* aunlNotConfigured describes a state; it cannot be chosen. */
static HRESULT WINAPI au_settings_put_NotificationLevel(IAutomaticUpdatesSettings3 *iface,
                                                        AutomaticUpdatesNotificationLevel value)
{
    return put_value(&impl_from_IAutomaticUpdatesSettings3(iface)->values.level, value,
                     aunlDisabled, aunlScheduledInstallation);
}

static HRESULT WINAPI au_settings_get_ReadOnly(IAutomaticUpdatesSettings3 *iface, VARIANT_BOOL *out)
{
    return return_bool(impl_from_IAutomaticUpdatesSettings3(iface)->required, out);
}

static HRESULT WINAPI au_settings_get_Required(IAutomaticUpdatesSettings3 *iface, VARIANT_BOOL *out)
{
    return return_bool(impl_from_IAutomaticUpdatesSettings3(iface)->required, out);
}

static HRESULT WINAPI au_settings_get_ScheduledInstallationDay(IAutomaticUpdatesSettings3 *iface,
                                                               AutomaticUpdatesScheduledInstallationDay *out)
{
    return get_value(impl_from_IAutomaticUpdatesSettings3(iface)->values.day, (LONG *)out);
}

static HRESULT WINAPI au_settings_put_ScheduledInstallationDay(IAutomaticUpdatesSettings3 *iface,
                                                               AutomaticUpdatesScheduledInstallationDay value)
{
    return put_value(&impl_from_IAutomaticUpdatesSettings3(iface)->values.day, value,
                     ausidEveryDay, ausidEverySaturday);
}

static HRESULT WINAPI au_settings_get_ScheduledInstallationTime(IAutomaticUpdatesSettings3 *iface, LONG *out)
{
    return get_value(impl_from_IAutomaticUpdatesSettings3(iface)->values.time, out);
}

static HRESULT WINAPI au_settings_put_ScheduledInstallationTime(IAutomaticUpdatesSettings3 *iface, LONG value)
{
    return put_value(&impl_from_IAutomaticUpdatesSettings3(iface)->values.time, value, 0, 23);
}

static HRESULT WINAPI au_settings_Refresh(IAutomaticUpdatesSettings3 *iface)
{
    struct au_settings *This = impl_from_IAutomaticUpdatesSettings3(iface);

    This->required = au_read(&This->values);
    return S_OK;
}

static HRESULT WINAPI au_settings_Save(IAutomaticUpdatesSettings3 *iface)
{
    struct au_settings *This = impl_from_IAutomaticUpdatesSettings3(iface);

    if (This->required) return E_ACCESSDENIED;
    return au_write(&This->values);
}

static HRESULT WINAPI au_settings_get_IncludeRecommendedUpdates(IAutomaticUpdatesSettings3 *iface, VARIANT_BOOL *out)
{
    return return_bool(impl_from_IAutomaticUpdatesSettings3(iface)->values.recommended, out);
}

static HRESULT WINAPI au_settings_put_IncludeRecommendedUpdates(IAutomaticUpdatesSettings3 *iface, VARIANT_BOOL value)
{
    return put_flag(&impl_from_IAutomaticUpdatesSettings3(iface)->values.recommended, value);
}

static BOOL caller_is_admin(void)
{
    SID_IDENTIFIER_AUTHORITY nt = { SECURITY_NT_AUTHORITY };
    BOOL member = FALSE;
    PSID admins;

    if (!AllocateAndInitializeSid(&nt, 2, SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_ADMINS,
                                  0, 0, 0, 0, 0, 0, &admins))
        return FALSE;
    if (!CheckTokenMembership(NULL, admins, &member)) member = FALSE;
    FreeSid(admins);
    return member;
}

/* Changing Automatic Updates settings is for administrators (Securing Interfaces...). */
static HRESULT WINAPI au_settings_CheckPermission(IAutomaticUpdatesSettings3 *iface, AutomaticUpdatesUserType user,
                                                  AutomaticUpdatesPermissionType permission, VARIANT_BOOL *out)
{
    (void)iface;
    if (!out) return E_POINTER;
    if (user != auutCurrentUser && user != auutLocalAdministrator) return E_INVALIDARG;
    if (permission < auptSetNotificationLevel || permission > auptSetNonAdministratorsElevated) return E_INVALIDARG;
    return return_bool(user == auutLocalAdministrator || caller_is_admin(), out);
}

static HRESULT WINAPI au_settings_get_NonAdministratorsElevated(IAutomaticUpdatesSettings3 *iface, VARIANT_BOOL *out)
{
    return return_bool(impl_from_IAutomaticUpdatesSettings3(iface)->values.elevate_non_admins, out);
}

static HRESULT WINAPI au_settings_put_NonAdministratorsElevated(IAutomaticUpdatesSettings3 *iface, VARIANT_BOOL value)
{
    return put_flag(&impl_from_IAutomaticUpdatesSettings3(iface)->values.elevate_non_admins, value);
}

static HRESULT WINAPI au_settings_get_FeaturedUpdatesEnabled(IAutomaticUpdatesSettings3 *iface, VARIANT_BOOL *out)
{
    return return_bool(impl_from_IAutomaticUpdatesSettings3(iface)->values.featured, out);
}

static HRESULT WINAPI au_settings_put_FeaturedUpdatesEnabled(IAutomaticUpdatesSettings3 *iface, VARIANT_BOOL value)
{
    return put_flag(&impl_from_IAutomaticUpdatesSettings3(iface)->values.featured, value);
}

static const IAutomaticUpdatesSettings3Vtbl au_settings_vtbl =
{
    au_settings_QueryInterface,
    au_settings_AddRef,
    au_settings_Release,
    au_settings_GetTypeInfoCount,
    au_settings_GetTypeInfo,
    au_settings_GetIDsOfNames,
    au_settings_Invoke,
    au_settings_get_NotificationLevel,
    au_settings_put_NotificationLevel,
    au_settings_get_ReadOnly,
    au_settings_get_Required,
    au_settings_get_ScheduledInstallationDay,
    au_settings_put_ScheduledInstallationDay,
    au_settings_get_ScheduledInstallationTime,
    au_settings_put_ScheduledInstallationTime,
    au_settings_Refresh,
    au_settings_Save,
    au_settings_get_IncludeRecommendedUpdates,
    au_settings_put_IncludeRecommendedUpdates,
    au_settings_CheckPermission,
    au_settings_get_NonAdministratorsElevated,
    au_settings_put_NonAdministratorsElevated,
    au_settings_get_FeaturedUpdatesEnabled,
    au_settings_put_FeaturedUpdatesEnabled,
};

static HRESULT au_settings_create(IAutomaticUpdatesSettings **out)
{
    struct au_settings *This;

    if (!(This = calloc(1, sizeof(*This)))) return E_OUTOFMEMORY;
    This->IAutomaticUpdatesSettings3_iface.lpVtbl = &au_settings_vtbl;
    This->refs = 1;
    This->required = au_read(&This->values);
    object_created();
    *out = (IAutomaticUpdatesSettings *)&This->IAutomaticUpdatesSettings3_iface;
    return S_OK;
}

/* --- results --- */

struct au_results
{
    IAutomaticUpdatesResults IAutomaticUpdatesResults_iface;
    LONG refs;
};

static struct dispatch_type au_results_type = DISPATCH_TYPE(IID_IAutomaticUpdatesResults);

static inline struct au_results *impl_from_IAutomaticUpdatesResults(IAutomaticUpdatesResults *iface)
{
    return CONTAINING_RECORD(iface, struct au_results, IAutomaticUpdatesResults_iface);
}

static HRESULT WINAPI au_results_QueryInterface(IAutomaticUpdatesResults *iface, REFIID riid, void **obj)
{
    if (!obj) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch)
        || IsEqualIID(riid, &IID_IAutomaticUpdatesResults))
    {
        *obj = iface;
        IAutomaticUpdatesResults_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI au_results_AddRef(IAutomaticUpdatesResults *iface)
{
    return InterlockedIncrement(&impl_from_IAutomaticUpdatesResults(iface)->refs);
}

static ULONG WINAPI au_results_Release(IAutomaticUpdatesResults *iface)
{
    struct au_results *This = impl_from_IAutomaticUpdatesResults(iface);
    ULONG refs = InterlockedDecrement(&This->refs);

    if (!refs)
    {
        free(This);
        object_destroyed();
    }
    return refs;
}

DEFINE_IDISPATCH(au_results, IAutomaticUpdatesResults, au_results_type)

/* VT_DATE when it happened, VT_EMPTY when it never did. */
static HRESULT get_date(const WCHAR *name, VARIANT *out)
{
    DATE date;

    if (!out) return E_POINTER;
    VariantInit(out);
    if (SUCCEEDED(state_get_date(state_key_openwua, name, &date)))
    {
        V_VT(out) = VT_DATE;
        V_DATE(out) = date;
    }
    return S_OK;
}

static HRESULT WINAPI au_results_get_LastSearchSuccessDate(IAutomaticUpdatesResults *iface, VARIANT *out)
{
    (void)iface;
    return get_date(last_search_value, out);
}

static HRESULT WINAPI au_results_get_LastInstallationSuccessDate(IAutomaticUpdatesResults *iface, VARIANT *out)
{
    (void)iface;
    return get_date(last_install_value, out);
}

static const IAutomaticUpdatesResultsVtbl au_results_vtbl =
{
    au_results_QueryInterface,
    au_results_AddRef,
    au_results_Release,
    au_results_GetTypeInfoCount,
    au_results_GetTypeInfo,
    au_results_GetIDsOfNames,
    au_results_Invoke,
    au_results_get_LastSearchSuccessDate,
    au_results_get_LastInstallationSuccessDate,
};

/* --- AutomaticUpdates --- */

struct automatic_updates
{
    IAutomaticUpdates2 IAutomaticUpdates2_iface;
    LONG refs;
};

static struct dispatch_type automatic_updates_type = DISPATCH_TYPE(IID_IAutomaticUpdates2);

static inline struct automatic_updates *impl_from_IAutomaticUpdates2(IAutomaticUpdates2 *iface)
{
    return CONTAINING_RECORD(iface, struct automatic_updates, IAutomaticUpdates2_iface);
}

static HRESULT WINAPI automatic_updates_QueryInterface(IAutomaticUpdates2 *iface, REFIID riid, void **obj)
{
    if (!obj) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch)
        || IsEqualIID(riid, &IID_IAutomaticUpdates) || IsEqualIID(riid, &IID_IAutomaticUpdates2))
    {
        *obj = iface;
        IAutomaticUpdates2_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI automatic_updates_AddRef(IAutomaticUpdates2 *iface)
{
    return InterlockedIncrement(&impl_from_IAutomaticUpdates2(iface)->refs);
}

static ULONG WINAPI automatic_updates_Release(IAutomaticUpdates2 *iface)
{
    struct automatic_updates *This = impl_from_IAutomaticUpdates2(iface);
    ULONG refs = InterlockedDecrement(&This->refs);

    if (!refs)
    {
        free(This);
        object_destroyed();
    }
    return refs;
}

DEFINE_IDISPATCH(automatic_updates, IAutomaticUpdates2, automatic_updates_type)

static BOOL service_enabled(void)
{
    DWORD enabled;

    return FAILED(state_get_dword(state_key_openwua, service_enabled_value, &enabled)) || enabled;
}

/* Detection is a search of the default service's catalog with the default
 * criteria; search_catalog dates LastSearchSuccessDate when it succeeds. */
static HRESULT WINAPI automatic_updates_DetectNow(IAutomaticUpdates2 *iface)
{
    ISearchResult *result;
    WCHAR *catalog;
    HRESULT hr;

    (void)iface;
    if (!service_enabled()) return WU_E_AU_NOSERVICE;
    if (FAILED(hr = service_location(&default_service_id, &catalog))) return hr;
    hr = search_catalog(NULL, &default_service_id, catalog, MAKELCID(GetUserDefaultUILanguage(), SORT_DEFAULT),
                        FALSE, &result);
    free(catalog);
    if (SUCCEEDED(hr)) ISearchResult_Release(result);
    return FAILED(hr) ? hr : S_OK;
}

static HRESULT WINAPI automatic_updates_Pause(IAutomaticUpdates2 *iface)
{
    (void)iface;
    if (!service_enabled()) return WU_E_AU_NOSERVICE;
    return state_set_dword(state_key_openwua, paused_value, 1);
}

static HRESULT WINAPI automatic_updates_Resume(IAutomaticUpdates2 *iface)
{
    (void)iface;
    if (!service_enabled()) return WU_E_AU_NOSERVICE;
    return state_set_dword(state_key_openwua, paused_value, 0);
}

/* OpenWUA has no user interface. */
static HRESULT WINAPI automatic_updates_ShowSettingsDialog(IAutomaticUpdates2 *iface)
{
    (void)iface;
    return E_NOTIMPL;
}

static HRESULT WINAPI automatic_updates_get_Settings(IAutomaticUpdates2 *iface, IAutomaticUpdatesSettings **out)
{
    (void)iface;
    if (!out) return E_POINTER;
    *out = NULL;
    return au_settings_create(out);
}

static HRESULT WINAPI automatic_updates_get_ServiceEnabled(IAutomaticUpdates2 *iface, VARIANT_BOOL *out)
{
    (void)iface;
    return return_bool(service_enabled(), out);
}

static HRESULT WINAPI automatic_updates_EnableService(IAutomaticUpdates2 *iface)
{
    (void)iface;
    return state_set_dword(state_key_openwua, service_enabled_value, 1);
}

static HRESULT WINAPI automatic_updates_get_Results(IAutomaticUpdates2 *iface, IAutomaticUpdatesResults **out)
{
    struct au_results *results;

    (void)iface;
    if (!out) return E_POINTER;
    *out = NULL;
    if (!(results = calloc(1, sizeof(*results)))) return E_OUTOFMEMORY;
    results->IAutomaticUpdatesResults_iface.lpVtbl = &au_results_vtbl;
    results->refs = 1;
    object_created();
    *out = &results->IAutomaticUpdatesResults_iface;
    return S_OK;
}

static const IAutomaticUpdates2Vtbl automatic_updates_vtbl =
{
    automatic_updates_QueryInterface,
    automatic_updates_AddRef,
    automatic_updates_Release,
    automatic_updates_GetTypeInfoCount,
    automatic_updates_GetTypeInfo,
    automatic_updates_GetIDsOfNames,
    automatic_updates_Invoke,
    automatic_updates_DetectNow,
    automatic_updates_Pause,
    automatic_updates_Resume,
    automatic_updates_ShowSettingsDialog,
    automatic_updates_get_Settings,
    automatic_updates_get_ServiceEnabled,
    automatic_updates_EnableService,
    automatic_updates_get_Results,
};

HRESULT automatic_updates_create(REFIID riid, void **obj)
{
    struct automatic_updates *This;
    HRESULT hr;

    if (!(This = calloc(1, sizeof(*This)))) return E_OUTOFMEMORY;
    This->IAutomaticUpdates2_iface.lpVtbl = &automatic_updates_vtbl;
    This->refs = 1;
    object_created();
    hr = IAutomaticUpdates2_QueryInterface(&This->IAutomaticUpdates2_iface, riid, obj);
    IAutomaticUpdates2_Release(&This->IAutomaticUpdates2_iface);
    return hr;
}
