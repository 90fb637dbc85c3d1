/*
 * OpenWUA: the read-only collections OpenWUA hands out.
 *
 * ICategoryCollection, IUpdateDownloadContentCollection, IUpdateExceptionCollection,
 * IUpdateServiceCollection and IUpdateHistoryEntryCollection share one layout
 * (Item, _NewEnum, Count after IDispatch), so one implementation serves them
 * all; only the IID and the type information differ.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "private.h"

struct ro_collection;

/* The layout every one of those interfaces has. */
struct ro_collection_vtbl
{
    HRESULT (WINAPI *QueryInterface)(struct ro_collection *This, REFIID riid, void **obj);
    ULONG (WINAPI *AddRef)(struct ro_collection *This);
    ULONG (WINAPI *Release)(struct ro_collection *This);
    HRESULT (WINAPI *GetTypeInfoCount)(struct ro_collection *This, UINT *count);
    HRESULT (WINAPI *GetTypeInfo)(struct ro_collection *This, UINT index, LCID lcid, ITypeInfo **info);
    HRESULT (WINAPI *GetIDsOfNames)(struct ro_collection *This, REFIID riid, LPOLESTR *names, UINT count,
                                    LCID lcid, DISPID *ids);
    HRESULT (WINAPI *Invoke)(struct ro_collection *This, DISPID member, REFIID riid, LCID lcid, WORD flags,
                             DISPPARAMS *params, VARIANT *result, EXCEPINFO *excep, UINT *arg_err);
    HRESULT (WINAPI *get_Item)(struct ro_collection *This, LONG index, IDispatch **out);
    HRESULT (WINAPI *get__NewEnum)(struct ro_collection *This, IUnknown **out);
    HRESULT (WINAPI *get_Count)(struct ro_collection *This, LONG *out);
};

struct ro_collection
{
    const struct ro_collection_vtbl *vtbl;
    LONG refs;
    const IID *iid;
    struct dispatch_type *type;
    struct var_array items;     /* VT_DISPATCH; never changes after creation */
};

static HRESULT WINAPI ro_QueryInterface(struct ro_collection *This, REFIID riid, void **obj)
{
    if (!obj) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch) || IsEqualIID(riid, This->iid))
    {
        *obj = This;
        InterlockedIncrement(&This->refs);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI ro_AddRef(struct ro_collection *This)
{
    return InterlockedIncrement(&This->refs);
}

static ULONG WINAPI ro_Release(struct ro_collection *This)
{
    ULONG refs = InterlockedDecrement(&This->refs);

    if (!refs)
    {
        var_array_clear(&This->items);
        free(This);
        object_destroyed();
    }
    return refs;
}

static HRESULT WINAPI ro_GetTypeInfoCount(struct ro_collection *This, UINT *count)
{
    (void)This;
    if (!count) return E_POINTER;
    *count = 1;
    return S_OK;
}

static HRESULT WINAPI ro_GetTypeInfo(struct ro_collection *This, UINT index, LCID lcid, ITypeInfo **info)
{
    (void)lcid;
    return dispatch_get_type_info(This->type, index, info);
}

static HRESULT WINAPI ro_GetIDsOfNames(struct ro_collection *This, REFIID riid, LPOLESTR *names, UINT count,
                                       LCID lcid, DISPID *ids)
{
    (void)lcid;
    if (!IsEqualIID(riid, &IID_NULL)) return DISP_E_UNKNOWNINTERFACE;
    return dispatch_get_ids(This->type, names, count, ids);
}

static HRESULT WINAPI ro_Invoke(struct ro_collection *This, DISPID member, REFIID riid, LCID lcid, WORD flags,
                                DISPPARAMS *params, VARIANT *result, EXCEPINFO *excep, UINT *arg_err)
{
    (void)lcid;
    if (!IsEqualIID(riid, &IID_NULL)) return DISP_E_UNKNOWNINTERFACE;
    return dispatch_invoke(This->type, This, member, flags, params, result, excep, arg_err);
}

static HRESULT WINAPI ro_get_Item(struct ro_collection *This, LONG index, IDispatch **out)
{
    if (!out) return E_POINTER;
    *out = NULL;
    if (index < 0 || index >= This->items.count) return WU_E_INVALIDINDEX;
    *out = V_DISPATCH(&This->items.items[index]);
    IDispatch_AddRef(*out);
    return S_OK;
}

static HRESULT WINAPI ro_get__NewEnum(struct ro_collection *This, IUnknown **out)
{
    return var_array_enum(&This->items, out);
}

static HRESULT WINAPI ro_get_Count(struct ro_collection *This, LONG *out)
{
    if (!out) return E_POINTER;
    *out = This->items.count;
    return S_OK;
}

static const struct ro_collection_vtbl ro_collection_vtbl =
{
    ro_QueryInterface,
    ro_AddRef,
    ro_Release,
    ro_GetTypeInfoCount,
    ro_GetTypeInfo,
    ro_GetIDsOfNames,
    ro_Invoke,
    ro_get_Item,
    ro_get__NewEnum,
    ro_get_Count,
};

/* Takes the items (VT_DISPATCH objects answering iid's item interface) over:
 * *items is empty afterwards, also on failure. */
HRESULT ro_collection_create(const IID *iid, struct dispatch_type *type, struct var_array *items, void **out)
{
    struct ro_collection *This;

    *out = NULL;
    if (!(This = calloc(1, sizeof(*This))))
    {
        var_array_clear(items);
        return E_OUTOFMEMORY;
    }
    This->vtbl = &ro_collection_vtbl;
    This->refs = 1;
    This->iid = iid;
    This->type = type;
    This->items = *items;
    memset(items, 0, sizeof(*items));
    object_created();
    *out = This;
    return S_OK;
}

/* Appends an object to an array being built for ro_collection_create; takes its reference. */
HRESULT var_array_append_object(struct var_array *items, IDispatch *object)
{
    VARIANT v;
    HRESULT hr;

    V_VT(&v) = VT_DISPATCH;
    V_DISPATCH(&v) = object;
    hr = var_array_insert(items, items->count, &v);
    IDispatch_Release(object);
    return hr;
}
