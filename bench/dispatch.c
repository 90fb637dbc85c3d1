/*
 * OpenWUA benchmark: late-bound property reads through IDispatch::Invoke.
 *
 * 1,000,000 reads of UpdateColl.Count, by a DISPID resolved once, against the
 * same loop on Wine's Scripting.Dictionary.Count in the same process, and against
 * a bare ITypeInfo::Invoke on the collection (the floor every typelib-backed
 * IDispatch sits on).  Each runs several rounds, alternating; the best round
 * counts.  Target: ratio to Scripting.Dictionary <= 1.1.
 *
 * The thread is an STA: Scripting.Dictionary is apartment-threaded, and from the
 * MTA every call to it would go through a proxy.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <windows.h>
#include <ole2.h>
#include <stdio.h>
#include "openwua_wuapi.h"

/* 1,000,000 reads per side, in short alternating rounds so a burst of load
 * on the machine hurts one round, not one side. */
#define CALLS 100000
#define ROUNDS 10

static IDispatch *create_by_progid(const WCHAR *progid)
{
    IDispatch *disp = NULL;
    CLSID clsid;

    if (FAILED(CLSIDFromProgID(progid, &clsid))
        || FAILED(CoCreateInstance(&clsid, NULL, CLSCTX_INPROC_SERVER, &IID_IDispatch, (void **)&disp)))
    {
        fprintf(stderr, "cannot create %ls\n", progid);
        exit(2);
    }
    return disp;
}

/* Seconds for CALLS reads of the property, or a negative number on failure. */
static double time_reads(IDispatch *disp, const WCHAR *name)
{
    DISPPARAMS none = { NULL, NULL, 0, 0 };
    LARGE_INTEGER freq, start, end;
    LPOLESTR names = (LPOLESTR)name;
    VARIANT result;
    DISPID id;
    int i;

    if (FAILED(IDispatch_GetIDsOfNames(disp, &IID_NULL, &names, 1, LOCALE_USER_DEFAULT, &id))) return -1;
    QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&start);
    for (i = 0; i < CALLS; i++)
    {
        if (FAILED(IDispatch_Invoke(disp, id, &IID_NULL, LOCALE_USER_DEFAULT, DISPATCH_PROPERTYGET, &none,
                                    &result, NULL, NULL)))
            return -1;
    }
    QueryPerformanceCounter(&end);
    return (double)(end.QuadPart - start.QuadPart) / freq.QuadPart;
}

/* The same reads straight through the collection's own vtable-side type info. */
static double time_bare_typeinfo(IDispatch *disp)
{
    DISPPARAMS none = { NULL, NULL, 0, 0 };
    LARGE_INTEGER freq, start, end;
    ITypeInfo *dispinfo, *typeinfo;
    IUpdateCollection *coll;
    HREFTYPE href;
    VARIANT result;
    int i;

    if (FAILED(IDispatch_GetTypeInfo(disp, 0, 0, &dispinfo))) return -1;
    if (FAILED(ITypeInfo_GetRefTypeOfImplType(dispinfo, -1, &href))
        || FAILED(ITypeInfo_GetRefTypeInfo(dispinfo, href, &typeinfo)))
        return -1;
    IDispatch_QueryInterface(disp, &IID_IUpdateCollection, (void **)&coll);
    QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&start);
    for (i = 0; i < CALLS; i++)
    {
        if (FAILED(ITypeInfo_Invoke(typeinfo, coll, 0x60020001, DISPATCH_PROPERTYGET, &none, &result, NULL, NULL)))
            return -1;
    }
    QueryPerformanceCounter(&end);
    IUpdateCollection_Release(coll);
    ITypeInfo_Release(typeinfo);
    ITypeInfo_Release(dispinfo);
    return (double)(end.QuadPart - start.QuadPart) / freq.QuadPart;
}

static void keep_best(double *best, double t)
{
    if (t < 0) exit(1);
    if (t < *best) *best = t;
}

int main(void)
{
    IDispatch *coll, *dict;
    double ours = 1e9, theirs = 1e9, floor = 1e9;
    int round;

    CoInitializeEx(NULL, COINIT_APARTMENTTHREADED);
    coll = create_by_progid(L"Microsoft.Update.UpdateColl");
    dict = create_by_progid(L"Scripting.Dictionary");
    for (round = 0; round < ROUNDS; round++)
    {
        keep_best(&ours, time_reads(coll, L"Count"));
        keep_best(&theirs, time_reads(dict, L"Count"));
        keep_best(&floor, time_bare_typeinfo(coll));
    }
    printf("bench dispatch: %d late-bound Count reads per side, best of %d rounds\n", CALLS * ROUNDS, ROUNDS);
    printf("  OpenWUA UpdateColl.Count        %8.1f ns/call\n", ours * 1e9 / CALLS);
    printf("  Scripting.Dictionary.Count      %8.1f ns/call\n", theirs * 1e9 / CALLS);
    printf("  bare ITypeInfo::Invoke          %8.1f ns/call\n", floor * 1e9 / CALLS);
    printf("  ratio to Scripting.Dictionary %.2f (target <= 1.10)\n", ours / theirs);
    printf("  ratio to bare ITypeInfo::Invoke %.2f\n", ours / floor);
    IDispatch_Release(coll);
    IDispatch_Release(dict);
    CoUninitialize();
    return 0;
}
