/*
 * OpenWUA fuzzing: forced into every file of the native build (-include).
 *
 * The parsers are built for Linux with clang -fshort-wchar and Wine's Windows
 * headers, so WCHAR and L"" are 16 bits as on Windows.  glibc's wide string
 * functions work on 32-bit units, so every one the sources call is renamed
 * here to a 16-bit version in winshim.c.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef OPENWUA_FUZZ_NATIVE_H
#define OPENWUA_FUZZ_NATIVE_H

#include <stdarg.h>
#include <stddef.h>
#include <wchar.h>
#include <wctype.h>

typedef unsigned short fuzz_wchar;

#define wcslen fuzz_wcslen
#define wcscmp fuzz_wcscmp
#define wcsncmp fuzz_wcsncmp
#define wcschr fuzz_wcschr
#define wcspbrk fuzz_wcspbrk
#define wcscspn fuzz_wcscspn
#define _wcsdup fuzz_wcsdup
#define swprintf fuzz_swprintf
#define vswprintf fuzz_vswprintf
#define towlower fuzz_towlower

size_t fuzz_wcslen(const fuzz_wchar *s);
int fuzz_wcscmp(const fuzz_wchar *a, const fuzz_wchar *b);
int fuzz_wcsncmp(const fuzz_wchar *a, const fuzz_wchar *b, size_t count);
fuzz_wchar *fuzz_wcschr(const fuzz_wchar *s, fuzz_wchar c);
fuzz_wchar *fuzz_wcspbrk(const fuzz_wchar *s, const fuzz_wchar *accept);
size_t fuzz_wcscspn(const fuzz_wchar *s, const fuzz_wchar *reject);
fuzz_wchar *fuzz_wcsdup(const fuzz_wchar *s);
int fuzz_swprintf(fuzz_wchar *buffer, size_t count, const fuzz_wchar *format, ...);
int fuzz_vswprintf(fuzz_wchar *buffer, size_t count, const fuzz_wchar *format, va_list args);
fuzz_wchar fuzz_towlower(fuzz_wchar c);

#endif
