/*
 * OpenWUA: live update state shared by every object that shows an update.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef OPENWUA_STORE_H
#define OPENWUA_STORE_H

#include "catalog.h"

/* A loaded catalog, shared by the searches and updates that use it. */
struct catalog_ref
{
    LONG refs;
    struct catalog *catalog;
    WCHAR *location;
    FILETIME stamp;             /* last write time when loaded */
    ULONGLONG size;
};

HRESULT catalog_ref_load(const WCHAR *location, struct catalog_ref **out);
void catalog_ref_release(struct catalog_ref *ref);

enum update_flag
{
    UPDATE_INSTALLED = 0x01,
    UPDATE_HIDDEN = 0x02,           /* persisted */
    UPDATE_EULA_ACCEPTED = 0x04,    /* persisted */
    UPDATE_DOWNLOADED = 0x08,
    UPDATE_REBOOT_REQUIRED = 0x10,  /* persisted until the machine's RebootRequired key goes */
};

/* One per update ID in the process; every IUpdate for that update holds it,
 * so state changes show on objects from earlier searches. */
struct update_record
{
    LONG refs;
    GUID id;
    GUID service;
    SRWLOCK lock;               /* guards source and package, which a newer search may replace */
    struct catalog_ref *source;
    const struct catalog_package *package;
    volatile LONG flags;
};

/* Finds or makes the record of package (from source), and points it at them. */
HRESULT update_record_get(const GUID *service, struct catalog_ref *source, const struct catalog_package *package,
                          struct update_record **out);
void update_record_addref(struct update_record *record);
void update_record_release(struct update_record *record);
BOOL update_record_has(const struct update_record *record, enum update_flag flag);
void update_record_set(struct update_record *record, enum update_flag flag, BOOL on);
/* Sets a persisted flag (hidden, EULA accepted, reboot required) in the registry and in memory. */
HRESULT update_record_persist(struct update_record *record, enum update_flag flag, BOOL on);

/* The package with the record's lock held shared; pair with update_record_unlock. */
const struct catalog_package *update_record_lock(struct update_record *record);
void update_record_unlock(struct update_record *record);

#endif
