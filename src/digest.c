/*
 * OpenWUA: SHA-1 and SHA-256 through BCrypt, with providers opened once.
 *
 * Opening an algorithm provider costs far more than hashing a small file or a
 * name, and one provider handle serves every thread: each is opened once per
 * process, for the catalog's name GUIDs and the downloader's checks alike.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>
#include "digest.h"

static BCRYPT_ALG_HANDLE providers[2];
static INIT_ONCE providers_once = INIT_ONCE_STATIC_INIT;

static BOOL CALLBACK open_providers(INIT_ONCE *once, void *param, void **context)
{
    static const WCHAR *const names[2] = { BCRYPT_SHA1_ALGORITHM, BCRYPT_SHA256_ALGORITHM };
    int i;

    (void)once; (void)param; (void)context;
    for (i = 0; i < 2; i++)
        if (BCryptOpenAlgorithmProvider(&providers[i], names[i], NULL, 0)) providers[i] = NULL;
    return TRUE;
}

NTSTATUS digest_begin(enum digest_kind kind, BCRYPT_HASH_HANDLE *hash)
{
    *hash = NULL;
    InitOnceExecuteOnce(&providers_once, open_providers, NULL, NULL);
    if (!providers[kind]) return (NTSTATUS)0xc0000225;     /* STATUS_NOT_FOUND */
    return BCryptCreateHash(providers[kind], hash, NULL, 0, NULL, 0, 0);
}

void digest_release_all(void)
{
    int i;

    for (i = 0; i < 2; i++)
        if (providers[i]) BCryptCloseAlgorithmProvider(providers[i], 0);
    memset(providers, 0, sizeof(providers));
}
