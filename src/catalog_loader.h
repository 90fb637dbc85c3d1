/*
 * OpenWUA: the XML half of catalog loading (catalog.c), for the code that
 * finds documents in files, cabinets and URLs (catalog_source.c).  No COM
 * objects in here; catalog.c needs nothing of Windows but XmlLite and a few
 * conversions, so it can also be built natively for fuzzing (fuzz/).
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef OPENWUA_CATALOG_LOADER_H
#define OPENWUA_CATALOG_LOADER_H

#include "catalog.h"

struct catalog_loader;

/* Reads up to size bytes of a document; *done 0 at its end. */
typedef HRESULT (*catalog_read_fn)(void *source, BYTE *buffer, ULONG size, ULONG *done);

HRESULT catalog_loader_create(struct catalog_loader **out);
/* One XML document, its packages added to the loader's catalog. */
HRESULT catalog_loader_parse(struct catalog_loader *loader, catalog_read_fn read, void *source);
/* Frees the loader (NULL allowed): on success *out is the catalog it built,
 * on failure that catalog is freed and hr returned. */
HRESULT catalog_loader_finish(struct catalog_loader *loader, HRESULT hr, struct catalog **out);

#endif
