/*
 * OpenWUA: small helpers for out-parameters.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
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
