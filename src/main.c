/*
 * OpenWUA: DLL entry points, class factories and the live-object count.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "private.h"
#include "log.h"
#include "classes.h"
#include "digest.h"
#include "jobs.h"

HINSTANCE wuapi_instance;
static LONG live_objects;
static LONG server_locks;

void object_created(void)
{
    InterlockedIncrement(&live_objects);
}

void object_destroyed(void)
{
    InterlockedDecrement(&live_objects);
}

struct class_factory
{
    IClassFactory IClassFactory_iface;
    const struct wua_class *class;
};

static inline struct class_factory *impl_from_IClassFactory(IClassFactory *iface)
{
    return CONTAINING_RECORD(iface, struct class_factory, IClassFactory_iface);
}

static HRESULT WINAPI factory_QueryInterface(IClassFactory *iface, REFIID riid, void **obj)
{
    if (!obj) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IClassFactory))
    {
        *obj = iface;
        IClassFactory_AddRef(iface);
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

/* The factories are static; their references only keep the server locked. */
static ULONG WINAPI factory_AddRef(IClassFactory *iface)
{
    (void)iface;
    return InterlockedIncrement(&server_locks) + 1;
}

static ULONG WINAPI factory_Release(IClassFactory *iface)
{
    (void)iface;
    return InterlockedDecrement(&server_locks) + 1;
}

static HRESULT WINAPI factory_CreateInstance(IClassFactory *iface, IUnknown *outer, REFIID riid, void **obj)
{
    struct class_factory *factory = impl_from_IClassFactory(iface);

    if (!obj) return E_POINTER;
    *obj = NULL;
    if (outer) return CLASS_E_NOAGGREGATION;
    return factory->class->create(riid, obj);
}

static HRESULT WINAPI factory_LockServer(IClassFactory *iface, BOOL lock)
{
    (void)iface;
    if (lock) InterlockedIncrement(&server_locks);
    else InterlockedDecrement(&server_locks);
    return S_OK;
}

static const IClassFactoryVtbl factory_vtbl =
{
    factory_QueryInterface,
    factory_AddRef,
    factory_Release,
    factory_CreateInstance,
    factory_LockServer,
};

static struct class_factory factories[ARRAY_SIZE(wua_classes)];

HRESULT WINAPI DllGetClassObject(REFCLSID clsid, REFIID riid, void **obj)
{
    size_t i;

    if (!obj) return E_POINTER;
    *obj = NULL;
    for (i = 0; i < ARRAY_SIZE(wua_classes); i++)
    {
        if (!IsEqualCLSID(clsid, wua_classes[i].clsid)) continue;
        factories[i].IClassFactory_iface.lpVtbl = &factory_vtbl;
        factories[i].class = &wua_classes[i];
        return IClassFactory_QueryInterface(&factories[i].IClassFactory_iface, riid, obj);
    }
    return CLASS_E_CLASSNOTAVAILABLE;
}

HRESULT WINAPI DllCanUnloadNow(void)
{
    return (live_objects == 0 && server_locks == 0) ? S_OK : S_FALSE;
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, void *reserved)
{
    switch (reason)
    {
    case DLL_PROCESS_ATTACH:
        wuapi_instance = instance;
        DisableThreadLibraryCalls(instance);
        break;
    case DLL_PROCESS_DETACH:
        /* At process exit other DLLs may already be gone: only clean up on FreeLibrary. */
        if (!reserved)
        {
            store_release_all();
            digest_release_all();
            dispatch_release_all();
            log_close();
            apartment_detach();
        }
        break;
    }
    return TRUE;
}
