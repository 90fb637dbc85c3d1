/*
 * OpenWUA tests: DllRegisterServer / DllUnregisterServer through regsvr32.
 *
 * Runs last: it unregisters the DLL and always registers it again.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "common.h"

static const WCHAR *progids[] =
{
    L"Microsoft.Update.Session", L"Microsoft.Update.UpdateColl", L"Microsoft.Update.StringColl",
    L"Microsoft.Update.WebProxy", L"Microsoft.Update.SystemInfo", L"Microsoft.Update.AgentInfo",
    L"Microsoft.Update.AutoUpdate", L"Microsoft.Update.Searcher", L"Microsoft.Update.ServiceManager",
    L"Microsoft.Update.Downloader", L"Microsoft.Update.Installer",
};
static const CLSID *clsids[] =
{
    &CLSID_UpdateSession, &CLSID_UpdateCollection, &CLSID_StringCollection, &CLSID_WebProxy,
    &CLSID_SystemInformation, &CLSID_WindowsUpdateAgentInfo, &CLSID_AutomaticUpdates, &CLSID_UpdateSearcher,
    &CLSID_UpdateServiceManager, &CLSID_UpdateDownloader, &CLSID_UpdateInstaller,
};
static const GUID libid = { 0xb596cc9f, 0x56e5, 0x419e, { 0xa6, 0x22, 0xe0, 0x1b, 0xb4, 0x57, 0x43, 0x1e } };

static DWORD regsvr32(const WCHAR *flags)
{
    WCHAR cmdline[128];

    swprintf(cmdline, ARRAYSIZE(cmdline), L"regsvr32.exe %ls /s wuapi.dll", flags);
    return run_process(cmdline);
}

/* A text snapshot of a registry tree: one line per key and per value. */
struct snapshot
{
    char *text;
    size_t len, size;
};

static void append(struct snapshot *snap, const WCHAR *fmt, ...)
{
    WCHAR line[1024];
    char utf8[4096];
    va_list args;
    int n;

    va_start(args, fmt);
    vswprintf(line, ARRAYSIZE(line), fmt, args);
    va_end(args);
    n = WideCharToMultiByte(CP_UTF8, 0, line, -1, utf8, sizeof(utf8), NULL, NULL);
    assert_true(n > 0);
    if (snap->len + n + 1 > snap->size)
    {
        snap->size = (snap->len + n + 1) * 2;
        snap->text = realloc(snap->text, snap->size);
        assert_non_null(snap->text);
    }
    memcpy(snap->text + snap->len, utf8, n - 1);
    snap->len += n - 1;
    snap->text[snap->len++] = '\n';
    snap->text[snap->len] = 0;
}

static void dump_key(struct snapshot *snap, HKEY root, const WCHAR *path)
{
    WCHAR name[256], sub[1024];
    BYTE data[2048];
    DWORD i, name_len, data_len, type;
    HKEY key;

    if (RegOpenKeyExW(root, path, 0, KEY_READ, &key)) return;
    append(snap, L"[%ls]", path);
    for (i = 0;; i++)
    {
        name_len = ARRAYSIZE(name);
        data_len = sizeof(data) - sizeof(WCHAR);
        if (RegEnumValueW(key, i, name, &name_len, NULL, &type, data, &data_len)) break;
        data[data_len] = data[data_len + 1] = 0;
        append(snap, L"%ls=%u:%ls", name, type, type == REG_SZ ? (WCHAR *)data : L"");
    }
    for (i = 0;; i++)
    {
        name_len = ARRAYSIZE(name);
        if (RegEnumKeyExW(key, i, name, &name_len, NULL, NULL, NULL, NULL)) break;
        swprintf(sub, ARRAYSIZE(sub), L"%ls\\%ls", path, name);
        dump_key(snap, root, sub);
    }
    RegCloseKey(key);
}

/* Everything registration touches: classes, ProgIDs, the type library, its interfaces. */
static void take_snapshot(struct snapshot *snap, ITypeLib *typelib)
{
    WCHAR path[128], guid[40];
    TYPEATTR *attr;
    ITypeInfo *info;
    UINT i;

    memset(snap, 0, sizeof(*snap));
    for (i = 0; i < ARRAYSIZE(clsids); i++)
    {
        StringFromGUID2(clsids[i], guid, ARRAYSIZE(guid));
        swprintf(path, ARRAYSIZE(path), L"CLSID\\%ls", guid);
        dump_key(snap, HKEY_CLASSES_ROOT, path);
        swprintf(path, ARRAYSIZE(path), L"%ls.1", progids[i]);
        dump_key(snap, HKEY_CLASSES_ROOT, path);
        dump_key(snap, HKEY_CLASSES_ROOT, progids[i]);
    }
    dump_key(snap, HKEY_CLASSES_ROOT, L"TypeLib\\{B596CC9F-56E5-419E-A622-E01BB457431E}");
    for (i = 0; i < ITypeLib_GetTypeInfoCount(typelib); i++)
    {
        assert_hr(S_OK, ITypeLib_GetTypeInfo(typelib, i, &info));
        assert_hr(S_OK, ITypeInfo_GetTypeAttr(info, &attr));
        StringFromGUID2(&attr->guid, guid, ARRAYSIZE(guid));
        if (attr->typekind == TKIND_INTERFACE || attr->typekind == TKIND_DISPATCH)
        {
            swprintf(path, ARRAYSIZE(path), L"Interface\\%ls", guid);
            dump_key(snap, HKEY_CLASSES_ROOT, path);
        }
        ITypeInfo_ReleaseTypeAttr(info, attr);
        ITypeInfo_Release(info);
    }
    append(snap, L"end");
}

static ITypeLib *load_typelib(void)
{
    ITypeLib *typelib = NULL;

    assert_hr(S_OK, LoadTypeLibEx(L"wuapi.dll", REGKIND_NONE, &typelib));
    return typelib;
}

static void registration_has_the_windows_layout(void **state)
{
    WCHAR value[MAX_PATH], key[128], guid[40];
    DWORD size;
    CLSID clsid;
    size_t i;

    (void)state;
    for (i = 0; i < ARRAYSIZE(clsids); i++)
    {
        assert_hr(S_OK, CLSIDFromProgID(progids[i], &clsid));
        assert_true(IsEqualCLSID(&clsid, clsids[i]));
        swprintf(key, ARRAYSIZE(key), L"%ls.1", progids[i]);
        assert_hr(S_OK, CLSIDFromProgID(key, &clsid));
        assert_true(IsEqualCLSID(&clsid, clsids[i]));

        StringFromGUID2(clsids[i], guid, ARRAYSIZE(guid));
        swprintf(key, ARRAYSIZE(key), L"CLSID\\%ls\\InprocServer32", guid);
        size = sizeof(value);
        assert_int_equal(0, RegGetValueW(HKEY_CLASSES_ROOT, key, L"ThreadingModel", RRF_RT_REG_SZ, NULL, value, &size));
        assert_true(!wcscmp(value, L"Both"));
        size = sizeof(value);
        assert_int_equal(0, RegGetValueW(HKEY_CLASSES_ROOT, key, NULL, RRF_RT_REG_SZ, NULL, value, &size));
        assert_true(!_wcsicmp(value + wcslen(value) - 9, L"wuapi.dll"));
        swprintf(key, ARRAYSIZE(key), L"CLSID\\%ls\\TypeLib", guid);
        size = sizeof(value);
        assert_int_equal(0, RegGetValueW(HKEY_CLASSES_ROOT, key, NULL, RRF_RT_REG_SZ, NULL, value, &size));
        assert_true(!wcscmp(value, L"{B596CC9F-56E5-419E-A622-E01BB457431E}"));
        swprintf(key, ARRAYSIZE(key), L"CLSID\\%ls\\Programmable", guid);
        assert_true(reg_key_exists(HKEY_CLASSES_ROOT, key));
    }
    /* The type library marshaller handles every oleautomation interface. */
    StringFromGUID2(&IID_IUpdateSession3, guid, ARRAYSIZE(guid));
    swprintf(key, ARRAYSIZE(key), L"Interface\\%ls\\ProxyStubClsid32", guid);
    size = sizeof(value);
    assert_int_equal(0, RegGetValueW(HKEY_CLASSES_ROOT, key, NULL, RRF_RT_REG_SZ, NULL, value, &size));
    assert_true(!wcscmp(value, L"{00020424-0000-0000-C000-000000000046}"));
}

static int register_again(void **state)
{
    (void)state;
    regsvr32(L"");
    return leak_check(state);
}

static void unregister_removes_exactly_what_register_adds(void **state)
{
    ITypeLib *typelib = load_typelib(), *registered;
    struct snapshot before, after, again;
    IUnknown *unk = (void *)1;
    CLSID clsid;
    size_t i;

    (void)state;
    take_snapshot(&before, typelib);
    assert_true(before.len > 1000);
    assert_int_equal(0, regsvr32(L"/u"));
    take_snapshot(&after, typelib);
    if (strcmp(after.text, "end\n")) fail_msg("left behind:\n%s", after.text);
    assert_true(reg_key_exists(HKEY_CLASSES_ROOT, L"Scripting.Dictionary"));

    assert_hr(REGDB_E_CLASSNOTREG, CoCreateInstance(&CLSID_UpdateSession, NULL, CLSCTX_INPROC_SERVER,
                                                    &IID_IUnknown, (void **)&unk));
    assert_null(unk);
    for (i = 0; i < ARRAYSIZE(progids); i++) assert_hr(CO_E_CLASSSTRING, CLSIDFromProgID(progids[i], &clsid));
    assert_true(FAILED(LoadRegTypeLib(&libid, 2, 0, 0, &registered)));
    /* Unregistering twice is harmless. */
    assert_int_equal(0, regsvr32(L"/u"));

    assert_int_equal(0, regsvr32(L""));
    assert_int_equal(0, regsvr32(L""));     /* and so is registering twice */
    take_snapshot(&again, typelib);
    assert_string_equal(before.text, again.text);
    unk = create(&CLSID_UpdateSession, &IID_IUnknown);
    IUnknown_Release(unk);
    assert_hr(S_OK, LoadRegTypeLib(&libid, 2, 0, 0, &registered));
    ITypeLib_Release(registered);
    free(before.text);
    free(after.text);
    free(again.text);
    ITypeLib_Release(typelib);
}

int main(void)
{
    const struct CMUnitTest tests[] =
    {
        LEAK_CHECKED(registration_has_the_windows_layout),
        cmocka_unit_test_teardown(unregister_removes_exactly_what_register_adds, register_again),
    };
    return RUN_TESTS(tests);
}
