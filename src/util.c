/*
 * OpenWUA: small helpers for out-parameters.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include "private.h"

HRESULT return_bstr(const WCHAR *value, BSTR *out)
{
    if (!out) return E_POINTER;
    *out = SysAllocString(value ? value : L"");
    return *out ? S_OK : E_OUTOFMEMORY;
}

HRESULT return_bool(BOOL value, VARIANT_BOOL *out)
{
    if (!out) return E_POINTER;
    *out = value ? VARIANT_TRUE : VARIANT_FALSE;
    return S_OK;
}

BOOL is_variant_bool(VARIANT_BOOL value)
{
    return value == VARIANT_TRUE || value == VARIANT_FALSE;
}

/* Replaces *dest with a copy of value; a NULL BSTR is the empty string. */
HRESULT bstr_copy(BSTR value, BSTR *dest)
{
    BSTR copy = SysAllocStringLen(value, SysStringLen(value));

    if (!copy) return E_OUTOFMEMORY;
    SysFreeString(*dest);
    *dest = copy;
    return S_OK;
}

/* WUA shows update, category and service IDs lowercase and without braces. */
void guid_to_wua_string(const GUID *id, WCHAR text[37])
{
    swprintf(text, 37, L"%08lx-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x", (unsigned long)id->Data1, id->Data2,
             id->Data3, id->Data4[0], id->Data4[1], id->Data4[2], id->Data4[3], id->Data4[4], id->Data4[5],
             id->Data4[6], id->Data4[7]);
}

HRESULT return_guid(const GUID *id, BSTR *out)
{
    WCHAR text[37];

    guid_to_wua_string(id, text);
    return return_bstr(text, out);
}

/* A GUID written with or without braces, any case; E_INVALIDARG otherwise. */
HRESULT guid_from_string(const WCHAR *text, GUID *out)
{
    WCHAR braced[40];
    size_t len = text ? wcslen(text) : 0;

    if (len == 38 && text[0] == '{') wcscpy(braced, text);
    else if (len == 36) swprintf(braced, ARRAY_SIZE(braced), L"{%ls}", text);
    else return E_INVALIDARG;
    return FAILED(CLSIDFromString(braced, out)) ? E_INVALIDARG : S_OK;
}

/* ClientApplicationID, kept by the session, searcher, downloader and service
 * manager alike: reads as unset (their documented default) until it is put. */
HRESULT client_id_get(struct client_id *id, const WCHAR *unset, BSTR *out)
{
    HRESULT hr;

    AcquireSRWLockShared(&id->lock);
    hr = return_bstr(id->value ? id->value : unset, out);
    ReleaseSRWLockShared(&id->lock);
    return hr;
}

HRESULT client_id_put(struct client_id *id, BSTR value)
{
    HRESULT hr;

    AcquireSRWLockExclusive(&id->lock);
    hr = bstr_copy(value, &id->value);
    ReleaseSRWLockExclusive(&id->lock);
    return hr;
}

void client_id_free(struct client_id *id)
{
    SysFreeString(id->value);
    id->value = NULL;
}

void outcome_fold(const struct update_outcome *updates, LONG count, struct update_outcome *overall)
{
    LONG i, succeeded = 0, aborted = 0;

    overall->reboot = FALSE;
    for (i = 0; i < count; i++)
    {
        if (updates[i].code == orcSucceeded) succeeded++;
        if (updates[i].code == orcAborted) aborted++;
        if (updates[i].reboot) overall->reboot = TRUE;
    }
    if (aborted) overall->code = orcAborted;
    else if (succeeded == count) overall->code = orcSucceeded;
    else if (succeeded) overall->code = orcSucceededWithErrors;
    else overall->code = orcFailed;
    overall->hr = overall->code == orcFailed && count ? updates[0].hr : S_OK;
}
