/*
 * OpenWUA tests: bad input to every member of every object.
 *
 * The walker takes the object's type information from the embedded type
 * library and calls each member it describes: through IDispatch with too many
 * and too few arguments and with each argument in turn replaced by a value of
 * the wrong kind (empty, null, objects of the wrong kind, strings where numbers are
 * wanted, NULL, empty and 1 MB strings, negative and huge numbers), and through
 * the vtable slot the FUNCDESC gives with NULL pointers.  Every answer must be
 * one a client can expect; objects that calls return are walked in turn, once
 * per interface.  Members that change the machine get only calls that cannot
 * succeed.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "download_fixture.h"
#include <shlobj.h>
#include "history.h"

#define FACILITY_WU 0x24

static unsigned long dispatch_calls, vtable_calls, total_calls;
static unsigned int failures;
static IDispatch *proxy;            /* one of OpenWUA's own objects, of the wrong kind */

/* A stranger's object: answers nothing, counts its references. */
static LONG stranger_refs = 1;

static HRESULT WINAPI stranger_QueryInterface(IDispatch *iface, REFIID riid, void **out)
{
    if (!IsEqualIID(riid, &IID_IUnknown) && !IsEqualIID(riid, &IID_IDispatch))
    {
        *out = NULL;
        return E_NOINTERFACE;
    }
    *out = iface;
    IDispatch_AddRef(iface);
    return S_OK;
}

static ULONG WINAPI stranger_AddRef(IDispatch *iface)
{
    (void)iface;
    return InterlockedIncrement(&stranger_refs);
}

static ULONG WINAPI stranger_Release(IDispatch *iface)
{
    (void)iface;
    return InterlockedDecrement(&stranger_refs);
}

static HRESULT WINAPI stranger_GetTypeInfoCount(IDispatch *iface, UINT *count)
{
    (void)iface;
    *count = 0;
    return S_OK;
}

static HRESULT WINAPI stranger_GetTypeInfo(IDispatch *iface, UINT index, LCID lcid, ITypeInfo **info)
{
    (void)iface; (void)index; (void)lcid;
    *info = NULL;
    return DISP_E_BADINDEX;
}

static HRESULT WINAPI stranger_GetIDsOfNames(IDispatch *iface, REFIID riid, LPOLESTR *names, UINT count, LCID lcid,
                                             DISPID *ids)
{
    (void)iface; (void)riid; (void)names; (void)lcid;
    while (count--) ids[count] = DISPID_UNKNOWN;
    return DISP_E_UNKNOWNNAME;
}

static HRESULT WINAPI stranger_Invoke(IDispatch *iface, DISPID member, REFIID riid, LCID lcid, WORD flags,
                                      DISPPARAMS *params, VARIANT *result, EXCEPINFO *excep, UINT *arg_err)
{
    (void)iface; (void)member; (void)riid; (void)lcid; (void)flags; (void)params; (void)result; (void)excep;
    (void)arg_err;
    return DISP_E_MEMBERNOTFOUND;
}

static const IDispatchVtbl stranger_vtbl =
{
    stranger_QueryInterface, stranger_AddRef, stranger_Release, stranger_GetTypeInfoCount, stranger_GetTypeInfo,
    stranger_GetIDsOfNames, stranger_Invoke,
};
static IDispatch stranger = { &stranger_vtbl };

/* Members that change the machine or its state: only calls bound to fail. */
static const WCHAR *const harmful[] =
{
    L"Install", L"Uninstall", L"BeginInstall", L"BeginUninstall", L"RunWizard", L"Commit",
    L"AddScanPackageService", L"AddService", L"AddService2", L"RemoveService", L"RegisterServiceWithAU",
    L"UnregisterServiceWithAU", L"SetOption", L"Save", L"EnableService", L"Pause", L"Resume", L"DetectNow",
    L"IsHidden", L"AcceptEula", L"CopyFromCache", L"CopyToCache", L"ShowSettingsDialog",
};

/* What docs/coverage-status.txt lists as notimpl: the only members that may answer E_NOTIMPL. */
static const WCHAR *const not_implemented[] =
{
    L"PromptForCredentials", L"PromptForCredentialsFromHwnd", L"ShowSettingsDialog", L"CopyToCache",
    L"AddService", L"AddService2",
};

static BOOL listed(const WCHAR *const *list, size_t count, const WCHAR *name)
{
    size_t i;

    for (i = 0; i < count; i++) if (!wcscmp(list[i], name)) return TRUE;
    return FALSE;
}

/* --- the objects still to walk, once per interface --- */

static GUID walked[256];
static unsigned int walked_count;
static WCHAR walked_names[4096];
static IDispatch *queue[512];
static unsigned int queue_count;

static BOOL type_of(IDispatch *obj, GUID *guid)
{
    ITypeInfo *info;
    TYPEATTR *attr;

    if (FAILED(IDispatch_GetTypeInfo(obj, 0, 0, &info))) return FALSE;
    ITypeInfo_GetTypeAttr(info, &attr);
    *guid = attr->guid;
    ITypeInfo_ReleaseTypeAttr(info, attr);
    ITypeInfo_Release(info);
    return TRUE;
}

static BOOL was_walked(const GUID *guid)
{
    unsigned int i;

    for (i = 0; i < walked_count; i++) if (IsEqualGUID(&walked[i], guid)) return TRUE;
    return FALSE;
}

/* Jobs keep working after the call that started them: let them end before release. */
static void settle(IDispatch *obj)
{
    VARIANT done;
    int i;

    for (i = 0; i < 6000; i++)
    {
        if (FAILED(get_property(obj, L"IsCompleted", &done)) || V_VT(&done) != VT_BOOL || V_BOOL(&done)) return;
        Sleep(10);
    }
    fail_msg("a job never completed");
}

static void release(IDispatch *obj)
{
    settle(obj);
    IDispatch_Release(obj);
}

static void enqueue(IDispatch *obj)
{
    GUID guid;

    if (!obj) return;
    if (!type_of(obj, &guid) || was_walked(&guid) || queue_count == ARRAYSIZE(queue))
    {
        release(obj);
        return;
    }
    queue[queue_count++] = obj;
}

/* --- reporting --- */

static void report(const WCHAR *iface, const WCHAR *member, const char *how, HRESULT hr, HRESULT scode)
{
    print_error("%ls.%ls %s: 0x%08lx (scode 0x%08lx)\n", iface, member, how, (unsigned long)hr,
                (unsigned long)scode);
    failures++;
}

/* A failure a member may report on bad input. */
static BOOL documented_code(HRESULT hr, const WCHAR *member)
{
    if (hr == E_INVALIDARG || hr == E_POINTER) return TRUE;
    if (HRESULT_FACILITY(hr) == FACILITY_WU && FAILED(hr)) return TRUE;
    if (hr == E_NOTIMPL) return listed(not_implemented, ARRAYSIZE(not_implemented), member);
    return FALSE;
}

static BOOL documented_invoke(HRESULT hr, const EXCEPINFO *excep, const WCHAR *member)
{
    switch (hr)
    {
    case S_OK:
    case DISP_E_BADPARAMCOUNT:
    case DISP_E_PARAMNOTOPTIONAL:
    case DISP_E_TYPEMISMATCH:
    case DISP_E_OVERFLOW:
    case DISP_E_MEMBERNOTFOUND:
    case DISP_E_BADVARTYPE:     /* Wine's coercion of a NULL object */
        return TRUE;
    case DISP_E_EXCEPTION:
        return documented_code(excep->scode, member);
    }
    return FALSE;
}

/* --- through IDispatch --- */

struct member
{
    const WCHAR *iface;
    BSTR name;
    const FUNCDESC *func;
    BOOL harmful;
};

static WORD dispatch_flags(INVOKEKIND kind)
{
    switch (kind)
    {
    case INVOKE_PROPERTYGET: return DISPATCH_PROPERTYGET;
    case INVOKE_PROPERTYPUT: return DISPATCH_PROPERTYPUT;
    case INVOKE_PROPERTYPUTREF: return DISPATCH_PROPERTYPUTREF;
    default: return DISPATCH_METHOD;
    }
}

static void count_args(const FUNCDESC *func, UINT *callable, UINT *required)
{
    SHORT i;

    *callable = *required = 0;
    for (i = 0; i < func->cParams; i++)
    {
        USHORT flags = func->lprgelemdescParam[i].paramdesc.wParamFlags;

        if (flags & (PARAMFLAG_FRETVAL | PARAMFLAG_FLCID)) continue;
        (*callable)++;
        if (!(flags & (PARAMFLAG_FOPT | PARAMFLAG_FHASDEFAULT))) (*required)++;
    }
}

enum check { CHECK_DOCUMENTED, CHECK_EXACT, CHECK_CALLER };

/* Invokes the member with argc arguments given in reading order; checks the answer
 * is documented, is expected, or leaves that to the caller. */
static HRESULT call_invoke(IDispatch *obj, const struct member *m, UINT argc, const VARIANT *args, const char *how,
                           enum check check, HRESULT expected)
{
    DISPID put_id = DISPID_PROPERTYPUT;
    DISPPARAMS params = { NULL, NULL, argc, 0 };
    WORD flags = dispatch_flags(m->func->invkind);
    VARIANT reversed[16], result;
    EXCEPINFO excep;
    UINT i, arg_err = 0;
    LONG refs;
    HRESULT hr;

    assert_true(argc <= ARRAYSIZE(reversed));
    for (i = 0; i < argc; i++) reversed[argc - 1 - i] = args[i];
    params.rgvarg = argc ? reversed : NULL;
    if (flags & (DISPATCH_PROPERTYPUT | DISPATCH_PROPERTYPUTREF))
    {
        params.rgdispidNamedArgs = &put_id;
        params.cNamedArgs = argc ? 1 : 0;
    }
    memset(&excep, 0, sizeof(excep));
    VariantInit(&result);
    refs = stranger_refs;
    hr = IDispatch_Invoke(obj, m->func->memid, &IID_NULL, LOCALE_USER_DEFAULT, flags, &params, &result, &excep,
                          &arg_err);
    dispatch_calls++;
    /* a member may keep an object it is given only when it succeeds */
    if (stranger_refs != refs && FAILED(hr)) report(m->iface, m->name, how, hr, stranger_refs - refs);
    if (check == CHECK_EXACT ? hr != expected : check == CHECK_DOCUMENTED && !documented_invoke(hr, &excep, m->name))
        report(m->iface, m->name, how, hr, excep.scode);
    if (hr == DISP_E_EXCEPTION && !FAILED(excep.scode)) report(m->iface, m->name, "success as exception", hr, excep.scode);
    if (FAILED(hr) && V_VT(&result) != VT_EMPTY) report(m->iface, m->name, "value with a failure", hr, V_VT(&result));
    SysFreeString(excep.bstrSource);
    SysFreeString(excep.bstrDescription);
    SysFreeString(excep.bstrHelpFile);
    if (V_VT(&result) == VT_DISPATCH && V_DISPATCH(&result))
    {
        enqueue(V_DISPATCH(&result));
        V_VT(&result) = VT_EMPTY;
    }
    VariantClear(&result);
    return hr;
}

/* The wrong values each argument gets in turn.  The first few can never be
 * taken for a valid argument: harmful members get only those. */
enum { BAD_SAFE = 2, BAD_COUNT = 14 };
static VARIANT bad[BAD_COUNT];
static const char *const bad_names[BAD_COUNT] =
{
    "VT_NULL", "a stranger's object", "a WebProxy", "VT_EMPTY", "VT_DISPATCH NULL", "VT_UNKNOWN NULL", "\"abc\"", "NULL BSTR",
    "empty BSTR", "1 MB BSTR", "-1", "0x7fffffff", "0x80000000", "1e300",
};

static void make_bad_values(void)
{
    BSTR huge = SysAllocStringLen(NULL, 512 * 1024);
    UINT i;

    for (i = 0; i < SysStringLen(huge); i++) huge[i] = 'A' + i % 26;
    V_VT(&bad[0]) = VT_NULL;
    V_VT(&bad[1]) = VT_DISPATCH; V_DISPATCH(&bad[1]) = &stranger;
    V_VT(&bad[2]) = VT_DISPATCH; V_DISPATCH(&bad[2]) = proxy = create(&CLSID_WebProxy, &IID_IDispatch);
    V_VT(&bad[3]) = VT_EMPTY;
    V_VT(&bad[4]) = VT_DISPATCH; V_DISPATCH(&bad[4]) = NULL;
    V_VT(&bad[5]) = VT_UNKNOWN; V_UNKNOWN(&bad[5]) = NULL;
    V_VT(&bad[6]) = VT_BSTR; V_BSTR(&bad[6]) = SysAllocString(L"abc");
    V_VT(&bad[7]) = VT_BSTR; V_BSTR(&bad[7]) = NULL;
    V_VT(&bad[8]) = VT_BSTR; V_BSTR(&bad[8]) = SysAllocString(L"");
    V_VT(&bad[9]) = VT_BSTR; V_BSTR(&bad[9]) = huge;
    V_VT(&bad[10]) = VT_I4; V_I4(&bad[10]) = -1;
    V_VT(&bad[11]) = VT_I4; V_I4(&bad[11]) = 0x7fffffff;
    V_VT(&bad[12]) = VT_I4; V_I4(&bad[12]) = (LONG)0x80000000;
    V_VT(&bad[13]) = VT_R8; V_R8(&bad[13]) = 1e300;
}

static void free_bad_values(void)
{
    UINT i;

    for (i = 0; i < BAD_COUNT; i++)
        if (V_VT(&bad[i]) == VT_BSTR) VariantClear(&bad[i]);
    IDispatch_Release(proxy);
    /* whatever took the stranger gave it back */
    if (stranger_refs != 1) report(L"stranger", L"", "references kept", stranger_refs, 0);
}

static void walk_invoke(IDispatch *obj, const struct member *m)
{
    VARIANT args[16];
    UINT callable, required, i, v;
    char how[96];

    count_args(m->func, &callable, &required);
    assert_true(callable < ARRAYSIZE(args));
    for (i = 0; i <= callable; i++) VariantInit(&args[i]);
    call_invoke(obj, m, callable + 1, args, "one argument too many", CHECK_EXACT, DISP_E_BADPARAMCOUNT);
    if (required)
    {
        HRESULT hr = call_invoke(obj, m, required - 1, args, "one argument too few", CHECK_CALLER, S_OK);

        if (hr != DISP_E_BADPARAMCOUNT && hr != DISP_E_PARAMNOTOPTIONAL)
            report(m->iface, m->name, "one argument too few", hr, 0);
    }
    for (i = 0; i < callable; i++)
    {
        for (v = 0; v < (m->harmful ? BAD_SAFE : BAD_COUNT); v++)
        {
            args[i] = bad[v];
            snprintf(how, sizeof(how), "argument %u %s", i + 1, bad_names[v]);
            call_invoke(obj, m, callable, args, how, CHECK_DOCUMENTED, S_OK);
            VariantInit(&args[i]);
        }
    }
    if (callable)
    {
        DISPPARAMS broken = { NULL, NULL, callable, 0 };
        VARIANT result;
        HRESULT hr;

        /* a count with no arguments behind it */
        VariantInit(&result);
        hr = IDispatch_Invoke(obj, m->func->memid, &IID_NULL, 0, dispatch_flags(m->func->invkind), &broken,
                              &result, NULL, NULL);
        dispatch_calls++;
        if (hr != E_INVALIDARG) report(m->iface, m->name, "arguments missing from DISPPARAMS", hr, 0);
        VariantClear(&result);
    }
    /* Harmless members are also called with empty arguments: that reaches the objects they return. */
    if (!m->harmful && !callable) call_invoke(obj, m, 0, args, "no arguments", CHECK_DOCUMENTED, S_OK);
}

/* --- through the vtable --- */

/* The type an argument has on the stack: enums and aliases resolved. */
static VARTYPE stack_type(ITypeInfo *info, const TYPEDESC *desc)
{
    ITypeInfo *ref;
    TYPEATTR *attr;
    VARTYPE vt = VT_I4;

    switch (desc->vt)
    {
    case VT_PTR: case VT_BSTR: case VT_UNKNOWN: case VT_DISPATCH: case VT_SAFEARRAY: case VT_LPWSTR:
        return VT_UNKNOWN;
    case VT_VARIANT: return VT_VARIANT;
    case VT_DATE: case VT_R8: return VT_R8;
    case VT_I8: case VT_UI8: return VT_I8;
    case VT_USERDEFINED:
        if (FAILED(ITypeInfo_GetRefTypeInfo(info, desc->hreftype, &ref))) return VT_I4;
        ITypeInfo_GetTypeAttr(ref, &attr);
        if (attr->typekind == TKIND_ALIAS) vt = stack_type(ref, &attr->tdescAlias);
        else if (attr->typekind != TKIND_ENUM) vt = VT_UNKNOWN;
        ITypeInfo_ReleaseTypeAttr(ref, attr);
        ITypeInfo_Release(ref);
        return vt;
    default: return VT_I4;
    }
}

/* Frees what an out-parameter received. */
static void free_out(ITypeInfo *info, const TYPEDESC *pointee, void *storage)
{
    IDispatch *disp;
    ITypeInfo *ref;
    TYPEATTR *attr;

    switch (pointee->vt)
    {
    case VT_BSTR: SysFreeString(*(BSTR *)storage); break;
    case VT_VARIANT: VariantClear(storage); break;
    case VT_UNKNOWN: case VT_DISPATCH: case VT_PTR:
        if (!*(IUnknown **)storage) break;
        if (SUCCEEDED(IUnknown_QueryInterface(*(IUnknown **)storage, &IID_IDispatch, (void **)&disp))) release(disp);
        IUnknown_Release(*(IUnknown **)storage);
        break;
    case VT_USERDEFINED:
        if (FAILED(ITypeInfo_GetRefTypeInfo(info, pointee->hreftype, &ref))) break;
        ITypeInfo_GetTypeAttr(ref, &attr);
        if (attr->typekind == TKIND_ALIAS) free_out(ref, &attr->tdescAlias, storage);
        ITypeInfo_ReleaseTypeAttr(ref, attr);
        ITypeInfo_Release(ref);
        break;
    default: break;
    }
}

/* Calls the vtable slot with every pointer argument NULL; with outs_valid the
 * out-parameters get storage (only the inputs are NULL). */
static void call_vtable(IUnknown *obj, ITypeInfo *info, const struct member *m, BOOL outs_valid)
{
    const FUNCDESC *func = m->func;
    VARTYPE types[16];
    VARIANT values[16], *args[16], result;
    VARIANT storage[16];
    BOOL null_out = FALSE;
    SHORT i;
    HRESULT hr;

    assert_true(func->cParams <= 16);
    for (i = 0; i < func->cParams; i++)
    {
        const ELEMDESC *elem = &func->lprgelemdescParam[i];
        BOOL out = !!(elem->paramdesc.wParamFlags & PARAMFLAG_FOUT);

        types[i] = stack_type(info, &elem->tdesc);
        VariantInit(&values[i]);
        VariantInit(&storage[i]);
        memset(&storage[i], 0, sizeof(storage[i]));
        V_VT(&values[i]) = types[i];
        if (types[i] == VT_UNKNOWN && out && outs_valid && elem->tdesc.vt == VT_PTR)
            V_UNKNOWN(&values[i]) = (IUnknown *)&storage[i];
        else if (types[i] == VT_VARIANT) V_VT(&values[i]) = VT_EMPTY;
        else if (types[i] == VT_UNKNOWN && out) null_out = TRUE;
        args[i] = &values[i];
    }
    hr = DispCallFunc(obj, func->oVft, CC_STDCALL, VT_ERROR, func->cParams, types, args, &result);
    vtable_calls++;
    if (FAILED(hr)) report(m->iface, m->name, "DispCallFunc", hr, 0);
    else
    {
        HRESULT code = V_ERROR(&result);

        if (null_out ? !documented_code(code, m->name) : FAILED(code) && !documented_code(code, m->name))
            report(m->iface, m->name, outs_valid ? "NULL inputs" : "NULL pointers", code, 0);
    }
    for (i = 0; i < func->cParams; i++)
        if (V_UNKNOWN(&values[i]) == (IUnknown *)&storage[i] && types[i] == VT_UNKNOWN)
            free_out(info, func->lprgelemdescParam[i].tdesc.lptdesc, &storage[i]);
}

static void walk_vtable(IUnknown *obj, ITypeInfo *info, const struct member *m)
{
    BOOL out = FALSE, in_pointer = FALSE;
    SHORT i;

    for (i = 0; i < m->func->cParams; i++)
    {
        const ELEMDESC *elem = &m->func->lprgelemdescParam[i];

        if (stack_type(info, &elem->tdesc) != VT_UNKNOWN) continue;
        if (elem->paramdesc.wParamFlags & PARAMFLAG_FOUT) out = TRUE;
        else in_pointer = TRUE;
    }
    if (!out && !in_pointer) return;
    call_vtable(obj, info, m, FALSE);
    if (out && in_pointer && !m->harmful) call_vtable(obj, info, m, TRUE);
}

/* --- one object --- */

static void walk_level(IDispatch *obj, IUnknown *vtable_obj, ITypeInfo *info)
{
    ITypeInfo *base;
    TYPEATTR *attr;
    FUNCDESC *func;
    HREFTYPE href;
    BSTR iface;
    UINT i;

    assert_hr(S_OK, ITypeInfo_GetTypeAttr(info, &attr));
    if (IsEqualGUID(&attr->guid, &IID_IDispatch) || IsEqualGUID(&attr->guid, &IID_IUnknown))
    {
        ITypeInfo_ReleaseTypeAttr(info, attr);
        return;
    }
    ITypeInfo_GetDocumentation(info, MEMBERID_NIL, &iface, NULL, NULL, NULL);
    for (i = 0; i < attr->cFuncs; i++)
    {
        struct member m = { .iface = iface };

        assert_hr(S_OK, ITypeInfo_GetFuncDesc(info, i, &func));
        m.func = func;
        ITypeInfo_GetDocumentation(info, func->memid, &m.name, NULL, NULL, NULL);
        m.harmful = listed(harmful, ARRAYSIZE(harmful), m.name)
                    && (wcscmp(m.name, L"IsHidden") || func->invkind != INVOKE_PROPERTYGET);
        if (!(func->wFuncFlags & FUNCFLAG_FRESTRICTED)) walk_invoke(obj, &m);
        walk_vtable(vtable_obj, info, &m);
        SysFreeString(m.name);
        ITypeInfo_ReleaseFuncDesc(info, func);
    }
    if (attr->cImplTypes && SUCCEEDED(ITypeInfo_GetRefTypeOfImplType(info, 0, &href))
        && SUCCEEDED(ITypeInfo_GetRefTypeInfo(info, href, &base)))
    {
        walk_level(obj, vtable_obj, base);
        ITypeInfo_Release(base);
    }
    SysFreeString(iface);
    ITypeInfo_ReleaseTypeAttr(info, attr);
}

static void walk_one(IDispatch *obj)
{
    ITypeInfo *dispinfo, *info;
    IUnknown *vtable_obj;
    TYPEATTR *attr;
    HREFTYPE href;

    assert_hr(S_OK, IDispatch_GetTypeInfo(obj, 0, 0, &dispinfo));
    ITypeInfo_GetTypeAttr(dispinfo, &attr);
    if (walked_count < ARRAYSIZE(walked)) walked[walked_count++] = attr->guid;
    {
        BSTR name;

        ITypeInfo_GetDocumentation(dispinfo, MEMBERID_NIL, &name, NULL, NULL, NULL);
        if (wcslen(walked_names) + SysStringLen(name) + 2 < ARRAYSIZE(walked_names))
        {
            wcscat(walked_names, L" ");
            wcscat(walked_names, name);
        }
        SysFreeString(name);
    }
    assert_hr(S_OK, IDispatch_QueryInterface(obj, &attr->guid, (void **)&vtable_obj));
    ITypeInfo_ReleaseTypeAttr(dispinfo, attr);
    assert_hr(S_OK, ITypeInfo_GetRefTypeOfImplType(dispinfo, -1, &href));
    assert_hr(S_OK, ITypeInfo_GetRefTypeInfo(dispinfo, href, &info));
    walk_level(obj, vtable_obj, info);
    ITypeInfo_Release(info);
    ITypeInfo_Release(dispinfo);
    IUnknown_Release(vtable_obj);
}

/* Walks obj (always) and what its members return (each interface once); releases obj. */
static void walk(IDispatch *obj)
{
    make_bad_values();
    walk_one(obj);
    release(obj);
    while (queue_count)
    {
        IDispatch *next = queue[--queue_count];
        GUID guid;

        if (type_of(next, &guid) && !was_walked(&guid)) walk_one(next);
        release(next);
    }
    free_bad_values();
}

/* --- set-up: a tiny catalog, whose one update has one file:// file --- */

static struct test_package package = { .files = { { L"tiny.txt", NULL, "tiny content" } } };
static WCHAR url[600];

static int setup(void **state)
{
    WCHAR base[MAX_PATH], path[MAX_PATH];

    (void)state;
    dispatch_calls = vtable_calls = failures = 0;
    walked_count = queue_count = 0;
    walked_names[0] = 0;
    if (!package.title)
    {
        GetTempPathW(ARRAYSIZE(base), base);
        swprintf(work, ARRAYSIZE(work), L"%lsopenwua-badinput-%lu", base, GetCurrentProcessId());
        CreateDirectoryW(work, NULL);
        work_path(path, L"tiny.txt");
        write_file(path, package.files[0].content);
        work_url(url, L"tiny.txt");
        package.files[0].uri = url;
        new_id(&package, L"Tiny");
    }
    return 0;
}

static int teardown(void **state)
{
    total_calls += dispatch_calls + vtable_calls;
    print_message("walked:%ls\n", walked_names);
    print_message("%lu calls through IDispatch, %lu through the vtable (%lu in all so far)\n", dispatch_calls,
                  vtable_calls, total_calls);
    return leak_check(state);
}

#define BAD_INPUT_CASE(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

static void start_clean(void)
{
    reg_delete_tree(L"Software\\OpenWUA");
}

/* --- the cases --- */

static IUpdateSearcher *tiny_searcher(void);


static const CLSID *const classes[] =
{
    &CLSID_UpdateSession, &CLSID_UpdateCollection, &CLSID_StringCollection, &CLSID_WebProxy,
    &CLSID_SystemInformation, &CLSID_WindowsUpdateAgentInfo, &CLSID_AutomaticUpdates, &CLSID_UpdateSearcher,
    &CLSID_UpdateServiceManager, &CLSID_UpdateDownloader, &CLSID_UpdateInstaller,
};

static void every_class_and_what_it_returns(void **state)
{
    IUpdateSearcher *searcher;
    size_t i;

    (void)state;
    start_clean();
    /* a registered service, so the service manager has one to return */
    searcher = tiny_searcher();
    IUpdateSearcher_Release(searcher);
    for (i = 0; i < ARRAYSIZE(classes); i++)
    {
        WCHAR name[40];

        walk(create(classes[i], &IID_IDispatch));
        /* named here, or the leak check would only say that something leaked */
        StringFromGUID2(classes[i], name, ARRAYSIZE(name));
        if (can_unload_now() != S_OK) report(L"class", name, "leaves objects alive", S_OK, 0);
    }
    print_message("%u interfaces walked\n", walked_count);
    start_clean();
    assert_int_equal(0, failures);
}

/* A searcher of the tiny catalog, registered as a scan package service. */
static IUpdateSearcher *tiny_searcher(void)
{
    IUpdateSession *session = create(&CLSID_UpdateSession, &IID_IUpdateSession);
    IUpdateSearcher *searcher;
    WCHAR path[MAX_PATH];
    BSTR id;

    work_path(path, L"catalog.xml");
    write_catalog(path, &package, 1);
    id = add_scan_service(L"OpenWUA bad input tests", path);
    searcher = service_searcher(session, id);
    SysFreeString(id);
    IUpdateSession_Release(session);
    return searcher;
}

/* A search result and everything under it: updates, identities, categories, contents... */
static void search_results_and_updates(void **state)
{
    IUpdateSearcher *searcher;
    ISearchResult *result;
    BSTR criteria = SysAllocString(L"IsInstalled=0");

    (void)state;
    start_clean();
    searcher = tiny_searcher();
    assert_hr(S_OK, IUpdateSearcher_Search(searcher, criteria, &result));
    walk((IDispatch *)result);
    walk((IDispatch *)searcher);
    SysFreeString(criteria);
    print_message("%u interfaces walked\n", walked_count);
    start_clean();
    assert_int_equal(0, failures);
}

static IDispatch *ended(IDispatch *job)
{
    settle(job);
    return job;
}

/* Search, download and installation jobs, their progress and results, a service
 * registration and a history entry.  The installation cannot run anything: the
 * tiny update's program is not among its files. */
static void jobs_results_and_history(void **state)
{
    IUpdateSession *session = create(&CLSID_UpdateSession, &IID_IUpdateSession);
    IUpdateSearcher *searcher;
    IUpdateDownloader *downloader;
    IDownloadResult *downloaded;
    IUpdateCollection *updates;
    ISearchResult *result;
    ISearchJob *search_job;
    IDownloadJob *download_job;
    IUpdateInstaller *installer;
    IInstallationJob *install_job;
    IInstallationResult *installed;
    IUpdateServiceManager2 *manager;
    IUpdateServiceRegistration *registration;
    WCHAR mark[MAX_PATH];
    BSTR service;
    struct history_entry entry = { .operation = 1, .result_code = 2, .title = L"Tiny",
                                   .update_id = { 0x0badc0de, 0, 0x4000, { 0x80 } } };
    BSTR criteria = SysAllocString(L"IsInstalled=0");
    IDispatch *history;
    VARIANT none;

    (void)state;
    start_clean();
    history_mark(mark);
    V_VT(&none) = VT_EMPTY;
    searcher = tiny_searcher();
    assert_hr(S_OK, IUpdateSearcher_BeginSearch(searcher, criteria, NULL, none, &search_job));
    ended((IDispatch *)search_job);
    assert_hr(S_OK, IUpdateSearcher_EndSearch(searcher, search_job, &result));
    walk((IDispatch *)search_job);
    assert_hr(S_OK, ISearchResult_get_Updates(result, &updates));
    ISearchResult_Release(result);

    assert_hr(S_OK, IUpdateSession_CreateUpdateDownloader(session, &downloader));
    assert_hr(S_OK, IUpdateDownloader_put_Updates(downloader, updates));
    assert_hr(S_OK, IUpdateDownloader_BeginDownload(downloader, NULL, NULL, none, &download_job));
    ended((IDispatch *)download_job);
    assert_hr(S_OK, IUpdateDownloader_EndDownload(downloader, download_job, &downloaded));
    walk((IDispatch *)download_job);
    walk((IDispatch *)downloaded);

    assert_hr(S_OK, IUpdateSession_CreateUpdateInstaller(session, &installer));
    assert_hr(S_OK, IUpdateInstaller_put_Updates(installer, updates));
    assert_hr(S_OK, IUpdateInstaller_BeginInstall(installer, NULL, NULL, none, &install_job));
    ended((IDispatch *)install_job);
    assert_hr(S_OK, IUpdateInstaller_EndInstall(installer, install_job, &installed));
    walk((IDispatch *)install_job);
    walk((IDispatch *)installed);
    IUpdateInstaller_Release(installer);

    manager = create(&CLSID_UpdateServiceManager, &IID_IUpdateServiceManager2);
    assert_hr(S_OK, IUpdateSearcher_get_ServiceID(searcher, &service));
    assert_hr(S_OK, IUpdateServiceManager2_QueryServiceRegistration(manager, service, &registration));
    walk((IDispatch *)registration);
    IUpdateServiceManager2_Release(manager);
    SysFreeString(service);

    assert_hr(S_OK, history_append(&entry));
    assert_hr(S_OK, IUpdateSearcher_QueryHistory(searcher, 0, 1, (IUpdateHistoryEntryCollection **)&history));
    walk(history);
    history_trim(mark);

    IUpdateCollection_Release(updates);
    IUpdateDownloader_Release(downloader);
    IUpdateSearcher_Release(searcher);
    IUpdateSession_Release(session);
    SysFreeString(criteria);
    print_message("%u interfaces walked\n", walked_count);
    start_clean();
    assert_int_equal(0, failures);
}

int main(void)
{
    const struct CMUnitTest tests[] =
    {
        BAD_INPUT_CASE(every_class_and_what_it_returns),
        BAD_INPUT_CASE(search_results_and_updates),
        BAD_INPUT_CASE(jobs_results_and_history),
    };

    return RUN_TESTS(tests);
}
