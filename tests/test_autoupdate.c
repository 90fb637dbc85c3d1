/*
 * OpenWUA tests: AutomaticUpdates, its settings and its results.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "common.h"

static const WCHAR au_key[] = L"Software\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update";
static const WCHAR policy_key[] = L"Software\\Policies\\Microsoft\\Windows\\WindowsUpdate\\AU";
static const WCHAR openwua_key[] = L"Software\\OpenWUA";

static void reset_state(void)
{
    static const WCHAR *values[] = { L"AUOptions", L"ScheduledInstallDay", L"ScheduledInstallTime",
                                     L"IncludeRecommendedUpdates", L"ElevateNonAdmins", L"EnableFeaturedSoftware" };
    size_t i;

    for (i = 0; i < ARRAYSIZE(values); i++) RegDeleteKeyValueW(HKEY_LOCAL_MACHINE, au_key, values[i]);
    reg_delete_tree(policy_key);
    reg_delete_tree(openwua_key);
}

static IAutomaticUpdatesSettings3 *get_settings(IAutomaticUpdates *au)
{
    IAutomaticUpdatesSettings *settings = NULL;
    IAutomaticUpdatesSettings3 *settings3 = NULL;

    assert_hr(S_OK, IAutomaticUpdates_get_Settings(au, &settings));
    assert_hr(S_OK, IAutomaticUpdatesSettings_QueryInterface(settings, &IID_IAutomaticUpdatesSettings3, (void **)&settings3));
    IAutomaticUpdatesSettings_Release(settings);
    return settings3;
}

static void fresh_settings_have_windows_defaults(void **state)
{
    IAutomaticUpdates *au = create(&CLSID_AutomaticUpdates, &IID_IAutomaticUpdates);
    IAutomaticUpdatesSettings3 *settings;
    AutomaticUpdatesNotificationLevel level = -1;
    AutomaticUpdatesScheduledInstallationDay day = -1;
    VARIANT_BOOL flag;
    LONG time = -1;

    (void)state;
    reset_state();
    settings = get_settings(au);
    assert_hr(S_OK, IAutomaticUpdatesSettings3_get_NotificationLevel(settings, &level));
    assert_int_equal(aunlNotConfigured, level);
    assert_hr(S_OK, IAutomaticUpdatesSettings3_get_ScheduledInstallationDay(settings, &day));
    assert_int_equal(ausidEveryDay, day);
    assert_hr(S_OK, IAutomaticUpdatesSettings3_get_ScheduledInstallationTime(settings, &time));
    assert_int_equal(3, time);
    assert_hr(S_OK, IAutomaticUpdatesSettings3_get_ReadOnly(settings, &flag));
    assert_int_equal(VARIANT_FALSE, flag);
    assert_hr(S_OK, IAutomaticUpdatesSettings3_get_Required(settings, &flag));
    assert_int_equal(VARIANT_FALSE, flag);
    assert_hr(S_OK, IAutomaticUpdatesSettings3_get_IncludeRecommendedUpdates(settings, &flag));
    assert_int_equal(VARIANT_FALSE, flag);
    assert_hr(S_OK, IAutomaticUpdatesSettings3_get_NonAdministratorsElevated(settings, &flag));
    assert_int_equal(VARIANT_TRUE, flag);
    assert_hr(S_OK, IAutomaticUpdatesSettings3_get_FeaturedUpdatesEnabled(settings, &flag));
    assert_int_equal(VARIANT_FALSE, flag);
    assert_hr(E_POINTER, IAutomaticUpdatesSettings3_get_NotificationLevel(settings, NULL));
    assert_hr(E_POINTER, IAutomaticUpdatesSettings3_get_ReadOnly(settings, NULL));
    IAutomaticUpdatesSettings3_Release(settings);
    assert_hr(E_POINTER, IAutomaticUpdates_get_Settings(au, NULL));
    IAutomaticUpdates_Release(au);
}

static void bad_setting_values_change_nothing(void **state)
{
    IAutomaticUpdates *au = create(&CLSID_AutomaticUpdates, &IID_IAutomaticUpdates);
    IAutomaticUpdatesSettings3 *settings;
    AutomaticUpdatesNotificationLevel level;
    AutomaticUpdatesScheduledInstallationDay day;
    LONG time;
    VARIANT_BOOL flag;

    (void)state;
    reset_state();
    settings = get_settings(au);
    assert_hr(E_INVALIDARG, IAutomaticUpdatesSettings3_put_NotificationLevel(settings, aunlNotConfigured));
    assert_hr(E_INVALIDARG, IAutomaticUpdatesSettings3_put_NotificationLevel(settings, 5));
    assert_hr(E_INVALIDARG, IAutomaticUpdatesSettings3_put_ScheduledInstallationDay(settings, 8));
    assert_hr(E_INVALIDARG, IAutomaticUpdatesSettings3_put_ScheduledInstallationDay(settings, -1));
    assert_hr(E_INVALIDARG, IAutomaticUpdatesSettings3_put_ScheduledInstallationTime(settings, 24));
    assert_hr(E_INVALIDARG, IAutomaticUpdatesSettings3_put_ScheduledInstallationTime(settings, -1));
    assert_hr(E_INVALIDARG, IAutomaticUpdatesSettings3_put_IncludeRecommendedUpdates(settings, 1));
    assert_hr(E_INVALIDARG, IAutomaticUpdatesSettings3_put_NonAdministratorsElevated(settings, 7));
    assert_hr(E_INVALIDARG, IAutomaticUpdatesSettings3_put_FeaturedUpdatesEnabled(settings, -2));
    assert_hr(S_OK, IAutomaticUpdatesSettings3_get_NotificationLevel(settings, &level));
    assert_int_equal(aunlNotConfigured, level);
    assert_hr(S_OK, IAutomaticUpdatesSettings3_get_ScheduledInstallationDay(settings, &day));
    assert_int_equal(ausidEveryDay, day);
    assert_hr(S_OK, IAutomaticUpdatesSettings3_get_ScheduledInstallationTime(settings, &time));
    assert_int_equal(3, time);
    assert_hr(S_OK, IAutomaticUpdatesSettings3_get_NonAdministratorsElevated(settings, &flag));
    assert_int_equal(VARIANT_TRUE, flag);
    IAutomaticUpdatesSettings3_Release(settings);
    IAutomaticUpdates_Release(au);
}

static void save_settings(void)
{
    IAutomaticUpdates *au = create(&CLSID_AutomaticUpdates, &IID_IAutomaticUpdates);
    IAutomaticUpdatesSettings3 *settings = get_settings(au);

    assert_hr(S_OK, IAutomaticUpdatesSettings3_put_NotificationLevel(settings, aunlScheduledInstallation));
    assert_hr(S_OK, IAutomaticUpdatesSettings3_put_ScheduledInstallationDay(settings, ausidEveryWednesday));
    assert_hr(S_OK, IAutomaticUpdatesSettings3_put_ScheduledInstallationTime(settings, 22));
    assert_hr(S_OK, IAutomaticUpdatesSettings3_put_IncludeRecommendedUpdates(settings, VARIANT_TRUE));
    assert_hr(S_OK, IAutomaticUpdatesSettings3_put_NonAdministratorsElevated(settings, VARIANT_FALSE));
    assert_hr(S_OK, IAutomaticUpdatesSettings3_put_FeaturedUpdatesEnabled(settings, VARIANT_TRUE));
    assert_hr(S_OK, IAutomaticUpdatesSettings3_Save(settings));
    IAutomaticUpdatesSettings3_Release(settings);
    IAutomaticUpdates_Release(au);
}

/* Runs in the child process: 0 when it sees what the parent saved. */
static int check_saved_settings(void)
{
    IAutomaticUpdatesSettings3 *settings;
    IAutomaticUpdates *au;
    LONG level = 0, day = 0, time = 0;
    VARIANT_BOOL recommended = 0, elevate = 0, featured = 0;

    if (FAILED(CoInitializeEx(NULL, COINIT_MULTITHREADED))) return 2;
    if (FAILED(CoCreateInstance(&CLSID_AutomaticUpdates, NULL, CLSCTX_INPROC_SERVER, &IID_IAutomaticUpdates, (void **)&au)))
        return 3;
    settings = get_settings(au);
    IAutomaticUpdatesSettings3_get_NotificationLevel(settings, (AutomaticUpdatesNotificationLevel *)&level);
    IAutomaticUpdatesSettings3_get_ScheduledInstallationDay(settings, (AutomaticUpdatesScheduledInstallationDay *)&day);
    IAutomaticUpdatesSettings3_get_ScheduledInstallationTime(settings, &time);
    IAutomaticUpdatesSettings3_get_IncludeRecommendedUpdates(settings, &recommended);
    IAutomaticUpdatesSettings3_get_NonAdministratorsElevated(settings, &elevate);
    IAutomaticUpdatesSettings3_get_FeaturedUpdatesEnabled(settings, &featured);
    IAutomaticUpdatesSettings3_Release(settings);
    IAutomaticUpdates_Release(au);
    CoUninitialize();
    return !(level == aunlScheduledInstallation && day == ausidEveryWednesday && time == 22
             && recommended == VARIANT_TRUE && elevate == VARIANT_FALSE && featured == VARIANT_TRUE);
}

static void saved_settings_persist_across_processes(void **state)
{
    DWORD value = 0;

    (void)state;
    reset_state();
    save_settings();
    /* Windows' own values, which registry-reading tools use. */
    assert_true(reg_get_dword(au_key, L"AUOptions", &value));
    assert_int_equal(4, value);
    assert_true(reg_get_dword(au_key, L"ScheduledInstallDay", &value));
    assert_int_equal(4, value);
    assert_int_equal(0, run_self(L"--check-saved"));
    reset_state();
    assert_int_not_equal(0, run_self(L"--check-saved"));
}

static void refresh_drops_unsaved_changes(void **state)
{
    IAutomaticUpdates *au = create(&CLSID_AutomaticUpdates, &IID_IAutomaticUpdates);
    IAutomaticUpdatesSettings3 *settings;
    LONG time;

    (void)state;
    reset_state();
    settings = get_settings(au);
    assert_hr(S_OK, IAutomaticUpdatesSettings3_put_ScheduledInstallationTime(settings, 5));
    assert_hr(S_OK, IAutomaticUpdatesSettings3_Refresh(settings));
    assert_hr(S_OK, IAutomaticUpdatesSettings3_get_ScheduledInstallationTime(settings, &time));
    assert_int_equal(3, time);
    assert_false(reg_get_dword(au_key, L"ScheduledInstallTime", (DWORD *)&time));
    IAutomaticUpdatesSettings3_Release(settings);
    IAutomaticUpdates_Release(au);
}

static void group_policy_wins_and_makes_settings_read_only(void **state)
{
    IAutomaticUpdates *au = create(&CLSID_AutomaticUpdates, &IID_IAutomaticUpdates);
    IAutomaticUpdatesSettings3 *settings;
    AutomaticUpdatesNotificationLevel level;
    VARIANT_BOOL flag;

    (void)state;
    reset_state();
    reg_set_dword(au_key, L"AUOptions", 2);
    reg_set_dword(policy_key, L"AUOptions", 3);
    settings = get_settings(au);
    assert_hr(S_OK, IAutomaticUpdatesSettings3_get_NotificationLevel(settings, &level));
    assert_int_equal(aunlNotifyBeforeInstallation, level);
    assert_hr(S_OK, IAutomaticUpdatesSettings3_get_Required(settings, &flag));
    assert_int_equal(VARIANT_TRUE, flag);
    assert_hr(S_OK, IAutomaticUpdatesSettings3_get_ReadOnly(settings, &flag));
    assert_int_equal(VARIANT_TRUE, flag);
    assert_hr(E_ACCESSDENIED, IAutomaticUpdatesSettings3_Save(settings));
    IAutomaticUpdatesSettings3_Release(settings);
    IAutomaticUpdates_Release(au);
    reset_state();
}

static void check_permission_validates_its_arguments(void **state)
{
    IAutomaticUpdates *au = create(&CLSID_AutomaticUpdates, &IID_IAutomaticUpdates);
    IAutomaticUpdatesSettings3 *settings = get_settings(au);
    VARIANT_BOOL allowed = VARIANT_FALSE;

    (void)state;
    /* Wine runs everything as an administrator. */
    assert_hr(S_OK, IAutomaticUpdatesSettings3_CheckPermission(settings, auutCurrentUser, auptSetNotificationLevel, &allowed));
    assert_int_equal(VARIANT_TRUE, allowed);
    assert_hr(S_OK, IAutomaticUpdatesSettings3_CheckPermission(settings, auutLocalAdministrator,
                                                               auptDisableAutomaticUpdates, &allowed));
    assert_int_equal(VARIANT_TRUE, allowed);
    assert_hr(E_INVALIDARG, IAutomaticUpdatesSettings3_CheckPermission(settings, 0, auptSetNotificationLevel, &allowed));
    assert_hr(E_INVALIDARG, IAutomaticUpdatesSettings3_CheckPermission(settings, 3, auptSetNotificationLevel, &allowed));
    assert_hr(E_INVALIDARG, IAutomaticUpdatesSettings3_CheckPermission(settings, auutCurrentUser, 0, &allowed));
    assert_hr(E_INVALIDARG, IAutomaticUpdatesSettings3_CheckPermission(settings, auutCurrentUser, 6, &allowed));
    assert_hr(E_POINTER, IAutomaticUpdatesSettings3_CheckPermission(settings, auutCurrentUser, 1, NULL));
    IAutomaticUpdatesSettings3_Release(settings);
    IAutomaticUpdates_Release(au);
}

static void service_enable_state_persists(void **state)
{
    IAutomaticUpdates *au = create(&CLSID_AutomaticUpdates, &IID_IAutomaticUpdates);
    VARIANT_BOOL enabled = VARIANT_FALSE;
    DWORD value = 0;

    (void)state;
    reset_state();
    assert_hr(S_OK, IAutomaticUpdates_get_ServiceEnabled(au, &enabled));
    assert_int_equal(VARIANT_TRUE, enabled);
    reg_set_dword(openwua_key, L"AUServiceEnabled", 0);
    assert_hr(S_OK, IAutomaticUpdates_get_ServiceEnabled(au, &enabled));
    assert_int_equal(VARIANT_FALSE, enabled);
    /* A stopped service answers no requests. */
    assert_hr(WU_E_AU_NOSERVICE, IAutomaticUpdates_DetectNow(au));
    assert_hr(WU_E_AU_NOSERVICE, IAutomaticUpdates_Pause(au));
    assert_hr(WU_E_AU_NOSERVICE, IAutomaticUpdates_Resume(au));
    assert_hr(S_OK, IAutomaticUpdates_EnableService(au));
    assert_true(reg_get_dword(openwua_key, L"AUServiceEnabled", &value));
    assert_int_equal(1, value);
    assert_hr(S_OK, IAutomaticUpdates_get_ServiceEnabled(au, &enabled));
    assert_int_equal(VARIANT_TRUE, enabled);
    assert_hr(E_POINTER, IAutomaticUpdates_get_ServiceEnabled(au, NULL));
    IAutomaticUpdates_Release(au);
}

static void pause_and_resume_are_recorded(void **state)
{
    IAutomaticUpdates *au = create(&CLSID_AutomaticUpdates, &IID_IAutomaticUpdates);
    DWORD paused = 0;

    (void)state;
    reset_state();
    assert_hr(S_OK, IAutomaticUpdates_Pause(au));
    assert_true(reg_get_dword(openwua_key, L"AUPaused", &paused));
    assert_int_equal(1, paused);
    assert_hr(S_OK, IAutomaticUpdates_Resume(au));
    assert_true(reg_get_dword(openwua_key, L"AUPaused", &paused));
    assert_int_equal(0, paused);
    assert_hr(E_NOTIMPL, IAutomaticUpdates_ShowSettingsDialog(au));
    IAutomaticUpdates_Release(au);
}

static void detection_without_a_catalog_succeeds_and_is_dated(void **state)
{
    IAutomaticUpdates2 *au = create(&CLSID_AutomaticUpdates, &IID_IAutomaticUpdates2);
    IAutomaticUpdatesResults *results = NULL;
    SYSTEMTIME now;
    VARIANT date;
    DATE before;

    (void)state;
    reset_state();
    assert_hr(S_OK, IAutomaticUpdates2_get_Results(au, &results));
    assert_hr(S_OK, IAutomaticUpdatesResults_get_LastSearchSuccessDate(results, &date));
    assert_int_equal(VT_EMPTY, V_VT(&date));
    assert_hr(S_OK, IAutomaticUpdatesResults_get_LastInstallationSuccessDate(results, &date));
    assert_int_equal(VT_EMPTY, V_VT(&date));

    GetSystemTime(&now);
    SystemTimeToVariantTime(&now, &before);
    assert_hr(S_OK, IAutomaticUpdates2_DetectNow(au));
    assert_hr(S_OK, IAutomaticUpdatesResults_get_LastSearchSuccessDate(results, &date));
    assert_int_equal(VT_DATE, V_VT(&date));
    assert_true(V_DATE(&date) >= before - 1.0 / 86400 && V_DATE(&date) < before + 1.0 / 24);
    assert_hr(E_POINTER, IAutomaticUpdatesResults_get_LastSearchSuccessDate(results, NULL));
    IAutomaticUpdatesResults_Release(results);
    assert_hr(E_POINTER, IAutomaticUpdates2_get_Results(au, NULL));
    IAutomaticUpdates2_Release(au);
    reset_state();
}

static void settings_through_idispatch(void **state)
{
    IDispatch *au = create(&CLSID_AutomaticUpdates, &IID_IDispatch), *settings;
    VARIANT got, value = var_i4(9);
    EXCEPINFO excep;

    (void)state;
    reset_state();
    assert_hr(S_OK, get_property(au, L"Settings", &got));
    assert_int_equal(VT_DISPATCH, V_VT(&got));
    settings = V_DISPATCH(&got);
    assert_hr(DISP_E_EXCEPTION, invoke(settings, L"NotificationLevel", DISPATCH_PROPERTYPUT, NULL, &excep, 1, &value));
    assert_hr(E_INVALIDARG, excep.scode);
    value = var_i4(2);
    assert_hr(S_OK, put_property(settings, L"notificationlevel", &value));
    VariantClear(&got);
    IDispatch_Release(au);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] =
    {
        LEAK_CHECKED(fresh_settings_have_windows_defaults),
        LEAK_CHECKED(bad_setting_values_change_nothing),
        LEAK_CHECKED(saved_settings_persist_across_processes),
        LEAK_CHECKED(refresh_drops_unsaved_changes),
        LEAK_CHECKED(group_policy_wins_and_makes_settings_read_only),
        LEAK_CHECKED(check_permission_validates_its_arguments),
        LEAK_CHECKED(service_enable_state_persists),
        LEAK_CHECKED(pause_and_resume_are_recorded),
        LEAK_CHECKED(detection_without_a_catalog_succeeds_and_is_dated),
        LEAK_CHECKED(settings_through_idispatch),
    };

    if (argc > 1 && !strcmp(argv[1], "--check-saved")) return check_saved_settings();
    return RUN_TESTS(tests);
}
