/*
 * OpenWUA: loading SDP catalogs into the catalog model.
 *
 * One streaming pass with XmlLite over each XML document, building the model
 * as elements go by: no DOM, nothing kept of the XML once it is read.  Elements
 * are told apart by namespace URI and local name, never by prefix.  Where the
 * documents come from (files, cabinets, URLs) is catalog_source.c's business.
 *
 * Copyright 2026 the OpenWUA authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdlib.h>
#include <string.h>
#include <windows.h>
#include <ole2.h>
#include <xmllite.h>
#include <wincrypt.h>
#include <wuerror.h>
#include "openwua_wuapi.h"
#include "catalog_loader.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define WSUS_NS L"http://schemas.microsoft.com/wsus/2005/04/CorporatePublishing/"

static const WCHAR smc_ns[] =
    L"http://schemas.microsoft.com/sms/2005/04/CorporatePublishing/SystemsManagementCatalog.xsd";
static const WCHAR sdp_ns[] = WSUS_NS L"SoftwareDistributionPackage.xsd";
static const WCHAR cmd_ns[] = WSUS_NS L"Installers/CommandLineInstallation.xsd";
static const WCHAR msi_ns[] = WSUS_NS L"Installers/MsiInstallation.xsd";
static const WCHAR msp_ns[] = WSUS_NS L"Installers/MspInstallation.xsd";
static const WCHAR ext_ns[] = CATALOG_EXTENSION_NS;

/* MinGW's import libraries do not define it. */
static const IID iid_xml_reader = {0x7279fc81, 0x709d, 0x4095, {0xb6, 0x3d, 0x69, 0xfe, 0x4b, 0x0d, 0x90, 0x30}};

/* --- strings and arrays --- */

static WCHAR *copy_string_n(const WCHAR *s, size_t length)
{
    WCHAR *copy = malloc((length + 1) * sizeof(WCHAR));

    if (!copy) return NULL;
    memcpy(copy, s, length * sizeof(WCHAR));
    copy[length] = 0;
    return copy;
}

static WCHAR *copy_string(const WCHAR *s)
{
    return copy_string_n(s, wcslen(s));
}

static BOOL is_space(WCHAR c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Drops XML white space at both ends, in place. */
static WCHAR *trim(WCHAR *s)
{
    size_t start = 0, end = wcslen(s);

    while (start < end && is_space(s[start])) start++;
    while (end > start && is_space(s[end - 1])) end--;
    memmove(s, s + start, (end - start) * sizeof(WCHAR));
    s[end - start] = 0;
    return s;
}

/* Arrays grow by doubling, and their capacity is the smallest power of two
 * that holds count: no capacity to keep anywhere.  Returns the array with room
 * for one more element, or NULL with the old array untouched. */
static void *grow(void *array, unsigned int count, size_t size)
{
    if (count & (count - 1)) return array;
    return realloc(array, (count ? 2 * (size_t)count : 1) * size);
}

/* Takes item, and frees it when it cannot be added. */
static HRESULT list_add(struct string_list *list, WCHAR *item)
{
    WCHAR **items = grow(list->items, list->count, sizeof(*items));

    if (!items)
    {
        free(item);
        return E_OUTOFMEMORY;
    }
    list->items = items;
    items[list->count++] = item;
    return S_OK;
}

static void free_list(struct string_list *list)
{
    unsigned int i;

    for (i = 0; i < list->count; i++) free(list->items[i]);
    free(list->items);
}

/* --- freeing the model --- */

static void free_item(struct catalog_item *item)
{
    rule_free(item->is_installed);
    rule_free(item->is_superseded);
    rule_free(item->is_installable);
    free(item->program);
    free(item->arguments);
    free(item->return_codes);
    free(item->msi_file);
    free(item->product_code);
    free(item->command_line);
    free(item->uninstall_command_line);
    if (item->file)
    {
        free(item->file->name);
        free(item->file->uri);
        free(item->file);
    }
    free_list(&item->languages);
}

static void free_package(struct catalog_package *package)
{
    unsigned int i;

    free(package->vendor);
    free_list(&package->products);
    for (i = 0; i < package->text_count; i++)
    {
        free(package->texts[i].language);
        free(package->texts[i].title);
        free(package->texts[i].description);
    }
    free(package->texts);
    free(package->classification);
    free(package->severity);
    free_list(&package->kb_ids);
    free_list(&package->bulletin_ids);
    free_list(&package->cve_ids);
    free_list(&package->more_info_urls);
    free(package->support_url);
    rule_free(package->is_installed);
    rule_free(package->is_installable);
    free(package->superseded);
    for (i = 0; i < package->item_count; i++) free_item(&package->items[i]);
    free(package->items);
    free(package->eula);
}

void catalog_free(struct catalog *catalog)
{
    unsigned int i;

    if (!catalog) return;
    for (i = 0; i < catalog->package_count; i++) free_package(&catalog->packages[i]);
    free(catalog->packages);
    free(catalog);
}

/* --- typed values (xs: types; white space around them is allowed) --- */

static int hex_value(WCHAR c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* 8-4-4-4-12 hex digits, braces optional. */
static HRESULT parse_guid(WCHAR *value, GUID *guid)
{
    static const unsigned int groups[] = { 4, 2, 2, 2, 6 };
    const WCHAR *p = trim(value);
    BOOL braces = *p == '{';
    BYTE bytes[16];
    unsigned int group, i, n = 0;
    int high, low;

    if (braces) p++;
    for (group = 0; group < ARRAY_SIZE(groups); group++)
    {
        if (group && *p++ != '-') return WU_E_XML_INVALID;
        for (i = 0; i < groups[group]; i++)
        {
            if ((high = hex_value(p[0])) < 0 || (low = hex_value(p[1])) < 0) return WU_E_XML_INVALID;
            bytes[n++] = high << 4 | low;
            p += 2;
        }
    }
    if (braces && *p++ != '}') return WU_E_XML_INVALID;
    if (*p) return WU_E_XML_INVALID;
    guid->Data1 = (DWORD)bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3];
    guid->Data2 = bytes[4] << 8 | bytes[5];
    guid->Data3 = bytes[6] << 8 | bytes[7];
    memcpy(guid->Data4, bytes + 8, 8);
    return S_OK;
}

static HRESULT parse_bool(WCHAR *value, BOOL *out)
{
    trim(value);
    if (!wcscmp(value, L"true") || !wcscmp(value, L"1")) *out = TRUE;
    else if (!wcscmp(value, L"false") || !wcscmp(value, L"0")) *out = FALSE;
    else return WU_E_XML_INVALID;
    return S_OK;
}

/* An enumeration: *out is the index of the name. */
static HRESULT parse_enum(WCHAR *value, const WCHAR *const *names, unsigned int count, int *out)
{
    unsigned int i;

    trim(value);
    for (i = 0; i < count; i++)
    {
        if (wcscmp(value, names[i])) continue;
        *out = i;
        return S_OK;
    }
    return WU_E_XML_INVALID;
}

static HRESULT parse_uint64(WCHAR *value, ULONGLONG *out)
{
    const WCHAR *p = trim(value);
    ULONGLONG n = 0;

    if (!*p) return WU_E_XML_INVALID;
    for (; *p; p++)
    {
        if (*p < '0' || *p > '9' || n > (~0ull - (*p - '0')) / 10) return WU_E_XML_INVALID;
        n = n * 10 + (*p - '0');
    }
    *out = n;
    return S_OK;
}

static HRESULT parse_long(WCHAR *value, LONG *out)
{
    const WCHAR *p = trim(value);
    BOOL negative = *p == '-';
    ULONGLONG n = 0;

    if (*p == '-' || *p == '+') p++;
    if (!*p) return WU_E_XML_INVALID;
    for (; *p; p++)
    {
        if (*p < '0' || *p > '9') return WU_E_XML_INVALID;
        if ((n = n * 10 + (*p - '0')) > 0x80000000ull) return WU_E_XML_INVALID;
    }
    if (!negative && n > 0x7fffffff) return WU_E_XML_INVALID;
    *out = negative && n ? -(LONG)(n - 1) - 1 : (LONG)n;
    return S_OK;
}

/* Reads count decimal digits. */
static BOOL digits(const WCHAR **p, unsigned int count, unsigned int *out)
{
    *out = 0;
    while (count--)
    {
        if (**p < '0' || **p > '9') return FALSE;
        *out = *out * 10 + (*(*p)++ - '0');
    }
    return TRUE;
}

static BOOL expect(const WCHAR **p, WCHAR c)
{
    if (**p != c) return FALSE;
    (*p)++;
    return TRUE;
}

#define TICKS_PER_SECOND 10000000ll

/* The time zone of an xs:dateTime, in minutes east of UTC; none means UTC. */
static BOOL parse_zone(const WCHAR **p, int *minutes)
{
    unsigned int hours, mins;
    int sign;

    *minutes = 0;
    if (expect(p, 'Z') || !**p) return TRUE;
    if (**p != '+' && **p != '-') return FALSE;
    sign = *(*p)++ == '-' ? -1 : 1;
    if (!digits(p, 2, &hours) || !expect(p, ':') || !digits(p, 2, &mins) || hours > 14 || mins > 59)
        return FALSE;
    *minutes = sign * (int)(hours * 60 + mins);
    return TRUE;
}

static unsigned int days_in_month(unsigned int year, unsigned int month)
{
    static const BYTE days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    BOOL leap = (!(year % 4) && year % 100) || !(year % 400);

    return month == 2 && leap ? 29 : days[month - 1];
}

/* xs:dateTime: YYYY-MM-DDThh:mm:ss[.s+][Z|(+|-)hh:mm], turned into UTC. */
static HRESULT parse_date(WCHAR *value, FILETIME *out)
{
    const WCHAR *p = trim(value);
    unsigned int year, month, day, hour, minute, second, digit, scale = TICKS_PER_SECOND / 10;
    SYSTEMTIME st = { 0 };
    LONGLONG ticks = 0;
    ULARGE_INTEGER time;
    FILETIME ft;
    BOOL end_of_day;
    int zone;

    if (!digits(&p, 4, &year) || !expect(&p, '-') || !digits(&p, 2, &month) || !expect(&p, '-')
        || !digits(&p, 2, &day) || !expect(&p, 'T') || !digits(&p, 2, &hour) || !expect(&p, ':')
        || !digits(&p, 2, &minute) || !expect(&p, ':') || !digits(&p, 2, &second))
        return WU_E_XML_INVALID;
    if (expect(&p, '.'))
    {
        if (*p < '0' || *p > '9') return WU_E_XML_INVALID;
        /* 100 ns is all a FILETIME holds: further digits are dropped */
        while (digits(&p, 1, &digit))
        {
            ticks += digit * scale;
            scale /= 10;
        }
    }
    if (!parse_zone(&p, &zone) || *p) return WU_E_XML_INVALID;
    /* 24:00:00 is the end of the day, the next day's midnight */
    end_of_day = hour == 24 && !minute && !second && !ticks;
    if ((hour > 23 && !end_of_day) || minute > 59 || second > 59) return WU_E_XML_INVALID;
    /* Wine's SystemTimeToFileTime takes February 29th of any year */
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return WU_E_XML_INVALID;

    st.wYear = year;
    st.wMonth = month;
    st.wDay = day;
    st.wHour = end_of_day ? 0 : hour;
    st.wMinute = minute;
    st.wSecond = second;
    if (!SystemTimeToFileTime(&st, &ft)) return WU_E_XML_INVALID;
    time.LowPart = ft.dwLowDateTime;
    time.HighPart = ft.dwHighDateTime;
    time.QuadPart += ticks + (end_of_day ? 86400 * TICKS_PER_SECOND : 0);
    /* not before 1601 in UTC either */
    if ((LONGLONG)time.QuadPart < (LONGLONG)zone * 60 * TICKS_PER_SECOND) return WU_E_XML_INVALID;
    time.QuadPart -= (LONGLONG)zone * 60 * TICKS_PER_SECOND;
    out->dwLowDateTime = time.LowPart;
    out->dwHighDateTime = time.HighPart;
    return S_OK;
}

/* A base64 hash of exactly size bytes. */
static HRESULT parse_digest(WCHAR *value, BYTE *out, DWORD size)
{
    BYTE buffer[64];
    DWORD length = sizeof(buffer);

    if (!CryptStringToBinaryW(trim(value), 0, CRYPT_STRING_BASE64, buffer, &length, NULL, NULL) || length != size)
        return WU_E_XML_INVALID;
    memcpy(out, buffer, size);
    return S_OK;
}

/* --- reading XML --- */

struct catalog_loader
{
    IXmlReader *reader;
    struct catalog *catalog;
    unsigned int seen;          /* package elements met, kept or not */
    XmlNodeType last_type;      /* the node read last, and where it starts */
    UINT last_line;
    UINT last_column;
};

/* An element as next_child met it; ns and name are the reader's and only good
 * until it moves (reading the attributes moves it). */
struct node
{
    const WCHAR *ns;
    const WCHAR *name;
    BOOL empty;
};

static BOOL is(const struct node *node, const WCHAR *ns, const WCHAR *name)
{
    return !wcscmp(node->name, name) && !wcscmp(node->ns, ns);
}

/* Whatever XmlLite rejects (MX_E_*, WC_E_*, NC_E_*, SC_E_* such as the depth
 * limit or a DTD) makes the document an invalid catalog. */
static HRESULT xml_error(HRESULT hr)
{
    return hr == E_OUTOFMEMORY ? hr : WU_E_XML_INVALID;
}

/* Wine's XmlLite (8.0) does not fail on a document that ends inside an
 * element: Read returns the last node again and again.  Two nodes in a row of
 * the same type at the same place are that. */
static BOOL same_node_again(struct catalog_loader *loader, XmlNodeType type)
{
    UINT line = 0, column = 0;
    BOOL same;

    IXmlReader_GetLineNumber(loader->reader, &line);
    IXmlReader_GetLinePosition(loader->reader, &column);
    same = type == loader->last_type && line == loader->last_line && column == loader->last_column;
    loader->last_type = type;
    loader->last_line = line;
    loader->last_column = column;
    return same;
}

/* S_FALSE at the end of the document. */
static HRESULT read_node(struct catalog_loader *loader, XmlNodeType *type)
{
    HRESULT hr = IXmlReader_Read(loader->reader, type);

    if (FAILED(hr)) return xml_error(hr);
    if (hr == S_OK && same_node_again(loader, *type)) return WU_E_XML_INVALID;
    return hr;
}

/* Reading inside an element: the document may not end there. */
static HRESULT read_inner_node(struct catalog_loader *loader, XmlNodeType *type)
{
    HRESULT hr = read_node(loader, type);

    return hr == S_FALSE ? WU_E_XML_INVALID : hr;
}

/* An element in no namespace must have no prefix: Wine's XmlLite (8.0) lets an
 * undeclared one through. */
static HRESULT check_prefix(struct catalog_loader *loader)
{
    const WCHAR *name;
    HRESULT hr;

    if (FAILED(hr = IXmlReader_GetQualifiedName(loader->reader, &name, NULL))) return xml_error(hr);
    return wcschr(name, ':') ? WU_E_XML_INVALID : S_OK;
}

static HRESULT get_node(struct catalog_loader *loader, struct node *node)
{
    HRESULT hr;

    if (FAILED(hr = IXmlReader_GetNamespaceUri(loader->reader, &node->ns, NULL))
        || FAILED(hr = IXmlReader_GetLocalName(loader->reader, &node->name, NULL)))
        return xml_error(hr);
    node->empty = IXmlReader_IsEmptyElement(loader->reader);
    return *node->ns ? S_OK : check_prefix(loader);
}

/* Moves to the next child element of parent: S_OK there, S_FALSE at the
 * parent's end.  Text, comments and processing instructions are passed over. */
static HRESULT next_child(struct catalog_loader *loader, const struct node *parent, struct node *child)
{
    XmlNodeType type;
    HRESULT hr;

    if (parent->empty) return S_FALSE;
    for (;;)
    {
        if (FAILED(hr = read_inner_node(loader, &type))) return hr;
        if (type == XmlNodeType_Element) return get_node(loader, child);
        if (type == XmlNodeType_EndElement) return S_FALSE;
    }
}

/* Passes over the element and everything in it. */
static HRESULT skip_element(struct catalog_loader *loader, const struct node *node)
{
    unsigned int depth = 1;
    XmlNodeType type;
    HRESULT hr;

    if (node->empty) return S_OK;
    while (depth)
    {
        if (FAILED(hr = read_inner_node(loader, &type))) return hr;
        if (type == XmlNodeType_Element && !IXmlReader_IsEmptyElement(loader->reader)) depth++;
        else if (type == XmlNodeType_EndElement) depth--;
    }
    return S_OK;
}

/* The text of the element as written; elements inside it are passed over. */
static HRESULT read_text(struct catalog_loader *loader, const struct node *node, WCHAR **out)
{
    WCHAR *text = NULL, *grown;
    const WCHAR *value;
    size_t length = 0, capacity = 0;
    struct node child;
    XmlNodeType type;
    UINT count;
    HRESULT hr = S_OK;

    while (!node->empty)
    {
        if (FAILED(hr = read_inner_node(loader, &type))) break;
        if (type == XmlNodeType_EndElement) break;
        if (type == XmlNodeType_Element)
        {
            if (FAILED(hr = get_node(loader, &child)) || FAILED(hr = skip_element(loader, &child))) break;
            continue;
        }
        if (type != XmlNodeType_Text && type != XmlNodeType_CDATA && type != XmlNodeType_Whitespace) continue;
        if (FAILED(hr = IXmlReader_GetValue(loader->reader, &value, &count)))
        {
            hr = xml_error(hr);
            break;
        }
        /* comments between pieces would let one value grow to the document's size */
        if (count > CATALOG_MAX_NODE_BYTES - length)
        {
            hr = WU_E_XML_INVALID;
            break;
        }
        if (length + count + 1 > capacity)
        {
            capacity = max(2 * capacity, length + count + 1);
            if (!(grown = realloc(text, capacity * sizeof(WCHAR))))
            {
                hr = E_OUTOFMEMORY;
                break;
            }
            text = grown;
        }
        memcpy(text + length, value, count * sizeof(WCHAR));
        length += count;
        text[length] = 0;
    }
    if (FAILED(hr))
    {
        free(text);
        return hr;
    }
    if (!text && !(text = copy_string(L""))) return E_OUTOFMEMORY;
    *out = text;
    return S_OK;
}

/* The text with the white space at its ends dropped. */
static HRESULT read_value(struct catalog_loader *loader, const struct node *node, WCHAR **out)
{
    HRESULT hr = read_text(loader, node, out);

    if (SUCCEEDED(hr)) trim(*out);
    return hr;
}

/* A text element that may appear once. */
static HRESULT set_text(struct catalog_loader *loader, const struct node *node, WCHAR **field)
{
    if (*field) return WU_E_XML_INVALID;
    return read_value(loader, node, field);
}

static HRESULT add_text(struct catalog_loader *loader, const struct node *node, struct string_list *list)
{
    WCHAR *text;
    HRESULT hr;

    if (FAILED(hr = read_value(loader, node, &text))) return hr;
    return list_add(list, text);
}

/* The attributes a parser asks for, by name; value is a copy, NULL when absent. */
struct attr
{
    const WCHAR *name;
    WCHAR *value;
};

static void free_attrs(struct attr *attrs, unsigned int count)
{
    unsigned int i;

    for (i = 0; i < count; i++)
    {
        free(attrs[i].value);
        attrs[i].value = NULL;
    }
}

static WCHAR *take(struct attr *attr)
{
    WCHAR *value = attr->value;

    attr->value = NULL;
    return value;
}

/* Reads the unqualified attributes named in attrs; the SDP schemas have no
 * others (namespace declarations are attributes to XmlLite too). */
static HRESULT read_attrs(struct catalog_loader *loader, struct attr *attrs, unsigned int count)
{
    const WCHAR *ns, *name, *value;
    unsigned int i;
    UINT length;
    HRESULT hr;

    for (hr = IXmlReader_MoveToFirstAttribute(loader->reader); hr == S_OK;
         hr = IXmlReader_MoveToNextAttribute(loader->reader))
    {
        if (FAILED(hr = IXmlReader_GetNamespaceUri(loader->reader, &ns, NULL))) break;
        if (*ns) continue;
        if (FAILED(hr = IXmlReader_GetLocalName(loader->reader, &name, NULL))) break;
        for (i = 0; i < count; i++)
            if (!wcscmp(name, attrs[i].name)) break;
        if (i == count) continue;
        if (attrs[i].value)
        {
            hr = WU_E_XML_INVALID;
            break;
        }
        if (FAILED(hr = IXmlReader_GetValue(loader->reader, &value, &length))) break;
        if (!(attrs[i].value = copy_string_n(value, length)))
        {
            hr = E_OUTOFMEMORY;
            break;
        }
    }
    if (FAILED(hr))
    {
        free_attrs(attrs, count);
        return xml_error(hr);
    }
    IXmlReader_MoveToElement(loader->reader);
    return S_OK;
}

/* --- rules --- */

/* Every attribute but namespace declarations and qualified ones, as written:
 * the evaluator gives them meaning. */
static HRESULT copy_rule_attrs(struct catalog_loader *loader, struct rule *rule)
{
    const WCHAR *ns, *name, *value;
    unsigned int count = 0;
    HRESULT hr;

    for (hr = IXmlReader_MoveToFirstAttribute(loader->reader); hr == S_OK;
         hr = IXmlReader_MoveToNextAttribute(loader->reader))
    {
        if (FAILED(hr = IXmlReader_GetNamespaceUri(loader->reader, &ns, NULL))) break;
        if (*ns) continue;
        /* a rule has a handful; a million would each cost a copy */
        if (++count > CATALOG_MAX_RULE_ATTRS)
        {
            hr = WU_E_XML_INVALID;
            break;
        }
        if (FAILED(hr = IXmlReader_GetLocalName(loader->reader, &name, NULL))
            || FAILED(hr = IXmlReader_GetValue(loader->reader, &value, NULL))
            || FAILED(hr = rule_add_attr(rule, name, value)))
            break;
    }
    if (FAILED(hr)) return xml_error(hr);
    IXmlReader_MoveToElement(loader->reader);
    return S_OK;
}

/* Any element, known or not: an unknown one stays in the tree as RULE_UNKNOWN,
 * so the evaluator sees exactly what the catalog says. */
static HRESULT parse_rule(struct catalog_loader *loader, const struct node *node, struct rule **out)
{
    struct rule *rule, *sub;
    struct node child;
    HRESULT hr;

    if (!(rule = rule_create(node->ns, node->name))) return E_OUTOFMEMORY;
    hr = copy_rule_attrs(loader, rule);
    while (SUCCEEDED(hr) && (hr = next_child(loader, node, &child)) == S_OK)
        if (SUCCEEDED(hr = parse_rule(loader, &child, &sub))) hr = rule_add_child(rule, sub);
    if (FAILED(hr))
    {
        rule_free(rule);
        return hr;
    }
    *out = rule;
    return S_OK;
}

/* IsInstalled, IsInstallable, IsSuperseded: once each, holding exactly one rule. */
static HRESULT parse_rule_container(struct catalog_loader *loader, const struct node *node, struct rule **out)
{
    struct rule *rule = NULL;
    struct node child;
    HRESULT hr;

    if (*out) return WU_E_XML_INVALID;
    while ((hr = next_child(loader, node, &child)) == S_OK)
    {
        if (rule) hr = WU_E_XML_INVALID;
        else hr = parse_rule(loader, &child, &rule);
        if (FAILED(hr)) break;
    }
    if (SUCCEEDED(hr) && !rule) hr = WU_E_XML_INVALID;
    if (FAILED(hr))
    {
        rule_free(rule);
        return hr;
    }
    *out = rule;
    return S_OK;
}

/* --- installable items --- */

static HRESULT parse_applicability(struct catalog_loader *loader, const struct node *node, struct catalog_item *item)
{
    struct node child;
    HRESULT hr;

    while ((hr = next_child(loader, node, &child)) == S_OK)
    {
        if (is(&child, sdp_ns, L"IsInstalled")) hr = parse_rule_container(loader, &child, &item->is_installed);
        else if (is(&child, sdp_ns, L"IsSuperseded")) hr = parse_rule_container(loader, &child, &item->is_superseded);
        else if (is(&child, sdp_ns, L"IsInstallable")) hr = parse_rule_container(loader, &child, &item->is_installable);
        else hr = skip_element(loader, &child);     /* Metadata: for rules not evaluated yet */
        if (FAILED(hr)) return hr;
    }
    return FAILED(hr) ? hr : S_OK;
}

/* InstallProperties / UninstallProperties; the names are in WUA's enum order. */
static HRESULT parse_behavior(struct catalog_loader *loader, const struct node *node, struct catalog_behavior *behavior)
{
    static const WCHAR *const impacts[] = { L"Normal", L"Minor", L"RequiresExclusiveHandling" };
    static const WCHAR *const reboots[] = { L"NeverReboots", L"AlwaysRequiresReboot", L"CanRequestReboot" };
    enum { INPUT, NETWORK, IMPACT, REBOOT };
    struct attr attrs[] = { { .name = L"CanRequestUserInput" }, { .name = L"RequiresNetworkConnectivity" },
                            { .name = L"Impact" }, { .name = L"RebootBehavior" } };
    HRESULT hr;

    if (behavior->present) return WU_E_XML_INVALID;
    behavior->present = TRUE;
    if (FAILED(hr = read_attrs(loader, attrs, ARRAY_SIZE(attrs)))) return hr;
    if (attrs[INPUT].value) hr = parse_bool(attrs[INPUT].value, &behavior->can_request_user_input);
    if (SUCCEEDED(hr) && attrs[NETWORK].value) hr = parse_bool(attrs[NETWORK].value, &behavior->requires_network);
    if (SUCCEEDED(hr) && attrs[IMPACT].value)
        hr = parse_enum(attrs[IMPACT].value, impacts, ARRAY_SIZE(impacts), &behavior->impact);
    if (SUCCEEDED(hr) && attrs[REBOOT].value)
        hr = parse_enum(attrs[REBOOT].value, reboots, ARRAY_SIZE(reboots), &behavior->reboot);
    free_attrs(attrs, ARRAY_SIZE(attrs));
    if (FAILED(hr)) return hr;
    return skip_element(loader, node);
}

static const WCHAR *const result_names[] = { L"Succeeded", L"Failed", L"Cancelled" };

static HRESULT parse_return_code(struct catalog_loader *loader, const struct node *node, struct catalog_item *item)
{
    enum { CODE, RESULT, REBOOT };
    struct attr attrs[] = { { .name = L"Code" }, { .name = L"Result" }, { .name = L"Reboot" } };
    struct catalog_return_code code = { 0 }, *codes;
    int result;
    HRESULT hr;

    if (FAILED(hr = read_attrs(loader, attrs, ARRAY_SIZE(attrs)))) return hr;
    if (!attrs[CODE].value || !attrs[RESULT].value) hr = WU_E_XML_MISSINGDATA;
    else hr = parse_long(attrs[CODE].value, &code.code);
    if (SUCCEEDED(hr)) hr = parse_enum(attrs[RESULT].value, result_names, ARRAY_SIZE(result_names), &result);
    if (SUCCEEDED(hr) && attrs[REBOOT].value) hr = parse_bool(attrs[REBOOT].value, &code.reboot);
    free_attrs(attrs, ARRAY_SIZE(attrs));
    if (FAILED(hr)) return hr;
    code.result = result;
    if (!(codes = grow(item->return_codes, item->return_code_count, sizeof(*codes)))) return E_OUTOFMEMORY;
    item->return_codes = codes;
    codes[item->return_code_count++] = code;
    return skip_element(loader, node);      /* localized descriptions */
}

static HRESULT parse_command_line(struct catalog_loader *loader, const struct node *node, struct catalog_item *item)
{
    enum { PROGRAM, ARGUMENTS, DEFAULT_RESULT, REBOOT };
    struct attr attrs[] = { { .name = L"Program" }, { .name = L"Arguments" }, { .name = L"DefaultResult" },
                            { .name = L"RebootByDefault" } };
    struct node child;
    int result = CATALOG_RESULT_FAILED;
    HRESULT hr;

    if (item->installer != CATALOG_INSTALLER_NONE) return WU_E_XML_INVALID;
    item->installer = CATALOG_INSTALLER_COMMAND_LINE;
    if (FAILED(hr = read_attrs(loader, attrs, ARRAY_SIZE(attrs)))) return hr;
    if (!attrs[PROGRAM].value) hr = WU_E_XML_MISSINGDATA;
    if (SUCCEEDED(hr) && attrs[DEFAULT_RESULT].value)
        hr = parse_enum(attrs[DEFAULT_RESULT].value, result_names, ARRAY_SIZE(result_names), &result);
    if (SUCCEEDED(hr) && attrs[REBOOT].value) hr = parse_bool(attrs[REBOOT].value, &item->reboot_by_default);
    if (SUCCEEDED(hr))
    {
        item->program = take(&attrs[PROGRAM]);
        item->arguments = take(&attrs[ARGUMENTS]);
        item->default_result = result;
    }
    free_attrs(attrs, ARRAY_SIZE(attrs));
    if (FAILED(hr)) return hr;

    while ((hr = next_child(loader, node, &child)) == S_OK)
    {
        if (is(&child, cmd_ns, L"ReturnCode")) hr = parse_return_code(loader, &child, item);
        else hr = skip_element(loader, &child);
        if (FAILED(hr)) return hr;
    }
    return FAILED(hr) ? hr : S_OK;
}

static HRESULT parse_msi(struct catalog_loader *loader, const struct node *node, struct catalog_item *item)
{
    enum { FILE_NAME, PRODUCT, COMMAND_LINE, UNINSTALL };
    struct attr attrs[] = { { .name = L"MsiFile" }, { .name = L"ProductCode" }, { .name = L"CommandLine" },
                            { .name = L"UninstallCommandLine" } };
    HRESULT hr;

    if (item->installer != CATALOG_INSTALLER_NONE) return WU_E_XML_INVALID;
    item->installer = CATALOG_INSTALLER_MSI;
    if (FAILED(hr = read_attrs(loader, attrs, ARRAY_SIZE(attrs)))) return hr;
    if (!attrs[FILE_NAME].value || !attrs[PRODUCT].value) hr = WU_E_XML_MISSINGDATA;
    else
    {
        item->msi_file = take(&attrs[FILE_NAME]);
        item->product_code = trim(take(&attrs[PRODUCT]));
        item->command_line = take(&attrs[COMMAND_LINE]);
        item->uninstall_command_line = take(&attrs[UNINSTALL]);
    }
    free_attrs(attrs, ARRAY_SIZE(attrs));
    if (FAILED(hr)) return hr;
    return skip_element(loader, node);
}

static HRESULT parse_msp(struct catalog_loader *loader, const struct node *node, struct catalog_item *item)
{
    enum { PATCH, COMMAND_LINE, UNINSTALL };
    struct attr attrs[] = { { .name = L"PatchCode" }, { .name = L"CommandLine" },
                            { .name = L"UninstallCommandLine" } };
    struct node child;
    HRESULT hr;

    if (item->installer != CATALOG_INSTALLER_NONE) return WU_E_XML_INVALID;
    item->installer = CATALOG_INSTALLER_MSP;
    if (FAILED(hr = read_attrs(loader, attrs, ARRAY_SIZE(attrs)))) return hr;
    item->product_code = attrs[PATCH].value ? trim(take(&attrs[PATCH])) : NULL;
    item->command_line = take(&attrs[COMMAND_LINE]);
    item->uninstall_command_line = take(&attrs[UNINSTALL]);
    while ((hr = next_child(loader, node, &child)) == S_OK)
    {
        if (is(&child, msp_ns, L"MspFileName")) hr = set_text(loader, &child, &item->msi_file);
        else hr = skip_element(loader, &child);
        if (FAILED(hr)) return hr;
    }
    return FAILED(hr) ? hr : S_OK;
}

static HRESULT parse_additional_digest(struct catalog_loader *loader, const struct node *node, struct catalog_file *file)
{
    struct attr attrs[] = { { .name = L"Algorithm" } };
    WCHAR *text;
    BOOL sha256;
    HRESULT hr;

    if (FAILED(hr = read_attrs(loader, attrs, ARRAY_SIZE(attrs)))) return hr;
    sha256 = attrs[0].value && !wcscmp(trim(attrs[0].value), L"SHA256");
    free_attrs(attrs, ARRAY_SIZE(attrs));
    if (!sha256) return skip_element(loader, node);     /* a hash we do not check */
    if (file->has_sha256) return WU_E_XML_INVALID;
    if (FAILED(hr = read_text(loader, node, &text))) return hr;
    hr = parse_digest(text, file->sha256, sizeof(file->sha256));
    free(text);
    file->has_sha256 = SUCCEEDED(hr);
    return hr;
}
static HRESULT parse_origin_file(struct catalog_loader *loader, const struct node *node, struct catalog_item *item)
{
    enum { DIGEST, NAME, SIZE, MODIFIED, URI };
    struct attr attrs[] = { { .name = L"Digest" }, { .name = L"FileName" }, { .name = L"Size" },
                            { .name = L"Modified" }, { .name = L"OriginUri" } };
    struct catalog_file *file;
    struct node child;
    HRESULT hr;

    if (item->file) return WU_E_XML_INVALID;
    if (!(item->file = file = calloc(1, sizeof(*file)))) return E_OUTOFMEMORY;
    if (FAILED(hr = read_attrs(loader, attrs, ARRAY_SIZE(attrs)))) return hr;
    if (!attrs[NAME].value || !attrs[SIZE].value) hr = WU_E_XML_MISSINGDATA;
    /* content nothing could verify: only when the policy allows it */
    else if (!attrs[DIGEST].value) hr = (file->no_digest = catalog_allows_no_digest()) ? S_OK : WU_E_XML_MISSINGDATA;
    else hr = parse_digest(attrs[DIGEST].value, file->sha1, sizeof(file->sha1));
    if (SUCCEEDED(hr)) hr = parse_uint64(attrs[SIZE].value, &file->size);
    if (SUCCEEDED(hr) && attrs[MODIFIED].value) hr = parse_date(attrs[MODIFIED].value, &file->modified);
    if (SUCCEEDED(hr))
    {
        file->name = take(&attrs[NAME]);
        file->uri = attrs[URI].value ? trim(take(&attrs[URI])) : NULL;
    }
    free_attrs(attrs, ARRAY_SIZE(attrs));
    if (FAILED(hr)) return hr;

    while ((hr = next_child(loader, node, &child)) == S_OK)
    {
        if (is(&child, sdp_ns, L"AdditionalDigest")) hr = parse_additional_digest(loader, &child, file);
        else hr = skip_element(loader, &child);
        if (FAILED(hr)) return hr;
    }
    return FAILED(hr) ? hr : S_OK;
}

static HRESULT parse_item_child(struct catalog_loader *loader, const struct node *child, struct catalog_item *item)
{
    if (is(child, sdp_ns, L"ApplicabilityRules")) return parse_applicability(loader, child, item);
    if (is(child, sdp_ns, L"InstallProperties")) return parse_behavior(loader, child, &item->install);
    if (is(child, sdp_ns, L"UninstallProperties")) return parse_behavior(loader, child, &item->uninstall);
    if (is(child, cmd_ns, L"CommandLineInstallerData")) return parse_command_line(loader, child, item);
    if (is(child, msi_ns, L"MsiInstallerData")) return parse_msi(loader, child, item);
    if (is(child, msp_ns, L"MspInstallerData")) return parse_msp(loader, child, item);
    if (is(child, sdp_ns, L"OriginFile")) return parse_origin_file(loader, child, item);
    if (is(child, sdp_ns, L"Language")) return add_text(loader, child, &item->languages);
    return skip_element(loader, child);
}

static HRESULT parse_item(struct catalog_loader *loader, const struct node *node, struct catalog_package *package)
{
    struct attr attrs[] = { { .name = L"ID" } };
    struct catalog_item item = { 0 }, *items = NULL;
    struct node child;
    HRESULT hr;

    item.install.impact = item.uninstall.impact = iiNormal;
    item.install.reboot = item.uninstall.reboot = irbCanRequestReboot;
    item.default_result = CATALOG_RESULT_FAILED;
    if (FAILED(hr = read_attrs(loader, attrs, ARRAY_SIZE(attrs)))) return hr;
    hr = attrs[0].value ? parse_guid(attrs[0].value, &item.id) : WU_E_XML_MISSINGDATA;
    free_attrs(attrs, ARRAY_SIZE(attrs));
    if (FAILED(hr)) return hr;

    while ((hr = next_child(loader, node, &child)) == S_OK)
        if (FAILED(hr = parse_item_child(loader, &child, &item))) break;
    if (SUCCEEDED(hr) && !(items = grow(package->items, package->item_count, sizeof(*items)))) hr = E_OUTOFMEMORY;
    if (FAILED(hr))
    {
        free_item(&item);
        return hr;
    }
    package->items = items;
    items[package->item_count++] = item;
    return S_OK;
}

/* --- packages --- */

struct package_state
{
    BOOL properties;        /* Properties met */
    BOOL data;              /* UpdateSpecificData or ApplicationSpecificData met */
    BOOL skip;              /* expired, or a detectoid: left out of the catalog */
};

static HRESULT parse_properties(struct catalog_loader *loader, const struct node *node, struct catalog_package *package,
                                struct package_state *state)
{
    static const WCHAR *const types[] = { L"Software", L"Driver", L"Detectoid" };
    static const WCHAR *const publication[] = { L"Published", L"Expired" };
    enum { ID, CREATED, VENDOR, TYPE, STATE };
    struct attr attrs[] = { { .name = L"PackageID" }, { .name = L"CreationDate" }, { .name = L"VendorName" },
                            { .name = L"UpdateType" }, { .name = L"PublicationState" } };
    int type = 0, published = 0;
    struct node child;
    HRESULT hr;

    if (state->properties) return WU_E_XML_INVALID;
    state->properties = TRUE;
    if (FAILED(hr = read_attrs(loader, attrs, ARRAY_SIZE(attrs)))) return hr;
    hr = attrs[ID].value ? parse_guid(attrs[ID].value, &package->id) : WU_E_XML_MISSINGDATA;
    if (SUCCEEDED(hr) && attrs[CREATED].value) hr = parse_date(attrs[CREATED].value, &package->created);
    if (SUCCEEDED(hr) && attrs[TYPE].value) hr = parse_enum(attrs[TYPE].value, types, ARRAY_SIZE(types), &type);
    if (SUCCEEDED(hr) && attrs[STATE].value)
        hr = parse_enum(attrs[STATE].value, publication, ARRAY_SIZE(publication), &published);
    if (SUCCEEDED(hr))
    {
        package->vendor = take(&attrs[VENDOR]);
        package->type = type == 1 ? utDriver : utSoftware;
        state->skip = type == 2 || published == 1;
    }
    free_attrs(attrs, ARRAY_SIZE(attrs));
    if (FAILED(hr) || state->skip) return FAILED(hr) ? hr : skip_element(loader, node);

    while ((hr = next_child(loader, node, &child)) == S_OK)
    {
        if (is(&child, sdp_ns, L"MoreInfoUrl")) hr = add_text(loader, &child, &package->more_info_urls);
        else if (is(&child, sdp_ns, L"SupportUrl")) hr = set_text(loader, &child, &package->support_url);
        else if (is(&child, sdp_ns, L"ProductName")) hr = add_text(loader, &child, &package->products);
        else hr = skip_element(loader, &child);
        if (FAILED(hr)) return hr;
    }
    return FAILED(hr) ? hr : S_OK;
}

static HRESULT parse_localized(struct catalog_loader *loader, const struct node *node, struct catalog_package *package)
{
    struct catalog_text text = { 0 }, *texts = NULL;
    struct node child;
    HRESULT hr;

    while ((hr = next_child(loader, node, &child)) == S_OK)
    {
        if (is(&child, sdp_ns, L"Language")) hr = set_text(loader, &child, &text.language);
        else if (is(&child, sdp_ns, L"Title")) hr = set_text(loader, &child, &text.title);
        else if (is(&child, sdp_ns, L"Description")) hr = set_text(loader, &child, &text.description);
        else hr = skip_element(loader, &child);
        if (FAILED(hr)) break;
    }
    if (SUCCEEDED(hr) && !text.title) hr = WU_E_XML_MISSINGDATA;
    /* what may be left out reads as empty, never NULL */
    if (SUCCEEDED(hr) && !text.language && !(text.language = copy_string(L""))) hr = E_OUTOFMEMORY;
    if (SUCCEEDED(hr) && !text.description && !(text.description = copy_string(L""))) hr = E_OUTOFMEMORY;
    if (SUCCEEDED(hr) && !(texts = grow(package->texts, package->text_count, sizeof(*texts)))) hr = E_OUTOFMEMORY;
    if (FAILED(hr))
    {
        free(text.language);
        free(text.title);
        free(text.description);
        return hr;
    }
    package->texts = texts;
    texts[package->text_count++] = text;
    return S_OK;
}

static HRESULT parse_update_data(struct catalog_loader *loader, const struct node *node, struct catalog_package *package,
                                 struct package_state *state)
{
    enum { CLASSIFICATION, SEVERITY };
    struct attr attrs[] = { { .name = L"UpdateClassification" }, { .name = L"MsrcSeverity" } };
    struct node child;
    HRESULT hr;

    if (state->data) return WU_E_XML_INVALID;
    state->data = TRUE;
    if (FAILED(hr = read_attrs(loader, attrs, ARRAY_SIZE(attrs)))) return hr;
    if (!attrs[CLASSIFICATION].value) hr = WU_E_XML_MISSINGDATA;
    else
    {
        package->classification = trim(take(&attrs[CLASSIFICATION]));
        package->severity = attrs[SEVERITY].value ? trim(take(&attrs[SEVERITY])) : NULL;
    }
    free_attrs(attrs, ARRAY_SIZE(attrs));
    if (FAILED(hr)) return hr;

    while ((hr = next_child(loader, node, &child)) == S_OK)
    {
        if (is(&child, sdp_ns, L"KBArticleID")) hr = add_text(loader, &child, &package->kb_ids);
        else if (is(&child, sdp_ns, L"SecurityBulletinID")) hr = add_text(loader, &child, &package->bulletin_ids);
        else if (is(&child, sdp_ns, L"CveID")) hr = add_text(loader, &child, &package->cve_ids);
        else hr = skip_element(loader, &child);
        if (FAILED(hr)) return hr;
    }
    return FAILED(hr) ? hr : S_OK;
}

static HRESULT parse_superseded(struct catalog_loader *loader, const struct node *node, struct catalog_package *package)
{
    struct node child;
    GUID id, *ids;
    WCHAR *text;
    HRESULT hr;

    while ((hr = next_child(loader, node, &child)) == S_OK)
    {
        if (!is(&child, sdp_ns, L"PackageID"))
        {
            if (FAILED(hr = skip_element(loader, &child))) return hr;
            continue;
        }
        if (FAILED(hr = read_text(loader, &child, &text))) return hr;
        hr = parse_guid(text, &id);
        free(text);
        if (FAILED(hr)) return hr;
        if (!(ids = grow(package->superseded, package->superseded_count, sizeof(*ids)))) return E_OUTOFMEMORY;
        package->superseded = ids;
        ids[package->superseded_count++] = id;
    }
    return FAILED(hr) ? hr : S_OK;
}

static HRESULT parse_package_child(struct catalog_loader *loader, const struct node *child, struct catalog_package *package,
                                   struct package_state *state)
{
    if (is(child, sdp_ns, L"Properties")) return parse_properties(loader, child, package, state);
    if (is(child, sdp_ns, L"LocalizedProperties")) return parse_localized(loader, child, package);
    if (is(child, sdp_ns, L"UpdateSpecificData")) return parse_update_data(loader, child, package, state);
    if (is(child, sdp_ns, L"ApplicationSpecificData"))
    {
        if (state->data) return WU_E_XML_INVALID;
        state->data = TRUE;
        return skip_element(loader, child);
    }
    if (is(child, sdp_ns, L"IsInstallable")) return parse_rule_container(loader, child, &package->is_installable);
    if (is(child, sdp_ns, L"IsInstalled")) return parse_rule_container(loader, child, &package->is_installed);
    if (is(child, sdp_ns, L"SupersededPackages")) return parse_superseded(loader, child, package);
    if (is(child, sdp_ns, L"InstallableItem")) return parse_item(loader, child, package);
    if (is(child, ext_ns, L"Eula"))
    {
        if (package->eula) return WU_E_XML_INVALID;
        return read_text(loader, child, &package->eula);
    }
    /* Prerequisites, BundledPackages, and what later schemas add */
    return skip_element(loader, child);
}

static HRESULT add_package(struct catalog_loader *loader, struct catalog_package *package)
{
    struct catalog *catalog = loader->catalog;
    struct catalog_package *packages;

    if (!(packages = grow(catalog->packages, catalog->package_count, sizeof(*packages))))
    {
        free_package(package);
        return E_OUTOFMEMORY;
    }
    catalog->packages = packages;
    packages[catalog->package_count++] = *package;
    return S_OK;
}

static HRESULT parse_package(struct catalog_loader *loader, const struct node *node)
{
    struct catalog_package package = { 0 };
    struct package_state state = { 0 };
    struct node child;
    HRESULT hr;

    if (++loader->seen > CATALOG_MAX_PACKAGES) return WU_E_XML_INVALID;
    package.revision = 1;
    package.type = utSoftware;
    while ((hr = next_child(loader, node, &child)) == S_OK)
    {
        if (state.skip) hr = skip_element(loader, &child);
        else hr = parse_package_child(loader, &child, &package, &state);
        if (FAILED(hr)) break;
    }
    if (SUCCEEDED(hr) && !state.skip && (!state.properties || !package.text_count || !state.data))
        hr = WU_E_XML_MISSINGDATA;
    if (FAILED(hr) || state.skip)
    {
        free_package(&package);
        return FAILED(hr) ? hr : S_OK;
    }
    return add_package(loader, &package);
}

static HRESULT parse_catalog(struct catalog_loader *loader, const struct node *node)
{
    struct node child;
    HRESULT hr;

    while ((hr = next_child(loader, node, &child)) == S_OK)
    {
        if (is(&child, smc_ns, L"SoftwareDistributionPackage") || is(&child, sdp_ns, L"SoftwareDistributionPackage"))
            hr = parse_package(loader, &child);
        else
            hr = skip_element(loader, &child);
        if (FAILED(hr)) return hr;
    }
    return FAILED(hr) ? hr : S_OK;
}

static HRESULT parse_document(struct catalog_loader *loader)
{
    XmlNodeType type;
    struct node root;
    HRESULT hr;

    while ((hr = read_node(loader, &type)) == S_OK && type != XmlNodeType_Element) {}
    if (hr != S_OK) return FAILED(hr) ? hr : WU_E_XML_INVALID;     /* no root element */
    if (FAILED(hr = get_node(loader, &root))) return hr;
    if (is(&root, smc_ns, L"SystemsManagementCatalog")) hr = parse_catalog(loader, &root);
    else if (is(&root, sdp_ns, L"SoftwareDistributionPackage")) hr = parse_package(loader, &root);
    else hr = WU_E_XML_INVALID;
    /* read to the end, so that anything malformed after the root is caught too */
    while (SUCCEEDED(hr) && (hr = read_node(loader, &type)) == S_OK)
        if (type == XmlNodeType_Element) hr = WU_E_XML_INVALID;
    return FAILED(hr) ? hr : S_OK;
}

/* --- the parser's input, counted against the limits --- */

enum markup { MARKUP_NONE, MARKUP_COMMENT, MARKUP_CDATA, MARKUP_PI };

/* XmlLite is only ever given UTF-8 or a byte encoding: Wine's XmlLite (8.0)
 * fails on UTF-16 nodes past about 8 KiB (errors, then gigabytes and an access
 * violation) and can spin forever on a truncated UTF-16 document, so a UTF-16
 * document is turned into UTF-8 as it is read, and its XML declaration (the
 * one place that names the encoding) no longer names one. */
struct input
{
    ISequentialStream ISequentialStream_iface;
    catalog_read_fn read;
    void *source;
    ULONGLONG size;             /* bytes read from the source so far */
    HRESULT error;              /* why reading stopped: the reader may not say */
    BOOL source_ended;
    BOOL ended;                 /* the end and the line break after it are given */
    int order;                  /* -1 not known yet, 0 a byte encoding, 1 UTF-16LE, 2 UTF-16BE */
    BOOL head_done;             /* UTF-16: the XML declaration is dealt with */
    BYTE start[2];              /* the first bytes, to tell UTF-16 */
    ULONG start_count;
    BYTE odd[1];                /* UTF-16: a byte of a unit split between reads */
    ULONG odd_count;
    WCHAR high;                 /* UTF-16: a high surrogate split between reads */
    BYTE *out;                  /* what XmlLite gets, not handed over yet */
    ULONG out_length, out_pos, out_size;
    ULONG out_counted;          /* out up to here went through count_runs */
    ULONGLONG run;              /* bytes given since the last '<' outside comments, CDATA and PIs */
    enum markup markup;
    ULONGLONG last;             /* the last eight bytes given, to see markup begin and end */
};

static inline struct input *impl_from_ISequentialStream(ISequentialStream *iface)
{
    return CONTAINING_RECORD(iface, struct input, ISequentialStream_iface);
}

static HRESULT WINAPI input_QueryInterface(ISequentialStream *iface, REFIID riid, void **obj)
{
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_ISequentialStream))
    {
        *obj = iface;
        return S_OK;
    }
    *obj = NULL;
    return E_NOINTERFACE;
}

/* An input lives on its loader's stack, and the reader lets go of it before
 * the loader returns: no reference counting. */
static ULONG WINAPI input_AddRef(ISequentialStream *iface)
{
    (void)iface;
    return 2;
}

static ULONG WINAPI input_Release(ISequentialStream *iface)
{
    (void)iface;
    return 1;
}

/* UTF-16 is told by its byte order mark or by the '<' it starts with:
 * 1 little-endian, 2 big-endian, 0 a byte encoding. */
static int utf16_order(const BYTE start[2])
{
    if ((start[0] == 0xff && start[1] == 0xfe) || (start[0] == '<' && !start[1])) return 1;
    if ((start[0] == 0xfe && start[1] == 0xff) || (!start[0] && start[1] == '<')) return 2;
    return 0;
}

/* The last bytes given, newest lowest, end with text (up to 8 bytes). */
static BOOL ends_with(ULONGLONG last, const char *text)
{
    ULONGLONG value = 0;
    size_t length = strlen(text), i;

    for (i = 0; i < length; i++) value = value << 8 | (BYTE)text[i];
    return (length == 8 ? last : last & ((1ull << (8 * length)) - 1)) == value;
}

static ULONGLONG run_limit(enum markup markup)
{
    return markup == MARKUP_COMMENT || markup == MARKUP_PI ? CATALOG_MAX_COMMENT_BYTES : CATALOG_MAX_NODE_BYTES;
}

/* Where markup that may hold '<' begins or ends: only after these bytes. */
static enum markup next_markup(enum markup markup, BYTE c, ULONGLONG last, BYTE gone)
{
    switch (c)
    {
    case '-': return markup == MARKUP_NONE && ends_with(last, "<!--") ? MARKUP_COMMENT : markup;
    case '[': return markup == MARKUP_NONE && gone == '<' && ends_with(last, "![CDATA[") ? MARKUP_CDATA : markup;
    case '?': return markup == MARKUP_NONE && ends_with(last, "<?") ? MARKUP_PI : markup;
    case '>':
        if ((markup == MARKUP_COMMENT && ends_with(last, "-->")) || (markup == MARKUP_CDATA && ends_with(last, "]]>"))
            || (markup == MARKUP_PI && ends_with(last, "?>")))
            return MARKUP_NONE;
        return markup;
    default:
        return markup;
    }
}

/* XmlLite holds a whole node before it hands any of it over: a text node, a
 * tag with its attributes, a comment, a CDATA section or a processing
 * instruction.  Bounding the bytes between two '<' (none of them inside the
 * last three, which may hold '<') bounds what one node can cost, long before
 * the document's size limit.  Wine's XmlLite (8.0) crashes on a comment of
 * some hundred KiB: comments and PIs have a bound of their own. */
static HRESULT count_runs(struct input *input, const BYTE *buffer, ULONG count)
{
    ULONGLONG last = input->last, run = input->run, limit = run_limit(input->markup);
    enum markup markup = input->markup, next;
    BYTE gone;
    ULONG i;

    for (i = 0; i < count; i++)
    {
        gone = last >> 56;
        last = last << 8 | buffer[i];
        if (markup == MARKUP_NONE && buffer[i] == '<') run = 0;
        else if (++run > limit) return WU_E_XML_INVALID;
        if ((next = next_markup(markup, buffer[i], last, gone)) != markup) limit = run_limit(markup = next);
    }
    input->last = last;
    input->run = run;
    input->markup = markup;
    return S_OK;
}

static HRESULT reserve(struct input *input, ULONG more)
{
    BYTE *grown;
    ULONG size;

    if (input->out_pos == input->out_length) input->out_pos = input->out_length = input->out_counted = 0;
    if (input->out_length + more <= input->out_size) return S_OK;
    size = max(input->out_size * 2, input->out_length + more);
    if (!(grown = realloc(input->out, size))) return E_OUTOFMEMORY;
    input->out = grown;
    input->out_size = size;
    return S_OK;
}

/* UTF-16 bytes to UTF-8; a unit or a surrogate pair split between reads waits
 * for the rest. */
static HRESULT convert(struct input *input, const BYTE *bytes, ULONG count)
{
    WCHAR *units;
    ULONG n = 0, i = 0;
    int length;
    HRESULT hr;

    if (!(units = malloc((count / 2 + 2) * sizeof(WCHAR)))) return E_OUTOFMEMORY;
    if (input->high) units[n++] = input->high;
    input->high = 0;
    if (input->odd_count && count)
    {
        units[n++] = input->order == 1 ? input->odd[0] | bytes[0] << 8 : input->odd[0] << 8 | bytes[0];
        input->odd_count = 0;
        i = 1;
    }
    for (; i + 1 < count; i += 2)
        units[n++] = input->order == 1 ? bytes[i] | bytes[i + 1] << 8 : bytes[i] << 8 | bytes[i + 1];
    if (i < count) input->odd[input->odd_count++] = bytes[i];
    if (n && IS_HIGH_SURROGATE(units[n - 1])) input->high = units[--n];
    hr = S_OK;
    if (n && !(length = WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, units, n, NULL, 0, NULL, NULL)))
        hr = WU_E_XML_INVALID;
    else if (n && SUCCEEDED(hr = reserve(input, length)))
    {
        WideCharToMultiByte(CP_UTF8, 0, units, n, (char *)input->out + input->out_length, length, NULL, NULL);
        input->out_length += length;
    }
    free(units);
    return hr;
}

static HRESULT append(struct input *input, const BYTE *bytes, ULONG count)
{
    HRESULT hr;

    if (!count) return S_OK;
    if (input->order) return convert(input, bytes, count);
    if (FAILED(hr = reserve(input, count))) return hr;
    memcpy(input->out + input->out_length, bytes, count);
    input->out_length += count;
    return S_OK;
}

/* The converted document must not claim UTF-16 any more: its declaration,
 * whole within the first 256 bytes, becomes one that names no encoding (the
 * shortest well-formed one, so never longer than what it replaces). */
static HRESULT replace_declaration(struct input *input)
{
    static const char bom[] = "\xef\xbb\xbf", plain[] = "<?xml version=\"1.0\"?>";
    BYTE *text = input->out + input->out_pos;
    ULONG length = input->out_length - input->out_pos, skip = 0, end;

    if (length < 256 && !input->source_ended) return S_FALSE;
    input->head_done = TRUE;
    if (length >= 3 && !memcmp(text, bom, 3)) skip = 3;
    if (length - skip < 6 || memcmp(text + skip, "<?xml", 5) || !strchr(" \t\r\n", text[skip + 5])) return S_OK;
    for (end = skip + 5; end + 1 < length && end < 256; end++)
    {
        if (text[end] != '?' || text[end + 1] != '>') continue;
        end += 2;
        if (end - skip < strlen(plain)) return WU_E_XML_INVALID;
        memcpy(text + skip, plain, strlen(plain));
        memmove(text + skip + strlen(plain), text + end, length - end);
        input->out_length -= end - skip - strlen(plain);
        return S_OK;
    }
    return WU_E_XML_INVALID;
}

/* Reads one more piece of the source into out. */
static HRESULT fill(struct input *input)
{
    BYTE buffer[4096];
    ULONG done = 0, take = 0;
    HRESULT hr;

    if (FAILED(hr = input->read(input->source, buffer, sizeof(buffer), &done))) return hr;
    if (done > sizeof(buffer)) return E_UNEXPECTED;
    if ((input->size += done) > CATALOG_MAX_BYTES) return WU_E_XML_INVALID;
    if (!done) input->source_ended = TRUE;
    if (input->order < 0)
    {
        take = min(sizeof(input->start) - input->start_count, done);
        memcpy(input->start + input->start_count, buffer, take);
        input->start_count += take;
        if (input->start_count < sizeof(input->start) && !input->source_ended) return S_OK;
        input->order = input->start_count == sizeof(input->start) ? utf16_order(input->start) : 0;
        if (FAILED(hr = append(input, input->start, input->start_count))) return hr;
    }
    if (FAILED(hr = append(input, buffer + take, done - take))) return hr;
    if (input->source_ended && (input->odd_count || input->high)) return WU_E_XML_INVALID;
    if (input->order && !input->head_done && (hr = replace_declaration(input)) != S_OK)
        return hr == S_FALSE ? S_OK : hr;
    if (input->out_counted == input->out_length) return S_OK;
    hr = count_runs(input, input->out + input->out_counted, input->out_length - input->out_counted);
    input->out_counted = input->out_length;
    return hr;
}

/* Wine's XmlLite (8.0) aborts the process when a chunk of its input ends right
 * after the XML declaration, as a document holding nothing else does.  So the
 * end of the input is found before a chunk is handed over, and the last chunk
 * gets a line break after the document: XML allows it after the root element,
 * and it changes nothing else. */
static HRESULT WINAPI input_Read(ISequentialStream *iface, void *data, ULONG size, ULONG *read)
{
    struct input *input = impl_from_ISequentialStream(iface);
    BYTE *buffer = data;
    ULONG done = 0, count;
    HRESULT hr;

    if (read) *read = 0;
    if (FAILED(input->error)) return input->error;
    if (input->ended || size < 3) return S_FALSE;
    while (done < size - 2)
    {
        if (input->out_pos < input->out_length && (!input->order || input->head_done))
        {
            count = min(input->out_length - input->out_pos, size - 2 - done);
            memcpy(buffer + done, input->out + input->out_pos, count);
            input->out_pos += count;
            done += count;
        }
        else if (input->source_ended)
        {
            buffer[done++] = '\n';
            input->ended = TRUE;
            break;
        }
        else if (FAILED(hr = fill(input)))
        {
            input->error = hr;
            return hr;
        }
    }
    if (read) *read = done;
    return S_OK;
}

static HRESULT WINAPI input_Write(ISequentialStream *iface, const void *buffer, ULONG size, ULONG *written)
{
    (void)iface;
    (void)buffer;
    (void)size;
    (void)written;
    return STG_E_ACCESSDENIED;
}
static const ISequentialStreamVtbl input_vtbl =
{
    input_QueryInterface,
    input_AddRef,
    input_Release,
    input_Read,
    input_Write,
};

/* --- loading --- */

HRESULT catalog_loader_create(struct catalog_loader **out)
{
    struct catalog_loader *loader;
    HRESULT hr;

    if (!(*out = loader = calloc(1, sizeof(*loader)))) return E_OUTOFMEMORY;
    if (!(loader->catalog = calloc(1, sizeof(*loader->catalog)))) return E_OUTOFMEMORY;
    if (FAILED(hr = CreateXmlReader(&iid_xml_reader, (void **)&loader->reader, NULL))) return hr;
    /* No DTD at all: no entity expands and nothing outside the document is
     * fetched; no resolver either.  The depth limit bounds the recursion of
     * parse_rule and rule_free. */
    if (FAILED(hr = IXmlReader_SetProperty(loader->reader, XmlReaderProperty_DtdProcessing, DtdProcessing_Prohibit))
        || FAILED(hr = IXmlReader_SetProperty(loader->reader, XmlReaderProperty_XmlResolver, 0))
        || FAILED(hr = IXmlReader_SetProperty(loader->reader, XmlReaderProperty_MaxElementDepth, CATALOG_MAX_DEPTH)))
        return hr;
    return S_OK;
}

HRESULT catalog_loader_parse(struct catalog_loader *loader, catalog_read_fn read, void *source)
{
    struct input input = { .ISequentialStream_iface.lpVtbl = &input_vtbl, .read = read, .source = source,
                           .order = -1 };
    HRESULT hr;

    loader->last_type = XmlNodeType_None;
    if (SUCCEEDED(hr = IXmlReader_SetInput(loader->reader, (IUnknown *)&input.ISequentialStream_iface)))
        hr = parse_document(loader);
    IXmlReader_SetInput(loader->reader, NULL);
    free(input.out);
    return FAILED(input.error) ? input.error : hr;
}

HRESULT catalog_loader_finish(struct catalog_loader *loader, HRESULT hr, struct catalog **out)
{
    struct catalog *catalog = loader ? loader->catalog : NULL;
    struct catalog_package *packages;

    if (loader && loader->reader) IXmlReader_Release(loader->reader);
    free(loader);
    if (FAILED(hr))
    {
        catalog_free(catalog);
        return hr;
    }
    /* give back what doubling reserved */
    if (catalog->package_count
        && (packages = realloc(catalog->packages, catalog->package_count * sizeof(*packages))))
        catalog->packages = packages;
    *out = catalog;
    return S_OK;
}

static HRESULT read_stream(void *source, BYTE *buffer, ULONG size, ULONG *done)
{
    HRESULT hr = IStream_Read((IStream *)source, buffer, size, done);

    return FAILED(hr) ? hr : S_OK;
}

HRESULT catalog_load_stream(IStream *stream, struct catalog **out)
{
    struct catalog_loader *loader;
    STATSTG stat;
    HRESULT hr;

    if (!out) return E_POINTER;
    *out = NULL;
    if (!stream) return E_INVALIDARG;
    if (SUCCEEDED(IStream_Stat(stream, &stat, STATFLAG_NONAME)) && stat.cbSize.QuadPart > CATALOG_MAX_BYTES)
        return WU_E_XML_INVALID;
    if (SUCCEEDED(hr = catalog_loader_create(&loader))) hr = catalog_loader_parse(loader, read_stream, stream);
    return catalog_loader_finish(loader, hr, out);
}
