/*
 * OpenWUA tests: the shared IDispatch every object uses.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "common.h"

struct class_type
{
    const CLSID *clsid;
    const IID *newest;      /* what GetTypeInfo must describe (PowerShell names objects after it) */
    const WCHAR *member;    /* a member only the newest interface has */
};

static const struct class_type classes[] =
{
    { &CLSID_UpdateSession, &IID_IUpdateSession3, L"QueryHistory" },
    { &CLSID_UpdateCollection, &IID_IUpdateCollection, L"RemoveAt" },
    { &CLSID_StringCollection, &IID_IStringCollection, L"RemoveAt" },
    { &CLSID_WebProxy, &IID_IWebProxy, L"AutoDetect" },
    { &CLSID_SystemInformation, &IID_ISystemInformation, L"RebootRequired" },
    { &CLSID_WindowsUpdateAgentInfo, &IID_IWindowsUpdateAgentInfo, L"GetInfo" },
    { &CLSID_AutomaticUpdates, &IID_IAutomaticUpdates2, L"Results" },
    { &CLSID_UpdateSearcher, &IID_IUpdateSearcher3, L"SearchScope" },
    { &CLSID_UpdateServiceManager, &IID_IUpdateServiceManager2, L"AddService2" },
    { &CLSID_UpdateDownloader, &IID_IUpdateDownloader, L"EndDownload" },
    { &CLSID_UpdateInstaller, &IID_IUpdateInstaller4, L"Commit" },
};

static void type_info_describes_the_newest_interface(void **state)
{
    ITypeInfo *info;
    TYPEATTR *attr;
    IDispatch *disp;
    UINT count = 0;
    MEMBERID id;
    size_t i;

    (void)state;
    for (i = 0; i < ARRAYSIZE(classes); i++)
    {
        LPOLESTR name = (LPOLESTR)classes[i].member;

        disp = create(classes[i].clsid, &IID_IDispatch);
        assert_hr(S_OK, IDispatch_GetTypeInfoCount(disp, &count));
        assert_int_equal(1, count);
        assert_hr(S_OK, IDispatch_GetTypeInfo(disp, 0, LOCALE_USER_DEFAULT, &info));
        assert_hr(S_OK, ITypeInfo_GetTypeAttr(info, &attr));
        assert_true(IsEqualGUID(&attr->guid, classes[i].newest));
        assert_int_equal(TKIND_DISPATCH, attr->typekind);
        assert_true(attr->wTypeFlags & TYPEFLAG_FDUAL);
        ITypeInfo_ReleaseTypeAttr(info, attr);
        /* Complete: the type info resolves names of every level, so Get-Member lists them all. */
        assert_hr(S_OK, ITypeInfo_GetIDsOfNames(info, &name, 1, &id));
        ITypeInfo_Release(info);
        assert_hr(DISP_E_BADINDEX, IDispatch_GetTypeInfo(disp, 1, LOCALE_USER_DEFAULT, &info));
        assert_hr(E_POINTER, IDispatch_GetTypeInfo(disp, 0, LOCALE_USER_DEFAULT, NULL));
        assert_hr(E_POINTER, IDispatch_GetTypeInfoCount(disp, NULL));
        IDispatch_Release(disp);
    }
}

static void inherited_members_resolve_on_the_newest_interface(void **state)
{
    IDispatch *session = create(&CLSID_UpdateSession, &IID_IDispatch);
    LPOLESTR names[] = { L"clientapplicationid", L"USERLOCALE", L"CreateUpdateServiceManager" };
    const DISPID expected[] = { 0x60020001, 0x60030001, 0x60040001 };
    DISPID id;
    size_t i;

    (void)state;
    for (i = 0; i < ARRAYSIZE(names); i++)
    {
        assert_hr(S_OK, IDispatch_GetIDsOfNames(session, &IID_NULL, &names[i], 1, LOCALE_USER_DEFAULT, &id));
        assert_int_equal(expected[i], id);
    }
    IDispatch_Release(session);
}

static void unknown_names_and_bad_arguments_are_refused(void **state)
{
    IDispatch *session = create(&CLSID_UpdateSession, &IID_IDispatch);
    LPOLESTR name = L"NoSuchMember";
    DISPPARAMS none = { NULL, NULL, 0, 0 };
    VARIANT result;
    DISPID id = 0;

    (void)state;
    assert_hr(DISP_E_UNKNOWNNAME, IDispatch_GetIDsOfNames(session, &IID_NULL, &name, 1, LOCALE_USER_DEFAULT, &id));
    assert_int_equal(DISPID_UNKNOWN, id);
    name = L"ReadOnly";
    assert_hr(DISP_E_UNKNOWNINTERFACE, IDispatch_GetIDsOfNames(session, &IID_IUnknown, &name, 1, 0, &id));
    assert_hr(E_POINTER, IDispatch_GetIDsOfNames(session, &IID_NULL, NULL, 1, 0, &id));
    assert_hr(DISP_E_MEMBERNOTFOUND, IDispatch_Invoke(session, 0x7777, &IID_NULL, 0, DISPATCH_METHOD, &none,
                                                      &result, NULL, NULL));
    assert_hr(DISP_E_UNKNOWNINTERFACE, IDispatch_Invoke(session, 0x60020002, &IID_IUnknown, 0,
                                                        DISPATCH_PROPERTYGET, &none, &result, NULL, NULL));
    assert_hr(E_INVALIDARG, IDispatch_Invoke(session, 0x60020002, &IID_NULL, 0, DISPATCH_PROPERTYGET, NULL,
                                             &result, NULL, NULL));
    /* A read-only property cannot be put. */
    result = var_bool(TRUE);
    assert_hr(DISP_E_MEMBERNOTFOUND, put_property(session, L"ReadOnly", &result));
    /* A method is not a property (Wine's ITypeInfo::Invoke answers S_FALSE). */
    name = L"CreateUpdateSearcher";
    assert_hr(S_OK, IDispatch_GetIDsOfNames(session, &IID_NULL, &name, 1, 0, &id));
    assert_hr(DISP_E_MEMBERNOTFOUND, IDispatch_Invoke(session, id, &IID_NULL, 0, DISPATCH_PROPERTYGET, &none,
                                                      &result, NULL, NULL));
    IDispatch_Release(session);
}

static void failures_arrive_as_exceptions_with_only_the_code(void **state)
{
    IDispatch *installer = create(&CLSID_UpdateInstaller, &IID_IDispatch);
    EXCEPINFO excep;
    VARIANT result;

    (void)state;
    /* an installer with no Updates */
    assert_hr(DISP_E_EXCEPTION, invoke(installer, L"Install", DISPATCH_METHOD, &result, &excep, 0, NULL));
    assert_hr(WU_E_NO_UPDATE, excep.scode);
    assert_int_equal(0, excep.wCode);
    assert_null(excep.bstrDescription);
    assert_null(excep.bstrSource);
    assert_null(excep.bstrHelpFile);
    assert_int_equal(VT_EMPTY, V_VT(&result));
    /* A caller that passes no EXCEPINFO still gets DISP_E_EXCEPTION. */
    assert_hr(DISP_E_EXCEPTION, invoke(installer, L"Install", DISPATCH_METHOD, &result, NULL, 0, NULL));
    IDispatch_Release(installer);
}

static void restricted_members_are_vtable_only(void **state)
{
    IDispatch *proxy = create(&CLSID_WebProxy, &IID_IDispatch);
    LPOLESTR name = L"PromptForCredentialsFromHwnd";
    DISPPARAMS none = { NULL, NULL, 0, 0 };
    DISPID id;

    (void)state;
    assert_hr(DISP_E_UNKNOWNNAME, IDispatch_GetIDsOfNames(proxy, &IID_NULL, &name, 1, LOCALE_USER_DEFAULT, &id));
    assert_hr(DISP_E_MEMBERNOTFOUND, IDispatch_Invoke(proxy, 0x60020008, &IID_NULL, 0, DISPATCH_METHOD, &none,
                                                      NULL, NULL, NULL));
    name = L"PromptForCredentials";
    assert_hr(S_OK, IDispatch_GetIDsOfNames(proxy, &IID_NULL, &name, 1, LOCALE_USER_DEFAULT, &id));
    assert_int_equal(0x60020007, id);
    IDispatch_Release(proxy);
}

static void arguments_are_coerced_like_automation_does(void **state)
{
    IDispatch *settings, *au = create(&CLSID_AutomaticUpdates, &IID_IDispatch);
    VARIANT got, value;

    (void)state;
    assert_hr(S_OK, get_property(au, L"Settings", &got));
    settings = V_DISPATCH(&got);
    V_VT(&value) = VT_UI4;
    V_UI4(&value) = 7;
    assert_hr(S_OK, invoke(settings, L"ScheduledInstallationTime", DISPATCH_PROPERTYPUT, NULL, NULL, 1, &value));
    V_VT(&value) = VT_I8;
    V_I8(&value) = 8;
    assert_hr(S_OK, invoke(settings, L"ScheduledInstallationTime", DISPATCH_PROPERTYPUT, NULL, NULL, 1, &value));
    value = var_bstr(L"9");
    assert_hr(S_OK, invoke(settings, L"ScheduledInstallationTime", DISPATCH_PROPERTYPUT, NULL, NULL, 1, &value));
    VariantClear(&value);
    assert_hr(S_OK, get_property(settings, L"ScheduledInstallationTime", &value));
    assert_int_equal(VT_I4, V_VT(&value));
    assert_int_equal(9, V_I4(&value));
    value = var_bstr(L"nine");
    assert_hr(DISP_E_TYPEMISMATCH, invoke(settings, L"ScheduledInstallationTime", DISPATCH_PROPERTYPUT, NULL, NULL,
                                          1, &value));
    VariantClear(&value);
    assert_hr(DISP_E_BADPARAMCOUNT, invoke(settings, L"Refresh", DISPATCH_METHOD, NULL, NULL, 1, &value));
    VariantClear(&got);
    IDispatch_Release(au);
}

static DWORD WINAPI invoke_from_thread(void *arg)
{
    IDispatch *disp = arg;
    VARIANT result;
    DWORD failures = 0;
    int i;

    CoInitializeEx(NULL, COINIT_MULTITHREADED);
    for (i = 0; i < 2000; i++)
    {
        if (FAILED(get_property(disp, L"RebootRequired", &result)) || V_VT(&result) != VT_BOOL) failures++;
    }
    CoUninitialize();
    return failures;
}

/* The type information is loaded lazily: many threads at once must all get it. */
static void concurrent_first_calls_all_succeed(void **state)
{
    IDispatch *disp = create(&CLSID_SystemInformation, &IID_IDispatch);
    HANDLE threads[8];
    DWORD failures, i;

    (void)state;
    for (i = 0; i < ARRAYSIZE(threads); i++) threads[i] = CreateThread(NULL, 0, invoke_from_thread, disp, 0, NULL);
    assert_int_equal(WAIT_OBJECT_0, WaitForMultipleObjects(ARRAYSIZE(threads), threads, TRUE, 60000));
    for (i = 0; i < ARRAYSIZE(threads); i++)
    {
        GetExitCodeThread(threads[i], &failures);
        assert_int_equal(0, failures);
        CloseHandle(threads[i]);
    }
    IDispatch_Release(disp);
}

/* Calls every out-only member of one interface level (and its bases) through
 * its vtable slot with a NULL out-pointer; returns how many calls were made. */
static int call_getters_with_null(IUnknown *obj, ITypeInfo *typeinfo)
{
    VARTYPE types[1] = { VT_BYREF | VT_I4 };
    VARIANT arg, *args[1] = { &arg }, result;
    ITypeInfo *base;
    TYPEATTR *attr;
    FUNCDESC *func;
    HREFTYPE href;
    BSTR name;
    int calls = 0;
    UINT i;

    assert_hr(S_OK, ITypeInfo_GetTypeAttr(typeinfo, &attr));
    if (IsEqualGUID(&attr->guid, &IID_IDispatch) || IsEqualGUID(&attr->guid, &IID_IUnknown))
    {
        ITypeInfo_ReleaseTypeAttr(typeinfo, attr);
        return 0;
    }
    for (i = 0; i < attr->cFuncs; i++)
    {
        assert_hr(S_OK, ITypeInfo_GetFuncDesc(typeinfo, i, &func));
        if (func->cParams == 1 && (func->lprgelemdescParam[0].paramdesc.wParamFlags & PARAMFLAG_FRETVAL))
        {
            V_VT(&arg) = VT_BYREF | VT_I4;
            V_BYREF(&arg) = NULL;
            assert_hr(S_OK, DispCallFunc(obj, func->oVft, CC_STDCALL, VT_ERROR, 1, types, args, &result));
            ITypeInfo_GetDocumentation(typeinfo, func->memid, &name, NULL, NULL, NULL);
            if (V_ERROR(&result) != E_POINTER) fail_msg("%ls: 0x%08lx, not E_POINTER", name, V_ERROR(&result));
            SysFreeString(name);
            calls++;
        }
        ITypeInfo_ReleaseFuncDesc(typeinfo, func);
    }
    if (attr->cImplTypes && SUCCEEDED(ITypeInfo_GetRefTypeOfImplType(typeinfo, 0, &href))
        && SUCCEEDED(ITypeInfo_GetRefTypeInfo(typeinfo, href, &base)))
    {
        calls += call_getters_with_null(obj, base);
        ITypeInfo_Release(base);
    }
    ITypeInfo_ReleaseTypeAttr(typeinfo, attr);
    return calls;
}

/* Every getter and every method whose only parameter is its result, on every class:
 * a NULL out-pointer is E_POINTER, never a crash. */
static void null_out_pointers_are_refused_everywhere(void **state)
{
    ITypeInfo *dispinfo, *typeinfo;
    IUnknown *obj;
    HREFTYPE href;
    int calls = 0;
    size_t i;

    (void)state;
    IAutomaticUpdates2 *au = create(&CLSID_AutomaticUpdates, &IID_IAutomaticUpdates2);
    IUnknown *others[2];

    /* The objects clients cannot create themselves come from AutomaticUpdates. */
    assert_hr(S_OK, IAutomaticUpdates2_get_Settings(au, (IAutomaticUpdatesSettings **)&others[0]));
    assert_hr(S_OK, IAutomaticUpdates2_get_Results(au, (IAutomaticUpdatesResults **)&others[1]));
    IAutomaticUpdates2_Release(au);
    for (i = 0; i < ARRAYSIZE(classes) + ARRAYSIZE(others); i++)
    {
        obj = i < ARRAYSIZE(classes) ? create(classes[i].clsid, classes[i].newest) : others[i - ARRAYSIZE(classes)];
        assert_hr(S_OK, IDispatch_GetTypeInfo((IDispatch *)obj, 0, 0, &dispinfo));
        assert_hr(S_OK, ITypeInfo_GetRefTypeOfImplType(dispinfo, -1, &href));
        assert_hr(S_OK, ITypeInfo_GetRefTypeInfo(dispinfo, href, &typeinfo));
        calls += call_getters_with_null(obj, typeinfo);
        ITypeInfo_Release(typeinfo);
        ITypeInfo_Release(dispinfo);
        IUnknown_Release(obj);
    }
    print_message("%d getters called with a NULL out-pointer\n", calls);
    assert_true(calls >= 35);
}

int main(void)
{
    const struct CMUnitTest tests[] =
    {
        LEAK_CHECKED(type_info_describes_the_newest_interface),
        LEAK_CHECKED(inherited_members_resolve_on_the_newest_interface),
        LEAK_CHECKED(unknown_names_and_bad_arguments_are_refused),
        LEAK_CHECKED(failures_arrive_as_exceptions_with_only_the_code),
        LEAK_CHECKED(restricted_members_are_vtable_only),
        LEAK_CHECKED(arguments_are_coerced_like_automation_does),
        LEAK_CHECKED(concurrent_first_calls_all_succeed),
        LEAK_CHECKED(null_out_pointers_are_refused_everywhere),
    };
    return RUN_TESTS(tests);
}
