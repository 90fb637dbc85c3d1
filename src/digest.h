/*
 * OpenWUA: SHA-1 and SHA-256 through BCrypt, with providers opened once.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef OPENWUA_DIGEST_H
#define OPENWUA_DIGEST_H

#include <windows.h>
#include <bcrypt.h>

enum digest_kind { DIGEST_SHA1, DIGEST_SHA256 };

/* A new hash object; the caller destroys it with BCryptDestroyHash. */
NTSTATUS digest_begin(enum digest_kind kind, BCRYPT_HASH_HANDLE *hash);
/* Closes the providers (DLL unload). */
void digest_release_all(void);

#endif
