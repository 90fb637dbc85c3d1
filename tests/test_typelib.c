/*
 * OpenWUA tests: the type library embedded in wuapi.dll.
 *
 * Scripts, .NET interop and every IDispatch call go through the type library,
 * so it must describe the interfaces exactly as Windows' wuapi.dll does.  The
 * expectations come from tests/typelib_expected.h, which is generated from the
 * reference document and not from our IDL, so a slip in the IDL shows up here.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "common.h"
#include "typelib_expected.h"

#define NAME_MAX_CHARS 256

/* The comparisons report every difference they find, not just the first, so
 * one run lists all that is wrong; each test fails at its end if any was found. */
static int differences;

static void __attribute__((format(printf, 1, 2))) report(const char *format, ...)
{
    char message[512];
    va_list args;

    va_start(args, format);
    vsnprintf(message, sizeof(message), format, args);
    va_end(args);
    print_error("difference: %s\n", message);
    differences++;
}

#define expect(condition, ...) do { if (!(condition)) report(__VA_ARGS__); } while (0)

static void guid_from_string(const char *text, GUID *guid)
{
    WCHAR wide[64];

    assert_int_not_equal(0, MultiByteToWideChar(CP_ACP, 0, text, -1, wide, ARRAYSIZE(wide)));
    assert_hr(S_OK, CLSIDFromString(wide, guid));
}

/* Names are compared as UTF-8 so they can be checked against the generated tables. */
static void typeinfo_name(ITypeInfo *info, MEMBERID id, char *name)
{
    BSTR wide = NULL;

    name[0] = 0;
    if (SUCCEEDED(ITypeInfo_GetDocumentation(info, id, &wide, NULL, NULL, NULL)) && wide)
        WideCharToMultiByte(CP_UTF8, 0, wide, -1, name, NAME_MAX_CHARS, NULL, NULL);
    SysFreeString(wide);
}

/* What a user would do: the DLL by its name, found in system32. */
static ITypeLib *load_installed_typelib(void)
{
    ITypeLib *lib = NULL;

    assert_hr(S_OK, LoadTypeLibEx(L"wuapi.dll", REGKIND_NONE, &lib));
    assert_non_null(lib);
    return lib;
}

static ITypeInfo *typeinfo_of(ITypeLib *lib, const char *guid_text)
{
    ITypeInfo *info = NULL;
    GUID guid;

    guid_from_string(guid_text, &guid);
    if (FAILED(ITypeLib_GetTypeInfoOfGuid(lib, &guid, &info))) return NULL;
    return info;
}

static void check_wuapilib(ITypeLib *lib)
{
    TLIBATTR *attr;
    BSTR name = NULL;

    assert_hr(S_OK, ITypeLib_GetLibAttr(lib, &attr));
    assert_true(IsEqualGUID(&LIBID_WUApiLib, &attr->guid));
    assert_int_equal(2, attr->wMajorVerNum);
    assert_int_equal(0, attr->wMinorVerNum);
    ITypeLib_ReleaseTLibAttr(lib, attr);

    assert_hr(S_OK, ITypeLib_GetDocumentation(lib, MEMBERID_NIL, &name, NULL, NULL, NULL));
    assert_non_null(name);
    assert_true(!wcscmp(name, L"WUApiLib"));
    SysFreeString(name);
}

static void installed_dll_embeds_wuapilib(void **state)
{
    ITypeLib *lib = load_installed_typelib();

    (void)state;
    check_wuapilib(lib);
    ITypeLib_Release(lib);
}

static BOOL ends_with_wuapi_dll(const WCHAR *path)
{
    size_t length = wcslen(path);

    return length >= 10 && !_wcsicmp(path + length - 10, L"\\wuapi.dll");
}

/* regsvr32 registered the library; clients that only know the LIBID find it that way. */
static void registered_typelib_is_the_installed_dll(void **state)
{
    ITypeLib *lib = NULL;
    BSTR path = NULL;

    (void)state;
    assert_hr(S_OK, LoadRegTypeLib(&LIBID_WUApiLib, 2, 0, 0, &lib));
    check_wuapilib(lib);
    ITypeLib_Release(lib);

    assert_hr(S_OK, QueryPathOfRegTypeLib(&LIBID_WUApiLib, 2, 0, 0, &path));
    print_message("registered type library: %ls\n", path);
    assert_true(ends_with_wuapi_dll(path));
    assert_int_not_equal(INVALID_FILE_ATTRIBUTES, GetFileAttributesW(path));
    SysFreeString(path);
}

/* Dual interfaces come as a dispinterface with the vtable interface behind it;
 * the vtable side carries the slots and the base interface. */
static ITypeInfo *vtable_side(const struct expected_interface *e, ITypeInfo *info)
{
    ITypeInfo *vtable = NULL;
    HREFTYPE href;

    if (!e->dual)
    {
        ITypeInfo_AddRef(info);
        return info;
    }
    if (FAILED(ITypeInfo_GetRefTypeOfImplType(info, -1, &href))
        || FAILED(ITypeInfo_GetRefTypeInfo(info, href, &vtable)))
    {
        report("%s: dual, but has no vtable side", e->name);
        return NULL;
    }
    return vtable;
}

static void check_base(const struct expected_interface *e, ITypeInfo *vtable)
{
    char name[NAME_MAX_CHARS];
    ITypeInfo *base;
    HREFTYPE href;

    if (FAILED(ITypeInfo_GetRefTypeOfImplType(vtable, 0, &href))
        || FAILED(ITypeInfo_GetRefTypeInfo(vtable, href, &base)))
    {
        report("%s: no base interface, want %s", e->name, e->base);
        return;
    }
    typeinfo_name(base, MEMBERID_NIL, name);
    expect(!strcmp(name, e->base), "%s: base %s, want %s", e->name, name, e->base);
    ITypeInfo_Release(base);
}

static void check_vtable_attributes(const struct expected_interface *e, ITypeInfo *vtable)
{
    TYPEATTR *attr;

    assert_hr(S_OK, ITypeInfo_GetTypeAttr(vtable, &attr));
    expect(attr->typekind == TKIND_INTERFACE, "%s: vtable side has type kind %d, want %d",
           e->name, attr->typekind, TKIND_INTERFACE);
    expect(attr->cImplTypes == 1, "%s: vtable side has %d base interfaces", e->name, attr->cImplTypes);
    /* The size of the whole vtable catches members missing from a base interface too. */
    expect(attr->cbSizeVft == e->vtable_slots * (int)sizeof(void *), "%s: vtable has %d slots, want %d",
           e->name, attr->cbSizeVft / (int)sizeof(void *), e->vtable_slots);
    ITypeInfo_ReleaseTypeAttr(vtable, attr);
}

/* Returns TRUE when the interface was there to be checked. */
static BOOL check_interface(ITypeLib *lib, const struct expected_interface *e)
{
    ITypeInfo *info = typeinfo_of(lib, e->iid), *vtable;
    char name[NAME_MAX_CHARS];
    TYPEATTR *attr;
    GUID iid;

    if (!info)
    {
        report("%s %s: not in the type library", e->name, e->iid);
        return FALSE;
    }
    guid_from_string(e->iid, &iid);
    typeinfo_name(info, MEMBERID_NIL, name);
    expect(!strcmp(name, e->name), "%s: named %s", e->name, name);

    assert_hr(S_OK, ITypeInfo_GetTypeAttr(info, &attr));
    expect(IsEqualGUID(&attr->guid, &iid), "%s: typeinfo has another GUID", e->name);
    expect(!!(attr->wTypeFlags & TYPEFLAG_FHIDDEN) == e->hidden, "%s: hidden is %d, want %d",
           e->name, !!(attr->wTypeFlags & TYPEFLAG_FHIDDEN), e->hidden);
    expect(!!(attr->wTypeFlags & TYPEFLAG_FDUAL) == e->dual, "%s: dual is %d, want %d",
           e->name, !!(attr->wTypeFlags & TYPEFLAG_FDUAL), e->dual);
    expect(attr->typekind == (e->dual ? TKIND_DISPATCH : TKIND_INTERFACE), "%s: type kind %d, want %d",
           e->name, attr->typekind, e->dual ? TKIND_DISPATCH : TKIND_INTERFACE);
    ITypeInfo_ReleaseTypeAttr(info, attr);

    if ((vtable = vtable_side(e, info)))
    {
        check_vtable_attributes(e, vtable);
        check_base(e, vtable);
        ITypeInfo_Release(vtable);
    }
    ITypeInfo_Release(info);
    return TRUE;
}

static void interfaces_match_the_reference(void **state)
{
    ITypeLib *lib = load_installed_typelib();
    int i, checked = 0;

    (void)state;
    differences = 0;
    assert_int_equal(expected_interface_count, ARRAYSIZE(expected_interfaces));
    for (i = 0; i < expected_interface_count; i++)
        checked += check_interface(lib, &expected_interfaces[i]);
    ITypeLib_Release(lib);

    print_message("%d of %d interfaces checked\n", checked, expected_interface_count);
    assert_int_equal(0, differences);
    assert_int_equal(expected_interface_count, checked);
}

static void check_member(const struct expected_interface *e, const struct expected_member *m,
                         ITypeInfo *vtable, const FUNCDESC *func)
{
    BOOL restricted = !!(func->wFuncFlags & FUNCFLAG_FRESTRICTED);
    char name[NAME_MAX_CHARS];

    /* Exact case matters: it is what GetNames and .NET interop report. */
    typeinfo_name(vtable, func->memid, name);
    expect(!strcmp(name, m->name), "%s.%s: named %s, want %s", e->name, m->c_name, name, m->name);
    expect((int)func->invkind == m->invkind, "%s.%s: invoke kind %d, want %d",
           e->name, m->c_name, func->invkind, m->invkind);
    expect((int)func->memid == m->dispid, "%s.%s: dispid 0x%08lx, want 0x%08x",
           e->name, m->c_name, func->memid, (unsigned)m->dispid);
    expect(restricted == m->restricted, "%s.%s: restricted is %d, want %d",
           e->name, m->c_name, restricted, m->restricted);
    expect(func->oVft == m->slot * (int)sizeof(void *), "%s.%s: in vtable slot %d, want %d",
           e->name, m->c_name, func->oVft / (int)sizeof(void *), m->slot);
}

/* Returns how many members were compared. */
static int check_members(ITypeLib *lib, const struct expected_interface *e)
{
    ITypeInfo *info = typeinfo_of(lib, e->iid), *vtable;
    FUNCDESC *func;
    TYPEATTR *attr;
    int i, checked = 0;

    if (!info) return 0;    /* reported by interfaces_match_the_reference */
    vtable = vtable_side(e, info);
    ITypeInfo_Release(info);
    if (!vtable) return 0;

    /* On the vtable side cFuncs counts only the interface's own members. */
    assert_hr(S_OK, ITypeInfo_GetTypeAttr(vtable, &attr));
    expect(attr->cFuncs == e->member_count, "%s: %d own members, want %d", e->name, attr->cFuncs, e->member_count);
    for (i = 0; i < attr->cFuncs && i < e->member_count; i++, checked++)
    {
        assert_hr(S_OK, ITypeInfo_GetFuncDesc(vtable, i, &func));
        check_member(e, &e->members[i], vtable, func);
        ITypeInfo_ReleaseFuncDesc(vtable, func);
    }
    ITypeInfo_ReleaseTypeAttr(vtable, attr);
    ITypeInfo_Release(vtable);
    return checked;
}

static void members_match_the_reference(void **state)
{
    ITypeLib *lib = load_installed_typelib();
    int i, checked = 0, expected = 0;

    (void)state;
    differences = 0;
    for (i = 0; i < expected_interface_count; i++)
    {
        checked += check_members(lib, &expected_interfaces[i]);
        expected += expected_interfaces[i].member_count;
    }
    ITypeLib_Release(lib);

    print_message("%d of %d members checked\n", checked, expected);
    assert_int_equal(0, differences);
    assert_int_equal(expected_member_total, expected);
    assert_int_equal(expected, checked);
}

/* Returns TRUE when the coclass was there to be checked. */
static BOOL check_coclass(ITypeLib *lib, const struct expected_coclass *c)
{
    ITypeInfo *info = typeinfo_of(lib, c->clsid), *implemented;
    char name[NAME_MAX_CHARS];
    TYPEATTR *attr;
    HREFTYPE href;
    INT flags;
    int i;

    if (!info)
    {
        report("coclass %s %s: not in the type library", c->name, c->clsid);
        return FALSE;
    }
    typeinfo_name(info, MEMBERID_NIL, name);
    expect(!strcmp(name, c->name), "coclass %s: named %s", c->name, name);
    assert_hr(S_OK, ITypeInfo_GetTypeAttr(info, &attr));
    expect(attr->typekind == TKIND_COCLASS, "coclass %s: type kind %d, want %d",
           c->name, attr->typekind, TKIND_COCLASS);
    expect(attr->cImplTypes == c->interface_count, "coclass %s: %d interfaces, want %d",
           c->name, attr->cImplTypes, c->interface_count);
    for (i = 0; i < attr->cImplTypes && i < c->interface_count; i++)
    {
        assert_hr(S_OK, ITypeInfo_GetRefTypeOfImplType(info, i, &href));
        assert_hr(S_OK, ITypeInfo_GetRefTypeInfo(info, href, &implemented));
        assert_hr(S_OK, ITypeInfo_GetImplTypeFlags(info, i, &flags));
        typeinfo_name(implemented, MEMBERID_NIL, name);
        ITypeInfo_Release(implemented);
        expect(!strcmp(name, c->interfaces[i]), "coclass %s: interface %d is %s, want %s",
               c->name, i, name, c->interfaces[i]);
        /* The default interface is what scripts get from CreateObject. */
        expect(!!(flags & IMPLTYPEFLAG_FDEFAULT) == !strcmp(c->interfaces[i], c->default_interface),
               "coclass %s: default flag wrong on %s", c->name, name);
    }
    ITypeInfo_ReleaseTypeAttr(info, attr);
    ITypeInfo_Release(info);
    return TRUE;
}

static void coclasses_match_the_reference(void **state)
{
    ITypeLib *lib = load_installed_typelib();
    int i, checked = 0;

    (void)state;
    differences = 0;
    assert_int_equal(expected_coclass_count, ARRAYSIZE(expected_coclasses));
    for (i = 0; i < expected_coclass_count; i++)
        checked += check_coclass(lib, &expected_coclasses[i]);
    ITypeLib_Release(lib);

    print_message("%d of %d coclasses checked\n", checked, expected_coclass_count);
    assert_int_equal(0, differences);
    assert_int_equal(expected_coclass_count, checked);
}

static HRESULT id_of_name(ITypeLib *lib, REFIID iid, const WCHAR *name, MEMBERID *id)
{
    ITypeInfo *info = NULL;
    HRESULT hr;

    assert_hr(S_OK, ITypeLib_GetTypeInfoOfGuid(lib, iid, &info));
    *id = 0x7fff;
    hr = ITypeInfo_GetIDsOfNames(info, (LPOLESTR *)&name, 1, id);
    ITypeInfo_Release(info);
    return hr;
}

/* VBScript and JScript callers spell names any way they like. */
static void names_resolve_case_insensitively(void **state)
{
    ITypeLib *lib = load_installed_typelib();
    MEMBERID id;

    (void)state;
    assert_hr(S_OK, id_of_name(lib, &IID_IUpdateCollection, L"count", &id));
    assert_int_equal(0x60020001, id);
    assert_hr(S_OK, id_of_name(lib, &IID_IUpdateCollection, L"ITEM", &id));
    assert_int_equal(0, id);
    assert_hr(S_OK, id_of_name(lib, &IID_IStringCollection, L"_newenum", &id));
    assert_int_equal(DISPID_NEWENUM, id);
    /* Stored as "parentWindow" in Windows' library; the documented spelling must work too. */
    assert_hr(S_OK, id_of_name(lib, &IID_IUpdateInstaller, L"ParentWindow", &id));
    assert_int_equal(0x60020004, id);
    /* Inherited names resolve through the derived interface. */
    assert_hr(S_OK, id_of_name(lib, &IID_IUpdateSession3, L"createupdatesearcher", &id));
    assert_int_equal(0x60020004, id);
    assert_hr(DISP_E_UNKNOWNNAME, id_of_name(lib, &IID_IUpdateCollection, L"NoSuchMember", &id));
    ITypeLib_Release(lib);
}

int main(void)
{
    const struct CMUnitTest tests[] =
    {
        LEAK_CHECKED(installed_dll_embeds_wuapilib),
        LEAK_CHECKED(registered_typelib_is_the_installed_dll),
        LEAK_CHECKED(interfaces_match_the_reference),
        LEAK_CHECKED(members_match_the_reference),
        LEAK_CHECKED(coclasses_match_the_reference),
        LEAK_CHECKED(names_resolve_case_insensitively),
    };
    return RUN_TESTS(tests);
}
