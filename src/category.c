/*
 * OpenWUA: categories (ICategory, ICategoryCollection).
 *
 * A category tree is plain data in one shared, counted set; ICategory objects
 * are views made on demand, so Parent and Children never form a reference cycle.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "private.h"
#include "category.h"

struct category_node
{
    GUID id;
    WCHAR *name;
    const WCHAR *type;          /* "Company", "Product", "UpdateClassification" */
    int parent;                 /* index in the set, -1 for a root */
    struct var_array updates;   /* VT_DISPATCH IUpdate */
};

struct category_set
{
    LONG refs;
    struct category_node *nodes;
    unsigned int count;
};

HRESULT category_set_create(struct category_set **out)
{
    if (!(*out = calloc(1, sizeof(**out)))) return E_OUTOFMEMORY;
    (*out)->refs = 1;
    return S_OK;
}

void category_set_release(struct category_set *set)
{
    unsigned int i;

    if (!set || InterlockedDecrement(&set->refs)) return;
    for (i = 0; i < set->count; i++)
    {
        free(set->nodes[i].name);
        var_array_clear(&set->nodes[i].updates);
    }
    free(set->nodes);
    free(set);
}

/* The index of the category, added when the set does not have it yet. */
HRESULT category_set_add(struct category_set *set, const GUID *id, const WCHAR *name, const WCHAR *type,
                         int parent, int *index)
{
    struct category_node *nodes;
    unsigned int i;

    for (i = 0; i < set->count; i++)
    {
        if (!IsEqualGUID(&set->nodes[i].id, id)) continue;
        *index = i;
        return S_OK;
    }
    if (!(nodes = realloc(set->nodes, (set->count + 1) * sizeof(*nodes)))) return E_OUTOFMEMORY;
    set->nodes = nodes;
    memset(&nodes[set->count], 0, sizeof(*nodes));
    if (!(nodes[set->count].name = _wcsdup(name))) return E_OUTOFMEMORY;
    nodes[set->count].id = *id;
    nodes[set->count].type = type;
    nodes[set->count].parent = parent;
    *index = set->count++;
    return S_OK;
}

HRESULT category_set_add_update(struct category_set *set, int index, IUpdate *update)
{
    const struct var_array *updates = &set->nodes[index].updates;
    VARIANT v;
    LONG i;

    /* A company is reached once per product of the same update. */
    for (i = 0; i < updates->count; i++)
        if (V_DISPATCH(&updates->items[i]) == (IDispatch *)update) return S_OK;
    V_VT(&v) = VT_DISPATCH;
    V_DISPATCH(&v) = (IDispatch *)update;
    return var_array_insert(&set->nodes[index].updates, set->nodes[index].updates.count, &v);
}

/* --- ICategory --- */

struct category
{
    ICategory ICategory_iface;
    LONG refs;
    struct category_set *set;
    int index;
};

static struct dispatch_type category_type = DISPATCH_TYPE(IID_ICategory);
static struct dispatch_type category_collection_type = DISPATCH_TYPE(IID_ICategoryCollection);

static inline struct category *impl_from_ICategory(ICategory *iface)
{
    return CONTAINING_RECORD(iface, struct category, ICategory_iface);
}

static const struct category_node *node_of(ICategory *iface)
{
    struct category *This = impl_from_ICategory(iface);

    return &This->set->nodes[This->index];
}

static HRESULT WINAPI category_QueryInterface(ICategory *iface, REFIID riid, void **obj)
{
    if (!obj) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IDispatch) || IsEqualIID(riid, &IID_ICategory))
    {
        *obj = iface;
        ICategory_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI category_AddRef(ICategory *iface)
{
    return InterlockedIncrement(&impl_from_ICategory(iface)->refs);
}

static ULONG WINAPI category_Release(ICategory *iface)
{
    struct category *This = impl_from_ICategory(iface);
    ULONG refs = InterlockedDecrement(&This->refs);

    if (!refs)
    {
        category_set_release(This->set);
        free(This);
        object_destroyed();
    }
    return refs;
}

DEFINE_IDISPATCH(category, ICategory, category_type)

static HRESULT category_create(struct category_set *set, int index, ICategory **out);

static HRESULT WINAPI category_get_Name(ICategory *iface, BSTR *out)
{
    return return_bstr(node_of(iface)->name, out);
}

static HRESULT WINAPI category_get_CategoryID(ICategory *iface, BSTR *out)
{
    return return_guid(&node_of(iface)->id, out);
}

static HRESULT WINAPI category_get_Children(ICategory *iface, ICategoryCollection **out)
{
    struct category *This = impl_from_ICategory(iface);

    if (!out) return E_POINTER;
    return category_collection_create(This->set, This->index, out);
}

/* SDP catalogs carry no category descriptions or images. */
static HRESULT WINAPI category_get_Description(ICategory *iface, BSTR *out)
{
    (void)iface;
    return return_bstr(L"", out);
}

static HRESULT WINAPI category_get_Image(ICategory *iface, IImageInformation **out)
{
    (void)iface;
    if (!out) return E_POINTER;
    *out = NULL;
    return S_OK;
}

static HRESULT WINAPI category_get_Order(ICategory *iface, LONG *out)
{
    if (!out) return E_POINTER;
    *out = impl_from_ICategory(iface)->index;
    return S_OK;
}

static HRESULT WINAPI category_get_Parent(ICategory *iface, ICategory **out)
{
    struct category *This = impl_from_ICategory(iface);
    int parent = This->set->nodes[This->index].parent;

    if (!out) return E_POINTER;
    *out = NULL;
    return parent < 0 ? S_OK : category_create(This->set, parent, out);
}

static HRESULT WINAPI category_get_Type(ICategory *iface, BSTR *out)
{
    return return_bstr(node_of(iface)->type, out);
}

static HRESULT WINAPI category_get_Updates(ICategory *iface, IUpdateCollection **out)
{
    const struct category_node *node = node_of(iface);
    HRESULT hr = S_OK;
    LONG i;

    if (!out) return E_POINTER;
    if (FAILED(hr = update_collection_create(TRUE, out))) return hr;
    for (i = 0; i < node->updates.count && SUCCEEDED(hr); i++)
        hr = update_collection_append(*out, (IUpdate *)V_DISPATCH(&node->updates.items[i]));
    if (FAILED(hr))
    {
        IUpdateCollection_Release(*out);
        *out = NULL;
    }
    return hr;
}

static const ICategoryVtbl category_vtbl =
{
    category_QueryInterface,
    category_AddRef,
    category_Release,
    category_GetTypeInfoCount,
    category_GetTypeInfo,
    category_GetIDsOfNames,
    category_Invoke,
    category_get_Name,
    category_get_CategoryID,
    category_get_Children,
    category_get_Description,
    category_get_Image,
    category_get_Order,
    category_get_Parent,
    category_get_Type,
    category_get_Updates,
};

static HRESULT category_create(struct category_set *set, int index, ICategory **out)
{
    struct category *This;

    *out = NULL;
    if (!(This = calloc(1, sizeof(*This)))) return E_OUTOFMEMORY;
    This->ICategory_iface.lpVtbl = &category_vtbl;
    This->refs = 1;
    This->set = set;
    This->index = index;
    InterlockedIncrement(&set->refs);
    object_created();
    *out = &This->ICategory_iface;
    return S_OK;
}

static BOOL has_children(const struct category_set *set, unsigned int index)
{
    unsigned int i;

    for (i = 0; i < set->count; i++)
        if (set->nodes[i].parent == (int)index) return TRUE;
    return FALSE;
}

static BOOL wanted(const struct category_set *set, unsigned int index, int parent)
{
    if (parent == CATEGORY_ALL) return TRUE;
    if (parent == CATEGORY_LEAVES) return !has_children(set, index);
    return set->nodes[index].parent == parent;
}

HRESULT category_collection_create(struct category_set *set, int parent, ICategoryCollection **out)
{
    struct var_array items = { 0 };
    ICategory *category;
    HRESULT hr = S_OK;
    unsigned int i;

    for (i = 0; i < set->count && SUCCEEDED(hr); i++)
    {
        if (!wanted(set, i, parent)) continue;
        if (SUCCEEDED(hr = category_create(set, i, &category)))
            hr = var_array_append_object(&items, (IDispatch *)category);
    }
    if (FAILED(hr))
    {
        var_array_clear(&items);
        return hr;
    }
    return ro_collection_create(&IID_ICategoryCollection, &category_collection_type, &items, (void **)out);
}
