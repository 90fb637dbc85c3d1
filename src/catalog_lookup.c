/*
 * OpenWUA: lookups on the catalog model: the text for a locale, and the
 * category GUIDs of the names SDP gives.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <bcrypt.h>
#include "catalog.h"
#include "digest.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const struct catalog_text *catalog_text_for(const struct catalog_package *package, LCID locale)
{
    const struct catalog_text *primary = NULL, *regional = NULL;
    WCHAR name[LOCALE_NAME_MAX_LENGTH];
    size_t length, i;

    if (!package || !package->text_count) return NULL;
    if (!LCIDToLocaleName(locale, name, ARRAY_SIZE(name), 0)) return &package->texts[0];
    /* "en" of "en-US" */
    length = wcscspn(name, L"-");
    for (i = 0; i < package->text_count; i++)
    {
        const WCHAR *language = package->texts[i].language;
        size_t size = wcslen(language);

        if (!_wcsicmp(language, name)) return &package->texts[i];
        if (size < length || _wcsnicmp(language, name, length)) continue;
        if (size == length && !primary) primary = &package->texts[i];
        else if (language[length] == '-' && !regional) regional = &package->texts[i];
    }
    if (primary) return primary;
    return regional ? regional : &package->texts[0];
}

static const struct
{
    const WCHAR *name;
    GUID guid;
}
classifications[] =
{
    { L"Updates", {0xcd5ffd1e, 0xe932, 0x4e3a, {0xbf, 0x74, 0x18, 0xbf, 0x0b, 0x1b, 0xbd, 0x83}} },
    { L"Critical Updates", {0xe6cf1350, 0xc01b, 0x414d, {0xa6, 0x1f, 0x26, 0x3d, 0x14, 0xd1, 0x33, 0xb4}} },
    { L"Security Updates", {0x0fa1201d, 0x4330, 0x4fa8, {0x8a, 0xe9, 0xb8, 0x77, 0x47, 0x3b, 0x64, 0x41}} },
    { L"Feature Packs", {0xb54e7d24, 0x7add, 0x428f, {0x8b, 0x75, 0x90, 0xa3, 0x96, 0xfa, 0x58, 0x4f}} },
    { L"Update Rollups", {0x28bc880e, 0x0592, 0x4cbf, {0x8f, 0x95, 0xc7, 0x9b, 0x17, 0x91, 0x1d, 0x5f}} },
    { L"Service Packs", {0x68c5b0a3, 0xd1a6, 0x4553, {0xae, 0x49, 0x01, 0xd3, 0xa7, 0x82, 0x78, 0x28}} },
    { L"Tools", {0xb4832bd8, 0xe735, 0x4761, {0x8d, 0xaf, 0x37, 0xf8, 0x82, 0x27, 0x6d, 0xab}} },
    { L"Drivers", {0xebfc1fc5, 0x71a4, 0x4f7b, {0x9a, 0xca, 0x3b, 0x9a, 0x50, 0x31, 0x04, 0xa0}} },
};

/* What WSUS files ApplicationSpecificData packages under. */
static const GUID application_category = {0x5c9376ab, 0x8ce6, 0x464a, {0xb1, 0x36, 0x22, 0x11, 0x3d, 0xd6, 0x98, 0x01}};

BOOL catalog_classification_guid(const WCHAR *name, GUID *guid)
{
    size_t i;

    if (!guid) return FALSE;
    if (!name)
    {
        *guid = application_category;
        return TRUE;
    }
    for (i = 0; i < ARRAY_SIZE(classifications); i++)
    {
        if (_wcsicmp(name, classifications[i].name)) continue;
        *guid = classifications[i].guid;
        return TRUE;
    }
    return FALSE;
}

/* OpenWUA's namespace for name-based category GUIDs, in network byte order:
 * {ded406d9-53f6-4163-a4ae-4736288933ab}.  Never change it: the GUIDs derived
 * from it are persisted by clients. */
static const BYTE name_namespace[16] =
    { 0xde, 0xd4, 0x06, 0xd9, 0x53, 0xf6, 0x41, 0x63, 0xa4, 0xae, 0x47, 0x36, 0x28, 0x89, 0x33, 0xab };

static HRESULT sha1(const BYTE *data, ULONG size, BYTE hash[20])
{
    BCRYPT_HASH_HANDLE handle;
    NTSTATUS status;

    if (!(status = digest_begin(DIGEST_SHA1, &handle)))
    {
        if (!(status = BCryptHashData(handle, (UCHAR *)data, size, 0))) status = BCryptFinishHash(handle, hash, 20, 0);
        BCryptDestroyHash(handle);
    }
    return status ? HRESULT_FROM_NT(status) : S_OK;
}

/* RFC 4122 section 4.3, version 5: SHA-1 of the namespace and the UTF-8 name. */
HRESULT catalog_name_guid(const WCHAR *name, GUID *guid)
{
    BYTE hash[20], *data;
    int length;
    HRESULT hr;

    if (!guid) return E_POINTER;
    if (!name) return E_INVALIDARG;
    if (!(length = WideCharToMultiByte(CP_UTF8, 0, name, -1, NULL, 0, NULL, NULL)))
        return HRESULT_FROM_WIN32(GetLastError());
    if (!(data = malloc(sizeof(name_namespace) + length))) return E_OUTOFMEMORY;
    memcpy(data, name_namespace, sizeof(name_namespace));
    WideCharToMultiByte(CP_UTF8, 0, name, -1, (char *)data + sizeof(name_namespace), length, NULL, NULL);
    hr = sha1(data, sizeof(name_namespace) + length - 1, hash);
    free(data);
    if (FAILED(hr)) return hr;
    hash[6] = (hash[6] & 0x0f) | 0x50;
    hash[8] = (hash[8] & 0x3f) | 0x80;
    guid->Data1 = (DWORD)hash[0] << 24 | hash[1] << 16 | hash[2] << 8 | hash[3];
    guid->Data2 = hash[4] << 8 | hash[5];
    guid->Data3 = hash[6] << 8 | hash[7];
    memcpy(guid->Data4, hash + 8, 8);
    return S_OK;
}
