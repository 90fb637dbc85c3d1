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

/* Restricted members (HWND-typed) are in the vtable only, never reachable by IDispatch. */
static void find_restricted(struct dispatch_type *type, ITypeInfo *typeinfo)
{
    TYPEATTR *attr;
    FUNCDESC *func;
    UINT i;

    type->restricted_count = 0;
    if (FAILED(ITypeInfo_GetTypeAttr(typeinfo, &attr))) return;
    for (i = 0; i < attr->cFuncs; i++)
    {
        if (FAILED(ITypeInfo_GetFuncDesc(typeinfo, i, &func))) continue;
        if ((func->wFuncFlags & FUNCFLAG_FRESTRICTED) && type->restricted_count < (LONG)ARRAY_SIZE(type->restricted))
            type->restricted[type->restricted_count++] = func->memid;
        ITypeInfo_ReleaseFuncDesc(typeinfo, func);
    }
    ITypeInfo_ReleaseTypeAttr(typeinfo, attr);
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
    find_restricted(type, typeinfo);
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

static BOOL is_restricted(const struct dispatch_type *type, DISPID member)
{
    LONG i;

    for (i = 0; i < type->restricted_count; i++)
        if (type->restricted[i] == member) return TRUE;
    return FALSE;
}

HRESULT dispatch_get_ids(struct dispatch_type *type, LPOLESTR *names, UINT count, DISPID *ids)
{
    ITypeInfo *typeinfo;
    HRESULT hr;

    if (!names || !ids) return E_POINTER;
    if (!count) return S_OK;
    if (FAILED(hr = get_typeinfo(type, &typeinfo))) return hr;
    hr = ITypeInfo_GetIDsOfNames(typeinfo, names, count, ids);
    if (SUCCEEDED(hr) && is_restricted(type, ids[0]))
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
    EXCEPINFO local;
    ITypeInfo *typeinfo;
    HRESULT hr;

    if (FAILED(hr = get_typeinfo(type, &typeinfo))) return hr;
    if (!params) return E_INVALIDARG;
    if (!excep) excep = &local;
    memset(excep, 0, sizeof(*excep));
    if (is_restricted(type, member)) return DISP_E_MEMBERNOTFOUND;

    hr = ITypeInfo_Invoke(typeinfo, iface, member, flags, params, result, excep, arg_err);
    /* Object properties are propput in the type library; VBScript's Set and
     * PowerShell assign them with PROPERTYPUTREF, which must land there too. */
    if (hr == DISP_E_MEMBERNOTFOUND && (flags & DISPATCH_PROPERTYPUTREF))
        hr = ITypeInfo_Invoke(typeinfo, iface, member, (flags & ~DISPATCH_PROPERTYPUTREF) | DISPATCH_PROPERTYPUT,
                              params, result, excep, arg_err);
    if (hr == DISP_E_EXCEPTION) strip_exception_text(excep);
    if (excep == &local) strip_exception_text(&local);
    return hr;
}
