/*
 * OpenWUA: shared declarations of the wuapi.dll implementation.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef OPENWUA_PRIVATE_H
#define OPENWUA_PRIVATE_H

#include <windows.h>
#include <ole2.h>
#include <oleauto.h>
#include <wuerror.h>
#include "openwua_wuapi.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

extern HINSTANCE wuapi_instance;

/* Every live COM object is counted; DllCanUnloadNow answers S_OK only at zero. */
void object_created(void);
void object_destroyed(void);

/* --- IDispatch backed by the embedded type library (dispatch.c) --- */

/* One per dispatch interface an object exposes; filled lazily, shared by all instances. */
struct dispatch_type
{
    const IID *iid;
    ITypeInfo *volatile typeinfo;    /* the dual interface's vtable side */
    ITypeInfo *volatile dispinfo;    /* what GetTypeInfo hands out */
    struct dispatch_member *members; /* argument limits, filled with typeinfo */
    UINT member_count;
};

struct dispatch_member
{
    DISPID id;
    WORD invkind;
    BOOL restricted;        /* reachable through the vtable only */
    SHORT max_args;         /* arguments a caller may pass (retval excluded) */
    SHORT min_args;         /* arguments a caller must pass */
    UINT object_args;       /* bit n: argument n (reading order) is an object */
};

#define DISPATCH_TYPE(guid) { .iid = &(guid) }

HRESULT dispatch_get_type_info(struct dispatch_type *type, UINT index, ITypeInfo **info);
HRESULT dispatch_get_ids(struct dispatch_type *type, LPOLESTR *names, UINT count, DISPID *ids);
HRESULT dispatch_invoke(struct dispatch_type *type, void *iface, DISPID member, WORD flags,
                        DISPPARAMS *params, VARIANT *result, EXCEPINFO *excep, UINT *arg_err);
HRESULT dispatch_load_typelib(ITypeLib **typelib);
void dispatch_release_all(void);
void store_release_all(void);

/* Defines the four IDispatch methods of one interface face of a class. */
#define DEFINE_IDISPATCH(prefix, iface_type, type)                                              \
    static HRESULT WINAPI prefix##_GetTypeInfoCount(iface_type *iface, UINT *count)             \
    {                                                                                           \
        (void)iface;                                                                            \
        if (!count) return E_POINTER;                                                           \
        *count = 1;                                                                             \
        return S_OK;                                                                            \
    }                                                                                           \
    static HRESULT WINAPI prefix##_GetTypeInfo(iface_type *iface, UINT index, LCID lcid,        \
                                               ITypeInfo **info)                                \
    {                                                                                           \
        (void)iface; (void)lcid;                                                                \
        return dispatch_get_type_info(&(type), index, info);                                    \
    }                                                                                           \
    static HRESULT WINAPI prefix##_GetIDsOfNames(iface_type *iface, REFIID riid, LPOLESTR *names, \
                                                 UINT count, LCID lcid, DISPID *ids)            \
    {                                                                                           \
        (void)iface; (void)lcid;                                                                \
        if (!IsEqualIID(riid, &IID_NULL)) return DISP_E_UNKNOWNINTERFACE;                       \
        return dispatch_get_ids(&(type), names, count, ids);                                    \
    }                                                                                           \
    static HRESULT WINAPI prefix##_Invoke(iface_type *iface, DISPID member, REFIID riid,        \
                                          LCID lcid, WORD flags, DISPPARAMS *params,            \
                                          VARIANT *result, EXCEPINFO *excep, UINT *arg_err)     \
    {                                                                                           \
        (void)lcid;                                                                             \
        if (!IsEqualIID(riid, &IID_NULL)) return DISP_E_UNKNOWNINTERFACE;                       \
        return dispatch_invoke(&(type), iface, member, flags, params, result, excep, arg_err);  \
    }

/* --- small helpers (util.c) --- */
HRESULT return_bstr(const WCHAR *value, BSTR *out);
HRESULT return_bool(BOOL value, VARIANT_BOOL *out);
BOOL is_variant_bool(VARIANT_BOOL value);
HRESULT bstr_copy(BSTR value, BSTR *dest);
void guid_to_wua_string(const GUID *id, WCHAR text[37]);
HRESULT return_guid(const GUID *id, BSTR *out);
HRESULT guid_from_string(const WCHAR *text, GUID *out);

/* A ClientApplicationID; all zero is a valid, unset one. */
struct client_id
{
    SRWLOCK lock;
    BSTR value;
};
HRESULT client_id_get(struct client_id *id, const WCHAR *unset, BSTR *out);
HRESULT client_id_put(struct client_id *id, BSTR value);
void client_id_free(struct client_id *id);

/* One update's outcome in a download or installation result. */
struct update_outcome
{
    HRESULT hr;
    OperationResultCode code;
    BOOL reboot;                /* installations only */
};

/* The overall result of a download or installation (util.c): orcAborted when
 * any update was aborted, else orcSucceeded when all succeeded,
 * orcSucceededWithErrors when some did, orcFailed when none did; HResult is
 * S_OK unless all failed (then the first update's); RebootRequired when any
 * update's is. */
void outcome_fold(const struct update_outcome *updates, LONG count, struct update_outcome *overall);

/* --- persistent state in the registry (state.c); no COM in it --- */
HRESULT state_get_dword(const WCHAR *subkey, const WCHAR *name, DWORD *value);
HRESULT state_set_dword(const WCHAR *subkey, const WCHAR *name, DWORD value);
HRESULT state_get_string(const WCHAR *subkey, const WCHAR *name, WCHAR **value);
HRESULT state_set_string(const WCHAR *subkey, const WCHAR *name, const WCHAR *value);
HRESULT state_delete_key(const WCHAR *subkey);
HRESULT state_get_date(const WCHAR *subkey, const WCHAR *name, DATE *value);
HRESULT state_set_date(const WCHAR *subkey, const WCHAR *name, DATE value);
BOOL state_reboot_required(void);
extern const WCHAR state_key_openwua[];
extern const WCHAR state_key_au[];
extern const WCHAR state_key_au_policy[];

/* --- object constructors, one per class --- */
HRESULT update_session_create(REFIID riid, void **obj);
HRESULT update_collection_create_class(REFIID riid, void **obj);
HRESULT string_collection_create_class(REFIID riid, void **obj);
HRESULT web_proxy_create(REFIID riid, void **obj);
HRESULT system_info_create(REFIID riid, void **obj);
HRESULT agent_info_create(REFIID riid, void **obj);
HRESULT automatic_updates_create(REFIID riid, void **obj);

/* Collections built by OpenWUA itself; read_only ones refuse writes with WU_E_NOT_SUPPORTED. */
HRESULT update_collection_create(BOOL read_only, IUpdateCollection **out);
HRESULT update_collection_append(IUpdateCollection *coll, IUpdate *update);
HRESULT string_collection_create(BOOL read_only, IStringCollection **out);
HRESULT string_collection_append(IStringCollection *coll, const WCHAR *value);

/* --- VARIANT arrays and IEnumVARIANT (array.c) --- */
struct var_array
{
    VARIANT *items;
    LONG count;
    LONG capacity;
};

HRESULT var_array_insert(struct var_array *array, LONG index, const VARIANT *value);
HRESULT var_array_set(struct var_array *array, LONG index, const VARIANT *value);
HRESULT var_array_remove(struct var_array *array, LONG index);
void var_array_clear(struct var_array *array);
HRESULT var_array_copy(const struct var_array *src, struct var_array *dest);
/* Creates an IEnumVARIANT over a snapshot of the array. */
HRESULT var_array_enum(const struct var_array *array, IUnknown **out);

/* --- searching (searcher.c) --- */
HRESULT searcher_create(LCID locale, REFIID riid, void **obj);
HRESULT searcher_create_class(REFIID riid, void **obj);
HRESULT search_catalog(const WCHAR *criteria, const GUID *service, const WCHAR *location, LCID locale,
                       BOOL include_superseded, ISearchResult **out);

/* --- services (servicemgr.c) --- */
HRESULT service_manager_create(REFIID riid, void **obj);
/* The catalog a service searches; *location NULL (S_FALSE) when it has none. */
HRESULT service_location(const GUID *service, WCHAR **location);
extern const GUID default_service_id;

/* --- updates (update.c) --- */
struct update_record;
struct category_set;
HRESULT update_create(struct update_record *record, LCID locale, DeploymentAction action, IUpdate **out);
HRESULT update_add_to_categories(IUpdate *update, struct category_set *set);
struct update_record *update_record_from(IUpdate *update);
HRESULT identity_create(const GUID *id, LONG revision, IUpdateIdentity **out);

/* --- history (historyentry.c): entries of one update, or all when update_id is NULL --- */
HRESULT history_query(const GUID *update_id, LONG start, LONG count, IUpdateHistoryEntryCollection **out);

/* --- downloading (downloader.c) --- */
HRESULT downloader_create(REFIID riid, void **obj);
/* A session's downloader: downloads go through proxy's settings (NULL: the system proxy). */
HRESULT downloader_create_for_session(IWebProxy *proxy, IUpdateDownloader **out);
HRESULT download_copy_from_cache(struct update_record *record, const WCHAR *path);
/* IUpdate2::CopyToCache: full paths of the update's files, checked against the catalog. */
HRESULT download_copy_to_cache(struct update_record *record, IStringCollection *files);

/* --- installing (installer.c) --- */
HRESULT installer_create(REFIID riid, void **obj);

/* --- read-only collections of objects (rocoll.c) --- */
HRESULT ro_collection_create(const IID *iid, struct dispatch_type *type, struct var_array *items, void **out);
HRESULT var_array_append_object(struct var_array *items, IDispatch *object);

#endif
