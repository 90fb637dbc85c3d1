/*
 * OpenWUA benchmark: hostile catalogs (issue 8).
 *
 * Each case makes a catalog up as it is read (a 1 GiB text node is never held
 * anywhere), loads it with catalog_load_stream, and prints the HRESULT and the
 * wall time.  Peak memory cannot be read from inside under Wine (see
 * search.c), so bench/hostile.py runs one case per process and reads each
 * one's peak resident size from Linux; the "empty" case is the baseline.
 *
 * usage: bench_hostile.exe --list | CASE
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <windows.h>
#include <objidl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wuerror.h>
#include "catalog.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIB (1u << 20)

#define NS "xmlns:smc=\"http://schemas.microsoft.com/sms/2005/04/CorporatePublishing/SystemsManagementCatalog.xsd\"" \
    " xmlns:sdp=\"http://schemas.microsoft.com/wsus/2005/04/CorporatePublishing/SoftwareDistributionPackage.xsd\"" \
    " xmlns:bar=\"http://schemas.microsoft.com/wsus/2005/04/CorporatePublishing/BaseApplicabilityRules.xsd\"" \
    " xmlns:lar=\"http://schemas.microsoft.com/wsus/2005/04/CorporatePublishing/LogicalApplicabilityRules.xsd\"" \
    " xmlns:ext=\"urn:openwua:sdp-extensions:2026\""
#define ROOT "<smc:SystemsManagementCatalog " NS ">"
#define CLOSE "</smc:SystemsManagementCatalog>"
#define PACKAGE_HEAD "<smc:SoftwareDistributionPackage><sdp:Properties PackageID=\"11111111-2222-3333-4444-" \
    "555555555555\"/><sdp:LocalizedProperties><sdp:Language>en</sdp:Language><sdp:Title>T</sdp:Title>" \
    "</sdp:LocalizedProperties><sdp:UpdateSpecificData UpdateClassification=\"Updates\"/>"
#define PACKAGE_TAIL "</smc:SoftwareDistributionPackage>"
#define UTF8 "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
#define UTF16 "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n"

/* head, body count times, tail; the encoding: 0 as is, 1 UTF-16LE, 2 UTF-16BE */
struct made
{
    IStream IStream_iface;
    char *part[3];
    size_t size[3];
    ULONGLONG count, given;
    ULONGLONG index;        /* 0 head, 1..count body, count + 1 tail */
    size_t offset;
};

static HRESULT WINAPI made_QueryInterface(IStream *iface, REFIID riid, void **obj)
{
    *obj = iface;
    return S_OK;
}

static ULONG WINAPI made_AddRef(IStream *iface)
{
    return 2;
}

static ULONG WINAPI made_Release(IStream *iface)
{
    return 1;
}

static HRESULT WINAPI made_Read(IStream *iface, void *data, ULONG size, ULONG *read)
{
    struct made *made = CONTAINING_RECORD(iface, struct made, IStream_iface);
    ULONG done = 0;

    while (done < size && made->index <= made->count + 1)
    {
        int which = !made->index ? 0 : made->index <= made->count ? 1 : 2;
        size_t length = min(made->size[which] - made->offset, size - done);

        memcpy((char *)data + done, made->part[which] + made->offset, length);
        done += length;
        if ((made->offset += length) == made->size[which])
        {
            made->index++;
            made->offset = 0;
        }
    }
    made->given += done;
    *read = done;
    return done < size ? S_FALSE : S_OK;
}

static HRESULT WINAPI made_Stat(IStream *iface, STATSTG *stat, DWORD flags)
{
    return E_NOTIMPL;
}

static const IStreamVtbl made_vtbl =
{
    made_QueryInterface, made_AddRef, made_Release, made_Read, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
    made_Stat, NULL,
};

static char *encode(const char *text, size_t length, int order, size_t *size)
{
    char *out = malloc(order ? 2 * length : length);
    size_t i;

    if (!order) memcpy(out, text, length);
    else
        for (i = 0; i < length; i++)
        {
            out[2 * i + (order == 1)] = 0;
            out[2 * i + (order == 2)] = text[i];
        }
    *size = order ? 2 * length : length;
    return out;
}

static void made_part(struct made *made, int which, const char *text, size_t length, int order)
{
    made->part[which] = encode(text, length, order, &made->size[which]);
}

/* A package with filler (64 KiB a body) between before and after. */
static void filler(struct made *made, int order, char fill, const char *before, const char *after, ULONGLONG bytes)
{
    char head[2048], tail[512], body[65536];
    size_t units = order ? sizeof(body) / 2 : sizeof(body);

    snprintf(head, sizeof(head), "%s" ROOT PACKAGE_HEAD "%s", order ? UTF16 : UTF8, before);
    snprintf(tail, sizeof(tail), "%s" PACKAGE_TAIL CLOSE, after);
    memset(body, fill, units);
    made_part(made, 0, head, strlen(head), order);
    made_part(made, 1, body, units, order);
    made_part(made, 2, tail, strlen(tail), order);
    made->count = bytes / made->size[1];
}

/* Rules nested levels deep (And, Or, Not in turn), or width True siblings in one And. */
static void rules(struct made *made, unsigned int levels, unsigned int width)
{
    static const char *const names[] = { "And", "Or", "Not" };
    size_t size = 4096 + levels * 20 + width * 12;
    char *text = malloc(size), *p = text;
    unsigned int i;

    p += sprintf(p, UTF8 ROOT PACKAGE_HEAD "<sdp:IsInstallable>");
    for (i = 0; i < levels; i++) p += sprintf(p, "<lar:%s>", names[i % 3]);
    if (width) p += sprintf(p, "<lar:And>");
    for (i = 0; i < width; i++) p += sprintf(p, "<lar:True/>");
    p += sprintf(p, width ? "</lar:And>" : "<lar:True/>");
    for (i = levels; i--;) p += sprintf(p, "</lar:%s>", names[i % 3]);
    p += sprintf(p, "</sdp:IsInstallable>" PACKAGE_TAIL CLOSE);
    made->part[0] = text;
    made->size[0] = p - text;
}

/* One rule with as many attributes as 16 MiB of tag holds. */
static void attributes(struct made *made, unsigned int count)
{
    char *text = malloc(4096 + count * 12), *p = text;
    unsigned int i;

    p += sprintf(p, UTF8 ROOT PACKAGE_HEAD "<sdp:IsInstalled><bar:RegSz");
    for (i = 0; i < count; i++) p += sprintf(p, " a%x=\"\"", i);
    p += sprintf(p, "/></sdp:IsInstalled>" PACKAGE_TAIL CLOSE);
    made->part[0] = text;
    made->size[0] = p - text;
}

static void packages(struct made *made, unsigned int count, BOOL expired)
{
    static const char kept[] = PACKAGE_HEAD PACKAGE_TAIL "\n";
    static const char gone[] = "<smc:SoftwareDistributionPackage><sdp:Properties PackageID=\"11111111-2222-3333-"
                               "4444-555555555555\" PublicationState=\"Expired\"/>" PACKAGE_TAIL "\n";

    made_part(made, 0, UTF8 ROOT, strlen(UTF8 ROOT), 0);
    made_part(made, 1, expired ? gone : kept, strlen(expired ? gone : kept), 0);
    made_part(made, 2, CLOSE, strlen(CLOSE), 0);
    made->count = count;
}

static void laughs(struct made *made)
{
    static const char text[] =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE smc:SystemsManagementCatalog [\n"
        "<!ENTITY a \"lollollollollollollollollollol\">\n"
        "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
        "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n"
        "<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n<!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n"
        "<!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\">\n<!ENTITY i \"&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;\">\n]>\n"
        ROOT PACKAGE_HEAD "<ext:Eula>&i;</ext:Eula>" PACKAGE_TAIL CLOSE;

    made_part(made, 0, text, strlen(text), 0);
}

#define GIB (1ull << 30)
#define EULA "<ext:Eula>", "</ext:Eula>"
#define QUERY "<sdp:IsInstalled><bar:WmiQuery WqlQuery=\"", "\"/></sdp:IsInstalled>"

static const char *const cases[] =
{
    "empty", "eula-8m", "packages-200k", "text-1g-utf8", "text-1g-utf16le", "text-1g-utf16be", "attr-1g",
    "space-1g", "eula-pieces-1g", "packages-1m", "rules-deep-252", "rules-deep-1m", "rules-wide-200k",
    "attrs-1.4m", "laughs", "eula-8m-utf16le", "comment-1g", "cdata-1g", "pi-1g",
};

static BOOL make(const char *name, struct made *made)
{
    memset(made, 0, sizeof(*made));
    made->IStream_iface.lpVtbl = &made_vtbl;
    if (!strcmp(name, "empty")) packages(made, 0, FALSE);
    else if (!strcmp(name, "eula-8m")) filler(made, 0, 'a', EULA, 8 * MIB);
    else if (!strcmp(name, "packages-200k")) packages(made, CATALOG_MAX_PACKAGES, FALSE);
    else if (!strcmp(name, "text-1g-utf8")) filler(made, 0, 'a', EULA, GIB);
    else if (!strcmp(name, "text-1g-utf16le")) filler(made, 1, 'a', EULA, GIB);
    else if (!strcmp(name, "text-1g-utf16be")) filler(made, 2, 'a', EULA, GIB);
    else if (!strcmp(name, "attr-1g")) filler(made, 0, 'a', QUERY, GIB);
    else if (!strcmp(name, "space-1g")) filler(made, 0, ' ', EULA, GIB);
    else if (!strcmp(name, "eula-pieces-1g"))
    {
        filler(made, 0, 'a', EULA, GIB);
        memcpy(made->part[1] + made->size[1] - 7, "<!---->", 7);
    }
    else if (!strcmp(name, "packages-1m")) packages(made, 1000000, FALSE);
    else if (!strcmp(name, "rules-deep-252")) rules(made, CATALOG_MAX_DEPTH - 4, 0);
    else if (!strcmp(name, "rules-deep-1m")) rules(made, 1000000, 0);
    else if (!strcmp(name, "rules-wide-200k")) rules(made, 0, 200000);
    else if (!strcmp(name, "attrs-1.4m")) attributes(made, 1400000);
    else if (!strcmp(name, "laughs")) laughs(made);
    else if (!strcmp(name, "eula-8m-utf16le")) filler(made, 1, 'a', EULA, 16 * MIB);
    else if (!strcmp(name, "comment-1g")) filler(made, 0, 'c', "<!--", "-->", GIB);
    else if (!strcmp(name, "cdata-1g")) filler(made, 0, 'c', "<ext:Eula><![CDATA[", "]]></ext:Eula>", GIB);
    else if (!strcmp(name, "pi-1g")) filler(made, 0, 'p', "<?pi ", "?>", GIB);
    else return FALSE;
    return TRUE;
}

static double now(void)
{
    LARGE_INTEGER frequency, count;

    QueryPerformanceFrequency(&frequency);
    QueryPerformanceCounter(&count);
    return (double)count.QuadPart / frequency.QuadPart;
}

int main(int argc, char **argv)
{
    struct catalog *catalog;
    struct made made;
    double start, seconds;
    unsigned int i;
    HRESULT hr;

    if (argc != 2) return 2;
    if (!strcmp(argv[1], "--list"))
    {
        for (i = 0; i < ARRAY_SIZE(cases); i++) printf("%s\n", cases[i]);
        return 0;
    }
    if (!make(argv[1], &made)) return 2;
    start = now();
    hr = catalog_load_stream(&made.IStream_iface, &catalog);
    seconds = now() - start;
    printf("%s 0x%08lx %.3f %.1f %u\n", argv[1], (unsigned long)hr, seconds, (double)made.given / MIB,
           SUCCEEDED(hr) ? catalog->package_count : 0);
    if (SUCCEEDED(hr)) catalog_free(catalog);
    for (i = 0; i < 3; i++) free(made.part[i]);
    return 0;
}
