/*
 * OpenWUA: a growable array of VARIANTs, and IEnumVARIANT over a snapshot of one.
 * Collections keep their items here; the caller does the locking.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "private.h"

static HRESULT reserve(struct var_array *array, LONG count)
{
    VARIANT *items;
    LONG capacity;

    if (count <= array->capacity) return S_OK;
    capacity = max(count, max(8, array->capacity * 2));
    if (!(items = realloc(array->items, capacity * sizeof(*items)))) return E_OUTOFMEMORY;
    array->items = items;
    array->capacity = capacity;
    return S_OK;
}

HRESULT var_array_insert(struct var_array *array, LONG index, const VARIANT *value)
{
    VARIANT copy;
    HRESULT hr;

    if (index < 0 || index > array->count) return WU_E_INVALIDINDEX;
    if (array->count == MAXLONG) return E_OUTOFMEMORY;
    if (FAILED(hr = reserve(array, array->count + 1))) return hr;
    VariantInit(&copy);
    /* VariantCopy's source is not const in the headers, but is only read. */
    if (FAILED(hr = VariantCopy(&copy, (VARIANT *)value))) return hr;
    memmove(&array->items[index + 1], &array->items[index], (array->count - index) * sizeof(VARIANT));
    array->items[index] = copy;
    array->count++;
    return S_OK;
}

HRESULT var_array_set(struct var_array *array, LONG index, const VARIANT *value)
{
    if (index < 0 || index >= array->count) return WU_E_INVALIDINDEX;
    return VariantCopy(&array->items[index], (VARIANT *)value);
}

HRESULT var_array_remove(struct var_array *array, LONG index)
{
    if (index < 0 || index >= array->count) return WU_E_INVALIDINDEX;
    VariantClear(&array->items[index]);
    array->count--;
    memmove(&array->items[index], &array->items[index + 1], (array->count - index) * sizeof(VARIANT));
    return S_OK;
}

void var_array_clear(struct var_array *array)
{
    LONG i;

    for (i = 0; i < array->count; i++) VariantClear(&array->items[i]);
    free(array->items);
    array->items = NULL;
    array->count = array->capacity = 0;
}

HRESULT var_array_copy(const struct var_array *src, struct var_array *dest)
{
    HRESULT hr = S_OK;
    LONG i;

    dest->items = NULL;
    dest->count = dest->capacity = 0;
    for (i = 0; i < src->count && SUCCEEDED(hr); i++) hr = var_array_insert(dest, i, &src->items[i]);
    if (FAILED(hr)) var_array_clear(dest);
    return hr;
}

struct variant_enum
{
    IEnumVARIANT IEnumVARIANT_iface;
    LONG refs;
    struct var_array items;   /* a snapshot: changes to the collection don't disturb a running For Each */
    LONG next;
    SRWLOCK lock;
};

static inline struct variant_enum *impl_from_IEnumVARIANT(IEnumVARIANT *iface)
{
    return CONTAINING_RECORD(iface, struct variant_enum, IEnumVARIANT_iface);
}

static HRESULT WINAPI enum_QueryInterface(IEnumVARIANT *iface, REFIID riid, void **obj)
{
    if (!obj) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IEnumVARIANT))
    {
        *obj = iface;
        IEnumVARIANT_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI enum_AddRef(IEnumVARIANT *iface)
{
    return InterlockedIncrement(&impl_from_IEnumVARIANT(iface)->refs);
}

static ULONG WINAPI enum_Release(IEnumVARIANT *iface)
{
    struct variant_enum *This = impl_from_IEnumVARIANT(iface);
    ULONG refs = InterlockedDecrement(&This->refs);

    if (!refs)
    {
        var_array_clear(&This->items);
        free(This);
        object_destroyed();
    }
    return refs;
}

static HRESULT WINAPI enum_Next(IEnumVARIANT *iface, ULONG count, VARIANT *items, ULONG *fetched)
{
    struct variant_enum *This = impl_from_IEnumVARIANT(iface);
    ULONG done = 0;
    HRESULT hr = S_OK;

    if (!items) return E_POINTER;
    if (count > 1 && !fetched) return E_INVALIDARG;
    AcquireSRWLockExclusive(&This->lock);
    while (done < count && This->next < This->items.count && SUCCEEDED(hr))
    {
        VariantInit(&items[done]);
        if (SUCCEEDED(hr = VariantCopy(&items[done], &This->items.items[This->next]))) done++, This->next++;
    }
    ReleaseSRWLockExclusive(&This->lock);
    if (fetched) *fetched = done;
    if (FAILED(hr)) return hr;
    return done == count ? S_OK : S_FALSE;
}

static HRESULT WINAPI enum_Skip(IEnumVARIANT *iface, ULONG count)
{
    struct variant_enum *This = impl_from_IEnumVARIANT(iface);
    HRESULT hr = S_OK;

    AcquireSRWLockExclusive(&This->lock);
    if (count > (ULONG)(This->items.count - This->next))
    {
        This->next = This->items.count;
        hr = S_FALSE;
    }
    else This->next += count;
    ReleaseSRWLockExclusive(&This->lock);
    return hr;
}

static HRESULT WINAPI enum_Reset(IEnumVARIANT *iface)
{
    struct variant_enum *This = impl_from_IEnumVARIANT(iface);

    AcquireSRWLockExclusive(&This->lock);
    This->next = 0;
    ReleaseSRWLockExclusive(&This->lock);
    return S_OK;
}

static HRESULT create_enum(const struct var_array *array, LONG next, IEnumVARIANT **out);

static HRESULT WINAPI enum_Clone(IEnumVARIANT *iface, IEnumVARIANT **out)
{
    struct variant_enum *This = impl_from_IEnumVARIANT(iface);
    HRESULT hr;

    if (!out) return E_POINTER;
    AcquireSRWLockShared(&This->lock);
    hr = create_enum(&This->items, This->next, out);
    ReleaseSRWLockShared(&This->lock);
    return hr;
}

static const IEnumVARIANTVtbl enum_vtbl =
{
    enum_QueryInterface,
    enum_AddRef,
    enum_Release,
    enum_Next,
    enum_Skip,
    enum_Reset,
    enum_Clone,
};

static HRESULT create_enum(const struct var_array *array, LONG next, IEnumVARIANT **out)
{
    struct variant_enum *This;
    HRESULT hr;

    *out = NULL;
    if (!(This = calloc(1, sizeof(*This)))) return E_OUTOFMEMORY;
    if (FAILED(hr = var_array_copy(array, &This->items)))
    {
        free(This);
        return hr;
    }
    This->IEnumVARIANT_iface.lpVtbl = &enum_vtbl;
    This->refs = 1;
    This->next = next;
    InitializeSRWLock(&This->lock);
    object_created();
    *out = &This->IEnumVARIANT_iface;
    return S_OK;
}

HRESULT var_array_enum(const struct var_array *array, IUnknown **out)
{
    if (!out) return E_POINTER;
    return create_enum(array, 0, (IEnumVARIANT **)out);
}
