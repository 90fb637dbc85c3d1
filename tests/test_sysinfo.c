/*
 * OpenWUA tests: SystemInformation and WindowsUpdateAgentInfo.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "common.h"

static const WCHAR reboot_key[] =
    L"Software\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired";
static const WCHAR oem_key[] = L"Software\\Microsoft\\Windows\\CurrentVersion\\OEMInformation";

static void reboot_required_follows_the_windows_flag(void **state)
{
    ISystemInformation *info = create(&CLSID_SystemInformation, &IID_ISystemInformation);
    VARIANT_BOOL required = 1;
    HKEY key;

    (void)state;
    reg_delete_tree(reboot_key);
    assert_hr(S_OK, ISystemInformation_get_RebootRequired(info, &required));
    assert_int_equal(VARIANT_FALSE, required);

    assert_int_equal(0, RegCreateKeyExW(HKEY_LOCAL_MACHINE, reboot_key, 0, NULL, 0, KEY_WRITE, NULL, &key, NULL));
    RegCloseKey(key);
    assert_hr(S_OK, ISystemInformation_get_RebootRequired(info, &required));
    assert_int_equal(VARIANT_TRUE, required);

    reg_delete_tree(reboot_key);
    assert_hr(S_OK, ISystemInformation_get_RebootRequired(info, &required));
    assert_int_equal(VARIANT_FALSE, required);
    assert_hr(E_POINTER, ISystemInformation_get_RebootRequired(info, NULL));
    ISystemInformation_Release(info);
}

static void oem_link_is_empty_or_the_oem_value(void **state)
{
    ISystemInformation *info = create(&CLSID_SystemInformation, &IID_ISystemInformation);
    static const WCHAR url[] = L"https://oem.example/support";
    BSTR link = NULL;

    (void)state;
    RegDeleteKeyValueW(HKEY_LOCAL_MACHINE, oem_key, L"SupportURL");
    assert_hr(S_OK, ISystemInformation_get_OemHardwareSupportLink(info, &link));
    assert_non_null(link);
    assert_int_equal(0, SysStringLen(link));
    SysFreeString(link);

    assert_int_equal(0, RegSetKeyValueW(HKEY_LOCAL_MACHINE, oem_key, L"SupportURL", REG_SZ, url, sizeof(url)));
    assert_hr(S_OK, ISystemInformation_get_OemHardwareSupportLink(info, &link));
    assert_true(!wcscmp(link, url));
    SysFreeString(link);
    RegDeleteKeyValueW(HKEY_LOCAL_MACHINE, oem_key, L"SupportURL");

    assert_hr(E_POINTER, ISystemInformation_get_OemHardwareSupportLink(info, NULL));
    ISystemInformation_Release(info);
}

static HRESULT get_info(IWindowsUpdateAgentInfo *info, VARIANT *id, VARIANT *out)
{
    HRESULT hr = IWindowsUpdateAgentInfo_GetInfo(info, *id, out);

    VariantClear(id);
    return hr;
}

static void agent_info_answers_the_three_names(void **state)
{
    IWindowsUpdateAgentInfo *info = create(&CLSID_WindowsUpdateAgentInfo, &IID_IWindowsUpdateAgentInfo);
    VARIANT id, out;
    unsigned a, b, c, d;

    (void)state;
    id = var_bstr(L"ApiMajorVersion");
    assert_hr(S_OK, get_info(info, &id, &out));
    assert_int_equal(VT_I4, V_VT(&out));
    assert_int_equal(8, V_I4(&out));

    id = var_bstr(L"apiminorversion");      /* names are case-insensitive */
    assert_hr(S_OK, get_info(info, &id, &out));
    assert_int_equal(VT_I4, V_VT(&out));
    assert_int_equal(0, V_I4(&out));

    id = var_bstr(L"ProductVersionString");
    assert_hr(S_OK, get_info(info, &id, &out));
    assert_int_equal(VT_BSTR, V_VT(&out));
    assert_int_equal(4, swscanf(V_BSTR(&out), L"%u.%u.%u.%u", &a, &b, &c, &d));
    assert_int_equal(10, a);
    VariantClear(&out);
    IWindowsUpdateAgentInfo_Release(info);
}

static void agent_info_rejects_bad_names(void **state)
{
    IWindowsUpdateAgentInfo *info = create(&CLSID_WindowsUpdateAgentInfo, &IID_IWindowsUpdateAgentInfo);
    VARIANT id, out;

    (void)state;
    id = var_bstr(L"NoSuchThing");
    assert_hr(E_INVALIDARG, get_info(info, &id, &out));
    assert_int_equal(VT_EMPTY, V_VT(&out));
    id = var_bstr(L"");
    assert_hr(E_INVALIDARG, get_info(info, &id, &out));
    id = var_bstr(NULL);
    assert_hr(E_INVALIDARG, get_info(info, &id, &out));
    id = var_i4(1);
    assert_hr(E_INVALIDARG, get_info(info, &id, &out));
    V_VT(&id) = VT_EMPTY;
    assert_hr(E_INVALIDARG, get_info(info, &id, &out));
    id = var_bstr(L"ApiMajorVersion");
    assert_hr(E_POINTER, IWindowsUpdateAgentInfo_GetInfo(info, id, NULL));
    VariantClear(&id);
    IWindowsUpdateAgentInfo_Release(info);
}

static void agent_info_through_idispatch(void **state)
{
    IDispatch *disp = create(&CLSID_WindowsUpdateAgentInfo, &IID_IDispatch);
    VARIANT arg = var_bstr(L"ApiMajorVersion"), out;
    EXCEPINFO excep;

    (void)state;
    assert_hr(S_OK, invoke(disp, L"getinfo", DISPATCH_METHOD, &out, NULL, 1, &arg));
    assert_int_equal(VT_I4, V_VT(&out));
    assert_int_equal(8, V_I4(&out));
    VariantClear(&arg);

    arg = var_bstr(L"Bogus");
    assert_hr(DISP_E_EXCEPTION, invoke(disp, L"GetInfo", DISPATCH_METHOD, &out, &excep, 1, &arg));
    assert_hr(E_INVALIDARG, excep.scode);
    VariantClear(&arg);
    IDispatch_Release(disp);
}

int main(void)
{
    const struct CMUnitTest tests[] =
    {
        LEAK_CHECKED(reboot_required_follows_the_windows_flag),
        LEAK_CHECKED(oem_link_is_empty_or_the_oem_value),
        LEAK_CHECKED(agent_info_answers_the_three_names),
        LEAK_CHECKED(agent_info_rejects_bad_names),
        LEAK_CHECKED(agent_info_through_idispatch),
    };
    return RUN_TESTS(tests);
}
