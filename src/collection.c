/*
 * OpenWUA: UpdateCollection and StringCollection.
 *
 * Both keep VARIANTs (VT_DISPATCH updates, VT_BSTR strings) in one locked core.
 * Collections made by clients are writable; those OpenWUA hands out may be
 * read-only and then refuse every write with WU_E_NOT_SUPPORTED.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "private.h"

struct collection_core
{
    struct var_array items;
    BOOL read_only;
    SRWLOCK lock;
};

static HRESULT core_get(struct collection_core *core, LONG index, VARIANT *out)
{
    HRESULT hr = WU_E_INVALIDINDEX;

    VariantInit(out);
    AcquireSRWLockShared(&core->lock);
    if (index >= 0 && index < core->items.count) hr = VariantCopy(out, &core->items.items[index]);
    ReleaseSRWLockShared(&core->lock);
    return hr;
}

/* index < 0 means append; *new_index receives where the item went. */
static HRESULT core_insert(struct collection_core *core, LONG index, const VARIANT *value, LONG *new_index)
{
    HRESULT hr;

    if (core->read_only) return WU_E_NOT_SUPPORTED;
    AcquireSRWLockExclusive(&core->lock);
    if (index < 0) index = core->items.count;
    hr = var_array_insert(&core->items, index, value);
    ReleaseSRWLockExclusive(&core->lock);
    if (SUCCEEDED(hr) && new_index) *new_index = index;
    return hr;
}

static HRESULT core_set(struct collection_core *core, LONG index, const VARIANT *value)
{
    HRESULT hr;

    if (core->read_only) return WU_E_NOT_SUPPORTED;
    AcquireSRWLockExclusive(&core->lock);
    hr = var_array_set(&core->items, index, value);
    ReleaseSRWLockExclusive(&core->lock);
    return hr;
}

static HRESULT core_remove(struct collection_core *core, LONG index)
{
    HRESULT hr;

    if (core->read_only) return WU_E_NOT_SUPPORTED;
    AcquireSRWLockExclusive(&core->lock);
    hr = var_array_remove(&core->items, index);
    ReleaseSRWLockExclusive(&core->lock);
    return hr;
}

static HRESULT core_clear(struct collection_core *core)
{
    if (core->read_only) return WU_E_NOT_SUPPORTED;
    AcquireSRWLockExclusive(&core->lock);
    var_array_clear(&core->items);
    ReleaseSRWLockExclusive(&core->lock);
    return S_OK;
}

/* An aligned LONG is read whole, and a count is only ever a snapshot: no lock. */
static HRESULT core_count(struct collection_core *core, LONG *count)
{
    if (!count) return E_POINTER;
    *count = *(volatile LONG *)&core->items.count;
    return S_OK;
}

static HRESULT core_enum(struct collection_core *core, IUnknown **out)
{
    HRESULT hr;

    AcquireSRWLockShared(&core->lock);
    hr = var_array_enum(&core->items, out);
    ReleaseSRWLockShared(&core->lock);
    return hr;
}

static HRESULT core_copy(struct collection_core *src, struct collection_core *dest)
{
    HRESULT hr;

    AcquireSRWLockShared(&src->lock);
    hr = var_array_copy(&src->items, &dest->items);
    ReleaseSRWLockShared(&src->lock);
    return hr;
}

/* --- UpdateCollection --- */

struct update_collection
{
    IUpdateCollection IUpdateCollection_iface;
    LONG refs;
    struct collection_core core;
};

static struct dispatch_type update_collection_type = DISPATCH_TYPE(IID_IUpdateCollection);

static inline struct update_collection *impl_from_IUpdateCollection(IUpdateCollection *iface)
{
    return CONTAINING_RECORD(iface, struct update_collection, IUpdateCollection_iface);
}

static HRESULT WINAPI update_collection_QueryInterface(IUpdateCollection *iface, REFIID riid, void **obj)
{
    if (!obj) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch)
        || IsEqualIID(riid, &IID_IUpdateCollection))
    {
        *obj = iface;
        IUpdateCollection_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI update_collection_AddRef(IUpdateCollection *iface)
{
    return InterlockedIncrement(&impl_from_IUpdateCollection(iface)->refs);
}

static ULONG WINAPI update_collection_Release(IUpdateCollection *iface)
{
    struct update_collection *This = impl_from_IUpdateCollection(iface);
    ULONG refs = InterlockedDecrement(&This->refs);

    if (!refs)
    {
        var_array_clear(&This->core.items);
        free(This);
        object_destroyed();
    }
    return refs;
}

DEFINE_IDISPATCH(update_collection, IUpdateCollection, update_collection_type)

static HRESULT WINAPI update_collection_get_Item(IUpdateCollection *iface, LONG index, IUpdate **out)
{
    struct update_collection *This = impl_from_IUpdateCollection(iface);
    VARIANT item;
    HRESULT hr;

    if (!out) return E_POINTER;
    *out = NULL;
    if (FAILED(hr = core_get(&This->core, index, &item))) return hr;
    *out = (IUpdate *)V_DISPATCH(&item);    /* the reference moves to the caller */
    return S_OK;
}

static void update_variant(IUpdate *update, VARIANT *v)
{
    V_VT(v) = VT_DISPATCH;
    V_DISPATCH(v) = (IDispatch *)update;
}

static HRESULT WINAPI update_collection_put_Item(IUpdateCollection *iface, LONG index, IUpdate *value)
{
    struct update_collection *This = impl_from_IUpdateCollection(iface);
    VARIANT v;

    if (!value) return E_POINTER;
    update_variant(value, &v);
    return core_set(&This->core, index, &v);
}

static HRESULT WINAPI update_collection_get__NewEnum(IUpdateCollection *iface, IUnknown **out)
{
    return core_enum(&impl_from_IUpdateCollection(iface)->core, out);
}

static HRESULT WINAPI update_collection_get_Count(IUpdateCollection *iface, LONG *out)
{
    return core_count(&impl_from_IUpdateCollection(iface)->core, out);
}

static HRESULT WINAPI update_collection_get_ReadOnly(IUpdateCollection *iface, VARIANT_BOOL *out)
{
    return return_bool(impl_from_IUpdateCollection(iface)->core.read_only, out);
}

static HRESULT WINAPI update_collection_Add(IUpdateCollection *iface, IUpdate *value, LONG *out)
{
    struct update_collection *This = impl_from_IUpdateCollection(iface);
    VARIANT v;

    if (!value || !out) return E_POINTER;
    update_variant(value, &v);
    return core_insert(&This->core, -1, &v, out);
}

static HRESULT WINAPI update_collection_Clear(IUpdateCollection *iface)
{
    return core_clear(&impl_from_IUpdateCollection(iface)->core);
}

static HRESULT update_collection_new(BOOL read_only, struct update_collection **out);

static HRESULT WINAPI update_collection_Copy(IUpdateCollection *iface, IUpdateCollection **out)
{
    struct update_collection *This = impl_from_IUpdateCollection(iface), *copy;
    HRESULT hr;

    if (!out) return E_POINTER;
    *out = NULL;
    if (FAILED(hr = update_collection_new(FALSE, &copy))) return hr;
    if (FAILED(hr = core_copy(&This->core, &copy->core)))
    {
        IUpdateCollection_Release(&copy->IUpdateCollection_iface);
        return hr;
    }
    *out = &copy->IUpdateCollection_iface;
    return S_OK;
}

static HRESULT WINAPI update_collection_Insert(IUpdateCollection *iface, LONG index, IUpdate *value)
{
    struct update_collection *This = impl_from_IUpdateCollection(iface);
    VARIANT v;

    if (!value) return E_POINTER;
    if (index < 0) return WU_E_INVALIDINDEX;
    update_variant(value, &v);
    return core_insert(&This->core, index, &v, NULL);
}

static HRESULT WINAPI update_collection_RemoveAt(IUpdateCollection *iface, LONG index)
{
    return core_remove(&impl_from_IUpdateCollection(iface)->core, index);
}

static const IUpdateCollectionVtbl update_collection_vtbl =
{
    update_collection_QueryInterface,
    update_collection_AddRef,
    update_collection_Release,
    update_collection_GetTypeInfoCount,
    update_collection_GetTypeInfo,
    update_collection_GetIDsOfNames,
    update_collection_Invoke,
    update_collection_get_Item,
    update_collection_put_Item,
    update_collection_get__NewEnum,
    update_collection_get_Count,
    update_collection_get_ReadOnly,
    update_collection_Add,
    update_collection_Clear,
    update_collection_Copy,
    update_collection_Insert,
    update_collection_RemoveAt,
};

static HRESULT update_collection_new(BOOL read_only, struct update_collection **out)
{
    struct update_collection *This;

    if (!(This = calloc(1, sizeof(*This)))) return E_OUTOFMEMORY;
    This->IUpdateCollection_iface.lpVtbl = &update_collection_vtbl;
    This->refs = 1;
    This->core.read_only = read_only;
    InitializeSRWLock(&This->core.lock);
    object_created();
    *out = This;
    return S_OK;
}

HRESULT update_collection_create(BOOL read_only, IUpdateCollection **out)
{
    struct update_collection *This;
    HRESULT hr;

    *out = NULL;
    if (SUCCEEDED(hr = update_collection_new(read_only, &This))) *out = &This->IUpdateCollection_iface;
    return hr;
}

/* Fills a collection OpenWUA builds, read-only or not. */
HRESULT update_collection_append(IUpdateCollection *coll, IUpdate *update)
{
    struct update_collection *This = impl_from_IUpdateCollection(coll);
    VARIANT v;
    HRESULT hr;

    update_variant(update, &v);
    AcquireSRWLockExclusive(&This->core.lock);
    hr = var_array_insert(&This->core.items, This->core.items.count, &v);
    ReleaseSRWLockExclusive(&This->core.lock);
    return hr;
}

HRESULT update_collection_create_class(REFIID riid, void **obj)
{
    IUpdateCollection *coll;
    HRESULT hr;

    if (FAILED(hr = update_collection_create(FALSE, &coll))) return hr;
    hr = IUpdateCollection_QueryInterface(coll, riid, obj);
    IUpdateCollection_Release(coll);
    return hr;
}

/* --- StringCollection --- */

struct string_collection
{
    IStringCollection IStringCollection_iface;
    LONG refs;
    struct collection_core core;
};

static struct dispatch_type string_collection_type = DISPATCH_TYPE(IID_IStringCollection);

static inline struct string_collection *impl_from_IStringCollection(IStringCollection *iface)
{
    return CONTAINING_RECORD(iface, struct string_collection, IStringCollection_iface);
}

static HRESULT WINAPI string_collection_QueryInterface(IStringCollection *iface, REFIID riid, void **obj)
{
    if (!obj) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch)
        || IsEqualIID(riid, &IID_IStringCollection))
    {
        *obj = iface;
        IStringCollection_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI string_collection_AddRef(IStringCollection *iface)
{
    return InterlockedIncrement(&impl_from_IStringCollection(iface)->refs);
}

static ULONG WINAPI string_collection_Release(IStringCollection *iface)
{
    struct string_collection *This = impl_from_IStringCollection(iface);
    ULONG refs = InterlockedDecrement(&This->refs);

    if (!refs)
    {
        var_array_clear(&This->core.items);
        free(This);
        object_destroyed();
    }
    return refs;
}

DEFINE_IDISPATCH(string_collection, IStringCollection, string_collection_type)

static HRESULT WINAPI string_collection_get_Item(IStringCollection *iface, LONG index, BSTR *out)
{
    struct string_collection *This = impl_from_IStringCollection(iface);
    VARIANT item;
    HRESULT hr;

    if (!out) return E_POINTER;
    *out = NULL;
    if (FAILED(hr = core_get(&This->core, index, &item))) return hr;
    *out = V_BSTR(&item);
    return S_OK;
}

/* A NULL BSTR is COM's empty string: store a real empty BSTR, so reads never give NULL.
 * It has to be a real BSTR, as VariantCopy reads the length prefix. */
static HRESULT string_variant(BSTR value, VARIANT *v)
{
    V_VT(v) = VT_BSTR;
    V_BSTR(v) = value ? value : SysAllocStringLen(NULL, 0);
    return V_BSTR(v) ? S_OK : E_OUTOFMEMORY;
}

/* Frees what string_variant allocated. */
static void string_variant_done(BSTR value, VARIANT *v)
{
    if (!value) SysFreeString(V_BSTR(v));
}

static HRESULT WINAPI string_collection_put_Item(IStringCollection *iface, LONG index, BSTR value)
{
    struct string_collection *This = impl_from_IStringCollection(iface);
    VARIANT v;
    HRESULT hr;

    if (FAILED(hr = string_variant(value, &v))) return hr;
    hr = core_set(&This->core, index, &v);
    string_variant_done(value, &v);
    return hr;
}

static HRESULT WINAPI string_collection_get__NewEnum(IStringCollection *iface, IUnknown **out)
{
    return core_enum(&impl_from_IStringCollection(iface)->core, out);
}

static HRESULT WINAPI string_collection_get_Count(IStringCollection *iface, LONG *out)
{
    return core_count(&impl_from_IStringCollection(iface)->core, out);
}

static HRESULT WINAPI string_collection_get_ReadOnly(IStringCollection *iface, VARIANT_BOOL *out)
{
    return return_bool(impl_from_IStringCollection(iface)->core.read_only, out);
}

static HRESULT WINAPI string_collection_Add(IStringCollection *iface, BSTR value, LONG *out)
{
    struct string_collection *This = impl_from_IStringCollection(iface);
    VARIANT v;
    HRESULT hr;

    if (!out) return E_POINTER;
    if (FAILED(hr = string_variant(value, &v))) return hr;
    hr = core_insert(&This->core, -1, &v, out);
    string_variant_done(value, &v);
    return hr;
}

static HRESULT WINAPI string_collection_Clear(IStringCollection *iface)
{
    return core_clear(&impl_from_IStringCollection(iface)->core);
}

static HRESULT string_collection_new(BOOL read_only, struct string_collection **out);

/* A deep copy: BSTRs are copied by VariantCopy. */
static HRESULT WINAPI string_collection_Copy(IStringCollection *iface, IStringCollection **out)
{
    struct string_collection *This = impl_from_IStringCollection(iface), *copy;
    HRESULT hr;

    if (!out) return E_POINTER;
    *out = NULL;
    if (FAILED(hr = string_collection_new(FALSE, &copy))) return hr;
    if (FAILED(hr = core_copy(&This->core, &copy->core)))
    {
        IStringCollection_Release(&copy->IStringCollection_iface);
        return hr;
    }
    *out = &copy->IStringCollection_iface;
    return S_OK;
}

static HRESULT WINAPI string_collection_Insert(IStringCollection *iface, LONG index, BSTR value)
{
    struct string_collection *This = impl_from_IStringCollection(iface);
    VARIANT v;
    HRESULT hr;

    if (index < 0) return WU_E_INVALIDINDEX;
    if (FAILED(hr = string_variant(value, &v))) return hr;
    hr = core_insert(&This->core, index, &v, NULL);
    string_variant_done(value, &v);
    return hr;
}

static HRESULT WINAPI string_collection_RemoveAt(IStringCollection *iface, LONG index)
{
    return core_remove(&impl_from_IStringCollection(iface)->core, index);
}

static const IStringCollectionVtbl string_collection_vtbl =
{
    string_collection_QueryInterface,
    string_collection_AddRef,
    string_collection_Release,
    string_collection_GetTypeInfoCount,
    string_collection_GetTypeInfo,
    string_collection_GetIDsOfNames,
    string_collection_Invoke,
    string_collection_get_Item,
    string_collection_put_Item,
    string_collection_get__NewEnum,
    string_collection_get_Count,
    string_collection_get_ReadOnly,
    string_collection_Add,
    string_collection_Clear,
    string_collection_Copy,
    string_collection_Insert,
    string_collection_RemoveAt,
};

static HRESULT string_collection_new(BOOL read_only, struct string_collection **out)
{
    struct string_collection *This;

    if (!(This = calloc(1, sizeof(*This)))) return E_OUTOFMEMORY;
    This->IStringCollection_iface.lpVtbl = &string_collection_vtbl;
    This->refs = 1;
    This->core.read_only = read_only;
    InitializeSRWLock(&This->core.lock);
    object_created();
    *out = This;
    return S_OK;
}

HRESULT string_collection_create(BOOL read_only, IStringCollection **out)
{
    struct string_collection *This;
    HRESULT hr;

    *out = NULL;
    if (SUCCEEDED(hr = string_collection_new(read_only, &This))) *out = &This->IStringCollection_iface;
    return hr;
}

HRESULT string_collection_append(IStringCollection *coll, const WCHAR *value)
{
    struct string_collection *This = impl_from_IStringCollection(coll);
    VARIANT v;
    HRESULT hr;

    V_VT(&v) = VT_BSTR;
    if (!(V_BSTR(&v) = SysAllocString(value))) return E_OUTOFMEMORY;
    AcquireSRWLockExclusive(&This->core.lock);
    hr = var_array_insert(&This->core.items, This->core.items.count, &v);
    ReleaseSRWLockExclusive(&This->core.lock);
    VariantClear(&v);
    return hr;
}

HRESULT string_collection_create_class(REFIID riid, void **obj)
{
    IStringCollection *coll;
    HRESULT hr;

    if (FAILED(hr = string_collection_create(FALSE, &coll))) return hr;
    hr = IStringCollection_QueryInterface(coll, riid, obj);
    IStringCollection_Release(coll);
    return hr;
}
