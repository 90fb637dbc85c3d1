/*
 * OpenWUA tests: UpdateSession and WebProxy.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "common.h"

static void assert_bstr(const WCHAR *expected, BSTR value)
{
    assert_non_null(value);
    if (wcscmp(expected, value)) fail_msg("got \"%ls\", expected \"%ls\"", value, expected);
}

static void session_answers_its_interfaces(void **state)
{
    IUpdateSession *session = create(&CLSID_UpdateSession, &IID_IUpdateSession);
    const IID *iids[] = { &IID_IUnknown, &IID_IDispatch, &IID_IUpdateSession2, &IID_IUpdateSession3 };
    IUnknown *unk;
    size_t i;

    (void)state;
    for (i = 0; i < ARRAYSIZE(iids); i++)
    {
        assert_hr(S_OK, IUpdateSession_QueryInterface(session, iids[i], (void **)&unk));
        IUnknown_Release(unk);
    }
    assert_hr(E_NOINTERFACE, IUpdateSession_QueryInterface(session, &IID_IUpdateCollection, (void **)&unk));
    assert_null(unk);
    assert_hr(E_POINTER, IUpdateSession_QueryInterface(session, &IID_IUnknown, NULL));
    IUpdateSession_Release(session);
}

static void client_application_id_defaults_to_unknown(void **state)
{
    IUpdateSession *session = create(&CLSID_UpdateSession, &IID_IUpdateSession);
    BSTR id = NULL, value = SysAllocString(L"OpenWUA tests");

    (void)state;
    assert_hr(S_OK, IUpdateSession_get_ClientApplicationID(session, &id));
    assert_bstr(L"Unknown", id);
    SysFreeString(id);

    assert_hr(S_OK, IUpdateSession_put_ClientApplicationID(session, value));
    SysFreeString(value);
    assert_hr(S_OK, IUpdateSession_get_ClientApplicationID(session, &id));
    assert_bstr(L"OpenWUA tests", id);
    SysFreeString(id);

    /* A NULL BSTR is the empty string. */
    assert_hr(S_OK, IUpdateSession_put_ClientApplicationID(session, NULL));
    assert_hr(S_OK, IUpdateSession_get_ClientApplicationID(session, &id));
    assert_bstr(L"", id);
    SysFreeString(id);
    assert_hr(E_POINTER, IUpdateSession_get_ClientApplicationID(session, NULL));
    IUpdateSession_Release(session);
}

/* Downloaders and installers a session makes carry its name; their own name wins once set. */
static void made_objects_take_the_session_name(void **state)
{
    IUpdateSession *session = create(&CLSID_UpdateSession, &IID_IUpdateSession);
    BSTR id = NULL, value = SysAllocString(L"Sample Script"), own = SysAllocString(L"own name");
    IUpdateDownloader *downloader;
    IUpdateInstaller *installer;

    (void)state;
    assert_hr(S_OK, IUpdateSession_CreateUpdateInstaller(session, &installer));
    assert_hr(S_OK, IUpdateInstaller_get_ClientApplicationID(installer, &id));
    assert_bstr(L"Unknown", id);
    SysFreeString(id);
    IUpdateInstaller_Release(installer);

    assert_hr(S_OK, IUpdateSession_put_ClientApplicationID(session, value));
    assert_hr(S_OK, IUpdateSession_CreateUpdateInstaller(session, &installer));
    assert_hr(S_OK, IUpdateInstaller_get_ClientApplicationID(installer, &id));
    assert_bstr(L"Sample Script", id);
    SysFreeString(id);
    assert_hr(S_OK, IUpdateInstaller_put_ClientApplicationID(installer, own));
    assert_hr(S_OK, IUpdateInstaller_get_ClientApplicationID(installer, &id));
    assert_bstr(L"own name", id);
    SysFreeString(id);
    assert_hr(S_OK, IUpdateSession_CreateUpdateDownloader(session, &downloader));
    assert_hr(S_OK, IUpdateDownloader_get_ClientApplicationID(downloader, &id));
    assert_bstr(L"Sample Script", id);
    SysFreeString(id);
    IUpdateDownloader_Release(downloader);
    IUpdateInstaller_Release(installer);
    SysFreeString(value);
    SysFreeString(own);
    IUpdateSession_Release(session);
}

static void session_is_not_read_only(void **state)
{
    IUpdateSession *session = create(&CLSID_UpdateSession, &IID_IUpdateSession);
    VARIANT_BOOL read_only = VARIANT_TRUE;

    (void)state;
    assert_hr(S_OK, IUpdateSession_get_ReadOnly(session, &read_only));
    assert_int_equal(VARIANT_FALSE, read_only);
    assert_hr(E_POINTER, IUpdateSession_get_ReadOnly(session, NULL));
    IUpdateSession_Release(session);
}

static void user_locale_defaults_and_validates(void **state)
{
    IUpdateSession2 *session = create(&CLSID_UpdateSession, &IID_IUpdateSession2);
    LCID lcid = 0;

    (void)state;
    assert_hr(S_OK, IUpdateSession2_get_UserLocale(session, &lcid));
    assert_int_equal(GetUserDefaultUILanguage(), LANGIDFROMLCID(lcid));
    assert_hr(S_OK, IUpdateSession2_put_UserLocale(session, 0x0407));
    assert_hr(S_OK, IUpdateSession2_get_UserLocale(session, &lcid));
    assert_int_equal(0x0407, lcid);
    assert_hr(E_INVALIDARG, IUpdateSession2_put_UserLocale(session, 0xFFFFF));
    assert_hr(S_OK, IUpdateSession2_get_UserLocale(session, &lcid));
    assert_int_equal(0x0407, lcid);
    assert_hr(E_POINTER, IUpdateSession2_get_UserLocale(session, NULL));
    IUpdateSession2_Release(session);
}

static void session_proxy_defaults_to_system_settings(void **state)
{
    IUpdateSession *session = create(&CLSID_UpdateSession, &IID_IUpdateSession);
    IWebProxy *proxy = NULL, *again = NULL;
    VARIANT_BOOL auto_detect = VARIANT_FALSE;
    BSTR address = (BSTR)1;

    (void)state;
    assert_hr(S_OK, IUpdateSession_get_WebProxy(session, &proxy));
    assert_non_null(proxy);
    assert_hr(S_OK, IWebProxy_get_AutoDetect(proxy, &auto_detect));
    assert_int_equal(VARIANT_TRUE, auto_detect);
    assert_hr(S_OK, IWebProxy_get_Address(proxy, &address));
    assert_null(address);
    /* The same object comes back, so settings made through the getter stick. */
    assert_hr(S_OK, IUpdateSession_get_WebProxy(session, &again));
    assert_ptr_equal(proxy, again);
    IWebProxy_Release(again);
    IWebProxy_Release(proxy);
    assert_hr(E_POINTER, IUpdateSession_get_WebProxy(session, NULL));
    IUpdateSession_Release(session);
}

static void session_keeps_the_proxy_it_is_given(void **state)
{
    IUpdateSession *session = create(&CLSID_UpdateSession, &IID_IUpdateSession);
    IWebProxy *proxy = create(&CLSID_WebProxy, &IID_IWebProxy), *got = NULL;
    VARIANT_BOOL auto_detect = VARIANT_TRUE;

    (void)state;
    assert_hr(S_OK, IUpdateSession_put_WebProxy(session, proxy));
    assert_hr(S_OK, IUpdateSession_get_WebProxy(session, &got));
    assert_ptr_equal(proxy, got);
    IWebProxy_Release(got);
    /* NULL goes back to the default. */
    assert_hr(S_OK, IUpdateSession_put_WebProxy(session, NULL));
    assert_hr(S_OK, IUpdateSession_get_WebProxy(session, &got));
    assert_ptr_not_equal(proxy, got);
    assert_hr(S_OK, IWebProxy_get_AutoDetect(got, &auto_detect));
    assert_int_equal(VARIANT_TRUE, auto_detect);
    IWebProxy_Release(got);
    IWebProxy_Release(proxy);
    IUpdateSession_Release(session);
}

static void session_makes_searchers_and_service_managers(void **state)
{
    IUpdateSession3 *session = create(&CLSID_UpdateSession, &IID_IUpdateSession3);
    IUpdateServiceManager2 *manager = NULL;
    IUpdateSearcher3 *searcher3;
    IUpdateSearcher *searcher = NULL;
    BSTR id;

    (void)state;
    assert_hr(S_OK, IUpdateSession3_put_UserLocale(session, 0x0407));
    assert_hr(S_OK, IUpdateSession3_CreateUpdateSearcher(session, &searcher));
    assert_hr(S_OK, IUpdateSearcher_QueryInterface(searcher, &IID_IUpdateSearcher3, (void **)&searcher3));
    /* [MS-UAMG]: a searcher's ClientApplicationID starts empty. */
    assert_hr(S_OK, IUpdateSearcher3_get_ClientApplicationID(searcher3, &id));
    assert_int_equal(0, SysStringLen(id));
    SysFreeString(id);
    IUpdateSearcher3_Release(searcher3);
    IUpdateSearcher_Release(searcher);
    assert_hr(S_OK, IUpdateSession3_CreateUpdateServiceManager(session, &manager));
    IUpdateServiceManager2_Release(manager);
    assert_hr(E_POINTER, IUpdateSession3_CreateUpdateSearcher(session, NULL));
    assert_hr(E_POINTER, IUpdateSession3_CreateUpdateServiceManager(session, NULL));
    IUpdateSession3_Release(session);
}

static void proxy_address_is_validated(void **state)
{
    IWebProxy *proxy = create(&CLSID_WebProxy, &IID_IWebProxy);
    const WCHAR *good[] = { L"proxy", L"proxy.example:8080", L"10.0.0.1:3128", L"[::1]:8080", L"[fe80::1]" };
    const WCHAR *bad[] = { L"proxy :80", L":8080", L"proxy:", L"proxy:0", L"proxy:65536", L"proxy:80a", L"a\tb" };
    BSTR value, got;
    size_t i;

    (void)state;
    for (i = 0; i < ARRAYSIZE(good); i++)
    {
        value = SysAllocString(good[i]);
        assert_hr(S_OK, IWebProxy_put_Address(proxy, value));
        assert_hr(S_OK, IWebProxy_get_Address(proxy, &got));
        assert_bstr(good[i], got);
        SysFreeString(got);
        SysFreeString(value);
    }
    for (i = 0; i < ARRAYSIZE(bad); i++)
    {
        value = SysAllocString(bad[i]);
        if (IWebProxy_put_Address(proxy, value) != E_INVALIDARG) fail_msg("accepted \"%ls\"", bad[i]);
        SysFreeString(value);
    }
    /* Rejected values changed nothing. */
    assert_hr(S_OK, IWebProxy_get_Address(proxy, &got));
    assert_bstr(good[ARRAYSIZE(good) - 1], got);
    SysFreeString(got);
    /* Empty and NULL both clear it. */
    value = SysAllocString(L"");
    assert_hr(S_OK, IWebProxy_put_Address(proxy, value));
    SysFreeString(value);
    assert_hr(S_OK, IWebProxy_get_Address(proxy, &got));
    assert_null(got);
    assert_hr(E_POINTER, IWebProxy_get_Address(proxy, NULL));
    IWebProxy_Release(proxy);
}

static void proxy_flags_and_credentials_are_stored(void **state)
{
    IWebProxy *proxy = create(&CLSID_WebProxy, &IID_IWebProxy);
    VARIANT_BOOL flag = VARIANT_TRUE;
    BSTR user = SysAllocString(L"DOMAIN\\someone"), got = NULL;

    (void)state;
    assert_hr(S_OK, IWebProxy_get_AutoDetect(proxy, &flag));
    assert_int_equal(VARIANT_FALSE, flag);
    assert_hr(S_OK, IWebProxy_put_AutoDetect(proxy, VARIANT_TRUE));
    assert_hr(S_OK, IWebProxy_get_AutoDetect(proxy, &flag));
    assert_int_equal(VARIANT_TRUE, flag);
    assert_hr(E_INVALIDARG, IWebProxy_put_AutoDetect(proxy, 1));

    assert_hr(S_OK, IWebProxy_get_BypassProxyOnLocal(proxy, &flag));
    assert_int_equal(VARIANT_FALSE, flag);
    assert_hr(S_OK, IWebProxy_put_BypassProxyOnLocal(proxy, VARIANT_TRUE));
    assert_hr(S_OK, IWebProxy_get_BypassProxyOnLocal(proxy, &flag));
    assert_int_equal(VARIANT_TRUE, flag);
    assert_hr(E_INVALIDARG, IWebProxy_put_BypassProxyOnLocal(proxy, 2));
    assert_hr(S_OK, IWebProxy_get_BypassProxyOnLocal(proxy, &flag));
    assert_int_equal(VARIANT_TRUE, flag);

    assert_hr(S_OK, IWebProxy_get_UserName(proxy, &got));
    assert_null(got);
    assert_hr(S_OK, IWebProxy_put_UserName(proxy, user));
    assert_hr(S_OK, IWebProxy_get_UserName(proxy, &got));
    assert_bstr(L"DOMAIN\\someone", got);
    SysFreeString(got);
    assert_hr(S_OK, IWebProxy_SetPassword(proxy, user));
    assert_hr(S_OK, IWebProxy_SetPassword(proxy, NULL));
    SysFreeString(user);

    assert_hr(S_OK, IWebProxy_get_ReadOnly(proxy, &flag));
    assert_int_equal(VARIANT_FALSE, flag);
    assert_hr(E_POINTER, IWebProxy_get_AutoDetect(proxy, NULL));
    assert_hr(E_POINTER, IWebProxy_get_UserName(proxy, NULL));
    assert_hr(E_NOTIMPL, IWebProxy_PromptForCredentials(proxy, NULL, NULL));
    assert_hr(E_NOTIMPL, IWebProxy_PromptForCredentialsFromHwnd(proxy, NULL, NULL));
    IWebProxy_Release(proxy);
}

static void proxy_bypass_list_is_live(void **state)
{
    IWebProxy *proxy = create(&CLSID_WebProxy, &IID_IWebProxy);
    IStringCollection *list = NULL, *again = NULL, *mine = create(&CLSID_StringCollection, &IID_IStringCollection);
    BSTR host = SysAllocString(L"*.local");
    LONG index, count = -1;

    (void)state;
    assert_hr(S_OK, IWebProxy_get_BypassList(proxy, &list));
    assert_non_null(list);
    assert_hr(S_OK, IStringCollection_Add(list, host, &index));
    assert_hr(S_OK, IWebProxy_get_BypassList(proxy, &again));
    assert_hr(S_OK, IStringCollection_get_Count(again, &count));
    assert_int_equal(1, count);
    IStringCollection_Release(again);
    IStringCollection_Release(list);

    assert_hr(S_OK, IWebProxy_put_BypassList(proxy, mine));
    assert_hr(S_OK, IWebProxy_get_BypassList(proxy, &again));
    assert_ptr_equal(mine, again);
    IStringCollection_Release(again);
    assert_hr(E_POINTER, IWebProxy_get_BypassList(proxy, NULL));
    IStringCollection_Release(mine);
    SysFreeString(host);
    IWebProxy_Release(proxy);
}

static void locked_proxy_refuses_changes(void **state)
{
    IWebProxy *proxy = create(&CLSID_WebProxy, &IID_IWebProxy);
    IUpdateLockdown *lockdown = NULL;
    VARIANT_BOOL read_only = VARIANT_FALSE;
    BSTR value = SysAllocString(L"proxy:80"), got;

    (void)state;
    assert_hr(S_OK, IWebProxy_QueryInterface(proxy, &IID_IUpdateLockdown, (void **)&lockdown));
    assert_hr(E_INVALIDARG, IUpdateLockdown_LockDown(lockdown, 0));
    assert_hr(S_OK, IWebProxy_put_Address(proxy, value));
    assert_hr(S_OK, IUpdateLockdown_LockDown(lockdown, uloForWebsiteAccess));
    assert_hr(S_OK, IWebProxy_get_ReadOnly(proxy, &read_only));
    assert_int_equal(VARIANT_TRUE, read_only);
    assert_hr(WU_E_INVALID_OPERATION, IWebProxy_put_Address(proxy, NULL));
    assert_hr(WU_E_INVALID_OPERATION, IWebProxy_put_AutoDetect(proxy, VARIANT_TRUE));
    assert_hr(WU_E_INVALID_OPERATION, IWebProxy_put_BypassList(proxy, NULL));
    assert_hr(WU_E_INVALID_OPERATION, IWebProxy_put_BypassProxyOnLocal(proxy, VARIANT_TRUE));
    assert_hr(WU_E_INVALID_OPERATION, IWebProxy_put_UserName(proxy, value));
    assert_hr(WU_E_INVALID_OPERATION, IWebProxy_SetPassword(proxy, value));
    assert_hr(S_OK, IWebProxy_get_Address(proxy, &got));
    assert_bstr(L"proxy:80", got);
    SysFreeString(got);
    SysFreeString(value);
    IUpdateLockdown_Release(lockdown);
    IWebProxy_Release(proxy);
}

static void session_proxy_through_idispatch(void **state)
{
    IDispatch *session = create(&CLSID_UpdateSession, &IID_IDispatch);
    IDispatch *proxy = create(&CLSID_WebProxy, &IID_IDispatch);
    VARIANT value = var_disp(proxy), got;

    (void)state;
    /* VBScript's Set, PowerShell and pywin32 assign objects with PROPERTYPUTREF. */
    assert_hr(S_OK, invoke(session, L"WebProxy", DISPATCH_PROPERTYPUTREF, NULL, NULL, 1, &value));
    assert_hr(S_OK, get_property(session, L"webproxy", &got));
    assert_int_equal(VT_DISPATCH, V_VT(&got));
    VariantClear(&got);
    /* And plain PROPERTYPUT, VBScript without Set. */
    assert_hr(S_OK, put_property(session, L"WebProxy", &value));
    value = var_bstr(L"ReadMe");
    assert_hr(S_OK, put_property(session, L"ClientApplicationID", &value));
    VariantClear(&value);
    assert_hr(S_OK, get_property(session, L"clientapplicationid", &got));
    assert_bstr(L"ReadMe", V_BSTR(&got));
    VariantClear(&got);
    IDispatch_Release(proxy);
    IDispatch_Release(session);
}

int main(void)
{
    const struct CMUnitTest tests[] =
    {
        LEAK_CHECKED(session_answers_its_interfaces),
        LEAK_CHECKED(client_application_id_defaults_to_unknown),
        LEAK_CHECKED(made_objects_take_the_session_name),
        LEAK_CHECKED(session_is_not_read_only),
        LEAK_CHECKED(user_locale_defaults_and_validates),
        LEAK_CHECKED(session_proxy_defaults_to_system_settings),
        LEAK_CHECKED(session_keeps_the_proxy_it_is_given),
        LEAK_CHECKED(session_makes_searchers_and_service_managers),
        LEAK_CHECKED(proxy_address_is_validated),
        LEAK_CHECKED(proxy_flags_and_credentials_are_stored),
        LEAK_CHECKED(proxy_bypass_list_is_live),
        LEAK_CHECKED(locked_proxy_refuses_changes),
        LEAK_CHECKED(session_proxy_through_idispatch),
    };
    return RUN_TESTS(tests);
}
