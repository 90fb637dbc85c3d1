/*
 * OpenWUA fuzzing: the few Windows functions the parsers call, for the
 * native build.  Each does what the parsers rely on and no more; none of this
 * is part of OpenWUA.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <wincrypt.h>
#include "winshim.h"

const GUID IID_IUnknown = {0x00000000, 0x0000, 0x0000, {0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46}};
const GUID IID_ISequentialStream = {0x0c733a30, 0x2a1c, 0x11ce, {0xad, 0xe5, 0x00, 0xaa, 0x00, 0x44, 0x77, 0x3d}};

BOOL fuzz_allow_no_digest;

/* --- 16-bit wide strings --- */

size_t fuzz_wcslen(const fuzz_wchar *s)
{
    const fuzz_wchar *p = s;

    while (*p) p++;
    return p - s;
}

int fuzz_wcscmp(const fuzz_wchar *a, const fuzz_wchar *b)
{
    while (*a && *a == *b) a++, b++;
    return (int)*a - (int)*b;
}

int fuzz_wcsncmp(const fuzz_wchar *a, const fuzz_wchar *b, size_t count)
{
    for (; count; count--, a++, b++)
        if (*a != *b || !*a) return (int)*a - (int)*b;
    return 0;
}

fuzz_wchar *fuzz_wcschr(const fuzz_wchar *s, fuzz_wchar c)
{
    for (;; s++)
    {
        if (*s == c) return (fuzz_wchar *)s;
        if (!*s) return NULL;
    }
}

fuzz_wchar *fuzz_wcspbrk(const fuzz_wchar *s, const fuzz_wchar *accept)
{
    for (; *s; s++)
        if (fuzz_wcschr(accept, *s)) return (fuzz_wchar *)s;
    return NULL;
}

size_t fuzz_wcscspn(const fuzz_wchar *s, const fuzz_wchar *reject)
{
    size_t i;

    for (i = 0; s[i]; i++)
        if (fuzz_wcschr(reject, s[i])) break;
    return i;
}

fuzz_wchar *fuzz_wcsdup(const fuzz_wchar *s)
{
    size_t size = (fuzz_wcslen(s) + 1) * sizeof(*s);
    fuzz_wchar *copy = malloc(size);

    if (copy) memcpy(copy, s, size);
    return copy;
}

fuzz_wchar fuzz_towlower(fuzz_wchar c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* --- swprintf: the conversions OpenWUA's messages use (%ls %u %lu %d %ld %x,
 * with '#' and a precision), as msvcrt reads them --- */

struct sink
{
    fuzz_wchar *buffer;
    size_t count, used;
};

static void put(struct sink *sink, fuzz_wchar c)
{
    if (sink->used + 1 < sink->count) sink->buffer[sink->used] = c;
    sink->used++;
}

/* flags: "" or "#"; conversion: u, d or x. */
static void put_number(struct sink *sink, const char *flags, char length, char conversion, va_list *args)
{
    char narrow[64], format[8];
    const char *p;

    snprintf(format, sizeof(format), "%%%s%s%c", flags, length == 'l' ? "l" : "", conversion);
    if (length == 'l')
    {
        long value = va_arg(*args, long);
        snprintf(narrow, sizeof(narrow), format, value);
    }
    else
    {
        int value = va_arg(*args, int);
        snprintf(narrow, sizeof(narrow), format, value);
    }
    for (p = narrow; *p; p++) put(sink, (unsigned char)*p);
}

int fuzz_vswprintf(fuzz_wchar *buffer, size_t count, const fuzz_wchar *format, va_list args)
{
    struct sink sink = { buffer, count, 0 };
    va_list copy;

    va_copy(copy, args);
    while (*format)
    {
        char flags[2] = "", length = 0;
        int precision = -1;
        const fuzz_wchar *s;

        if (*format != '%')
        {
            put(&sink, *format++);
            continue;
        }
        format++;
        if (*format == '%')
        {
            put(&sink, *format++);
            continue;
        }
        if (*format == '#') flags[0] = (char)*format++;
        if (*format == '.')
            for (precision = 0, format++; *format >= '0' && *format <= '9'; format++)
                precision = precision * 10 + (*format - '0');
        if (*format == 'l') length = (char)*format++;
        if (*format == 's')
        {
            for (s = va_arg(copy, const fuzz_wchar *); *s && precision; s++, precision--) put(&sink, *s);
            format++;
            continue;
        }
        if (!*format || !strchr("udx", (char)*format)) abort();    /* a format the shim does not know */
        put_number(&sink, flags, length, (char)*format++, &copy);
    }
    va_end(copy);
    if (count) buffer[sink.used < count ? sink.used : count - 1] = 0;
    return sink.used < count ? (int)sink.used : -1;
}

int fuzz_swprintf(fuzz_wchar *buffer, size_t count, const fuzz_wchar *format, ...)
{
    va_list args;
    int ret;

    va_start(args, format);
    ret = fuzz_vswprintf(buffer, count, format, args);
    va_end(args);
    return ret;
}

/* --- kernel32 and crypt32 --- */

static pthread_mutex_t srw = PTHREAD_MUTEX_INITIALIZER;

void WINAPI AcquireSRWLockExclusive(SRWLOCK *lock)
{
    (void)lock;
    pthread_mutex_lock(&srw);
}

void WINAPI ReleaseSRWLockExclusive(SRWLOCK *lock)
{
    (void)lock;
    pthread_mutex_unlock(&srw);
}

void WINAPI OutputDebugStringA(const char *message)
{
    (void)message;
}

/* UTF-16 to UTF-8 (CP_UTF8, the only page the sources use), with
 * WC_ERR_INVALID_CHARS failing on a lone surrogate; without it one becomes U+FFFD. */
INT WINAPI WideCharToMultiByte(UINT page, DWORD flags, const WCHAR *src, INT src_length, char *dst, INT dst_length,
                               const char *fallback, BOOL *used)
{
    INT i, n = 0, k, size;
    unsigned int c;
    char bytes[4];

    (void)fallback, (void)used;
    if (page != CP_UTF8) abort();
    if (src_length < 0) src_length = fuzz_wcslen(src) + 1;
    for (i = 0; i < src_length; i++)
    {
        c = src[i];
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < src_length && src[i + 1] >= 0xdc00 && src[i + 1] <= 0xdfff)
            c = 0x10000 + ((c - 0xd800) << 10) + (src[++i] - 0xdc00);
        else if (c >= 0xd800 && c <= 0xdfff)
        {
            if (flags & WC_ERR_INVALID_CHARS) return 0;
            c = 0xfffd;
        }
        if (c < 0x80) bytes[0] = c, size = 1;
        else if (c < 0x800) bytes[0] = 0xc0 | c >> 6, bytes[1] = 0x80 | (c & 0x3f), size = 2;
        else if (c < 0x10000)
            bytes[0] = 0xe0 | c >> 12, bytes[1] = 0x80 | ((c >> 6) & 0x3f), bytes[2] = 0x80 | (c & 0x3f), size = 3;
        else
            bytes[0] = 0xf0 | c >> 18, bytes[1] = 0x80 | ((c >> 12) & 0x3f), bytes[2] = 0x80 | ((c >> 6) & 0x3f),
            bytes[3] = 0x80 | (c & 0x3f), size = 4;
        for (k = 0; k < size; k++, n++)
            if (dst_length)
            {
                if (n >= dst_length) return 0;
                dst[n] = bytes[k];
            }
    }
    return n;
}

INT WINAPI CompareStringOrdinal(const WCHAR *a, INT a_length, const WCHAR *b, INT b_length, BOOL ignore_case)
{
    INT i;

    if (a_length < 0) a_length = fuzz_wcslen(a);
    if (b_length < 0) b_length = fuzz_wcslen(b);
    for (i = 0; i < a_length && i < b_length; i++)
    {
        WCHAR x = ignore_case ? fuzz_towlower(a[i]) : a[i], y = ignore_case ? fuzz_towlower(b[i]) : b[i];
        if (x != y) return x < y ? CSTR_LESS_THAN : CSTR_GREATER_THAN;
    }
    if (a_length == b_length) return CSTR_EQUAL;
    return a_length < b_length ? CSTR_LESS_THAN : CSTR_GREATER_THAN;
}

/* A few locales, enough for WindowsLanguage to match and not match. */
INT WINAPI LCIDToLocaleName(LCID lcid, WCHAR *name, INT size, DWORD flags)
{
    static const struct { LCID lcid; const WCHAR *name; } locales[] =
    {
        { 0x0409, L"en-US" }, { 0x0809, L"en-GB" }, { 0x0407, L"de-DE" }, { 0x040c, L"fr-FR" }, { 0x0411, L"ja-JP" },
    };
    size_t i, length;

    (void)flags;
    for (i = 0; i < ARRAY_SIZE(locales); i++)
    {
        if (locales[i].lcid != lcid) continue;
        length = fuzz_wcslen(locales[i].name) + 1;
        if (!name || !size) return length;
        if ((size_t)size < length) return 0;
        memcpy(name, locales[i].name, length * sizeof(WCHAR));
        return length;
    }
    return 0;
}

/* %NAME% from a small fixed environment; unknown names stay as written, as Windows leaves them. */
DWORD WINAPI ExpandEnvironmentStringsW(const WCHAR *src, WCHAR *dst, DWORD size)
{
    static const struct { const WCHAR *name, *value; } vars[] =
    {
        { L"SystemRoot", L"C:\\windows" }, { L"ProgramFiles", L"C:\\Program Files" }, { L"windir", L"C:\\windows" },
    };
    DWORD used = 0;
    size_t i, n;

    while (*src)
    {
        const WCHAR *value = NULL, *end = *src == '%' ? fuzz_wcschr(src + 1, '%') : NULL;

        for (i = 0; end && i < ARRAY_SIZE(vars) && !value; i++)
            if ((size_t)(end - src - 1) == fuzz_wcslen(vars[i].name)
                && !fuzz_wcsncmp(src + 1, vars[i].name, end - src - 1))
                value = vars[i].value;
        if (value)
        {
            for (n = 0; value[n]; n++, used++)
                if (used < size) dst[used] = value[n];
            src = end + 1;
            continue;
        }
        if (used < size) dst[used] = *src;
        used++, src++;
    }
    if (used < size) dst[used] = 0;
    return used + 1;
}

static int day_count(WORD year, WORD month)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    BOOL leap = (year % 4 == 0 && year % 100) || year % 400 == 0;

    return days[month - 1] + (month == 2 && leap);
}

BOOL WINAPI SystemTimeToFileTime(const SYSTEMTIME *st, FILETIME *ft)
{
    ULONGLONG days = 0, ticks;
    WORD y, m;

    if (st->wYear < 1601 || st->wYear > 30827 || st->wMonth < 1 || st->wMonth > 12 || st->wDay < 1
        || st->wDay > day_count(st->wYear, st->wMonth) || st->wHour > 23 || st->wMinute > 59 || st->wSecond > 59
        || st->wMilliseconds > 999)
        return FALSE;
    for (y = 1601; y < st->wYear; y++) days += 365 + ((y % 4 == 0 && y % 100) || y % 400 == 0);
    for (m = 1; m < st->wMonth; m++) days += day_count(st->wYear, m);
    days += st->wDay - 1;
    ticks = ((((days * 24 + st->wHour) * 60 + st->wMinute) * 60 + st->wSecond) * 1000 + st->wMilliseconds) * 10000;
    ft->dwLowDateTime = (DWORD)ticks;
    ft->dwHighDateTime = (DWORD)(ticks >> 32);
    return TRUE;
}

static int base64_value(WCHAR c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

/* CRYPT_STRING_BASE64 with a NUL-terminated string: white space is skipped,
 * '=' ends the data. */
BOOL WINAPI CryptStringToBinaryW(const WCHAR *string, DWORD length, DWORD flags, BYTE *binary, DWORD *size,
                                 DWORD *skip, DWORD *used_flags)
{
    DWORD bits = 0, count = 0, out = 0;
    int value;

    (void)skip, (void)used_flags;
    if (flags != CRYPT_STRING_BASE64 || length) abort();
    for (; *string && *string != '='; string++)
    {
        if (*string == ' ' || *string == '\t' || *string == '\r' || *string == '\n') continue;
        if ((value = base64_value(*string)) < 0) return FALSE;
        bits = (bits << 6) | value;
        if ((count += 6) >= 8)
        {
            count -= 8;
            if (binary && out < *size) binary[out] = (BYTE)(bits >> count);
            else if (binary) return FALSE;
            out++;
        }
    }
    *size = out;
    return TRUE;
}

/* --- what catalog_source.c would give --- */

BOOL catalog_allows_no_digest(void)
{
    return fuzz_allow_no_digest;
}

void fuzz_set_no_digest_policy(BOOL allow)
{
    fuzz_allow_no_digest = allow;
}
