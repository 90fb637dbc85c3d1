/*
 * OpenWUA: knowing when a single-threaded apartment that began jobs goes away.
 *
 * A job calls its callbacks from a worker thread; into a single-threaded
 * apartment that call is a message posted to the apartment's window.  Wine 8
 * answers a call posted just before the apartment's last CoUninitialize
 * never: the window goes with the message still in the queue, and the worker
 * waits for ever (with it the job, and any lock it holds).  Windows fails
 * such a call instead.  So each STA thread that begins a job with a callback
 * gets an IInitializeSpy, registered once; before the thread's last
 * CoUninitialize it lets the calls already on their way in and turns the rest
 * away (job_apartment_leaving), and after it the spy revokes itself.
 *
 * The spy is a counted object: while one is registered the DLL stays loaded,
 * since CoUninitialize would call into it.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "jobs.h"

struct spy
{
    IInitializeSpy IInitializeSpy_iface;
    LONG refs;
    ULARGE_INTEGER cookie;
};

/* This thread's spy, if it has one: a TLS slot made on first use. */
static INIT_ONCE slot_once = INIT_ONCE_STATIC_INIT;
static DWORD slot = TLS_OUT_OF_INDEXES;

static BOOL CALLBACK make_slot(INIT_ONCE *once, void *param, void **context)
{
    (void)once; (void)param; (void)context;
    slot = TlsAlloc();
    return TRUE;
}

static inline struct spy *impl_from_IInitializeSpy(IInitializeSpy *iface)
{
    return CONTAINING_RECORD(iface, struct spy, IInitializeSpy_iface);
}

static HRESULT WINAPI spy_QueryInterface(IInitializeSpy *iface, REFIID riid, void **obj)
{
    if (!obj) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IInitializeSpy))
    {
        *obj = iface;
        IInitializeSpy_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

static ULONG WINAPI spy_AddRef(IInitializeSpy *iface)
{
    return InterlockedIncrement(&impl_from_IInitializeSpy(iface)->refs);
}

static ULONG WINAPI spy_Release(IInitializeSpy *iface)
{
    struct spy *This = impl_from_IInitializeSpy(iface);
    ULONG refs = InterlockedDecrement(&This->refs);

    if (!refs)
    {
        free(This);
        object_destroyed();
    }
    return refs;
}

static HRESULT WINAPI spy_PreInitialize(IInitializeSpy *iface, DWORD coinit, DWORD refs)
{
    (void)iface; (void)coinit; (void)refs;
    return S_OK;
}

static HRESULT WINAPI spy_PostInitialize(IInitializeSpy *iface, HRESULT hr, DWORD coinit, DWORD refs)
{
    (void)iface; (void)coinit; (void)refs;
    return hr;
}

/* refs: the thread's initializations before this CoUninitialize; at 1 the apartment goes. */
static HRESULT WINAPI spy_PreUninitialize(IInitializeSpy *iface, DWORD refs)
{
    (void)iface;
    if (refs == 1) job_apartment_leaving();
    return S_OK;
}

static HRESULT WINAPI spy_PostUninitialize(IInitializeSpy *iface, DWORD refs)
{
    struct spy *This = impl_from_IInitializeSpy(iface);

    if (refs) return S_OK;
    /* the thread may initialize again later: then it gets a new spy */
    TlsSetValue(slot, NULL);
    CoRevokeInitializeSpy(This->cookie);
    return S_OK;
}

static const IInitializeSpyVtbl spy_vtbl =
{
    spy_QueryInterface,
    spy_AddRef,
    spy_Release,
    spy_PreInitialize,
    spy_PostInitialize,
    spy_PreUninitialize,
    spy_PostUninitialize,
};

HRESULT apartment_watch(void)
{
    struct spy *This;
    HRESULT hr;

    InitOnceExecuteOnce(&slot_once, make_slot, NULL, NULL);
    if (slot == TLS_OUT_OF_INDEXES) return E_OUTOFMEMORY;
    if (TlsGetValue(slot)) return S_FALSE;
    if (!(This = calloc(1, sizeof(*This)))) return E_OUTOFMEMORY;
    This->IInitializeSpy_iface.lpVtbl = &spy_vtbl;
    This->refs = 1;
    object_created();
    hr = CoRegisterInitializeSpy(&This->IInitializeSpy_iface, &This->cookie);
    if (SUCCEEDED(hr)) TlsSetValue(slot, This);
    /* COM holds the spy from here on */
    IInitializeSpy_Release(&This->IInitializeSpy_iface);
    return hr;
}

void apartment_detach(void)
{
    if (slot != TLS_OUT_OF_INDEXES) TlsFree(slot);
}
