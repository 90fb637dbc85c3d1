/*
 * OpenWUA: the one IDispatch implementation, backed by the embedded type library.
 *
 * Every object's IDispatch methods land here.  Type information is loaded once
 * and cached per interface, so a late-bound call costs one ITypeInfo::Invoke.
 * A failing member reaches the caller as DISP_E_EXCEPTION with the member's
 * HRESULT in EXCEPINFO.scode and no text, as Windows' wuapi does.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "private.h"

static ITypeLib *typelib;
static INIT_ONCE typelib_once = INIT_ONCE_STATIC_INIT;
static HRESULT typelib_hr;

/* Filled type caches, released when the DLL is unloaded. */
static struct dispatch_type *volatile filled[128];
static LONG filled_count;

static BOOL CALLBACK load_typelib_once(INIT_ONCE *once, void *param, void **context)
{
    WCHAR path[MAX_PATH];

    (void)once; (void)param; (void)context;
    if (!GetModuleFileNameW(wuapi_instance, path, ARRAY_SIZE(path)))
        typelib_hr = HRESULT_FROM_WIN32(GetLastError());
    else
        typelib_hr = LoadTypeLibEx(path, REGKIND_NONE, &typelib);
    return TRUE;
}

HRESULT dispatch_load_typelib(ITypeLib **out)
{
    InitOnceExecuteOnce(&typelib_once, load_typelib_once, NULL, NULL);
    if (FAILED(typelib_hr)) return typelib_hr;
    ITypeLib_AddRef(typelib);
    *out = typelib;
    return S_OK;
}

static SHORT callable_args(const FUNCDESC *func, BOOL required)
{
    USHORT skip = PARAMFLAG_FRETVAL | PARAMFLAG_FLCID | (required ? PARAMFLAG_FOPT | PARAMFLAG_FHASDEFAULT : 0);
    SHORT i, count = 0;

    for (i = 0; i < func->cParams; i++)
        if (!(func->lprgelemdescParam[i].paramdesc.wParamFlags & skip)) count++;
    return count;
}

static BOOL is_object_type(ITypeInfo *typeinfo, const TYPEDESC *desc)
{
    ITypeInfo *ref;
    TYPEATTR *attr;
    BOOL object = FALSE;

    if (desc->vt == VT_UNKNOWN || desc->vt == VT_DISPATCH) return TRUE;
    if (desc->vt != VT_PTR || desc->lptdesc->vt != VT_USERDEFINED) return FALSE;
    if (FAILED(ITypeInfo_GetRefTypeInfo(typeinfo, desc->lptdesc->hreftype, &ref))) return FALSE;
    if (SUCCEEDED(ITypeInfo_GetTypeAttr(ref, &attr)))
    {
        object = attr->typekind == TKIND_INTERFACE || attr->typekind == TKIND_DISPATCH;
        ITypeInfo_ReleaseTypeAttr(ref, attr);
    }
    ITypeInfo_Release(ref);
    return object;
}

static UINT object_args(ITypeInfo *typeinfo, const FUNCDESC *func)
{
    UINT mask = 0, position = 0;
    SHORT i;

    for (i = 0; i < func->cParams && position < 32; i++)
    {
        const ELEMDESC *elem = &func->lprgelemdescParam[i];

        if (elem->paramdesc.wParamFlags & (PARAMFLAG_FRETVAL | PARAMFLAG_FLCID)) continue;
        if (is_object_type(typeinfo, &elem->tdesc)) mask |= 1u << position;
        position++;
    }
    return mask;
}

static HRESULT add_members(struct dispatch_type *type, ITypeInfo *typeinfo, const TYPEATTR *attr)
{
    struct dispatch_member *members;
    FUNCDESC *func;
    UINT i;

    if (!(members = realloc(type->members, (type->member_count + attr->cFuncs) * sizeof(*members))))
        return E_OUTOFMEMORY;
    type->members = members;
    for (i = 0; i < attr->cFuncs; i++)
    {
        struct dispatch_member *member = &members[type->member_count];

        if (FAILED(ITypeInfo_GetFuncDesc(typeinfo, i, &func))) continue;
        member->id = func->memid;
        member->invkind = func->invkind;
        member->restricted = !!(func->wFuncFlags & FUNCFLAG_FRESTRICTED);
        member->max_args = callable_args(func, FALSE);
        member->min_args = callable_args(func, TRUE);
        member->object_args = object_args(typeinfo, func);
        type->member_count++;
        ITypeInfo_ReleaseFuncDesc(typeinfo, func);
    }
    return S_OK;
}

/* Wine's ITypeInfo::Invoke neither refuses restricted members nor surplus
 * arguments; Windows does both, so the limits are kept here per member,
 * for the interface and every interface it derives from. */
static HRESULT describe_members(struct dispatch_type *type, ITypeInfo *typeinfo)
{
    ITypeInfo *base;
    TYPEATTR *attr;
    HREFTYPE href;
    HRESULT hr;

    if (FAILED(hr = ITypeInfo_GetTypeAttr(typeinfo, &attr))) return hr;
    hr = add_members(type, typeinfo, attr);
    if (SUCCEEDED(hr) && attr->cImplTypes && SUCCEEDED(ITypeInfo_GetRefTypeOfImplType(typeinfo, 0, &href))
        && SUCCEEDED(ITypeInfo_GetRefTypeInfo(typeinfo, href, &base)))
    {
        hr = describe_members(type, base);
        ITypeInfo_Release(base);
    }
    ITypeInfo_ReleaseTypeAttr(typeinfo, attr);
    return hr;
}

static HRESULT load_type(struct dispatch_type *type)
{
    ITypeInfo *dispinfo, *typeinfo = NULL;
    HREFTYPE href;
    ITypeLib *lib;
    LONG slot;
    HRESULT hr;

    if (FAILED(hr = dispatch_load_typelib(&lib))) return hr;
    hr = ITypeLib_GetTypeInfoOfGuid(lib, type->iid, &dispinfo);
    ITypeLib_Release(lib);
    if (FAILED(hr)) return hr;
    /* Invoke through the vtable side of the dual interface. */
    if (SUCCEEDED(ITypeInfo_GetRefTypeOfImplType(dispinfo, -1, &href)))
        hr = ITypeInfo_GetRefTypeInfo(dispinfo, href, &typeinfo);
    else
    {
        typeinfo = dispinfo;
        ITypeInfo_AddRef(typeinfo);
    }
    if (FAILED(hr))
    {
        ITypeInfo_Release(dispinfo);
        return hr;
    }
    if (InterlockedCompareExchangePointer((void **)&type->dispinfo, dispinfo, NULL))
    {
        /* Another thread is filling it. */
        ITypeInfo_Release(dispinfo);
        ITypeInfo_Release(typeinfo);
        return S_OK;
    }
    if (FAILED(hr = describe_members(type, typeinfo)))
    {
        free(type->members);
        type->members = NULL;
        type->member_count = 0;
        /* Leave the type unfilled; the next call tries again. */
        type->dispinfo = NULL;
        ITypeInfo_Release(dispinfo);
        ITypeInfo_Release(typeinfo);
        return hr;
    }
    slot = InterlockedIncrement(&filled_count) - 1;
    if (slot < (LONG)ARRAY_SIZE(filled)) filled[slot] = type;
    /* Published last: readers take a non-NULL typeinfo as "all filled". */
    InterlockedExchangePointer((void **)&type->typeinfo, typeinfo);
    return S_OK;
}

static HRESULT get_typeinfo(struct dispatch_type *type, ITypeInfo **info)
{
    HRESULT hr;

    /* typeinfo is published after dispinfo: spin briefly if another thread is in between. */
    while (!(*info = type->typeinfo))
    {
        if (!type->dispinfo && FAILED(hr = load_type(type))) return hr;
        else if (!type->typeinfo) SwitchToThread();
    }
    return S_OK;
}

void dispatch_release_all(void)
{
    LONG i, count = min(filled_count, (LONG)ARRAY_SIZE(filled));

    for (i = 0; i < count; i++)
    {
        ITypeInfo_Release(filled[i]->typeinfo);
        ITypeInfo_Release(filled[i]->dispinfo);
        free(filled[i]->members);
        filled[i]->members = NULL;
        filled[i]->member_count = 0;
        filled[i]->typeinfo = filled[i]->dispinfo = NULL;
    }
    filled_count = 0;
    if (typelib) ITypeLib_Release(typelib);
    typelib = NULL;
}

HRESULT dispatch_get_type_info(struct dispatch_type *type, UINT index, ITypeInfo **info)
{
    ITypeInfo *typeinfo;
    HRESULT hr;

    if (!info) return E_POINTER;
    *info = NULL;
    if (index) return DISP_E_BADINDEX;
    if (FAILED(hr = get_typeinfo(type, &typeinfo))) return hr;
    *info = type->dispinfo;
    ITypeInfo_AddRef(*info);
    return S_OK;
}

static BOOL has_form(const struct dispatch_type *type, DISPID member, WORD invkind)
{
    UINT i;

    for (i = 0; i < type->member_count; i++)
        if (type->members[i].id == member && (type->members[i].invkind & invkind)) return TRUE;
    return FALSE;
}

/* Whether the member may be invoked with flags and argc arguments: restricted
 * members are vtable-only; a known member without the asked form (a method
 * read as a property) is DISP_E_MEMBERNOTFOUND, as Windows answers, where
 * Wine's ITypeInfo::Invoke says S_FALSE; surplus or missing arguments are
 * DISP_E_BADPARAMCOUNT (Wine's answer to a missing one varies).  Members this table does not know are left to
 * ITypeInfo::Invoke to refuse.  flags 0 asks about the name only. */
static HRESULT check_call(const struct dispatch_type *type, DISPID member, WORD flags, UINT argc)
{
    BOOL known = FALSE;
    SHORT most = -1, least = SHRT_MAX;
    UINT i;

    for (i = 0; i < type->member_count; i++)
    {
        const struct dispatch_member *m = &type->members[i];

        if (m->id != member) continue;
        if (m->restricted) return DISP_E_MEMBERNOTFOUND;
        known = TRUE;
        if (m->invkind & flags)
        {
            most = max(most, m->max_args);
            least = min(least, m->min_args);
        }
    }
    if (known && flags && most < 0) return DISP_E_MEMBERNOTFOUND;
    if (most < 0) return S_OK;
    return argc > (UINT)most || argc < (UINT)least ? DISP_E_BADPARAMCOUNT : S_OK;
}

static BOOL is_object(const VARIANT *arg)
{
    if (V_VT(arg) == (VT_BYREF | VT_VARIANT) && V_VARIANTREF(arg)) arg = V_VARIANTREF(arg);
    switch (V_VT(arg))
    {
    case VT_DISPATCH: case VT_UNKNOWN: case VT_BYREF | VT_DISPATCH: case VT_BYREF | VT_UNKNOWN: return TRUE;
    default: return FALSE;
    }
}

/* Wine's ITypeInfo::Invoke keeps a reference to each object argument it has
 * converted when a later argument fails to convert; an object parameter
 * given something else is refused here, before any is converted. */
static HRESULT check_object_args(const struct dispatch_type *type, DISPID member, WORD flags,
                                 const DISPPARAMS *params, UINT *arg_err)
{
    UINT i, j, position;

    for (i = 0; i < type->member_count; i++)
    {
        const struct dispatch_member *m = &type->members[i];

        if (m->id != member || !(m->invkind & flags) || !m->object_args) continue;
        for (j = 0; j < params->cArgs; j++)
        {
            /* a put's value comes first, named DISPID_PROPERTYPUT; the rest last first */
            if (j < params->cNamedArgs) position = m->max_args - 1;
            else position = params->cArgs - 1 - j;
            if (position >= 32 || !(m->object_args & (1u << position)) || is_object(&params->rgvarg[j])) continue;
            if (arg_err) *arg_err = j;
            return DISP_E_TYPEMISMATCH;
        }
        break;
    }
    return S_OK;
}

HRESULT dispatch_get_ids(struct dispatch_type *type, LPOLESTR *names, UINT count, DISPID *ids)
{
    ITypeInfo *typeinfo;
    HRESULT hr;

    if (!names || !ids) return E_POINTER;
    if (!count) return S_OK;
    if (FAILED(hr = get_typeinfo(type, &typeinfo))) return hr;
    hr = ITypeInfo_GetIDsOfNames(typeinfo, names, count, ids);
    if (SUCCEEDED(hr) && check_call(type, ids[0], 0, 0) == DISP_E_MEMBERNOTFOUND)
    {
        ids[0] = DISPID_UNKNOWN;
        hr = DISP_E_UNKNOWNNAME;
    }
    return hr;
}

/* Windows surfaces only the code: no source, description or help text. */
static void strip_exception_text(EXCEPINFO *excep)
{
    SysFreeString(excep->bstrSource);
    SysFreeString(excep->bstrDescription);
    SysFreeString(excep->bstrHelpFile);
    excep->bstrSource = excep->bstrDescription = excep->bstrHelpFile = NULL;
    excep->wCode = 0;
    excep->dwHelpContext = 0;
    excep->pfnDeferredFillIn = NULL;
}

HRESULT dispatch_invoke(struct dispatch_type *type, void *iface, DISPID member, WORD flags,
                        DISPPARAMS *params, VARIANT *result, EXCEPINFO *excep, UINT *arg_err)
{
    ITypeInfo *typeinfo;
    HRESULT hr;

    if (FAILED(hr = get_typeinfo(type, &typeinfo))) return hr;
    if (!params) return E_INVALIDARG;
    if (excep) memset(excep, 0, sizeof(*excep));
    /* JScript asks for properties with DISPATCH_METHOD alone (new Enumerator,
     * a bare c.Item(0)); Windows' dispatch treats that as a property get. */
    if (flags == DISPATCH_METHOD && !has_form(type, member, DISPATCH_METHOD)
        && has_form(type, member, DISPATCH_PROPERTYGET))
        flags = DISPATCH_PROPERTYGET;
    /* Object properties are propput in the type library; VBScript's Set and
     * PowerShell assign them with PROPERTYPUTREF, which must land there too. */
    if ((flags & DISPATCH_PROPERTYPUTREF) && !has_form(type, member, DISPATCH_PROPERTYPUTREF))
        flags = (flags & ~DISPATCH_PROPERTYPUTREF) | DISPATCH_PROPERTYPUT;
    if (FAILED(hr = check_call(type, member, flags, params->cArgs))) return hr;
    if (params->cArgs && !params->rgvarg) return E_INVALIDARG;
    if (FAILED(hr = check_object_args(type, member, flags, params, arg_err))) return hr;

    hr = ITypeInfo_Invoke(typeinfo, iface, member, flags, params, result, excep, arg_err);
    /* Members fail through DISP_E_EXCEPTION; a bare E_NOINTERFACE is Wine
     * refusing an object argument of the wrong kind, a type mismatch to callers. */
    if (hr == E_NOINTERFACE) hr = DISP_E_TYPEMISMATCH;
    if (hr == DISP_E_EXCEPTION && excep) strip_exception_text(excep);
    /* A failed call returns no value: Wine leaves the unset out-parameter's type there. */
    if (FAILED(hr) && result) VariantClear(result);
    return hr;
}
