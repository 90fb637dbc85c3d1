/*
 * OpenWUA tests: UpdateCollection and StringCollection, through the vtable,
 * their enumerators, and IDispatch.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "common.h"

/* DISPIDs of the collection members in the type library. */
#define DISPID_COLL_COUNT 0x60020001
#define DISPID_COLL_ADD   0x60020003

/* --- a fake IUpdate: counts references, does nothing else --- */

struct fake_update
{
    IUpdate IUpdate_iface;
    LONG refs;
};

static HRESULT WINAPI fake_QueryInterface(IUpdate *iface, REFIID riid, void **obj)
{
    if (!obj) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch) || IsEqualIID(riid, &IID_IUpdate))
    {
        *obj = iface;
        IUpdate_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI fake_AddRef(IUpdate *iface)
{
    return InterlockedIncrement(&CONTAINING_RECORD(iface, struct fake_update, IUpdate_iface)->refs);
}

/* The fakes live on the test's stack: the last Release frees nothing. */
static ULONG WINAPI fake_Release(IUpdate *iface)
{
    return InterlockedDecrement(&CONTAINING_RECORD(iface, struct fake_update, IUpdate_iface)->refs);
}

static HRESULT WINAPI fake_GetTypeInfoCount(IUpdate *iface, UINT *count)
{
    (void)iface;
    if (count) *count = 0;
    return E_NOTIMPL;
}

static HRESULT WINAPI fake_GetTypeInfo(IUpdate *iface, UINT index, LCID lcid, ITypeInfo **info)
{
    (void)iface; (void)index; (void)lcid;
    if (info) *info = NULL;
    return E_NOTIMPL;
}

static HRESULT WINAPI fake_GetIDsOfNames(IUpdate *iface, REFIID riid, LPOLESTR *names, UINT count, LCID lcid,
                                         DISPID *ids)
{
    (void)iface; (void)riid; (void)names; (void)count; (void)lcid; (void)ids;
    return E_NOTIMPL;
}

static HRESULT WINAPI fake_Invoke(IUpdate *iface, DISPID member, REFIID riid, LCID lcid, WORD flags,
                                  DISPPARAMS *params, VARIANT *result, EXCEPINFO *excep, UINT *arg_err)
{
    (void)iface; (void)member; (void)riid; (void)lcid; (void)flags;
    (void)params; (void)result; (void)excep; (void)arg_err;
    return E_NOTIMPL;
}

/* Fills the IUpdate members, which the collections never call.  They would
 * need the real signatures to be callable on i686, where the callee pops. */
static void fake_member(void)
{
    fail_msg("a collection called an IUpdate member");
}

static union
{
    IUpdateVtbl vtbl;
    void (*slots[sizeof(IUpdateVtbl) / sizeof(void (*)(void))])(void);
} fake_vtbl;

static void fake_init(struct fake_update *fake)
{
    size_t i;

    for (i = 0; i < ARRAYSIZE(fake_vtbl.slots); i++) fake_vtbl.slots[i] = fake_member;
    fake_vtbl.vtbl.QueryInterface = fake_QueryInterface;
    fake_vtbl.vtbl.AddRef = fake_AddRef;
    fake_vtbl.vtbl.Release = fake_Release;
    fake_vtbl.vtbl.GetTypeInfoCount = fake_GetTypeInfoCount;
    fake_vtbl.vtbl.GetTypeInfo = fake_GetTypeInfo;
    fake_vtbl.vtbl.GetIDsOfNames = fake_GetIDsOfNames;
    fake_vtbl.vtbl.Invoke = fake_Invoke;
    fake->IUpdate_iface.lpVtbl = &fake_vtbl.vtbl;
    fake->refs = 1;
}

/* --- helpers --- */

static IUpdateCollection *new_updates(void)
{
    return create(&CLSID_UpdateCollection, &IID_IUpdateCollection);
}

static IStringCollection *new_strings(void)
{
    return create(&CLSID_StringCollection, &IID_IStringCollection);
}

static LONG update_count(IUpdateCollection *coll)
{
    LONG count = -1;

    assert_hr(S_OK, IUpdateCollection_get_Count(coll, &count));
    return count;
}

static LONG string_count(IStringCollection *coll)
{
    LONG count = -1;

    assert_hr(S_OK, IStringCollection_get_Count(coll, &count));
    return count;
}

/* The collection holds exactly these updates, in order (NULL-terminated list). */
static void assert_updates(IUpdateCollection *coll, IUpdate *const *expected)
{
    IUpdate *update;
    LONG i, n = 0;

    while (expected[n]) n++;
    assert_int_equal(n, update_count(coll));
    for (i = 0; i < n; i++)
    {
        update = NULL;
        assert_hr(S_OK, IUpdateCollection_get_Item(coll, i, &update));
        assert_ptr_equal(expected[i], update);
        IUpdate_Release(update);
    }
}

static void add_update(IUpdateCollection *coll, struct fake_update *fake, LONG expected_index)
{
    LONG index = -1;

    assert_hr(S_OK, IUpdateCollection_Add(coll, &fake->IUpdate_iface, &index));
    assert_int_equal(expected_index, index);
}

static void assert_string_item(IStringCollection *coll, LONG index, const WCHAR *expected)
{
    BSTR value = NULL;

    assert_hr(S_OK, IStringCollection_get_Item(coll, index, &value));
    assert_non_null(value);
    assert_int_equal(wcslen(expected) * sizeof(WCHAR), SysStringByteLen(value));
    assert_true(!wcscmp(expected, value));
    SysFreeString(value);
}

/* The collection holds exactly these strings, in order (NULL-terminated list). */
static void assert_strings(IStringCollection *coll, const WCHAR *const *expected)
{
    LONG i, n = 0;

    while (expected[n]) n++;
    assert_int_equal(n, string_count(coll));
    for (i = 0; i < n; i++) assert_string_item(coll, i, expected[i]);
}

static LONG add_string(IStringCollection *coll, const WCHAR *value)
{
    BSTR bstr = SysAllocString(value);
    LONG index = -1;

    assert_hr(S_OK, IStringCollection_Add(coll, bstr, &index));
    SysFreeString(bstr);
    return index;
}

static HRESULT insert_string(IStringCollection *coll, LONG index, const WCHAR *value)
{
    BSTR bstr = SysAllocString(value);
    HRESULT hr = IStringCollection_Insert(coll, index, bstr);

    SysFreeString(bstr);
    return hr;
}

static HRESULT put_string(IStringCollection *coll, LONG index, const WCHAR *value)
{
    BSTR bstr = SysAllocString(value);
    HRESULT hr = IStringCollection_put_Item(coll, index, bstr);

    SysFreeString(bstr);
    return hr;
}

static IStringCollection *strings_abc(void)
{
    IStringCollection *coll = new_strings();

    assert_int_equal(0, add_string(coll, L"a"));
    assert_int_equal(1, add_string(coll, L"b"));
    assert_int_equal(2, add_string(coll, L"c"));
    return coll;
}

static IEnumVARIANT *enum_of(IUnknown *unk)
{
    IEnumVARIANT *enumerator = NULL;

    assert_non_null(unk);
    assert_hr(S_OK, IUnknown_QueryInterface(unk, &IID_IEnumVARIANT, (void **)&enumerator));
    IUnknown_Release(unk);
    return enumerator;
}

static IEnumVARIANT *string_enum(IStringCollection *coll)
{
    IUnknown *unk = NULL;

    assert_hr(S_OK, IStringCollection_get__NewEnum(coll, &unk));
    return enum_of(unk);
}

/* Fetches one item and checks it is the expected string. */
static void assert_next_string(IEnumVARIANT *enumerator, const WCHAR *expected)
{
    VARIANT v;
    ULONG fetched = 99;

    VariantInit(&v);
    assert_hr(S_OK, IEnumVARIANT_Next(enumerator, 1, &v, &fetched));
    assert_int_equal(1, fetched);
    assert_int_equal(VT_BSTR, V_VT(&v));
    assert_true(!wcscmp(expected, V_BSTR(&v)));
    VariantClear(&v);
}

static void assert_enum_done(IEnumVARIANT *enumerator)
{
    VARIANT v;
    ULONG fetched = 99;

    VariantInit(&v);
    assert_hr(S_FALSE, IEnumVARIANT_Next(enumerator, 1, &v, &fetched));
    assert_int_equal(0, fetched);
    assert_int_equal(VT_EMPTY, V_VT(&v));
}

/* IDispatch::Invoke by DISPID; arguments in reading order. */
static HRESULT invoke_id(IDispatch *disp, DISPID id, WORD flags, VARIANT *result, EXCEPINFO *excep,
                         UINT argc, const VARIANT *args)
{
    DISPID put_id = DISPID_PROPERTYPUT;
    DISPPARAMS params = { NULL, NULL, argc, 0 };
    VARIANT reversed[8];
    UINT i;

    assert_true(argc <= 8);
    for (i = 0; i < argc; i++) reversed[argc - 1 - i] = args[i];
    params.rgvarg = argc ? reversed : NULL;
    if (flags & (DISPATCH_PROPERTYPUT | DISPATCH_PROPERTYPUTREF))
    {
        params.rgdispidNamedArgs = &put_id;
        params.cNamedArgs = 1;
    }
    if (excep) memset(excep, 0, sizeof(*excep));
    if (result) VariantInit(result);
    return IDispatch_Invoke(disp, id, &IID_NULL, LOCALE_USER_DEFAULT, flags, &params, result, excep, NULL);
}

/* What VBScript does for c(i) and c.Item(i). */
static HRESULT get_item_by_value(IDispatch *disp, const VARIANT *index, VARIANT *result, EXCEPINFO *excep)
{
    return invoke_id(disp, DISPID_VALUE, DISPATCH_PROPERTYGET | DISPATCH_METHOD, result, excep, 1, index);
}

static void free_excep(EXCEPINFO *excep)
{
    SysFreeString(excep->bstrSource);
    SysFreeString(excep->bstrDescription);
    SysFreeString(excep->bstrHelpFile);
}

/* --- UpdateCollection --- */

static void update_add_returns_the_new_index_and_holds_a_reference(void **state)
{
    IUpdateCollection *coll = new_updates();
    struct fake_update a, b, c;

    (void)state;
    fake_init(&a); fake_init(&b); fake_init(&c);
    assert_int_equal(0, update_count(coll));
    add_update(coll, &a, 0);
    add_update(coll, &b, 1);
    add_update(coll, &c, 2);
    assert_int_equal(2, a.refs);
    assert_int_equal(2, b.refs);
    assert_int_equal(2, c.refs);
    assert_updates(coll, (IUpdate *[]){ &a.IUpdate_iface, &b.IUpdate_iface, &c.IUpdate_iface, NULL });

    /* The same update may be there twice, with a reference each time. */
    add_update(coll, &a, 3);
    assert_int_equal(3, a.refs);
    assert_int_equal(4, update_count(coll));

    IUpdateCollection_Release(coll);
    assert_int_equal(1, a.refs);
    assert_int_equal(1, b.refs);
    assert_int_equal(1, c.refs);
}

static void update_item_get_gives_a_reference_and_put_replaces(void **state)
{
    IUpdateCollection *coll = new_updates();
    struct fake_update a, b, c;
    IUpdate *update = NULL;

    (void)state;
    fake_init(&a); fake_init(&b); fake_init(&c);
    add_update(coll, &a, 0);
    add_update(coll, &b, 1);

    assert_hr(S_OK, IUpdateCollection_get_Item(coll, 1, &update));
    assert_ptr_equal(&b.IUpdate_iface, update);
    assert_int_equal(3, b.refs);
    IUpdate_Release(update);
    assert_int_equal(2, b.refs);

    assert_hr(S_OK, IUpdateCollection_put_Item(coll, 1, &c.IUpdate_iface));
    assert_int_equal(1, b.refs);
    assert_int_equal(2, c.refs);
    assert_updates(coll, (IUpdate *[]){ &a.IUpdate_iface, &c.IUpdate_iface, NULL });

    /* Putting the update already there keeps exactly one reference for the slot. */
    assert_hr(S_OK, IUpdateCollection_put_Item(coll, 1, &c.IUpdate_iface));
    assert_int_equal(2, c.refs);
    assert_hr(S_OK, IUpdateCollection_put_Item(coll, 0, &c.IUpdate_iface));
    assert_int_equal(1, a.refs);
    assert_int_equal(3, c.refs);

    IUpdateCollection_Release(coll);
    assert_int_equal(1, a.refs);
    assert_int_equal(1, b.refs);
    assert_int_equal(1, c.refs);
}

static void update_insert_at_start_middle_and_count(void **state)
{
    IUpdateCollection *coll = new_updates();
    struct fake_update a, b, c, d;

    (void)state;
    fake_init(&a); fake_init(&b); fake_init(&c); fake_init(&d);
    assert_hr(S_OK, IUpdateCollection_Insert(coll, 0, &b.IUpdate_iface));       /* into an empty one */
    assert_hr(S_OK, IUpdateCollection_Insert(coll, 0, &a.IUpdate_iface));
    assert_hr(S_OK, IUpdateCollection_Insert(coll, 2, &d.IUpdate_iface));       /* index == Count appends */
    assert_hr(S_OK, IUpdateCollection_Insert(coll, 2, &c.IUpdate_iface));
    assert_updates(coll, (IUpdate *[]){ &a.IUpdate_iface, &b.IUpdate_iface, &c.IUpdate_iface, &d.IUpdate_iface,
                                        NULL });
    assert_int_equal(2, a.refs);
    assert_int_equal(2, d.refs);
    IUpdateCollection_Release(coll);
    assert_int_equal(1, a.refs);
    assert_int_equal(1, b.refs);
    assert_int_equal(1, c.refs);
    assert_int_equal(1, d.refs);
}

static void update_bad_indexes_are_invalidindex_and_change_nothing(void **state)
{
    static const LONG bad[] = { -1, 2, 3, 1000000, MAXLONG, MINLONG };
    IUpdateCollection *coll = new_updates();
    struct fake_update a, b, x;
    IUpdate *update;
    size_t i;

    (void)state;
    fake_init(&a); fake_init(&b); fake_init(&x);
    add_update(coll, &a, 0);
    add_update(coll, &b, 1);
    for (i = 0; i < ARRAYSIZE(bad); i++)
    {
        update = (IUpdate *)0xdeadbeef;
        assert_hr(WU_E_INVALIDINDEX, IUpdateCollection_get_Item(coll, bad[i], &update));
        assert_null(update);
        assert_hr(WU_E_INVALIDINDEX, IUpdateCollection_put_Item(coll, bad[i], &x.IUpdate_iface));
        assert_hr(WU_E_INVALIDINDEX, IUpdateCollection_RemoveAt(coll, bad[i]));
        if (bad[i] != 2)    /* Insert at Count is an append */
            assert_hr(WU_E_INVALIDINDEX, IUpdateCollection_Insert(coll, bad[i], &x.IUpdate_iface));
    }
    assert_int_equal(1, x.refs);
    assert_int_equal(2, a.refs);
    assert_int_equal(2, b.refs);
    assert_updates(coll, (IUpdate *[]){ &a.IUpdate_iface, &b.IUpdate_iface, NULL });

    /* An empty collection has no index at all. */
    assert_hr(S_OK, IUpdateCollection_Clear(coll));
    assert_hr(WU_E_INVALIDINDEX, IUpdateCollection_get_Item(coll, 0, &update));
    assert_hr(WU_E_INVALIDINDEX, IUpdateCollection_put_Item(coll, 0, &x.IUpdate_iface));
    assert_hr(WU_E_INVALIDINDEX, IUpdateCollection_RemoveAt(coll, 0));
    assert_hr(WU_E_INVALIDINDEX, IUpdateCollection_Insert(coll, 1, &x.IUpdate_iface));
    assert_int_equal(0, update_count(coll));
    assert_int_equal(1, x.refs);
    IUpdateCollection_Release(coll);
}

static void update_remove_at_shifts_and_releases(void **state)
{
    IUpdateCollection *coll = new_updates();
    struct fake_update a, b, c, d;

    (void)state;
    fake_init(&a); fake_init(&b); fake_init(&c); fake_init(&d);
    add_update(coll, &a, 0);
    add_update(coll, &b, 1);
    add_update(coll, &c, 2);
    add_update(coll, &d, 3);

    assert_hr(S_OK, IUpdateCollection_RemoveAt(coll, 1));     /* middle */
    assert_int_equal(1, b.refs);
    assert_updates(coll, (IUpdate *[]){ &a.IUpdate_iface, &c.IUpdate_iface, &d.IUpdate_iface, NULL });
    assert_hr(S_OK, IUpdateCollection_RemoveAt(coll, 2));     /* last */
    assert_int_equal(1, d.refs);
    assert_updates(coll, (IUpdate *[]){ &a.IUpdate_iface, &c.IUpdate_iface, NULL });
    assert_hr(S_OK, IUpdateCollection_RemoveAt(coll, 0));     /* first */
    assert_int_equal(1, a.refs);
    assert_updates(coll, (IUpdate *[]){ &c.IUpdate_iface, NULL });
    assert_hr(S_OK, IUpdateCollection_RemoveAt(coll, 0));
    assert_int_equal(1, c.refs);
    assert_int_equal(0, update_count(coll));
    IUpdateCollection_Release(coll);
}

static void update_clear_releases_everything_and_the_collection_stays_usable(void **state)
{
    IUpdateCollection *coll = new_updates();
    struct fake_update a, b;

    (void)state;
    fake_init(&a); fake_init(&b);
    assert_hr(S_OK, IUpdateCollection_Clear(coll));            /* clearing an empty one is fine */
    add_update(coll, &a, 0);
    add_update(coll, &b, 1);
    assert_hr(S_OK, IUpdateCollection_Clear(coll));
    assert_int_equal(0, update_count(coll));
    assert_int_equal(1, a.refs);
    assert_int_equal(1, b.refs);

    add_update(coll, &b, 0);                                   /* reuse after Clear */
    assert_updates(coll, (IUpdate *[]){ &b.IUpdate_iface, NULL });
    assert_hr(S_OK, IUpdateCollection_Clear(coll));
    assert_hr(S_OK, IUpdateCollection_Clear(coll));
    assert_int_equal(1, b.refs);
    IUpdateCollection_Release(coll);
}

static void update_copy_is_shallow_writable_and_independent(void **state)
{
    IUpdateCollection *coll = new_updates(), *copy = NULL, *empty_copy = NULL;
    struct fake_update a, b, c;
    VARIANT_BOOL read_only = VARIANT_TRUE;

    (void)state;
    fake_init(&a); fake_init(&b); fake_init(&c);
    add_update(coll, &a, 0);
    add_update(coll, &b, 1);

    assert_hr(S_OK, IUpdateCollection_Copy(coll, &copy));
    assert_non_null(copy);
    assert_ptr_not_equal(coll, copy);
    assert_int_equal(3, a.refs);                               /* the same objects, one more reference */
    assert_int_equal(3, b.refs);
    assert_updates(copy, (IUpdate *[]){ &a.IUpdate_iface, &b.IUpdate_iface, NULL });
    assert_hr(S_OK, IUpdateCollection_get_ReadOnly(copy, &read_only));
    assert_int_equal(VARIANT_FALSE, read_only);

    /* Changing one leaves the other alone. */
    add_update(copy, &c, 2);
    assert_hr(S_OK, IUpdateCollection_RemoveAt(copy, 0));
    assert_updates(copy, (IUpdate *[]){ &b.IUpdate_iface, &c.IUpdate_iface, NULL });
    assert_updates(coll, (IUpdate *[]){ &a.IUpdate_iface, &b.IUpdate_iface, NULL });
    assert_hr(S_OK, IUpdateCollection_Clear(coll));
    assert_updates(copy, (IUpdate *[]){ &b.IUpdate_iface, &c.IUpdate_iface, NULL });

    /* A copy of an empty collection is empty. */
    assert_hr(S_OK, IUpdateCollection_Copy(coll, &empty_copy));
    assert_int_equal(0, update_count(empty_copy));
    IUpdateCollection_Release(empty_copy);

    IUpdateCollection_Release(coll);
    assert_int_equal(2, b.refs);
    IUpdateCollection_Release(copy);
    assert_int_equal(1, a.refs);
    assert_int_equal(1, b.refs);
    assert_int_equal(1, c.refs);
}

static void update_null_pointers_are_e_pointer(void **state)
{
    IUpdateCollection *coll = new_updates();
    struct fake_update a;
    LONG index = 77;

    (void)state;
    fake_init(&a);
    add_update(coll, &a, 0);
    assert_hr(E_POINTER, IUpdateCollection_get_Item(coll, 0, NULL));
    assert_hr(E_POINTER, IUpdateCollection_get__NewEnum(coll, NULL));
    assert_hr(E_POINTER, IUpdateCollection_get_Count(coll, NULL));
    assert_hr(E_POINTER, IUpdateCollection_get_ReadOnly(coll, NULL));
    assert_hr(E_POINTER, IUpdateCollection_Copy(coll, NULL));
    assert_hr(E_POINTER, IUpdateCollection_Add(coll, &a.IUpdate_iface, NULL));
    assert_hr(E_POINTER, IUpdateCollection_Add(coll, NULL, &index));
    assert_int_equal(77, index);
    assert_hr(E_POINTER, IUpdateCollection_Insert(coll, 0, NULL));
    assert_hr(E_POINTER, IUpdateCollection_Insert(coll, 1, NULL));
    assert_hr(E_POINTER, IUpdateCollection_put_Item(coll, 0, NULL));
    assert_hr(E_POINTER, IUpdateCollection_QueryInterface(coll, &IID_IUnknown, NULL));

    /* Nothing was added, removed or replaced. */
    assert_int_equal(2, a.refs);
    assert_updates(coll, (IUpdate *[]){ &a.IUpdate_iface, NULL });
    IUpdateCollection_Release(coll);
    assert_int_equal(1, a.refs);
}

static void update_enumerator_yields_the_updates_in_order(void **state)
{
    IUpdateCollection *coll = new_updates();
    struct fake_update a, b;
    IEnumVARIANT *enumerator;
    IUnknown *unk = NULL;
    VARIANT items[3];
    ULONG fetched = 0;

    (void)state;
    fake_init(&a); fake_init(&b);
    add_update(coll, &a, 0);
    add_update(coll, &b, 1);
    assert_hr(S_OK, IUpdateCollection_get__NewEnum(coll, &unk));
    enumerator = enum_of(unk);
    assert_int_equal(3, a.refs);                               /* the snapshot holds its own references */

    assert_hr(S_FALSE, IEnumVARIANT_Next(enumerator, 3, items, &fetched));
    assert_int_equal(2, fetched);
    assert_int_equal(VT_DISPATCH, V_VT(&items[0]));
    assert_ptr_equal(&a.IUpdate_iface, V_DISPATCH(&items[0]));
    assert_int_equal(VT_DISPATCH, V_VT(&items[1]));
    assert_ptr_equal(&b.IUpdate_iface, V_DISPATCH(&items[1]));
    assert_int_equal(4, a.refs);
    VariantClear(&items[0]);
    VariantClear(&items[1]);

    IUpdateCollection_Release(coll);
    assert_int_equal(2, a.refs);
    IEnumVARIANT_Release(enumerator);
    assert_int_equal(1, a.refs);
    assert_int_equal(1, b.refs);
}

static void update_empty_collection_enumerates_nothing(void **state)
{
    IUpdateCollection *coll = new_updates();
    IEnumVARIANT *enumerator;
    IUnknown *unk = NULL;

    (void)state;
    assert_hr(S_OK, IUpdateCollection_get__NewEnum(coll, &unk));
    enumerator = enum_of(unk);
    assert_enum_done(enumerator);
    assert_hr(S_FALSE, IEnumVARIANT_Skip(enumerator, 1));
    assert_hr(S_OK, IEnumVARIANT_Skip(enumerator, 0));
    IEnumVARIANT_Release(enumerator);
    IUpdateCollection_Release(coll);
}

/* --- StringCollection --- */

static void string_add_returns_the_new_index_and_counts(void **state)
{
    IStringCollection *coll = new_strings();

    (void)state;
    assert_int_equal(0, string_count(coll));
    assert_int_equal(0, add_string(coll, L"first"));
    assert_int_equal(1, add_string(coll, L"second"));
    assert_int_equal(2, add_string(coll, L"first"));           /* duplicates are kept */
    assert_strings(coll, (const WCHAR *[]){ L"first", L"second", L"first", NULL });
    IStringCollection_Release(coll);
}

static void string_item_get_gives_a_fresh_copy_and_put_replaces(void **state)
{
    IStringCollection *coll = strings_abc();
    BSTR value, one = NULL, two = NULL;
    LONG index;

    (void)state;
    assert_hr(S_OK, IStringCollection_get_Item(coll, 1, &one));
    assert_hr(S_OK, IStringCollection_get_Item(coll, 1, &two));
    assert_ptr_not_equal(one, two);                            /* each read is the caller's own BSTR */
    assert_true(!wcscmp(L"b", one));
    one[0] = L'z';                                             /* ...so changing it changes nothing */
    SysFreeString(one);
    SysFreeString(two);
    assert_string_item(coll, 1, L"b");

    /* The collection keeps its own copy of what it was given. */
    value = SysAllocString(L"mine");
    assert_hr(S_OK, IStringCollection_Add(coll, value, &index));
    value[0] = L'X';
    SysFreeString(value);
    assert_string_item(coll, 3, L"mine");

    assert_hr(S_OK, put_string(coll, 1, L"B"));
    assert_hr(S_OK, put_string(coll, 0, L"longer than before"));
    assert_hr(S_OK, put_string(coll, 3, L""));
    assert_strings(coll, (const WCHAR *[]){ L"longer than before", L"B", L"c", L"", NULL });
    IStringCollection_Release(coll);
}

static void string_insert_at_start_middle_and_count(void **state)
{
    IStringCollection *coll = new_strings();

    (void)state;
    assert_hr(S_OK, insert_string(coll, 0, L"b"));             /* into an empty one */
    assert_hr(S_OK, insert_string(coll, 0, L"a"));
    assert_hr(S_OK, insert_string(coll, 2, L"d"));             /* index == Count appends */
    assert_hr(S_OK, insert_string(coll, 2, L"c"));
    assert_hr(S_OK, insert_string(coll, 4, L"e"));
    assert_strings(coll, (const WCHAR *[]){ L"a", L"b", L"c", L"d", L"e", NULL });
    IStringCollection_Release(coll);
}

static void string_bad_indexes_are_invalidindex_and_change_nothing(void **state)
{
    static const LONG bad[] = { -1, 3, 4, 1000000, MAXLONG, MINLONG };
    IStringCollection *coll = strings_abc();
    BSTR value;
    size_t i;

    (void)state;
    for (i = 0; i < ARRAYSIZE(bad); i++)
    {
        value = (BSTR)0xdeadbeef;
        assert_hr(WU_E_INVALIDINDEX, IStringCollection_get_Item(coll, bad[i], &value));
        assert_null(value);
        assert_hr(WU_E_INVALIDINDEX, put_string(coll, bad[i], L"x"));
        assert_hr(WU_E_INVALIDINDEX, IStringCollection_put_Item(coll, bad[i], NULL));
        assert_hr(WU_E_INVALIDINDEX, IStringCollection_RemoveAt(coll, bad[i]));
        if (bad[i] != 3)    /* Insert at Count is an append */
        {
            assert_hr(WU_E_INVALIDINDEX, insert_string(coll, bad[i], L"x"));
            assert_hr(WU_E_INVALIDINDEX, IStringCollection_Insert(coll, bad[i], NULL));
        }
    }
    assert_strings(coll, (const WCHAR *[]){ L"a", L"b", L"c", NULL });

    assert_hr(S_OK, IStringCollection_Clear(coll));
    assert_hr(WU_E_INVALIDINDEX, IStringCollection_get_Item(coll, 0, &value));
    assert_hr(WU_E_INVALIDINDEX, put_string(coll, 0, L"x"));
    assert_hr(WU_E_INVALIDINDEX, IStringCollection_RemoveAt(coll, 0));
    assert_hr(WU_E_INVALIDINDEX, insert_string(coll, 1, L"x"));
    assert_int_equal(0, string_count(coll));
    IStringCollection_Release(coll);
}

static void string_remove_at_shifts(void **state)
{
    IStringCollection *coll = strings_abc();

    (void)state;
    assert_int_equal(3, add_string(coll, L"d"));
    assert_hr(S_OK, IStringCollection_RemoveAt(coll, 1));
    assert_strings(coll, (const WCHAR *[]){ L"a", L"c", L"d", NULL });
    assert_hr(S_OK, IStringCollection_RemoveAt(coll, 2));
    assert_strings(coll, (const WCHAR *[]){ L"a", L"c", NULL });
    assert_hr(S_OK, IStringCollection_RemoveAt(coll, 0));
    assert_strings(coll, (const WCHAR *[]){ L"c", NULL });
    assert_hr(S_OK, IStringCollection_RemoveAt(coll, 0));
    assert_int_equal(0, string_count(coll));
    assert_int_equal(0, add_string(coll, L"again"));           /* Add after emptying starts at 0 */
    IStringCollection_Release(coll);
}

static void string_clear_empties_and_the_collection_stays_usable(void **state)
{
    IStringCollection *coll = new_strings();

    (void)state;
    assert_hr(S_OK, IStringCollection_Clear(coll));
    assert_int_equal(0, add_string(coll, L"a"));
    assert_int_equal(1, add_string(coll, L"b"));
    assert_hr(S_OK, IStringCollection_Clear(coll));
    assert_int_equal(0, string_count(coll));
    assert_int_equal(0, add_string(coll, L"c"));
    assert_strings(coll, (const WCHAR *[]){ L"c", NULL });
    assert_hr(S_OK, IStringCollection_Clear(coll));
    assert_hr(S_OK, IStringCollection_Clear(coll));
    assert_int_equal(0, string_count(coll));
    IStringCollection_Release(coll);
}

static void string_copy_is_deep_writable_and_independent(void **state)
{
    IStringCollection *coll = strings_abc(), *copy = NULL;
    VARIANT_BOOL read_only = VARIANT_TRUE;
    BSTR original = NULL, copied = NULL;

    (void)state;
    assert_hr(S_OK, IStringCollection_Copy(coll, &copy));
    assert_non_null(copy);
    assert_ptr_not_equal(coll, copy);
    assert_strings(copy, (const WCHAR *[]){ L"a", L"b", L"c", NULL });
    assert_hr(S_OK, IStringCollection_get_ReadOnly(copy, &read_only));
    assert_int_equal(VARIANT_FALSE, read_only);

    /* Equal strings in different memory. */
    assert_hr(S_OK, IStringCollection_get_Item(coll, 0, &original));
    assert_hr(S_OK, IStringCollection_get_Item(copy, 0, &copied));
    assert_true(!wcscmp(original, copied));
    assert_ptr_not_equal(original, copied);
    SysFreeString(original);
    SysFreeString(copied);

    assert_hr(S_OK, put_string(copy, 0, L"A"));
    assert_int_equal(3, add_string(copy, L"d"));
    assert_strings(coll, (const WCHAR *[]){ L"a", L"b", L"c", NULL });
    assert_hr(S_OK, IStringCollection_RemoveAt(coll, 1));
    assert_strings(copy, (const WCHAR *[]){ L"A", L"b", L"c", L"d", NULL });

    /* The copy outlives its source. */
    IStringCollection_Release(coll);
    assert_strings(copy, (const WCHAR *[]){ L"A", L"b", L"c", L"d", NULL });
    IStringCollection_Release(copy);
}

static void string_null_pointers_are_e_pointer(void **state)
{
    IStringCollection *coll = strings_abc();
    BSTR value = SysAllocString(L"x");

    (void)state;
    assert_hr(E_POINTER, IStringCollection_get_Item(coll, 0, NULL));
    assert_hr(E_POINTER, IStringCollection_get__NewEnum(coll, NULL));
    assert_hr(E_POINTER, IStringCollection_get_Count(coll, NULL));
    assert_hr(E_POINTER, IStringCollection_get_ReadOnly(coll, NULL));
    assert_hr(E_POINTER, IStringCollection_Copy(coll, NULL));
    assert_hr(E_POINTER, IStringCollection_Add(coll, value, NULL));
    assert_hr(E_POINTER, IStringCollection_Add(coll, NULL, NULL));
    assert_hr(E_POINTER, IStringCollection_QueryInterface(coll, &IID_IUnknown, NULL));
    SysFreeString(value);
    assert_strings(coll, (const WCHAR *[]){ L"a", L"b", L"c", NULL });
    IStringCollection_Release(coll);
}

static void string_null_bstr_is_stored_as_an_empty_string(void **state)
{
    IStringCollection *coll = new_strings(), *copy = NULL;
    IEnumVARIANT *enumerator;
    VARIANT v;
    LONG index = -1;

    (void)state;
    assert_hr(S_OK, IStringCollection_Add(coll, NULL, &index));
    assert_int_equal(0, index);
    assert_int_equal(1, add_string(coll, L"x"));
    assert_hr(S_OK, IStringCollection_Insert(coll, 1, NULL));
    assert_int_equal(3, add_string(coll, L"y"));
    assert_hr(S_OK, IStringCollection_put_Item(coll, 3, NULL));
    assert_strings(coll, (const WCHAR *[]){ L"", L"", L"x", L"", NULL });

    /* Copies and enumerators see an empty string too, never a NULL BSTR. */
    assert_hr(S_OK, IStringCollection_Copy(coll, &copy));
    assert_strings(copy, (const WCHAR *[]){ L"", L"", L"x", L"", NULL });
    IStringCollection_Release(copy);
    enumerator = string_enum(coll);
    VariantInit(&v);
    assert_hr(S_OK, IEnumVARIANT_Next(enumerator, 1, &v, NULL));
    assert_int_equal(VT_BSTR, V_VT(&v));
    assert_non_null(V_BSTR(&v));
    assert_int_equal(0, SysStringByteLen(V_BSTR(&v)));
    VariantClear(&v);
    IEnumVARIANT_Release(enumerator);
    IStringCollection_Release(coll);
}

static void string_keeps_empty_embedded_nul_and_large_strings(void **state)
{
    static const WCHAR with_nul[] = { 'a', 0, 'b', 0, 'c' };
    const UINT big_len = 1024 * 1024 / sizeof(WCHAR);
    IStringCollection *coll = new_strings(), *copy = NULL;
    BSTR value, big = SysAllocStringLen(NULL, big_len);
    LONG index;
    UINT i;

    (void)state;
    assert_int_equal(0, add_string(coll, L""));

    value = SysAllocStringLen(with_nul, ARRAYSIZE(with_nul));
    assert_hr(S_OK, IStringCollection_Add(coll, value, &index));
    assert_int_equal(1, index);
    SysFreeString(value);

    assert_non_null(big);
    for (i = 0; i < big_len; i++) big[i] = L'A' + i % 26;
    assert_hr(S_OK, IStringCollection_Add(coll, big, &index));
    assert_int_equal(2, index);

    assert_hr(S_OK, IStringCollection_Copy(coll, &copy));
    IStringCollection_Release(coll);                           /* check what the deep copy kept */

    assert_string_item(copy, 0, L"");
    assert_hr(S_OK, IStringCollection_get_Item(copy, 1, &value));
    assert_int_equal(ARRAYSIZE(with_nul), SysStringLen(value));
    assert_memory_equal(with_nul, value, sizeof(with_nul));
    SysFreeString(value);

    assert_hr(S_OK, IStringCollection_get_Item(copy, 2, &value));
    assert_int_equal(big_len, SysStringLen(value));
    assert_memory_equal(big, value, big_len * sizeof(WCHAR));
    SysFreeString(value);

    /* put_Item keeps them as well. */
    assert_hr(S_OK, IStringCollection_put_Item(copy, 0, big));
    assert_hr(S_OK, IStringCollection_get_Item(copy, 0, &value));
    assert_int_equal(big_len, SysStringLen(value));
    SysFreeString(value);
    SysFreeString(big);
    IStringCollection_Release(copy);
}

struct adder
{
    IStringCollection *coll;
    LONG seen[500];
};

static DWORD WINAPI add_many(void *param)
{
    struct adder *adder = param;
    BSTR value = SysAllocString(L"t");
    LONG i;

    for (i = 0; i < (LONG)ARRAYSIZE(adder->seen); i++)
        if (FAILED(IStringCollection_Add(adder->coll, value, &adder->seen[i]))) adder->seen[i] = -1;
    SysFreeString(value);
    return 0;
}

static void string_adds_from_several_threads_all_land(void **state)
{
    IStringCollection *coll = new_strings();
    static struct adder adders[4];
    HANDLE threads[ARRAYSIZE(adders)];
    const LONG total = ARRAYSIZE(adders) * ARRAYSIZE(adders[0].seen);
    char *taken = calloc(total, 1);
    size_t t, i;

    (void)state;
    assert_non_null(taken);
    for (t = 0; t < ARRAYSIZE(adders); t++)
    {
        adders[t].coll = coll;
        threads[t] = CreateThread(NULL, 0, add_many, &adders[t], 0, NULL);
        assert_non_null(threads[t]);
    }
    assert_int_equal(WAIT_OBJECT_0, WaitForMultipleObjects(ARRAYSIZE(threads), threads, TRUE, 60000));
    for (t = 0; t < ARRAYSIZE(adders); t++) CloseHandle(threads[t]);
    assert_int_equal(total, string_count(coll));

    /* Every Add got its own index. */
    for (t = 0; t < ARRAYSIZE(adders); t++)
        for (i = 0; i < ARRAYSIZE(adders[t].seen); i++)
        {
            assert_in_range(adders[t].seen[i], 0, total - 1);
            assert_int_equal(0, taken[adders[t].seen[i]]);
            taken[adders[t].seen[i]] = 1;
        }
    free(taken);
    IStringCollection_Release(coll);
}

/* --- both classes --- */

static void created_collections_are_not_read_only(void **state)
{
    IUpdateCollection *updates = new_updates();
    IStringCollection *strings = new_strings();
    VARIANT_BOOL read_only = 1234;

    (void)state;
    assert_hr(S_OK, IUpdateCollection_get_ReadOnly(updates, &read_only));
    assert_int_equal(VARIANT_FALSE, read_only);
    read_only = 1234;
    assert_hr(S_OK, IStringCollection_get_ReadOnly(strings, &read_only));
    assert_int_equal(VARIANT_FALSE, read_only);
    IUpdateCollection_Release(updates);
    IStringCollection_Release(strings);
}

static void query_interface_answers_only_the_collection_interfaces(void **state)
{
    IUpdateCollection *updates = new_updates();
    IStringCollection *strings = new_strings();
    static const IID *const other[] = { &IID_IEnumVARIANT, &IID_IUpdate, &IID_IPersist };
    void *obj;
    size_t i;

    (void)state;
    obj = NULL;
    assert_hr(S_OK, IUpdateCollection_QueryInterface(updates, &IID_IUnknown, &obj));
    assert_ptr_equal(updates, obj);
    IUnknown_Release((IUnknown *)obj);
    assert_hr(S_OK, IUpdateCollection_QueryInterface(updates, &IID_IDispatch, &obj));
    assert_ptr_equal(updates, obj);
    IUnknown_Release((IUnknown *)obj);
    assert_hr(S_OK, IUpdateCollection_QueryInterface(updates, &IID_IUpdateCollection, &obj));
    assert_ptr_equal(updates, obj);
    IUnknown_Release((IUnknown *)obj);
    obj = (void *)0xdeadbeef;
    assert_hr(E_NOINTERFACE, IUpdateCollection_QueryInterface(updates, &IID_IStringCollection, &obj));
    assert_null(obj);

    assert_hr(S_OK, IStringCollection_QueryInterface(strings, &IID_IUnknown, &obj));
    assert_ptr_equal(strings, obj);
    IUnknown_Release((IUnknown *)obj);
    assert_hr(S_OK, IStringCollection_QueryInterface(strings, &IID_IDispatch, &obj));
    assert_ptr_equal(strings, obj);
    IUnknown_Release((IUnknown *)obj);
    assert_hr(S_OK, IStringCollection_QueryInterface(strings, &IID_IStringCollection, &obj));
    assert_ptr_equal(strings, obj);
    IUnknown_Release((IUnknown *)obj);
    obj = (void *)0xdeadbeef;
    assert_hr(E_NOINTERFACE, IStringCollection_QueryInterface(strings, &IID_IUpdateCollection, &obj));
    assert_null(obj);

    for (i = 0; i < ARRAYSIZE(other); i++)
    {
        obj = (void *)0xdeadbeef;
        assert_hr(E_NOINTERFACE, IUpdateCollection_QueryInterface(updates, other[i], &obj));
        assert_null(obj);
        obj = (void *)0xdeadbeef;
        assert_hr(E_NOINTERFACE, IStringCollection_QueryInterface(strings, other[i], &obj));
        assert_null(obj);
    }
    assert_hr(E_POINTER, IUpdateCollection_QueryInterface(updates, &IID_IUpdateCollection, NULL));
    assert_hr(E_POINTER, IStringCollection_QueryInterface(strings, &IID_IStringCollection, NULL));
    IUpdateCollection_Release(updates);
    IStringCollection_Release(strings);
}

/* --- the enumerator --- */

static void enumerator_answers_ienumvariant(void **state)
{
    IStringCollection *coll = strings_abc();
    IEnumVARIANT *enumerator = NULL;
    IUnknown *unk = NULL, *unk2 = NULL;
    void *obj;

    (void)state;
    assert_hr(S_OK, IStringCollection_get__NewEnum(coll, &unk));
    assert_non_null(unk);
    assert_hr(S_OK, IUnknown_QueryInterface(unk, &IID_IEnumVARIANT, (void **)&enumerator));
    assert_hr(S_OK, IEnumVARIANT_QueryInterface(enumerator, &IID_IUnknown, (void **)&unk2));
    assert_ptr_equal(unk, unk2);                                /* one identity */
    IUnknown_Release(unk2);
    obj = (void *)0xdeadbeef;
    assert_hr(E_NOINTERFACE, IEnumVARIANT_QueryInterface(enumerator, &IID_IStringCollection, &obj));
    assert_null(obj);
    assert_hr(E_POINTER, IEnumVARIANT_QueryInterface(enumerator, &IID_IEnumVARIANT, NULL));
    IUnknown_Release(unk);

    /* Each _NewEnum is a new enumerator from the start. */
    assert_next_string(enumerator, L"a");
    IEnumVARIANT_Release(enumerator);
    enumerator = string_enum(coll);
    assert_next_string(enumerator, L"a");
    IEnumVARIANT_Release(enumerator);
    IStringCollection_Release(coll);
}

static void enumerator_next_one_at_a_time_and_in_batches(void **state)
{
    IStringCollection *coll = strings_abc();
    IEnumVARIANT *enumerator;
    VARIANT items[4];
    ULONG fetched, i;

    (void)state;
    assert_int_equal(3, add_string(coll, L"d"));
    assert_int_equal(4, add_string(coll, L"e"));
    enumerator = string_enum(coll);

    assert_next_string(enumerator, L"a");
    fetched = 99;
    assert_hr(S_OK, IEnumVARIANT_Next(enumerator, 0, items, &fetched));
    assert_int_equal(0, fetched);
    assert_hr(S_OK, IEnumVARIANT_Next(enumerator, 2, items, &fetched));
    assert_int_equal(2, fetched);
    assert_true(!wcscmp(L"b", V_BSTR(&items[0])));
    assert_true(!wcscmp(L"c", V_BSTR(&items[1])));
    VariantClear(&items[0]);
    VariantClear(&items[1]);

    /* A batch running past the end: S_FALSE and the number fetched. */
    for (i = 0; i < ARRAYSIZE(items); i++) VariantInit(&items[i]);
    assert_hr(S_FALSE, IEnumVARIANT_Next(enumerator, 4, items, &fetched));
    assert_int_equal(2, fetched);
    assert_int_equal(VT_BSTR, V_VT(&items[0]));
    assert_true(!wcscmp(L"d", V_BSTR(&items[0])));
    assert_true(!wcscmp(L"e", V_BSTR(&items[1])));
    assert_int_equal(VT_EMPTY, V_VT(&items[2]));
    VariantClear(&items[0]);
    VariantClear(&items[1]);
    assert_enum_done(enumerator);
    assert_hr(S_FALSE, IEnumVARIANT_Next(enumerator, 4, items, &fetched));
    assert_int_equal(0, fetched);

    /* Without a fetched count only one item may be asked for. */
    assert_hr(S_OK, IEnumVARIANT_Reset(enumerator));
    assert_hr(S_OK, IEnumVARIANT_Next(enumerator, 1, items, NULL));
    assert_true(!wcscmp(L"a", V_BSTR(&items[0])));
    VariantClear(&items[0]);
    assert_true(FAILED(IEnumVARIANT_Next(enumerator, 2, items, NULL)));
    assert_hr(E_POINTER, IEnumVARIANT_Next(enumerator, 1, NULL, &fetched));
    assert_next_string(enumerator, L"b");                      /* the failures moved nothing */

    IEnumVARIANT_Release(enumerator);
    IStringCollection_Release(coll);
}

static void enumerator_skip_reset_and_clone(void **state)
{
    IStringCollection *coll = strings_abc();
    IEnumVARIANT *enumerator, *clone = NULL, *clone2 = NULL;

    (void)state;
    assert_int_equal(3, add_string(coll, L"d"));
    enumerator = string_enum(coll);

    assert_hr(S_OK, IEnumVARIANT_Skip(enumerator, 0));
    assert_hr(S_OK, IEnumVARIANT_Skip(enumerator, 1));
    assert_next_string(enumerator, L"b");
    assert_hr(S_OK, IEnumVARIANT_Skip(enumerator, 2));         /* up to the end exactly */
    assert_enum_done(enumerator);
    assert_hr(S_OK, IEnumVARIANT_Reset(enumerator));
    assert_next_string(enumerator, L"a");
    assert_hr(S_FALSE, IEnumVARIANT_Skip(enumerator, 10));     /* past the end */
    assert_enum_done(enumerator);
    assert_hr(S_OK, IEnumVARIANT_Reset(enumerator));
    assert_hr(S_FALSE, IEnumVARIANT_Skip(enumerator, MAXDWORD));
    assert_enum_done(enumerator);

    /* A clone starts where its original is, then each goes its own way. */
    assert_hr(S_OK, IEnumVARIANT_Reset(enumerator));
    assert_hr(S_OK, IEnumVARIANT_Skip(enumerator, 1));
    assert_hr(S_OK, IEnumVARIANT_Clone(enumerator, &clone));
    assert_non_null(clone);
    assert_ptr_not_equal(enumerator, clone);
    assert_next_string(clone, L"b");
    assert_next_string(clone, L"c");
    assert_next_string(enumerator, L"b");
    assert_hr(S_OK, IEnumVARIANT_Reset(clone));
    assert_next_string(clone, L"a");
    assert_next_string(enumerator, L"c");

    /* A clone of an enumerator at its end is at its end; it can still be reset. */
    assert_next_string(enumerator, L"d");
    assert_hr(S_OK, IEnumVARIANT_Clone(enumerator, &clone2));
    assert_enum_done(clone2);
    assert_hr(S_OK, IEnumVARIANT_Reset(clone2));
    assert_next_string(clone2, L"a");

    assert_hr(E_POINTER, IEnumVARIANT_Clone(enumerator, NULL));
    IEnumVARIANT_Release(clone2);
    IEnumVARIANT_Release(clone);
    IEnumVARIANT_Release(enumerator);
    IStringCollection_Release(coll);
}

static void enumerator_is_a_snapshot(void **state)
{
    IStringCollection *coll = strings_abc();
    IEnumVARIANT *enumerator;

    (void)state;
    enumerator = string_enum(coll);
    assert_next_string(enumerator, L"a");
    assert_int_equal(3, add_string(coll, L"added"));
    assert_hr(S_OK, put_string(coll, 1, L"changed"));
    assert_hr(S_OK, insert_string(coll, 0, L"inserted"));
    assert_next_string(enumerator, L"b");
    assert_hr(S_OK, IStringCollection_Clear(coll));
    assert_next_string(enumerator, L"c");
    assert_enum_done(enumerator);

    /* Reset goes back to the snapshot, not to the collection. */
    assert_hr(S_OK, IEnumVARIANT_Reset(enumerator));
    assert_next_string(enumerator, L"a");

    /* The enumerator outlives the collection. */
    IStringCollection_Release(coll);
    assert_next_string(enumerator, L"b");
    IEnumVARIANT_Release(enumerator);
}

/* --- IDispatch --- */

static void names_are_case_insensitive(void **state)
{
    static const struct { const WCHAR *name; DISPID id; } names[] =
    {
        { L"count", DISPID_COLL_COUNT }, { L"COUNT", DISPID_COLL_COUNT }, { L"Count", DISPID_COLL_COUNT },
        { L"ITEM", DISPID_VALUE }, { L"item", DISPID_VALUE },
        { L"add", DISPID_COLL_ADD }, { L"ADD", DISPID_COLL_ADD },
        { L"_newenum", DISPID_NEWENUM }, { L"readonly", 0x60020002 }, { L"clear", 0x60020004 },
        { L"COPY", 0x60020005 }, { L"insert", 0x60020006 }, { L"removeAT", 0x60020007 },
    };
    IDispatch *disps[2];
    LPOLESTR name;
    DISPID id;
    size_t i, d;

    (void)state;
    disps[0] = create(&CLSID_UpdateCollection, &IID_IDispatch);
    disps[1] = create(&CLSID_StringCollection, &IID_IDispatch);
    for (d = 0; d < ARRAYSIZE(disps); d++)
    {
        for (i = 0; i < ARRAYSIZE(names); i++)
        {
            name = (LPOLESTR)names[i].name;
            id = 12345;
            assert_hr(S_OK, IDispatch_GetIDsOfNames(disps[d], &IID_NULL, &name, 1, LOCALE_USER_DEFAULT, &id));
            assert_int_equal(names[i].id, id);
        }
        name = (LPOLESTR)L"Counts";
        assert_hr(DISP_E_UNKNOWNNAME,
                  IDispatch_GetIDsOfNames(disps[d], &IID_NULL, &name, 1, LOCALE_USER_DEFAULT, &id));
        assert_int_equal(DISPID_UNKNOWN, id);
        IDispatch_Release(disps[d]);
    }
}

static void string_members_work_through_idispatch(void **state)
{
    IDispatch *disp = create(&CLSID_StringCollection, &IID_IDispatch);
    IStringCollection *coll = NULL, *copy;
    VARIANT args[2], result;
    IEnumVARIANT *enumerator;
    IDispatch *copy_disp = NULL;

    (void)state;
    args[0] = var_bstr(L"one");
    assert_hr(S_OK, invoke(disp, L"add", DISPATCH_METHOD, &result, NULL, 1, args));
    assert_int_equal(VT_I4, V_VT(&result));
    assert_int_equal(0, V_I4(&result));
    VariantClear(&args[0]);
    args[0] = var_bstr(L"three");
    assert_hr(S_OK, invoke(disp, L"Add", DISPATCH_METHOD, &result, NULL, 1, args));
    assert_int_equal(1, V_I4(&result));
    VariantClear(&args[0]);
    args[0] = var_i4(1);
    args[1] = var_bstr(L"two");
    assert_hr(S_OK, invoke(disp, L"Insert", DISPATCH_METHOD, NULL, NULL, 2, args));
    VariantClear(&args[1]);

    assert_hr(S_OK, get_property(disp, L"Count", &result));
    assert_int_equal(VT_I4, V_VT(&result));
    assert_int_equal(3, V_I4(&result));
    assert_hr(S_OK, get_property(disp, L"ReadOnly", &result));
    assert_int_equal(VT_BOOL, V_VT(&result));
    assert_int_equal(VARIANT_FALSE, V_BOOL(&result));

    /* c(1) the VBScript way, then Item = as a property put. */
    args[0] = var_i4(1);
    assert_hr(S_OK, get_item_by_value(disp, &args[0], &result, NULL));
    assert_int_equal(VT_BSTR, V_VT(&result));
    assert_true(!wcscmp(L"two", V_BSTR(&result)));
    VariantClear(&result);
    args[1] = var_bstr(L"TWO");
    assert_hr(S_OK, invoke(disp, L"Item", DISPATCH_PROPERTYPUT, NULL, NULL, 2, args));
    VariantClear(&args[1]);
    assert_hr(S_OK, invoke(disp, L"item", DISPATCH_PROPERTYGET, &result, NULL, 1, args));
    assert_true(!wcscmp(L"TWO", V_BSTR(&result)));
    VariantClear(&result);

    /* Copy gives an object; RemoveAt and Clear act on the original only. */
    assert_hr(S_OK, invoke(disp, L"Copy", DISPATCH_METHOD, &result, NULL, 0, NULL));
    assert_int_equal(VT_DISPATCH, V_VT(&result));
    assert_hr(S_OK, IDispatch_QueryInterface(V_DISPATCH(&result), &IID_IStringCollection, (void **)&copy));
    VariantClear(&result);
    args[0] = var_i4(0);
    assert_hr(S_OK, invoke(disp, L"RemoveAt", DISPATCH_METHOD, NULL, NULL, 1, args));
    assert_hr(S_OK, IDispatch_QueryInterface(disp, &IID_IStringCollection, (void **)&coll));
    assert_strings(coll, (const WCHAR *[]){ L"TWO", L"three", NULL });
    assert_hr(S_OK, invoke(disp, L"clear", DISPATCH_METHOD, NULL, NULL, 0, NULL));
    assert_int_equal(0, string_count(coll));
    assert_strings(copy, (const WCHAR *[]){ L"one", L"TWO", L"three", NULL });
    IStringCollection_Release(coll);

    /* _NewEnum by DISPID, as For Each asks for it. */
    assert_hr(S_OK, IStringCollection_QueryInterface(copy, &IID_IDispatch, (void **)&copy_disp));
    assert_hr(S_OK, invoke_id(copy_disp, DISPID_NEWENUM, DISPATCH_PROPERTYGET | DISPATCH_METHOD, &result,
                              NULL, 0, NULL));
    assert_true(V_VT(&result) == VT_UNKNOWN || V_VT(&result) == VT_DISPATCH);
    assert_hr(S_OK, IUnknown_QueryInterface(V_UNKNOWN(&result), &IID_IEnumVARIANT, (void **)&enumerator));
    VariantClear(&result);
    assert_next_string(enumerator, L"one");
    IEnumVARIANT_Release(enumerator);
    IDispatch_Release(copy_disp);
    IStringCollection_Release(copy);
    IDispatch_Release(disp);
}

static void update_members_work_through_idispatch(void **state)
{
    IDispatch *disp = create(&CLSID_UpdateCollection, &IID_IDispatch);
    struct fake_update a, b;
    VARIANT args[2], result;
    EXCEPINFO excep;

    (void)state;
    fake_init(&a); fake_init(&b);
    args[0] = var_disp((IDispatch *)&a.IUpdate_iface);
    assert_hr(S_OK, invoke(disp, L"ADD", DISPATCH_METHOD, &result, NULL, 1, args));
    assert_int_equal(VT_I4, V_VT(&result));
    assert_int_equal(0, V_I4(&result));
    assert_int_equal(2, a.refs);

    args[0] = var_i4(0);
    assert_hr(S_OK, get_item_by_value(disp, &args[0], &result, NULL));
    assert_int_equal(VT_DISPATCH, V_VT(&result));
    assert_ptr_equal(&a.IUpdate_iface, V_DISPATCH(&result));
    VariantClear(&result);

    /* Item = with an object, both as VBScript writes it with and without Set. */
    args[1] = var_disp((IDispatch *)&b.IUpdate_iface);
    assert_hr(S_OK, invoke(disp, L"Item", DISPATCH_PROPERTYPUT, NULL, NULL, 2, args));
    assert_int_equal(1, a.refs);
    assert_int_equal(2, b.refs);
    args[1] = var_disp((IDispatch *)&a.IUpdate_iface);
    assert_hr(S_OK, invoke(disp, L"Item", DISPATCH_PROPERTYPUTREF, NULL, NULL, 2, args));
    assert_int_equal(2, a.refs);
    assert_int_equal(1, b.refs);

    /* Nothing (a NULL object) is refused with E_POINTER inside the exception. */
    args[0] = var_disp(NULL);
    assert_hr(DISP_E_EXCEPTION, invoke(disp, L"Add", DISPATCH_METHOD, &result, &excep, 1, args));
    assert_hr(E_POINTER, excep.scode);
    free_excep(&excep);
    args[0] = var_i4(0);
    args[1] = var_disp(NULL);
    assert_hr(DISP_E_EXCEPTION, invoke(disp, L"Insert", DISPATCH_METHOD, NULL, &excep, 2, args));
    assert_hr(E_POINTER, excep.scode);
    free_excep(&excep);

    assert_hr(S_OK, get_property(disp, L"count", &result));
    assert_int_equal(1, V_I4(&result));
    assert_hr(S_OK, invoke(disp, L"Clear", DISPATCH_METHOD, NULL, NULL, 0, NULL));
    assert_int_equal(1, a.refs);
    IDispatch_Release(disp);
    assert_int_equal(1, a.refs);
    assert_int_equal(1, b.refs);
}

static void bad_index_through_idispatch_is_an_exception_with_the_code(void **state)
{
    IDispatch *disp = create(&CLSID_StringCollection, &IID_IDispatch);
    VARIANT args[2], result;
    EXCEPINFO excep;

    (void)state;
    args[0] = var_bstr(L"only");
    assert_hr(S_OK, invoke(disp, L"Add", DISPATCH_METHOD, &result, NULL, 1, args));
    VariantClear(&args[0]);

    args[0] = var_i4(1);
    assert_hr(DISP_E_EXCEPTION, get_item_by_value(disp, &args[0], &result, &excep));
    assert_hr(WU_E_INVALIDINDEX, excep.scode);
    assert_int_equal(0, excep.wCode);
    assert_null(excep.bstrDescription);
    assert_null(excep.bstrSource);
    assert_int_equal(VT_EMPTY, V_VT(&result));
    free_excep(&excep);

    args[0] = var_i4(-1);
    assert_hr(DISP_E_EXCEPTION, invoke(disp, L"RemoveAt", DISPATCH_METHOD, NULL, &excep, 1, args));
    assert_hr(WU_E_INVALIDINDEX, excep.scode);
    assert_null(excep.bstrDescription);
    free_excep(&excep);

    args[0] = var_i4(5);
    args[1] = var_bstr(L"x");
    assert_hr(DISP_E_EXCEPTION, invoke(disp, L"Insert", DISPATCH_METHOD, NULL, &excep, 2, args));
    assert_hr(WU_E_INVALIDINDEX, excep.scode);
    assert_null(excep.bstrDescription);
    free_excep(&excep);
    assert_hr(DISP_E_EXCEPTION, invoke(disp, L"Item", DISPATCH_PROPERTYPUT, NULL, &excep, 2, args));
    assert_hr(WU_E_INVALIDINDEX, excep.scode);
    assert_null(excep.bstrDescription);
    free_excep(&excep);
    VariantClear(&args[1]);

    /* Without an EXCEPINFO the code still is DISP_E_EXCEPTION. */
    args[0] = var_i4(7);
    assert_hr(DISP_E_EXCEPTION, invoke_id(disp, DISPID_VALUE, DISPATCH_PROPERTYGET, &result, NULL, 1, args));
    IDispatch_Release(disp);
}

static void index_arguments_are_coerced_or_refused(void **state)
{
    IDispatch *disp = create(&CLSID_StringCollection, &IID_IDispatch);
    VARIANT arg, inner, result;
    EXCEPINFO excep;

    (void)state;
    arg = var_bstr(L"zero");
    assert_hr(S_OK, invoke(disp, L"Add", DISPATCH_METHOD, &result, NULL, 1, &arg));
    VariantClear(&arg);
    arg = var_bstr(L"one");
    assert_hr(S_OK, invoke(disp, L"Add", DISPATCH_METHOD, &result, NULL, 1, &arg));
    VariantClear(&arg);

    V_VT(&arg) = VT_UI4;
    V_UI4(&arg) = 1;
    assert_hr(S_OK, get_item_by_value(disp, &arg, &result, NULL));
    assert_true(!wcscmp(L"one", V_BSTR(&result)));
    VariantClear(&result);

    V_VT(&arg) = VT_I8;
    V_I8(&arg) = 1;
    assert_hr(S_OK, get_item_by_value(disp, &arg, &result, NULL));
    assert_true(!wcscmp(L"one", V_BSTR(&result)));
    VariantClear(&result);

    V_VT(&arg) = VT_I2;
    V_I2(&arg) = 0;
    assert_hr(S_OK, get_item_by_value(disp, &arg, &result, NULL));
    assert_true(!wcscmp(L"zero", V_BSTR(&result)));
    VariantClear(&result);

    V_VT(&arg) = VT_R8;                                        /* JScript numbers */
    V_R8(&arg) = 1.0;
    assert_hr(S_OK, get_item_by_value(disp, &arg, &result, NULL));
    assert_true(!wcscmp(L"one", V_BSTR(&result)));
    VariantClear(&result);

    /* VBScript passes a variable by reference. */
    inner = var_i4(1);
    V_VT(&arg) = VT_VARIANT | VT_BYREF;
    V_VARIANTREF(&arg) = &inner;
    assert_hr(S_OK, get_item_by_value(disp, &arg, &result, NULL));
    assert_true(!wcscmp(L"one", V_BSTR(&result)));
    VariantClear(&result);

    /* A value that is no number, or out of LONG's range, is not an index. */
    arg = var_bstr(L"abc");
    assert_hr(DISP_E_TYPEMISMATCH, get_item_by_value(disp, &arg, &result, &excep));
    VariantClear(&arg);
    V_VT(&arg) = VT_I8;
    V_I8(&arg) = 0x100000000LL;
    assert_hr(DISP_E_OVERFLOW, get_item_by_value(disp, &arg, &result, &excep));
    IDispatch_Release(disp);
}

/* Wine's JScript reads properties with DISPATCH_METHOD alone: new Enumerator(c)
 * asks for _NewEnum that way, and so is c.Item(0) when its result is unused. */
static void properties_answer_a_plain_method_call(void **state)
{
    IDispatch *disp = create(&CLSID_StringCollection, &IID_IDispatch);
    IEnumVARIANT *enumerator = NULL;
    VARIANT arg, result;
    EXCEPINFO excep;

    (void)state;
    arg = var_bstr(L"only");
    assert_hr(S_OK, invoke(disp, L"Add", DISPATCH_METHOD, &result, NULL, 1, &arg));
    VariantClear(&arg);

    assert_hr(S_OK, invoke_id(disp, DISPID_NEWENUM, DISPATCH_METHOD, &result, NULL, 0, NULL));
    assert_true(V_VT(&result) == VT_UNKNOWN || V_VT(&result) == VT_DISPATCH);
    assert_hr(S_OK, IUnknown_QueryInterface(V_UNKNOWN(&result), &IID_IEnumVARIANT, (void **)&enumerator));
    VariantClear(&result);
    assert_next_string(enumerator, L"only");
    IEnumVARIANT_Release(enumerator);

    arg = var_i4(0);
    assert_hr(S_OK, invoke_id(disp, DISPID_VALUE, DISPATCH_METHOD, &result, NULL, 1, &arg));
    assert_int_equal(VT_BSTR, V_VT(&result));
    assert_true(!wcscmp(L"only", V_BSTR(&result)));
    VariantClear(&result);
    assert_hr(S_OK, invoke_id(disp, DISPID_VALUE, DISPATCH_METHOD, NULL, NULL, 1, &arg));
    assert_hr(S_OK, invoke(disp, L"Count", DISPATCH_METHOD, &result, NULL, 0, NULL));
    assert_int_equal(1, V_I4(&result));

    /* ...with the same errors as a property get. */
    arg = var_i4(1);
    assert_hr(DISP_E_EXCEPTION, invoke_id(disp, DISPID_VALUE, DISPATCH_METHOD, NULL, &excep, 1, &arg));
    assert_hr(WU_E_INVALIDINDEX, excep.scode);
    free_excep(&excep);
    IDispatch_Release(disp);
}

static void wrong_argument_count_is_badparamcount(void **state)
{
    IDispatch *disp = create(&CLSID_StringCollection, &IID_IDispatch);
    VARIANT args[3], result;

    (void)state;
    args[0] = var_i4(0);
    args[1] = var_i4(0);
    args[2] = var_i4(0);
    assert_hr(DISP_E_BADPARAMCOUNT, invoke(disp, L"Count", DISPATCH_PROPERTYGET, &result, NULL, 1, args));
    assert_hr(DISP_E_BADPARAMCOUNT, invoke(disp, L"Item", DISPATCH_PROPERTYGET, &result, NULL, 2, args));
    assert_hr(DISP_E_BADPARAMCOUNT, invoke(disp, L"Add", DISPATCH_METHOD, &result, NULL, 2, args));
    assert_hr(DISP_E_BADPARAMCOUNT, invoke(disp, L"Insert", DISPATCH_METHOD, &result, NULL, 3, args));
    assert_hr(DISP_E_BADPARAMCOUNT, invoke(disp, L"Clear", DISPATCH_METHOD, &result, NULL, 1, args));
    assert_hr(DISP_E_BADPARAMCOUNT, invoke(disp, L"Add", DISPATCH_METHOD, &result, NULL, 0, NULL));
    assert_hr(DISP_E_BADPARAMCOUNT, invoke(disp, L"RemoveAt", DISPATCH_METHOD, &result, NULL, 0, NULL));
    assert_hr(DISP_E_BADPARAMCOUNT, invoke(disp, L"Item", DISPATCH_PROPERTYGET, &result, NULL, 0, NULL));
    assert_hr(S_OK, get_property(disp, L"Count", &result));
    assert_int_equal(0, V_I4(&result));
    IDispatch_Release(disp);
}

static void check_type_info(IDispatch *disp, const IID *iid)
{
    ITypeInfo *info = (ITypeInfo *)0xdeadbeef;
    TYPEATTR *attr;
    UINT count = 0;

    assert_hr(S_OK, IDispatch_GetTypeInfoCount(disp, &count));
    assert_int_equal(1, count);
    assert_hr(E_POINTER, IDispatch_GetTypeInfoCount(disp, NULL));
    assert_hr(DISP_E_BADINDEX, IDispatch_GetTypeInfo(disp, 1, LOCALE_USER_DEFAULT, &info));
    assert_null(info);
    assert_hr(E_POINTER, IDispatch_GetTypeInfo(disp, 0, LOCALE_USER_DEFAULT, NULL));

    assert_hr(S_OK, IDispatch_GetTypeInfo(disp, 0, LOCALE_USER_DEFAULT, &info));
    assert_non_null(info);
    assert_hr(S_OK, ITypeInfo_GetTypeAttr(info, &attr));
    assert_true(IsEqualGUID(iid, &attr->guid));
    ITypeInfo_ReleaseTypeAttr(info, attr);
    ITypeInfo_Release(info);
}

static void type_info_is_the_collection_interface(void **state)
{
    IDispatch *disp;

    (void)state;
    disp = create(&CLSID_UpdateCollection, &IID_IDispatch);
    check_type_info(disp, &IID_IUpdateCollection);
    IDispatch_Release(disp);
    disp = create(&CLSID_StringCollection, &IID_IDispatch);
    check_type_info(disp, &IID_IStringCollection);
    IDispatch_Release(disp);
}

int main(void)
{
    const struct CMUnitTest tests[] =
    {
        LEAK_CHECKED(update_add_returns_the_new_index_and_holds_a_reference),
        LEAK_CHECKED(update_item_get_gives_a_reference_and_put_replaces),
        LEAK_CHECKED(update_insert_at_start_middle_and_count),
        LEAK_CHECKED(update_bad_indexes_are_invalidindex_and_change_nothing),
        LEAK_CHECKED(update_remove_at_shifts_and_releases),
        LEAK_CHECKED(update_clear_releases_everything_and_the_collection_stays_usable),
        LEAK_CHECKED(update_copy_is_shallow_writable_and_independent),
        LEAK_CHECKED(update_null_pointers_are_e_pointer),
        LEAK_CHECKED(update_enumerator_yields_the_updates_in_order),
        LEAK_CHECKED(update_empty_collection_enumerates_nothing),
        LEAK_CHECKED(string_add_returns_the_new_index_and_counts),
        LEAK_CHECKED(string_item_get_gives_a_fresh_copy_and_put_replaces),
        LEAK_CHECKED(string_insert_at_start_middle_and_count),
        LEAK_CHECKED(string_bad_indexes_are_invalidindex_and_change_nothing),
        LEAK_CHECKED(string_remove_at_shifts),
        LEAK_CHECKED(string_clear_empties_and_the_collection_stays_usable),
        LEAK_CHECKED(string_copy_is_deep_writable_and_independent),
        LEAK_CHECKED(string_null_pointers_are_e_pointer),
        LEAK_CHECKED(string_null_bstr_is_stored_as_an_empty_string),
        LEAK_CHECKED(string_keeps_empty_embedded_nul_and_large_strings),
        LEAK_CHECKED(string_adds_from_several_threads_all_land),
        LEAK_CHECKED(created_collections_are_not_read_only),
        LEAK_CHECKED(query_interface_answers_only_the_collection_interfaces),
        LEAK_CHECKED(enumerator_answers_ienumvariant),
        LEAK_CHECKED(enumerator_next_one_at_a_time_and_in_batches),
        LEAK_CHECKED(enumerator_skip_reset_and_clone),
        LEAK_CHECKED(enumerator_is_a_snapshot),
        LEAK_CHECKED(names_are_case_insensitive),
        LEAK_CHECKED(string_members_work_through_idispatch),
        LEAK_CHECKED(update_members_work_through_idispatch),
        LEAK_CHECKED(bad_index_through_idispatch_is_an_exception_with_the_code),
        LEAK_CHECKED(index_arguments_are_coerced_or_refused),
        LEAK_CHECKED(properties_answer_a_plain_method_call),
        LEAK_CHECKED(wrong_argument_count_is_badparamcount),
        LEAK_CHECKED(type_info_is_the_collection_interface),
    };
    return RUN_TESTS(tests);
}
