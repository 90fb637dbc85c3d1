/*
 * OpenWUA: categories.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef OPENWUA_CATEGORY_H
#define OPENWUA_CATEGORY_H

#define CATEGORY_ROOTS (-1)
#define CATEGORY_ALL (-2)
#define CATEGORY_LEAVES (-3)

struct category_set;

HRESULT category_set_create(struct category_set **out);
void category_set_release(struct category_set *set);
HRESULT category_set_add(struct category_set *set, const GUID *id, const WCHAR *name, const WCHAR *type,
                         int parent, int *index);
HRESULT category_set_add_update(struct category_set *set, int index, IUpdate *update);
/* Children of parent: CATEGORY_ROOTS for the roots, CATEGORY_ALL for all,
 * CATEGORY_LEAVES for those without children. */
HRESULT category_collection_create(struct category_set *set, int parent, ICategoryCollection **out);

#endif
